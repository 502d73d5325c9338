"""series/prices.csv and benchmarks.yaml: the daily closes that score 建议关注, and what each market is
measured against. Both optional; without them the Dataset's Prices is empty.

prices.csv is the archive's longest file (a close per trading day per name: 2,600 days × 60 tickers
at 520 weeks), so it is read as a stream into compact per-ticker arrays, never as a row per dict.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from array import array
from collections.abc import Sequence
from pathlib import Path

from suanli.contract import TICKER, Benchmark, Issue, Prices, Registry, market_of
from suanli.errors import Collector, show
from suanli.load.csvsrc import stream_csv
from suanli.load.fields import Fields
from suanli.load.yamlsrc import load_optional_list, load_yaml

PRICES_FILE = "series/prices.csv"
BENCHMARKS_FILE = "benchmarks.yaml"
PRICE_COLUMNS = ("date", "ticker", "close")
BENCHMARK_FIELDS = {"ticker", "name", "markets"}
MARKET = re.compile(r"^[A-Z]{1,3}$")
# [0-9], not \d: \d matches any script's digits (２０２４), which int() and float() would take silently
DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
CLOSE = re.compile(r"^[0-9]+(\.[0-9]+)?$")
CLOSE_EXPECTED = "a positive number like 1234.5"
# Prices kept between builds of a preview session: the digest of what load_prices reads -> Prices.
PricesMemo = dict[bytes, Prices]


def load_prices(
    root: Path, registry: Registry | None, issues: Sequence[Issue], errors: Collector, memo: PricesMemo | None = None
) -> Prices:
    """The closes and benchmarks of a data folder, every problem recorded in `errors`. `memo` (a preview
    session's) keeps the last result while prices.csv, benchmarks.yaml and companies.yaml are unchanged."""
    prices_path, benchmarks_path = root / PRICES_FILE, root / BENCHMARKS_FILE
    key = b""
    if memo is not None:
        digest = hashlib.blake2b(digest_size=20)
        for path in (prices_path, benchmarks_path, root / "companies.yaml"):
            digest.update(path.read_bytes() if path.is_file() else b"-")
            digest.update(b"\0")
        key = digest.digest()
        if key in memo:
            prices = memo[key]
            _check_recommended(root, prices, issues, errors)
            return prices
    before = len(errors.errors)
    benchmarks = load_benchmarks(benchmarks_path, errors)
    known = None if registry is None else {c.ticker for c in registry.companies} | {b.ticker for b in benchmarks}
    days, closes = load_closes(prices_path, known, errors) if prices_path.exists() else ({}, {})
    prices = Prices(days=days, closes=closes, benchmarks=tuple(benchmarks))
    if memo is not None:
        memo.clear()
        if len(errors.errors) == before:
            memo[key] = prices
    _check_recommended(root, prices, issues, errors)
    return prices


# --- benchmarks.yaml -----------------------------------------------------------------------------------


def load_benchmarks(path: Path, errors: Collector) -> list[Benchmark]:
    doc = load_optional_list(path, errors, "a list of benchmarks, each starting with - ticker:")
    if doc is None:
        return []
    assert isinstance(doc.value, list)  # load_optional_list checked it
    benchmarks: list[Benchmark] = []
    claimed: dict[str, str] = {}  # market -> the benchmark that measures it
    for i, item in enumerate(doc.value):
        f = Fields(doc, (i,), item, errors, BENCHMARK_FIELDS)
        if not f.ok:
            continue
        ticker = f.text("ticker", expected="a ticker like 000300.SH or HSI.HI")
        if ticker is not None and not TICKER.match(ticker):
            f.error(
                "bad-ticker", "ticker", show(ticker), "a ticker like 000300.SH or HSI.HI (upper case, symbol.exchange)"
            )
            ticker = None
        name = f.text("name")
        markets = f.text_list("markets", required=True, expected="a list of ticker suffixes like [SH, SZ, BJ]")
        ok = ticker is not None and name is not None and bool(markets)
        for j, market in enumerate(markets):
            if not MARKET.match(market):
                f.error_at("bad-market", (i, "markets", j), show(market), "a ticker suffix like SH, HK or O")
                ok = False
            elif market in claimed:
                f.error_at(
                    "duplicate",
                    (i, "markets", j),
                    f"the market {market}, already measured against {claimed[market]}",
                    "each market in one benchmark's markets",
                )
                ok = False
            else:
                claimed[market] = ticker or "?"
        if ticker is not None and any(b.ticker == ticker for b in benchmarks):
            f.error("duplicate", "ticker", show(ticker), "each benchmark once in benchmarks.yaml")
            ok = False
        if ok:
            assert ticker is not None and name is not None
            benchmarks.append(Benchmark(ticker=ticker, name=name, markets=tuple(markets)))
    return benchmarks


# --- series/prices.csv ---------------------------------------------------------------------------------


def load_closes(
    path: Path, known: set[str] | None, errors: Collector
) -> tuple[dict[str, array[int]], dict[str, array[float]]]:
    """Each ticker's (days ascending, closes): every bad cell, unknown ticker and repeated (date, ticker)
    recorded with its line. `known`: the tickers of companies.yaml and benchmarks.yaml (None when
    companies.yaml is itself in error: then tickers are not checked against it)."""
    rows = stream_csv(path, errors, PRICE_COLUMNS)
    if rows is None:
        return {}, {}
    days: dict[str, array[int]] = {}
    closes: dict[str, array[float]] = {}
    lines: dict[str, array[int]] = {}
    unknown: dict[str, int] = {}  # an unknown ticker is reported once, at its first line
    day_of: dict[str, int | None] = {}  # some 2,600 dates over 120,000 rows: each parsed once
    for line, (date_text, ticker, close_text) in rows:
        day = day_of[date_text] if date_text in day_of else day_of.setdefault(date_text, _day(date_text))
        if day is None:
            expected = "a date like 2024-12-11"
            found = "an empty cell" if not date_text else show(date_text)
            errors.add("empty-cell" if not date_text else "bad-date", path, line, "date", found, expected)
        if not ticker:
            errors.add(
                "empty-cell", path, line, "ticker", "an empty cell", "a ticker of companies.yaml or benchmarks.yaml"
            )
            continue
        if known is not None and ticker not in known:
            if ticker not in unknown:
                unknown[ticker] = line
            continue
        close = _close(close_text)
        if close is None:
            found = "an empty cell" if not close_text else show(close_text)
            code = "empty-cell" if not close_text else ("not-positive" if _is_number(close_text) else "not-a-number")
            errors.add(code, path, line, "close", found, CLOSE_EXPECTED)
        if day is None or close is None:
            continue
        if ticker not in days:
            days[ticker], closes[ticker], lines[ticker] = array("i"), array("d"), array("i")
        days[ticker].append(day)
        closes[ticker].append(close)
        lines[ticker].append(line)
    for ticker, line in unknown.items():
        errors.add(
            "unknown-ticker",
            path,
            line,
            "ticker",
            show(ticker),
            "a ticker of companies.yaml or benchmarks.yaml",
        )
    return _sorted_by_day(path, days, closes, lines, errors)


def _sorted_by_day(
    path: Path,
    days: dict[str, array[int]],
    closes: dict[str, array[float]],
    lines: dict[str, array[int]],
    errors: Collector,
) -> tuple[dict[str, array[int]], dict[str, array[float]]]:
    """Each ticker's closes in date order; a date given twice for a ticker is an error at its second line."""
    sorted_days: dict[str, array[int]] = {}
    sorted_closes: dict[str, array[float]] = {}
    for ticker in sorted(days):
        d, c, n = days[ticker], closes[ticker], lines[ticker]
        if all(d[k] < d[k + 1] for k in range(len(d) - 1)):  # the usual case: the file is in date order
            sorted_days[ticker], sorted_closes[ticker] = d, c
            continue
        order = sorted(range(len(d)), key=lambda k: (d[k], n[k]))
        for a, b in zip(order, order[1:], strict=False):
            if d[a] == d[b]:
                errors.add(
                    "duplicate",
                    path,
                    n[b],
                    "date",
                    f"{dt.date.fromordinal(d[b]).isoformat()} {ticker} again (first on line {n[a]})",
                    "one close per date and ticker",
                )
        sorted_days[ticker] = array("i", (d[k] for k in order))
        sorted_closes[ticker] = array("d", (c[k] for k in order))
    return sorted_days, sorted_closes


def _day(text: str) -> int | None:
    if not DATE.match(text):
        return None
    try:
        return dt.date(int(text[:4]), int(text[5:7]), int(text[8:])).toordinal()
    except ValueError:
        return None


def _is_number(text: str) -> bool:
    return re.fullmatch(r"[+-]?[0-9]+(\.[0-9]+)?", text) is not None


def _close(text: str) -> float | None:
    if not CLOSE.match(text):
        return None
    value = float(text)
    return value if value > 0 else None


# --- every recommended name has a benchmark ------------------------------------------------------------


def _check_recommended(root: Path, prices: Prices, issues: Sequence[Issue], errors: Collector) -> None:
    """Once there are prices, every market a recommended name trades in needs a benchmark, and that
    benchmark needs closes, or its calls cannot be scored. Reported once per market, at the first issue
    that recommends a name there, and once per benchmark, at its entry in benchmarks.yaml."""
    if not prices:
        return
    reported: set[str] = set()
    for issue in issues:
        for recommendation in issue.recommendations:
            for c, ticker in enumerate(recommendation.tickers):
                market = market_of(ticker)
                benchmark = prices.benchmark_for(ticker)
                if market in reported:
                    continue
                if benchmark is None:
                    reported.add(market)
                    path = root / "issues" / issue.slug / "issue.yaml"
                    errors.add(
                        "no-benchmark",
                        path,
                        recommendation.line_of(c),
                        "recommendations",
                        f"{ticker} (market {market}) has no benchmark",
                        f"a benchmark in {BENCHMARKS_FILE} whose markets include {market}",
                    )
                elif benchmark.ticker not in prices.days:
                    reported.update(benchmark.markets)
                    path = root / BENCHMARKS_FILE
                    errors.add(
                        "no-closes",
                        path,
                        _benchmark_line(path, benchmark.ticker),
                        "ticker",
                        f"no closes of {benchmark.ticker} in {PRICES_FILE}",
                        f"the closes of every benchmark a recommended name is measured against ({ticker}, "
                        f"{issue.slug})",
                    )


def _benchmark_line(path: Path, ticker: str) -> int | None:
    doc = load_yaml(path, Collector())
    if doc is None or not isinstance(doc.value, list):
        return None
    at = next((i for i, item in enumerate(doc.value) if isinstance(item, dict) and item.get("ticker") == ticker), None)
    return None if at is None else doc.line((at, "ticker"))
