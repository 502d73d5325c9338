"""The reader's experience in a real Chromium (Debian's /usr/bin/chromium, driven by Playwright)."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from conftest import watched_page
from helpers import REVEAL_CHARTS, first_search_result_is

MARKS = ".suanli-graphic svg g[class^='mark-'] > path, .suanli-graphic svg g[class^='mark-'] > text"


@pytest.fixture(scope="module")
def served(built_site):
    """The demo site, served at its origin."""
    demo = built_site("demo")
    return demo.origin, demo.site


@pytest.fixture
def page(browser, served):
    origin, _ = served
    with watched_page(browser, origin) as page:
        yield page


def wait_for_charts(page, theme: str = "light") -> list[int]:
    """Wait until every chart on the page has drawn in `theme`; return each chart's mark count
    (read in the same step as the check, so a page swap cannot come between)."""
    handle = page.wait_for_function(
        """([theme, marks]) => {"""
        + REVEAL_CHARTS
        + """
             const charts = [...document.querySelectorAll('.suanli-chart')];
             if (!charts.length || !charts.every(c => c.dataset.rendered && c.dataset.theme === theme)) return false;
             return charts.map(c => c.dataset.rendered === 'true' ? c.querySelectorAll(marks).length : -1);
           }""",
        arg=[theme, MARKS],
        timeout=15000,
    )
    counts = handle.json_value()
    assert -1 not in counts, "a chart failed to draw"
    return counts


def test_charts_draw_on_a_direct_load(page, served, demo_data):
    origin, _ = served
    latest = max(p.name for p in (demo_data / "issues").iterdir())
    page.goto(f"{origin}issues/{latest}/")
    counts = wait_for_charts(page)
    rows = list(csv.DictReader(io.StringIO((demo_data / "issues" / latest / "stocks.csv").read_text())))
    assert len(counts) == 7
    assert counts[0] >= 2 * len(rows)  # a bar and a value label per company
    assert all(count > 10 for count in counts)
    assert page.problems == []


def test_charts_draw_after_instant_navigation(page, served, demo_data):
    origin, _ = served
    latest = max(p.name for p in (demo_data / "issues").iterdir())
    page.goto(origin)
    page.evaluate("window.__sameDocument = true")
    page.click("article a.md-button")
    page.wait_for_url(f"{origin}issues/{latest}/")
    counts = wait_for_charts(page)
    assert all(count > 10 for count in counts)
    assert page.evaluate("window.__sameDocument") is True  # instant navigation, not a reload
    # and again after leaving for a page without charts and coming back
    page.click(".suanli-legal a >> nth=0")
    page.wait_for_url(f"{origin}legal/analyst/")
    page.go_back()
    # the charts were brought into view, so Material's anchor tracking put #exhibit-N into the URL
    page.wait_for_url(lambda url: url.split("#")[0] == f"{origin}issues/{latest}/")
    page.wait_for_selector(".suanli-chart")
    assert all(count > 10 for count in wait_for_charts(page))
    assert page.evaluate("window.__sameDocument") is True
    assert page.problems == []


def test_palette_switch_redraws_charts_in_dark_colours(page, served, demo_data):
    origin, _ = served
    latest = max(p.name for p in (demo_data / "issues").iterdir())
    page.goto(f"{origin}issues/{latest}/")
    wait_for_charts(page, "light")
    label_fill = "document.querySelector('.suanli-chart .mark-text text, .suanli-chart .role-axis-label text').getAttribute('fill')"
    assert page.evaluate(label_fill) == "#666666"
    page.click("label[for='__palette_1']")
    page.wait_for_function("document.body.getAttribute('data-md-color-scheme') === 'slate'")
    counts = wait_for_charts(page, "dark")
    assert all(count > 10 for count in counts)
    assert page.evaluate(label_fill) == "#a9adb8"
    assert page.problems == []


def test_tooltip_shows_exact_values_as_text(page, served, demo_data):
    origin, _ = served
    latest = max(p.name for p in (demo_data / "issues").iterdir())
    page.goto(f"{origin}issues/{latest}/")
    wait_for_charts(page)
    first = next(csv.DictReader(io.StringIO((demo_data / "issues" / latest / "stocks.csv").read_text())))
    page.hover(".suanli-chart[data-kind=stocks] g.mark-rect path >> nth=0")
    tooltip = page.locator(".suanli-tooltip")
    tooltip.wait_for(state="visible")
    text = tooltip.inner_text()
    assert "英伟达" in text and first["ticker"] in text
    assert str(float(first["week_pct"])).rstrip("0").rstrip(".").lstrip("-") in text


def test_each_csv_link_downloads_the_data_the_chart_shows(page, served, demo_data):
    origin, site = served
    latest = max(p.name for p in (demo_data / "issues").iterdir())
    page.goto(f"{origin}issues/{latest}/")
    wait_for_charts(page)
    links = page.locator("figure .suanli-download a")
    assert links.count() == 7
    for i in range(links.count()):
        with page.expect_download() as download_info:
            links.nth(i).click()
        download = download_info.value
        href = links.nth(i).get_attribute("href").rsplit("/", 1)[-1]  # Material makes links absolute
        assert download.suggested_filename.endswith(".csv")
        assert Path(download.path()).read_bytes() == (site / "issues" / latest / href).read_bytes()
    assert page.problems == []


SEARCHES = {
    "英伟达": "companies/nvda-o/",
    "寒武纪": "companies/688256-sh/",
    "工业富联": "companies/601138-sh/",
    "沪电股份": "companies/002463-sz/",
    "辉达": "companies/nvda-o/",
    "NVDA": "companies/nvda-o/",
    "688256": "companies/688256-sh/",
    "688256.SH": "companies/688256-sh/",
}


def test_search_finds_the_company_page_first(page, served):
    origin, _ = served
    page.goto(origin)
    for query, target in SEARCHES.items():
        first_search_result_is(page, origin, query, target)
    assert page.problems == []


def test_search_finds_the_track_record_first(page, served):
    origin, _ = served
    page.goto(origin)
    for query in ("业绩", "胜率", "建议关注 回顾", "业绩回顾"):
        first_search_result_is(page, origin, query, "track-record/")
    assert page.problems == []


def test_the_track_record_filters_by_name_and_segment_and_sorts(page, served):
    origin, _ = served
    page.goto(f"{origin}track-record/")
    controls = page.locator('.suanli-filter[data-for="calls-table"]')
    controls.wait_for(state="visible")
    rows = page.locator("#calls-table tbody tr")
    total = rows.count()
    assert page.inner_text(".suanli-filter-count") == f"显示 {total} / {total} 条"
    segment = page.eval_on_selector("#calls-table tbody tr", "r => JSON.parse(r.dataset.groups)[0]")
    page.select_option('.suanli-filter[data-for="calls-table"] select', segment)
    shown = page.eval_on_selector_all(
        "#calls-table tbody tr:not([hidden])", "rs => rs.map(r => JSON.parse(r.dataset.groups))"
    )
    assert 0 < len(shown) < total and all(segment in groups for groups in shown)
    page.select_option('.suanli-filter[data-for="calls-table"] select', "")
    name = page.inner_text("#calls-table tbody tr:last-child .name")
    page.fill('.suanli-filter[data-for="calls-table"] input', name)
    names = page.eval_on_selector_all("#calls-table tbody tr:not([hidden]) .name", "ns => ns.map(n => n.textContent)")
    assert names and set(names) == {name}
    page.fill('.suanli-filter[data-for="calls-table"] input', "")
    page.click("#calls-table thead th:nth-child(2) button")  # 收益, ascending; 缺少价格 last
    values = page.eval_on_selector_all("#calls-table tbody tr td:nth-child(2)", "tds => tds.map(t => t.dataset.value)")
    priced = [float(v) for v in values if v]
    assert priced == sorted(priced) and values[len(priced) :] == [""] * (len(values) - len(priced))
    assert page.problems == []


def visible_tickers(page) -> list[str]:
    return page.eval_on_selector_all(
        "#company-index tbody tr:not([hidden]) td.ticker", "tds => tds.map(t => t.textContent)"
    )


def test_company_index_filters_and_sorts_in_the_page(page, served, demo_data):
    origin, _ = served
    page.goto(f"{origin}companies/")
    page.wait_for_selector(".suanli-filter:not([hidden])")
    everything = visible_tickers(page)
    assert len(everything) == 45
    page.evaluate("window.__sameDocument = true")
    text = page.locator(".suanli-filter-text")
    text.fill("寒武")
    assert visible_tickers(page) == ["688256.SH"]
    text.fill("688")
    assert visible_tickers(page) == [t for t in everything if "688" in t] and len(visible_tickers(page)) > 5
    text.fill("nvda")  # ticker without its suffix, any case
    assert visible_tickers(page) == ["NVDA.O"]
    text.fill("辉达")  # an alias
    assert visible_tickers(page) == ["NVDA.O"]
    text.fill("")
    page.select_option(".suanli-filter-sector", "存储")
    assert visible_tickers(page) == ["000660.KS", "MU.O", "603986.SH", "688008.SH", "688123.SH"]
    text.fill("688")
    assert visible_tickers(page) == ["688008.SH", "688123.SH"]
    assert page.inner_text(".suanli-filter-count") == "显示 2 / 45 家"
    page.select_option(".suanli-filter-sector", "")
    text.fill("")
    page.click("#company-index th:nth-child(7) button")  # 期数, ascending: late joiners first
    counts = page.eval_on_selector_all("#company-index tbody tr td:nth-child(7)", "tds => tds.map(t => +t.textContent)")
    assert counts == sorted(counts) and counts[0] < counts[-1]
    page.click("#company-index th:nth-child(4) button")  # 最新市值, ascending
    caps = page.eval_on_selector_all(
        "#company-index tbody tr td:nth-child(4)", "tds => tds.map(t => parseFloat(t.dataset.value))"
    )
    assert caps == sorted(caps)
    page.click("#company-index th:nth-child(4) button")  # and descending
    caps = page.eval_on_selector_all(
        "#company-index tbody tr td:nth-child(4)", "tds => tds.map(t => parseFloat(t.dataset.value))"
    )
    assert caps == sorted(caps, reverse=True)
    assert page.evaluate("window.__sameDocument") is True  # no reload
    assert page.problems == []


def test_company_and_sector_charts_draw(page, served):
    origin, _ = served
    for path, charts in (("companies/nvda-o/", 3), ("sectors/cpu-gpu/", 1), ("track-record/", 1)):
        page.goto(origin + path)
        counts = wait_for_charts(page)
        assert len(counts) == charts and all(count > 10 for count in counts), path
    assert page.problems == []


PAGES = {
    "home": "",
    "issue": "issues/2024-12-11/",
    "archive": "issues/",
    "company index": "companies/",
    "company": "companies/nvda-o/",
    "sector": "sectors/cpu-gpu/",
    "track record": "track-record/",
}
CHARTS_ON = {"home": 1, "issue": 7, "company": 3, "sector": 1, "track record": 1}


def assert_accessible(page) -> None:
    """lang="zh"; every chart named and described; every table with header cells."""
    assert page.evaluate("document.documentElement.lang") == "zh"
    charts = page.eval_on_selector_all(
        ".suanli-chart",
        """cs => cs.map(c => ({
        name: c.getAttribute('aria-label'),
        described: !!document.getElementById(c.getAttribute('aria-describedby') || '-'),
        image: [...c.querySelectorAll('[role=graphics-document]')].map(g => [g.getAttribute('aria-label'),
                                                                 g.getAttribute('aria-describedby'), !!g.querySelector('svg')]),
        describedby: c.getAttribute('aria-describedby') }))""",
    )
    for chart in charts:
        assert chart["name"] and chart["described"], chart
        assert chart["image"] == [[chart["name"], chart["describedby"], True]], chart
    headless = page.eval_on_selector_all("article table", "ts => ts.filter(t => !t.querySelector('th')).length")
    assert headless == 0


@pytest.mark.parametrize("name", list(PAGES))
def test_each_kind_of_page_loads_clean_draws_and_is_accessible(page, served, name):
    origin, _ = served
    page.goto(origin + PAGES[name])
    page.wait_for_load_state("load")
    if name in CHARTS_ON:
        counts = wait_for_charts(page)
        assert len(counts) == CHARTS_ON[name] and all(c > 10 for c in counts)
    else:
        assert page.locator(".suanli-chart").count() == 0
    assert_accessible(page)
    assert page.problems == []


@pytest.mark.parametrize("name", [n for n in PAGES if n != "home"])
def test_each_kind_of_page_draws_after_instant_navigation(page, served, name):
    origin, _ = served
    page.goto(origin)
    page.evaluate("window.__sameDocument = true")
    # arrive by clicking a link the site itself offers: nav for the top-level pages, the index for the rest
    via = {
        "issue": ("", "article a.md-button"),
        "archive": ("", "a.md-nav__link[href$='/issues/']"),
        "company index": ("", "a.md-nav__link[href$='/companies/']"),
        "company": ("companies/", "#company-index a[href$='nvda-o/']"),
        "sector": ("sectors/", "article table a[href$='cpu-gpu/']"),
        "track record": ("", "a.md-nav__link[href$='/track-record/']"),
    }[name]

    def click_through(selector: str, url: str) -> None:
        """Click a link and wait until its page has replaced the one it was on: the URL changes before
        the new page's content is in, so the article must have been swapped too."""
        page.evaluate("document.querySelector('article').dataset.left = 'true'")
        page.click(selector)
        page.wait_for_url(url)
        page.wait_for_function(
            "() => document.querySelector('article') && !document.querySelector('article[data-left]')"
        )

    if via[0]:
        click_through(f"a.md-nav__link[href$='/{via[0]}']", origin + via[0])
    click_through(via[1], origin + PAGES[name])
    if name in CHARTS_ON:
        assert all(c > 10 for c in wait_for_charts(page))
    assert page.evaluate("window.__sameDocument") is True
    assert_accessible(page)
    assert page.problems == []


