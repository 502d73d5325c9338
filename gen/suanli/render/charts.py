"""One Altair chart function per exhibit kind, and the Vega templates built from them.

Each chart function is pure: data (a DataFrame, or a URL placeholder for
templates) and a palette in, an Altair chart out. The site does not build an
Altair chart per exhibit: it compiles each kind once per palette to a Vega spec
whose data source is a placeholder, and the browser fills it with the
exhibit's CSV (the same file readers download). Specs stay out of the pages.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, fields
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

import altair as alt
import pandas as pd

from suanli.contract import CHART_EXHIBITS

DATA_PLACEHOLDER = "suanli:data"
KINDS = (*CHART_EXHIBITS, "company_cap", "company_week", "sector_week", "track_record", "company_price")
THEMES = ("light", "dark")


@dataclass(frozen=True)
class Palette:
    """Colours of one colour scheme. Chinese market convention: red up, green down."""

    up: str
    down: str
    flat: str
    text: str
    muted: str
    grid: str
    series: tuple[str, ...]
    new: str
    used: str


PALETTES = {
    # up, down and the axis text pass WCAG AA (4.5:1) on the page's background: the value labels are text
    "light": Palette(
        up="#c62828",
        down="#137a3f",
        flat="#767676",
        text="#333333",
        muted="#666666",
        grid="#e6e6e6",
        series=("#3f6fb5", "#e07b39", "#6a9f3b", "#9a5fb5", "#c9a227", "#3aa6a0", "#d0589a", "#7f7f7f"),
        new="#2f6fdf",
        used="#c62828",
    ),
    "dark": Palette(
        up="#ff7a85",
        down="#3ccf7e",
        flat="#aaaaaa",
        text="#e2e4e9",
        muted="#a9adb8",
        grid="#3a3d4a",
        series=("#7aa7ff", "#ffa05c", "#9bd46a", "#c89bff", "#f0cf5a", "#5fd6cf", "#ff8cc6", "#bdbdbd"),
        new="#6ea1ff",
        used="#ff7a85",
    ),
}

# How each kind's CSV columns are typed when the browser parses the exhibit's CSV.
CSV_PARSE = {
    "stocks": {
        "order": "number",
        "market_cap": "number",
        "week_pct": "number",
        "month_pct": "number",
        "ytd_pct": "number",
    },
    "traffic": {"week_start": "date:'%Y-%m-%d'", "week_end": "date:'%Y-%m-%d'", "visits": "number"},
    "downloads": {"month": "date:'%Y-%m'", "downloads": "number", "partial": "boolean"},
    "gpu_prices": {"date": "date:'%Y-%m-%d'", "price_usd": "number"},
    "company_cap": {
        "date": "date:'%Y-%m-%d'",
        "market_cap": "number",
        "week_pct": "number",
        "month_pct": "number",
        "ytd_pct": "number",
    },
    "company_week": {
        "date": "date:'%Y-%m-%d'",
        "market_cap": "number",
        "week_pct": "number",
        "month_pct": "number",
        "ytd_pct": "number",
    },
    "sector_week": {"date": "date:'%Y-%m-%d'", "median_week_pct": "number", "companies": "number"},
    "track_record": {"date": "date:'%Y-%m-%d'", "cumulative_pct": "number"},
    "company_price": {"date": "date:'%Y-%m-%d'", "close": "number"},
}

Data = pd.DataFrame | alt.UrlData

MEASURES = {"week_pct": "本周", "month_pct": "本月", "ytd_pct": "本年"}


# What the chart functions return (altair types `.properties()` on a layer as "layer or facet").
TopLevelChart = alt.Chart | alt.LayerChart | alt.FacetChart


def _data(data: Data) -> Data:
    """Altair cannot serialise Decimal; charts get floats, CSV downloads keep the exact text."""
    if isinstance(data, pd.DataFrame):
        return data.map(lambda v: float(v) if isinstance(v, Decimal) else v)
    return data


def stocks(data: Data, palette: Palette = PALETTES["light"]) -> TopLevelChart:
    """图表1: each company's 涨跌幅 as a bar, grouped by sector; 本周/本月/本年 chosen by the reader."""
    measure = alt.param(
        name="measure",
        value="week_pct",
        bind=alt.binding_radio(options=list(MEASURES), labels=list(MEASURES.values()), name="涨跌幅区间 "),
    )
    sign = alt.Color(
        "direction:N",
        legend=None,
        scale=alt.Scale(domain=["上涨", "下跌", "持平"], range=[palette.up, palette.down, palette.flat]),
    )
    tooltip = [
        alt.Tooltip("name:N", title="公司"),
        alt.Tooltip("ticker:N", title="代码"),
        alt.Tooltip("sector:N", title="板块"),
        alt.Tooltip("market_cap:Q", title="市值", format=","),
        alt.Tooltip("unit:N", title="单位"),
        alt.Tooltip("week_pct:Q", title="本周涨跌幅 (%)", format=","),
        alt.Tooltip("month_pct:Q", title="本月涨跌幅 (%)", format=","),
        alt.Tooltip("ytd_pct:Q", title="本年涨跌幅 (%)", format=","),
    ]
    y = alt.Y("name:N", sort=alt.EncodingSortField(field="order", op="min"), title=None, axis=alt.Axis(labelLimit=120))
    base = (
        alt.Chart()
        .transform_calculate(
            value=f"datum[{measure.name}]",
        )
        .transform_calculate(
            direction="datum.value > 0 ? '上涨' : datum.value < 0 ? '下跌' : '持平'",
            label="format(datum.value, ',') + '%'",
        )
    )
    bars = base.mark_bar(height={"band": 0.75}).encode(
        x=alt.X(
            "value:Q", title="涨跌幅 (%)", axis=alt.Axis(format=",f", grid=True), scale=alt.Scale(padding=56)
        ),  # room for the value labels at both ends
        y=y,
        color=sign,
        tooltip=tooltip,
    )
    labels = (
        base.mark_text(align="left", baseline="middle", dx=3, fontSize=10)
        .encode(
            x=alt.X("value:Q"),
            y=y,
            text="label:N",
            color=sign,
            tooltip=tooltip,
        )
        .transform_filter("datum.value >= 0")
    )
    labels_neg = (
        base.mark_text(align="right", baseline="middle", dx=-3, fontSize=10)
        .encode(
            x=alt.X("value:Q"),
            y=y,
            text="label:N",
            color=sign,
            tooltip=tooltip,
        )
        .transform_filter("datum.value < 0")
    )
    # altair: `.facet` on what `.properties` returns (typed "layer or facet") is typed Any
    return (  # type: ignore[no-any-return]
        alt.layer(bars, labels, labels_neg, data=_data(data))
        .add_params(measure)
        .properties(
            width="container",
            height=alt.Step(18),
        )
        .facet(
            row=alt.Row(
                "sector:N",
                title=None,
                sort=alt.EncodingSortField(field="order", op="min"),
                header=alt.Header(
                    labelAngle=0,
                    labelAlign="left",
                    labelAnchor="start",
                    labelFontWeight="bold",
                    labelPadding=4,
                    labelOrient="top",
                ),
            ),
            spacing=8,
        )
        .resolve_scale(y="independent")
    )


