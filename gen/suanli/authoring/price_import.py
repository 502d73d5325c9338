"""`suanli import prices`: daily closes from a Wind or iFinD sheet, merged into series/prices.csv.

The sheet (.xlsx, or .csv in UTF-8, UTF-8 with BOM or GBK) has dates down its first column and one
column per security, headed by its code (688256.SH, NVDA.O, 000300.SH); rows of names or field labels
(寒武纪, 收盘价) may follow the codes, titles may stand above them and a source line (数据来源：Wind)
under the table. A blank cell or a placeholder (--, N/A) is a day without a close: no row. The file may
instead be the contract's own long form, a table with the columns date,ticker,close in any order.

Every code must be a company of companies.yaml or a benchmark of benchmarks.yaml, every close a positive
number, every date readable; the existing prices.csv must pass the loader's own checks. Any problem is an
error naming its cell, and then nothing is written. Otherwise the closes are merged in, a close for a
(date, ticker) already there replacing the old one, and the whole file is written sorted by date, then
ticker. Reading, merging and reporting are pure; `write_atomically` is the one effect.
"""

from __future__ import annotations

import datetime as dt
import os
import secrets
import stat
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from pathlib import Path

from suanli.authoring.sheets import Cell, Row, cell_at, cell_date, column_letter, is_blank, is_footnote, read_sheet
from suanli.contract import TICKER, Registry
from suanli.errors import Collector, show
from suanli.load.csvsrc import GROUPED_NUMBER, PLAIN_NUMBER, stream_csv
from suanli.load.prices import BENCHMARKS_FILE, PRICE_COLUMNS, PRICES_FILE, load_benchmarks, load_closes

# What Wind and iFinD write for a day without a close (compared in upper case, spaces stripped).
NO_CLOSE = frozenset({"", "-", "--", "—", "——", "N/A", "#N/A", "NA", "NAN", "NULL", "NONE"})
PLACES = Decimal("0.0001")  # an xlsx float's noise (600.4999999999) is rounded away at 4 decimals
DATE_EXPECTED = "a date like 2024-12-11 (or 2024/12/11, 20241211, 2024年12月11日, an Excel date)"
CLOSE_EXPECTED = "a positive number like 1234.5 (a blank cell or -- when it did not trade)"
TICKER_EXPECTED = f"a ticker of companies.yaml or {BENCHMARKS_FILE}"
SHOWN_REPLACED = 5  # replacements listed by name; the rest are counted

Key = tuple[str, str]  # (date as 2024-12-11, ticker)


@dataclass(frozen=True)
class Replacement:
    date: str
    ticker: str
    old: str
    new: str

    def __str__(self) -> str:
        return f"{self.date} {self.ticker}: {self.old} → {self.new}"


@dataclass(frozen=True)
class Merge:
    """The merged prices.csv and what the import did to it."""

    text: str  # the whole new prices.csv
    added: int  # closes for a (date, ticker) the file did not have
    unchanged: int  # closes the file already had, the same number
    replaced: tuple[Replacement, ...]  # closes the file had with another number, by date and ticker
    tickers: int  # the tickers of the import
    first: str | None  # the import's first and last dates
    last: str | None

    @property
    def changed(self) -> bool:
        return bool(self.added or self.replaced)


def import_prices(export: Path, data_dir: Path, registry: Registry, errors: Collector) -> Merge | None:
    """The closes of `export` merged into `data_dir`'s prices.csv (not written), or None with every error
    recorded: those of the export, of benchmarks.yaml and of the existing prices.csv."""
    before = len(errors.errors)
    benchmarks = load_benchmarks(data_dir / BENCHMARKS_FILE, errors)
    known = {c.ticker for c in registry.companies} | {b.ticker for b in benchmarks}
    imported = read_closes(Path(export), known, errors)
    existing = read_existing(data_dir / PRICES_FILE, known, errors)
    if len(errors.errors) > before or imported is None or existing is None:
        return None
    return merge(existing, imported)


