"""The archive and the index, checked in real builds of a multi-issue demo folder: company and
sector pages against the raw CSV files, the feed, the as-of rule and the search index."""

from __future__ import annotations

import csv
import json
import re
import statistics
import xml.etree.ElementTree as ET
from decimal import Decimal
from pathlib import Path
from urllib.parse import unquote

import yaml
from bs4 import BeautifulSoup
from test_build import page, shown_number

from helpers import issue_dirs
from suanli.authoring.demo import LATE_JOINERS

UNITS = {"USD": "亿美元", "CNY": "亿人民币"}


def stock_rows(data: Path) -> dict[str, list[dict]]:
    """Every stocks.csv row per ticker, oldest issue first, read straight from the files."""
    out: dict[str, list[dict]] = {}
    for folder in issue_dirs(data):
        with (folder / "stocks.csv").open(encoding="utf-8") as handle:
            for row in csv.DictReader(handle):
                out.setdefault(row["ticker"], []).append({**row, "date": folder.name})
    return out


def registry(data: Path) -> list[dict]:
    return yaml.safe_load((data / "companies.yaml").read_text(encoding="utf-8"))


def slug(ticker: str) -> str:
    return ticker.lower().replace(".", "-")


def test_every_company_has_a_page_with_its_names_and_sector(demo_site, demo_data):
    for company in registry(demo_data):
        soup = page(demo_site, f"companies/{slug(company['ticker'])}")
        assert soup.h1.get_text(strip=True).rstrip("¶") == f"{company['name']}（{company['ticker']}）"
        meta = soup.select_one(".suanli-meta").get_text()
        for alias in company.get("aliases", []):
            assert alias in meta
        assert company["sector"] in meta and (company.get("name_en") or "") in meta


def test_company_history_rows_are_every_stocks_row_newest_first(demo_site, demo_data):
    rows = stock_rows(demo_data)
    for company in registry(demo_data):
        soup = page(demo_site, f"companies/{slug(company['ticker'])}")
        shown = [[cell.get_text() for cell in tr.select("th, td")] for tr in soup.select("#history-table tbody tr")]
        expected = [
            [
                r["date"],
                shown_number(r["week_pct"], True),
                shown_number(r["month_pct"], True),
                shown_number(r["ytd_pct"], True),
                shown_number(r["market_cap"], False),
                UNITS[r["currency"]],
            ]
            for r in reversed(rows.get(company["ticker"], []))
        ]
        assert shown == expected, company["ticker"]
        links = [a["href"] for a in soup.select("#history-table tbody th a")]
        assert links == [f"../../issues/{r[0]}/" for r in expected]


def test_a_company_that_joins_later_has_history_from_then_on(demo_site, demo_data):
    issues = [d.name for d in issue_dirs(demo_data)]
    for ticker in LATE_JOINERS:
        dates = [
            tr.th.get_text() for tr in page(demo_site, f"companies/{slug(ticker)}").select("#history-table tbody tr")
        ]
        assert 0 < len(dates) < len(issues)
        assert dates == issues[len(issues) - len(dates) :][::-1]
        first = page(demo_site, f"issues/{issues[0]}")
        assert ticker not in first.select_one("table.suanli-stocks").get_text()


def test_company_pages_list_recommendations_and_prose_mentions(demo_site, demo_data):
    recommended: dict[str, list[str]] = {}
    for folder in issue_dirs(demo_data):
        issue = yaml.safe_load((folder / "issue.yaml").read_text(encoding="utf-8"))
        for rec in issue.get("recommendations", []):
            for ticker in rec["companies"]:
                recommended.setdefault(ticker, []).append(f"{folder.name} · {rec['segment']}")
    for company in registry(demo_data):
        soup = page(demo_site, f"companies/{slug(company['ticker'])}")
        items = [li.get_text() for li in soup.select("#recommended + ul > li")]
        assert items == recommended.get(company["ticker"], [])[::-1]
    # 工业富联 is named by its former name (an alias) in the first half of the archive, by its name after
    issues = [d.name for d in issue_dirs(demo_data)]
    mentions = [a["href"] for a in page(demo_site, "companies/601138-sh").select("#mentioned + ul a")]
    assert mentions == [f"../../issues/{d}/" for d in reversed(issues)]
    early = (demo_data / "issues" / issues[0] / "issue.yaml").read_text(encoding="utf-8")
    assert "富士康工业互联网" in early and "工业富联" not in early


