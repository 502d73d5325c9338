"""The data contract as typed models: what a valid data folder holds.

These are the only shapes the rest of the generator sees; `load` is the only
code that builds them from files. Field names follow `data-contract.md`.
"""

from __future__ import annotations

import bisect
import datetime as dt
import re
from array import array
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # only the Series' annotations: a share card's worker process never loads pandas
    import pandas as pd

CURRENCY_UNITS = {"USD": "亿美元", "CNY": "亿人民币"}
RATINGS = ("强于大市", "跟随大市", "弱于大市")
RATING_CHANGES = ("维持", "上调", "下调", "首次")
EXHIBIT_KINDS = ("stocks", "traffic", "downloads", "gpu_prices", "table")
CHART_EXHIBITS = ("stocks", "traffic", "downloads", "gpu_prices")  # drawn as charts (a table exhibit is a table)
TRAFFIC_CATEGORIES = ("text", "image", "video")
TRAFFIC_CATEGORY_NAMES = {"text": "文本", "image": "图片", "video": "视频"}
GPU_CONDITIONS = ("new", "used")
GPU_CONDITION_NAMES = {"new": "新品", "used": "二手"}
DEFAULT_SECTION = "投资要点"
SERIES_WINDOW_WEEKS = 52  # traffic and GPU-price exhibits show the year up to their issue
DOWNLOAD_WINDOW_MONTHS = 24  # downloads exhibits show two years of months


TICKER = re.compile(r"^[0-9A-Z]+(\.[A-Z]{1,3})$")  # NVDA.O, 688256.SH: symbol.exchange, upper case


def company_slug(ticker: str) -> str:
    """URL slug of a company page: NVDA.O -> nvda-o (fixed by the contract's URLs)."""
    return ticker.lower().replace(".", "-")


def sector_slug(sector: str) -> str:
    """URL slug of a sector page: CPU/GPU -> cpu-gpu, 端侧 SoC -> 端侧-soc (letters, digits and Chinese
    kept, as in heading anchors; anything else, markup included, becomes a hyphen)."""
    return re.sub(r"[\W_]+", "-", sector.strip().lower()).strip("-")


# --- the as-of rule: which rows of a series an issue shows ----------------------------------------
# A traffic row counts from its week_end, a GPU price from its date (positions: day numbers), a
# downloads row from its month (positions: month numbers). An issue shows the rows whose position
# lies in its window: the 52 weeks (24 months) up to and including its date.


def month_number(month: str) -> int:
    """2024-12 -> a number that grows by one a month."""
    return int(month[:4]) * 12 + int(month[5:7]) - 1


def series_window(kind: str, as_of: dt.date) -> tuple[int, int]:
    """The first and last position (inclusive) of the rows a `kind` exhibit of the issue of `as_of` shows."""
    if kind == "downloads":
        last = as_of.year * 12 + as_of.month - 1
        return last - DOWNLOAD_WINDOW_MONTHS + 1, last
    last = as_of.toordinal()
    return last - 7 * SERIES_WINDOW_WEEKS + 1, last


# The characters of a name that each take one pinyin syllable (CJK ideographs); a company's `pinyin`
# gives one syllable per such character of its name, in order.
HAN_CHARACTER = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")


@dataclass(frozen=True)
class Company:
    ticker: str
    name: str
    sector: str
    name_en: str | None = None
    aliases: tuple[str, ...] = ()
    pinyin: str | None = None  # the name's reading when the computed ones miss it: "chang dian ke ji"

    @property
    def slug(self) -> str:
        return company_slug(self.ticker)

    @property
    def symbol(self) -> str:
        """The ticker without its exchange suffix: NVDA.O -> NVDA."""
        return self.ticker.rsplit(".", 1)[0]


@dataclass(frozen=True)
class Registry:
    companies: tuple[Company, ...]

    @cached_property
    def by_ticker(self) -> dict[str, Company]:
        return {c.ticker: c for c in self.companies}

    @cached_property
    def sectors(self) -> tuple[str, ...]:
        """Sectors in order of first appearance (the site's sector order)."""
        return tuple(dict.fromkeys(c.sector for c in self.companies))

    @cached_property
    def sector_rank(self) -> dict[str, int]:
        return {sector: i for i, sector in enumerate(self.sectors)}


@dataclass(frozen=True)
class StockRow:
    ticker: str
    market_cap: Decimal
    currency: str
    week_pct: Decimal
    month_pct: Decimal
    ytd_pct: Decimal
    # its line in stocks.csv, for the QA gate's findings; not part of what the row is (equality, memo keys)
    line: int = field(default=0, compare=False, repr=False)


@dataclass(frozen=True)
class Author:
    name: str
    role: str | None = None
    license: str | None = None
    email: str | None = None


@dataclass(frozen=True)
class Highlight:
    heading: str
    body: str | None = None
    section: str = DEFAULT_SECTION


