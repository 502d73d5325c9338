"""Golden files: rendered Markdown and chart specs, compared byte for byte.

After an intended change: UPDATE_GOLDEN=1 (tests/goldens.py), then review the diff.
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pandas as pd
import pytest

import frames
from goldens import GOLDEN, golden
from helpers import REAL_DATA, REPO, minimal_data
from suanli.derive import tables as derive
from suanli.load.dataset import load_dataset
from suanli.render import charts, dashboard
from suanli.render import issue_pages as pages
from suanli.render.html import Page


def page_text(page: Page) -> str:
    """A page as its golden file holds it: its Markdown, then each HTML block the plugin splices in."""
    out = page.source
    for index, block in enumerate(page.blocks):
        when = "before the search plugin reads the page" if block.searchable else "after the search plugin"
        out += f"\n<!-- ===== block {index}, spliced {when} ===== -->\n{block.html}\n"
    return out


def check_golden(name: str, actual: str | Page) -> None:
    actual = page_text(actual) if isinstance(actual, Page) else actual
    assert actual == golden(GOLDEN / name, actual), f"{name} differs from its golden file"


@pytest.fixture(scope="module")
def real():
    return load_dataset(REAL_DATA)


@pytest.fixture(scope="module")
def minimal(tmp_path_factory):
    return load_dataset(minimal_data(tmp_path_factory.mktemp("golden") / "data"))


def test_real_issue_page(real):
    check_golden(
        "pages/issue-2024-12-11.md",
        pages.issue_page(real.latest, None, *frames.neighbours(real, real.latest), real.registry),
    )


def test_real_home_page(real):
    check_golden("pages/home.md", dashboard.home_page(real, derive.sector_medians(real)))


def test_minimal_issue_page_with_a_series_exhibit(minimal):
    check_golden(
        "pages/minimal-issue.md",
        pages.issue_page(minimal.latest, None, *frames.neighbours(minimal, minimal.latest), minimal.registry),
    )


def chart_frames(dataset) -> dict[str, pd.DataFrame]:
    issue = dataset.latest
    traffic = next(e for e in issue.exhibits if e.kind == "traffic")
    history = frames.company_chart_data(derive.appearances(dataset)["NVDA.O"])
    return {
        "company_cap": history,
        "company_week": history,
        "sector_week": derive.sector_medians(dataset)["CPU/GPU"],
        "stocks": frames.stocks_chart_data(derive.stock_records(issue, dataset.registry)),
        "traffic": frames.exhibit_frame(issue, traffic, dataset),
        "downloads": pd.DataFrame(
            {
                "month": ["2024-11", "2024-12", "2024-11", "2024-12"],
                "app": ["豆包", "豆包", "Kimi", "Kimi"],
                "downloads": [Decimal("1523.5"), Decimal("610"), Decimal("480"), Decimal("205.2")],
                "partial": [False, True, False, True],
            }
        ),
        "gpu_prices": pd.DataFrame(
            {
                "date": [dt.date(2024, 12, 1).isoformat(), dt.date(2024, 12, 8).isoformat()] * 2,
                "gpu": ["H100"] * 4,
                "condition": ["新品", "新品", "二手", "二手"],
                "price_usd": [Decimal("29999.99"), Decimal("28500"), Decimal("24000"), Decimal("23100.5")],
            }
        ),
        "track_record": pd.DataFrame(
            {
                "date": ["2024-12-04", "2024-12-04", "2024-12-11", "2024-12-11"],
                "series": ["建议关注组合", "基准", "建议关注组合", "基准"],
                "cumulative_pct": [0.0, 0.0, 2.3638, -1.2],
            }
        ),
        "company_price": pd.DataFrame(
            {
                "date": ["2024-12-10", "2024-12-11", "2024-12-12"],
                "close": [598.0, 600.5, 611.2],
                "recommended_in": ["", "2024-12-11", ""],
            }
        ),
    }


@pytest.mark.parametrize("kind", charts.KINDS)
def test_chart_function_spec(minimal, kind):
    frame = chart_frames(minimal)[kind]
    for column in frame.columns:  # dates reach Altair as ISO text, as they do in the CSV
        frame[column] = frame[column].map(lambda v: v.isoformat() if isinstance(v, dt.date) else v)
    spec = charts.vega_lite_spec(charts.CHARTS[kind](frame), charts.PALETTES["light"])
    check_golden(f"charts/{kind}.vl.json", json.dumps(spec, ensure_ascii=False, indent=1, sort_keys=True) + "\n")


@pytest.mark.parametrize("kind", charts.KINDS)
@pytest.mark.parametrize("theme", charts.THEMES)
def test_committed_chart_templates_are_compiled_from_the_chart_functions(kind, theme):
    """The site serves docs/assets/charts/<kind>.<theme>.json; they must be what charts.py compiles to.
    After changing charts.py: python -m suanli.render.charts (or UPDATE_GOLDEN=1), then review the diff."""
    path = REPO / charts.TEMPLATE_DIR / f"{kind}.{theme}.json"
    compiled = charts.template(kind, theme) + "\n"
    assert golden(path, compiled) == compiled, f"{path} is stale: run python -m suanli.render.charts"
    template = json.loads(compiled)
    sources = [d for d in template["data"] if d.get("url") == charts.DATA_PLACEHOLDER]
    assert sources[0]["format"] == {"type": "csv", "parse": charts.CSV_PARSE[kind]}


def test_each_template_carries_its_own_palette():
    for kind in charts.KINDS:
        for theme, other in (("light", "dark"), ("dark", "light")):
            template = charts.template(kind, theme)
            assert charts.PALETTES[theme].text in template
            assert charts.PALETTES[other].text not in template


def test_stock_chart_marks_rises_red_and_falls_green():
    spec = json.loads(charts.template("stocks", "light"))
    text = json.dumps(spec, ensure_ascii=False)
    palette = charts.PALETTES["light"]
    assert '"domain": ["上涨", "下跌", "持平"]' in json.dumps(spec, ensure_ascii=False, separators=(", ", ": "))
    assert text.index(palette.up) < text.index(palette.down)


def test_company_and_sector_pages(minimal):
    from suanli.render import company_pages, sector_pages

    records = company_pages.company_records(minimal)
    nvda = next(r for r in records if r.company.ticker == "NVDA.O")
    check_golden("pages/company-nvda-o.md", company_pages.company_page(nvda))
    check_golden("pages/companies.md", company_pages.company_index_page(records, minimal.registry.sectors))
    medians = derive.sector_medians(minimal)
    check_golden("pages/sector-cpu-gpu.md", sector_pages.sector_page("CPU/GPU", records, medians["CPU/GPU"]))
    check_golden("pages/sectors.md", sector_pages.sector_index_page(minimal.registry.sectors, records, medians))
