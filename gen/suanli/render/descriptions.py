"""What each page says about itself in <head>: its `<meta name="description">`, which link previews, search
engines and feed readers show under its title. Built from the page's data, in plain text, so no two pages
share one (the page's own date, name or count is in each) and a preview says what that page holds.

Each function is pure: data in, one sentence or two out, at most DESCRIPTION_LIMIT characters.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from suanli.contract import CURRENCY_UNITS, Dataset, Issue
from suanli.derive.track_record import TrackRecord
from suanli.render.formats import fmt_number, fmt_pct
from suanli.render.urls import SERIES_NAME

if TYPE_CHECKING:  # company_pages imports this module
    from suanli.render.company_pages import CompanyRecord

# Search engines show about 120 Chinese characters; a preview card fewer. Longer is cut at a character.
DESCRIPTION_LIMIT = 150


def clipped(text: str) -> str:
    """One line, at most DESCRIPTION_LIMIT characters (… where it was cut)."""
    text = " ".join(text.split())
    return text if len(text) <= DESCRIPTION_LIMIT else text[: DESCRIPTION_LIMIT - 1] + "…"


def sentence(text: str) -> str:
    """Text ending as a sentence ends: with its own 。！？.!? or with 。 added."""
    text = text.strip()
    return text if text.endswith(("。", "！", "？", ".", "!", "?", "…")) else text + "。"


def issue(issue: Issue) -> str:
    """The issue's date and title, then its first key point."""
    return clipped(f"{SERIES_NAME} {issue.slug}：{sentence(issue.title)}{sentence(issue.highlights[0].heading)}")


def home(dataset: Dataset) -> str:
    latest = dataset.latest
    return clipped(
        f"{SERIES_NAME}：AI 算力板块周报，共 {len(dataset.issues)} 期。最新一期 {latest.slug}《{latest.title}》，"
        "附本周变化、建议关注、板块中位数与股价复盘图。"
    )


def latest(dataset: Dataset) -> str:
    latest = dataset.latest
    return clipped(f"跳转到{SERIES_NAME}最新一期：{latest.slug}《{latest.title}》。")


def archive(dataset: Dataset) -> str:
    first, last = dataset.issues[0], dataset.latest
    return clipped(
        f"{SERIES_NAME}全部 {len(dataset.issues)} 期（{first.slug} 至 {last.slug}），最新在前，附每期标题与第一条要点。"
    )


def company(record: CompanyRecord) -> str:
    """Its name, ticker and sector, and its latest figures in the stock table (or that it has none)."""
    company = record.company
    name = f"{company.name}（{company.ticker}，{company.sector}）"
    if not record.history:
        return clipped(f"{name}：尚未出现在{SERIES_NAME}的股价复盘表中；建议关注与正文提及记录。")
    last = record.history[-1]
    row = last.row
    unit = CURRENCY_UNITS[row.currency]
    return clipped(
        f"{name}在{SERIES_NAME}中的记录：{len(record.history)} 期股价复盘，最近一期 {last.issue.slug} "
        f"本周 {fmt_pct(row.week_pct)}、本年 {fmt_pct(row.ytd_pct)}，市值 {fmt_number(row.market_cap)} {unit}。"
    )


def companies(records: list[CompanyRecord]) -> str:
    return clipped(
        f"{SERIES_NAME}涉及的全部 {len(records)} 家公司：最新本周涨跌幅与市值、板块、代码、出现期数；"
        "可按名称、代码、别名或拼音筛选。"
    )


def sectors(sector_names: tuple[str, ...]) -> str:
    return clipped(
        f"{SERIES_NAME}的 {len(sector_names)} 个板块（{'、'.join(sector_names)}）：成分公司数与最近一期本周涨跌幅中位数。"
    )


def sector(name: str, members: int, medians: pd.DataFrame) -> str:
    """The sector, its size, and its latest median weekly change."""
    head = f"{name}板块：成分公司 {members} 家"
    if medians.empty:
        return clipped(f"{head}，尚未出现在{SERIES_NAME}的股价复盘表中。")
    last = medians.iloc[-1]
    return clipped(
        f"{head}；{len(medians)} 期股价复盘中本周涨跌幅的中位数，最近一期 {last['date']} 为 "
        f"{fmt_pct(last['median_week_pct'])}。"
    )


def track_record(dataset: Dataset, record: TrackRecord) -> str:
    """How many issues' 建议关注 are scored, and up to which close (or that prices are missing)."""
    listed = sum(1 for i in dataset.issues if i.recommendations)
    if record.latest is None:
        return clipped(f"{SERIES_NAME}建议关注的业绩回顾：{listed} 期建议关注，尚无收盘价可计分。")
    return clipped(
        f"{SERIES_NAME}建议关注的业绩回顾：{listed} 期建议关注组合与基准的累计收益、每期收益、超额与胜率，"
        f"分组与个股记录，数据截至 {record.latest.isoformat()} 收盘。"
    )


def downloads(dataset: Dataset) -> str:
    return clipped(
        f"{SERIES_NAME}数据下载：{len(dataset.issues)} 期股价复盘表、建议关注与业绩的 CSV，期次与公司索引（JSON），"
        "及描述各列的 Frictionless 数据包。"
    )
