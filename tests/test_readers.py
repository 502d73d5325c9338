"""Readers where they read, in Chromium: on a phone (375×812, touch), on paper (Chromium's A4 PDF, read
back with poppler's pdftotext), from the keyboard, and with a screen reader (axe-core finds no
violation), on every page kind of the demo site and on the frozen real issue."""

from __future__ import annotations

import csv
import re
import subprocess
from pathlib import Path
from types import SimpleNamespace

import pytest
import yaml

from conftest import watched_page
from helpers import REAL_DATA, REPO, REVEAL_CHARTS

PHONE = {"viewport": {"width": 375, "height": 812}, "has_touch": True, "is_mobile": True, "device_scale_factor": 2}
AXE = REPO / "tests/js/node_modules/axe-core/axe.min.js"
REAL_ISSUE = "2024-12-11"


@pytest.fixture(scope="module")
def sites(built_site):
    """The demo site and the frozen real issue, each built for and served at its own origin."""
    demo, real = built_site("demo"), built_site("real")
    return SimpleNamespace(demo=demo.origin, real=real.origin, demo_site=demo.site)


def first_page(site: Path, folder: str) -> str:
    return sorted(p.parent.name for p in (site / folder).glob("*/index.html"))[0]


@pytest.fixture(scope="module")
def kinds(sites, demo_data) -> dict[str, str]:
    """One page of every kind the site has, as paths on the demo site."""
    issues = sorted(p.name for p in (demo_data / "issues").iterdir())
    return {
        "home": "",
        "archive": "issues/",
        "issue": f"issues/{issues[-1]}/",
        "first issue": f"issues/{issues[0]}/",
        "company index": "companies/",
        "company": f"companies/{first_page(sites.demo_site, 'companies')}/",
        "sector index": "sectors/",
        "sector": f"sectors/{first_page(sites.demo_site, 'sectors')}/",
        "track record": "track-record/",
        "legal": "legal/general/",
        "authoring": "authoring/",
    }


def charts_drawn(page) -> None:
    """Bring the first chart into view (charts.js then loads Vega and draws them all) and wait."""
    if page.locator(".suanli-chart").count():
        page.wait_for_function(
            "() => {"
            + REVEAL_CHARTS
            + "return [...document.querySelectorAll('.suanli-chart')].every(c => c.dataset.rendered === 'true'); }",
            timeout=20000,
        )
        page.evaluate("window.scrollTo(0, 0)")
        # the header's title fades between the page's title and the site's name as the page scrolls: back
        # at the top, wait for the site's name, fully shown (axe would measure a colour mid-fade)
        page.wait_for_function(
            "() => !document.querySelector('.md-header__title--active') && "
            "getComputedStyle(document.querySelector('.md-header__topic')).opacity === '1'"
        )


# ---- phones -------------------------------------------------------------------------------------

LAYOUT = """() => {
  const root = document.documentElement;
  const boxes = [...document.querySelectorAll('.md-typeset__scrollwrap')]
    .filter(box => box.scrollWidth > box.clientWidth + 1)
    .map(box => ({
      label: box.getAttribute('aria-label') || box.textContent.slice(0, 40),
      fades: getComputedStyle(box).backgroundImage.includes('gradient'),
      reachable: box.tabIndex >= 0 || !!box.querySelector('a[href], button, input, select, [tabindex="0"]'),
    }));
  const broken = [...document.querySelectorAll('.md-typeset table a')]
    .filter(a => a.getClientRects().length !== 1).map(a => a.textContent);
  return {sideways: root.scrollWidth - root.clientWidth, boxes, broken};
}"""


def test_on_a_phone_no_page_scrolls_sideways_and_no_name_breaks(browser, sites, kinds):
    with watched_page(browser, sites.demo, **PHONE) as page:
        for kind, path in kinds.items():
            page.goto(sites.demo + path)
            charts_drawn(page)
            layout = page.evaluate(LAYOUT)
            assert layout["sideways"] <= 0, kind
            for box in layout["boxes"]:  # a table wider than the screen scrolls in its own box, and shows it
                assert box["fades"] and box["reachable"], (kind, box)
            assert layout["broken"] == [], kind
        assert page.problems == []


