"""Models and derived tables -> the issue pages, the archive and /latest/.

Page text is Markdown, so MkDocs builds the table of contents and the search index from real
headings and checks every link; tables, figures and the authors' prose are HTML fragments from
templates (html.py), spliced in after Markdown. Every data string passes through `md_text` (in
Markdown) or the templates' autoescaping (in HTML); every URL comes from urls.py.
"""

from __future__ import annotations

from itertools import groupby

from markupsafe import Markup

from suanli.contract import (
    CURRENCY_UNITS,
    DEFAULT_SECTION,
    Dataset,
    Exhibit,
    Issue,
    Registry,
)
from suanli.derive import changes as week
from suanli.derive import tables as derive
from suanli.render import descriptions as describe
from suanli.render import urls
from suanli.render.csv_table import rows_csv
from suanli.render.exhibit_csv import EXHIBIT_COLUMNS, SeriesCsv
from suanli.render.formats import direction, fmt_number, fmt_pct
from suanli.render.html import Page, PageWriter, fragment, page_meta
from suanli.render.markup import author_markdown, md_text

# --- the issue page --------------------------------------------------------------


# An issue next to another in the archive, as its footer names it: (slug, title)
Neighbour = tuple[str, str]


def neighbours_at(issues: tuple[Issue, ...], position: int) -> tuple[Neighbour | None, Neighbour | None]:
    """The issues before and after the one at `position` (None at either end): all an issue page reads of
    the others."""
    older = (issues[position - 1].slug, issues[position - 1].title) if position > 0 else None
    newer = (issues[position + 1].slug, issues[position + 1].title) if position < len(issues) - 1 else None
    return older, newer


def issue_page(
    issue: Issue, previous: Issue | None, older: Neighbour | None, newer: Neighbour | None, registry: Registry
) -> Page:
    """Headings in Markdown (the table of contents, anchors, search sections); everything under them
    an HTML block from a template. It reads nothing but its arguments, `previous` (the issue before it)
    for its 本周变化 (a preview process memoizes it by them: site/assemble.py)."""
    page = urls.issue_page(issue)
    out = PageWriter()
    out.add(f"# {md_text(issue.title)}", "")
    ratings = urls.href(page, urls.RATINGS)
    out.block(fragment("issue_meta.html", issue=issue, series=urls.SERIES_NAME, ratings_href=ratings), searchable=True)
    card = urls.href(page, urls.share_card(issue))
    out.block(fragment("share_card.html", href=card, download=urls.share_card_download(issue)))
    out.add("## 本周变化 {#changes}", "")
    out.block(week_changes(week.week_changes(issue, previous), registry, page))
    _highlights(out, issue)
    for exhibit in sorted(issue.exhibits, key=lambda e: e.number):
        _exhibit(out, issue, exhibit, registry)
    if issue.recommendations:
        out.add("## 建议关注 {#recommendations}", "")
        out.block(recommendations(issue, registry, page), searchable=True)
    if issue.risks:
        out.add("## 风险提示 {#risks}", "")
        out.block(fragment("risks.html", risks=issue.risks), searchable=True)
    if issue.related:
        out.add("## 相关报告 {#related}", "")
        out.block(fragment("related.html", related=issue.related), searchable=True)
    if issue.revisions:
        out.add("## 更正记录 {#revisions}", "")
        out.block(fragment("revisions.html", revisions=issue.revisions), searchable=True)
    out.block(_footer(issue, older, newer), searchable=True)
    return out.page(page_meta(describe.issue(issue), published=issue.date, image=urls.share_card(issue)))


def recommendations(issue: Issue, registry: Registry, page: str) -> Markup:
    """An issue's 建议关注 by segment, names linked from `page` (the issue's, or the home page)."""
    companies = registry.by_ticker
    segments = [
        (
            rec.segment,
            [
                {"name": companies[t].name, "ticker": t, "href": urls.href(page, urls.company_page(t))}
                for t in rec.tickers
            ],
        )
        for rec in issue.recommendations
    ]
    return fragment("recommendations.html", segments=segments)


def week_changes(changes: week.WeekChanges, registry: Registry, page: str) -> Markup:
    """本周变化 as HTML, its names linked from `page`. Not searchable: the names are in the stock table."""
    companies = registry.by_ticker

    def named(tickers: tuple[str, ...]) -> list[tuple[str, str]]:
        return [(companies[t].name, urls.href(page, urls.company_page(t))) for t in tickers]

    def moves(list_: tuple[week.Move, ...]) -> list[tuple[str, str, str, str]]:
        return [(*named((m.ticker,))[0], direction(m.week_pct), fmt_pct(m.week_pct)) for m in list_]

    ranks = [
        (
            f"{CURRENCY_UNITS[currency].removeprefix('亿')}市值",
            [
                (*named((m.ticker,))[0], "up" if m.places > 0 else "down", m.places, m.before, m.after)
                for m in rank_moves
            ],
        )
        for currency, rank_moves in changes.ranks
    ]
    previous = changes.previous
    return fragment(
        "week_changes.html",
        previous=(previous.slug, urls.href(page, urls.issue_page(previous))) if previous else None,
        tables_compared=changes.tables_compared,
        rises=moves(changes.rises),
        falls=moves(changes.falls),
        joined=named(changes.joined),
        dropped=named(changes.dropped),
        segments=[(s.segment, named(s.added), named(s.removed)) for s in changes.segments],
        ranks=ranks,
    )


