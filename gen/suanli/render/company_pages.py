"""Company pages (/companies/<slug>/) and the company index (/companies/).

A company's page gathers what the archive says of it: its rows in every
issue's stock table, the issues that recommended it, and the issues whose
prose names it. The index lists every company and filters in the page.
"""

from __future__ import annotations

from dataclasses import dataclass

from suanli.contract import CURRENCY_UNITS, Company, Dataset, Issue, sector_slug
from suanli.derive import tables as derive
from suanli.derive.tables import Appearance
from suanli.render.formats import chart_figure, direction, fmt_number, fmt_pct, wrap_table
from suanli.render.markup import esc, md_text

HISTORY_CSV = "history.csv"


@dataclass(frozen=True)
class CompanyRecord:
    """Everything the archive says of one company, oldest first."""

    company: Company
    history: list[Appearance]
    recommended: list[tuple[Issue, str]]
    mentioned: list[Issue]


def company_records(dataset: Dataset) -> list[CompanyRecord]:
    history = derive.appearances(dataset)
    recommended = derive.recommendations_by_company(dataset)
    mentioned = derive.mentions(dataset)
    return [
        CompanyRecord(c, history[c.ticker], recommended[c.ticker], mentioned[c.ticker])
        for c in dataset.registry.companies
    ]


def company_path(company: Company) -> str:
    return f"companies/{company.slug}/index.md"


def search_terms(company: Company) -> str:
    """What the index filter matches: names, English name, aliases, ticker with and without its suffix."""
    terms = [company.name, company.name_en or "", *company.aliases, company.ticker, company.symbol]
    return " ".join(t for t in dict.fromkeys(terms) if t).lower()


def company_page(record: CompanyRecord) -> str:
    company = record.company
    names = [f"**代码：** {md_text(company.ticker)}"]
    if company.name_en:
        names.append(f"**英文名：** {md_text(company.name_en)}")
    if company.aliases:
        names.append("**别名：** " + "、".join(md_text(a) for a in company.aliases))
    names.append(f"**板块：** [{md_text(company.sector)}](../../sectors/{sector_slug(company.sector)}/index.md)")
    # Company pages are what a search for a name or ticker should find first.
    out = [
        "---",
        "search:",
        "  boost: 10",
        "---",
        "",
        f"# {md_text(company.name)}（{md_text(company.ticker)}）",
        "",
        '<div class="suanli-meta" markdown>',
        "",
        *(f"- {line}" for line in names),
        "",
        "</div>",
        "",
        "## 历次周报中的表现 {#history}",
        "",
    ]
    if record.history:
        latest = record.history[-1]
        out += [
            f"共出现在 {len(record.history)} 期周报的股价复盘中；最近一期 {latest.issue.slug}："
            f"市值 {fmt_number(latest.row.market_cap)} {_unit(latest)}，本周 {fmt_pct(latest.row.week_pct)}。",
            "",
        ]
        label = f"{company.name}（{company.ticker}）"
        out += chart_figure(
            [("company_cap", f"{label}历次市值"), ("company_week", f"{label}历次本周涨跌幅")],
            HISTORY_CSV,
            f"{company.ticker}-历次周报.csv",
            "history-table",
            _history_table(record.history),
            collapse_table=False,
        )
    else:
        out += ["尚未出现在任何一期的股价复盘表中。", ""]
    out += ["## 建议关注记录 {#recommended}", ""]
    if record.recommended:
        out += [
            f"- [{issue.slug}](../../issues/{issue.slug}/index.md) · {md_text(segment)}"
            for issue, segment in reversed(record.recommended)
        ]
    else:
        out.append("尚无周报将其列入建议关注。")
    out += ["", "## 正文提及 {#mentioned}", ""]
    if record.mentioned:
        out += [
            f"- [{issue.slug} {md_text(issue.title)}](../../issues/{issue.slug}/index.md)"
            for issue in reversed(record.mentioned)
        ]
    else:
        out.append("尚无周报正文提及。")
    return "\n".join(out).rstrip("\n") + "\n"


