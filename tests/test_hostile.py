"""Hostile strings in every field a data file can hold: the site builds, shows them as literal
text everywhere (pages, charts, tooltips, search results, feed) and runs none of them; script link
targets, however encoded, in every Markdown link form of a highlight body, reach no page or feed."""

from __future__ import annotations

import csv
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from test_markup import browser_scheme, unsafe_targets

from conftest import watched_page
from helpers import (
    FORMULA_NAME,
    FORMULA_SECTOR,
    FORMULA_SEGMENT,
    FORMULA_SITE,
    HOSTILE,
    PAYLOADS,
    REVEAL_CHARTS,
    SAFE_URLS,
    SCRIPT_URLS,
)


@pytest.fixture(scope="module")
def hostile_site(built_site):
    hostile = built_site("hostile")
    return hostile.origin, hostile.site


def pages_of(site):
    return sorted(p.relative_to(site).parent.as_posix() for p in site.rglob("index.html"))


def test_every_page_shows_the_strings_and_runs_none(browser, hostile_site):
    origin, site = hostile_site
    urls = [origin + (path + "/" if path != "." else "") for path in pages_of(site)]
    assert len(urls) >= 12
    with watched_page(browser, origin) as page:
        for url in urls:
            page.goto(url)
            page.wait_for_load_state("load")
            page.wait_for_timeout(150)  # let charts and any (wrongly) injected handler run
            assert page.evaluate("window.__pwned") is None, url
            assert page.locator("article img[onerror], article script").count() == 0, url
        assert page.problems == []


def test_issue_page_shows_each_string_literally(browser, hostile_site):
    origin, _ = hostile_site
    with watched_page(browser, origin) as page:
        page.goto(origin + "issues/2024-12-11/")
        page.wait_for_function(
            "() => {"
            + REVEAL_CHARTS
            + "return [...document.querySelectorAll('.suanli-chart')].every(c => c.dataset.rendered === 'true'); }"
        )
        text = page.inner_text("article")
        for where in (
            "测试周报",
            "要点一",
            "国产算力链",
            "测试作者",
            "算力股价本周复盘",
            "来源",
            "注",
            "风险",
            "报告",
            "更正",
            "英伟达",
        ):
            assert where + HOSTILE in text, where
        assert HOSTILE + "\t" + HOSTILE in text  # the table exhibit's cells
        # the highlight body is Markdown: its formatting renders, its HTML shows as text, its javascript: link is dead
        prose = page.inner_text("article .suanli-prose")
        assert PAYLOADS[0] in prose and PAYLOADS[1] in prose and "粗体" in page.inner_text(".suanli-prose strong")
        # ... and is its text, not a link (an <a> without href is invalid and still looks like a link)
        first = page.locator(".suanli-prose").first
        assert first.locator("a").count() == 0 and first.inner_text().count("点我") == 2
        assert page.title().startswith("测试周报" + HOSTILE)
        # the chart's tooltip, built from the CSV, shows the name as text
        page.hover(".suanli-chart[data-kind=stocks] g.mark-rect path >> nth=0")
        page.locator(".suanli-tooltip").wait_for(state="visible")
        assert "英伟达" + HOSTILE in page.inner_text(".suanli-tooltip")
        # and the traffic chart's legend draws the site name as SVG text
        legend = page.eval_on_selector_all(
            ".suanli-chart[data-kind=traffic] .role-legend-label text", "ts => ts.map(t => t.textContent)"
        )
        assert any(label.startswith(PAYLOADS[0][:10]) for label in legend)
        # text a spreadsheet would run, guarded in the CSVs (a leading '), drawn and tabled as written
        assert FORMULA_SITE in legend
        heads = page.eval_on_selector_all(  # the data table, built from the CSV (in a closed <details>)
            ".suanli-table[data-table=traffic] thead th", "ths => ths.map(th => th.textContent)"
        )
        assert FORMULA_SITE in heads and "'" + FORMULA_SITE not in heads
        tips = []
        for bar in page.locator(".suanli-chart[data-kind=stocks] g.mark-rect path").all():
            bar.hover()
            page.locator(".suanli-tooltip").wait_for(state="visible")
            tips.append(page.inner_text(".suanli-tooltip"))
        assert any(FORMULA_NAME in tip for tip in tips) and not any("'" + FORMULA_NAME in tip for tip in tips)
        assert FORMULA_SEGMENT + "：" in text  # the page's own list (HTML, not the CSV)
        assert page.evaluate("window.__pwned") is None
        assert page.problems == []


