"""Pure tables derived from the models: what each exhibit shows, as of its issue.

The as-of rule: an issue shows the series as they stood on its date. A traffic
row counts from its week_end, a downloads row from its month (the issue's own
month may appear, marked partial), a GPU price from its date. Rows after the
issue's date never reach that issue's page or chart data.
"""

from __future__ import annotations

import datetime as dt
import re
import statistics
from dataclasses import dataclass
from decimal import Decimal

import pandas as pd

from .contract import (
    CURRENCY_UNITS, GPU_CONDITION_NAMES, TRAFFIC_CATEGORY_NAMES, Company, Dataset, Exhibit, Issue, Registry,
    Series, StockRow,
)


def series_as_of(series: Series, exhibit: Exhibit, as_of: dt.date) -> pd.DataFrame:
    """The rows of a series exhibit as they stood on `as_of`, in chart order."""
    if exhibit.kind == "traffic":
        frame = series.traffic
        keep = (frame["category"] == exhibit.category) & (frame["week_end"] <= as_of)
        return frame.loc[keep].sort_values(["week_end", "site"], kind="stable").reset_index(drop=True)
    if exhibit.kind == "downloads":
        frame, month = series.downloads, as_of.strftime("%Y-%m")
        rows = frame.loc[frame["month"] <= month].sort_values(["month", "app"], kind="stable").reset_index(drop=True)
        # On its issue's date the issue's own month was not complete, whatever the row says today.
        rows["partial"] = rows["partial"] | (rows["month"] == month)
        return rows
    if exhibit.kind == "gpu_prices":
        frame = series.gpu_prices
        keep = (frame["gpu"] == exhibit.gpu) & (frame["date"] <= as_of)
        return frame.loc[keep].sort_values(["date", "condition"], kind="stable").reset_index(drop=True)
    raise ValueError(f"{exhibit.kind} is not a series exhibit")


def stock_table(issue: Issue, registry: Registry) -> pd.DataFrame:
    """The stock review table: one row per company, grouped by sector in the
    registry's sector order, keeping the CSV's row order within each sector."""
    companies = registry.by_ticker
    sector_rank = {sector: i for i, sector in enumerate(registry.sectors)}
    rows = []
    for position, row in enumerate(issue.stocks):
        company = companies[row.ticker]
        rows.append({
            "sector": company.sector, "ticker": row.ticker, "name": company.name, "slug": company.slug,
            "market_cap": row.market_cap, "currency": row.currency, "unit": CURRENCY_UNITS[row.currency],
            "week_pct": row.week_pct, "month_pct": row.month_pct, "ytd_pct": row.ytd_pct,
            "_sector_rank": sector_rank[company.sector], "_position": position,
        })
    frame = pd.DataFrame.from_records(rows, columns=[
        "sector", "ticker", "name", "slug", "market_cap", "currency", "unit", "week_pct", "month_pct", "ytd_pct",
        "_sector_rank", "_position"])
    frame = frame.sort_values(["_sector_rank", "_position"], kind="stable")
    frame["order"] = range(1, len(frame) + 1)
    return frame.drop(columns=["_sector_rank", "_position"]).reset_index(drop=True)


# --- chart data: the exact frames a chart draws and its CSV download holds ---------


def stocks_chart_data(table: pd.DataFrame) -> pd.DataFrame:
    return table[["order", "sector", "ticker", "name", "market_cap", "unit", "week_pct", "month_pct", "ytd_pct"]]


def traffic_chart_data(rows: pd.DataFrame) -> pd.DataFrame:
    frame = rows[["week_start", "week_end", "category", "site", "visits"]].copy()
    frame["category"] = frame["category"].map(TRAFFIC_CATEGORY_NAMES)
    return frame


def downloads_chart_data(rows: pd.DataFrame) -> pd.DataFrame:
    return rows[["month", "app", "downloads", "partial"]]


def gpu_prices_chart_data(rows: pd.DataFrame) -> pd.DataFrame:
    frame = rows[["date", "gpu", "condition", "price_usd"]].copy()
    frame["condition"] = frame["condition"].map(GPU_CONDITION_NAMES)
    return frame


