"""数据下载 (/downloads/): the archive's stock rows and 建议关注 entries as CSV and an index as JSON, each
documented on the page and consistent with the issue and company pages they come from."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from test_build import shown_number

from helpers import issue_dirs

UNITS = {"USD": "亿美元", "CNY": "亿人民币"}


def page(site: Path, path: str) -> BeautifulSoup:
    return BeautifulSoup((site / path / "index.html").read_text(encoding="utf-8"), "lxml")


def read_csv(site: Path, name: str) -> tuple[list[str], list[dict]]:
    text = (site / "downloads" / name).read_text(encoding="utf-8")
    reader = csv.DictReader(io.StringIO(text))
    return list(reader.fieldnames or []), list(reader)


@pytest.fixture(params=["demo_site", "real_site"])
def site(request) -> Path:
    return request.getfixturevalue(request.param)


def test_the_page_links_each_file_and_documents_every_column(site):
    soup = page(site, "downloads")
    links = {a["href"] for a in soup.select("article .suanli-file a")}
    assert links == {
        "stocks.csv",
        "recommendations.csv",
        "track_record.csv",
        "calls.csv",
        "index.json",
        "datapackage.json",
    }
    documented = {
        table.find_previous("a")["href"]: [code.get_text() for code in table.select("tbody td:first-child code")]
        for table in soup.select("article table")
    }
    for name in ("stocks.csv", "recommendations.csv", "track_record.csv", "calls.csv"):
        assert documented[name] == read_csv(site, name)[0]
    index = json.loads((site / "downloads/index.json").read_text(encoding="utf-8"))
    assert documented["index.json"] == list(index)
    # each column's type as the page names it is its type in datapackage.json
    names = {"string": "文本", "number": "数字", "integer": "整数", "date": "日期", "boolean": "true/false"}
    package = json.loads((site / "downloads/datapackage.json").read_text(encoding="utf-8"))
    for resource in package["resources"]:
        table = soup.find("a", href=resource["path"]).find_next("table")
        shown = [[td.get_text() for td in tr.select("td")[:2]] for tr in table.select("tbody tr")]
        assert shown == [[f["name"], names[f["type"]]] for f in resource["schema"]["fields"]]


def stock_table_rows(site: Path, slug: str) -> list[list[str]]:
    table = page(site, f"issues/{slug}").select_one("table.suanli-stocks")
    return [[c.get_text() for c in tr.select("th, td")] for tr in table.select("tbody tr:not(.group)")]


def test_every_stock_row_is_the_row_on_its_issues_page(site):
    _, rows = read_csv(site, "stocks.csv")
    slugs = sorted(p.name for p in (site / "issues").iterdir() if (p / "index.html").is_file())
    assert sorted({r["issue_date"] for r in rows}) == slugs
    for slug in slugs:
        mine = [r for r in rows if r["issue_date"] == slug]
        shown = {row[-1]: row for row in stock_table_rows(site, slug)}
        assert len(mine) == len(shown)
        for r in mine:
            assert shown[r["ticker"]] == [
                r["name"],
                shown_number(r["week_pct"], True),
                shown_number(r["month_pct"], True),
                shown_number(r["ytd_pct"], True),
                shown_number(r["market_cap"], False),
                UNITS[r["currency"]],
                r["ticker"],
            ]
        sectors = [th.get_text() for th in page(site, f"issues/{slug}").select("table.suanli-stocks tr.group th")]
        assert list(dict.fromkeys(r["sector"] for r in mine)) == sectors


def test_every_recommendation_is_on_its_issues_page(site, request):
    _, rows = read_csv(site, "recommendations.csv")
    slugs = sorted(p.name for p in (site / "issues").iterdir() if (p / "index.html").is_file())
    for slug in slugs:
        items = page(site, f"issues/{slug}").select("#recommendations + ul > li")
        shown = [
            (li.strong.get_text().rstrip("："), a.get_text(), a.next_sibling.strip("（）、"))
            for li in items
            for a in li.select("a")
        ]
        assert shown == [(r["segment"], r["name"], r["ticker"]) for r in rows if r["issue_date"] == slug]
    assert rows  # both data folders recommend companies


def served_path(site: Path, url: str, origin: str) -> Path:
    assert url.startswith(origin), url
    relative = url.removeprefix(origin)
    return site / relative / "index.html" if relative.endswith("/") or not relative else site / relative


def test_the_index_names_every_issue_and_company_with_files_that_exist(site, request):
    index = json.loads((site / "downloads/index.json").read_text(encoding="utf-8"))
    origin = index["url"]
    slugs = sorted(p.name for p in (site / "issues").iterdir() if (p / "index.html").is_file())
    assert [i["date"] for i in index["issues"]] == slugs
    for issue in index["issues"]:
        soup = BeautifulSoup(served_path(site, issue["url"], origin).read_text(encoding="utf-8"), "lxml")
        assert soup.select_one("article h1").get_text().rstrip("¶").strip() == issue["title"]
        for exhibit in issue["exhibits"]:
            assert served_path(site, exhibit["csv"], origin).is_file()
            assert soup.select_one(f"#exhibit-{exhibit['number']}")
    companies = sorted(p.name for p in (site / "companies").iterdir() if (p / "index.html").is_file())
    assert sorted(c["url"].rstrip("/").rsplit("/", 1)[1] for c in index["companies"]) == companies
    for company in index["companies"]:
        assert served_path(site, company["url"], origin).is_file()
        if company["history_csv"]:
            assert served_path(site, company["history_csv"], origin).is_file()
        else:
            assert not (site / "companies" / company["url"].rstrip("/").rsplit("/", 1)[1] / "history.csv").exists()
    for url in index["files"].values():
        assert served_path(site, url, origin).is_file()
    assert index["synthetic"] is (request.node.callspec.params["site"] == "demo_site")


def test_the_archive_csv_holds_every_row_of_every_issue_folder(demo_site, demo_data):
    _, rows = read_csv(demo_site, "stocks.csv")
    expected = []
    for folder in issue_dirs(demo_data):
        with (folder / "stocks.csv").open(encoding="utf-8") as handle:
            expected += [(folder.name, r["ticker"], r["week_pct"]) for r in csv.DictReader(handle)]
    assert sorted((r["issue_date"], r["ticker"], r["week_pct"]) for r in rows) == sorted(expected)