WEEK_CELLS = """table => [...document.querySelectorAll(table + ' tbody tr:not(.group):not([hidden])')].map(row => {
  const name = row.querySelector('.name'), week = row.querySelector('td');
  const box = week.getBoundingClientRect();
  return {name: name.textContent, week: week.textContent, left: box.left, right: box.right};
})"""


@pytest.mark.parametrize(
    "kind, table",
    [("issue", "table.suanli-stocks"), ("company index", "#company-index"), ("company", "#history-table")],
)
def test_on_a_phone_every_rows_weekly_change_is_on_screen(browser, sites, kinds, kind, table):
    with watched_page(browser, sites.demo, **PHONE) as page:
        page.goto(sites.demo + kinds[kind])
        cells = page.evaluate(WEEK_CELLS, table)
        assert cells
        width = page.evaluate("window.innerWidth")
        for cell in cells:
            assert re.fullmatch(r"-?[\d,.]+%|—", cell["week"]), cell  # it is the 本周 column
            assert 0 <= cell["left"] and cell["right"] <= width, cell


RESERVED = """() => [...document.querySelectorAll('.suanli-chart')].map(c => [c.dataset.kind, c.offsetHeight])"""

CHART_TEXT = """() => [...document.querySelectorAll('.suanli-graphic svg')].map(svg => {
  const box = svg.getBoundingClientRect(), holder = svg.closest('.suanli-chart').getBoundingClientRect();
  const scale = box.width / svg.width.baseVal.value;
  const sizes = [...svg.querySelectorAll('text')].filter(t => t.textContent.trim())
    .map(t => parseFloat(getComputedStyle(t).fontSize) * scale);
  return {kind: svg.closest('.suanli-chart').dataset.kind, right: box.right, holder: holder.right,
          smallest: Math.min(...sizes), texts: sizes.length};
})"""


@pytest.mark.parametrize("kind", ["issue", "company", "sector", "track record"])
def test_on_a_phone_charts_fit_the_width_with_legible_text(browser, sites, kinds, kind):
    with watched_page(browser, sites.demo, **PHONE) as page:
        page.goto(sites.demo + kinds[kind])
        reserved = page.evaluate(RESERVED)  # before Vega is loaded
        charts_drawn(page)
        for (chart, before), (_, after) in zip(reserved, page.evaluate(RESERVED), strict=True):
            assert chart == "stocks" or abs(after - before) <= 2, (chart, before, after)  # nothing below moves
        charts = page.evaluate(CHART_TEXT)
        assert charts
        for chart in charts:
            assert chart["right"] <= chart["holder"] + 0.5 <= 375.5, chart
            assert chart["texts"] > 0 and chart["smallest"] >= 10, chart


def test_on_a_phone_the_company_index_filters_and_sorts_by_touch(browser, sites, kinds):
    with watched_page(browser, sites.demo, **PHONE) as page:
        page.goto(sites.demo + kinds["company index"])
        rows = page.locator("#company-index tbody tr")
        total = rows.count()
        name = rows.nth(total - 1).locator(".name").inner_text()
        page.locator(".suanli-filter-text").tap()
        page.keyboard.insert_text(name)
        page.wait_for_function(
            "n => document.querySelectorAll('#company-index tbody tr:not([hidden])').length < n", arg=total
        )
        shown = page.locator("#company-index tbody tr:not([hidden]) .name").all_inner_texts()
        assert name in shown and all(name in s or s for s in shown)
        page.locator(".suanli-filter-text").fill("")
        page.locator(".suanli-filter-text").dispatch_event("input")
        week = page.locator("#company-index thead th", has_text="本周")
        week.locator("button").tap()
        assert week.get_attribute("aria-sort") == "ascending"
        values = page.eval_on_selector_all(
            "#company-index tbody tr", "rows => rows.map(r => r.querySelector('td').dataset.value).filter(v => v)"
        )
        assert values == sorted(values, key=float) and len(values) > 1
        week.locator("button").tap()
        assert week.get_attribute("aria-sort") == "descending"
        assert page.problems == []


