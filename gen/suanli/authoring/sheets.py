"""Reading a Wind or iFinD export, .xlsx or .csv, as rows of cells: what every `suanli import` shares.

An .xlsx is read from its first worksheet, values as Excel computed them (numbers, datetimes, text);
a .csv in UTF-8, UTF-8 with BOM or GBK (what Excel in China writes), every value text. Each cell keeps
its A1-style reference, so an importer's error names the cell an author sees in Excel.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from dataclasses import dataclass
from pathlib import Path

from suanli.errors import Collector

# The source line Wind and iFinD put under a table (数据来源：Wind), a row of one cell.
FOOTNOTE = re.compile(r"^(数据来源|来源|注|备注|Wind|iFinD)")
# A date as Wind writes it: 2024-12-16, 2024-1-2, 2024/12/16, 2024.12.16, 20241216 or 2024年12月16日.
DATE_TEXT = re.compile(r"^(\d{4})(?:[-/.年](\d{1,2})[-/.月](\d{1,2})日?|(\d{2})(\d{2}))$")
# The time a date cell may carry when it was a datetime (2024-12-11 00:00:00, 2024-12-11T00:00).
TIME_OF_DAY = re.compile(r"[ T]\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?$")


@dataclass(frozen=True)
class Cell:
    value: object  # str, int, float, datetime or None
    ref: str  # A1-style reference (or column letter + line for CSV)
    percent_format: bool = False  # an Excel cell formatted as %, whose value is a fraction


Row = tuple[int, list[Cell]]  # a row's line (row number) in the export, and its cells left to right


def column_letter(index: int) -> str:
    """The spreadsheet letters of a 0-based column: 0 -> A, 26 -> AA."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def cell_at(cells: list[Cell], index: int, line: int) -> Cell:
    """The cell of a row in column `index`, an empty one past the row's end."""
    return cells[index] if index < len(cells) else Cell(None, f"{column_letter(index)}{line}")


def read_sheet(export: Path, errors: Collector) -> list[Row] | None:
    """The rows of a Wind/iFinD export, or None with the error recorded (no such file, another kind
    of file, a corrupt workbook or undecodable text)."""
    export = Path(export)
    if not export.is_file():
        errors.add("missing-file", export, None, "", "no such file", "a Wind or iFinD export (.xlsx or .csv)")
        return None
    suffix = export.suffix.lower()
    if suffix not in (".xlsx", ".csv"):
        errors.add("bad-file", export, None, "", f'a "{suffix}" file', "an .xlsx or .csv export")
        return None
    try:
        return read_xlsx(export) if suffix == ".xlsx" else read_csv(export)
    except Exception as exc:  # a corrupt workbook or undecodable CSV: the author needs the file named, not a traceback
        errors.add(
            "unreadable",
            export,
            None,
            "",
            f"a file that cannot be read ({type(exc).__name__}: {exc})",
            "an .xlsx workbook or a CSV file",
        )
        return None


def read_xlsx(path: Path) -> list[Row]:
    import openpyxl

    book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    sheet = book.worksheets[0]
    rows = []
    for number, row in enumerate(sheet.iter_rows(), 1):
        rows.append(
            (
                number,
                [
                    Cell(c.value, f"{column_letter(i)}{number}", "%" in (c.number_format or ""))
                    for i, c in enumerate(row)
                ],
            )
        )
    book.close()
    return rows


def decode(raw: bytes) -> str:
    if raw.startswith(b"\xef\xbb\xbf"):
        return raw[3:].decode("utf-8")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("gb18030")  # GBK and its superset: what Excel in China saves as "CSV"


def read_csv(path: Path) -> list[Row]:
    text = decode(path.read_bytes())
    reader = csv.reader(io.StringIO(text, newline=""))
    rows, start = [], 1
    for record in reader:
        rows.append((start, [Cell(v, f"{column_letter(i)}{start}") for i, v in enumerate(record)]))
        start = reader.line_num + 1
    return rows


def is_blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def is_footnote(cells: list[Cell]) -> bool:
    """A row of one cell of text like 数据来源：Wind, under the table."""
    values = [c.value for c in cells if not is_blank(c.value)]
    return len(values) == 1 and FOOTNOTE.match(str(values[0]).strip()) is not None


def parse_date(text: str) -> dt.date | None:
    """A date as Wind writes it: 2024-12-16, 2024-1-2, 2024/12/16, 20241216 or 2024年12月16日."""
    match = DATE_TEXT.match(text.strip())
    if not match:
        return None
    year, month, day, month2, day2 = match.groups()
    try:
        return dt.date(int(year), int(month or month2), int(day or day2))
    except ValueError:
        return None


def cell_date(value: object) -> dt.date | None:
    """A date cell's date: an Excel date (a datetime), a number like 20241211, or text `parse_date`
    reads, with or without a time of day after it."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return parse_date(str(value))
    if isinstance(value, str):
        return parse_date(TIME_OF_DAY.sub("", value.strip()))
    return None