# --- across issues: companies and sectors ------------------------------------------


@dataclass(frozen=True)
class Appearance:
    """One company's row in one issue's stock table."""

    issue: Issue
    row: StockRow


def sector_slug(sector: str) -> str:
    """URL slug of a sector page: CPU/GPU -> cpu-gpu, 端侧 SoC -> 端侧-soc (letters, digits and Chinese
    kept, as in heading anchors; anything else, markup included, becomes a hyphen)."""
    return re.sub(r"[\W_]+", "-", sector.strip().lower()).strip("-")


def appearances(dataset: Dataset) -> dict[str, list[Appearance]]:
    """Every company's stock-table rows across issues, oldest first (one pass over all issues)."""
    out: dict[str, list[Appearance]] = {c.ticker: [] for c in dataset.registry.companies}
    for issue in dataset.issues:
        for row in issue.stocks:
            out[row.ticker].append(Appearance(issue, row))
    return out


def recommendations_by_company(dataset: Dataset) -> dict[str, list[tuple[Issue, str]]]:
    """For each company, the issues that recommended it and under which segment, oldest first."""
    out: dict[str, list[tuple[Issue, str]]] = {c.ticker: [] for c in dataset.registry.companies}
    for issue in dataset.issues:
        for rec in issue.recommendations:
            for ticker in dict.fromkeys(rec.tickers):
                out[ticker].append((issue, rec.segment))
    return out


def _name_pattern(company: Company) -> re.Pattern:
    # Latin names must stand alone (AMD, not AMDX); Chinese names have no word boundaries to respect.
    labels = sorted({company.name, *(company.aliases), *([company.name_en] if company.name_en else [])},
                    key=len, reverse=True)
    parts = [rf"(?<![A-Za-z0-9]){re.escape(label)}(?![A-Za-z0-9])" if label.isascii() else re.escape(label)
             for label in labels]
    return re.compile("|".join(parts))


def issue_prose(issue: Issue) -> str:
    return "\n".join([issue.title, *(h.heading for h in issue.highlights), *(h.body or "" for h in issue.highlights)])


def mentions(dataset: Dataset) -> dict[str, list[Issue]]:
    """For each company, the issues whose prose names it (by name, English name or alias), oldest first."""
    patterns = {c.ticker: _name_pattern(c) for c in dataset.registry.companies}
    out: dict[str, list[Issue]] = {ticker: [] for ticker in patterns}
    for issue in dataset.issues:
        prose = issue_prose(issue)
        for ticker, pattern in patterns.items():
            if pattern.search(prose):
                out[ticker].append(issue)
    return out


def company_chart_data(history: list[Appearance]) -> pd.DataFrame:
    return pd.DataFrame.from_records(
        [{"date": a.issue.date.isoformat(), "market_cap": a.row.market_cap, "unit": CURRENCY_UNITS[a.row.currency],
          "week_pct": a.row.week_pct, "month_pct": a.row.month_pct, "ytd_pct": a.row.ytd_pct} for a in history],
        columns=["date", "market_cap", "unit", "week_pct", "month_pct", "ytd_pct"])


def sector_medians(dataset: Dataset) -> dict[str, pd.DataFrame]:
    """For each sector, its members' median 本周涨跌幅 per issue (issues where it has members), oldest first."""
    sector_of = {c.ticker: c.sector for c in dataset.registry.companies}
    rows: dict[str, list[dict]] = {sector: [] for sector in dataset.registry.sectors}
    for issue in dataset.issues:
        by_sector: dict[str, list[Decimal]] = {}
        for row in issue.stocks:
            by_sector.setdefault(sector_of[row.ticker], []).append(row.week_pct)
        for sector, values in by_sector.items():
            rows[sector].append({"date": issue.date.isoformat(), "median_week_pct": statistics.median(values),
                                 "companies": len(values)})
    return {sector: pd.DataFrame.from_records(records, columns=["date", "median_week_pct", "companies"])
            for sector, records in rows.items()}