def _unit(appearance: Appearance) -> str:
    return CURRENCY_UNITS[appearance.row.currency]


def _history_table(history: list[Appearance]) -> str:
    head = (
        '<thead><tr><th scope="col">期次</th><th scope="col">市值</th><th scope="col">单位</th>'
        '<th scope="col">本周</th><th scope="col">本月</th><th scope="col">本年</th></tr></thead>'
    )
    rows = []
    for a in reversed(history):
        cells = [
            f'<th scope="row"><a href="../../issues/{a.issue.slug}/">{a.issue.slug}</a></th>',
            f'<td class="num">{fmt_number(a.row.market_cap)}</td>',
            f"<td>{esc(_unit(a))}</td>",
        ]
        cells += [
            f'<td class="num {direction(v)}">{fmt_pct(v)}</td>'
            for v in (a.row.week_pct, a.row.month_pct, a.row.ytd_pct)
        ]
        rows.append("<tr>" + "".join(cells) + "</tr>")
    return wrap_table(f'<table id="history-table">{head}<tbody>{"".join(rows)}</tbody></table>')


def company_index_page(records: list[CompanyRecord], sectors: tuple[str, ...]) -> str:
    """Every company in one table. Without JavaScript it is the whole list; with it, the
    filter box, the sector selector and the sortable headers narrow and order it in place."""
    options = "".join(f'<option value="{esc(s)}">{esc(s)}</option>' for s in sectors)
    controls = (
        '<div class="suanli-filter" hidden>'
        '<label>筛选 <input type="search" class="suanli-filter-text" '
        'placeholder="名称、英文名、代码或别名" autocomplete="off"></label> '
        f'<label>板块 <select class="suanli-filter-sector"><option value="">全部板块</option>{options}</select></label> '
        '<span class="suanli-filter-count" aria-live="polite"></span></div>'
    )
    columns = (
        ("代码", "text"),
        ("公司", "text"),
        ("板块", "text"),
        ("最新市值", "number"),
        ("单位", "text"),
        ("最新本周涨跌幅", "number"),
        ("期数", "number"),
    )
    head = "".join(f'<th scope="col" data-sort="{kind}">{title}</th>' for title, kind in columns)
    rows = []
    for r in records:
        c = r.company
        cells = [
            f'<td class="ticker" data-value="{esc(c.ticker)}">{esc(c.ticker)}</td>',
            f'<td data-value="{esc(c.name)}"><a href="{c.slug}/">{esc(c.name)}</a></td>',
            f'<td data-value="{esc(c.sector)}">{esc(c.sector)}</td>',
        ]
        if r.history:
            latest = r.history[-1]
            cells += [
                f'<td class="num" data-value="{latest.row.market_cap}">{fmt_number(latest.row.market_cap)}</td>',
                f"<td>{esc(_unit(latest))}</td>",
                f'<td class="num {direction(latest.row.week_pct)}" data-value="{latest.row.week_pct}">'
                f"{fmt_pct(latest.row.week_pct)}</td>",
            ]
        else:
            cells += ['<td class="num" data-value="">—</td>', "<td></td>", '<td class="num" data-value="">—</td>']
        cells.append(f'<td class="num" data-value="{len(r.history)}">{len(r.history)}</td>')
        rows.append(
            f'<tr data-search="{esc(search_terms(c))}" data-sector="{esc(c.sector)}">' + "".join(cells) + "</tr>"
        )
    table = wrap_table(
        f'<table class="suanli-companies" id="company-index" data-search-exclude><thead><tr>{head}</tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table>"
    )
    return "\n".join(
        [
            "# 公司索引",
            "",
            f"共 {len(records)} 家公司。输入名称、英文名、代码（可不带后缀）或别名即可筛选；点击表头排序。",
            "",
            controls,
            "",
            table,
            "",
        ]
    )
