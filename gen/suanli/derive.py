"""Pure tables derived from the models: what each exhibit shows, as of its issue.

The as-of rule: an issue shows the series as they stood on its date. A traffic
row counts from its week_end, a downloads row from its month (the issue's own
month may appear, marked partial), a GPU price from its date. Rows after the
issue's date never reach that issue's page or chart data.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from .contract import (
    CURRENCY_UNITS, GPU_CONDITION_NAMES, TRAFFIC_CATEGORY_NAMES, Exhibit, Issue, Registry, Series,
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
