"""Wind-style exports for import tests: real .xlsx (openpyxl) and .csv files, laid out as Wind writes them.

A sheet is: a title row, one header row (multi-line cells: the name, then parameter lines such as
`[单位] 元`), one row per company, an empty row and a `数据来源：Wind` footer row.

Two layouts of the same six columns (ticker, name, market cap, week, month, ytd):

- "named": distinct headers 证券代码, 证券简称, 总市值 [单位]元, 周涨跌幅 [单位]%, 月涨跌幅, 年初至今涨跌幅;
- "interval": 证券代码, 证券简称, 总市值 [交易日期] END [单位] 元 and three columns all headed
  区间涨跌幅, told apart only by their [起始交易日期] lines (the week's first day, the month's and the
  year's first trading day) and ending on [截止交易日期] END, like

      区间涨跌幅
      [起始交易日期] 2024-12-16
      [截止交易日期] 2024-12-18
      [单位] %

Example (the week 2024-12-18 of the shipped data, columns shuffled):

    wind_xlsx(tmp_path / "wind.xlsx", [("NVDA.O", "英伟达", 3_307_900_000_000, -5.17, -2.29, 172.82), ...],
              layout="interval", period=("2024-12-16", "2024-12-18"), order=(0, 5, 2, 3, 1, 4))
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Sequence
from pathlib import Path

import openpyxl

NAMED_HEADER = ("证券代码", "证券简称", "总市值\n[单位]元", "周涨跌幅\n[单位]%", "月涨跌幅", "年初至今涨跌幅")
RETURN_COLUMNS = (3, 4, 5)  # week, month, ytd among the six columns
TITLE = "算力股价 (示例导出)"
FOOTER = "数据来源：Wind"

Day = dt.date | str


def _day(value: Day) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(value)


def first_weekday(day: dt.date) -> dt.date:
    """`day`, or the Monday after it when it falls on a weekend."""
    while day.weekday() >= 5:
        day += dt.timedelta(days=1)
    return day


def interval_header(start: Day, end: Day) -> str:
    """A Wind 区间涨跌幅 header cell: the name, then its dates and unit on further lines."""
    return f"区间涨跌幅\n[起始交易日期] {_day(start)}\n[截止交易日期] {_day(end)}\n[单位] %"


def cap_header(day: Day | None = None) -> str:
    """Wind's 总市值 header in 元, with its [交易日期] line when `day` is given."""
    return f"总市值\n[交易日期] {_day(day)}\n[单位] 元" if day is not None else "总市值\n[单位]元"


def interval_columns(
    period: tuple[Day, Day], starts: Sequence[Day | None] = (None, None, None), end: Day | None = None
) -> tuple[str, ...]:
    """The six headers of the "interval" layout for an issue's `period` (start, end).

    `starts` overrides the week's, month's and year's start dates (None: the default, which is the
    period's start, the first weekday of the end's month, and the first weekday after New Year's Day
    of the end's year). `end` overrides every column's end date (default: the period's end).
    """
    period_start, period_end = _day(period[0]), _day(period[1])
    last = _day(end) if end is not None else period_end
    defaults = (period_start, first_weekday(period_end.replace(day=1)), first_weekday(dt.date(period_end.year, 1, 2)))
    if period_end.month == 1:
        defaults = (defaults[0], defaults[2], defaults[2])  # New Year's Day is never a trading day
    week, month, year = (_day(s) if s is not None else d for s, d in zip(starts, defaults, strict=True))
    return (
        "证券代码",
        "证券简称",
        cap_header(last),
        interval_header(week, last),
        interval_header(month, last),
        interval_header(year, last),
    )


def wind_table(
    rows: Sequence[Sequence[object]],
    header: Sequence[str] | None = None,
    *,
    layout: str = "named",
    period: tuple[Day, Day] | None = None,
    starts: Sequence[Day | None] = (None, None, None),
    end: Day | None = None,
    order: Sequence[int] | None = None,
) -> tuple[list[list[object]], list[int]]:
    """The sheet as rows of cells (title, header, companies, empty row, footer), and the sheet
    columns (0-based) that hold the week, month and ytd returns. Arguments as for `wind_xlsx`."""
    if header is None:
        if layout == "named":
            header = NAMED_HEADER
        elif layout == "interval":
            if period is None:
                raise ValueError('layout="interval" needs period=(start, end), the issue\'s period')
            header = interval_columns(period, starts, end)
        else:
            raise ValueError(f"unknown layout {layout!r}: 'named' or 'interval'")
    order = list(order) if order is not None else list(range(len(header)))
    table: list[list[object]] = [[TITLE], [header[i] for i in order]]
    table += [[row[i] for i in order] for row in rows]
    table += [[], [FOOTER]]
    return table, [order.index(i) for i in RETURN_COLUMNS if i in order]