def test_vega_loads_only_when_a_chart_nears_the_viewport(browser, sites, kinds):
    with watched_page(browser, sites.demo, **PHONE) as page:
        vega = []
        page.on("request", lambda r: "/assets/vendor/vega" in r.url and vega.append(r.url))
        for kind in ("company index", "archive"):  # no chart: never
            page.goto(sites.demo + kinds[kind])
            page.wait_for_load_state("networkidle")
        assert vega == []
        near = 812 + 300  # the screen and charts.js's NEAR margin
        for kind in ("home", "issue"):  # their first chart is further down than that: not on arrival
            page.goto(sites.demo + kinds[kind])
            page.wait_for_load_state("networkidle")
            assert page.evaluate("document.querySelector('.suanli-chart').getBoundingClientRect().top") > near
        assert vega == [] and page.evaluate("typeof vega") == "undefined"
        charts_drawn(page)  # scrolled near: Vega, then its interpreter, once
        assert [url.rsplit("/", 1)[1] for url in vega] == ["vega.min.js", "vega-interpreter.min.js"]
        assert page.problems == []


def test_charts_draw_for_a_reader_who_arrives_at_a_later_chart(browser, sites, kinds):
    with watched_page(browser, sites.demo, **PHONE) as page:
        page.goto(sites.demo + kinds["issue"])
        last = page.evaluate(  # the heading of the page's last chart
            "[...document.querySelectorAll('.suanli-chart')].at(-1).closest('figure').previousElementSibling.id"
        )
    with watched_page(browser, sites.demo, **PHONE) as page:  # a fresh visit, straight to the last exhibit
        page.goto(f"{sites.demo}{kinds['issue']}#{last}")
        chart = f"document.querySelector('#{last} + figure .suanli-chart')"
        page.wait_for_function(f"() => {chart}.dataset.rendered === 'true'", timeout=20000)
        assert page.evaluate("document.querySelector('.suanli-chart').getBoundingClientRect().bottom") < -300
        assert page.problems == []


# ---- paper --------------------------------------------------------------------------------------


def printed(page, tmp_path: Path, name: str, **options) -> list[str]:
    """The page printed by Chromium to PDF, as the text of each sheet (pdftotext -layout)."""
    pdf = tmp_path / f"{name}.pdf"
    page.pdf(path=str(pdf), **{"format": "A4", **options})
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    sheets = text.split("\f")
    return sheets[:-1] if sheets and not sheets[-1].strip() else sheets


def stock_rows(data: Path, issue: str) -> list[tuple[str, str]]:
    names = {c["ticker"]: c["name"] for c in yaml.safe_load((data / "companies.yaml").read_text("utf-8"))}
    with (data / "issues" / issue / "stocks.csv").open(encoding="utf-8") as f:
        return [(names[row["ticker"]], row["ticker"]) for row in csv.DictReader(f)]


# downloads, the pager, the chart's switch and its data tables, the sidebar, the search dialog, the skip link
NOT_ON_PAPER = (
    "正在初始化搜索引擎",
    "跳转至",
    "下载数据",
    "往期列表",
    "上一期：",
    "下一期：",
    "涨跌幅区间",
    "数据表随图表加载",
    "的数据",
    "数据约定",
    "最新一期",
)


