"""`suanli import stocks`: a Wind or iFinD export -> an issue's stocks.csv.

Exports come as .xlsx, or as .csv in UTF-8, UTF-8 with BOM or GBK (what Excel
in China writes). Columns are found by their Chinese headers (HEADERS below,
documented on /authoring/); market cap in 元 becomes 亿. Wind's other layout
gives the three returns as same-named 区间涨跌幅 columns whose header lines
carry their dates ([起始交易日期] ..., [截止交易日期] ...): those dates, against
the issue's period, decide which column is 本周, 本月 and 本年 (`_assign_intervals`).
Every unknown ticker, missing column, unreadable cell and undecidable column is
an error naming its cell; nothing is written unless the whole export reads cleanly.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from pathlib import Path

from suanli.authoring.sheets import FOOTNOTE, Cell, Row, column_letter, parse_date, read_sheet
from suanli.contract import Registry
from suanli.errors import Collector, show
from suanli.load.csvsrc import GROUPED_NUMBER, PLAIN_NUMBER
from suanli.load.fields import Fields
from suanli.load.yamlsrc import load_yaml

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
STOCK_COLUMNS = ("ticker", "market_cap", "currency", "week_pct", "month_pct", "ytd_pct")

# Wind's same-named return columns, told apart by the dates on their header's further lines.
INTERVAL_HEADER = "区间涨跌幅"
START_PARAMS = ("起始交易日期", "起始日期", "开始交易日期", "开始日期")
END_PARAMS = ("截止交易日期", "截止日期", "结束交易日期", "结束日期")
CAP_DATE_PARAMS = ("交易日期", *END_PARAMS)  # 总市值's own date, when it has one
RETURNS = ("week_pct", "month_pct", "ytd_pct")
ROLES = {"week_pct": "本周", "month_pct": "本月", "ytd_pct": "本年"}
# A month's (a year's) first trading day is never later than this day of the month: the longest
# closures at a month's start (国庆 to Oct 8, 春节, 劳动节) end before it. Without a holiday calendar,
# any start from the 1st to the 10th may be it; the earliest such start among the columns is.
FIRST_TRADING_DAY_BY = 10
# A parameter line of a Wind header: "[起始交易日期] 2024-12-16" (also run together on one line).
PARAM = re.compile(r"[\[【]\s*([^\]】\n]+?)\s*[\]】][ \t]*([^\[【\n]*)")


@dataclass(frozen=True)
class Header:
    """A header cell: its column, its name (first line, parameters dropped) and its parameters."""

    index: int
    ref: str  # the header cell, like E2
    text: str  # the cell's text, all lines
    name: str  # what messages call the column, like 总市值 or 区间涨跌幅
    params: dict[str, str]  # [起始交易日期] 2024-12-16 -> {"起始交易日期": "2024-12-16"}

    @property
    def label(self) -> str:
        return f"{self.name} ({self.ref})"

    @property
    def shown(self) -> str:
        """The header as shown in a message: its lines on one line, quoted."""
        return json.dumps(
            " ".join(line.strip() for line in self.text.strip().splitlines() if line.strip()), ensure_ascii=False
        )

    def date(self, names: tuple[str, ...]) -> tuple[bool, dt.date | None]:
        """Whether the header has one of the parameters `names`, and its value as a date if it reads as one."""
        for name in names:
            if name in self.params:
                return True, parse_date(self.params[name])
        return False, None


def _parse_header(index: int, ref: str, text: str) -> Header:
    params = {name: value.strip() for name, value in PARAM.findall(text)}
    bare = PARAM.sub("", text).strip()
    first_line = bare.splitlines()[0].strip() if bare else ""
    return Header(index, ref, text, first_line, params)


def _header_key(text: str) -> str:
    """A header's name as compared with HEADERS: first line, without parameters, units in brackets or spaces."""
    bare = PARAM.sub("", text).strip()
    first_line = bare.splitlines()[0] if bare else ""
    return re.sub(r"[\s]|[\(（\[【].*?[\)）\]】]", "", first_line)


@dataclass
class HeaderRow:
    position: int  # index into the rows read
    line: int  # its line (row number) in the export
    columns: dict[str, Header]  # field -> the first column with one of its names
    intervals: list[Header]  # every 区间涨跌幅 column, left to right