def wind_xlsx(
    path: Path,
    rows: Sequence[Sequence[object]],
    header: Sequence[str] | None = None,
    percent_format: bool = False,
    *,
    layout: str = "named",
    period: tuple[Day, Day] | None = None,
    starts: Sequence[Day | None] = (None, None, None),
    end: Day | None = None,
    order: Sequence[int] | None = None,
) -> Path:
    """Write a Wind .xlsx export to `path` and return `path`.

    - `rows`: one per company, (ticker, name, market_cap_yuan, week, month, ytd); returns in percent
      (-5.17) or as text ("-5.17%"), any cell may be a bad value ("--") to test errors.
    - `header`: the header cells, one per value of a row (overrides `layout`; rows may then have
      any number of values).
    - `percent_format`: format the week, month and ytd cells as Excel percentages ("0.00%"; then
      give them as fractions, -0.0517).
    - `layout`: "named" (周涨跌幅, 月涨跌幅, 年初至今涨跌幅) or "interval" (three 区间涨跌幅 columns
      with dates); "interval" needs `period`.
    - `period`: the issue's period (start, end) as dates or ISO strings, e.g. ("2024-12-16", "2024-12-18").
    - `starts`: the 区间涨跌幅 start dates (week, month, year); None keeps a default (see
      `interval_columns`).
    - `end`: every column's end date ([截止交易日期], 总市值's [交易日期]); default: the period's end.
    - `order`: the columns' order as indices into the six (0 ticker, 1 name, 2 market cap, 3 week,
      4 month, 5 ytd), e.g. (0, 5, 2, 3, 1, 4); leaving one out drops that column.
    """
    table, returns = wind_table(rows, header, layout=layout, period=period, starts=starts, end=end, order=order)
    book = openpyxl.Workbook()
    sheet = book.active
    for row in table:
        sheet.append(row)
    if percent_format:
        for number in range(3, 3 + len(rows)):
            for column in returns:
                sheet.cell(row=number, column=column + 1).number_format = "0.00%"
    book.save(path)
    return path


def wind_csv(
    path: Path,
    rows: Sequence[Sequence[object]],
    header: Sequence[str] | None = None,
    *,
    encoding: str = "utf-8-sig",
    **layout: object,
) -> Path:
    """The same export as a CSV file (header cells with their line breaks, quoted), as Excel saves it;
    `encoding` "utf-8-sig" (CSV UTF-8), "utf-8" or "gbk". Other arguments as for `wind_xlsx`."""
    table, _ = wind_table(rows, header, **layout)  # type: ignore[arg-type]
    with path.open("w", encoding=encoding, newline="") as handle:
        csv.writer(handle, lineterminator="\r\n").writerows(table)
    return path


# --- daily closes (`suanli import prices`) -------------------------------------------------------------

PRICE_TITLE = "收盘价 (示例导出)"


def price_table(
    codes: Sequence[str],
    rows: Sequence[Sequence[object]],
    labels: Sequence[Sequence[str]] = (),
    *,
    date_header: str = "日期",
    footer: str | None = FOOTER,
) -> list[list[object]]:
    """A Wind time-series sheet as rows of cells: a title row, the codes row (`date_header` above the
    dates, then `codes`), the `labels` rows (one label per code, e.g. names, then 收盘价), then `rows`
    ((date, close per code); a close may be None for a blank cell or text like "--"), an empty row and
    the `footer` (None: no footer)."""
    table: list[list[object]] = [[PRICE_TITLE], [date_header, *codes]]
    table += [["", *row] for row in labels]
    table += [list(row) for row in rows]
    if footer is not None:
        table += [[], [footer]]
    return table


def price_xlsx(path: Path, codes: Sequence[str], rows: Sequence[Sequence[object]], *args: object, **kw: object) -> Path:
    """`price_table` as a Wind .xlsx (dates given as datetime.date become Excel dates)."""
    book = openpyxl.Workbook()
    sheet = book.active
    for row in price_table(codes, rows, *args, **kw):  # type: ignore[arg-type]
        sheet.append(row)
    book.save(path)
    return path


def price_csv(
    path: Path,
    codes: Sequence[str],
    rows: Sequence[Sequence[object]],
    *args: object,
    encoding: str = "utf-8-sig",
    **kw: object,
) -> Path:
    """`price_table` as a CSV export (None as an empty cell), in `encoding` as for `wind_csv`."""
    table = [["" if v is None else v for v in row] for row in price_table(codes, rows, *args, **kw)]  # type: ignore[arg-type]
    with path.open("w", encoding=encoding, newline="") as handle:
        csv.writer(handle, lineterminator="\r\n").writerows(table)
    return path