def test_issue_pages_link_company_names_to_company_pages(demo_site, demo_data):
    latest = issue_dirs(demo_data)[-1].name
    soup = page(demo_site, f"issues/{latest}")
    stock_links = soup.select("table.suanli-stocks th.name a")
    rec_links = soup.select("#recommendations + ul a")
    assert stock_links and rec_links
    for link in stock_links + rec_links:
        target = demo_site / "issues" / latest / link["href"] / "index.html"
        assert target.resolve().is_file(), link["href"]
        assert BeautifulSoup(target.read_text(encoding="utf-8"), "lxml").h1.get_text().startswith(link.get_text())


def test_company_index_lists_every_company_without_javascript(demo_site, demo_data):
    soup = page(demo_site, "companies")
    rows = soup.select("#company-index tbody tr")
    companies = registry(demo_data)
    assert [r.select_one("td.ticker").get_text() for r in rows] == [c["ticker"] for c in companies]
    assert soup.select_one(".suanli-filter").has_attr("hidden")  # controls appear only with JavaScript
    latest = {t: r[-1] for t, r in stock_rows(demo_data).items()}
    for row, company in zip(rows, companies, strict=True):
        terms = row["data-search"].split()
        assert company["ticker"].lower() in terms and company["ticker"].split(".")[0].lower() in terms
        assert all(alias.lower() in row["data-search"] for alias in company.get("aliases", []))
        cells = [cell.get_text() for cell in row.select("th, td")]
        assert cells[0] == company["name"] and cells[4:6] == [company["sector"], company["ticker"]]
        if company["ticker"] in latest:
            last = latest[company["ticker"]]
            assert cells[1:4] == [
                shown_number(last["week_pct"], True),
                shown_number(last["market_cap"], False),
                UNITS[last["currency"]],
            ]
        assert cells[6] == str(len(stock_rows(demo_data).get(company["ticker"], [])))


def test_sector_pages_show_members_and_the_median_weekly_change(demo_site, demo_data):
    companies = registry(demo_data)
    sectors = list(dict.fromkeys(c["sector"] for c in companies))
    index = page(demo_site, "sectors")
    assert [a.get_text() for a in index.select("article table a")] == sectors
    rows = stock_rows(demo_data)
    for sector in sectors:
        members = [c for c in companies if c["sector"] == sector]
        sector_page = index.select_one(f'article table a:-soup-contains("{sector}")')["href"]
        soup = page(demo_site, f"sectors/{unquote(sector_page)}")
        assert [a.get_text() for a in soup.select("#members + ul a")] == [c["name"] for c in members]
        by_date: dict[str, list[Decimal]] = {}
        for company in members:
            for row in rows.get(company["ticker"], []):
                by_date.setdefault(row["date"], []).append(Decimal(row["week_pct"]))
        expected = [
            [date, str(len(v)), format(statistics.median(v), "f") + "%"]
            for date, v in sorted(by_date.items(), reverse=True)
        ]
        shown = [[c.get_text() for c in tr.select("th, td")] for tr in soup.select("#medians-table tbody tr")]
        assert shown == expected, sector


def test_feed_has_an_item_per_issue_with_title_date_link_highlights_and_revisions(built_site, demo_data):
    demo = built_site("demo")
    root = ET.parse(demo.site / "feed.xml").getroot()
    items = root.findall("channel/item")
    folders = issue_dirs(demo_data)[::-1]
    assert len(items) == min(52, len(folders))
    for item, folder in zip(items, folders, strict=False):
        issue = yaml.safe_load((folder / "issue.yaml").read_text(encoding="utf-8"))
        assert item.findtext("title") == f"{folder.name} {issue['title']}"
        assert item.findtext("link") == f"{demo.origin}issues/{folder.name}/"
        day = issue["date"]
        assert item.findtext("pubDate").startswith(f"{day:%a}, {day.day:02d} {day:%b} {day.year} 08:00:00 +0800")
        description = item.findtext("description")
        assert all(h["heading"] in description for h in issue["highlights"])
        for revision in issue.get("revisions", []):
            assert revision["note"] in description and "更正记录" in description
    assert any("更正记录" in item.findtext("description") for item in items)


