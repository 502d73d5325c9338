"""`suanli import stocks`: a Wind or iFinD export -> an issue's stocks.csv.

Exports come as .xlsx, or as .csv in UTF-8, UTF-8 with BOM or GBK (what Excel
in China writes). Columns are found by their Chinese headers (HEADERS below,
documented on /authoring/); market cap in 元 becomes 亿. Every unknown ticker,
missing column and unreadable cell is an error naming its cell; nothing is
written unless the whole export reads cleanly.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from pathlib import Path

from .contract import Registry
from .csvsrc import GROUPED_NUMBER, PLAIN_NUMBER
from .errors import Collector, show

# Field -> the header names that mean it (compared after dropping units in brackets and spaces).
HEADERS = {
    "ticker": ("证券代码", "代码", "股票代码"),
    "name": ("证券简称", "证券名称", "名称", "简称", "股票简称"),
    "market_cap": ("总市值",),
    "week_pct": ("周涨跌幅", "本周涨跌幅", "近一周涨跌幅"),
    "month_pct": ("月涨跌幅", "本月涨跌幅", "月初至今涨跌幅"),
    "ytd_pct": ("年初至今涨跌幅", "本年涨跌幅", "年涨跌幅", "今年以来涨跌幅"),
    "currency": ("币种", "货币", "交易币种"),
}
REQUIRED = ("ticker", "market_cap", "week_pct", "month_pct", "ytd_pct")
CURRENCIES = {"CNY": "CNY", "人民币": "CNY", "RMB": "CNY", "USD": "USD", "美元": "USD"}
A_SHARE_SUFFIXES = (".SH", ".SZ", ".BJ")
YI = Decimal(100_000_000)
CENT = Decimal("0.01")
FOOTNOTE = re.compile(r"^(数据来源|来源|注|备注|Wind|iFinD)")
STOCK_COLUMNS = ("ticker", "market_cap", "currency", "week_pct", "month_pct", "ytd_pct")


@dataclass(frozen=True)
class Cell:
    value: object  # str, int, float or None
    ref: str  # A1-style reference (or column letter + line for CSV)
    percent_format: bool = False  # an Excel cell formatted as %, whose value is a fraction


def _column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _read_xlsx(path: Path) -> list[tuple[int, list[Cell]]]:
    import openpyxl

    book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    sheet = book.worksheets[0]
    rows = []
    for number, row in enumerate(sheet.iter_rows(), 1):
        rows.append((number, [Cell(c.value, f"{_column_letter(i)}{number}", "%" in (c.number_format or ""))
                              for i, c in enumerate(row)]))
    book.close()
    return rows


def _decode(raw: bytes) -> str:
    if raw.startswith(b"\xef\xbb\xbf"):
        return raw[3:].decode("utf-8")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("gb18030")  # GBK and its superset: what Excel in China saves as "CSV"


def _read_csv(path: Path) -> list[tuple[int, list[Cell]]]:
    text = _decode(path.read_bytes())
    reader = csv.reader(io.StringIO(text, newline=""))
    rows, start = [], 1
    for record in reader:
        rows.append((start, [Cell(v, f"{_column_letter(i)}{start}") for i, v in enumerate(record)]))
        start = reader.line_num + 1
    return rows


def _header_key(text: str) -> str:
    first_line = text.strip().splitlines()[0] if text.strip() else ""
    return re.sub(r"[\s]|[\(（\[【].*?[\)）\]】]", "", first_line)


def _find_header(rows: list[tuple[int, list[Cell]]]) -> tuple[int, dict[str, tuple[int, str]]] | None:
    """The first row naming a ticker column; returns its position and field -> (column, header text)."""
    for position, (_, cells) in enumerate(rows):
        found: dict[str, tuple[int, str]] = {}
        for index, cell in enumerate(cells):
            if not isinstance(cell.value, str):
                continue
            key = _header_key(cell.value)
            for field, names in HEADERS.items():
                if key in names and field not in found:
                    found[field] = (index, cell.value.strip().splitlines()[0])
        if "ticker" in found:
            return position, found
    return None


def _number(cell: Cell, *, percent: bool) -> Decimal | None:
    value = cell.value
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, (int, float)):
        number = Decimal(str(value))
        return number * 100 if percent and cell.percent_format else number
    text = str(value).strip()
    if percent and text.endswith("%"):
        text = text[:-1]
    if GROUPED_NUMBER.match(text):
        text = text.replace(",", "")
    if not PLAIN_NUMBER.match(text):
        return None
    try:
        return Decimal(text)
    except InvalidOperation:
        return None


def _fmt(value: Decimal) -> str:
    return format(value.quantize(CENT, rounding=ROUND_HALF_UP), "f")


def import_stocks(export: Path, issue_dir: Path, registry: Registry, errors: Collector) -> str | None:
    """The stocks.csv text for `issue_dir` from a Wind/iFinD export, or None with errors recorded."""
    export = Path(export)
    if not export.is_file():
        errors.add("missing-file", export, None, "", "no such file", "a Wind or iFinD export (.xlsx or .csv)")
        return None
    suffix = export.suffix.lower()
    if suffix not in (".xlsx", ".csv"):
        errors.add("bad-file", export, None, "", f'a "{suffix}" file', "an .xlsx or .csv export")
        return None
    try:
        rows = _read_xlsx(export) if suffix == ".xlsx" else _read_csv(export)
    except Exception as exc:  # a corrupt workbook or undecodable CSV: the author needs the file named, not a traceback
        errors.add("unreadable", export, None, "", f"a file that cannot be read ({type(exc).__name__}: {exc})",
                   "an .xlsx workbook or a CSV file")
        return None
    header = _find_header(rows)
    if header is None:
        errors.add("missing-column", export, None, "证券代码", "no header row with a ticker column",
                   "a header row naming " + "/".join(HEADERS["ticker"]))
        return None
    position, columns = header
    header_line = rows[position][0]
    for field in REQUIRED:
        if field not in columns:
            errors.add("missing-column", export, header_line, field, "no such column",
                       f"a column headed {' or '.join(HEADERS[field])}")
    if any(field not in columns for field in REQUIRED):
        return None
    cap_header = columns["market_cap"][1]
    cap_in_yi = "亿" in cap_header  # 总市值(亿元) is already in 亿; 总市值 / 总市值(元) is in 元

    scaffold = _existing_rows(issue_dir / "stocks.csv")
    imported: dict[str, dict[str, str]] = {}
    seen: set[str] = set()  # tickers with a row, readable or not
    for line, cells in rows[position + 1:]:
        def cell(field: str) -> Cell:
            index = columns[field][0]
            return cells[index] if index < len(cells) else Cell(None, f"{_column_letter(index)}{line}")

        values = [c.value for c in cells if c.value not in (None, "")]
        if not values:
            continue  # a blank row holds nothing
        ticker_cell = cell("ticker")
        ticker = str(ticker_cell.value).strip() if ticker_cell.value is not None else ""
        if len(values) == 1 and FOOTNOTE.match(str(values[0]).strip()):
            continue  # Wind's and iFinD's source line under the table
        where = f"{columns['ticker'][1]} ({ticker_cell.ref})"
        if ticker not in registry.by_ticker:
            errors.add("unknown-ticker", export, line, where, show(ticker), "a ticker listed in companies.yaml")
            continue
        if ticker in seen:
            errors.add("duplicate", export, line, where, show(ticker), "each company once in the export")
            continue
        seen.add(ticker)
        record = {"ticker": ticker}
        ok = True
        for field in ("market_cap", "week_pct", "month_pct", "ytd_pct"):
            c = cell(field)
            number = _number(c, percent=field != "market_cap")
            if number is None or (field == "market_cap" and number <= 0):
                expected = ("a positive number (market cap in 亿 if the header says 亿, else in 元)"
                            if field == "market_cap" else "a number like -5.17 or -5.17%")
                errors.add("unreadable-cell", export, line, f"{columns[field][1]} ({c.ref})", show(c.value), expected)
                ok = False
                continue
            record[field] = _fmt(number if field != "market_cap" or cap_in_yi else number / YI)
        record["currency"] = _currency(ticker, cell("currency") if "currency" in columns else None, scaffold,
                                       export, line, columns, errors)
        if ok and record["currency"]:
            imported[ticker] = record
    for ticker in scaffold:
        if ticker not in seen:
            errors.add("missing-row", export, None, "证券代码", f"no row for {ticker}",
                       f"a row for every ticker of {issue_dir.name}/stocks.csv (or remove it there)")
    if errors.errors:
        return None
    order = [t for t in scaffold if t in imported] + [t for t in imported if t not in scaffold]
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=STOCK_COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(imported[t] for t in order)
    return out.getvalue()


def _existing_rows(path: Path) -> dict[str, str]:
    """Ticker -> currency of the issue's current stocks.csv (e.g. scaffolded by `suanli new`), in order."""
    if not path.is_file():
        return {}
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return {row["ticker"]: row.get("currency", "") for row in csv.DictReader(handle) if row.get("ticker")}


def _currency(ticker: str, cell: Cell | None, scaffold: dict[str, str], export: Path, line: int,
              columns: dict, errors: Collector) -> str | None:
    if cell is not None and cell.value not in (None, ""):
        value = CURRENCIES.get(str(cell.value).strip().upper()) or CURRENCIES.get(str(cell.value).strip())
        if value is None:
            errors.add("unreadable-cell", export, line, f"{columns['currency'][1]} ({cell.ref})", show(cell.value),
                       "CNY/人民币 or USD/美元")
        return value
    if scaffold.get(ticker) in ("CNY", "USD"):
        return scaffold[ticker]
    return "CNY" if ticker.endswith(A_SHARE_SUFFIXES) else "USD"
