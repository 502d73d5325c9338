"""A corpus of bad data folders, one defect each: `suanli validate` and the real build both fail
with a message naming file, line (where there is one), field, found and expected; no traceback,
no site written. The validation rules' own cases (test_validation.CASES) are part of the corpus."""

from __future__ import annotations

import shutil
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from test_validation import CASES

from helpers import build, edit, minimal_data, suanli, write

ISSUE = "issues/2024-12-11/issue.yaml"

EXTRA = {
    "a control character in a CSV cell": (
        lambda d: edit(d / "issues/2024-12-11/stocks.csv", "MU.O,", "MU.O\x01,"),
        [
            "data/issues/2024-12-11/stocks.csv:4: found the control character U+0001, expected text without control "
            "characters (U+0000 to U+001F other than tab and line breaks) [control-character]"
        ],
    ),
    "a control character in a list item": (
        lambda d: (d / ISSUE).write_text((d / ISSUE).read_text(encoding="utf-8") + 'risks: ["风险\\x1b[31m"]\n'),
        [
            "data/issues/2024-12-11/issue.yaml:16: risks[1]: found the control character U+001B, expected text "
            "without control characters (U+0000 to U+001F other than tab and line breaks) [control-character]"
        ],
    ),
    "UTF-16 (a BOM that is not UTF-8's)": (
        lambda d: (d / "companies.yaml").write_bytes(
            (d / "companies.yaml").read_text(encoding="utf-8").encode("utf-16")
        ),
        [
            'data/companies.yaml:1: found UTF-16 text (Excel\'s "Unicode text"), expected UTF-8 text '
            '(save as "CSV UTF-8" or UTF-8 in your editor) [encoding]'
        ],
    ),
    "empty CSV": (
        lambda d: (d / "issues/2024-12-11/stocks.csv").write_text(""),
        [
            "data/issues/2024-12-11/stocks.csv: found an empty file, expected a header row "
            "(ticker,market_cap,currency,week_pct,month_pct,ytd_pct) [empty-file]"
        ],
    ),
    "registry is a mapping": (
        lambda d: (d / "companies.yaml").write_text("ticker: NVDA.O\nname: 英伟达\n"),
        [
            "data/companies.yaml:1: found a mapping, expected a list of companies, "
            "each starting with - ticker: [wrong-type]"
        ],
    ),
    "issue.yaml is a list": (
        lambda d: (d / ISSUE).write_text("- title: x\n"),
        ["data/issues/2024-12-11/issue.yaml:1: found a list, expected a mapping of fields (name: value) [wrong-type]"],
    ),
    "exhibit without its series file": (
        lambda d: (d / "series/traffic.csv").unlink(),
        [
            "data/issues/2024-12-11/issue.yaml: exhibits (图表2): found no rows of series/traffic.csv for category text "
            "in the 52 weeks up to 2024-12-11, expected data for every exhibit as of its issue [no-data]"
        ],
    ),
    "no registry": (
        lambda d: (d / "companies.yaml").unlink(),
        ["data/companies.yaml: found no such file, expected the company registry companies.yaml [missing-file]"],
    ),
    "no issues folder": (
        lambda d: shutil.rmtree(d / "issues"),
        ["data/issues: found no such folder, expected issues/ with one folder per issue [missing-file]"],
    ),
    "a file in issues/": (
        lambda d: write(d / "issues/readme.txt", "x"),
        [
            "data/issues/readme.txt: found a file, expected a folder per issue named by its date, "
            "like issues/2024-12-11/ [not-a-folder]"
        ],
    ),
    "unknown exhibit kind": (
        lambda d: edit(d / ISSUE, "kind: traffic", "kind: chart"),
        [
            'data/issues/2024-12-11/issue.yaml:15: exhibits[2].kind: found "chart", '
            "expected one of stocks, traffic, downloads, gpu_prices, table [bad-choice]"
        ],
    ),
    "missing stocks.csv": (
        lambda d: (d / "issues/2024-12-11/stocks.csv").unlink(),
        [
            "data/issues/2024-12-11/stocks.csv: found no such file, "
            "expected stocks.csv, since issue.yaml declares a stocks exhibit [missing-file]"
        ],
    ),
    "period reversed": (
        lambda d: edit(d / ISSUE, "{start: 2024-12-09, end: 2024-12-11}", "{start: 2024-12-10, end: 2024-12-09}"),
        [
            "data/issues/2024-12-11/issue.yaml:3: period.end: found 2024-12-09, "
            "expected a date on or after start (2024-12-10) [bad-period]"
        ],
    ),
    "revision before the issue": (
        lambda d: edit(d / ISSUE, "exhibits:", "revisions:\n  - {date: 2024-12-01, note: 更正}\nexhibits:"),
        [
            "data/issues/2024-12-11/issue.yaml:14: revisions[1].date: found 2024-12-01, "
            "expected a date on or after the issue's date (2024-12-11) [bad-date]"
        ],
    ),
    "negative visits": (
        lambda d: edit(d / "series/traffic.csv", "89012", "-89012"),
        [
            'data/series/traffic.csv:2: visits: found "-89012", '
            "expected a positive number like 33079 or 33,079 [not-positive]"
        ],
    ),
    "bad month": (
        lambda d: write(d / "series/downloads.csv", "month,app,downloads,partial\n2024-13,豆包,100,false\n"),
        ['data/series/downloads.csv:2: month: found "2024-13", expected a month like 2024-12 [bad-date]'],
    ),
    "partial is not a boolean": (
        lambda d: write(d / "series/downloads.csv", "month,app,downloads,partial\n2024-12,豆包,100,yes\n"),
        ['data/series/downloads.csv:2: partial: found "yes", expected true or false [bad-choice]'],
    ),
    "GPU condition": (
        lambda d: write(
            d / "series/gpu_prices.csv", "date,gpu,condition,price_usd\n2024-12-01,H100,refurbished,25000\n"
        ),
        ['data/series/gpu_prices.csv:2: condition: found "refurbished", expected one of new, used [bad-choice]'],
    ),
    "no authors": (
        lambda d: edit(d / ISSUE, "authors:\n  - {name: 测试作者, role: 分析师}", "authors: []"),
        [
            "data/issues/2024-12-11/issue.yaml:5: authors: found an empty list, expected at least one author [missing-field]"
        ],
    ),
    "exhibit number as text": (
        lambda d: edit(d / ISSUE, "{number: 2,", "{number: two,"),
        [
            'data/issues/2024-12-11/issue.yaml:15: exhibits[2].number: found "two", '
            "expected a whole number from 1 up [wrong-type]"
        ],
    ),
    "aliases not a list": (
        lambda d: edit(d / "companies.yaml", "aliases: [NVDA, 辉达]", "aliases: NVDA"),
        [
            'data/companies.yaml:5: [1].aliases: found "NVDA", '
            "expected a list of texts in [ ] or one per line after - [wrong-type]"
        ],
    ),
    "tab in YAML": (
        lambda d: edit(d / "companies.yaml", "  name: 美光", "\tname: 美光"),
        [
            "data/companies.yaml:10: found invalid YAML (while scanning for the next token found character "
            "'\\t' that cannot start any token), expected valid YAML [yaml-syntax]"
        ],
    ),
    "week starts after it ends": (
        lambda d: edit(d / "series/traffic.csv", "2024-11-29,2024-12-05,text", "2024-12-06,2024-12-05,text"),
        [
            "data/series/traffic.csv:2: week_end: found 2024-12-05, "
            "expected a date on or after week_start (2024-12-06) [bad-period]"
        ],
    ),
    "sector without letters": (
        lambda d: edit(d / "companies.yaml", "sector: 存储", "sector: '!!!'"),
        [
            'data/companies.yaml:11: [3].sector: found "!!!", expected a sector name with letters, '
            "digits or Chinese [bad-choice]",
            'data/issues/2024-12-11/stocks.csv:4: ticker: found "MU.O", '
            "expected a ticker listed in companies.yaml [unknown-ticker]",
        ],
    ),
}
CORPUS = {**CASES, **EXTRA}


