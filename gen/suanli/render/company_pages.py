"""Company pages (/companies/<slug>/) and the company index (/companies/).

A company's page gathers what the archive says of it: its rows in every
issue's stock table, the issues that recommended it, and the issues whose
prose names it. The index lists every company and filters in the page.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from suanli.contract import CURRENCY_UNITS, Company, Dataset, Issue, Prices
from suanli.derive import tables as derive
from suanli.derive.pinyin import company_forms
from suanli.derive.tables import Appearance
from suanli.derive.track_record import Spell
from suanli.render import descriptions as describe
from suanli.render import urls
from suanli.render.csv_table import Column, header_line, rows_csv, typed
from suanli.render.formats import fmt_number, fmt_pct, percent
from suanli.render.html import Page, PageWriter, fragment, page_meta
from suanli.render.markup import md_text
from suanli.render.track_record_page import spell_end


@dataclass(frozen=True)
class CompanyRecord:
    """Everything the archive says of one company, oldest first."""

    company: Company
    history: list[Appearance]
    recommended: list[tuple[Issue, str]]
    mentioned: list[Issue]
    spells: tuple[Spell, ...] = ()  # its runs on the 建议关注 list, scored (derive/track_record.py)
    priced: bool = False  # prices.csv has closes for it


def company_records(
    dataset: Dataset,
    named: Callable[[Issue], tuple[str, ...]] | None = None,
    spells: tuple[Spell, ...] = (),
) -> list[CompanyRecord]:
    """Every company with the issues that list, recommend and name it, and its spells among `spells`.
    `named`: derive.names_in for each issue, as a preview session memoizes it."""
    history = derive.appearances(dataset)
    recommended = derive.recommendations_by_company(dataset)
    mentioned = derive.mentions(dataset, named)
    by_ticker: dict[str, list[Spell]] = {}
    for spell in spells:
        by_ticker.setdefault(spell.ticker, []).append(spell)
    return [
        CompanyRecord(
            c,
            history[c.ticker],
            recommended[c.ticker],
            mentioned[c.ticker],
            tuple(by_ticker.get(c.ticker, ())),
            c.ticker in dataset.prices.days,
        )
        for c in dataset.registry.companies
    ]


# history.csv, beside each company page: its rows in every stock table (the page's two charts)
HISTORY_COLUMNS = typed(
    derive.COMPANY_CHART_COLUMNS,
    {
        "date": "date",
        "market_cap": "number",
        "unit": "string",
        "week_pct": "number",
        "month_pct": "number",
        "ytd_pct": "number",
    },
)
# prices.csv, beside each company page that has closes
PRICE_COLUMNS = (Column("date", "date"), Column("close", "number"), Column("recommended_in", "string"))


def history_csv(record: CompanyRecord) -> str:
    return rows_csv(HISTORY_COLUMNS, derive.company_chart_rows(record.history))


def price_csv(record: CompanyRecord, prices: Prices) -> str:
    """A company's daily closes, each issue that recommended it named on the close of its date (the last on
    or before it): the company page's price chart. Written line by line, not by csv_table.csv_line: some
    2,600 closes a company at 520 weeks, and no cell needs quoting or the formula guard (ISO dates,
    decimals, dates separated by spaces: nothing an author wrote)."""
    ticker = record.company.ticker
    marks: dict[int, list[str]] = {}
    for issue in dict.fromkeys(issue for issue, _ in record.recommended):
        close = prices.close_on(ticker, issue.date)
        if close is not None:
            marks.setdefault(close[0].toordinal(), []).append(issue.slug)
    days, closes, dates = prices.days.get(ticker, ()), prices.closes.get(ticker, ()), prices.dates
    lines = [header_line(PRICE_COLUMNS).rstrip("\n")]
    for day, price in zip(days, closes, strict=True):
        mark = " ".join(marks[day]) if day in marks else ""
        lines.append(f"{dates[day]},{_close_text(price)},{mark}")
    return "\n".join(lines) + "\n"


def _close_text(close: float) -> str:
    """A close in the chart's CSV: the shortest decimal that reads back as the same float (prices.csv's
    600.50 is 600.5), never in exponent form."""
    text = repr(close)
    if "e" in text or "E" in text:
        text = format(close, "f").rstrip("0").rstrip(".")
    return text[:-2] if text.endswith(".0") else text


def search_terms(company: Company) -> str:
    """What the index filter matches: names, English name, aliases, ticker with and without its suffix,
    and the pinyin of the name and Chinese aliases (full and initials: yingweida, ywd)."""
    terms = [company.name, company.name_en or "", *company.aliases, company.ticker, company.symbol]
    terms += company_forms(company)
    return " ".join(t for t in dict.fromkeys(terms) if t).lower()


# The site search's index field of a company page's pinyin forms (mkdocs.yml lists it under the search
# plugin's `fields`): search looks in it, while a result shows only an entry's title and text.
PINYIN_FIELD = "pinyin"


def search_fields(company: Company) -> dict[str, str]:
    """What the site search finds the company's page by besides its text: its names' pinyin forms
    (yingweida ywd …), which the reader never sees; none for a name without Chinese."""
    forms = company_forms(company)
    return {PINYIN_FIELD: " ".join(forms)} if forms else {}


def has_feed(record: CompanyRecord) -> bool:
    """Whether any issue lists, recommends or names the company: what its feed has entries for."""
    return bool(record.history or record.recommended or record.mentioned)


def company_page(record: CompanyRecord, benchmarks: dict[str, str] | None = None) -> Page:
    """A company's page. `benchmarks`: benchmark ticker -> name (for its spells' table)."""
    benchmarks = benchmarks or {}
    company = record.company
    page = urls.company_page(company)
    out = PageWriter()
    # Its feed (feed.py) exists once an issue has touched it. Linked in the page only: Material reads
    # every <link rel="alternate"> in <head> as a language version and fetches a sitemap.xml beside it.
    feed = urls.href(page, urls.beside(page, urls.COMPANY_FEED)) if has_feed(record) else None
    out.add(f"# {md_text(company.name)}（{md_text(company.ticker)}）", "")
    sector = urls.href(page, urls.sector_page(company.sector))
    out.block(fragment("company_meta.html", company=company, sector_href=sector, feed_href=feed), searchable=True)
    out.add("## 历次周报中的表现 {#history}", "")
    if record.history:
        latest = record.history[-1]
        out.add(
            f"共出现在 {len(record.history)} 期周报的股价复盘中；最近一期 {latest.issue.slug}："
            f"市值 {fmt_number(latest.row.market_cap)} {_unit(latest)}，本周 {fmt_pct(latest.row.week_pct)}。",
            "",
        )
        label = f"{company.name}（{company.ticker}）"
        rows = [
            {
                "slug": a.issue.slug,
                "href": urls.href(page, urls.issue_page(a.issue)),
                "market_cap": a.row.market_cap,
                "unit": _unit(a),
                "returns": (a.row.week_pct, a.row.month_pct, a.row.ytd_pct),
            }
            for a in reversed(record.history)
        ]
        out.block(
            fragment(
                "chart_figure.html",
                charts=[("company_cap", f"{label}历次市值"), ("company_week", f"{label}历次本周涨跌幅")],
                csv=urls.HISTORY_CSV,
                download=urls.company_history_download(company),
                table_id="history-table",
                table=fragment("history_table.html", rows=rows),
                collapse_table=False,
                caption_lines=[],
            )
        )
    else:
        out.add("尚未出现在任何一期的股价复盘表中。", "")
    out.add("## 建议关注记录 {#recommended}", "")
    if record.recommended:
        items = [
            (None, issue.slug, urls.href(page, urls.issue_page(issue)), f" · {segment}")
            for issue, segment in reversed(record.recommended)
        ]
        out.block(fragment("link_list.html", items=items), searchable=True)
    else:
        out.add("尚无周报将其列入建议关注。", "")
    if record.priced or record.spells:
        _prices_section(out, record, page, benchmarks)
    out.add("## 正文提及 {#mentioned}", "")
    if record.mentioned:
        items = [
            (None, f"{issue.slug} {issue.title}", urls.href(page, urls.issue_page(issue)), "")
            for issue in reversed(record.mentioned)
        ]
        out.block(fragment("link_list.html", items=items), searchable=True)
    else:
        out.add("尚无周报正文提及。")
    # Company pages are what a search for a name or ticker should find first (Material's search boost).
    return out.page(page_meta(describe.company(record), search={"boost": 10}))


def _prices_section(out: PageWriter, record: CompanyRecord, page: str, benchmarks: dict[str, str]) -> None:
    """Its closes with a mark at each issue that recommended it, and each spell on the list, scored."""
    company = record.company
    out.add("## 收盘价与建议关注表现 {#prices}", "")
    spells = [
        {
            "first": s.first.slug,
            "first_href": urls.href(page, urls.issue_page(s.first)),
            "end": spell_end(s),
            "pending": s.pending,
            "segments": s.segments,
            "benchmark": benchmarks.get(s.benchmark or "", s.benchmark or "—"),
            "ret": percent(s.score.ret) if s.score else None,
            "benchmark_ret": percent(s.score.benchmark_ret) if s.score else None,
            "excess": percent(s.score.excess) if s.score else None,
        }
        for s in reversed(record.spells)
    ]
    track = urls.href(page, urls.TRACK_RECORD)
    table = fragment("spells_table.html", rows=spells, track_href=track)
    if record.priced:
        label = f"{company.name}（{company.ticker}）"
        out.block(
            fragment(
                "chart_figure.html",
                charts=[("company_price", f"{label}收盘价与建议关注")],
                csv=urls.PRICES_CSV,
                download=urls.company_prices_download(company),
                table_id="spells-table",
                table=table,
                collapse_table=False,
                caption_lines=["▲ 标出列入建议关注的期次（取发布日或之前最近的收盘价）。价格为上市地货币，不含分红。"],
            )
        )
    else:
        out.add("prices.csv 中没有该公司的收盘价，建议关注的表现无法计算。", "")
        out.block(table)


def _unit(appearance: Appearance) -> str:
    return CURRENCY_UNITS[appearance.row.currency]


def company_index_page(records: list[CompanyRecord], sectors: tuple[str, ...]) -> Page:
    """Every company in one table. Without JavaScript it is the whole list; with it, the
    filter box, the sector selector and the sortable headers narrow and order it in place."""
    rows = [
        {
            "company": r.company,
            "href": urls.href(urls.COMPANY_INDEX, urls.company_page(r.company)),
            "search": search_terms(r.company),
            "latest": r.history[-1].row if r.history else None,
            "unit": _unit(r.history[-1]) if r.history else "",
            "issues": len(r.history),
        }
        for r in records
    ]
    out = PageWriter()
    out.add(
        "# 公司索引",
        "",
        f"共 {len(records)} 家公司。输入名称、英文名、拼音（全拼或首字母，如 ywd）、代码（可不带后缀）或别名即可筛选；点击表头排序。",
        "",
    )
    out.block(fragment("company_filter.html", sectors=sectors), searchable=True)
    out.block(fragment("company_index.html", rows=rows))
    return out.page(page_meta(describe.companies(records)))
