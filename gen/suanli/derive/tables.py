"""Pure tables derived from the models: what each exhibit shows, as of its issue.

The as-of rule: an issue shows the series as they stood on its date. A traffic
row counts from its week_end, a downloads row from its month (the issue's own
month may appear, marked partial), a GPU price from its date. Rows after the
issue's date never reach that issue's page or chart data. Each exhibit shows a
window up to that date (52 weeks; 24 months of downloads), so an issue's page
stays the same size however long the archive grows.
"""

from __future__ import annotations

import datetime as dt
import re
import statistics
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import NamedTuple

import numpy as np
import pandas as pd

from suanli.contract import (
    CURRENCY_UNITS,
    Company,
    Dataset,
    Exhibit,
    Issue,
    Registry,
    Series,
    StockRow,
    month_number,
)
from suanli.contract import series_window as contract_window


def series_key(exhibit: Exhibit) -> str | None:
    """Which series of its kind an exhibit draws: a traffic category, a GPU, or (downloads) the one."""
    return exhibit.category if exhibit.kind == "traffic" else exhibit.gpu if exhibit.kind == "gpu_prices" else None


def sorted_series(series: Series, kind: str, key: str | None) -> tuple[pd.DataFrame, np.ndarray]:
    """One series (one traffic category, one GPU, or the downloads) sorted by date, with each row's
    day (or month) number for bisecting."""
    if kind == "traffic":
        frame = series.traffic.loc[series.traffic["category"] == key].sort_values(["week_end", "site"], kind="stable")
        order = [d.toordinal() for d in frame["week_end"]]
    elif kind == "downloads":
        frame = series.downloads.sort_values(["month", "app"], kind="stable")
        order = [month_number(m) for m in frame["month"]]
    elif kind == "gpu_prices":
        frame = series.gpu_prices.loc[series.gpu_prices["gpu"] == key].sort_values(["date", "condition"], kind="stable")
        order = [d.toordinal() for d in frame["date"]]
    else:
        raise ValueError(f"{kind} is not a series exhibit")
    return frame.reset_index(drop=True), np.asarray(order, dtype=np.int64)


class SeriesTables:
    """The series of one loaded dataset, each sorted once (on first use) and kept for as long as this
    object lives (one build), so each issue's window costs a bisection, not a scan of the whole file."""

    def __init__(self, series: Series) -> None:
        self.series = series
        self._sorted: dict[tuple[str, str | None], tuple[pd.DataFrame, np.ndarray]] = {}

    def sorted(self, kind: str, key: str | None) -> tuple[pd.DataFrame, np.ndarray]:
        if (kind, key) not in self._sorted:
            self._sorted[kind, key] = sorted_series(self.series, kind, key)
        return self._sorted[kind, key]

    def window(self, exhibit: Exhibit, as_of: dt.date) -> slice:
        """Which rows of the sorted series the issue of `as_of` shows: its window, up to its date."""
        _, order = self.sorted(exhibit.kind, series_key(exhibit))
        first, last = contract_window(exhibit.kind, as_of)
        return slice(int(np.searchsorted(order, first, "left")), int(np.searchsorted(order, last, "right")))

    def as_of(self, exhibit: Exhibit, as_of: dt.date) -> pd.DataFrame:
        """The rows of a series exhibit as they stood on `as_of`, within its window, in chart order."""
        frame, _ = self.sorted(exhibit.kind, series_key(exhibit))
        rows = frame.iloc[self.window(exhibit, as_of)].reset_index(drop=True)
        if exhibit.kind == "downloads":
            # On its issue's date the issue's own month was not complete, whatever the row says today.
            rows["partial"] = rows["partial"] | (rows["month"] == as_of.strftime("%Y-%m"))
        return rows


class StockRecord(NamedTuple):
    """One row of an issue's stock review table, with what the page shows beside the numbers."""

    sector: str
    ticker: str
    name: str
    slug: str
    market_cap: Decimal
    currency: str
    unit: str
    week_pct: Decimal
    month_pct: Decimal
    ytd_pct: Decimal
    order: int


STOCK_CHART_COLUMNS = ("order", "sector", "ticker", "name", "market_cap", "unit", "week_pct", "month_pct", "ytd_pct")


