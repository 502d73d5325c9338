"""Each validation rule, with the exact message an author sees."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from helpers import REAL_DATA, edit, minimal_data, write
from suanli.errors import DataErrors
from suanli.load.dataset import load_dataset

ISSUE = "issues/2024-12-11/issue.yaml"
STOCKS = "issues/2024-12-11/stocks.csv"


def gbk_stocks(d: Path) -> None:
    path = d / STOCKS
    path.write_bytes(path.read_text(encoding="utf-8").replace("MU.O", "美光").encode("gbk"))


BENCHMARKS = """\
- ticker: 000300.SH
  name: 沪深300
  markets: [SH, SZ]
- ticker: IXIC.GI
  name: 纳斯达克综合指数
  markets: [O]
"""
PRICES = "date,ticker,close\n2024-12-10,688256.SH,598\n2024-12-10,000300.SH,3900.5\n"


def priced(prices: str = PRICES, benchmarks: str = BENCHMARKS):
    """A defect in prices.csv or benchmarks.yaml, beside a valid pair of them."""

    def write_both(d: Path) -> None:
        write(d / "benchmarks.yaml", benchmarks)
        write(d / "series/prices.csv", prices)

    return write_both


def stocks_as_directory(d: Path) -> None:
    (d / STOCKS).unlink()
    (d / STOCKS).mkdir()


CASES = {
    "yaml-syntax": (
        lambda d: edit(d / ISSUE, "title: 测试周报", "title: [测试周报"),
        [
            "data/issues/2024-12-11/issue.yaml:2: found invalid YAML (while parsing a flow sequence "
            "expected ',' or ']', but got ':'), expected valid YAML [yaml-syntax]"
        ],
    ),
    "control-character": (
        lambda d: edit(d / ISSUE, "body: 正文", 'body: "正文\\u0001"'),
        [
            "data/issues/2024-12-11/issue.yaml:9: highlights[1].body: found the control character U+0001, expected "
            "text without control characters (U+0000 to U+001F other than tab and line breaks) [control-character]"
        ],
    ),
    "missing-field": (
        lambda d: edit(d / ISSUE, "title: 测试周报\n", ""),
        ["data/issues/2024-12-11/issue.yaml:1: title: found no such field, expected text [missing-field]"],
    ),
    "wrong-type": (
        lambda d: edit(d / ISSUE, "title: 测试周报", "title: 2024"),
        [
            "data/issues/2024-12-11/issue.yaml:1: title: found the number 2024, "
            "expected text (put it in quotes if it is text) [wrong-type]"
        ],
    ),
    "unknown-field": (
        lambda d: edit(d / ISSUE, "highlights:", "hightlights:"),
        [
            "data/issues/2024-12-11/issue.yaml:1: highlights: found no such field, "
            "expected at least one highlight [missing-field]",
            'data/issues/2024-12-11/issue.yaml:8: hightlights: found the field "hightlights", expected one '
            "of authors, date, exhibits, highlights, industry, period, rating, recommendations, related, "
            "revisions, risks, title [unknown-field]",
        ],
    ),
    "duplicate-key": (
        lambda d: edit(d / ISSUE, "date: 2024-12-11\n", "date: 2024-12-11\ndate: 2024-12-11\n"),
        [
            "data/issues/2024-12-11/issue.yaml:3: date: found the same field twice, "
            "expected each field once [duplicate-key]"
        ],
    ),
    "date-mismatch": (
        lambda d: edit(d / ISSUE, "date: 2024-12-11", "date: 2024-12-12"),
        [
            "data/issues/2024-12-11/issue.yaml:2: date: found 2024-12-12, "
            "expected 2024-12-11, the name of the issue's folder [date-mismatch]"
        ],
    ),
    "bad-date": (
        lambda d: edit(d / ISSUE, "start: 2024-12-09", "start: 2024-13-09"),
        [
            'data/issues/2024-12-11/issue.yaml:3: period.start: found "2024-13-09", '
            "expected a date like 2024-12-11 [bad-date]"
        ],
    ),
    "bad-period": (
        lambda d: edit(d / ISSUE, "end: 2024-12-11", "end: 2024-12-13"),
        [
            "data/issues/2024-12-11/issue.yaml:3: period.end: found 2024-12-13, "
            "expected a date on or before the issue's date (2024-12-11) [bad-period]"
        ],
    ),
    "bad-choice": (
        lambda d: edit(d / ISSUE, "rating: 强于大市", "rating: 买入"),
        [
            'data/issues/2024-12-11/issue.yaml:4: rating.rating: found "买入", '
            "expected one of 强于大市, 跟随大市, 弱于大市 [bad-choice]"
        ],
    ),
    "unknown-ticker (recommendation)": (
        lambda d: edit(d / ISSUE, "[688256.SH]", "[688256.SZ]"),
        [
            'data/issues/2024-12-11/issue.yaml:12: recommendations[1].companies[1]: found "688256.SZ", '
            "expected a ticker listed in companies.yaml [unknown-ticker]"
        ],
    ),
    "duplicate segment": (
        lambda d: edit(
            d / ISSUE,
            "    companies: [688256.SH]\n",
            "    companies: [688256.SH]\n  - segment: 国产算力链\n    companies: [NVDA.O]\n",
        ),
        [
            'data/issues/2024-12-11/issue.yaml:13: recommendations[2].segment: found "国产算力链", '
            "expected each segment once per issue [duplicate]"
        ],
    ),
    "company twice in a segment": (
        lambda d: edit(d / ISSUE, "[688256.SH]", "[688256.SH, NVDA.O, 688256.SH]"),
        [
            'data/issues/2024-12-11/issue.yaml:12: recommendations[1].companies[3]: found "688256.SH", '
            "expected each company once per segment [duplicate]"
        ],
    ),
    "segment of no company": (
        lambda d: edit(d / ISSUE, "[688256.SH]", "[]"),
        [
            "data/issues/2024-12-11/issue.yaml:12: recommendations[1].companies: found an empty list, "
            "expected at least one ticker from companies.yaml [missing-field]"
        ],
    ),
    "duplicate exhibit number": (
        lambda d: edit(d / ISSUE, "{number: 2,", "{number: 1,"),
        [
            "data/issues/2024-12-11/issue.yaml:15: exhibits[2].number: found 1, "
            "expected each 图表 number once per issue [duplicate]"
        ],
    ),
    "table exhibit file missing": (
        lambda d: edit(
            d / ISSUE, "exhibits:\n", "exhibits:\n  - {number: 9, kind: table, file: launches.csv, title: 汇总}\n"
        ),
        [
            "data/issues/2024-12-11/launches.csv: found no such file, expected the file of 图表9 (launches.csv) [missing-file]"
        ],
    ),
    "not-a-number": (
        lambda d: edit(d / STOCKS, "2248,CNY", "2248亿,CNY"),
        [
            'data/issues/2024-12-11/stocks.csv:3: market_cap: found "2248亿", '
            "expected a positive number like 33079 or 33,079 [not-a-number]"
        ],
    ),
    "misgrouped thousands": (
        lambda d: edit(d / STOCKS, '"33,079"', '"330,79"'),
        [
            'data/issues/2024-12-11/stocks.csv:2: market_cap: found "330,79", '
            "expected a positive number like 33079 or 33,079 [not-a-number]"
        ],
    ),
    "percent in the wrong place": (
        lambda d: edit(d / STOCKS, "-2.74,", "%-2.74,"),
        [
            'data/issues/2024-12-11/stocks.csv:3: week_pct: found "%-2.74", '
            "expected a number like -5.17 or -5.17% [not-a-number]"
        ],
    ),
    "unknown-ticker": (
        lambda d: edit(d / STOCKS, "MU.O,", "MU.N,"),
        [
            'data/issues/2024-12-11/stocks.csv:4: ticker: found "MU.N", '
            "expected a ticker listed in companies.yaml [unknown-ticker]"
        ],
    ),
    "duplicate stock row": (
        lambda d: edit(d / STOCKS, "MU.O,", "NVDA.O,"),
        [
            'data/issues/2024-12-11/stocks.csv:4: ticker: found "NVDA.O", '
            "expected each company once (already on line 2) [duplicate]"
        ],
    ),
    "wrong unit": (
        lambda d: edit(d / STOCKS, "MU.O,1093,USD", "MU.O,1093,亿美元"),
        ['data/issues/2024-12-11/stocks.csv:4: currency: found "亿美元", expected one of USD, CNY [bad-choice]'],
    ),
    "ragged-row": (
        lambda d: edit(d / STOCKS, "0.15,15.29", "0.15"),
        [
            "data/issues/2024-12-11/stocks.csv:4: found 5 cells, "
            "expected 6 cells, one per column of the header [ragged-row]"
        ],
    ),
    "empty-cell": (
        lambda d: edit(d / STOCKS, "-4.02,", ","),
        [
            "data/issues/2024-12-11/stocks.csv:3: month_pct: found an empty cell, "
            "expected a number like -5.17 or -5.17% [empty-cell]"
        ],
    ),
    "missing-column": (
        lambda d: edit(d / STOCKS, "ytd_pct", "ytd"),
        [
            'data/issues/2024-12-11/stocks.csv:1: ytd: found the column "ytd", '
            "expected only the columns ticker,market_cap,currency,week_pct,month_pct,ytd_pct [unknown-column]",
            "data/issues/2024-12-11/stocks.csv:1: ytd_pct: found no such column, "
            "expected the columns ticker,market_cap,currency,week_pct,month_pct,ytd_pct [missing-column]",
        ],
    ),
    "encoding (GBK)": (
        gbk_stocks,
        [
            "data/issues/2024-12-11/stocks.csv:4: found bytes that are not UTF-8 (c3 c0, perhaps GBK), "
            'expected UTF-8 text (save as "CSV UTF-8" or UTF-8 in your editor) [encoding]'
        ],
    ),
    "no-data (series after the issue)": (
        lambda d: edit(d / "series/traffic.csv", "2024-12-05,text", "2024-12-12,text"),
        [
            "data/issues/2024-12-11/issue.yaml: exhibits (图表2): found no rows of series/traffic.csv for category text "
            "in the 52 weeks up to 2024-12-11, expected data for every exhibit as of its issue [no-data]"
        ],
    ),
    "bad-folder-name": (
        lambda d: (d / "issues/2024-12-11").rename(d / "issues/latest"),
        [
            'data/issues/latest: found a folder named "latest", '
            "expected a folder named by the issue's date, like 2024-12-11 [bad-folder-name]"
        ],
    ),
    "duplicate company name": (
        lambda d: edit(d / "companies.yaml", "ticker: MU.O\n  name: 美光", "ticker: MU.O\n  name: 寒武纪"),
        ['data/companies.yaml:10: [3].name: found "寒武纪", expected a name not already used by 688256.SH [duplicate]'],
    ),
    "duplicate ticker": (
        lambda d: edit(d / "companies.yaml", "ticker: MU.O", "ticker: NVDA.O"),
        [
            'data/companies.yaml:9: [3].ticker: found "NVDA.O", '
            "expected each ticker once in companies.yaml [duplicate]",
            'data/issues/2024-12-11/stocks.csv:4: ticker: found "MU.O", '
            "expected a ticker listed in companies.yaml [unknown-ticker]",
        ],
    ),
    "sector spelt two ways": (
        lambda d: edit(d / "companies.yaml", "sector: 存储", "sector: cpu/gpu"),
        [
            'data/companies.yaml:11: [3].sector: found "cpu/gpu", expected the same spelling as '
            'the sector "CPU/GPU" (both would be /sectors/cpu-gpu/) [duplicate]',
            'data/issues/2024-12-11/stocks.csv:4: ticker: found "MU.O", '
            "expected a ticker listed in companies.yaml [unknown-ticker]",
        ],
    ),
    "bad-ticker": (
        lambda d: edit(d / "companies.yaml", "ticker: MU.O", "ticker: mu"),
        [
            'data/companies.yaml:9: [3].ticker: found "mu", expected a ticker like NVDA.O or 688256.SH '
            "(upper case, symbol.exchange) [bad-ticker]",
            'data/issues/2024-12-11/stocks.csv:4: ticker: found "MU.O", '
            "expected a ticker listed in companies.yaml [unknown-ticker]",
        ],
    ),
    "empty-file": (
        lambda d: (d / "companies.yaml").write_text(""),
        ["data/companies.yaml: found an empty file, expected YAML content [empty-file]"],
    ),
    "not-a-file": (
        stocks_as_directory,
        ["data/issues/2024-12-11/stocks.csv: found a directory, expected a file [not-a-file]"],
    ),
    "undeclared-file": (
        lambda d: write(d / "issues/2024-12-11/extra.csv", "a,b\n1,2\n"),
        [
            'data/issues/2024-12-11/extra.csv: found the file "extra.csv", which no exhibit uses, '
            "expected every file of an issue folder declared by an exhibit in issue.yaml (or removed) "
            "[undeclared-file]"
        ],
    ),
    "duplicate series row": (
        lambda d: edit(d / "series/traffic.csv", "image,Midjourney", "text,ChatGPT"),
        [
            'data/series/traffic.csv:3: week_end,category,site: found "2024-12-05 text ChatGPT", '
            "expected one row per week_end, category, site (already on line 2) [duplicate]"
        ],
    ),
    "series file not UTF-8 (no follow-on no-data error)": (
        lambda d: (d / "series/traffic.csv").write_bytes(
            b"week_start,week_end,category,site,visits\n" + "2024-11-29,2024-12-05,text,文心,1\n".encode("gbk")
        ),
        [
            "data/series/traffic.csv:2: found bytes that are not UTF-8 (ce c4, perhaps GBK), "
            'expected UTF-8 text (save as "CSV UTF-8" or UTF-8 in your editor) [encoding]'
        ],
    ),
    "a close that is zero": (
        priced(PRICES + "2024-12-11,688256.SH,0\n"),
        ['data/series/prices.csv:4: close: found "0", expected a positive number like 1234.5 [not-positive]'],
    ),
    "a close that is not a number": (
        priced(PRICES + "2024-12-11,688256.SH,6百\n"),
        ['data/series/prices.csv:4: close: found "6百", expected a positive number like 1234.5 [not-a-number]'],
    ),
    "a close given twice": (
        priced(PRICES + "2024-12-10,688256.SH,599\n"),
        [
            "data/series/prices.csv:4: date: found 2024-12-10 688256.SH again (first on line 2), "
            "expected one close per date and ticker [duplicate]"
        ],
    ),
    "a close of a ticker that is neither a company nor a benchmark": (
        priced(PRICES + "2024-12-10,AAPL.O,240\n2024-12-11,AAPL.O,241\n"),
        [
            'data/series/prices.csv:4: ticker: found "AAPL.O", '
            "expected a ticker of companies.yaml or benchmarks.yaml [unknown-ticker]"
        ],
    ),
    "a close on a date that does not exist": (
        priced(PRICES + "2024-02-30,688256.SH,598\n"),
        ['data/series/prices.csv:4: date: found "2024-02-30", expected a date like 2024-12-11 [bad-date]'],
    ),
    "a close in full-width digits": (
        priced(PRICES + "2024-12-11,688256.SH,６００\n"),
        ['data/series/prices.csv:4: close: found "６００", expected a positive number like 1234.5 [not-a-number]'],
    ),
    "a benchmark a recommended name needs, without closes": (
        priced("date,ticker,close\n2024-12-10,688256.SH,598\n"),
        [
            "data/benchmarks.yaml:1: ticker: found no closes of 000300.SH in series/prices.csv, expected the closes "
            "of every benchmark a recommended name is measured against (688256.SH, 2024-12-11) [no-closes]"
        ],
    ),
    "a market measured against two benchmarks": (
        priced(benchmarks=BENCHMARKS.replace("markets: [O]", "markets: [O, SZ]")),
        [
            "data/benchmarks.yaml:6: [2].markets[2]: found the market SZ, already measured against 000300.SH, "
            "expected each market in one benchmark's markets [duplicate]"
        ],
    ),
    "a market that is not a ticker suffix": (
        priced(benchmarks=BENCHMARKS.replace("markets: [O]", "markets: [O, 纳斯达克]")),
        [
            'data/benchmarks.yaml:6: [2].markets[2]: found "纳斯达克", '
            "expected a ticker suffix like SH, HK or O [bad-market]"
        ],
    ),
    "a recommended name whose market has no benchmark, once there are prices": (
        priced(benchmarks=BENCHMARKS.replace("markets: [SH, SZ]", "markets: [SZ]")),
        [
            "data/issues/2024-12-11/issue.yaml:12: recommendations: found 688256.SH (market SH) has no benchmark, "
            "expected a benchmark in benchmarks.yaml whose markets include SH [no-benchmark]"
        ],
    ),
    "series bad category": (
        lambda d: edit(d / "series/traffic.csv", "image,Midjourney", "images,Midjourney"),
        ['data/series/traffic.csv:3: category: found "images", expected one of text, image, video [bad-choice]'],
    ),
}


@pytest.fixture
def data(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    return minimal_data(Path("data"))


@pytest.mark.parametrize("case", CASES, ids=list(CASES))
def test_each_rule_reports_its_exact_message(data, case):
    breaks, expected = CASES[case]
    breaks(data)
    with pytest.raises(DataErrors) as raised:
        load_dataset(data)
    assert [str(e) for e in raised.value.errors] == expected


def test_rows_of_empty_cells_in_prices_csv_are_no_data(data):
    priced(PRICES + ",,\n\n , , \n2024-12-11,688256.SH,601\n")(data)
    prices = load_dataset(data).prices
    assert list(prices.closes["688256.SH"]) == [598.0, 601.0]


def test_minimal_data_is_valid_and_lenient_forms_are_read_exactly(data):
    dataset = load_dataset(data)
    nvda = dataset.issues[0].stocks[0]
    assert (str(nvda.market_cap), str(nvda.week_pct), nvda.currency) == ("33079", "-5.17", "USD")


def test_a_utf8_bom_is_accepted(data):
    path = data / STOCKS
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    assert load_dataset(data).issues[0].stocks[0].ticker == "NVDA.O"


def test_every_problem_is_reported_at_once(data):
    CASES["not-a-number"][0](data)
    CASES["bad-choice"][0](data)
    CASES["duplicate series row"][0](data)
    with pytest.raises(DataErrors) as raised:
        load_dataset(data)
    assert [e.code for e in raised.value.errors] == ["bad-choice", "not-a-number", "duplicate"]
    assert raised.value.report().startswith("3 errors in the data:\n  data/issues/2024-12-11/issue.yaml:4:")


def test_the_real_issue_is_valid(tmp_path):
    dataset = load_dataset(REAL_DATA)
    assert [issue.slug for issue in dataset.issues] == ["2024-12-11"]
    assert not dataset.synthetic


def test_a_copy_of_the_real_data_with_one_defect_fails(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    shutil.copytree(REAL_DATA, "data")
    edit(Path("data") / STOCKS, "NVDA.O,33079,USD,-5.17", "NVDA.O,33079,USD,-5,17")
    with pytest.raises(DataErrors) as raised:
        load_dataset(Path("data"))
    assert [str(e) for e in raised.value.errors] == [
        "data/issues/2024-12-11/stocks.csv:2: found 7 cells, expected 6 cells, one per column of the header [ragged-row]"
    ]