# --- the export -------------------------------------------------------------------------------------


def read_closes(export: Path, known: set[str], errors: Collector) -> dict[Key, str] | None:
    """(date, ticker) -> close (as prices.csv writes it) of a sheet or a long-form table, or None with
    its errors recorded."""
    rows = read_sheet(export, errors)
    if rows is None:
        return None
    before = len(errors.errors)
    table = [(line, cells) for line, cells in rows if any(not is_blank(c.value) for c in cells)]
    if table and _long_columns(table[0][1]) is not None:
        closes = _read_long(export, table, known, errors)
    else:
        closes = _read_wide(export, table, known, errors)
    return closes if len(errors.errors) == before else None


def _long_columns(cells: list[Cell]) -> dict[str, int] | None:
    """date, ticker and close -> their column, when `cells` is a long-form header."""
    names = {str(c.value).strip().lower(): i for i, c in enumerate(cells) if not is_blank(c.value)}
    return {name: names[name] for name in PRICE_COLUMNS} if all(n in names for n in PRICE_COLUMNS) else None


def _read_long(export: Path, table: list[Row], known: set[str], errors: Collector) -> dict[Key, str]:
    (header_line, header), rows = table[0], table[1:]
    seen: dict[str, str] = {}  # column name -> the cell that has it
    for cell in header:
        name = "" if is_blank(cell.value) else str(cell.value).strip()
        if name.lower() in seen:
            errors.add(
                "bad-header",
                export,
                header_line,
                f"{name} ({cell.ref})",
                f"the column {name} again (first in {seen[name.lower()]})",
                "each column once",
            )
        elif name:
            seen[name.lower()] = cell.ref
        if name and name.lower() not in PRICE_COLUMNS:
            errors.add(
                "unknown-column",
                export,
                header_line,
                f"{name} ({cell.ref})",
                show(name),
                "only the columns " + ",".join(PRICE_COLUMNS),
            )
    columns = _long_columns(header)
    assert columns is not None  # read_closes saw it
    closes = Closes(export, errors)
    unknown: set[str] = set()  # an unknown ticker is reported once, at its first line
    for line, cells in rows:
        if is_footnote(cells):
            continue
        date_cell, ticker_cell, close_cell = (cell_at(cells, columns[name], line) for name in PRICE_COLUMNS)
        ticker = "" if is_blank(ticker_cell.value) else str(ticker_cell.value).strip()
        if not ticker:
            errors.add("empty-cell", export, line, f"ticker ({ticker_cell.ref})", "an empty cell", TICKER_EXPECTED)
        elif ticker not in known:
            if ticker not in unknown:
                errors.add("unknown-ticker", export, line, f"ticker ({ticker_cell.ref})", show(ticker), TICKER_EXPECTED)
            unknown.add(ticker)
            ticker = ""
        if _no_close(close_cell.value):
            continue  # the day it did not trade
        day = _date(export, line, date_cell, errors)
        close = _close(export, line, close_cell, ticker or None, errors)
        if day is not None and ticker and close is not None:
            closes.add(line, day, ticker, close, date_cell)
    return closes.found


