"""The QA rules: each a pure function from a loaded Dataset to findings. Each compares a figure with what
its neighbours say it should be, within a stated tolerance chosen so that a clean archive raises nothing
(the demo's, and the real issue) and a planted mistake of the kind named does:

- cap-ytd: between consecutive issues of the same year, a company's market caps in the same currency
  move as (1 + YTD) does. Tolerance: half a unit of each cap's last digit (whole 亿 caps move in steps
  of about 1 % at 55 亿), the YTDs' rounding, and 3 % for what a price return leaves out (share count,
  FX for caps converted to USD). A factor of 100 or more (a cap in 元 or 万 where 亿 is meant) is an error.
- week-prices: where series/prices.csv has the company, its 本周 is the price return from the last close
  before the issue's period to the close on or before the issue's date. Tolerance: the closes' and the
  percentage's rounding (half a cent on each close, 0.005 %). The same size with the other sign (a lost
  minus) is an error.
- dropped-name: a company in last issue's stock table missing from this one's (a new one is not).
- gpu-jump: a GPU's price, per condition, moving more than 30 % from its previous point (within 5 weeks).
- series-spike: a traffic or downloads figure 5 times its neighbours or a fifth of them (an extra or a
  lost zero); a month not yet complete (partial) is not a drop.
- missing-close: once there are prices, a 建议关注 name with no close in the 10 days up to its issue's
  date (a market holiday is not a finding: the last close before it counts).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Iterator
from decimal import Decimal
from pathlib import Path
from typing import NamedTuple

from suanli.contract import Dataset, Issue, StockRow, month_number
from suanli.qa.findings import ERROR, WARNING, Finding, Key, key
from suanli.render import urls

# the tolerances, as stated above and on /authoring/
CAP_DRIFT = 0.03
UNIT_SLIP = 100.0
CLOSE_ROUNDING = 0.005  # half a cent: closes are given to the cent
PCT_ROUNDING = 0.005  # half the last digit of a two-decimal percentage
GPU_JUMP = 0.30
GPU_GAP_DAYS = 35
SPIKE = 5.0
STALE_CLOSE_DAYS = 10

RULES = ("cap-ytd", "week-prices", "dropped-name", "gpu-jump", "series-spike", "missing-close")
Name = Callable[[Path], str]  # a data file's path as the author knows it (errors.Collector.name)


class Checker:
    """The rules over one dataset: `root` its folder, `name` how a file is shown."""

    def __init__(self, dataset: Dataset, root: Path, name: Name) -> None:
        self.dataset, self.root, self.name = dataset, root, name
        self.companies = dataset.registry.by_ticker

    def company(self, ticker: str) -> str:
        company = self.companies.get(ticker)
        return f"{company.name}（{ticker}）" if company else ticker

    def stocks_file(self, issue: Issue) -> str:
        return self.name(self.root / "issues" / issue.slug / "stocks.csv")

    def all(self) -> list[Finding]:
        issues = self.dataset.issues
        found: list[Finding] = []
        for position in range(len(issues)):
            found += self.issue(position)
        found += self.gpu_jumps() + self.series_spikes()
        return found

    def issue(self, position: int) -> list[Finding]:
        """The rules that read one issue (and the one before it): what a preview re-checks for a save."""
        issues = self.dataset.issues
        issue = issues[position]
        before = issues[position - 1] if position else None
        found = list(self.week_prices(issue)) + list(self.missing_closes(issue))
        if before is not None:
            found += list(self.cap_ytd(before, issue)) + list(self.dropped_names(before, issue))
        return found

    # --- the stock table -------------------------------------------------------------------------------

    def cap_ytd(self, before: Issue, issue: Issue) -> Iterator[Finding]:
        if before.date.year != issue.date.year:
            return  # YTD starts again in January
        earlier = {row.ticker: row for row in before.stocks}
        for row in issue.stocks:
            prev = earlier.get(row.ticker)
            if prev is None or prev.currency != row.currency:
                continue
            growth = (1 + float(row.ytd_pct) / 100) / (1 + float(prev.ytd_pct) / 100)
            expected = float(prev.market_cap) * growth
            if expected <= 0 or row.market_cap <= 0:
                continue
            ratio = float(row.market_cap) / expected
            tolerance = _half_unit(prev.market_cap) + _half_unit(row.market_cap) + 2 * PCT_ROUNDING / 100 + CAP_DRIFT
            if abs(math.log10(ratio)) >= math.log10(UNIT_SLIP):
                severity, what = ERROR, f" (×{_power(ratio)}: a unit slip?)"
            elif abs(ratio - 1) > tolerance:
                severity, what = WARNING, f" ({ratio - 1:+.1%})"
            else:
                continue
            yield self._stock_finding(
                "cap-ytd",
                severity,
                issue,
                row,
                f"market_cap {_number(row.market_cap)}{what}",
                f"about {_number(Decimal(round(expected, 2)))} ({_number(prev.market_cap)} on {before.slug} "
                f"× (1 + {row.ytd_pct}%) / (1 + {prev.ytd_pct}%), within {tolerance:.1%})",
            )

    def week_prices(self, issue: Issue) -> Iterator[Finding]:
        prices = self.dataset.prices
        if not prices:
            return
        start_day = issue.period_start - dt.timedelta(days=1)
        for row in issue.stocks:
            first, last = prices.close_on(row.ticker, start_day), prices.close_on(row.ticker, issue.date)
            if first is None or last is None or last[0] <= first[0]:
                continue
            computed = (last[1] / first[1] - 1) * 100
            tolerance = 100 * (CLOSE_ROUNDING / first[1] + CLOSE_ROUNDING / last[1]) * (1 + abs(computed) / 100)
            tolerance += PCT_ROUNDING + 1e-9
            shown = float(row.week_pct)
            if abs(shown - computed) <= tolerance:
                continue
            lost_sign = abs(shown + computed) <= tolerance and abs(computed) > tolerance
            yield self._stock_finding(
                "week-prices",
                ERROR if lost_sign else WARNING,
                issue,
                row,
                f"week_pct {row.week_pct}" + (" (the sign flipped?)" if lost_sign else ""),
                f"{computed:.2f} ± {tolerance:.2f}, the return from the close of {first[0].isoformat()} "
                f"({first[1]:g}) to that of {last[0].isoformat()} ({last[1]:g}) in series/prices.csv",
            )

    def dropped_names(self, before: Issue, issue: Issue) -> Iterator[Finding]:
        now = {row.ticker for row in issue.stocks}
        if not now:
            return  # an issue without a stock table drops nothing
        for row in before.stocks:
            if row.ticker not in now:
                yield Finding(
                    "dropped-name",
                    WARNING,
                    self.stocks_file(issue),
                    None,
                    f"no row for {row.ticker}",
                    f"every company of {before.slug}'s stock table (its row was line {row.line} there), "
                    "or an acceptance saying why it left",
                    key(issue=issue.slug, ticker=row.ticker),
                    self.company(row.ticker),
                    self.stocks_page(issue),
                )

    def stocks_page(self, issue: Issue) -> str:
        """Where an issue's stock table is: its page, at the stocks exhibit."""
        number = next((e.number for e in issue.exhibits if e.kind == "stocks"), None)
        return _page(urls.issue_page(issue), f"exhibit-{number}" if number else "")

    def _stock_finding(
        self, rule: str, severity: str, issue: Issue, row: StockRow, found: str, expected: str
    ) -> Finding:
        return Finding(
            rule,
            severity,
            self.stocks_file(issue),
            row.line or None,
            found,
            expected,
            key(issue=issue.slug, ticker=row.ticker),
            self.company(row.ticker),
            self.stocks_page(issue),
        )

    # --- 建议关注 and the closes ------------------------------------------------------------------------

    def missing_closes(self, issue: Issue) -> Iterator[Finding]:
        prices = self.dataset.prices
        if not prices:
            return
        path = self.root / "issues" / issue.slug / "issue.yaml"
        for recommendation in issue.recommendations:
            for c, ticker in enumerate(recommendation.tickers):
                close = prices.close_on(ticker, issue.date)
                if close is not None and (issue.date - close[0]).days <= STALE_CLOSE_DAYS:
                    continue
                found = (
                    f"no close of {ticker} on or before {issue.slug}"
                    if close is None
                    else (
                        f"the last close of {ticker} on {close[0].isoformat()}, {(issue.date - close[0]).days} days before"
                    )
                )
                yield Finding(
                    "missing-close",
                    WARNING,
                    self.name(path),
                    recommendation.line_of(c),
                    found,
                    f"a close within {STALE_CLOSE_DAYS} days up to the issue's date in series/prices.csv "
                    "(suanli import prices), so the track record can score it",
                    key(issue=issue.slug, ticker=ticker),
                    self.company(ticker),
                    _page(urls.issue_page(issue), "recommendations"),
                )

    # --- the series ------------------------------------------------------------------------------------

    def gpu_jumps(self) -> list[Finding]:
        frame = self.dataset.series.gpu_prices
        found: list[Finding] = []
        if frame.empty:
            return found
        file = self.name(self.root / "series/gpu_prices.csv")
        for (gpu, condition), group in frame.groupby(["gpu", "condition"], sort=True):
            rows = group.sort_values("date")
            previous = None
            for date, price, line in zip(rows["date"], rows["price_usd"], rows["line"], strict=True):
                if previous is not None and (date - previous[0]).days <= GPU_GAP_DAYS:
                    change = float(price) / float(previous[1]) - 1
                    if abs(change) > GPU_JUMP:
                        found.append(
                            Finding(
                                "gpu-jump",
                                WARNING,
                                file,
                                int(line),
                                f"{gpu} ({condition}) at {_number(price)} USD on {date.isoformat()}, {change:+.0%} "
                                f"from {_number(previous[1])} on {previous[0].isoformat()}",
                                f"a move within ±{GPU_JUMP:.0%} of the previous point, or an acceptance",
                                key(gpu=str(gpu), condition=str(condition), date=date.isoformat()),
                            )
                        )
                previous = (date, price)
        return found

    def series_spikes(self) -> list[Finding]:
        series = self.dataset.series
        found: list[Finding] = []
        traffic, downloads = series.traffic, series.downloads
        if not traffic.empty:
            file = self.name(self.root / "series/traffic.csv")
            for (category, site), group in traffic.groupby(["category", "site"], sort=True):
                rows = group.sort_values("week_end")
                points = [
                    Point(day.isoformat(), float(value), int(line), False)
                    for day, value, line in zip(rows["week_end"], rows["visits"], rows["line"], strict=True)
                ]
                for point, how in _spikes(points):
                    row = key(site=str(site), category=str(category), date=point.when)
                    found.append(self._spike(file, point, f"{site}'s visits", how, row))
        if not downloads.empty:
            file = self.name(self.root / "series/downloads.csv")
            for app, group in downloads.groupby("app", sort=True):
                rows = group.sort_values("month", key=lambda months: months.map(month_number))
                points = [
                    Point(str(month), float(value), int(line), bool(partial))
                    for month, value, line, partial in zip(
                        rows["month"], rows["downloads"], rows["line"], rows["partial"], strict=True
                    )
                ]
                for point, how in _spikes(points):
                    found.append(
                        self._spike(file, point, f"{app}'s downloads", how, key(app=str(app), month=point.when))
                    )
        return found

    def _spike(self, file: str, point: Point, what: str, how: str, row: Key) -> Finding:
        return Finding(
            "series-spike",
            WARNING,
            file,
            point.line,
            f"{what} of {point.when}: {point.value:,g}, {how}",
            f"within {SPIKE:g}× of the points around it (an extra or a lost zero?), or an acceptance",
            row,
        )