def test_the_real_issue_prints_as_a_research_note_on_at_most_four_pages(browser, sites, tmp_path):
    with watched_page(browser, sites.real) as page:
        page.goto(f"{sites.real}issues/{REAL_ISSUE}/")
        charts_drawn(page)
        sheets = printed(page, tmp_path, "real")
        assert 1 <= len(sheets) <= 4
        text = "\n".join(sheets)
        title = page.locator("article h1").inner_text().rstrip("¶").strip()
        for wanted in (
            title,
            "图表 1：算力股价本周复盘",
            "来源：Wind, iFinD, 华福证券研究所",
            "建议关注",
            "风险提示",
            "图表 9",
        ):
            assert wanted in text, wanted
        for unwanted in NOT_ON_PAPER:
            assert unwanted not in text, unwanted
        for number, sheet in enumerate(sheets, 1):
            assert f"算力周跟踪 · {REAL_ISSUE} · 第 {number} / {len(sheets)} 页" in sheet
            assert f"法律声明见 {sites.real}legal/general/" in sheet
        lines = text.splitlines()
        for name, ticker in stock_rows(REAL_DATA, REAL_ISSUE):  # every row whole, on one line
            assert any(name in line and ticker in line for line in lines), (name, ticker)
        assert page.problems == []


def test_a_reader_who_prints_before_scrolling_to_a_chart_is_told_and_can_print_again(browser, sites, kinds, tmp_path):
    with watched_page(browser, sites.demo, **PHONE) as page:
        page.goto(sites.demo + kinds["issue"])
        page.wait_for_load_state("networkidle")
        assert page.evaluate("typeof vega") == "undefined"  # no chart near the first screen
        assert "此图表尚未在网页中载入" in "\n".join(printed(page, tmp_path, "early"))
        # printing started the drawing: a second print has the charts
        page.wait_for_function(
            "() => [...document.querySelectorAll('.suanli-chart')].every(c => c.dataset.rendered === 'true')",
            timeout=20000,
        )
        text = "\n".join(printed(page, tmp_path, "again"))
        assert "此图表尚未在网页中载入" not in text and "访问量" in text
        assert page.problems == []


def test_a_table_split_over_pages_repeats_its_header_and_keeps_rows_whole(browser, sites, tmp_path):
    with watched_page(browser, sites.real) as page:
        page.goto(f"{sites.real}issues/{REAL_ISSUE}/")
        sheets = printed(page, tmp_path, "a5", format="A5")  # a smaller sheet, so the stock table must split
        rows = stock_rows(REAL_DATA, REAL_ISSUE)

        def is_row(line: str) -> bool:  # a stock table row, not a 建议关注 entry naming the same ticker
            return "%" in line and any(name in line and ticker in line for name, ticker in rows)

        with_rows = [s for s in sheets if any(is_row(line) for line in s.splitlines())]
        assert len(with_rows) > 1
        for sheet in with_rows:
            lines = sheet.splitlines()
            first = next(i for i, line in enumerate(lines) if is_row(line))
            assert any("本周" in line and "本月" in line for line in lines[:first]), sheet
        lines = "\n".join(sheets).splitlines()
        for name, ticker in rows:
            assert any(name in line and ticker in line for line in lines), (name, ticker)
        for sheet in sheets:  # an exhibit's title is never the last thing on a sheet
            body = [line for line in sheet.splitlines() if line.strip() and "法律声明见" not in line]
            assert not body[-1].strip().startswith("图表"), body[-1]


def test_charts_print_in_light_colours_whatever_the_readers_palette(browser, sites, kinds, tmp_path):
    with watched_page(browser, sites.demo, color_scheme="dark") as page:
        page.goto(sites.demo + kinds["issue"])
        charts_drawn(page)
        assert page.evaluate("document.body.dataset.mdColorScheme") == "slate"
        label = ".suanli-chart[data-kind=traffic] .role-axis-label text"
        assert page.get_attribute(label, "fill") == "#a9adb8"  # drawn in the dark palette
        page.emulate_media(media="print")
        assert page.eval_on_selector(label, "t => getComputedStyle(t).fill") == "rgb(102, 102, 102)"
        shown = page.eval_on_selector_all(
            ".suanli-chart", "cs => cs.map(c => [c.dataset.kind, getComputedStyle(c).display !== 'none'])"
        )
        assert dict(shown) == {kind: kind != "stocks" for kind, _ in shown}  # exhibit 1 prints as its table
        page.emulate_media(media=None)
        text = "\n".join(printed(page, tmp_path, "demo"))
        for unwanted in NOT_ON_PAPER:
            assert unwanted not in text, unwanted
        assert "示例数据" in text  # synthetic data says so on paper too
        for axis_title in ("访问量", "下载量"):  # the charts are drawn: their text is in the PDF
            assert axis_title in text
        assert page.problems == []


