"""Sector pages (/sectors/ and /sectors/<slug>/): members, and the median weekly change per issue."""

from __future__ import annotations

import pandas as pd

from suanli.render import descriptions as describe
from suanli.render import urls
from suanli.render.company_pages import CompanyRecord
from suanli.render.csv_table import Column, chart_csv
from suanli.render.formats import fmt_pct
from suanli.render.html import Page, PageWriter, fragment, page_meta
from suanli.render.markup import md_text

# medians.csv, beside each sector page: derive.sector_medians' frame, typed
MEDIAN_COLUMNS = (Column("date", "date"), Column("median_week_pct", "number"), Column("companies", "integer"))


def medians_csv(frame: pd.DataFrame) -> str:
    return chart_csv(frame, MEDIAN_COLUMNS)


def sector_index_page(sectors: tuple[str, ...], records: list[CompanyRecord], medians: dict[str, pd.DataFrame]) -> Page:
    out = [
        "# 板块",
        "",
        "股价复盘表按板块分组；板块页列出成分公司与每期本周涨跌幅的中位数。",
        "",
        "| 板块 | 公司数 | 最近一期 | 本周涨跌幅中位数 |",
        "| --- | ---: | --- | ---: |",
    ]
    for sector in sectors:
        members = sum(1 for r in records if r.company.sector == sector)
        frame = medians[sector]
        last = (frame.iloc[-1]["date"], fmt_pct(frame.iloc[-1]["median_week_pct"])) if len(frame) else ("—", "—")
        link = urls.md_link(urls.SECTOR_INDEX, urls.sector_page(sector))
        out.append(f"| [{md_text(sector)}]({link}) | {members} | {last[0]} | {md_text(last[1])} |")
    return Page("\n".join(out) + "\n", meta=page_meta(describe.sectors(sectors)))


def sector_page(sector: str, records: list[CompanyRecord], medians: pd.DataFrame) -> Page:
    page = urls.sector_page(sector)
    members = [r for r in records if r.company.sector == sector]
    meta = page_meta(describe.sector(sector, len(members), medians))
    out = PageWriter()
    out.add(f"# {md_text(sector)}", "", f"板块成分公司 {len(members)} 家。", "", "## 成分公司 {#members}", "")
    items = [
        (
            None,
            r.company.name,
            urls.href(page, urls.company_page(r.company)),
            f"（{r.company.ticker}） · 出现于 {len(r.history)} 期",
        )
        for r in members
    ]
    if items:
        out.block(fragment("link_list.html", items=items), searchable=True)
    out.add("## 本周涨跌幅中位数 {#medians}", "")
    if medians.empty:
        out.add("该板块的公司尚未出现在任何一期的股价复盘表中。", "")
        return out.page(meta)
    out.add("每期股价复盘表中，该板块公司本周涨跌幅的中位数。", "")
    rows = [
        {
            "date": r.date,
            "href": urls.href(page, urls.issue_page(str(r.date))),
            "companies": r.companies,
            "median": r.median_week_pct,
        }
        for r in medians.iloc[::-1].itertuples(index=False)
    ]
    out.block(
        fragment(
            "chart_figure.html",
            charts=[("sector_week", f"{sector}板块历次本周涨跌幅中位数")],
            csv=urls.MEDIANS_CSV,
            download=urls.sector_medians_download(sector),
            table_id="medians-table",
            table=fragment("medians_table.html", rows=rows),
            collapse_table=False,
            caption_lines=[],
        )
    )
    return out.page(meta)