def test_search_results_show_the_strings_as_text(browser, hostile_site):
    origin, _ = hostile_site
    with watched_page(browser, origin) as page:
        page.goto(origin)
        page.fill("input.md-search__input", "英伟达")
        page.press("input.md-search__input", "End")
        page.wait_for_selector(".md-search-result__item")
        results = page.inner_text(".md-search-result")
        assert "onerror" in results and "<img" in results  # shown, as text
        assert page.locator(".md-search-result img, .md-search-result script").count() == 0
        assert page.evaluate("window.__pwned") is None


def test_company_pages_and_index_show_names_and_aliases_literally(hostile_site):
    _, site = hostile_site
    soup = BeautifulSoup((site / "companies/nvda-o/index.html").read_text(encoding="utf-8"), "lxml")
    assert soup.h1.get_text().startswith("英伟达" + HOSTILE)
    assert "辉达" + HOSTILE in soup.select_one(".suanli-meta").get_text()
    index = BeautifulSoup((site / "companies/index.html").read_text(encoding="utf-8"), "lxml")
    row = index.select_one("#company-index tr[data-sector]")
    assert ("英伟达" + HOSTILE).lower() in row["data-search"]
    assert not index.select("article img, article script")


def test_feed_carries_the_strings_as_text(hostile_site):
    _, site = hostile_site
    item = ET.parse(site / "feed.xml").getroot().find("channel/item")
    assert item.findtext("title") == "2024-12-11 测试周报" + HOSTILE
    description = BeautifulSoup(item.findtext("description"), "lxml")  # what a feed reader renders
    assert "要点一" + HOSTILE in description.get_text() and "更正" + HOSTILE in description.get_text()
    assert not description.select("img[onerror], img[src], script") and not description.select('a[href^="javascript"]')


def test_no_page_or_feed_carries_a_script_target(hostile_site):
    _, site = hostile_site
    pages = sorted(site.rglob("*.html"))
    assert len(pages) >= 12
    for path in pages:
        assert unsafe_targets(path.read_text(encoding="utf-8")) == [], path
    # the check sees the highlights' links: their safe targets are there, every script one is gone
    issue = BeautifulSoup((site / "issues/2024-12-11/index.html").read_text(encoding="utf-8"), "lxml")
    links = issue.select(".suanli-prose a")
    # a script target's link is its text, its image its alt text: no <a> without href, no <img> without src
    assert not issue.select(".suanli-prose a:not([href]), .suanli-prose img")
    prose = issue.select(".suanli-prose")[1].get_text()
    shown = [n for n, url in enumerate(SCRIPT_URLS) if not any(ord(c) < 32 and c not in "\t\n\r" for c in url)]
    assert len(shown) > len(SCRIPT_URLS) // 2
    assert [n for n in shown if f"内联{n}" not in prose or f"尖括号{n}" not in prose] == []  # text, or a relative link
    assert len(links) >= 3 * len(SAFE_URLS)
    # what keeps a scheme: the safe targets in three link forms, and as autolinks
    safe = sorted(url for url in SAFE_URLS[:3] for _ in range(4))  # https, HTTP and mailto
    assert sorted(a["href"] for a in links if a.has_attr("href") and browser_scheme(a["href"])) == safe
    assert [a.get("href") for a in links].count("#highlights") == 3  # and relative ones
    assert {" ".join(a["rel"]) for a in links} == {"noopener noreferrer"}
    # the feed: the XML parsed, then each description parsed as the HTML a feed reader renders
    items = ET.parse(site / "feed.xml").getroot().findall("channel/item")
    assert items
    for item in items:
        description = BeautifulSoup(item.findtext("description"), "lxml")
        assert unsafe_targets(description) == []
        assert len(description.select("a")) == len(links)
        assert sorted(a["href"] for a in description.select("a[href]") if browser_scheme(a["href"])) == safe


def test_clicking_every_highlight_link_runs_nothing(browser, hostile_site):
    origin, _ = hostile_site
    url = origin + "issues/2024-12-11/"
    with watched_page(browser, origin) as page:
        page.goto(url)
        page.wait_for_load_state("load")
        # from now on nothing leaves the page: a followed link's (or instant navigation's) request is cancelled
        page.route("**/*", lambda route: route.abort("aborted"))
        links = page.locator("article .suanli-prose a")
        assert links.count() >= 3 * len(SAFE_URLS)  # a script target's link is text: nothing to click
        clicked = []
        for i in range(links.count()):
            clicked.append(links.nth(i).inner_text())
            links.nth(i).click()
            assert page.evaluate("window.__pwned") is None, clicked[-2:]  # a javascript: URL runs just after its click
            print(clicked[-1], page.url)
        page.wait_for_timeout(200)
        assert page.evaluate("window.__pwned") is None
        # still this page, or (its request aborted) one a relative safe link names, such as ../
        relative = links.evaluate_all("as => as.map(a => a.href).filter(h => h.startsWith(location.origin))")
        assert page.url.split("#")[0] in {url, *(h.split("#")[0] for h in relative)}


