"""Chart export, in Chromium on the frozen real issue: every drawn chart saves as SVG and as PNG (2×),
by click and from the keyboard, named after its exhibit's CSV download, with the exhibit's title and
source, in the palette the reader sees, made in the page (no request to another origin, nothing the
Content-Security-Policy refuses)."""

from __future__ import annotations

import struct
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from conftest import watched_page
from helpers import REVEAL_CHARTS, follow

ISSUE = "issues/2024-12-11/"
COMPANY = "companies/nvda-o/"
SECTOR = "sectors/cpu-gpu/"
SVG = "{http://www.w3.org/2000/svg}"
TITLE = "图表 1：算力股价本周复盘 (1209-1211)"
SOURCES = ("来源：Wind, iFinD, 华福证券研究所", "注：以上市值、涨跌幅信息截至各地时间 2024 年 12 月 11 日")
PNG_HEADER = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def served(built_site):
    """The frozen real issue, served at its own origin."""
    return built_site("real").origin


@pytest.fixture
def page(browser, served):
    with watched_page(browser, served) as page:
        yield page


def drawn(page, theme: str = "light") -> None:
    """Every chart of the page drawn in `theme`, each with its two export buttons."""
    page.wait_for_function(
        "theme => {"
        + REVEAL_CHARTS
        + """ const charts = [...document.querySelectorAll('.suanli-chart')];
              return charts.length && charts.every(c => c.dataset.rendered === 'true' && c.dataset.theme === theme)
                && document.querySelectorAll('.suanli-export-button').length === 2 * charts.length; }""",
        arg=theme,
        timeout=15000,
    )


def to_dark(page) -> None:
    page.click("label[for='__palette_1']")
    page.wait_for_function("() => document.body.getAttribute('data-md-color-scheme') === 'slate'")
    drawn(page, "dark")


def button(page, chart: int, fmt: str):
    return page.locator(".suanli-export").nth(chart).locator(".suanli-export-button", has_text=f"保存 {fmt}")


def save(page, target, key: str | None = None):
    """The download a click on `target` (or, with `key`, that key pressed on it focused) starts."""
    with page.expect_download() as info:
        if key:
            target.focus()
            page.keyboard.press(key)
        else:
            target.click()
    return info.value


def svg_of(download) -> ET.Element:
    return ET.fromstring(Path(download.path()).read_bytes())  # parses as XML, or raises


def texts(root: ET.Element) -> list[str]:
    return ["".join(t.itertext()) for t in root.iter(f"{SVG}text")]


def background(root: ET.Element) -> str:
    rect = root.find(f"{SVG}rect")  # the first drawn element: the whole image's background
    assert rect is not None and rect.get("width") == "100%" and rect.get("height") == "100%"
    return rect.get("fill")


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == PNG_HEADER and data[12:16] == b"IHDR"
    return struct.unpack(">II", data[16:24])


def chart_size(page, chart: int = 0) -> tuple[float, float]:
    """The chart's CSS size as drawn on the page (its SVG's width and height)."""
    return tuple(
        page.eval_on_selector_all(
            ".suanli-graphic svg",
            "(svgs, i) => ['width', 'height'].map(a => parseFloat(svgs[i].getAttribute(a)))",
            chart,
        )
    )


def dark(hex_colour: str) -> bool:
    assert hex_colour.startswith("#") and len(hex_colour) == 7, hex_colour
    return sum(int(hex_colour[i : i + 2], 16) for i in (1, 3, 5)) < 3 * 64


def test_an_issue_chart_saves_as_svg_with_its_title_source_and_marks_in_the_readers_palette(page, served):
    page.goto(served + ISSUE)
    drawn(page)
    download = save(page, button(page, 0, "SVG"))
    assert download.suggested_filename == "算力周跟踪-2024-12-11-图表1.svg"
    root = svg_of(download)
    assert root.tag == f"{SVG}svg"
    words = texts(root)
    assert TITLE in words and all(line in words for line in SOURCES)
    assert "英伟达" in words  # the chart's axis labels: its company names
    marks = Path(download.path()).read_text(encoding="utf-8")
    assert marks.count("<path") > 10 and 'class="marks"' in marks  # the chart, as Vega drew it
    assert float(root.get("width")) == pytest.approx(chart_size(page)[0])
    assert background(root) == "#ffffff"
    light_title = next(t.get("fill") for t in root.iter(f"{SVG}text") if "".join(t.itertext()) == TITLE)
    assert dark(light_title)
    # the dark palette: a dark image, light text, the same content
    to_dark(page)
    root = svg_of(save(page, button(page, 0, "SVG")))
    assert dark(background(root))
    dark_title = next(t.get("fill") for t in root.iter(f"{SVG}text") if "".join(t.itertext()) == TITLE)
    assert not dark(dark_title)
    assert TITLE in texts(root) and SOURCES[0] in texts(root)
    assert page.problems == []


