"""`suanli import prices`: daily closes from a Wind/iFinD sheet (dates down, a column per code) or a
date,ticker,close table, merged into series/prices.csv. Real .xlsx/.csv files, the real CLI."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from helpers import minimal_data, suanli, write
from wind import price_csv, price_xlsx

BENCHMARKS = """\
- ticker: 000300.SH
  name: 沪深300
  markets: [SH, SZ, BJ]
- ticker: NDX.GI
  name: 纳斯达克100
  markets: [O]
"""
HEADER = "date,ticker,close\n"
NAMES = ("寒武纪", "英伟达", "沪深300")
CLOSE = "expected a positive number like 1234.5 (a blank cell or -- when it did not trade)"
TICKER = "expected a ticker of companies.yaml or benchmarks.yaml"


@pytest.fixture
def data(tmp_path, monkeypatch):
    """The minimal data folder (NVDA.O, 688256.SH, MU.O) with benchmarks for its markets, no prices yet."""
    monkeypatch.chdir(tmp_path)
    root = minimal_data(tmp_path / "data")
    write(root / "benchmarks.yaml", BENCHMARKS)
    return root


def prices(data: Path) -> str:
    return (data / "series/prices.csv").read_text(encoding="utf-8")


def import_(export: Path, cwd: Path, *args: str):
    return suanli("import", "prices", export.name, *args, cwd=cwd)


def fails(data: Path, export: Path, cwd: Path) -> str:
    """Import `export`, expecting it to fail and leave prices.csv as it was; returns the error report."""
    path = data / "series/prices.csv"
    before = path.read_bytes() if path.exists() else None
    result = import_(export, cwd)
    assert result.returncode == 1, result.stdout
    assert result.stdout == ""
    assert (path.read_bytes() if path.exists() else None) == before
    assert sorted(p.name for p in (data / "series").iterdir()) == sorted(
        ["traffic.csv"] + (["prices.csv"] if before is not None else [])
    )
    return result.stderr


# --- what is read ----------------------------------------------------------------------------------


def test_an_xlsx_sheet_with_names_and_labels_under_the_codes(data, tmp_path):
    export = price_xlsx(
        tmp_path / "wind.xlsx",
        ("688256.SH", "NVDA.O", "000300.SH"),
        [
            (dt.date(2024, 12, 24), 600.4999999999, 140.22, 3969.6899999999),
            (dt.date(2024, 12, 25), 601, None, 3974.41),  # 圣诞节: no close for NVDA.O
            (dt.date(2024, 12, 26), 605.1, 139.93, "--"),
        ],
        [NAMES, ("收盘价", "收盘价", "收盘价")],
    )
    result = import_(export, tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout == "data/series/prices.csv: 7 closes added, 0 replaced, 3 tickers, 2024-12-24 to 2024-12-26\n"
    assert prices(data) == (
        HEADER + "2024-12-24,000300.SH,3969.69\n"
        "2024-12-24,688256.SH,600.5\n"
        "2024-12-24,NVDA.O,140.22\n"
        "2024-12-25,000300.SH,3974.41\n"
        "2024-12-25,688256.SH,601\n"
        "2024-12-26,688256.SH,605.1\n"
        "2024-12-26,NVDA.O,139.93\n"
    )
    assert sorted(p.name for p in (data / "series").iterdir()) == ["prices.csv", "traffic.csv"]  # no temp file left
    validated = suanli("validate", cwd=tmp_path)
    assert validated.returncode == 0, validated.stderr


@pytest.mark.parametrize("encoding", ["utf-8-sig", "gbk"])
def test_a_csv_export_with_dates_written_other_ways(data, tmp_path, encoding):
    export = price_csv(
        tmp_path / "ifind.csv",
        ("NVDA.O", "000300.SH"),
        [  # newest first, as Wind often gives them
            ("2024年12月11日", "139.31", "3,991.80"),
            ("20241210", "135.07", "N/A"),
            ("2024/12/9", "138.81", "3,986.56"),
            ("2024-12-06 00:00:00", "142.44", ""),
        ],
        [("收盘价", "收盘价")],
        date_header="时间",
        encoding=encoding,
    )
    result = import_(export, tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout == "data/series/prices.csv: 6 closes added, 0 replaced, 2 tickers, 2024-12-06 to 2024-12-11\n"
    assert prices(data) == (
        HEADER + "2024-12-06,NVDA.O,142.44\n"
        "2024-12-09,000300.SH,3986.56\n"
        "2024-12-09,NVDA.O,138.81\n"
        "2024-12-10,NVDA.O,135.07\n"
        "2024-12-11,000300.SH,3991.8\n"
        "2024-12-11,NVDA.O,139.31\n"
    )


def test_the_long_form_in_any_column_order_merges_into_the_file(data, tmp_path):
    write(data / "series/prices.csv", HEADER + "2024-12-09,688256.SH,590\n2024-12-09,NVDA.O,138.81\n")
    export = write(
        tmp_path / "closes.csv",
        """\
        ticker,close,date
        NVDA.O,135.07,2024-12-10
        688256.SH,601.25,2024-12-10
        MU.O,,2024-12-10
        000300.SH,3991.8,2024-12-11
        """,
    )
    result = import_(export, tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout == "data/series/prices.csv: 3 closes added, 0 replaced, 3 tickers, 2024-12-10 to 2024-12-11\n"
    assert prices(data) == (
        HEADER + "2024-12-09,688256.SH,590\n"
        "2024-12-09,NVDA.O,138.81\n"
        "2024-12-10,688256.SH,601.25\n"
        "2024-12-10,NVDA.O,135.07\n"
        "2024-12-11,000300.SH,3991.8\n"
    )
    assert suanli("validate", cwd=tmp_path).returncode == 0


def test_the_series_folder_is_made_when_missing(data, tmp_path):
    shutil.rmtree(data / "series")
    export = price_xlsx(tmp_path / "wind.xlsx", ("NVDA.O",), [(dt.date(2024, 12, 11), 139.31)])
    result = suanli("import", "prices", "wind.xlsx", "--data", "data", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout == "data/series/prices.csv: 1 close added, 0 replaced, 1 ticker, 2024-12-11\n"
    assert prices(data) == HEADER + "2024-12-11,NVDA.O,139.31\n"
    assert export.exists()


# --- merging into what is there ----------------------------------------------------------------------

EXISTING = HEADER + (
    "2024-12-10,000300.SH,3900\n"  # the benchmark the recommended 688256.SH is measured against
    "2024-12-10,688256.SH,600.5\n2024-12-10,NVDA.O,135.07\n2024-12-11,688256.SH,598\n2024-12-11,NVDA.O,139.31\n"
)


def test_a_different_close_replaces_the_old_and_is_reported(data, tmp_path):
    write(data / "series/prices.csv", EXISTING)
    (data / "series/prices.csv").chmod(0o640)
    export = price_csv(
        tmp_path / "wind.csv",
        ("688256.SH", "NVDA.O"),
        [
            ("2024-12-10", "600.50", "135.07"),  # the same numbers: not replaced, the file keeps 600.5
            ("2024-12-11", "601", "139.3"),
            ("2024-12-12", "610", "137.34"),
        ],
        [NAMES[:2]],
    )
    result = import_(export, tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout == (
        "data/series/prices.csv: 2 closes replaced:\n"
        "  2024-12-11 688256.SH: 598 → 601\n"
        "  2024-12-11 NVDA.O: 139.31 → 139.3\n"
        "data/series/prices.csv: 2 closes added, 2 replaced, 2 unchanged, 2 tickers, 2024-12-10 to 2024-12-12\n"
    )
    assert prices(data) == (
        HEADER + "2024-12-10,000300.SH,3900\n"
        "2024-12-10,688256.SH,600.5\n"
        "2024-12-10,NVDA.O,135.07\n"
        "2024-12-11,688256.SH,601\n"
        "2024-12-11,NVDA.O,139.3\n"
        "2024-12-12,688256.SH,610\n"
        "2024-12-12,NVDA.O,137.34\n"
    )
    assert (data / "series/prices.csv").stat().st_mode & 0o777 == 0o640  # replaced, permissions kept
    assert suanli("validate", cwd=tmp_path).returncode == 0


def test_only_the_first_replacements_are_listed(data, tmp_path):
    days = [dt.date(2024, 12, d) for d in (2, 3, 4, 5, 6, 9, 10)]
    write(data / "series/prices.csv", HEADER + "".join(f"{d},NVDA.O,100\n" for d in days))
    export = price_xlsx(tmp_path / "wind.xlsx", ("NVDA.O",), [(d, 101.5) for d in days])
    result = import_(export, tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout == (
        "data/series/prices.csv: 7 closes replaced:\n"
        "  2024-12-02 NVDA.O: 100 → 101.5\n"
        "  2024-12-03 NVDA.O: 100 → 101.5\n"
        "  2024-12-04 NVDA.O: 100 → 101.5\n"
        "  2024-12-05 NVDA.O: 100 → 101.5\n"
        "  2024-12-06 NVDA.O: 100 → 101.5\n"
        "  and 2 more\n"
        "data/series/prices.csv: 0 closes added, 7 replaced, 1 ticker, 2024-12-02 to 2024-12-10\n"
    )
    assert prices(data) == HEADER + "".join(f"{d},NVDA.O,101.5\n" for d in days)


def test_the_same_closes_again_replace_nothing_and_write_nothing(data, tmp_path):
    write(data / "series/prices.csv", EXISTING)
    before = (data / "series/prices.csv").read_bytes()
    export = price_xlsx(
        tmp_path / "wind.xlsx",
        ("NVDA.O", "688256.SH"),
        [(dt.date(2024, 12, 10), 135.07, 600.5), (dt.date(2024, 12, 11), 139.31, 598)],
    )
    result = import_(export, tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout == (
        "data/series/prices.csv: 0 closes added, 0 replaced, 4 unchanged, 2 tickers, 2024-12-10 to 2024-12-11; "
        "nothing written\n"
    )
    assert (data / "series/prices.csv").read_bytes() == before


# --- errors: every one named, nothing written ---------------------------------------------------------------

ROWS = [(dt.date(2024, 12, 10), 600.5, 135.07), (dt.date(2024, 12, 11), 598, 139.31)]


@pytest.mark.parametrize(
    ("codes", "rows", "error"),
    [
        (
            ("688256.SH", "AMD.O"),
            ROWS,
            f'wind.xlsx:2: 代码 (C2): found "AMD.O", {TICKER} [unknown-ticker]',
        ),
        (
            ("688256.SH", "NVDA.O"),
            [ROWS[0], (ROWS[1][0], -598, ROWS[1][2])],
            f"wind.xlsx:5: close of 688256.SH (B5): found the number -598, {CLOSE} [not-positive]",
        ),
        (
            ("688256.SH", "NVDA.O"),
            [ROWS[0], ("2024-13-11", *ROWS[1][1:])],
            'wind.xlsx:5: date (A5): found "2024-13-11", expected a date like 2024-12-11 '
            "(or 2024/12/11, 20241211, 2024年12月11日, an Excel date) [bad-date]",
        ),
    ],
    ids=["unknown-code", "negative-close", "bad-date"],
)
def test_a_bad_cell_is_named_and_nothing_is_written(data, tmp_path, codes, rows, error):
    write(data / "series/prices.csv", EXISTING)
    export = price_xlsx(tmp_path / "wind.xlsx", codes, rows, [NAMES[:2]])
    assert fails(data, export, tmp_path) == f"1 error in the data:\n  {error}\n"


def test_every_error_of_a_csv_at_once(data, tmp_path):
    export = price_csv(
        tmp_path / "wind.csv",
        ("NVDA.O", "NVDA", "000300.SH"),
        [
            ("2024-12-10", "135.07", "1", "3,991.8"),
            ("2024-12-11", "1.2.3", "1", "0"),
            ("12/11", "139.31", "1", "3991.8"),
            ("2024-12-10", "135.07", "1", ""),
        ],
    )
    assert fails(data, export, tmp_path) == (
        "5 errors in the data:\n"
        f'  wind.csv:2: 代码 (C2): found "NVDA", {TICKER} [unknown-ticker]\n'
        f'  wind.csv:4: close of 000300.SH (D4): found "0", {CLOSE} [not-positive]\n'
        f'  wind.csv:4: close of NVDA.O (B4): found "1.2.3", {CLOSE} [unreadable-cell]\n'
        '  wind.csv:5: date (A5): found "12/11", expected a date like 2024-12-11 '
        "(or 2024/12/11, 20241211, 2024年12月11日, an Excel date) [bad-date]\n"
        "  wind.csv:6: NVDA.O (B6): found 2024-12-10 NVDA.O again (first on line 3), "
        "expected one close per date and ticker [duplicate]\n"
    )


def test_a_sheet_without_codes(data, tmp_path):
    export = price_xlsx(tmp_path / "wind.xlsx", NAMES, [(dt.date(2024, 12, 11), 598, 139.31, 3991.8)])
    assert fails(data, export, tmp_path) == (
        "1 error in the data:\n"
        "  wind.xlsx: 代码: found no header row of codes, expected codes like 688256.SH, NVDA.O, 000300.SH across "
        "a header row, one column of closes under each, dates down the first column (or the columns "
        "date,ticker,close) [missing-column]\n"
    )


def test_an_existing_prices_csv_in_error_is_reported_and_left_alone(data, tmp_path):
    write(data / "series/prices.csv", HEADER + "2024-12-10,NVDA.O,135.07\n2024-12-10,AMD.O,120\n2024-12-11,NVDA.O,-1\n")
    export = price_xlsx(tmp_path / "wind.xlsx", ("NVDA.O",), [(dt.date(2024, 12, 12), 137.34)])
    assert fails(data, export, tmp_path) == (
        "2 errors in the data:\n"
        f'  data/series/prices.csv:3: ticker: found "AMD.O", {TICKER} [unknown-ticker]\n'
        '  data/series/prices.csv:4: close: found "-1", expected a positive number like 1234.5 [not-positive]\n'
    )
