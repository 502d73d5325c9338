"""Models and derived tables -> the Markdown of each page.

Page text is Markdown (so MkDocs builds the table of contents and the search
index from real headings); structured parts (tables, figures) are raw HTML
blocks. Every data string passes through `esc` or `md_text` on its way in.
"""

from __future__ import annotations

from itertools import groupby

import pandas as pd

from suanli.contract import (
    DEFAULT_SECTION,
    GPU_CONDITION_NAMES,
    TRAFFIC_CATEGORY_NAMES,
    Company,
    Dataset,
    Exhibit,
    Issue,
    Registry,
)
from suanli.derive import tables as derive
from suanli.render import exhibit_csv as exhibits
from suanli.render.formats import chart_figure, html_table, rows_csv, stock_table_html
from suanli.render.markup import author_markdown, esc, md_text

SERIES_NAME = "算力周跟踪"
LEGAL_PAGES = (
    ("分析师声明", "legal/analyst.md"),
    ("一般声明", "legal/general.md"),
    ("特别声明", "legal/special.md"),
    ("投资评级声明", "legal/ratings.md"),
)


def exhibit_csv_name(exhibit: Exhibit) -> str:
    return f"exhibit-{exhibit.number}.csv"


def exhibit_download_name(issue: Issue, exhibit: Exhibit) -> str:
    return f"{SERIES_NAME}-{issue.slug}-图表{exhibit.number}.csv"


def up_from(page: str) -> str:
    """The relative prefix from a page's source path to the docs root."""
    return "../" * page.count("/")


# --- the issue page --------------------------------------------------------------


def issue_path(issue: Issue) -> str:
    return f"issues/{issue.slug}/index.md"


def company_link(company: Company, root: str) -> str:
    """A Markdown link to a company's page from a page `root` levels down."""
    return f"[{md_text(company.name)}]({root}companies/{company.slug}/index.md)"


def issue_page(issue: Issue, dataset: Dataset) -> str:
    root = up_from(issue_path(issue))
    parts = [f"# {md_text(issue.title)}", "", _issue_meta(issue, root)]
    parts += _highlights(issue)
    for exhibit in sorted(issue.exhibits, key=lambda e: e.number):
        parts += _exhibit(issue, exhibit, dataset)
    parts += _recommendations(issue, dataset.registry, root)
    if issue.risks:
        parts += ["## 风险提示 {#risks}", "", "；".join(md_text(r) for r in issue.risks) + "。", ""]
    if issue.related:
        parts += ["## 相关报告 {#related}", ""]
        parts += [
            f"{i}. {md_text(r.title)}" + (f"——{r.date.isoformat()}" if r.date else "")
            for i, r in enumerate(issue.related, 1)
        ]
        parts.append("")
    if issue.revisions:
        parts += ["## 更正记录 {#revisions}", ""]
        parts += [f"- **{r.date.isoformat()}** {md_text(r.note)}" for r in issue.revisions]
        parts.append("")
    parts += _pager(issue, dataset)
    parts += _legal_links(root)
    return "\n".join(parts).rstrip("\n") + "\n"


def _pager(issue: Issue, dataset: Dataset) -> list[str]:
    """Links to the previous and next issue, and to the archive."""
    position = dataset.issues.index(issue)
    links = []
    if position > 0:
        older = dataset.issues[position - 1]
        links.append(f"[← 上一期：{older.slug} {md_text(older.title)}](../{older.slug}/index.md){{ .suanli-prev }}")
    links.append("[往期列表](../index.md){ .suanli-archive }")
    if position < len(dataset.issues) - 1:
        newer = dataset.issues[position + 1]
        links.append(f"[下一期：{newer.slug} {md_text(newer.title)} →](../{newer.slug}/index.md){{ .suanli-next }}")
    return ['<nav class="suanli-pager" aria-label="期次导航" markdown>', "", " · ".join(links), "", "</nav>", ""]


def archive_page(dataset: Dataset) -> str:
    """Every issue, newest first, grouped by year and month, with its first highlight."""
    out = ["# 往期周报", "", f"共 {len(dataset.issues)} 期，最新在前。", ""]
    newest_first = list(reversed(dataset.issues))
    for year, in_year in groupby(newest_first, key=lambda issue: issue.date.year):
        out += [f"## {year} 年 {{#y{year}}}", ""]
        for month, in_month in groupby(in_year, key=lambda issue: issue.date.month):
            out += [f"### {year} 年 {month} 月 {{#y{year}-{month:02d}}}", ""]
            out += [
                f"- **{issue.slug}** [{md_text(issue.title)}]({issue.slug}/index.md)"
                f" — {md_text(issue.highlights[0].heading)}"
                for issue in in_month
            ]
            out.append("")
    return "\n".join(out).rstrip("\n") + "\n"


def latest_page(dataset: Dataset) -> str:
    """/latest/: sends the browser on to the newest issue, and says where for anything that does not follow."""
    latest = dataset.latest
    return "\n".join(
        [
            "---",
            "template: redirect.html",
            f"redirect: ../issues/{latest.slug}/",
            "search:",
            "  exclude: true",
            "---",
            "",
            "# 最新一期",
            "",
            f"[{latest.slug} {md_text(latest.title)}](../issues/{latest.slug}/index.md)",
            "",
        ]
    )