def _read_wide(export: Path, table: list[Row], known: set[str], errors: Collector) -> dict[Key, str]:
    """Dates down the first column, codes across the first row that has any (rows of names or labels
    may follow it; rows above it are titles)."""
    position = next(
        (p for p, (_, cells) in enumerate(table) if any(_looks_like_code(c.value) for c in cells[1:])), None
    )
    if position is None:
        errors.add(
            "missing-column",
            export,
            None,
            "代码",
            "no header row of codes",
            "codes like 688256.SH, NVDA.O, 000300.SH across a header row, one column of closes under each, "
            "dates down the first column (or the columns " + ",".join(PRICE_COLUMNS) + ")",
        )
        return {}
    header_line, header = table[position]
    codes: dict[int, str] = {}  # column -> the ticker of its closes
    skipped: set[int] = set()  # columns whose code is in error: reported once, at the code
    first_column: dict[str, str] = {}
    for index, cell in enumerate(header[1:], 1):
        code = "" if is_blank(cell.value) else str(cell.value).strip()
        if not code:
            continue
        if code not in known:
            errors.add("unknown-ticker", export, header_line, f"代码 ({cell.ref})", show(code), TICKER_EXPECTED)
            skipped.add(index)
        elif code in first_column:
            errors.add(
                "duplicate",
                export,
                header_line,
                f"代码 ({cell.ref})",
                f"{show(code)} again (first in {first_column[code]})",
                "each code once in the header row: one column of closes per security",
            )
            skipped.add(index)
        else:
            first_column[code] = cell.ref
            codes[index] = code
    closes = Closes(export, errors)
    started = False  # past the rows of names and labels under the codes
    for line, cells in table[position + 1 :]:
        if is_footnote(cells):
            continue
        date_cell = cell_at(cells, 0, line)
        values = [(i, c) for i, c in enumerate(cells[1:], 1) if not _no_close(c.value)]
        if not started and cell_date(date_cell.value) is None and all(_number(c.value) is None for _, c in values):
            continue  # 寒武纪 / 收盘价 under the codes
        started = True
        if not values:
            continue  # a holiday: no close at all
        day = _date(export, line, date_cell, errors)
        for index, cell in values:
            if index in skipped:
                continue
            if index not in codes:
                errors.add(
                    "bad-header",
                    export,
                    header_line,
                    f"代码 ({column_letter(index)}{header_line})",
                    f"no code above the values of this column (first {show(cell.value)} in {cell.ref})",
                    "a code like 688256.SH at the head of every column of closes",
                )
                skipped.add(index)
                continue
            close = _close(export, line, cell, codes[index], errors)
            if day is not None and close is not None:
                closes.add(line, day, codes[index], close, cell)
    return closes.found


class Closes:
    """The closes read so far; a (date, ticker) given twice is an error at its second cell."""

    def __init__(self, export: Path, errors: Collector):
        self.export, self.errors = export, errors
        self.found: dict[Key, str] = {}
        self.lines: dict[Key, int] = {}

    def add(self, line: int, day: dt.date, ticker: str, close: str, cell: Cell) -> None:
        key = (day.isoformat(), ticker)
        if key in self.found:
            self.errors.add(
                "duplicate",
                self.export,
                line,
                f"{ticker} ({cell.ref})",
                f"{key[0]} {ticker} again (first on line {self.lines[key]})",
                "one close per date and ticker",
            )
            return
        self.found[key], self.lines[key] = close, line


def _looks_like_code(value: object) -> bool:
    return isinstance(value, str) and TICKER.match(value.strip()) is not None


def _no_close(value: object) -> bool:
    return value is None or (isinstance(value, str) and value.strip().upper() in NO_CLOSE)


def _date(export: Path, line: int, cell: Cell, errors: Collector) -> dt.date | None:
    day = cell_date(cell.value)
    if day is None:
        blank = is_blank(cell.value)
        found = "an empty cell" if blank else show(cell.value)
        errors.add("empty-cell" if blank else "bad-date", export, line, f"date ({cell.ref})", found, DATE_EXPECTED)
    return day


def _number(value: object) -> Decimal | None:
    """A cell's number: an xlsx number, or text like 600.5, 1,234.5 or -3."""
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        text = str(value)
    elif isinstance(value, str):
        text = value.strip()
        if GROUPED_NUMBER.match(text):
            text = text.replace(",", "")
        if not PLAIN_NUMBER.match(text):
            return None
    else:
        return None
    try:
        number = Decimal(text)
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


