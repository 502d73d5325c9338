"""charts.js under stress, in Chromium: one CSV fetch per chart and page visit (a palette switch
reuses it), fetches still loading are aborted when the reader moves on (silently), and a superseded
drawing that fails never touches the chart."""

from __future__ import annotations

from collections import Counter

import pytest

from conftest import watched_page
from helpers import REVEAL_CHARTS, follow

ISSUE = "issues/2024-12-11/"
COMPANY = "companies/nvda-o/"
ARCHIVE = "issues/"
FAILED = "图表加载失败"


@pytest.fixture(scope="module")
def served(built_site):
    """The minimal data folder (an issue with two charts, company pages with two) built and served."""
    return built_site("minimal").origin


@pytest.fixture
def page(browser, served):
    with watched_page(browser, served) as page:
        yield page


def drawn(page, theme: str) -> None:
    """Wait until every chart has drawn in `theme`, and check each drew marks, not the error text."""
    page.wait_for_function(
        "theme => {"
        + REVEAL_CHARTS
        + """ const charts = [...document.querySelectorAll('.suanli-chart')];
                      return charts.length && charts.every(c => c.dataset.rendered && c.dataset.theme === theme); }""",
        arg=theme,
        timeout=15000,
    )
    for chart in page.locator(".suanli-chart").all():
        assert chart.get_attribute("data-rendered") == "true"
        assert FAILED not in chart.inner_text()
        assert chart.locator(".suanli-graphic svg g[class^='mark-'] > path").count() > 0


def csv_urls(page) -> list[str]:
    return page.eval_on_selector_all(
        ".suanli-chart", "cs => cs.map(c => new URL(c.dataset.csv, document.baseURI).href)"
    )


