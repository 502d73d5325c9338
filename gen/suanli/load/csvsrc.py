"""Reading CSV files row by row, each row with its line, and parsing cells strictly.

The lenient forms the contract allows (`33,079`, `-5.17%`) are accepted and
nothing else: a cell either is what its column expects or is an error naming
the file, line, column, what was found and what was expected.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from suanli.errors import Collector, show
from suanli.load.fields import parse_iso_date
from suanli.load.yamlsrc import read_text

if TYPE_CHECKING:
    import _csv

# [0-9], not \d: \d matches any script's digits (３３０７９), which Decimal() would take silently
PLAIN_NUMBER = re.compile(r"^[+-]?[0-9]+(\.[0-9]+)?$")
GROUPED_NUMBER = re.compile(r"^[+-]?[0-9]{1,3}(,[0-9]{3})+(\.[0-9]+)?$")
MONTH = re.compile(r"^[0-9]{4}-(0[1-9]|1[0-2])$")
NUMBER_EXAMPLES = {  # (grouped, percent): what a number cell's message says it expected
    (True, False): "a number like 33079 or 33,079",
    (False, True): "a number like -5.17 or -5.17%",
    (False, False): "a number like 1234.5",
}


@dataclass(frozen=True)
class CsvRow:
    line: int
    cells: dict[str, str]


@dataclass(frozen=True)
class CsvFile:
    path: Path
    columns: tuple[str, ...]
    header_line: int
    rows: tuple[CsvRow, ...]


def read_csv(
    path: Path, errors: Collector, required: tuple[str, ...] | None = None, optional: tuple[str, ...] = ()
) -> CsvFile | None:
    """Rows of a CSV file. With `required`, the header must hold exactly those
    columns (plus any of `optional`), in any order."""
    text = read_text(path, errors)
    if text is None:
        return None
    if not text.strip():
        errors.add(
            "empty-file",
            path,
            None,
            "",
            "an empty file",
            "a header row" + (f" ({','.join(required)})" if required else ""),
        )
        return None
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    records: list[tuple[int, list[str]]] = []
    try:
        start = 1
        for record in reader:
            records.append((start, record))
            start = reader.line_num + 1
    except csv.Error as exc:
        errors.add(
            "csv-syntax", path, reader.line_num, "", f"malformed CSV ({exc})", "comma-separated cells, quotes closed"
        )
        return None
    # blank lines hold no data; skipping them drops nothing
    records = [(line, cells) for line, cells in records if any(c.strip() for c in cells)]
    if not records:
        errors.add("empty-file", path, None, "", "no header row", "a header row")
        return None
    header_line, header = records[0]
    columns = check_header(path, header_line, header, errors, required, optional)
    if columns is None:
        return None
    rows = []
    for line, cells in records[1:]:
        if len(cells) != len(columns):
            _ragged(path, line, len(cells), len(columns), errors)
            continue
        rows.append(CsvRow(line, {name: cell.strip() for name, cell in zip(columns, cells, strict=True)}))
    return CsvFile(path, columns, header_line, tuple(rows))


def check_header(
    path: Path,
    line: int,
    header: list[str],
    errors: Collector,
    required: tuple[str, ...] | None = None,
    optional: tuple[str, ...] = (),
) -> tuple[str, ...] | None:
    """The header's column names, or None after recording what is wrong with them."""
    columns = tuple(c.strip() for c in header)
    ok = True
    seen: set[str] = set()
    for name in columns:
        if not name:
            errors.add("bad-header", path, line, "", "an empty column name", "a name for every column")
            ok = False
        elif name in seen:
            errors.add("bad-header", path, line, name, "the same column twice", "each column once")
            ok = False
        seen.add(name)
    if required is not None:
        for name in required:
            if name not in columns:
                errors.add("missing-column", path, line, name, "no such column", "the columns " + ",".join(required))
                ok = False
        for name in columns:
            if name and name not in required and name not in optional:
                errors.add(
                    "unknown-column",
                    path,
                    line,
                    name,
                    f'the column "{name}"',
                    "only the columns " + ",".join(required + optional),
                )
                ok = False
    return columns if ok else None