def test_the_feeds_and_downloads_carry_each_string_as_data(hostile_site):
    """Company feeds, the data index and the archive CSVs parse, and hold the strings as text."""
    import csv
    import json
    import xml.etree.ElementTree as ET

    _, site = hostile_site
    feeds = sorted(site.glob("companies/*/feed.xml"))
    assert feeds
    titles = [ET.parse(feed).getroot().find("channel").findtext("title") for feed in feeds]  # each well-formed
    assert any(HOSTILE in title for title in titles)  # 英伟达's, named with the strings
    index = json.loads((site / "downloads/index.json").read_text(encoding="utf-8"))
    assert any(HOSTILE in issue["title"] for issue in index["issues"])
    assert any(HOSTILE in company["name"] for company in index["companies"])
    with (site / "downloads/stocks.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert rows and all(HOSTILE in row["name"] for row in rows if row["ticker"] == "NVDA.O")
    with (site / "downloads/recommendations.csv").open(encoding="utf-8", newline="") as handle:
        assert any(HOSTILE in row["segment"] for row in csv.DictReader(handle))


PLAIN_NUMBER = re.compile(r"-?\d+(\.\d+)?")
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")  # OWASP: what a spreadsheet runs as a formula


def csv_rows(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.reader(handle))


@pytest.mark.parametrize("name", ["hostile", "demo"])
def test_no_csv_cell_opens_like_a_formula_unless_it_is_a_number(built_site, name):
    """Every CSV the site offers, read with Python's csv module: a cell that starts like a formula is a
    plain number (written as it is), never text."""
    site = built_site(name).site
    files = sorted(site.rglob("*.csv"))
    kinds = {"exhibit" if p.name.startswith("exhibit-") else p.name for p in files}
    assert kinds == {
        "stocks.csv",
        "recommendations.csv",
        "track_record.csv",
        "calls.csv",
        "history.csv",
        "prices.csv",
        "medians.csv",
        "cumulative.csv",
        "exhibit",
    }
    numbers = 0
    for path in files:
        for row in csv_rows(path):
            for cell in row:
                if cell.startswith(FORMULA_STARTS):
                    assert PLAIN_NUMBER.fullmatch(cell), (path.relative_to(site), cell)
                    numbers += 1
    assert numbers  # negative numbers, bare


def test_the_formula_strings_are_guarded_in_each_csv_and_the_numbers_left_bare(hostile_site):
    _, site = hostile_site

    def rows(path: str) -> list[dict[str, str]]:
        header, *body = csv_rows(site / path)
        return [dict(zip(header, row, strict=True)) for row in body]

    def of(path: str, ticker: str) -> dict[str, str]:
        return next(r for r in rows(path) if r["ticker"] == ticker)

    stock = of("downloads/stocks.csv", "MU.O")
    assert (stock["name"], stock["sector"]) == ("'" + FORMULA_NAME, "'" + FORMULA_SECTOR)
    assert (stock["week_pct"], stock["month_pct"], stock["ytd_pct"]) == ("-3.03", "0.15", "15.29")
    exhibit = of("issues/2024-12-11/exhibit-1.csv", "MU.O")
    assert (exhibit["name"], exhibit["sector"], exhibit["week_pct"]) == (
        "'" + FORMULA_NAME,
        "'" + FORMULA_SECTOR,
        "-3.03",
    )
    assert of("downloads/recommendations.csv", "MU.O")["segment"] == "'" + FORMULA_SEGMENT
    call = of("downloads/calls.csv", "MU.O")
    assert (call["name"], call["segments"]) == ("'" + FORMULA_NAME, "'" + FORMULA_SEGMENT)
    assert "'" + FORMULA_SITE in [r["site"] for r in rows("issues/2024-12-11/exhibit-2.csv")]
    # the raw files: the guarded cell in double quotes (OWASP), the numbers bare
    raw = (site / "downloads/recommendations.csv").read_text(encoding="utf-8")
    assert '"\'=HYPERLINK(""http://evil.example"",""点击"")",MU.O,' in raw
    raw = (site / "downloads/stocks.csv").read_text(encoding="utf-8")
    assert ",1093,USD,-3.03,0.15,15.29\n" in raw and ",2248,CNY,-2.74,-4.02,298.96\n" in raw