def test_the_track_record_prints_with_its_chart_tables_and_method(browser, sites, kinds, tmp_path):
    with watched_page(browser, sites.demo) as page:
        page.goto(sites.demo + kinds["track record"])
        charts_drawn(page)
        periods = page.eval_on_selector_all(
            "#periods-table tbody tr", "rs => rs.map(r => [r.cells[0].textContent, r.cells[1].textContent])"
        )
        text = "\n".join(printed(page, tmp_path, "track"))
        # 建议关注组合: the chart's legend, drawn (the cumulative table beside it stays off paper)
        for wanted in ("业绩回顾", "建议关注组合", "每期表现", "分组表现", "个股记录", "方法", "不含分红", "示例数据"):
            assert wanted in text, wanted
        # 最新一期 is not the nav's link here: the method speaks of the newest issue's portfolio
        for unwanted in (*(u for u in NOT_ON_PAPER if u != "最新一期"), "筛选"):
            assert unwanted not in text, unwanted
        lines = text.splitlines()
        for slug, figure in periods:  # every period's row whole, on one line
            assert any(slug in line and figure in line for line in lines), (slug, figure)
        assert page.problems == []


# ---- keyboard -----------------------------------------------------------------------------------

FOCUSED = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const ring = e => { const s = getComputedStyle(e); return s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 1; };
  // Material's palette switch is a visually hidden radio button whose label shows the focus
  const shown = el.matches('input.md-option') ? el.nextElementSibling : el;
  return {
    what: el.matches('.md-search__input') ? 'search'
      : el.matches('input.md-option') ? 'palette'
      : el.matches('.suanli-bindings input') ? 'chart switch'
      : el.matches('.suanli-download a') ? 'download'
      : el.matches('.suanli-filter-text') ? 'filter'
      : el.matches('.suanli-filter-sector') ? 'sector'
      : el.matches('.suanli-sort') ? 'sort' : el.tagName.toLowerCase(),
    ring: ring(shown),
    key: el.outerHTML.slice(0, 120),
  };
}"""


def tab_through(page, limit: int = 600) -> dict[str, list[dict]]:
    """Press Tab until focus comes back round to an element it has been on; every control reached, by kind."""
    reached: dict[str, list[dict]] = {}
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUSED)
        if focused is None:
            continue
        if page.evaluate(
            "() => { const seen = document.activeElement.dataset.tabbed; "
            "document.activeElement.dataset.tabbed = 'yes'; return !!seen; }"
        ):
            break
        reached.setdefault(focused["what"], []).append(focused)
    return reached


def test_every_control_is_reached_from_the_keyboard_with_a_visible_focus_ring(browser, sites, kinds):
    with watched_page(browser, sites.demo) as page:
        page.goto(sites.demo + kinds["issue"])
        charts_drawn(page)
        issue = tab_through(page)
        page.goto(sites.demo + kinds["company index"])
        index = tab_through(page)
        for where, controls, wanted in (
            ("issue", issue, ("search", "palette", "chart switch", "download", "a")),
            ("company index", index, ("search", "palette", "filter", "sector", "sort")),
        ):
            for kind in wanted:
                assert kind in controls, (where, kind, sorted(controls))
            without = [c["key"] for found in controls.values() for c in found if not c["ring"]]
            assert without == [], where


def test_the_controls_work_from_the_keyboard(browser, sites, kinds):
    with watched_page(browser, sites.demo) as page:
        page.goto(sites.demo + kinds["issue"])
        charts_drawn(page)
        # the stock chart's 本周/本月/本年 switch: arrow keys move the choice and the bars follow
        labels = ".suanli-chart[data-kind=stocks] .role-mark text"
        before = page.eval_on_selector_all(labels, "ts => ts.map(t => t.textContent).join()")
        page.focus(".suanli-chart[data-kind=stocks] .suanli-bindings input:checked")
        page.keyboard.press("ArrowRight")
        assert (
            page.eval_on_selector(".suanli-chart[data-kind=stocks] .suanli-bindings input:checked", "i => i.value")
            == "month_pct"
        )
        page.wait_for_function(
            f"b => [...document.querySelectorAll({labels!r})].map(t => t.textContent).join() !== b", arg=before
        )
        # a download, by Enter
        page.focus(".suanli-download a")
        with page.expect_download() as download:
            page.keyboard.press("Enter")
        assert download.value.suggested_filename.endswith(".csv")
        # the palette switch (a radio button for the current palette, labelled by the switch), by Enter
        page.evaluate(
            "[...document.querySelectorAll('input.md-option')].find(i => !i.nextElementSibling.hidden).focus()"
        )
        page.keyboard.press("Enter")
        page.wait_for_function("() => document.body.dataset.mdColorScheme === 'slate'")
        # search: the dialog opens from the keyboard, and finds
        page.keyboard.press("/")
        page.keyboard.insert_text("示例")
        page.keyboard.press("End")  # a key event, as a reader's typing makes: Material searches on keyup too
        # Material's search worker loads the index first: on a loaded machine that may take a while
        page.wait_for_selector(".md-search-result__item", timeout=60000)
        page.keyboard.press("Escape")
        # the company index: filter by typing, sort by Enter
        page.goto(sites.demo + kinds["company index"])
        page.focus(".suanli-sort >> nth=0")
        page.keyboard.press("Enter")
        assert page.get_attribute("#company-index thead th >> nth=0", "aria-sort") == "ascending"
        assert page.problems == []


# ---- screen readers -----------------------------------------------------------------------------


def axe_violations(page) -> list[str]:
    """axe-core's violations on the page as drawn (charts included), one line each."""
    page.evaluate(AXE.read_text(encoding="utf-8"))  # evaluated by the test, outside the page's own scripts
    result = page.evaluate("async () => (await axe.run(document, {resultTypes: ['violations']})).violations")
    return [f"{v['id']}: {[n['target'] for n in v['nodes']][:5]}" for v in result]


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_axe_finds_no_violation_on_any_page_kind(browser, sites, kinds, scheme):
    assert AXE.is_file(), "run `make test`: it installs axe-core from npm into tests/js"
    found = {}
    with watched_page(browser, sites.demo, color_scheme=scheme) as page:
        for kind, path in kinds.items():
            page.goto(sites.demo + path)
            charts_drawn(page)
            if violations := axe_violations(page):
                found[kind] = violations
    with watched_page(browser, sites.real, color_scheme=scheme) as page:
        page.goto(f"{sites.real}issues/{REAL_ISSUE}/")
        charts_drawn(page)
        if violations := axe_violations(page):
            found["real issue"] = violations
    assert found == {}


def test_the_search_dialog_override_is_materials_own_but_for_its_name():
    import material

    theirs = (Path(material.__file__).parent / "templates/partials/search.html").read_text(encoding="utf-8")
    ours = (REPO / "overrides/partials/search.html").read_text(encoding="utf-8")
    strip = lambda text: text.split("-#}\n", 1)[1]  # noqa: E731  (the leading comment)
    named = " aria-label=\"{{ lang.t('search') }}\""
    assert named in ours and strip(ours).replace(named, "", 1) == strip(theirs)