def traffic(data: Data, palette: Palette = PALETTES["light"]) -> TopLevelChart:
    """图表2-5: weekly visits per site; click a legend entry to pick out one site."""
    pick = alt.selection_point(fields=["site"], bind="legend")
    base = alt.Chart(_data(data)).encode(
        x=alt.X("week_end:T", title="周 (截至)", axis=alt.Axis(format="%Y-%m-%d", labelAngle=0, tickCount=6)),
        y=alt.Y("visits:Q", title="访问量 (万次)", axis=alt.Axis(format=",f")),
        color=alt.Color("site:N", title="网站", scale=alt.Scale(range=list(palette.series))),
        tooltip=[
            alt.Tooltip("site:N", title="网站"),
            alt.Tooltip("week_start:T", title="周起", format="%Y-%m-%d"),
            alt.Tooltip("week_end:T", title="周止", format="%Y-%m-%d"),
            alt.Tooltip("visits:Q", title="访问量 (万次)", format=","),
        ],
        opacity=alt.condition(pick, alt.value(1), alt.value(0.15)),
    )
    return (
        alt.layer(base.mark_line(strokeWidth=2), base.mark_point(filled=True, size=28))
        .add_params(pick)
        .properties(width="container", height=300)
    )


def downloads(data: Data, palette: Palette = PALETTES["light"]) -> TopLevelChart:
    """图表6: monthly app downloads; a month not yet complete is drawn hollow and says so."""
    pick = alt.selection_point(fields=["app"], bind="legend")
    base = (
        alt.Chart(_data(data))
        .transform_calculate(
            status="datum.partial ? '非完全统计' : '完整月份'",
        )
        .encode(
            x=alt.X("month:T", timeUnit="yearmonth", title="月份", axis=alt.Axis(format="%Y-%m", labelAngle=0)),
            y=alt.Y("downloads:Q", title="下载量 (万次)", axis=alt.Axis(format=",f")),
            color=alt.Color("app:N", title="App", scale=alt.Scale(range=list(palette.series))),
            tooltip=[
                alt.Tooltip("app:N", title="App"),
                alt.Tooltip("month:T", timeUnit="yearmonth", title="月份", format="%Y-%m"),
                alt.Tooltip("downloads:Q", title="下载量 (万次)", format=","),
                alt.Tooltip("status:N", title="统计"),
            ],
            opacity=alt.condition(pick, alt.value(1), alt.value(0.15)),
        )
    )
    line = base.mark_line(strokeWidth=2)
    points = base.mark_point(size=40, strokeWidth=2).encode(
        fill=alt.condition("datum.partial", alt.value("transparent"), alt.Color("app:N", legend=None)),
        shape=alt.Shape(
            "status:N", title="统计", scale=alt.Scale(domain=["完整月份", "非完全统计"], range=["circle", "diamond"])
        ),
    )
    return alt.layer(line, points).add_params(pick).properties(width="container", height=300)