def test_every_page_links_the_feed(demo_site):
    for html_file in demo_site.rglob("*.html"):
        link = BeautifulSoup(html_file.read_text(encoding="utf-8"), "lxml").select_one(
            'link[rel="alternate"][type="application/rss+xml"]'
        )
        assert link is not None, html_file
        href = link["href"]  # relative, except on 404.html, which MkDocs writes with root-relative links
        target = demo_site / href.lstrip("/") if href.startswith("/") else html_file.parent / href
        assert target.resolve() == (demo_site / "feed.xml").resolve()


def test_an_issue_shows_series_only_as_of_its_date(demo_site, demo_data):
    first = issue_dirs(demo_data)[0].name
    with (demo_data / "series/traffic.csv").open(encoding="utf-8") as handle:
        traffic = list(csv.DictReader(handle))
    late = max(r["week_end"] for r in traffic)
    assert late > first  # the demo series runs past the first issue...
    html = (demo_site / "issues" / first / "index.html").read_text(encoding="utf-8")
    assert late not in html  # ...and nothing after it reaches its page
    for number in (2, 3, 4):
        with (demo_site / "issues" / first / f"exhibit-{number}.csv").open(encoding="utf-8") as handle:
            rows = list(csv.DictReader(handle))
        assert rows and all(r["week_end"] <= first for r in rows)
    with (demo_site / "issues" / first / "exhibit-5.csv").open(encoding="utf-8") as handle:
        downloads = list(csv.DictReader(handle))
    assert {r["month"] for r in downloads} == {first[:7]}
    assert all(r["partial"] == "true" for r in downloads)  # its own month was not complete on its date


def search_docs(site: Path) -> list[dict]:
    index = json.loads((site / "search/search_index.json").read_text(encoding="utf-8"))
    separator = re.compile(index["config"]["separator"])
    return [
        {
            **d,
            "title_tokens": [t.lower() for t in separator.split(d["title"]) if t],
            "tokens": [t.lower() for t in separator.split(re.sub(r"<[^>]+>", " ", d["text"])) if t],
        }
        for d in index["docs"]
    ]


def test_search_index_keeps_company_names_whole(demo_site):
    docs = search_docs(demo_site)
    pages = {d["location"]: d for d in docs if re.fullmatch(r"companies/[^/#]+/", d["location"])}
    expected = {
        "nvda-o": ["英伟达", "nvda.o"],
        "688256-sh": ["寒武纪", "688256.sh"],
        "601138-sh": ["工业富联"],
        "002463-sz": ["沪电股份"],
    }
    for slug_, tokens in expected.items():
        assert all(t in pages[f"companies/{slug_}/"]["title_tokens"] for t in tokens), pages[f"companies/{slug_}/"]
    assert {"辉达", "nvda"} <= set(pages["companies/nvda-o/"]["tokens"])
    for doc in docs:  # 英伟达 is never cut into 英 / 伟达, so a search for it cannot match 英特尔 instead
        for tokens in (doc["tokens"], doc["title_tokens"]):
            assert not any(a == "英" and b == "伟达" for a, b in zip(tokens, tokens[1:], strict=False)), doc["location"]
            assert not any(a == "沪" and b == "电" for a, b in zip(tokens, tokens[1:], strict=False)), doc["location"]


def test_series_exhibits_show_a_window_up_to_their_issue(tmp_path):
    """52 weeks of traffic (and GPU prices), 24 months of downloads: a page's size does not grow with the archive."""
    from helpers import TRAFFIC, minimal_data, write
    from suanli.derive import tables as derive
    from suanli.load.dataset import load_dataset

    data = minimal_data(tmp_path / "data")
    write(
        data / "series/traffic.csv",
        TRAFFIC + "2023-12-07,2023-12-13,text,ChatGPT,100\n2023-12-08,2023-12-14,text,ChatGPT,200\n",
    )
    dataset = load_dataset(data)
    exhibit = next(e for e in dataset.latest.exhibits if e.kind == "traffic")
    shown = derive.SeriesTables(dataset.series).as_of(exhibit, dataset.latest.date)
    assert [d.isoformat() for d in shown["week_end"]] == ["2023-12-14", "2024-12-05"]  # 2023-12-13 is 52 weeks back
