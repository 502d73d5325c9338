"""`suanli import stocks` with Wind's 区间涨跌幅 layout: three same-named return columns told apart by
the dates on their header lines, against the issue's period. Real .xlsx/.csv files, the real CLI."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pytest

from helpers import edit, minimal_data, suanli
from wind import cap_header, interval_header, wind_csv, wind_xlsx

# (ticker, name, market cap in 元, week, month, ytd), in another order than the issue's stocks.csv
ROWS = [
    ("MU.O", "美光", 109_312_345_678, -3.03, 0.15, 15.29),
    ("NVDA.O", "英伟达", 3_307_900_000_000, -5.17, "-2.29%", 172.82),
    ("688256.SH", "寒武纪", 224_800_000_000, -2.745, -4.02, 298.96),
]
COLUMNS = ("ticker", "market_cap", "currency", "week_pct", "month_pct", "ytd_pct")
IMPORTED = [  # the issue's order
    dict(zip(COLUMNS, ("NVDA.O", "33079.00", "USD", "-5.17", "-2.29", "172.82"), strict=True)),
    dict(zip(COLUMNS, ("688256.SH", "2248.00", "CNY", "-2.75", "-4.02", "298.96"), strict=True)),
    dict(zip(COLUMNS, ("MU.O", "1093.12", "USD", "-3.03", "0.15", "15.29"), strict=True)),
]
WEEK = ("2024-12-16", "2024-12-18")  # the period of the issue 2024-12-18
SHUFFLED = [(0, 1, 2, 3, 4, 5), (0, 5, 2, 3, 1, 4), (4, 3, 1, 2, 5, 0), (5, 4, 3, 2, 1, 0)]


@pytest.fixture
def data(tmp_path, monkeypatch):
    """The minimal data folder with a second issue, 2024-12-18 (period 2024-12-16 to 2024-12-18), as `suanli new`
    would leave it for the import (its stocks.csv still holds last week's numbers: the import replaces them)."""
    monkeypatch.chdir(tmp_path)
    root = minimal_data(tmp_path / "data")
    shutil.copytree(root / "issues/2024-12-11", root / "issues/2024-12-18")
    edit(root / "issues/2024-12-18/issue.yaml", "date: 2024-12-11", "date: 2024-12-18")
    set_period(root, "2024-12-16", "2024-12-18")
    return root


def set_period(data: Path, start: str, end: str) -> None:
    issue = data / "issues/2024-12-18/issue.yaml"
    text = issue.read_text(encoding="utf-8")
    head, rest = text.split("period: ", 1)
    issue.write_text(head + f"period: {{start: {start}, end: {end}}}\n" + rest.split("\n", 1)[1], encoding="utf-8")


def stocks(data: Path) -> list[dict]:
    with (data / "issues/2024-12-18/stocks.csv").open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def import_(export: Path, cwd: Path):
    return suanli("import", "stocks", export.name, "--issue", "2024-12-18", cwd=cwd)


def fails(data: Path, export: Path, cwd: Path) -> str:
    """Import `export`, expecting it to fail and write nothing; returns the error report."""
    before = (data / "issues/2024-12-18/stocks.csv").read_bytes()
    result = import_(export, cwd)
    assert result.returncode == 1, result.stdout
    assert result.stdout == ""
    assert (data / "issues/2024-12-18/stocks.csv").read_bytes() == before
    return result.stderr


def headers(
    week: str = "2024-12-16", month: str = "2024-12-02", year: str = "2024-01-02", end: str = "2024-12-18"
) -> list[str]:
    return [
        "证券代码",
        "证券简称",
        cap_header(end),
        interval_header(week, end),
        interval_header(month, end),
        interval_header(year, end),
    ]


# --- the dates decide ---------------------------------------------------------------------


@pytest.mark.parametrize("order", SHUFFLED)
def test_same_named_columns_in_any_order_are_told_apart_by_their_dates(data, tmp_path, order):
    export = wind_xlsx(tmp_path / "wind.xlsx", ROWS, layout="interval", period=WEEK, order=order)
    result = import_(export, tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout == "data/issues/2024-12-18/stocks.csv: wrote 3 rows from wind.xlsx.\n"
    assert stocks(data) == IMPORTED
    assert suanli("validate", cwd=tmp_path).returncode == 0


@pytest.mark.parametrize("encoding", ["utf-8-sig", "gbk"])
def test_a_csv_export_with_multi_line_headers(data, tmp_path, encoding):
    export = wind_csv(
        tmp_path / "wind.csv", ROWS, layout="interval", period=WEEK, order=(0, 5, 2, 3, 1, 4), encoding=encoding
    )
    assert '"区间涨跌幅\n[起始交易日期] 2024-01-02\n' in export.read_bytes().decode(encoding)
    result = import_(export, tmp_path)
    assert result.returncode == 0, result.stderr
    assert stocks(data) == IMPORTED


def test_a_week_starting_by_the_10th_is_still_the_week(data, tmp_path):
    """2024-12-09 could be a month's first trading day, but 2024-12-02 is earlier: that one is 本月."""
    set_period(data, "2024-12-09", "2024-12-11")
    export = wind_xlsx(
        tmp_path / "wind.xlsx", ROWS, layout="interval", period=("2024-12-09", "2024-12-11"), order=(0, 1, 2, 4, 3, 5)
    )
    assert import_(export, tmp_path).returncode == 0
    assert stocks(data) == IMPORTED


def test_a_month_beginning_within_the_period(data, tmp_path):
    """Period 2024-10-28 to 2024-11-01: the week starts 10-28, November on 11-01, also within the period."""
    set_period(data, "2024-10-28", "2024-11-01")
    export = wind_xlsx(
        tmp_path / "wind.xlsx",
        ROWS,
        layout="interval",
        period=("2024-10-28", "2024-11-01"),
        starts=(None, "2024-11-01", None),
        order=(0, 1, 2, 4, 5, 3),
    )
    assert import_(export, tmp_path).returncode == 0
    assert stocks(data) == IMPORTED


def test_a_period_beginning_the_month_has_two_identical_columns(data, tmp_path):
    """When the week starts on the month's first trading day, 本周 and 本月 are one interval: Wind gives two
    identical columns (with the same numbers), one read as each."""
    set_period(data, "2024-12-02", "2024-12-04")
    rows = [(t, n, cap, week, week, ytd) for t, n, cap, week, _, ytd in ROWS]
    export = wind_xlsx(
        tmp_path / "wind.xlsx", rows, layout="interval", period=("2024-12-02", "2024-12-04"), order=(0, 1, 2, 5, 3, 4)
    )
    assert import_(export, tmp_path).returncode == 0
    assert [(r["week_pct"], r["month_pct"], r["ytd_pct"]) for r in stocks(data)] == [
        ("-5.17", "-5.17", "172.82"),
        ("-2.75", "-2.75", "298.96"),
        ("-3.03", "-3.03", "15.29"),
    ]


def test_in_january_the_month_and_the_year_are_one_interval(data, tmp_path):
    """Two identical columns from 2024-01-02 (本月 and 本年) and the week from 2024-01-08."""
    set_period(data, "2024-01-08", "2024-01-10")
    export = wind_xlsx(tmp_path / "wind.xlsx", ROWS, layout="interval", period=("2024-01-08", "2024-01-10"))
    assert import_(export, tmp_path).returncode == 0
    assert stocks(data) == IMPORTED


def test_named_columns_and_date_columns_together(data, tmp_path):
    header = [
        "证券代码",
        "证券简称",
        cap_header("2024-12-18"),
        "周涨跌幅\n[单位]%",
        interval_header("2024-12-02", "2024-12-18"),
        interval_header("2024-01-02", "2024-12-18"),
    ]
    export = wind_xlsx(tmp_path / "wind.xlsx", ROWS, header, order=(0, 5, 2, 4, 1, 3))
    assert import_(export, tmp_path).returncode == 0
    assert stocks(data) == IMPORTED


def test_with_every_return_named_a_date_column_is_ignored_as_before(data, tmp_path):
    set_period(data, "2024-12-18", "2024-12-16")  # not even read
    rows = [(*row, "n/a") for row in ROWS]
    header = [
        "证券代码",
        "证券简称",
        "总市值",
        "周涨跌幅",
        "月涨跌幅",
        "年初至今涨跌幅",
        "区间涨跌幅\n[起始交易日期] 最新",
    ]
    export = wind_xlsx(tmp_path / "wind.xlsx", rows, header)
    assert import_(export, tmp_path).returncode == 0
    assert stocks(data) == IMPORTED


@pytest.mark.parametrize(("unit", "cap"), [("亿元", 33079), ("万元", 330_790_000), ("元", 3_307_900_000_000)])
def test_the_market_cap_unit_on_its_own_header_line(data, tmp_path, unit, cap):
    rows = [(ROWS[1][0], ROWS[1][1], cap, *ROWS[1][3:])] + [(*r[:2], 1e9, *r[3:]) for r in (ROWS[0], ROWS[2])]
    header = headers()
    header[2] = f"总市值\n[交易日期] 2024-12-18\n[单位] {unit}"
    export = wind_xlsx(tmp_path / "wind.xlsx", rows, header)
    assert import_(export, tmp_path).returncode == 0, unit
    assert stocks(data)[0]["market_cap"] == "33079.00"


def test_dates_written_other_ways_and_on_one_line(data, tmp_path):
    header = [
        "证券代码",
        "证券简称",
        "总市值[交易日期]20241218[单位]元",
        "区间涨跌幅[起始交易日期] 2024-12-16[截止交易日期] 2024/12/18[单位] %",
        "区间涨跌幅\n[起始日期] 2024年12月2日\n[截止日期] 2024-12-18",
        "区间涨跌幅\r\n[起始交易日期] 2024-1-2\r\n[截止交易日期] 20241218\r\n[单位] %",
    ]
    export = wind_xlsx(tmp_path / "wind.xlsx", ROWS, header)
    result = import_(export, tmp_path)
    assert result.returncode == 0, result.stderr
    assert stocks(data) == IMPORTED


# --- when the dates do not decide: the error, and nothing written -------------------------------------------

THE_ROLES = (
    "本周 (a start within the period, 2024-12-16 to 2024-12-18), 本月 (a start on the month's first "
    "trading day, 2024-12-01 to 2024-12-10), 本年 (a start on the year's first trading day, 2024-01-01 to "
    "2024-01-10)"
)


def test_two_columns_for_the_week(data, tmp_path):
    export = wind_xlsx(tmp_path / "wind.xlsx", ROWS, headers(month="2024-12-16"))
    assert fails(data, export, tmp_path) == (
        "2 errors in the data:\n"
        "  wind.xlsx:2: month_pct: found no 区间涨跌幅 column for 本月 among D2 (from 2024-12-16), "
        "E2 (from 2024-12-16), F2 (from 2024-01-02), expected a 区间涨跌幅 column "
        "starting on the month's first trading day, 2024-12-01 to 2024-12-10 [missing-column]\n"
        '  wind.xlsx:2: 区间涨跌幅 (E2): found "区间涨跌幅 [起始交易日期] 2024-12-16 [截止交易日期] 2024-12-18 '
        '[单位] %", '
        f"a second column for 本周 besides 区间涨跌幅 (D2), expected one column for each of {THE_ROLES} "
        "[ambiguous-column]\n"
    )


def test_a_fourth_column(data, tmp_path):
    rows = [(*row, row[3]) for row in ROWS]
    export = wind_xlsx(tmp_path / "wind.xlsx", rows, [*headers(), interval_header("2024-12-17", "2024-12-18")])
    assert fails(data, export, tmp_path) == (
        "1 error in the data:\n"
        '  wind.xlsx:2: 区间涨跌幅 (G2): found "区间涨跌幅 [起始交易日期] 2024-12-17 [截止交易日期] 2024-12-18 '
        '[单位] %", '
        f"a second column for 本周 besides 区间涨跌幅 (D2), expected one column for each of {THE_ROLES} "
        "[ambiguous-column]\n"
    )


def test_a_start_that_fits_no_role(data, tmp_path):
    export = wind_xlsx(tmp_path / "wind.xlsx", ROWS, headers(month="2024-11-01"), order=(0, 1, 2, 5, 3, 4))
    assert fails(data, export, tmp_path) == (
        "2 errors in the data:\n"
        "  wind.xlsx:2: month_pct: found no 区间涨跌幅 column for 本月 among D2 (from 2024-01-02), "
        "E2 (from 2024-12-16), F2 (from 2024-11-01), expected a 区间涨跌幅 column "
        "starting on the month's first trading day, 2024-12-01 to 2024-12-10 [missing-column]\n"
        '  wind.xlsx:2: 区间涨跌幅 (F2): found "区间涨跌幅 [起始交易日期] 2024-11-01 [截止交易日期] 2024-12-18 '
        '[单位] %", '
        "expected a start date that makes it 本周 (within the period, 2024-12-16 to 2024-12-18), 本月 (on the month's "
        "first trading day, 2024-12-01 to 2024-12-10) or 本年 (on the year's first trading day, 2024-01-01 to "
        "2024-01-10) [ambiguous-column]\n"
    )


def test_a_week_from_the_friday_before_is_not_the_week(data, tmp_path):
    export = wind_xlsx(tmp_path / "wind.xlsx", ROWS, headers(week="2024-12-13"))
    report = fails(data, export, tmp_path)
    assert report.startswith(
        "2 errors in the data:\n"
        "  wind.xlsx:2: week_pct: found no 区间涨跌幅 column for 本周 among "
        "D2 (from 2024-12-13), E2 (from 2024-12-02), F2 (from 2024-01-02), expected a 区间涨跌幅 "
        "column starting within the period, 2024-12-16 to 2024-12-18 [missing-column]\n"
    )
    assert '  wind.xlsx:2: 区间涨跌幅 (D2): found "区间涨跌幅 [起始交易日期] 2024-12-13 ' in report


def test_one_column_for_both_the_week_and_the_month(data, tmp_path):
    set_period(data, "2024-12-02", "2024-12-04")
    header = [
        "证券代码",
        "证券简称",
        cap_header("2024-12-04"),
        interval_header("2024-12-02", "2024-12-04"),
        interval_header("2024-01-02", "2024-12-04"),
    ]
    export = wind_xlsx(tmp_path / "wind.xlsx", [r[:3] + r[4:] for r in ROWS], header)
    assert fails(data, export, tmp_path) == (
        "1 error in the data:\n"
        "  wind.xlsx:2: month_pct: found no 区间涨跌幅 column for 本月 but 区间涨跌幅 (D2), from 2024-12-02, "
        "which is 本周, "
        "expected another 区间涨跌幅 column starting on the month's first trading day, 2024-12-01 to 2024-12-10 "
        "(identical columns when 本周 and 本月 start on the same day) [missing-column]\n"
    )


def test_same_dates_under_different_headers(data, tmp_path):
    set_period(data, "2024-12-02", "2024-12-04")
    header = headers(week="2024-12-02", end="2024-12-04")
    header[4] = header[4].replace("[单位] %", "[复权方式] 前复权\n[单位] %")
    export = wind_xlsx(tmp_path / "wind.xlsx", ROWS, header)
    assert fails(data, export, tmp_path) == (
        "1 error in the data:\n"
        '  wind.xlsx:2: 区间涨跌幅 (E2): found "区间涨跌幅 [起始交易日期] 2024-12-02 [截止交易日期] 2024-12-04 '
        '[复权方式] 前复权 [单位] %", the dates of 区间涨跌幅 (D2) "区间涨跌幅 [起始交易日期] 2024-12-02 '
        '[截止交易日期] 2024-12-04 [单位] %" under another header, expected identical headers for 本周 and 本月, '
        "which both start 2024-12-02: nothing else tells them apart [ambiguous-column]\n"
    )


def test_headers_without_readable_dates(data, tmp_path):
    header = headers()
    header[3] = "区间涨跌幅\n[起始交易日期] 2024-12-16\n[截止交易日期] 最新收盘日\n[单位] %"
    header[4] = "区间涨跌幅(%)"
    header[2] = "总市值\n[交易日期] 最新收盘日\n[单位] 元"
    export = wind_xlsx(tmp_path / "wind.xlsx", ROWS, header)
    expected = (
        "[起始交易日期] and [截止交易日期] on the header's lines, dates like 2024-12-16 "
        "(they tell 本周, 本月 and 本年 apart) [bad-date]"
    )
    assert fails(data, export, tmp_path) == (
        "3 errors in the data:\n"
        '  wind.xlsx:2: 区间涨跌幅 (D2): found "区间涨跌幅 [起始交易日期] 2024-12-16 [截止交易日期] 最新收盘日 '
        f'[单位] %", expected {expected}\n'
        f'  wind.xlsx:2: 区间涨跌幅(%) (E2): found "区间涨跌幅(%)", expected {expected}\n'
        '  wind.xlsx:2: 总市值 (C2): found "总市值 [交易日期] 最新收盘日 [单位] 元", '
        "expected a [交易日期] like 2024-12-18 [bad-date]\n"
    )


def test_an_end_date_outside_the_period(data, tmp_path):
    header = headers()
    header[5] = interval_header("2024-01-02", "2024-12-11")  # last week's export
    export = wind_xlsx(tmp_path / "wind.xlsx", ROWS, header)
    assert fails(data, export, tmp_path) == (
        "1 error in the data:\n"
        '  wind.xlsx:2: 区间涨跌幅 (F2): found "区间涨跌幅 [起始交易日期] 2024-01-02 [截止交易日期] 2024-12-11 '
        '[单位] %", '
        "expected a [截止交易日期] within the issue's period, 2024-12-16 to 2024-12-18 [bad-period]\n"
    )


def test_end_dates_that_differ(data, tmp_path):
    header = headers()
    header[4] = interval_header("2024-12-02", "2024-12-17")
    export = wind_xlsx(tmp_path / "wind.xlsx", ROWS, header)
    assert fails(data, export, tmp_path) == (
        "1 error in the data:\n"
        "  wind.xlsx:2: 截止交易日期: found 2024-12-17 in 区间涨跌幅 (E2) and 2024-12-18 in 总市值 (C2), "
        "区间涨跌幅 (D2), 区间涨跌幅 (F2), expected one end date for every column "
        "(区间涨跌幅's [截止交易日期], 总市值's [交易日期]) [bad-period]\n"
    )


def test_a_market_cap_of_another_day(data, tmp_path):
    header = headers()
    header[2] = cap_header("2024-12-13")
    export = wind_csv(tmp_path / "wind.csv", ROWS, header)
    assert fails(data, export, tmp_path) == (
        "1 error in the data:\n"
        '  wind.csv:2: 总市值 (C2): found "总市值 [交易日期] 2024-12-13 [单位] 元", expected a [交易日期] within the '
        "issue's period, 2024-12-16 to 2024-12-18 [bad-period]\n"
    )


def test_the_issue_needs_a_period_to_read_dates_against(data, tmp_path):
    edit(data / "issues/2024-12-18/issue.yaml", "period: {start: 2024-12-16, end: 2024-12-18}\n", "")
    export = wind_xlsx(tmp_path / "wind.xlsx", ROWS, layout="interval", period=WEEK)
    assert fails(data, export, tmp_path) == (
        "1 error in the data:\n"
        "  data/issues/2024-12-18/issue.yaml:1: period: found no such field, "
        "expected a mapping {start: DATE, end: DATE} [missing-field]\n"
    )


def test_a_bad_cell_in_a_date_column_is_named_by_its_cell(data, tmp_path):
    rows = [*ROWS[:2], (*ROWS[2][:4], "--", ROWS[2][5])]
    export = wind_xlsx(tmp_path / "wind.xlsx", rows, layout="interval", period=WEEK, order=(0, 1, 2, 5, 3, 4))
    assert fails(data, export, tmp_path) == (
        "1 error in the data:\n"
        '  wind.xlsx:5: 区间涨跌幅 (F5): found "--", expected a number like -5.17 or -5.17% [unreadable-cell]\n'
    )
