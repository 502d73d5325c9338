"""Sector pages (/sectors/ and /sectors/<slug>/): members, and the median weekly change per issue."""

from __future__ import annotations

from decimal import Decimal

import pandas as pd

from suanli.contract import sector_slug
from suanli.render.company_pages import CompanyRecord
from suanli.render.formats import chart_figure, direction, fmt_pct, wrap_table
from suanli.render.markup import esc, md_text

MEDIANS_CSV = "medians.csv"


def sector_path(sector: str) -> str:
    return f"sectors/{sector_slug(sector)}/index.md"


def sector_index_page(sectors: tuple[str, ...], records: list[CompanyRecord], medians: dict[str, pd.DataFrame]) -> str:
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
        out.append(
            f"| [{md_text(sector)}]({sector_slug(sector)}/index.md) | {members} | {last[0]} | {md_text(last[1])} |"
        )
    return "\n".join(out) + "\n"


def sector_page(sector: str, records: list[CompanyRecord], medians: pd.DataFrame) -> str:
    members = [r for r in records if r.company.sector == sector]
    out = [f"# {md_text(sector)}", "", f"板块成分公司 {len(members)} 家。", "", "## 成分公司 {#members}", ""]
    out += [
        f"- [{md_text(r.company.name)}](../../companies/{r.company.slug}/index.md)（{md_text(r.company.ticker)}）"
        f" · 出现于 {len(r.history)} 期"
        for r in members
    ]
    out += ["", "## 本周涨跌幅中位数 {#medians}", ""]
    if medians.empty:
        return "\n".join(out + ["该板块的公司尚未出现在任何一期的股价复盘表中。", ""])
    out += ["每期股价复盘表中，该板块公司本周涨跌幅的中位数。", ""]
    out += chart_figure(
        [("sector_week", f"{sector}板块历次本周涨跌幅中位数")],
        MEDIANS_CSV,
        f"{sector_slug(sector)}-本周涨跌幅中位数.csv",
        "medians-table",
        _medians_table(medians),
        collapse_table=False,
    )
    return "\n".join(out).rstrip("\n") + "\n"


def _medians_table(medians: pd.DataFrame) -> str:
    head = (
        '<thead><tr><th scope="col">期次</th><th scope="col">成分股数</th>'
        '<th scope="col">本周涨跌幅中位数</th></tr></thead>'
    )
    rows = "".join(
        _medians_row(r.date, r.companies, r.median_week_pct)  # type: ignore[arg-type]
        for r in medians.iloc[::-1].itertuples(index=False)
    )
    return wrap_table(f'<table id="medians-table">{head}<tbody>{rows}</tbody></table>')


def _medians_row(date: str, companies: int, median_week_pct: Decimal) -> str:
    return (
        f'<tr><th scope="row"><a href="../../issues/{date}/">{esc(date)}</a></th><td class="num">{companies}</td>'
        f'<td class="num {direction(median_week_pct)}">{fmt_pct(median_week_pct)}</td></tr>'
    )