# Where the loader finds a defect: reading the file (its bytes, its YAML or CSV syntax) or reading its
# fields, in a YAML file, a CSV file, or the folders themselves.
READ_CODES = {"yaml-syntax", "encoding", "empty-file", "csv-syntax", "duplicate-key", "control-character"}


def failure_path(messages: list[str]) -> str:
    """The path a build takes to fail on this defect: the kind of file its first error is in, and whether
    reading the file or its fields found it. Every data error leaves the build the same way (the plugin's
    on_config turns DataErrors into a PluginError); these are the distinct ways into it."""
    file = messages[0].split(":", 1)[0]
    code = messages[0].rsplit("[", 1)[1].rstrip("]")
    kind = "yaml" if file.endswith(".yaml") else "csv" if file.endswith(".csv") else "folder"
    return f"{kind}/{'read' if code in READ_CODES else 'fields'}"


# One real build per distinct failure path (the first case of each); every case is validated.
BUILT = {path: name for name, (_, messages) in reversed(CORPUS.items()) for path in [failure_path(messages)]}


def case_data(name: str, root: Path) -> tuple[Path, Path]:
    """The case's folder (its data in data/): the minimal folder with the case's one defect."""
    folder = root / f"case-{list(CORPUS).index(name):02d}"
    data = minimal_data(folder / "data")
    CORPUS[name][0](data)
    return folder, data


