"""/track-record/ (业绩回顾): every 建议关注 list scored against its benchmarks (derive/track_record.py),
with the method stated; its chart's CSV; and, for /downloads/, one row per period and one per spell.

Every figure on the page is a percentage to two decimals, as the note's tables show them; the CSVs keep
four. A period or spell without a figure shows 缺少价格 or 无收盘价, never 0.
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import NamedTuple

from suanli.contract import Dataset, Prices
from suanli.derive.track_record import Growth, Period, Spell, TrackRecord
from suanli.render import descriptions as describe
from suanli.render import urls
from suanli.render.csv_table import Column, rows_csv
from suanli.render.formats import direction, fmt_pct, percent
from suanli.render.html import Page, PageWriter, fragment, page_meta

PAGE = urls.TRACK_RECORD
TITLE = "业绩回顾"
AUTHORING = "authoring.md"
PORTFOLIO, BENCHMARK = "建议关注组合", "基准"
CSV_PLACES = 4

# The downloads' columns, in file order: /downloads/ and datapackage.json document them from these definitions
PERIOD_COLUMNS = (
    Column("issue_date", "date", "期次（发布日期）：该期建议关注组合在当日收盘买入", required=True),
    Column(
        "end_date",
        "date",
        "持有至：下一期的发布日期；若晚于 prices.csv 中最新收盘价的日期（及最新一期），则为最新收盘价的日期",
        required=True,
    ),
    Column(
        "open",
        "boolean",
        "true 表示持有至最新收盘价、尚未结束（收益为截至该日）；首次列入晚于最新收盘价的期次收益为空",
        required=True,
    ),
    Column("members", "integer", "成分：该期建议关注的不同代码数（同一公司列于两个分组只算一次）", required=True),
    Column("priced", "integer", "有收盘价的成分数（两端均有自身及其基准的收盘价）", required=True),
    Column("missing", "string", "缺少价格的成分代码，以空格分隔"),
    Column("return_pct", "number", "组合收益：有价格成分的价格收益的等权平均，百分比（5.17 即 5.17%）"),
    Column("benchmark_pct", "number", "基准收益：同一区间、同一组成分各自所属市场基准收益的平均，百分比"),
    Column("excess_pct", "number", "超额收益：return_pct 减 benchmark_pct，百分比"),
    Column("wins", "integer", "跑赢各自基准的成分数", required=True),
    Column("win_rate_pct", "number", "胜率：wins / priced，百分比"),
    Column("cumulative_pct", "number", "截至本期末的组合累计收益：各期 (1 + 收益) 的连乘减 1，百分比"),
    Column("benchmark_cumulative_pct", "number", "截至本期末的基准累计收益，百分比"),
)
CALL_COLUMNS = (
    Column("ticker", "string", "代码", required=True),
    Column("name", "string", "公司名称（公司登记表中的现名）", required=True),
    Column("segments", "string", "列入时的建议关注分组，以“；”分隔", required=True),
    Column("first_issue", "date", "首次列入的期次：当日收盘买入", required=True),
    Column("last_issue", "date", "最后一次列入的期次", required=True),
    Column(
        "end_date",
        "date",
        "结束：此后第一期不再列入的发布日期；仍在列表中，或该日期晚于最新收盘价，则为最新收盘价的日期（没有行情时为最后一次列入的期次）",
        required=True,
    ),
    Column("open", "boolean", "true 表示仍在建议关注中", required=True),
    Column("benchmark", "string", "所属市场的基准代码"),
    Column(
        "return_pct", "number", "区间价格收益（当地货币，不含分红），百分比；空表示缺少价格，或首次列入晚于最新收盘价"
    ),
    Column("benchmark_pct", "number", "同一区间基准的收益，百分比"),
    Column("excess_pct", "number", "超额收益，百分比"),
)
CUMULATIVE_COLUMNS = (Column("date", "date"), Column("series", "string"), Column("cumulative_pct", "number"))


# A table cell of a figure: (its class, its data-value for sorting, its text). Made here rather than by a
# template macro: the per-name table has a row for every spell (some 3,000 at 520 weeks), three figures each.
Figure = tuple[str, str, str]


def figure(value: Decimal | None, missing: str = "缺少价格") -> Figure:
    """A percentage's cell: coloured by its direction; `missing` where there is none (never 0)."""
    if value is None:
        return "none", "", missing
    return direction(value), format(value, "f"), fmt_pct(value)


def _csv_pct(fraction: float | None) -> str:
    value = percent(fraction, CSV_PLACES)
    return "" if value is None else format(value, "f")


# --- the downloads -------------------------------------------------------------------------------------