def test_an_issue_chart_saves_as_png_at_twice_its_size_from_the_keyboard(page, served):
    page.goto(served + ISSUE)
    drawn(page)
    download = save(page, button(page, 0, "PNG"), key="Enter")
    assert download.suggested_filename == "算力周跟踪-2024-12-11-图表1.png"
    width, height = png_size(Path(download.path()).read_bytes())
    chart_width, chart_height = chart_size(page)
    assert width == round(2 * chart_width)
    assert height > 2 * chart_height + 2 * 3 * 16  # the title above and two source lines below
    # Space too, in the dark palette
    to_dark(page)
    download = save(page, button(page, 0, "PNG"), key="Space")
    assert png_size(Path(download.path()).read_bytes())[0] == width
    assert page.problems == []


def test_a_company_pages_two_charts_save_under_distinct_names_attributed_to_the_note(page, served):
    page.goto(served + COMPANY)
    drawn(page)
    assert page.locator(".suanli-export-button").count() == 4
    names = {}
    for chart, shows in ((0, "市值"), (1, "本周涨跌幅")):
        download = save(page, button(page, chart, "SVG"))
        names[chart] = download.suggested_filename
        root = svg_of(download)
        words = texts(root)
        label = page.locator(".suanli-chart").nth(chart).get_attribute("aria-label")
        assert label in words and label.endswith(shows)
        assert "来源：算力周跟踪" in words and served + COMPANY in words  # no caption: the note and the page
        png = save(page, button(page, chart, "PNG"))
        assert png.suggested_filename == f"NVDA.O-历次周报-{shows}.png"
        assert png_size(Path(png.path()).read_bytes())[0] == round(2 * chart_size(page, chart)[0])
    assert names == {0: "NVDA.O-历次周报-市值.svg", 1: "NVDA.O-历次周报-本周涨跌幅.svg"}
    page.goto(served + SECTOR)
    drawn(page)
    assert save(page, button(page, 0, "SVG")).suggested_filename == "cpu-gpu-本周涨跌幅中位数.svg"
    assert page.problems == []


def test_the_buttons_follow_the_csv_link_by_tab_named_for_their_chart_with_a_focus_ring(page, served):
    page.goto(served + COMPANY)
    drawn(page)
    page.focus(".suanli-download a")
    reached = []
    for _ in range(4):
        page.keyboard.press("Tab")
        reached.append(
            page.evaluate("""() => { const el = document.activeElement, s = getComputedStyle(el);
                return [el.tagName, el.type, el.getAttribute('aria-label'), el.textContent,
                        s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 1]; }""")
        )
    labels = page.eval_on_selector_all(".suanli-chart", "cs => cs.map(c => c.getAttribute('aria-label'))")
    assert reached == [
        ["BUTTON", "button", f"保存 {fmt}：{label}", f"保存 {fmt}", True] for label in labels for fmt in ("SVG", "PNG")
    ]
    assert page.problems == []


def test_the_buttons_outlive_redraws_and_navigation_once_each_and_never_print(page, served):
    page.goto(served + COMPANY)
    drawn(page)
    to_dark(page)
    page.click("label[for='__palette_0']")
    drawn(page, "light")
    assert page.locator(".suanli-export").count() == 2 and page.locator(".suanli-export-button").count() == 4
    follow(page, served + ISSUE)  # instant navigation: the new page's chart gets its own
    drawn(page)
    assert page.locator(".suanli-export-button").count() == 2
    follow(page, served + COMPANY)
    drawn(page)
    assert page.locator(".suanli-export-button").count() == 4
    assert save(page, button(page, 1, "SVG")).suggested_filename == "NVDA.O-历次周报-本周涨跌幅.svg"
    page.emulate_media(media="print")
    assert page.eval_on_selector_all(".suanli-export", "gs => gs.map(g => getComputedStyle(g).display)") == [
        "none",
        "none",
    ]
    assert page.problems == []


def test_on_a_phone_the_buttons_fit_beside_the_csv_link(browser, served):
    phone = {"viewport": {"width": 375, "height": 812}, "has_touch": True, "is_mobile": True}
    with watched_page(browser, served, **phone) as page:
        for path in (ISSUE, COMPANY):
            page.goto(served + path)
            drawn(page)
            assert page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth") <= 0
            boxes = page.eval_on_selector_all(
                ".suanli-export-button",
                "bs => bs.map(b => { const r = b.getBoundingClientRect(); return [r.left, r.right, r.height]; })",
            )
            assert all(0 <= left and right <= 375 and height >= 24 for left, right, height in boxes), boxes
        assert page.problems == []