def _issue_meta(issue: Issue, root: str) -> str:
    items = [
        ("发布日期", issue.date.isoformat()),
        ("本周区间", f"{issue.period_start.isoformat()} 至 {issue.period_end.isoformat()}"),
    ]
    if issue.industry:
        items.append(("行业", md_text(issue.industry)))
    if issue.rating:
        change = f"（{md_text(issue.rating_change)}评级）" if issue.rating_change else ""
        items.append(("行业评级", f"[{md_text(issue.rating)}]({root}legal/ratings.md){change}"))
    authors = []
    for a in issue.authors:
        detail = "，".join(md_text(x) for x in (a.license, a.email) if x)
        authors.append(
            (f"{md_text(a.role)}：" if a.role else "") + md_text(a.name) + (f"（{detail}）" if detail else "")
        )
    items.append(("作者", "；".join(authors)))
    lines = ['<div class="suanli-meta" markdown>', "", f"{SERIES_NAME} · {issue.slug}", ""]
    lines += [f"- **{label}：** {value}" for label, value in items]
    lines += ["", "</div>", ""]
    return "\n".join(lines)


def _highlights(issue: Issue) -> list[str]:
    out: list[str] = []
    sections = list(dict.fromkeys(h.section for h in issue.highlights))
    for number, section in enumerate(sections, 1):
        anchor = "highlights" if section == DEFAULT_SECTION else f"section-{number}"
        out += [f"## {md_text(section)} {{#{anchor}}}", ""]
        for h in (h for h in issue.highlights if h.section == section):
            out += [f"### {md_text(h.heading)}", ""]
            if h.body:
                out += ['<div class="suanli-prose">', author_markdown(h.body), "</div>", ""]
    return out


def _exhibit(issue: Issue, exhibit: Exhibit, dataset: Dataset) -> list[str]:
    out = [f"## 图表 {exhibit.number}：{md_text(exhibit.title)} {{#exhibit-{exhibit.number}}}", ""]
    table_id = f"exhibit-{exhibit.number}-table"
    caption = []
    if exhibit.source:
        caption.append(f"来源：{esc(exhibit.source)}")
    if exhibit.note:
        caption.append(f"注：{esc(exhibit.note)}")
    if exhibit.kind == "table":
        assert exhibit.file is not None  # validation requires file: on table exhibits
        figure = [
            '<figure class="suanli-exhibit" data-kind="table" data-search-exclude>',
            html_table(issue.tables[exhibit.file], table_id),
        ]
        if caption:
            figure.append("<figcaption>" + "<br>".join(caption) + "</figcaption>")
        return out + figure + ["</figure>", ""]
    if exhibit.kind == "stocks":
        table = stock_table_html(derive.stock_records(issue, dataset.registry), table_id, up_from(issue_path(issue)))
    else:
        table_id = f"exhibit-{exhibit.number}-data"
        table = exhibits.data_table_placeholder(exhibit.kind, exhibit_csv_name(exhibit))
    return out + chart_figure(
        [(exhibit.kind, f"图表 {exhibit.number}：{exhibit.title}")],
        exhibit_csv_name(exhibit),
        exhibit_download_name(issue, exhibit),
        table_id,
        table,
        collapse_table=exhibit.kind != "stocks",
        caption=caption,
    )


def exhibit_frame(issue: Issue, exhibit: Exhibit, dataset: Dataset) -> pd.DataFrame:
    """The data one chart draws (what its CSV download holds), as a frame."""
    if exhibit.kind == "stocks":
        return derive.stocks_chart_data(derive.stock_records(issue, dataset.registry))
    rows = derive.series_as_of(dataset.series, exhibit, issue.date)[list(exhibits.CSV_COLUMNS[exhibit.kind])]
    names = {"category": TRAFFIC_CATEGORY_NAMES, "condition": GPU_CONDITION_NAMES}
    return rows.assign(**{c: rows[c].map(m) for c, m in names.items() if c in rows})


def exhibit_csv(issue: Issue, exhibit: Exhibit, dataset: Dataset) -> str:
    if exhibit.kind == "stocks":
        return rows_csv(
            derive.STOCK_CHART_COLUMNS, derive.stock_chart_rows(derive.stock_records(issue, dataset.registry))
        )
    return exhibits.exhibit_csv(dataset.series, exhibit, issue.date)


def _recommendations(issue: Issue, registry: Registry, root: str) -> list[str]:
    if not issue.recommendations:
        return []
    companies = registry.by_ticker
    out = ["## 建议关注 {#recommendations}", ""]
    for rec in issue.recommendations:
        names = "、".join(f"{company_link(companies[t], root)}（{md_text(t)}）" for t in rec.tickers)
        out.append(f"- **{md_text(rec.segment)}：** {names}")
    return out + [""]


def _legal_links(root: str) -> list[str]:
    links = " · ".join(f"[{title}]({root}{path})" for title, path in LEGAL_PAGES)
    return ['<div class="suanli-legal" markdown>', "", f"声明：{links}", "", "</div>", ""]


# --- home ------------------------------------------------------------------------


def home_page(dataset: Dataset) -> str:
    latest = dataset.latest
    link = f"issues/{latest.slug}/index.md"
    out = [
        f"# {SERIES_NAME}",
        "",
        "AI 算力板块周报：GPU、存储、晶圆代工、云计算与数据中心个股复盘，AI 应用流量与下载，GPU 价格，本周要闻与建议关注。",
        "",
        f"## 最新一期：{latest.slug} {{#latest}}",
        "",
        f"### [{md_text(latest.title)}]({link})",
        "",
    ]
    for section in dict.fromkeys(h.section for h in latest.highlights):
        out += [f"**{md_text(section)}**", ""]
        out += [f"- {md_text(h.heading)}" for h in latest.highlights if h.section == section]
        out.append("")
    out += [f"[阅读全文 →]({link}){{ .md-button .md-button--primary }}", ""]
    return "\n".join(out)