def periods_csv(record: TrackRecord) -> str:
    growth_at = {g.date: g for g in record.growth[1:]}
    rows = []
    for period in record.periods:
        score = period.score
        grown = growth_at.get(period.end) if score is not None else None
        rows.append(
            (
                period.start,
                period.end,
                period.open,
                len(period.holdings),
                len(period.scores),
                " ".join(h.ticker for h in period.missing),
                _csv_pct(score.ret if score else None),
                _csv_pct(score.benchmark_ret if score else None),
                _csv_pct(score.excess if score else None),
                period.wins,
                _csv_pct(period.wins / len(period.scores) if period.scores else None),
                _csv_pct(grown.portfolio if grown else None),
                _csv_pct(grown.benchmark if grown else None),
            )
        )
    return rows_csv(PERIOD_COLUMNS, rows)


def calls_csv(record: TrackRecord, dataset: Dataset) -> str:
    companies = dataset.registry.by_ticker
    rows = (
        (
            spell.ticker,
            companies[spell.ticker].name,
            "；".join(spell.segments),
            spell.first.date,
            spell.last.date,
            spell.end,
            spell.open,
            spell.benchmark or "",
            _csv_pct(spell.score.ret if spell.score else None),
            _csv_pct(spell.score.benchmark_ret if spell.score else None),
            _csv_pct(spell.score.excess if spell.score else None),
        )
        for spell in record.spells
    )
    return rows_csv(CALL_COLUMNS, rows)


def cumulative_csv(record: TrackRecord) -> str:
    """The chart's data: the portfolio's and the benchmark's cumulative return at each scored period's end."""
    rows = []
    for g in record.growth:
        rows.append((g.date, PORTFOLIO, _csv_pct(g.portfolio)))
        rows.append((g.date, BENCHMARK, _csv_pct(g.benchmark)))
    return rows_csv(CUMULATIVE_COLUMNS, rows)


# --- the page ------------------------------------------------------------------------------------------


def track_record_page(dataset: Dataset, record: TrackRecord) -> Page:
    # boosted: a search for 业绩, 胜率 or 建议关注 回顾 finds this page first
    meta = page_meta(describe.track_record(dataset, record), search={"boost": 5})
    out = PageWriter()
    out.add(f"# {TITLE}", "")
    out.block(fragment("track_intro.html"), searchable=True)
    prices = dataset.prices
    if not prices:
        out.add("## 尚无行情数据 {#no-prices}", "")
        out.block(fragment("track_no_prices.html", guide=urls.href(PAGE, AUTHORING) + "#prices"), searchable=True)
        _method(out, prices)
        return out.page(meta)
    assert record.latest is not None  # there are prices
    out.block(fragment("track_summary.html", **_summary(record)), searchable=True)
    out.add("## 累计收益 {#cumulative}", "")
    if len(record.growth) > 1:
        rows = [
            {
                "date": g.date,
                "portfolio": percent(g.portfolio),
                "benchmark": percent(g.benchmark),
                "excess": percent(g.excess),
            }
            for g in reversed(record.growth)
        ]
        out.block(
            fragment(
                "chart_figure.html",
                charts=[("track_record", "建议关注组合与基准的累计收益")],
                csv=urls.CUMULATIVE_CSV,
                download=urls.track_record_download(),
                table_id="cumulative-table",
                table=fragment("track_cumulative_table.html", rows=rows),
                collapse_table=True,
                caption_lines=[f"数据截至 {record.latest.isoformat()} 收盘；价格收益，当地货币，不含分红。"],
            )
        )
    else:
        out.add("尚无可计算收益的期次。", "")
    out.add("## 每期表现 {#periods}", "")
    out.block(fragment("track_periods.html", rows=[_period_row(p, dataset) for p in reversed(record.periods)]))
    out.add("## 分组表现 {#segments}", "")
    out.block(fragment("track_segments.html", rows=_segment_rows(record)))
    out.add("## 个股记录 {#calls}", "")
    segments = tuple(s.segment for s in record.segments)
    out.block(
        fragment("track_filter.html", segments=segments, total=len(record.spells)),
        searchable=True,
    )
    out.block(fragment("track_calls.html", rows=call_rows(record.spells, dataset)))
    _method(out, prices)
    return out.page(meta)


