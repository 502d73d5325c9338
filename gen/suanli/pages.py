"""Models and derived tables -> the Markdown of each page.

Page text is Markdown (so MkDocs builds the table of contents and the search
index from real headings); structured parts (tables, figures) are raw HTML
blocks. Every data string passes through `esc` or `md_text` on its way in.
"""

from __future__ import annotations

from decimal import Decimal
from itertools import groupby

import pandas as pd

from . import derive
from .contract import DEFAULT_SECTION, Dataset, Exhibit, Issue, Registry, Table
from .markup import author_markdown, esc, md_text

SERIES_NAME = "算力周跟踪"
LEGAL_PAGES = (("分析师声明", "legal/analyst.md"), ("一般声明", "legal/general.md"),
               ("特别声明", "legal/special.md"), ("投资评级声明", "legal/ratings.md"))
SYNTHETIC_NOTICE = "示例数据"


# --- numbers ---------------------------------------------------------------------


def fmt_number(value: Decimal) -> str:
    """33079 -> 33,079; keeps the decimals the author gave."""
    return format(value, ",")


def fmt_pct(value: Decimal) -> str:
    return format(value, "f") + "%"


def direction(value: Decimal) -> str:
    return "up" if value > 0 else "down" if value < 0 else "flat"


def exhibit_csv_name(exhibit: Exhibit) -> str:
    return f"exhibit-{exhibit.number}.csv"


def exhibit_download_name(issue: Issue, exhibit: Exhibit) -> str:
    return f"{SERIES_NAME}-{issue.slug}-图表{exhibit.number}.csv"


def up_from(page: str) -> str:
    """The relative prefix from a page's source path to the docs root."""
    return "../" * page.count("/")


# --- the issue page --------------------------------------------------------------


def issue_page(issue: Issue, dataset: Dataset) -> str:
    page = f"issues/{issue.slug}/index.md"
    root = up_from(page)
    parts = [f"# {md_text(issue.title)}", "", _issue_meta(issue, root)]
    parts += _highlights(issue)
    for exhibit in sorted(issue.exhibits, key=lambda e: e.number):
        parts += _exhibit(issue, exhibit, dataset)
    parts += _recommendations(issue, dataset.registry)
    if issue.risks:
        parts += ["## 风险提示 {#risks}", "", "；".join(md_text(r) for r in issue.risks) + "。", ""]
    if issue.related:
        parts += ["## 相关报告 {#related}", ""]
        parts += [f"{i}. {md_text(r.title)}" + (f"——{r.date.isoformat()}" if r.date else "")
                  for i, r in enumerate(issue.related, 1)]
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
            out += [f"- **{issue.slug}** [{md_text(issue.title)}]({issue.slug}/index.md)"
                    f" — {md_text(issue.highlights[0].heading)}" for issue in in_month]
            out.append("")
    return "\n".join(out).rstrip("\n") + "\n"


def latest_page(dataset: Dataset) -> str:
    """/latest/: sends the browser on to the newest issue, and says where for anything that does not follow."""
    latest = dataset.latest
    return "\n".join([
        "---", "template: redirect.html", f"redirect: ../issues/{latest.slug}/", "search:", "  exclude: true", "---", "",
        "# 最新一期", "", f"[{latest.slug} {md_text(latest.title)}](../issues/{latest.slug}/index.md)", ""])