def _close(export: Path, line: int, cell: Cell, ticker: str | None, errors: Collector) -> str | None:
    """The close in `cell` as prices.csv writes it, or None with its error recorded."""
    where = f"close of {ticker} ({cell.ref})" if ticker else f"close ({cell.ref})"
    number = _number(cell.value)
    if number is None:
        errors.add("unreadable-cell", export, line, where, show(cell.value), CLOSE_EXPECTED)
        return None
    exponent = number.as_tuple().exponent
    if isinstance(cell.value, float) and isinstance(exponent, int) and exponent < -4:
        number = number.quantize(PLACES, rounding=ROUND_HALF_UP)
    if number <= 0:
        errors.add("not-positive", export, line, where, show(cell.value), CLOSE_EXPECTED)
        return None
    return _plain(number)


def _plain(number: Decimal) -> str:
    """A close as prices.csv writes it: its digits, no exponent, no trailing zeros (600.50 -> 600.5)."""
    return format(number.normalize(), "f")


# --- prices.csv -------------------------------------------------------------------------------------


def read_existing(path: Path, known: set[str], errors: Collector) -> dict[Key, str] | None:
    """(date, ticker) -> close, as written, of the data folder's prices.csv ({} when there is none), or
    None when it fails the loader's own checks (recorded in `errors`)."""
    if not path.exists():
        return {}
    before = len(errors.errors)
    load_closes(path, known, errors)  # the checks `suanli validate` makes, nothing less
    if len(errors.errors) > before:
        return None
    rows = stream_csv(path, errors, PRICE_COLUMNS)
    assert rows is not None  # it has just been read
    return {(date, ticker): close for _, (date, ticker, close) in rows}


def merge(existing: dict[Key, str], imported: dict[Key, str]) -> Merge:
    """`imported` laid over `existing`, sorted by date and ticker, and what changed."""
    merged = dict(existing)
    added, unchanged, replaced = 0, 0, []
    for key, close in sorted(imported.items()):
        old = existing.get(key)
        if old is None:
            added += 1
        elif Decimal(old) == Decimal(close):
            unchanged += 1
            continue  # the file keeps its own spelling of the same number
        else:
            replaced.append(Replacement(key[0], key[1], old, close))
        merged[key] = close
    lines = [",".join(PRICE_COLUMNS)] + [f"{date},{ticker},{merged[date, ticker]}" for date, ticker in sorted(merged)]
    dates = sorted({date for date, _ in imported})
    return Merge(
        text="\n".join(lines) + "\n",
        added=added,
        unchanged=unchanged,
        replaced=tuple(replaced),
        tickers=len({ticker for _, ticker in imported}),
        first=dates[0] if dates else None,
        last=dates[-1] if dates else None,
    )


def report(result: Merge, target: Path, export: Path) -> list[str]:
    """What the import did, as the command says it."""
    if result.first is None:
        return [f"{target}: no closes in {export}; nothing written."]
    lines = []
    if result.replaced:
        lines.append(f"{target}: {_count(len(result.replaced), 'close')} replaced:")
        lines += [f"  {r}" for r in result.replaced[:SHOWN_REPLACED]]
        if len(result.replaced) > SHOWN_REPLACED:
            lines.append(f"  and {len(result.replaced) - SHOWN_REPLACED:,} more")
    span = result.first if result.first == result.last else f"{result.first} to {result.last}"
    done = [f"{_count(result.added, 'close')} added", f"{len(result.replaced):,} replaced"]
    if result.unchanged:
        done.append(f"{result.unchanged:,} unchanged")
    tail = "" if result.changed else "; nothing written"
    lines.append(f"{target}: {', '.join(done)}, {_count(result.tickers, 'ticker')}, {span}{tail}")
    return lines


def _count(number: int, noun: str) -> str:
    return f"{number:,} {noun}{'' if number == 1 else 's'}"


def write_atomically(path: Path, text: str) -> None:
    """Write `text` to `path` (making its folder) so that a reader sees the old file or the new, never half:
    a temporary file beside it, then renamed over it. The file keeps its permissions (a new one gets the
    umask's, as any new file)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        if path.exists():
            os.chmod(temporary, stat.S_IMODE(path.stat().st_mode))
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