def gpu_prices(data: Data, palette: Palette = PALETTES["light"]) -> TopLevelChart:
    """图表7-8: street price of one GPU, new and used (the report's blue and red)."""
    base = alt.Chart(_data(data)).encode(
        x=alt.X("date:T", title="日期", axis=alt.Axis(format="%Y-%m-%d", labelAngle=0, tickCount=6)),
        y=alt.Y("price_usd:Q", title="价格 (美元)", axis=alt.Axis(format="$,f"), scale=alt.Scale(zero=False)),
        color=alt.Color(
            "condition:N", title="成色", scale=alt.Scale(domain=["新品", "二手"], range=[palette.new, palette.used])
        ),
        tooltip=[
            alt.Tooltip("gpu:N", title="GPU"),
            alt.Tooltip("condition:N", title="成色"),
            alt.Tooltip("date:T", title="日期", format="%Y-%m-%d"),
            alt.Tooltip("price_usd:Q", title="价格 (美元)", format=","),
        ],
    )
    return alt.layer(
        base.mark_line(strokeWidth=2, interpolate="step-after"), base.mark_point(filled=True, size=24)
    ).properties(width="container", height=280)


def _change_bars(data: Data, field: str, title: str, palette: Palette, tooltip: list[alt.Tooltip]) -> alt.Chart:
    """Bars of a 涨跌幅 per issue date: red above zero, green below (Chinese market convention)."""
    # altair: `.mark_bar` (signature copied by @use_signature) is typed Any
    return (  # type: ignore[no-any-return]
        alt.Chart(_data(data))
        .transform_calculate(
            direction=f"datum.{field} > 0 ? '上涨' : datum.{field} < 0 ? '下跌' : '持平'",
        )
        .mark_bar()
        .encode(
            x=alt.X("date:T", title="期次", axis=alt.Axis(format="%Y-%m-%d", labelAngle=0, tickCount=6)),
            # labelFlush: the top and bottom labels sit inside the plot, so where the nice ticks fall (the
            # data) does not change the chart's height, which the page reserves before Vega draws
            y=alt.Y(f"{field}:Q", title=title, axis=alt.Axis(format=",f", labelFlush=True)),
            color=alt.Color(
                "direction:N",
                legend=None,
                scale=alt.Scale(domain=["上涨", "下跌", "持平"], range=[palette.up, palette.down, palette.flat]),
            ),
            tooltip=tooltip,
        )
        .properties(width="container", height=220)
    )