@dataclass(frozen=True)
class Recommendation:
    segment: str
    tickers: tuple[str, ...]
    # each ticker's line in issue.yaml, for findings and errors about it; not part of what the entry is
    lines: tuple[int, ...] = field(default=(), compare=False, repr=False)

    def line_of(self, index: int) -> int | None:
        return (self.lines[index] or None) if index < len(self.lines) else None


@dataclass(frozen=True)
class Related:
    title: str
    date: dt.date | None = None


@dataclass(frozen=True)
class Revision:
    date: dt.date
    note: str


@dataclass(frozen=True)
class Exhibit:
    number: int
    kind: str
    title: str
    source: str | None = None
    note: str | None = None
    category: str | None = None  # traffic
    gpu: str | None = None  # gpu_prices
    file: str | None = None  # table


@dataclass(frozen=True)
class Table:
    """A table exhibit: a CSV shown as it is, every cell as text."""

    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


@dataclass(frozen=True)
class Issue:
    date: dt.date
    title: str
    period_start: dt.date
    period_end: dt.date
    authors: tuple[Author, ...]
    highlights: tuple[Highlight, ...]
    exhibits: tuple[Exhibit, ...]
    industry: str | None = None
    rating: str | None = None
    rating_change: str | None = None
    recommendations: tuple[Recommendation, ...] = ()
    risks: tuple[str, ...] = ()
    related: tuple[Related, ...] = ()
    revisions: tuple[Revision, ...] = ()
    stocks: tuple[StockRow, ...] = ()
    tables: dict[str, Table] = field(default_factory=dict, hash=False)  # hashed by the rest (derive caches per issue)

    @property
    def slug(self) -> str:
        return self.date.isoformat()


@dataclass(frozen=True, eq=False)  # compared and hashed by identity: derive caches per loaded series
class Series:
    """The long series, as validated DataFrames (columns as in the contract, typed)."""

    traffic: pd.DataFrame
    downloads: pd.DataFrame
    gpu_prices: pd.DataFrame


@dataclass(frozen=True)
class Benchmark:
    """An index the names of some markets are measured against: `markets` are ticker suffixes (SH, HK, O)."""

    ticker: str
    name: str
    markets: tuple[str, ...]


def market_of(ticker: str) -> str:
    """The market a ticker trades in, as benchmarks.yaml names it: 688256.SH -> SH, NVDA.O -> O."""
    return ticker.rsplit(".", 1)[-1]


@dataclass(frozen=True, eq=False)  # compared and hashed by identity, like Series
class Prices:
    """series/prices.csv and benchmarks.yaml: each ticker's daily closes (day numbers, date.toordinal(),
    ascending, and the closes on them, in the listing's currency) and the benchmarks. Empty without them.
    Arrays, not tuples: at 520 weeks there are some 120,000 closes, a Python object each in a tuple; the
    arrays are never changed once loaded."""

    days: dict[str, array[int]] = field(default_factory=dict)
    closes: dict[str, array[float]] = field(default_factory=dict)
    benchmarks: tuple[Benchmark, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.days)

    @cached_property
    def benchmark_of_market(self) -> dict[str, Benchmark]:
        return {market: b for b in self.benchmarks for market in b.markets}

    def benchmark_for(self, ticker: str) -> Benchmark | None:
        return self.benchmark_of_market.get(market_of(ticker))

    @cached_property
    def latest(self) -> dt.date | None:
        """The date of the latest close of any ticker."""
        last = max((days[-1] for days in self.days.values() if days), default=None)
        return None if last is None else dt.date.fromordinal(last)

    @cached_property
    def dates(self) -> dict[int, str]:
        """Every day number with a close, as an ISO date: written once for all the tickers' CSVs."""
        return {day: dt.date.fromordinal(day).isoformat() for days in self.days.values() for day in set(days)}

    def fingerprint(self, ticker: str) -> bytes:
        """A ticker's closes as bytes: what a page that shows them depends on."""
        days, closes = self.days.get(ticker), self.closes.get(ticker)
        return b"" if days is None or closes is None else days.tobytes() + closes.tobytes()

    def close_on(self, ticker: str, day: dt.date) -> tuple[dt.date, float] | None:
        """The last close of `ticker` on or before `day` (never a later one: markets shut on some dates),
        with its date; None if it has none by then."""
        days = self.days.get(ticker)
        if not days:
            return None
        at = bisect.bisect_right(days, day.toordinal())
        if at == 0:
            return None
        return dt.date.fromordinal(days[at - 1]), self.closes[ticker][at - 1]


@dataclass(frozen=True)
class Dataset:
    registry: Registry
    issues: tuple[Issue, ...]  # oldest first
    series: Series
    synthetic: bool = False
    prices: Prices = field(default_factory=Prices)

    @property
    def latest(self) -> Issue:
        return self.issues[-1]