def stock_records(issue: Issue, registry: Registry) -> tuple[StockRecord, ...]:
    """The stock review table: one row per company, grouped by sector in the
    registry's sector order, keeping the CSV's row order within each sector."""
    companies = registry.by_ticker
    sector_rank = registry.sector_rank
    rows = sorted(issue.stocks, key=lambda row: sector_rank[companies[row.ticker].sector])  # stable: CSV order kept
    return tuple(
        StockRecord(
            companies[row.ticker].sector,
            row.ticker,
            companies[row.ticker].name,
            companies[row.ticker].slug,
            row.market_cap,
            row.currency,
            CURRENCY_UNITS[row.currency],
            row.week_pct,
            row.month_pct,
            row.ytd_pct,
            order,
        )
        for order, row in enumerate(rows, 1)
    )


def stock_chart_rows(records: tuple[StockRecord, ...]) -> list[tuple[object, ...]]:
    """The stock chart's data (its CSV), in STOCK_CHART_COLUMNS order."""
    return [tuple(getattr(r, c) for c in STOCK_CHART_COLUMNS) for r in records]


# --- across issues: companies and sectors ------------------------------------------


@dataclass(frozen=True)
class Appearance:
    """One company's row in one issue's stock table."""

    issue: Issue
    row: StockRow


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


def _name_pattern(company: Company) -> re.Pattern[str]:
    # Latin names must stand alone (AMD, not AMDX); Chinese names have no word boundaries to respect.
    labels = sorted(
        {company.name, *(company.aliases), *([company.name_en] if company.name_en else [])}, key=len, reverse=True
    )
    parts = [
        rf"(?<![A-Za-z0-9]){re.escape(label)}(?![A-Za-z0-9])" if label.isascii() else re.escape(label)
        for label in labels
    ]
    return re.compile("|".join(parts))


def issue_prose(issue: Issue) -> str:
    return "\n".join([issue.title, *(h.heading for h in issue.highlights), *(h.body or "" for h in issue.highlights)])


def name_patterns(registry: Registry) -> dict[str, re.Pattern[str]]:
    """Each company's names (name, English name, aliases) as one pattern, by ticker."""
    return {c.ticker: _name_pattern(c) for c in registry.companies}


def names_in(issue: Issue, patterns: dict[str, re.Pattern[str]]) -> tuple[str, ...]:
    """The tickers whose company the issue's prose names, in the patterns' order."""
    prose = issue_prose(issue)
    return tuple(ticker for ticker, pattern in patterns.items() if pattern.search(prose))


def mentions(dataset: Dataset, named: Callable[[Issue], tuple[str, ...]] | None = None) -> dict[str, list[Issue]]:
    """For each company, the issues whose prose names it (by name, English name or alias), oldest first.
    `named`: names_in for each issue, as a preview session memoizes it (site/assemble.py)."""
    patterns = name_patterns(dataset.registry)
    out: dict[str, list[Issue]] = {ticker: [] for ticker in patterns}
    for issue in dataset.issues:
        for ticker in named(issue) if named is not None else names_in(issue, patterns):
            out[ticker].append(issue)
    return out


COMPANY_CHART_COLUMNS = ("date", "market_cap", "unit", "week_pct", "month_pct", "ytd_pct")


def company_chart_rows(history: list[Appearance]) -> list[tuple[str, Decimal, str, Decimal, Decimal, Decimal]]:
    """A company page's chart data (its CSV), in COMPANY_CHART_COLUMNS order."""
    return [
        (
            a.issue.date.isoformat(),
            a.row.market_cap,
            CURRENCY_UNITS[a.row.currency],
            a.row.week_pct,
            a.row.month_pct,
            a.row.ytd_pct,
        )
        for a in history
    ]


def sector_medians(dataset: Dataset) -> dict[str, pd.DataFrame]:
    """For each sector, its members' median 本周涨跌幅 per issue (issues where it has members), oldest first."""
    sector_of = {c.ticker: c.sector for c in dataset.registry.companies}
    rows: dict[str, list[dict[str, object]]] = {sector: [] for sector in dataset.registry.sectors}
    for issue in dataset.issues:
        by_sector: dict[str, list[Decimal]] = {}
        for row in issue.stocks:
            by_sector.setdefault(sector_of[row.ticker], []).append(row.week_pct)
        for sector, values in by_sector.items():
            rows[sector].append(
                {"date": issue.date.isoformat(), "median_week_pct": statistics.median(values), "companies": len(values)}
            )
    return {
        sector: pd.DataFrame.from_records(records, columns=["date", "median_week_pct", "companies"])
        for sector, records in rows.items()
    }