def company_cap(data: Data, palette: Palette = PALETTES["light"]) -> TopLevelChart:
    """A company page: its market cap in each issue's stock table."""
    base = alt.Chart(_data(data)).encode(
        x=alt.X("date:T", title="期次", axis=alt.Axis(format="%Y-%m-%d", labelAngle=0, tickCount=6)),
        y=alt.Y("market_cap:Q", title="市值 (亿)", axis=alt.Axis(format=",f"), scale=alt.Scale(zero=False)),
        color=alt.Color("unit:N", title="单位", scale=alt.Scale(range=list(palette.series))),
        tooltip=[
            alt.Tooltip("date:T", title="期次", format="%Y-%m-%d"),
            alt.Tooltip("market_cap:Q", title="市值", format=","),
            alt.Tooltip("unit:N", title="单位"),
        ],
    )
    return alt.layer(base.mark_line(strokeWidth=2), base.mark_point(filled=True, size=24)).properties(
        width="container", height=240
    )


def company_week(data: Data, palette: Palette = PALETTES["light"]) -> TopLevelChart:
    """A company page: its 本周涨跌幅 in each issue."""
    return _change_bars(
        data,
        "week_pct",
        "本周涨跌幅 (%)",
        palette,
        [
            alt.Tooltip("date:T", title="期次", format="%Y-%m-%d"),
            alt.Tooltip("week_pct:Q", title="本周涨跌幅 (%)", format=","),
            alt.Tooltip("month_pct:Q", title="本月涨跌幅 (%)", format=","),
            alt.Tooltip("ytd_pct:Q", title="本年涨跌幅 (%)", format=","),
        ],
    )


def sector_week(data: Data, palette: Palette = PALETTES["light"]) -> TopLevelChart:
    """A sector page: the median 本周涨跌幅 of its members in each issue."""
    return _change_bars(
        data,
        "median_week_pct",
        "本周涨跌幅中位数 (%)",
        palette,
        [
            alt.Tooltip("date:T", title="期次", format="%Y-%m-%d"),
            alt.Tooltip("median_week_pct:Q", title="本周涨跌幅中位数 (%)", format=","),
            alt.Tooltip("companies:Q", title="成分股数"),
        ],
    )