def _find_header(rows: list[Row]) -> HeaderRow | None:
    """The first row naming a ticker column."""
    for position, (line, cells) in enumerate(rows):
        found: dict[str, Header] = {}
        intervals: list[Header] = []
        for index, cell in enumerate(cells):
            if not isinstance(cell.value, str):
                continue
            key = _header_key(cell.value)
            if key == INTERVAL_HEADER:
                intervals.append(_parse_header(index, cell.ref, cell.value))
            for name, names in HEADERS.items():
                if key in names and name not in found:
                    found[name] = _parse_header(index, cell.ref, cell.value)
        if "ticker" in found:
            return HeaderRow(position, line, found, intervals)
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
    rows = read_sheet(export, errors)
    if rows is None:
        return None
    header = _find_header(rows)
    if header is None:
        errors.add(
            "missing-column",
            export,
            None,
            "证券代码",
            "no header row with a ticker column",
            "a header row naming " + "/".join(HEADERS["ticker"]),
        )
        return None
    columns, header_line = header.columns, header.line
    by_dates = [f for f in RETURNS if f not in columns] if header.intervals else []
    for name in REQUIRED:
        if name not in columns and name not in by_dates:
            errors.add(
                "missing-column",
                export,
                header_line,
                name,
                "no such column",
                f"a column headed {' or '.join(HEADERS[name])}",
            )
    if by_dates:  # 区间涨跌幅 columns stand for the returns no column names
        period = _period(issue_dir, errors)
        if period is not None:
            columns.update(_assign_intervals(export, header, by_dates, period, errors))
    if errors.errors:
        return None
    cap_scale = _cap_scale(columns["market_cap"].text)

    scaffold = _existing_rows(issue_dir / "stocks.csv")
    imported: dict[str, dict[str, str]] = {}
    seen: set[str] = set()  # tickers with a row, readable or not
    for line, cells in rows[header.position + 1 :]:

        def cell(name: str, cells: list[Cell] = cells, line: int = line) -> Cell:
            index = columns[name].index
            return cells[index] if index < len(cells) else Cell(None, f"{column_letter(index)}{line}")

        values = [c.value for c in cells if c.value not in (None, "")]
        if not values:
            continue  # a blank row holds nothing
        ticker_cell = cell("ticker")
        ticker = str(ticker_cell.value).strip() if ticker_cell.value is not None else ""
        if len(values) == 1 and FOOTNOTE.match(str(values[0]).strip()):
            continue  # Wind's and iFinD's source line under the table
        where = f"{columns['ticker'].name} ({ticker_cell.ref})"
        if ticker not in registry.by_ticker:
            errors.add("unknown-ticker", export, line, where, show(ticker), "a ticker listed in companies.yaml")
            continue
        if ticker in seen:
            errors.add("duplicate", export, line, where, show(ticker), "each company once in the export")
            continue
        seen.add(ticker)
        record = {"ticker": ticker}
        ok = True
        for name in ("market_cap", *RETURNS):
            c = cell(name)
            number = _number(c, percent=name != "market_cap")
            if number is None or (name == "market_cap" and number <= 0):
                expected = (
                    "a positive number (market cap in 亿 if the header says 亿, else in 元)"
                    if name == "market_cap"
                    else "a number like -5.17 or -5.17%"
                )
                errors.add("unreadable-cell", export, line, f"{columns[name].name} ({c.ref})", show(c.value), expected)
                ok = False
                continue
            record[name] = _fmt(number / cap_scale if name == "market_cap" else number)
        currency = _currency(
            ticker, cell("currency") if "currency" in columns else None, scaffold, export, line, columns, errors
        )
        if ok and currency:
            record["currency"] = currency
            imported[ticker] = record
    for ticker in scaffold:
        if ticker not in seen:
            errors.add(
                "missing-row",
                export,
                None,
                "证券代码",
                f"no row for {ticker}",
                f"a row for every ticker of {issue_dir.name}/stocks.csv (or remove it there)",
            )
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


def _currency(
    ticker: str,
    cell: Cell | None,
    scaffold: dict[str, str],
    export: Path,
    line: int,
    columns: dict[str, Header],
    errors: Collector,
) -> str | None:
    if cell is not None and cell.value not in (None, ""):
        value = CURRENCIES.get(str(cell.value).strip().upper()) or CURRENCIES.get(str(cell.value).strip())
        if value is None:
            errors.add(
                "unreadable-cell",
                export,
                line,
                f"{columns['currency'].name} ({cell.ref})",
                show(cell.value),
                "CNY/人民币 or USD/美元",
            )
        return value
    if scaffold.get(ticker) in ("CNY", "USD"):
        return scaffold[ticker]
    return "CNY" if ticker.endswith(A_SHARE_SUFFIXES) else "USD"