@pytest.mark.parametrize("name", list(CHARTS_ON))
def test_dark_palette_redraws_each_kind_of_chart(page, served, name):
    origin, _ = served
    page.goto(origin + PAGES[name])
    wait_for_charts(page, "light")
    page.click("label[for='__palette_1']")
    assert all(c > 10 for c in wait_for_charts(page, "dark"))
    fills = page.eval_on_selector_all(
        ".suanli-chart .role-axis-label text", "ts => [...new Set(ts.map(t => t.getAttribute('fill')))]"
    )
    assert fills == ["#a9adb8"]
    assert page.problems == []


def test_series_data_tables_show_every_csv_value(page, served, demo_data):
    """Each series chart's text alternative is a table of its CSV: every row's values, grouped as read."""
    origin, site = served
    latest = max(p.name for p in (demo_data / "issues").iterdir())
    page.goto(f"{origin}issues/{latest}/")
    wait_for_charts(page)
    tables = page.eval_on_selector_all(
        "details.suanli-data",
        """ds => ds.map(d => ({id: d.id,
            heads: [...d.querySelectorAll('thead th')].map(t => t.textContent),
            rows: [...d.querySelectorAll('tbody tr')].map(r => [...r.children].map(c => c.textContent))}))""",
    )
    assert len(tables) == 6
    for table in tables:
        number = table["id"].split("-")[1]
        rows = list(csv.DictReader(io.StringIO((site / "issues" / latest / f"exhibit-{number}.csv").read_text())))
        cells = {c for row in table["rows"] for c in row} | set(table["heads"])
        for row in rows:
            value = next(row[k] for k in ("visits", "downloads", "price_usd") if k in row)
            whole, _, fraction = value.partition(".")
            grouped = f"{int(whole):,}" + (f".{fraction}" if fraction else "")
            label = next(row[k] for k in ("site", "app", "condition") if k in row)
            assert grouped in cells and label in table["heads"], (table["id"], row)
        dates = {row.get("week_start") or row.get("month") or row["date"] for row in rows}
        assert dates == {r[0] for r in table["rows"]}
    assert page.problems == []