def track_record(data: Data, palette: Palette = PALETTES["light"]) -> TopLevelChart:
    """/track-record/: the cumulative return of the 建议关注 portfolio and of its benchmark, at each period's end."""
    base = alt.Chart(_data(data)).encode(
        x=alt.X("date:T", title="日期", axis=alt.Axis(format="%Y-%m-%d", labelAngle=0, tickCount=6)),
        y=alt.Y("cumulative_pct:Q", title="累计收益 (%)", axis=alt.Axis(format=",f")),
        # one legend: colour and dash share the field and the title (the benchmark dashed, for print and
        # colour-blind readers)
        color=alt.Color(
            "series:N",
            title="组合",
            scale=alt.Scale(domain=["建议关注组合", "基准"], range=[palette.up, palette.series[0]]),
        ),
        strokeDash=alt.StrokeDash(
            "series:N", title="组合", scale=alt.Scale(domain=["建议关注组合", "基准"], range=[[1, 0], [5, 3]])
        ),
        tooltip=[
            alt.Tooltip("series:N", title="组合"),
            alt.Tooltip("date:T", title="截至", format="%Y-%m-%d"),
            alt.Tooltip("cumulative_pct:Q", title="累计收益 (%)", format=",.2f"),
        ],
    )
    return alt.layer(base.mark_line(strokeWidth=2), base.mark_point(filled=True, size=20)).properties(
        width="container", height=300
    )


def company_price(data: Data, palette: Palette = PALETTES["light"]) -> TopLevelChart:
    """A company page: its daily close, with a mark at each issue that recommended it."""
    base = alt.Chart(_data(data)).encode(
        x=alt.X("date:T", title="日期", axis=alt.Axis(format="%Y-%m-%d", labelAngle=0, tickCount=6)),
        # padding: a mark on the highest close stays inside the plot, so the chart's height does not depend
        # on where the marks fall (the page reserves it before Vega draws)
        y=alt.Y("close:Q", title="收盘价", axis=alt.Axis(format=",f"), scale=alt.Scale(zero=False, padding=8)),
    )
    line = base.mark_line(strokeWidth=1.5, color=palette.series[0]).encode(
        tooltip=[alt.Tooltip("date:T", title="日期", format="%Y-%m-%d"), alt.Tooltip("close:Q", title="收盘价")]
    )
    marks = (
        base.transform_filter("datum.recommended_in != null && datum.recommended_in != ''")
        # aria=False: a company never recommended draws no mark, and an empty mark group would be an image
        # without a text; the spells table beside the chart is the marks' text alternative
        .mark_point(shape="triangle-up", filled=True, size=70, color=palette.up, aria=False)
        .encode(
            tooltip=[
                alt.Tooltip("recommended_in:N", title="建议关注（期次）"),
                alt.Tooltip("date:T", title="收盘日", format="%Y-%m-%d"),
                alt.Tooltip("close:Q", title="收盘价"),
            ]
        )
    )
    return alt.layer(line, marks).properties(width="container", height=260)


CHARTS = {
    "stocks": stocks,
    "traffic": traffic,
    "downloads": downloads,
    "gpu_prices": gpu_prices,
    "company_cap": company_cap,
    "company_week": company_week,
    "sector_week": sector_week,
    "track_record": track_record,
    "company_price": company_price,
}


def theme_config(palette: Palette) -> dict[str, object]:
    font = '"PingFang SC", "Hiragino Sans GB", "Microsoft YaHei", "Noto Sans CJK SC", "Source Han Sans SC", sans-serif'
    axis = {
        "labelColor": palette.muted,
        "titleColor": palette.text,
        "gridColor": palette.grid,
        "domainColor": palette.grid,
        "tickColor": palette.grid,
        "labelFont": font,
        "titleFont": font,
    }
    return {
        "background": None,
        "font": font,
        "view": {"stroke": None},
        "axis": axis,
        "legend": {
            "labelColor": palette.text,
            "titleColor": palette.text,
            "labelFont": font,
            "titleFont": font,
            "orient": "bottom",
            "direction": "horizontal",
        },
        "header": {"labelColor": palette.text, "titleColor": palette.text, "labelFont": font},
        "text": {"font": font},
        "locale": {
            "number": {"decimal": ".", "thousands": ",", "grouping": [3], "currency": ["¥", ""]},
        },
    }


def vega_lite_spec(chart: TopLevelChart, palette: Palette) -> dict[str, object]:
    spec = chart.to_dict()
    spec["config"] = theme_config(palette)
    spec.pop("$schema", None)
    return spec