def _issue_meta(issue: Issue, root: str) -> str:
    items = [("发布日期", issue.date.isoformat()),
             ("本周区间", f"{issue.period_start.isoformat()} 至 {issue.period_end.isoformat()}")]
    if issue.industry:
        items.append(("行业", md_text(issue.industry)))
    if issue.rating:
        change = f"（{md_text(issue.rating_change)}评级）" if issue.rating_change else ""
        items.append(("行业评级", f"[{md_text(issue.rating)}]({root}legal/ratings.md){change}"))
    authors = []
    for a in issue.authors:
        detail = "，".join(md_text(x) for x in (a.license, a.email) if x)
        authors.append((f"{md_text(a.role)}：" if a.role else "") + md_text(a.name) + (f"（{detail}）" if detail else ""))
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
    body: list[str] = []
    if exhibit.kind == "table":
        body.append(html_table(issue.tables[exhibit.file], f"exhibit-{exhibit.number}-table"))
    else:
        frame = exhibit_frame(issue, exhibit, dataset)
        table_id = f"exhibit-{exhibit.number}-table"
        label = f"图表 {exhibit.number}：{exhibit.title}"
        body.append(
            f'<div class="suanli-chart" data-kind="{exhibit.kind}" data-csv="{exhibit_csv_name(exhibit)}" '
            f'role="group" aria-label="{esc(label)}" aria-describedby="{table_id}"></div>')
        body.append(f'<p class="suanli-download"><a href="{exhibit_csv_name(exhibit)}" '
                    f'download="{esc(exhibit_download_name(issue, exhibit))}">下载数据 (CSV)</a></p>')
        if exhibit.kind == "stocks":
            body.append(stock_table_html(derive.stock_table(issue, dataset.registry), table_id))
        else:
            body.append(f'<details class="suanli-data"><summary>图表 {exhibit.number} 的数据</summary>')
            body.append(series_table_html(exhibit.kind, frame, table_id))
            body.append("</details>")
    caption = []
    if exhibit.source:
        caption.append(f"来源：{esc(exhibit.source)}")
    if exhibit.note:
        caption.append(f"注：{esc(exhibit.note)}")
    if caption:
        body.append('<figcaption>' + "<br>".join(caption) + "</figcaption>")
    out += [f'<figure class="suanli-exhibit" data-kind="{exhibit.kind}">', *body, "</figure>", ""]
    return out


def exhibit_frame(issue: Issue, exhibit: Exhibit, dataset: Dataset) -> pd.DataFrame:
    """The data one chart draws, exactly what its CSV download holds."""
    if exhibit.kind == "stocks":
        return derive.stocks_chart_data(derive.stock_table(issue, dataset.registry))
    rows = derive.series_as_of(dataset.series, exhibit, issue.date)
    return {"traffic": derive.traffic_chart_data, "downloads": derive.downloads_chart_data,
            "gpu_prices": derive.gpu_prices_chart_data}[exhibit.kind](rows)


def _recommendations(issue: Issue, registry: Registry) -> list[str]:
    if not issue.recommendations:
        return []
    companies = registry.by_ticker
    out = ["## 建议关注 {#recommendations}", ""]
    for rec in issue.recommendations:
        names = "、".join(f"{md_text(companies[t].name)}（{md_text(t)}）" for t in rec.tickers)
        out.append(f"- **{md_text(rec.segment)}：** {names}")
    return out + [""]


def _legal_links(root: str) -> list[str]:
    links = " · ".join(f"[{title}]({root}{path})" for title, path in LEGAL_PAGES)
    return ['<div class="suanli-legal" markdown>', "", f"声明：{links}", "", "</div>", ""]


# --- tables ----------------------------------------------------------------------


def _wrap_table(table: str) -> str:
    # Material's own wrappers, so raw tables scroll and look like Markdown tables.
    return f'<div class="md-typeset__scrollwrap"><div class="md-typeset__table">{table}</div></div>'


def html_table(table: Table, table_id: str) -> str:
    head = "".join(f'<th scope="col">{esc(c)}</th>' for c in table.columns)
    rows = "".join("<tr>" + "".join(f"<td>{esc(cell)}</td>" for cell in row) + "</tr>" for row in table.rows)
    return _wrap_table(f'<table id="{table_id}"><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>')