def _footer(issue: Issue, older: Neighbour | None, newer: Neighbour | None) -> str:
    """Links to the previous and next issue and to the archive, and the legal text's pages."""
    page = urls.issue_page(issue)

    def neighbour(other: Neighbour | None) -> dict[str, str] | None:
        if other is None:
            return None
        slug, title = other
        return {"slug": slug, "title": title, "href": urls.href(page, urls.issue_page(slug))}

    return fragment(
        "issue_footer.html",
        older=neighbour(older),
        newer=neighbour(newer),
        archive_href=urls.href(page, urls.ARCHIVE),
        legal=[(title, urls.href(page, path)) for title, path in urls.LEGAL_PAGES],
    )


def archive_page(dataset: Dataset) -> Page:
    """Every issue, newest first, grouped by year and month (headings), with its first highlight."""
    out = PageWriter()
    out.add("# 往期周报", "", f"共 {len(dataset.issues)} 期，最新在前。", "")
    newest_first = list(reversed(dataset.issues))
    for year, in_year in groupby(newest_first, key=lambda issue: issue.date.year):
        out.add(f"## {year} 年 {{#y{year}}}", "")
        for month, in_month in groupby(in_year, key=lambda issue: issue.date.month):
            out.add(f"### {year} 年 {month} 月 {{#y{year}-{month:02d}}}", "")
            items = [
                (
                    issue.slug,
                    issue.title,
                    urls.href(urls.ARCHIVE, urls.issue_page(issue)),
                    f" — {issue.highlights[0].heading}",
                )
                for issue in in_month
            ]
            out.block(fragment("link_list.html", items=items), searchable=True)
    return out.page(page_meta(describe.archive(dataset)))


def latest_page(dataset: Dataset) -> Page:
    """/latest/: sends the browser on to the newest issue, and says where for anything that does not follow."""
    latest = dataset.latest
    target = urls.issue_page(latest)
    meta = page_meta(
        describe.latest(dataset),
        template="redirect.html",
        redirect=urls.href(urls.LATEST, target),
        search={"exclude": True},
    )
    link = f"[{latest.slug} {md_text(latest.title)}]({urls.md_link(urls.LATEST, target)})"
    return Page(f"# 最新一期\n\n{link}\n", meta=meta)


def _highlights(out: PageWriter, issue: Issue) -> None:
    sections = list(dict.fromkeys(h.section for h in issue.highlights))
    for number, section in enumerate(sections, 1):
        anchor = "highlights" if section == DEFAULT_SECTION else f"section-{number}"
        out.add(f"## {md_text(section)} {{#{anchor}}}", "")
        for h in (h for h in issue.highlights if h.section == section):
            out.add(f"### {md_text(h.heading)}", "")
            if h.body:
                # the sanitizer's output (markup.author_markdown) is the one HTML a template takes as it is
                body = Markup(author_markdown(h.body))
                out.block(fragment("prose.html", body=body), searchable=True, check_links=False)


def _exhibit(out: PageWriter, issue: Issue, exhibit: Exhibit, registry: Registry) -> None:
    out.add(f"## 图表 {exhibit.number}：{md_text(exhibit.title)} {{#exhibit-{exhibit.number}}}", "")
    caption = [f"来源：{exhibit.source}"] if exhibit.source else []
    caption += [f"注：{exhibit.note}"] if exhibit.note else []
    if exhibit.kind == "table":
        assert exhibit.file is not None  # validation requires file: on table exhibits
        out.block(
            fragment(
                "table_exhibit.html",
                table=issue.tables[exhibit.file],
                table_id=f"exhibit-{exhibit.number}-table",
                label=f"图表 {exhibit.number}：{exhibit.title}",
                caption_lines=caption,
            )
        )
        return
    csv = urls.exhibit_csv(exhibit.number)
    if exhibit.kind == "stocks":
        table_id = f"exhibit-{exhibit.number}-table"
        table = stock_table(derive.stock_records(issue, registry), table_id, urls.issue_page(issue))
    else:
        table_id = f"exhibit-{exhibit.number}-data"
        table = fragment("series_table.html", kind=exhibit.kind, csv=csv)
    out.block(
        fragment(
            "chart_figure.html",
            charts=[(exhibit.kind, f"图表 {exhibit.number}：{exhibit.title}")],
            csv=csv,
            download=urls.exhibit_download(issue, exhibit.number),
            table_id=table_id,
            table=table,
            collapse_table=exhibit.kind != "stocks",
            caption_lines=caption,
        )
    )


def stock_table(records: tuple[derive.StockRecord, ...], table_id: str, page: str) -> Markup:
    """The stock table: one row group per sector, in the records' order; names link to company pages
    from `page`. Cells are formatted here, so the template only places (and escapes) text: 33 rows ×
    520 issues."""
    groups: dict[str, list[tuple[object, ...]]] = {}
    for r in records:
        returns = tuple((direction(v), fmt_pct(v)) for v in (r.week_pct, r.month_pct, r.ytd_pct))
        href = urls.href(page, urls.company_page(r.ticker))
        groups.setdefault(r.sector, []).append((r.ticker, r.name, href, returns, fmt_number(r.market_cap), r.unit))
    return fragment("stock_table.html", groups=list(groups.items()), table_id=table_id)


def exhibit_csv(issue: Issue, exhibit: Exhibit, registry: Registry, series: SeriesCsv) -> str:
    """A chart's CSV: a stocks exhibit's reads the registry, the others the series (site/assemble.py's
    memo keys each by that)."""
    if exhibit.kind == "stocks":
        return rows_csv(EXHIBIT_COLUMNS["stocks"], derive.stock_chart_rows(derive.stock_records(issue, registry)))
    return series.exhibit_csv(exhibit, issue.date)