@pytest.fixture(scope="module")
def builds(tmp_path_factory):
    """The real build of each failure path's case."""
    root = tmp_path_factory.mktemp("corpus")

    def run(name: str) -> dict:
        folder, data = case_data(name, root)
        site = folder / "site"
        return {"build": build(data.resolve(), site), "site": site}

    names = sorted(set(BUILT.values()))
    with ThreadPoolExecutor(max_workers=2) as pool:  # the machine has two cores
        return dict(zip(names, pool.map(run, names), strict=True))


def test_the_corpus_is_large_and_covers_every_kind_of_defect():
    assert len(CORPUS) >= 30
    codes = {message.rsplit("[", 1)[1].rstrip("]") for _, messages in CORPUS.values() for message in messages}
    for code in (
        "yaml-syntax",
        "wrong-type",
        "missing-field",
        "unknown-ticker",
        "duplicate",
        "bad-date",
        "not-a-number",
        "bad-choice",
        "ragged-row",
        "encoding",
        "no-data",
        "bad-folder-name",
        "empty-file",
        "not-a-file",
    ):
        assert code in codes, code


def test_every_failure_path_has_a_build_and_there_are_several():
    assert set(BUILT) >= {"yaml/read", "yaml/fields", "csv/read", "csv/fields", "folder/fields"}


@pytest.mark.parametrize("name", list(CORPUS))
def test_validate_fails_with_located_messages(tmp_path, name):
    folder, _ = case_data(name, tmp_path)
    validate = suanli("validate", "data", cwd=folder)
    expected = CORPUS[name][1]
    assert validate.returncode == 1
    assert validate.stderr.splitlines()[1:] == [f"  {m}" for m in expected]
    assert "Traceback" not in validate.stderr + validate.stdout


@pytest.mark.parametrize("name", sorted(set(BUILT.values())))
def test_the_build_fails_with_the_same_located_messages_and_writes_nothing(builds, name):
    expected = CORPUS[name][1]
    built, site = builds[name]["build"], builds[name]["site"]
    assert built.returncode != 0
    output = built.stdout + built.stderr
    assert "Traceback" not in output
    for message in expected:  # the build names the same problems (its paths are absolute)
        assert message.split("data/", 1)[1] in output
    assert not site.exists()