@cache
def template(kind: str, theme: str) -> str:
    """The Vega spec of one chart kind in one palette, as JSON text, with the
    data source left as a placeholder for the exhibit's CSV. Built once."""
    import vl_convert

    palette = PALETTES[theme]
    placeholder = alt.UrlData(url=DATA_PLACEHOLDER, format=alt.CsvDataFormat(type="csv", parse=CSV_PARSE[kind]))
    spec = vega_lite_spec(CHARTS[kind](placeholder, palette), palette)
    vega = vl_convert.vegalite_to_vega(spec, vl_version="v6_4")
    vega.pop("$schema", None)
    sources = [d for d in vega.get("data", []) if d.get("url") == DATA_PLACEHOLDER]
    if len(sources) != 1:
        raise AssertionError(f"the {kind} template must read its data from exactly one source")
    _reserve_beside_facets(vega)
    return json.dumps(vega, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


RESERVE = "suanli_reserve"


# Any: a Vega spec is JSON, and vl_convert.vegalite_to_vega returns it as dict[str, Any]
def _reserve_beside_facets(vega: dict[str, Any]) -> None:
    """A faceted chart's "container" width is its plot's, and the axis labels beside it come on top, so
    on a phone the chart would be wider than the screen. The plot takes the container's width less a
    reserve, a signal charts.js sets to what the first drawing overflowed by."""
    widths = [s for s in vega.get("signals", []) if s.get("name") == "child_width"]
    for signal in widths:  # `update`, not `init`: recomputed when the reserve changes
        signal["update"] = signal.pop("init").replace("containerSize()[0]", f"(containerSize()[0] - {RESERVE})")
        for handler in signal.get("on", []):
            handler["update"] = handler["update"].replace("containerSize()[0]", f"(containerSize()[0] - {RESERVE})")
    if widths:
        vega["signals"].insert(0, {"name": RESERVE, "value": 0})


TEMPLATE_DIR = "docs/assets/charts"


def write_templates(folder: Path = Path(TEMPLATE_DIR)) -> list[Path]:
    """Compile every chart kind in both palettes into `folder` (run when charts.py changes)."""
    written = []
    for kind in KINDS:
        for theme in THEMES:
            path = Path(folder) / f"{kind}.{theme}.json"
            path.write_text(template(kind, theme) + "\n", encoding="utf-8")
            written.append(path)
    return written


PRINT_CSS = "print.css"


def print_css() -> str:
    """A print stylesheet that turns a chart drawn in the dark palette into the light one, colour by
    colour (Vega writes colours as fill and stroke attributes; CSS overrides them): paper is white
    whichever palette the reader views, and a print is laid out synchronously, with no time to
    redraw."""
    light, dark = PALETTES["light"], PALETTES["dark"]
    pairs: dict[str, str] = {}
    for role in fields(Palette):
        ours, theirs = getattr(dark, role.name), getattr(light, role.name)
        ours, theirs = ((ours,), (theirs,)) if isinstance(ours, str) else (ours, theirs)
        for d, lt in zip(ours, theirs, strict=True):
            if pairs.setdefault(d, lt) != lt:
                raise AssertionError(f"dark {d} stands for two light colours: {pairs[d]} and {lt}")
    lines = ["/* Generated by `python -m suanli.render.charts` from charts.py's palettes: do not edit. */"]
    for d, lt in pairs.items():
        for attribute in ("fill", "stroke"):
            lines.append(f'.suanli-chart[data-theme="dark"] [{attribute}="{d}"] {{ {attribute}: {lt}; }}')
    return "\n".join(lines) + "\n"


def write_print_css(folder: Path = Path(TEMPLATE_DIR)) -> Path:
    path = Path(folder) / PRINT_CSS
    path.write_text(print_css(), encoding="utf-8")
    return path


if __name__ == "__main__":
    for path in [*write_templates(), write_print_css()]:
        print(path)