def _summary(record: TrackRecord) -> dict[str, object]:
    last = record.growth[-1] if len(record.growth) > 1 else None
    scored = [p for p in record.periods if p.score is not None]
    return {
        "latest": record.latest,
        "periods": len(record.periods),
        "scored": len(scored),
        "first": record.periods[0].start if record.periods else None,
        "portfolio": percent(last.portfolio) if last else None,
        "benchmark": percent(last.benchmark) if last else None,
        "excess": percent(last.excess) if last else None,
        "wins": record.wins,
        "priced": record.priced_holdings,
        "win_rate": percent(record.wins / record.priced_holdings, 1) if record.priced_holdings else None,
    }


def _period_row(period: Period, dataset: Dataset) -> dict[str, object]:
    companies = dataset.registry.by_ticker
    score = period.score
    return {
        "slug": period.issue.slug,
        "href": urls.href(PAGE, urls.issue_page(period.issue)),
        "end": period.end,
        "open": period.open,
        "pending": period.pending,
        "members": len(period.holdings),
        "priced": len(period.scores),
        "ret": percent(score.ret) if score else None,
        "benchmark": percent(score.benchmark_ret) if score else None,
        "excess": percent(score.excess) if score else None,
        "wins": period.wins,
        "win_rate": percent(period.wins / len(period.scores), 1) if period.scores else None,
        "missing": [
            (companies[h.ticker].name, h.ticker, urls.href(PAGE, urls.company_page(companies[h.ticker])))
            for h in period.missing
        ],
    }


def _segment_rows(record: TrackRecord) -> list[dict[str, object]]:
    rows = []
    for s in record.segments:
        g: Growth | None = s.growth
        rows.append(
            {
                "segment": s.segment,
                "periods": s.periods,
                "scored": s.scored,
                "portfolio": percent(g.portfolio) if g else None,
                "benchmark": percent(g.benchmark) if g else None,
                "excess": percent(g.excess) if g else None,
                "wins": s.wins,
                "priced": s.priced,
                "win_rate": percent(s.wins / s.priced, 1) if s.priced else None,
            }
        )
    return rows


def spell_end(spell: Spell) -> str:
    """A spell's end as the tables show it: its date, and whether the name is still listed or the figure
    runs only to the latest close."""
    return spell.end.isoformat() + ("（在列）" if spell.open else "（最新收盘）" if spell.to_latest else "")


class CallRow(NamedTuple):
    """A row of the per-name table, every cell's text made here: the template unpacks it (a row for every
    spell, some 3,000 at 520 weeks, where a lookup per cell in Jinja costs more than the rest)."""

    search: str  # what the filter matches: names, aliases, ticker with and without its suffix
    groups: str  # its segments, a JSON list, for the segment filter
    name: str
    href: str
    figures: tuple[Figure, Figure, Figure]  # 收益, 超额, 基准收益
    first: str
    first_href: str
    end: str
    segments: str
    benchmark: str
    ticker: str


def call_rows(spells: tuple[Spell, ...], dataset: Dataset) -> list[CallRow]:
    companies, benchmarks = dataset.registry.by_ticker, {b.ticker: b.name for b in dataset.prices.benchmarks}
    company_hrefs: dict[str, tuple[str, str]] = {}  # ticker -> (href, search)
    issue_hrefs: dict[str, str] = {}
    rows = []
    for spell in spells:
        company = companies[spell.ticker]
        if spell.ticker not in company_hrefs:
            terms = [company.name, company.name_en or "", *company.aliases, company.ticker, company.symbol]
            company_hrefs[spell.ticker] = (
                urls.href(PAGE, urls.company_page(company)),
                " ".join(t for t in terms if t).lower(),
            )
        href, search = company_hrefs[spell.ticker]
        first = spell.first.slug
        if first not in issue_hrefs:
            issue_hrefs[first] = urls.href(PAGE, urls.issue_page(spell.first))
        score = spell.score
        rows.append(
            CallRow(
                search=search,
                groups=json.dumps(list(spell.segments), ensure_ascii=False),
                name=company.name,
                href=href,
                figures=(
                    figure(percent(score.ret) if score else None, "尚无收盘价" if spell.pending else "缺少价格"),
                    figure(percent(score.excess) if score else None, "—"),
                    figure(percent(score.benchmark_ret) if score else None, "—"),
                ),
                first=first,
                first_href=issue_hrefs[first],
                end=spell_end(spell),
                segments="；".join(spell.segments),
                benchmark=benchmarks.get(spell.benchmark or "", spell.benchmark or "—"),
                ticker=company.ticker,
            )
        )
    return rows


def _method(out: PageWriter, prices: Prices) -> None:
    out.add("## 方法 {#method}", "")
    benchmarks = [(b.name, b.ticker, b.markets) for b in prices.benchmarks]
    out.block(fragment("track_method.html", benchmarks=benchmarks), searchable=True)