def _cap_scale(text: str) -> Decimal:
    """What a market cap is divided by to be in 亿: by its header (all lines, so `[单位] 亿元` counts too)."""
    if "亿" in text:
        return Decimal(1)  # 总市值(亿元), 总市值 [单位] 亿元
    if "万" in text:
        return Decimal(10_000)  # 总市值 [单位] 万元
    return YI  # 总市值, 总市值(元), 总市值 [单位] 元


# --- Wind's 区间涨跌幅 columns ----------------------------------------------------------


def _period(issue_dir: Path, errors: Collector) -> tuple[dt.date, dt.date] | None:
    """The issue's period (issue.yaml `period: {start, end}`), which the 区间涨跌幅 dates are read against."""
    path = issue_dir / "issue.yaml"
    if not path.is_file():
        errors.add(
            "missing-file",
            path,
            None,
            "",
            "no such file",
            "the issue's issue.yaml, whose period: tells the 区间涨跌幅 columns apart",
        )
        return None
    doc = load_yaml(path, errors)
    if doc is None:
        return None
    # Only `period` matters here: the issue being written need not validate yet.
    issue = Fields.of(doc, errors, set(doc.value) if isinstance(doc.value, dict) else set())
    if not issue.ok:
        return None
    period = issue.mapping("period", {"start", "end"}, expected="a mapping {start: DATE, end: DATE}")
    if period is None:
        return None
    start, end = period.date("start"), period.date("end")
    if start is None or end is None:
        return None
    if start > end:
        period.error("bad-period", "end", end.isoformat(), f"a date on or after start ({start.isoformat()})")
        return None
    return start, end


