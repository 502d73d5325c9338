"""The shipped data/ belongs to the authors and grows every week, so nothing here asserts what it holds
(how many issues, which is latest, which pages). Only what must stay true as it grows is checked: it
validates, it builds strictly with nothing lost, and next week's issue goes through the authors'
routine (new, import of a Wind export, the text filled in) to a strict build."""

from __future__ import annotations

import csv
import datetime as dt
import shutil
from pathlib import Path

import pytest
import yaml
from bs4 import BeautifulSoup
from test_build import assert_stock_rows_on_page
from test_integrity import assert_everything_reachable, assert_nothing_lost, broken_links

from helpers import SHIPPED_DATA, build, git, suanli
from wind import wind_xlsx


@pytest.fixture(scope="module")
def shipped_site(tmp_path_factory) -> Path:
    site = tmp_path_factory.mktemp("shipped") / "site"
    result = build(SHIPPED_DATA, site)
    assert result.returncode == 0, result.stderr
    return site


def test_the_shipped_data_validates():
    result = suanli("validate", str(SHIPPED_DATA))
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""


def test_the_shipped_data_builds_strictly_with_nothing_lost(shipped_site):
    assert broken_links(shipped_site) == []
    assert_nothing_lost(SHIPPED_DATA, shipped_site)
    assert_everything_reachable(SHIPPED_DATA, shipped_site)


def fill_the_text(issue_dir: Path) -> None:
    """What an author types after `suanli new`: the title, every highlight, and the rows of any table
    exhibit the scaffold left empty."""
    path = issue_dir / "issue.yaml"
    issue = yaml.safe_load(path.read_text(encoding="utf-8"))
    issue["title"] = f"算力周跟踪：{issue['date']} 周度测试稿"
    for number, highlight in enumerate(issue["highlights"], 1):
        highlight["heading"] = highlight["heading"] or f"要点{number}"
        highlight["body"] = highlight["body"] or f"第{number}条要点的正文。"
    path.write_text(yaml.safe_dump(issue, allow_unicode=True, sort_keys=False), encoding="utf-8")
    for table in issue_dir.glob("*.csv"):
        if table.name == "stocks.csv":
            continue
        lines = table.read_text(encoding="utf-8").splitlines()
        if len(lines) == 1:
            header = next(csv.reader(lines))
            table.write_text(
                lines[0] + "\n" + ",".join(f"测试{i}" for i in range(len(header))) + "\n", encoding="utf-8"
            )


def test_next_weeks_issue_goes_from_new_and_import_to_a_strict_build(tmp_path):
    shutil.copytree(SHIPPED_DATA, tmp_path / "data")
    data = tmp_path / "data"
    git(tmp_path, "init", "-q", "-b", "main")
    git(tmp_path, "add", "-A")
    git(tmp_path, "commit", "-q", "-m", "the data as shipped")
    before = {p.name for p in (data / "issues").iterdir()}

    scaffolded = suanli("new", cwd=tmp_path)
    assert scaffolded.returncode == 0, scaffolded.stderr
    (new_slug,) = {p.name for p in (data / "issues").iterdir()} - before
    issue_dir = data / "issues" / new_slug
    issue = yaml.safe_load((issue_dir / "issue.yaml").read_text(encoding="utf-8"))
    assert issue["date"] == dt.date.fromisoformat(new_slug) and new_slug > max(before)

    # The export Wind gives for the scaffolded tickers: market cap in 元, the three returns as same-named
    # 区间涨跌幅 columns told apart by their dates, a title row and a source footer.
    with (issue_dir / "stocks.csv").open(encoding="utf-8") as handle:
        tickers = [row["ticker"] for row in csv.DictReader(handle)]
    names = {c["ticker"]: c["name"] for c in yaml.safe_load((data / "companies.yaml").read_text(encoding="utf-8"))}
    rows = [
        (
            ticker,
            names[ticker],
            100_000_000 * (1000 + 37 * i),
            round(-3 + 0.21 * i, 2),
            round(1.5 - 0.1 * i, 2),
            round(20 + 1.3 * i, 2),
        )
        for i, ticker in enumerate(tickers)
    ]
    export = wind_xlsx(
        tmp_path / "wind.xlsx", rows, layout="interval", period=(issue["period"]["start"], issue["period"]["end"])
    )
    imported = suanli("import", "stocks", str(export), "--issue", new_slug, cwd=tmp_path)
    assert imported.returncode == 0, imported.stderr

    fill_the_text(issue_dir)
    validated = suanli("validate", cwd=tmp_path)
    assert validated.returncode == 0, validated.stderr

    site = tmp_path / "site"
    built = build(data, site)
    assert built.returncode == 0, built.stderr
    assert assert_stock_rows_on_page(site, data, new_slug) == len(tickers)
    assert broken_links(site) == []
    assert_nothing_lost(data, site)
    latest = BeautifulSoup((site / "latest/index.html").read_text(encoding="utf-8"), "lxml")
    assert latest.select_one('meta[http-equiv="refresh"]')["content"] == f"0; url=../issues/{new_slug}/"

    # The commit check.yml would see: a new week, no published issue changed.
    git(tmp_path, "add", "-A")
    git(tmp_path, "commit", "-q", "-m", f"issue {new_slug}")
    checked = suanli("check-published", "HEAD~1", cwd=tmp_path)
    assert checked.returncode == 0, checked.stderr
