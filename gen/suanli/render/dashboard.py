"""The home page: the week at a glance, every part of it from the data.

The latest issue's title and key points, its 本周变化, the current 建议关注, each sector's median weekly
change over the last eight issues, the latest stock chart, and the last eight issues. The chart sits
screens below the top, so on a phone Vega loads only when the reader scrolls to it (charts.js).
"""

from __future__ import annotations

import pandas as pd
from markupsafe import Markup

from suanli.contract import Dataset, Issue
from suanli.derive import changes as week
from suanli.derive import tables as derive
from suanli.render import descriptions as describe
from suanli.render import urls
from suanli.render.html import Page, PageWriter, fragment, page_meta
from suanli.render.issue_pages import recommendations, stock_table, week_changes
from suanli.render.markup import md_text

RECENT = 8  # issues in the sector table and the list of recent issues
PAGE = urls.HOME


def home_page(dataset: Dataset, medians: dict[str, pd.DataFrame]) -> Page:
    latest = dataset.latest
    out = PageWriter()
    out.add(f"# {urls.SERIES_NAME}", "")
    out.add(f"## 最新一期：{latest.slug} {{#latest}}", "")
    out.add(f"### [{md_text(latest.title)}]({urls.md_link(PAGE, urls.issue_page(latest))})", "")
    for section in dict.fromkeys(h.section for h in latest.highlights):
        out.add(f"**{md_text(section)}**", "")
        out.add(*(f"- {md_text(h.heading)}" for h in latest.highlights if h.section == section), "")
    out.add(f"[阅读全文 →]({urls.md_link(PAGE, urls.issue_page(latest))}){{ .md-button .md-button--primary }}", "")

    previous = week.previous_issue(dataset.issues, len(dataset.issues) - 1)
    out.add("## 本周变化 {#changes}", "")
    out.block(week_changes(week.week_changes(latest, previous), dataset.registry, PAGE))

    if latest.recommendations:
        out.add("## 建议关注 {#recommendations}", "")
        out.block(recommendations(latest, dataset.registry, PAGE))

    recent = dataset.issues[-RECENT:]
    out.add(f"## 各板块近 {len(recent)} 期 {{#sectors}}", "")
    out.add("每期股价复盘表中，各板块公司本周涨跌幅的中位数（%）。", "")
    out.block(sector_grid(dataset, medians, recent))

    stocks = next((e for e in sorted(latest.exhibits, key=lambda e: e.number) if e.kind == "stocks"), None)
    if stocks is not None:
        out.add(f"## 图表 {stocks.number}：{md_text(stocks.title)} {{#stocks}}", "")
        csv = urls.beside(urls.issue_page(latest), urls.exhibit_csv(stocks.number))
        out.block(
            fragment(
                "chart_figure.html",
                charts=[("stocks", f"图表 {stocks.number}：{stocks.title}")],
                csv=urls.href(PAGE, csv),
                download=urls.exhibit_download(latest, stocks.number),
                table_id="home-stocks-data",
                table=stock_table(derive.stock_records(latest, dataset.registry), "home-stocks-table", PAGE),
                collapse_table=True,
                caption_lines=[f"来源：{stocks.source}"] if stocks.source else [],
            )
        )

    out.add(f"## 近 {len(recent)} 期 {{#recent}}", "")
    items = [(issue.slug, issue.title, urls.href(PAGE, urls.issue_page(issue)), "") for issue in reversed(recent)]
    out.block(fragment("link_list.html", items=items), searchable=True)
    out.add(f"[全部 {len(dataset.issues)} 期 →]({urls.md_link(PAGE, urls.ARCHIVE)})", "")
    return out.page(page_meta(describe.home(dataset)))


def sector_grid(dataset: Dataset, medians: dict[str, pd.DataFrame], recent: tuple[Issue, ...]) -> Markup:
    """Sectors down, the last eight issues across, each cell the sector's median 本周涨跌幅, red up and
    green down; a sector absent from an issue's table shows a dash."""
    dates = [issue.slug for issue in recent]
    rows = []
    for sector in dataset.registry.sectors:
        by_date = dict(zip(medians[sector]["date"], medians[sector]["median_week_pct"], strict=True))
        rows.append((sector, urls.href(PAGE, urls.sector_page(sector)), [by_date.get(d) for d in dates]))
    columns = [(d[5:].replace("-", "/"), urls.href(PAGE, urls.issue_page(d))) for d in dates]
    label = f"各板块近 {len(dates)} 期本周涨跌幅中位数"
    return fragment("sector_grid.html", columns=columns, rows=rows, label=label)