def _assign_intervals(
    export: Path, header: HeaderRow, roles: list[str], period: tuple[dt.date, dt.date], errors: Collector
) -> dict[str, Header]:
    """Which 区间涨跌幅 column is which of `roles` (week_pct, month_pct, ytd_pct), decided by its dates.

    Every column must end within the issue's period, all on the same day (总市值's 交易日期 too, if
    it has one). 本周 is the column starting earliest within the period; 本月 the one starting
    earliest on the 1st to the 10th of the period end's month (its first trading day: a holiday
    calendar would know the day, the earliest start of that window is it); 本年 likewise in January
    of that year. Columns with the same dates are one interval: when the period begins the month,
    本周 and 本月 are the same interval, and the export has two identical columns, one for each.
    Anything else (a column that fits no role, two for one role, a role without a column, a date
    that does not read) is an error naming the columns; the dates decide, or nothing is imported.
    """
    start, end = period
    line = header.line
    before = len(errors.errors)
    windows = {
        "week_pct": (start, end),
        "month_pct": (end.replace(day=1), end.replace(day=FIRST_TRADING_DAY_BY)),
        "ytd_pct": (dt.date(end.year, 1, 1), dt.date(end.year, 1, FIRST_TRADING_DAY_BY)),
    }
    when = {  # where each role's start date lies, as messages say it
        "week_pct": f"within the period, {start} to {end}",
        "month_pct": f"on the month's first trading day, {windows['month_pct'][0]} to {windows['month_pct'][1]}",
        "ytd_pct": f"on the year's first trading day, {windows['ytd_pct'][0]} to {windows['ytd_pct'][1]}",
    }

    spans: list[tuple[Header, dt.date]] = []  # each readable column and its start
    ends: dict[dt.date, list[Header]] = {}
    for column in header.intervals:
        first, last = column.date(START_PARAMS)[1], column.date(END_PARAMS)[1]
        if first is None or last is None:
            errors.add(
                "bad-date",
                export,
                line,
                column.label,
                column.shown,
                "[起始交易日期] and [截止交易日期] on the header's lines, dates like 2024-12-16 "
                "(they tell 本周, 本月 and 本年 apart)",
            )
        elif not start <= last <= end:
            errors.add(
                "bad-period",
                export,
                line,
                column.label,
                column.shown,
                f"a [截止交易日期] within the issue's period, {start} to {end}",
            )
        elif first > last:
            errors.add(
                "bad-period",
                export,
                line,
                column.label,
                column.shown,
                "a [起始交易日期] on or before its [截止交易日期]",
            )
        else:
            spans.append((column, first))
            ends.setdefault(last, []).append(column)
    cap = header.columns.get("market_cap")
    if cap is not None:
        dated, day = cap.date(CAP_DATE_PARAMS)
        if dated and day is None:
            errors.add("bad-date", export, line, cap.label, cap.shown, "a [交易日期] like 2024-12-18")
        elif day is not None and not start <= day <= end:
            errors.add(
                "bad-period",
                export,
                line,
                cap.label,
                cap.shown,
                f"a [交易日期] within the issue's period, {start} to {end}",
            )
        elif day is not None:
            ends.setdefault(day, []).append(cap)
    if len(ends) > 1:
        found = " and ".join(
            f"{day} in {', '.join(c.label for c in sorted(columns, key=lambda c: c.index))}"
            for day, columns in sorted(ends.items())
        )
        errors.add(
            "bad-period",
            export,
            line,
            "截止交易日期",
            found,
            "one end date for every column (区间涨跌幅's [截止交易日期], 总市值's [交易日期])",
        )
    if len(errors.errors) > before:
        return {}

    def fits(day: dt.date) -> list[str]:
        return [role for role in roles if windows[role][0] <= day <= windows[role][1]]

    role_start: dict[str, dt.date] = {}
    for role in roles:
        candidates = [day for _, day in spans if role in fits(day)]
        if candidates:
            role_start[role] = min(candidates)
        else:
            starts = ", ".join(f"{column.ref} (from {day})" for column, day in spans)
            errors.add(
                "missing-column",
                export,
                line,
                role,
                f"no {INTERVAL_HEADER} column for {ROLES[role]}" + (f" among {starts}" if starts else ""),
                f"a {INTERVAL_HEADER} column starting {when[role]}",
            )
    groups: dict[dt.date, list[Header]] = {}
    for column, day in spans:
        groups.setdefault(day, []).append(column)
    assigned: dict[str, Header] = {}
    extra: list[tuple[Header, dt.date]] = []
    for day, group in groups.items():
        mine = [role for role in roles if role_start.get(role) == day]
        assigned.update(zip(mine, group, strict=False))  # the shorter of the two
        extra.extend((column, day) for column in group[len(mine) :])
        if len(group) < len(mine):  # e.g. one column from the period's first day, for 本周, and none for 本月
            labels = ", ".join(column.label for column in group)
            taken = " and ".join(ROLES[r] for r in mine[: len(group)])
            for role in mine[len(group) :]:
                errors.add(
                    "missing-column",
                    export,
                    line,
                    role,
                    f"no {INTERVAL_HEADER} column for {ROLES[role]} but {labels}, from {day}, which is {taken}",
                    f"another {INTERVAL_HEADER} column starting {when[role]} "
                    f"(identical columns when {taken} and {ROLES[role]} start on the same day)",
                )
        elif len(mine) > 1 and len({re.sub(r"\s", "", column.text) for column in group[: len(mine)]}) > 1:
            errors.add(
                "ambiguous-column",
                export,
                line,
                group[1].label,
                f"{group[1].shown}, the dates of {group[0].label} {group[0].shown} under another header",
                f"identical headers for {' and '.join(ROLES[r] for r in mine)}, which both start {day}: "
                "nothing else tells them apart",
            )
    for column, day in extra:
        could = fits(day)
        if not could:
            choices = [f"{ROLES[r]} ({when[r]})" for r in roles]
            errors.add(
                "ambiguous-column",
                export,
                line,
                column.label,
                column.shown,
                "a start date that makes it "
                + (" or ".join([", ".join(choices[:-1]), choices[-1]]) if len(choices) > 1 else choices[0]),
            )
        else:
            rivals = ", ".join(dict.fromkeys(assigned[r].label for r in could if r in assigned))
            errors.add(
                "ambiguous-column",
                export,
                line,
                column.label,
                f"{column.shown}, a second column for {' or '.join(ROLES[r] for r in could)} besides {rivals}",
                "one column for each of " + ", ".join(f"{ROLES[r]} (a start {when[r]})" for r in roles),
            )
    return assigned if len(errors.errors) == before else {}