class Point(NamedTuple):
    """A point of a series: when (an ISO date or a month), its value, its line, whether partial."""

    when: str
    value: float
    line: int
    partial: bool


def _spikes(points: list[Point]) -> Iterator[tuple[Point, str]]:
    """The points that stand SPIKE times above or below both neighbours (the last point: its previous one).
    A partial point (a month not yet complete) is only checked for rising."""
    for i, point in enumerate(points):
        around = [points[j].value for j in (i - 1, i + 1) if 0 <= j < len(points)]
        if not around or point.value <= 0 or min(around) <= 0:
            continue
        if point.value > SPIKE * max(around):
            yield point, f"{point.value / max(around):.1f}× its neighbours"
        elif point.value * SPIKE < min(around) and not point.partial:
            yield point, f"{min(around) / point.value:.1f}× below its neighbours"


def _half_unit(value: Decimal) -> float:
    """Half a unit of a figure's last digit, relative to it: 55 (whole 亿) -> 0.5 / 55."""
    exponent = value.as_tuple().exponent
    places = -exponent if isinstance(exponent, int) and exponent < 0 else 0
    return 0.5 * 10.0 ** (-places) / float(value)


def _power(ratio: float) -> str:
    return f"10^{round(math.log10(ratio))}"


def _number(value: object) -> str:
    if isinstance(value, Decimal):
        return format(value, ",f")
    if isinstance(value, float):
        return f"{value:,g}"
    return str(value)


def _page(page: str, anchor: str) -> str:
    """A page's path from the site's root, at an anchor: issues/2024-12-18/#exhibit-1."""
    return urls.href(urls.HOME, page) + (f"#{anchor}" if anchor else "")


def check(dataset: Dataset, root: Path, name: Name) -> list[Finding]:
    return Checker(dataset, root, name).all()