def stock_table_html(frame: pd.DataFrame, table_id: str) -> str:
    """The stock table as the report prints it: sector cells spanning their rows,
    涨跌幅 red for a rise and green for a fall."""
    head = ('<thead><tr><th scope="col" rowspan="2">板块</th><th scope="col" rowspan="2">代码</th>'
            '<th scope="col" rowspan="2">公司</th><th scope="col" rowspan="2">市值</th>'
            '<th scope="col" rowspan="2">单位</th><th scope="colgroup" colspan="3">股价涨跌幅</th></tr>'
            '<tr><th scope="col">本周</th><th scope="col">本月</th><th scope="col">本年</th></tr></thead>')
    rows = []
    sizes = frame.groupby("sector", sort=False).size()
    previous = None
    for record in frame.itertuples(index=False):
        cells = []
        if record.sector != previous:
            cells.append(f'<th scope="rowgroup" rowspan="{sizes[record.sector]}">{esc(record.sector)}</th>')
            previous = record.sector
        cells.append(f'<td class="ticker">{esc(record.ticker)}</td>')
        cells.append(f'<td>{esc(record.name)}</td>')
        cells.append(f'<td class="num">{fmt_number(record.market_cap)}</td>')
        cells.append(f'<td>{esc(record.unit)}</td>')
        for value in (record.week_pct, record.month_pct, record.ytd_pct):
            cells.append(f'<td class="num {direction(value)}">{fmt_pct(value)}</td>')
        rows.append("<tr>" + "".join(cells) + "</tr>")
    return _wrap_table(f'<table id="{table_id}" class="suanli-stocks">{head}<tbody>{"".join(rows)}</tbody></table>')


SERIES_COLUMNS = {
    "traffic": (("site", "网站"), ("week_start", "周起"), ("week_end", "周止"), ("visits", "访问量 (万次)")),
    "downloads": (("app", "App"), ("month", "月份"), ("downloads", "下载量 (万次)"), ("partial", "统计")),
    "gpu_prices": (("gpu", "GPU"), ("condition", "成色"), ("date", "日期"), ("price_usd", "价格 (美元)")),
}


def _cell(column: str, value: object) -> str:
    if isinstance(value, Decimal):
        return f'<td class="num">{fmt_number(value)}</td>'
    if column == "partial":
        return f"<td>{'非完全统计' if value else '完整月份'}</td>"
    text = value.isoformat() if hasattr(value, "isoformat") else str(value)
    return f"<td>{esc(text)}</td>"


def series_table_html(kind: str, frame: pd.DataFrame, table_id: str) -> str:
    columns = SERIES_COLUMNS[kind]
    head = "".join(f'<th scope="col">{esc(title)}</th>' for _, title in columns)
    rows = "".join("<tr>" + "".join(_cell(name, getattr(r, name)) for name, _ in columns) + "</tr>"
                   for r in frame.itertuples(index=False))
    return _wrap_table(f'<table id="{table_id}"><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>')


# --- home ------------------------------------------------------------------------


def home_page(dataset: Dataset) -> str:
    latest = dataset.latest
    link = f"issues/{latest.slug}/index.md"
    out = [f"# {SERIES_NAME}", "",
           "AI 算力板块周报：GPU、存储、晶圆代工、云计算与数据中心个股复盘，AI 应用流量与下载，GPU 价格，本周要闻与建议关注。", "",
           f"## 最新一期：{latest.slug} {{#latest}}", "",
           f"### [{md_text(latest.title)}]({link})", ""]
    for section in dict.fromkeys(h.section for h in latest.highlights):
        out += [f"**{md_text(section)}**", ""]
        out += [f"- {md_text(h.heading)}" for h in latest.highlights if h.section == section]
        out.append("")
    out += [f"[阅读全文 →]({link}){{ .md-button .md-button--primary }}", ""]
    return "\n".join(out)


def chart_csv(frame: pd.DataFrame) -> str:
    """A chart's data as CSV: ISO dates, numbers exactly as entered, LF line ends."""
    out = frame.copy()
    for column in out.columns:
        out[column] = out[column].map(_csv_value)
    return out.to_csv(index=False, lineterminator="\n")


def _csv_value(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        return format(value, "f")
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)