def stream_csv(path: Path, errors: Collector, required: tuple[str, ...]) -> Iterator[tuple[int, list[str]]] | None:
    """A long CSV file's rows as (line, cells), one at a time, without keeping them: after its header
    (exactly the `required` columns, in any order), each row's cells in the order of `required`, stripped.
    Blank lines are skipped; a ragged row or malformed CSV is recorded as an error (the latter ends the
    rows). None, with the errors recorded, when the file or its header is unusable."""
    if read_text(path, errors) is None:  # the encoding and control characters, checked on the whole text
        return None
    # Then the rows straight from the file: csv reads its lines at C speed, and neither the text nor a
    # StringIO of it (every character in four bytes) is held while they are used.
    file = path.open(encoding="utf-8-sig", newline="")
    reader = csv.reader(file, strict=True)
    line = 1
    try:
        for header in reader:
            if "".join(header).strip():
                break
            line = reader.line_num + 1
        else:
            errors.add("empty-file", path, None, "", "no header row", "a header row (" + ",".join(required) + ")")
            file.close()
            return None
    except csv.Error as exc:
        errors.add(
            "csv-syntax", path, reader.line_num, "", f"malformed CSV ({exc})", "comma-separated cells, quotes closed"
        )
        file.close()
        return None
    columns = check_header(path, line, header, errors, required)
    if columns is None:
        file.close()
        return None
    order = [columns.index(name) for name in required]
    return _rows(path, file, reader, len(columns), order, errors)


def _rows(
    path: Path, file: TextIO, reader: _csv.Reader, width: int, order: list[int], errors: Collector
) -> Iterator[tuple[int, list[str]]]:
    in_order = order == list(range(width))
    strip = str.strip
    line = reader.line_num + 1
    with file:
        try:
            for cells in reader:
                stripped = list(map(strip, cells))
                if not any(stripped):
                    pass  # a blank line, or a row of empty cells as Excel writes them: no data
                elif len(cells) != width:
                    _ragged(path, line, len(cells), width, errors)
                else:
                    yield line, stripped if in_order else [stripped[i] for i in order]
                line = reader.line_num + 1
        except csv.Error as exc:
            errors.add("csv-syntax", path, line, "", f"malformed CSV ({exc})", "comma-separated cells, quotes closed")


def _ragged(path: Path, line: int, cells: int, width: int, errors: Collector) -> None:
    errors.add("ragged-row", path, line, "", f"{cells} cells", f"{width} cells, one per column of the header")


class Cells:
    """Typed access to one CSV row's cells, recording an error for each bad cell."""

    def __init__(self, file: CsvFile, row: CsvRow, errors: Collector):
        self.file, self.row, self.errors = file, row, errors
        self.ok = True

    def bad(self, code: str, column: str, found: str, expected: str) -> None:
        self.ok = False
        self.errors.add(code, self.file.path, self.row.line, column, found, expected)

    def _cell(self, column: str, expected: str) -> str | None:
        value = self.row.cells.get(column, "")
        if value == "":
            self.bad("empty-cell", column, "an empty cell", expected)
            return None
        return value

    def text(self, column: str, expected: str = "text") -> str | None:
        return self._cell(column, expected)

    def choice(self, column: str, options: tuple[str, ...]) -> str | None:
        if (cell := self.row.cells.get(column, "")) in options:
            return cell  # the usual cell, read without building a message
        expected = "one of " + ", ".join(options)
        value = self._cell(column, expected)
        if value is not None and value not in options:
            self.bad("bad-choice", column, show(value), expected)
            return None
        return value

    def number(
        self, column: str, *, grouped: bool = False, percent: bool = False, positive: bool = False
    ) -> Decimal | None:
        cell = self.row.cells.get(column, "")
        plain = cell[:-1] if percent and cell.endswith("%") else cell
        if PLAIN_NUMBER.match(plain):  # the usual cell, read without building a message
            number = Decimal(plain)
            if not positive or number > 0:
                return number
        expected = NUMBER_EXAMPLES[(grouped, percent)]
        if positive:
            expected = "a positive " + expected.removeprefix("a ")
        value = self._cell(column, expected)
        if value is None:
            return None
        text = value[:-1] if percent and value.endswith("%") else value
        if grouped and GROUPED_NUMBER.match(text):
            text = text.replace(",", "")
        if not PLAIN_NUMBER.match(text):
            self.bad("not-a-number", column, show(value), expected)
            return None
        number = Decimal(text)
        if positive and number <= 0:
            self.bad("not-positive", column, show(value), expected)
            return None
        return number

    def date(self, column: str) -> dt.date | None:
        expected = "a date like 2024-12-11"
        value = self._cell(column, expected)
        if value is None:
            return None
        parsed = parse_iso_date(value)
        if parsed is None:
            self.bad("bad-date", column, show(value), expected)
        return parsed

    def month(self, column: str) -> str | None:
        expected = "a month like 2024-12"
        value = self._cell(column, expected)
        if value is not None and not MONTH.match(value):
            self.bad("bad-date", column, show(value), expected)
            return None
        return value

    def boolean(self, column: str) -> bool | None:
        expected = "true or false"
        value = self._cell(column, expected)
        if value is None:
            return None
        if value not in ("true", "false"):
            self.bad("bad-choice", column, show(value), expected)
            return None
        return value == "true"