def pump_until(page, condition, timeout_ms: int = 10000, state=lambda: "") -> None:
    """Let Playwright deliver events (requests, routes) until `condition()` holds; `state()` says what
    was seen if it never does."""
    for _ in range(timeout_ms // 50):
        if condition():
            return
        page.wait_for_timeout(50)
    raise AssertionError(f"timed out: {state()}")


def test_each_csv_is_fetched_once_per_visit_and_reused_by_the_palette_switch(page, served):
    fetched = Counter()
    page.on("request", lambda r: r.url.endswith(".csv") and fetched.update([r.url]))
    page.goto(served + ISSUE)
    drawn(page, "light")
    urls = csv_urls(page)
    assert len(urls) == 2
    page.evaluate("window.__sameDocument = true")
    page.click("label[for='__palette_1']")
    drawn(page, "dark")
    page.click("label[for='__palette_0']")
    drawn(page, "light")
    assert fetched == Counter({url: 1 for url in urls})
    # a new visit (away and back by instant navigation) fetches each once more
    follow(page, served + ARCHIVE)
    follow(page, served + ISSUE)
    drawn(page, "light")
    page.click("label[for='__palette_1']")
    drawn(page, "dark")
    assert fetched == Counter({url: 2 for url in urls})
    assert page.evaluate("window.__sameDocument") is True
    assert page.problems == []


def test_fetches_in_flight_are_aborted_when_the_reader_navigates_away(page, served):
    held = []
    page.route(f"**/{ISSUE}*.csv", lambda route: held.append(route))  # never answered: the issue's CSVs stay in flight
    failed = []
    page.on("requestfailed", lambda r: failed.append((r.url, r.failure)))
    page.goto(served)
    page.evaluate("window.__sameDocument = true")
    follow(page, served + ISSUE)
    # How many of the page's CSVs are in flight at once depends on layout and timing (charts.js draws the
    # charts near the viewport first): what matters is that whichever are in flight are aborted.
    pump_until(page, lambda: len(held) >= 1)
    follow(page, served + COMPANY)  # instant navigation to a page with charts of its own
    drawn(page, "light")
    in_flight = [route.request.url for route in held]

    def failed_csvs() -> list[tuple[str, str]]:
        return [(url, failure) for url, failure in failed if url.endswith(".csv")]

    pump_until(page, lambda: len(failed_csvs()) == len(in_flight), state=lambda: f"{in_flight}, failed {failed}")
    assert sorted(failed_csvs()) == sorted((url, "net::ERR_ABORTED") for url in in_flight)
    # each relative to the page it was fetched for (the home page's chart, the issue page's)
    assert set(in_flight) <= {served + ISSUE + "exhibit-1.csv", served + ISSUE + "exhibit-2.csv"}
    assert FAILED not in page.inner_text("body")
    assert page.evaluate("window.__sameDocument") is True
    assert page.problems == []  # an abort is not an error: nothing logged either


def test_a_superseded_drawing_that_fails_leaves_the_chart_alone(page, served):
    """The light template answers with a 500 only after the palette switch has drawn the chart in dark."""
    held = []
    page.route("**/assets/charts/stocks.light.json", lambda route: held.append(route))
    page.goto(served + ISSUE)
    pump_until(page, lambda: len(held) == 1)
    page.click("label[for='__palette_1']")
    drawn(page, "dark")
    with page.expect_response("**/assets/charts/stocks.light.json") as response:
        held[0].fulfill(status=500, body="boom")
    assert response.value.status == 500
    page.wait_for_timeout(300)  # the failed drawing's handlers run
    drawn(page, "dark")
    assert not [p for p in page.problems if "suanli chart" in p or p.startswith("csp")]


def test_a_drawing_does_not_inherit_the_failure_of_a_superseded_drawings_fetch(page, served):
    """The palette switch comes while the CSV is loading for the light drawing; that fetch fails: the dark
    drawing, which was sharing it, fetches again and draws."""
    fetched = Counter()
    page.on("request", lambda r: r.url.endswith(".csv") and fetched.update([r.url]))
    held = []
    page.route("**/exhibit-1.csv", lambda route: held.append(route) if not held else route.continue_())
    page.goto(served + ISSUE)
    pump_until(page, lambda: len(held) == 1)
    page.click("label[for='__palette_1']")
    page.wait_for_function("document.body.getAttribute('data-md-color-scheme') === 'slate'")
    held[0].fulfill(status=500, body="boom")
    drawn(page, "dark")
    assert fetched[held[0].request.url] == 2
    assert not [p for p in page.problems if "suanli chart" in p or p.startswith("csp")]


def test_the_current_drawing_that_fails_says_so(page, served):
    page.route("**/exhibit-1.csv", lambda route: route.fulfill(status=500, body="boom"))
    page.goto(served + ISSUE)
    chart = page.locator(".suanli-chart[data-csv$='exhibit-1.csv']")
    page.wait_for_function(
        "() => {"
        + REVEAL_CHARTS
        + "return document.querySelector(\".suanli-chart[data-csv$='exhibit-1.csv']\").dataset.rendered; }"
    )
    assert chart.get_attribute("data-rendered") == "error" and FAILED in chart.inner_text()


def test_the_csv_reader_takes_off_exactly_the_formula_guard(page, served):
    """A text cell written as '=x (csv_table.py's guard) is drawn and tabled as =x; ''=x as '=x; a quote
    before anything but a formula start stays; a bare =x (a CSV the site did not write) stays as it is."""
    written = ['\'=HYPERLINK("http://evil.example","点击")', "''+1", "'-", "'\t@x", "'quoted", "=bare", "'''@y"]
    shown = ['=HYPERLINK("http://evil.example","点击")', "'+1", "-", "\t@x", "'quoted", "=bare", "''@y"]
    body = "week_start,week_end,category,site,visits\n" + "".join(
        '2024-11-29,2024-12-05,文本,"' + site.replace('"', '""') + f'",{n}\n' for n, site in enumerate(written, 1)
    )
    page.route("**/issues/2024-12-11/exhibit-2.csv", lambda route: route.fulfill(body=body, content_type="text/csv"))
    page.goto(served + ISSUE)
    drawn(page, "light")
    heads = page.eval_on_selector_all(
        ".suanli-table[data-table=traffic] thead th", "ths => ths.map(th => th.textContent)"
    )
    assert heads[2:] == shown  # after 周起, 周止: one column per site, in the order of the CSV
    legend = page.eval_on_selector_all(
        ".suanli-chart[data-kind=traffic] .role-legend-label text", "ts => ts.map(t => t.textContent)"
    )
    assert {"''@y", "'+1", "'quoted", "-", "=bare"} <= set(legend)  # Vega shortens the long one
    assert any(label.startswith("=HYPERLINK(") for label in legend) and not any(
        label.startswith("'=") for label in legend
    )
    assert page.problems == []
