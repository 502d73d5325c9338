"""建议关注, scored: every call the note has made, and how it turned out.

The method, as /track-record/ states it and exactly as followed here:
- Each issue's 建议关注 is an equal-weight portfolio of its distinct tickers (a name listed in two
  segments counts once), bought at the close on the issue date and held to the close on the next
  issue's date, or to the latest close in prices.csv if that is earlier (the newest issue's always):
  such a period is still open, measured so far; one that starts on or after the latest close is
  pending, with no figure yet.
- The close "on" a date is the last close on or before it, never a later one (markets shut on some
  issue dates; a suspended name keeps its last close).
- A member's return is its price return over the window, in its listing's currency, without
  dividends; its benchmark's is that of the benchmark of its market over the same window.
- Period return: the mean of the members' returns; benchmark return: the mean of their benchmarks'
  returns; excess: the difference; 胜率: the share of members whose return beat their benchmark's.
- A member without a close at both ends (its own or its benchmark's) is left out of that period and
  listed as missing; a period with no priced member has no return (never 0).
- Cumulative: the product of (1 + period return) over the periods with a return; the same for the
  benchmark; cumulative excess is the difference of the two.
- A spell: a name's run on the list, from the first issue that lists it to the first that no longer
  does, or to the latest close (if that is earlier, or the name is still listed).

Pure functions of the Dataset; floats throughout (closes are floats in Prices).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from statistics import fmean

from suanli.contract import Dataset, Issue, Prices


@dataclass(frozen=True)
class Score:
    """A return and its benchmark's over the same window (fractions: 0.0517 is 5.17%)."""

    ret: float
    benchmark_ret: float

    @property
    def excess(self) -> float:
        return self.ret - self.benchmark_ret

    @property
    def won(self) -> bool:
        return self.ret > self.benchmark_ret


def mean_score(scores: list[Score]) -> Score | None:
    """Equal weights: the mean return and the mean benchmark return; None for no scores (never 0)."""
    if not scores:
        return None
    return Score(fmean(s.ret for s in scores), fmean(s.benchmark_ret for s in scores))


@dataclass(frozen=True)
class Holding:
    """One name of one period's portfolio. `score` None: no close at one end, its own or its benchmark's
    (缺少价格)."""

    ticker: str
    segments: tuple[str, ...]
    benchmark: str | None
    score: Score | None


@dataclass(frozen=True)
class Period:
    """An issue's portfolio from its date to the next issue's, or to the latest close if that is earlier
    (`open`: measured so far, not to its end)."""

    issue: Issue
    start: dt.date
    end: dt.date
    open: bool
    holdings: tuple[Holding, ...]

    @property
    def pending(self) -> bool:
        """The newest issue before any close after its date: nothing to score yet."""
        return self.end <= self.start

    @property
    def scores(self) -> list[Score]:
        return [h.score for h in self.holdings if h.score is not None]

    @property
    def missing(self) -> tuple[Holding, ...]:
        return () if self.pending else tuple(h for h in self.holdings if h.score is None)

    @property
    def score(self) -> Score | None:
        return mean_score(self.scores)

    @property
    def wins(self) -> int:
        return sum(s.won for s in self.scores)


@dataclass(frozen=True)
class Spell:
    """A name's run on the list: from `first` (the first issue listing it) to `end`, the date of the first
    issue that no longer lists it, or the latest close if that is earlier. `open`: still listed by the
    newest issue; `to_latest`: measured to the latest close (open, or ended after it)."""

    ticker: str
    segments: tuple[str, ...]
    first: Issue
    last: Issue  # the last issue that lists it
    end: dt.date
    open: bool
    to_latest: bool
    benchmark: str | None
    score: Score | None

    @property
    def pending(self) -> bool:
        """Listed first on or after the latest close: nothing to score yet."""
        return self.end <= self.first.date


@dataclass(frozen=True)
class Growth:
    """Cumulative returns at the end of a period: the value of 1 invested at the first issue, minus 1."""

    date: dt.date
    portfolio: float
    benchmark: float

    @property
    def excess(self) -> float:
        return self.portfolio - self.benchmark


@dataclass(frozen=True)
class SegmentRecord:
    """One segment across the issues that list it: its members as an equal-weight portfolio per period."""

    segment: str
    periods: int  # periods that list the segment
    scored: int  # of them, with a priced member
    growth: Growth | None  # cumulative, over the scored periods
    wins: int  # member-periods that beat their benchmark
    priced: int  # member-periods priced


@dataclass(frozen=True)
class TrackRecord:
    periods: tuple[Period, ...]  # oldest first
    growth: tuple[Growth, ...]  # at the start (0, 0), then at the end of each scored period
    spells: tuple[Spell, ...]  # by first issue, then list order
    segments: tuple[SegmentRecord, ...]  # in order of first listing
    latest: dt.date | None  # the latest close in prices.csv

    @property
    def priced_holdings(self) -> int:
        return sum(len(p.scores) for p in self.periods)

    @property
    def wins(self) -> int:
        return sum(p.wins for p in self.periods)


def members(issue: Issue) -> dict[str, tuple[str, ...]]:
    """An issue's distinct 建议关注 tickers in list order, each with the segments that list it."""
    segments: dict[str, list[str]] = {}
    for recommendation in issue.recommendations:
        for ticker in recommendation.tickers:
            listed = segments.setdefault(ticker, [])
            if recommendation.segment not in listed:
                listed.append(recommendation.segment)
    return {ticker: tuple(listed) for ticker, listed in segments.items()}


def price_return(prices: Prices, ticker: str | None, start: dt.date, end: dt.date) -> float | None:
    """The close-to-close return from the close on `start` to the close on `end` (each the last on or before
    it), or None without a close at either end."""
    if ticker is None or end <= start:
        return None
    first, last = prices.close_on(ticker, start), prices.close_on(ticker, end)
    if first is None or last is None:
        return None
    return last[1] / first[1] - 1


def score(prices: Prices, ticker: str, start: dt.date, end: dt.date) -> tuple[str | None, Score | None]:
    """A name's benchmark (by its market) and its score from the close on `start` to the close on `end`:
    None without a close at either end, its own or its benchmark's (scored against it or not at all)."""
    benchmark = prices.benchmark_for(ticker)
    benchmark_ticker = benchmark.ticker if benchmark else None
    ret = price_return(prices, ticker, start, end)
    benchmark_ret = price_return(prices, benchmark_ticker, start, end)
    if ret is None or benchmark_ret is None:
        return benchmark_ticker, None
    return benchmark_ticker, Score(ret, benchmark_ret)


def window_end(due: dt.date | None, latest: dt.date | None, start: dt.date) -> tuple[dt.date, bool]:
    """Where a holding from `start` is measured to, and whether that is the latest close rather than its
    due date (the next issue's, or the first that no longer lists the name; None: none yet)."""
    if latest is None:  # no prices: nothing is measured; the end only names the window
        return (due or start), due is None
    if due is not None and due <= latest:
        return due, False
    return latest, True


def periods(dataset: Dataset) -> tuple[Period, ...]:
    """One period per issue that lists 建议关注, held until the next issue whether or not that one lists
    names (an issue without a list holds nothing until the one after it)."""
    prices, latest, issues = dataset.prices, dataset.prices.latest, dataset.issues
    out = []
    for position, issue in enumerate(issues):
        if not issue.recommendations:
            continue
        due = issues[position + 1].date if position + 1 < len(issues) else None
        end, is_open = window_end(due, latest, issue.date)
        holdings = tuple(Holding(t, s, *score(prices, t, issue.date, end)) for t, s in members(issue).items())
        out.append(Period(issue, issue.date, end, is_open, holdings))
    return tuple(out)


def growth(scored: list[tuple[dt.date, Score]], start: dt.date) -> tuple[Growth, ...]:
    """Cumulative growth through (period end, score) in order, from 0 at `start`."""
    out = [Growth(start, 0.0, 0.0)]
    portfolio = benchmark = 1.0
    for end, period in scored:
        portfolio *= 1 + period.ret
        benchmark *= 1 + period.benchmark_ret
        out.append(Growth(end, portfolio - 1, benchmark - 1))
    return tuple(out)


def spells(dataset: Dataset) -> tuple[Spell, ...]:
    """Every name's runs on the list, in the order they began (then list order)."""
    prices, latest = dataset.prices, dataset.prices.latest
    # ticker -> (when it began: its place among all runs, first issue, last issue, segments)
    open_runs: dict[str, tuple[int, Issue, Issue, list[str]]] = {}
    done: list[tuple[int, str, Issue, Issue, list[str], dt.date | None]] = []  # ... the date it ended
    begun = 0
    for issue in dataset.issues:
        listed = members(issue)
        for ticker in list(open_runs):
            if ticker not in listed:
                order, first, last, segments = open_runs.pop(ticker)
                done.append((order, ticker, first, last, segments, issue.date))
        for ticker, listed_in in listed.items():
            if ticker not in open_runs:
                open_runs[ticker] = (begun, issue, issue, [])
                begun += 1
            order, first, _, known = open_runs[ticker]
            known.extend(s for s in listed_in if s not in known)
            open_runs[ticker] = (order, first, issue, known)
    for ticker, (order, first, last, segments) in open_runs.items():
        done.append((order, ticker, first, last, segments, None))
    done.sort(key=lambda run: run[0])
    out = []
    for _, ticker, first, last, segments, due in done:
        end, to_latest = window_end(due, latest, first.date)
        out.append(
            Spell(
                ticker,
                tuple(segments),
                first,
                last,
                end,
                due is None,
                to_latest,
                *score(prices, ticker, first.date, end),
            )
        )
    return tuple(out)


def first_scored(listed: tuple[Period, ...]) -> dt.date:
    """Where a cumulative curve starts: the start of the first period with a figure (one before it has
    nothing to build up from)."""
    return next(p.start for p in listed if p.score is not None)


def segment_records(all_periods: tuple[Period, ...]) -> tuple[SegmentRecord, ...]:
    """Each segment's members as their own equal-weight portfolio in each period that lists it."""
    names: list[str] = []  # in the order the lists give them
    for period in all_periods:
        names.extend(r.segment for r in period.issue.recommendations if r.segment not in names)
    out = []
    for segment in names:
        listed = [p for p in all_periods if any(segment in h.segments for h in p.holdings)]
        scored: list[tuple[dt.date, Score]] = []
        start: dt.date | None = None  # of the first period the segment has a figure in
        wins = priced = 0
        for period in listed:
            held = [h.score for h in period.holdings if h.score is not None and segment in h.segments]
            wins += sum(s.won for s in held)
            priced += len(held)
            if (mean := mean_score(held)) is not None:
                scored.append((period.end, mean))
                start = start or period.start
        curve = growth(scored, start) if start is not None else ()
        out.append(SegmentRecord(segment, len(listed), len(scored), curve[-1] if curve else None, wins, priced))
    return tuple(out)


def track_record(dataset: Dataset) -> TrackRecord:
    all_periods = periods(dataset)
    scored = [(p.end, s) for p in all_periods if (s := p.score) is not None]
    return TrackRecord(
        periods=all_periods,
        growth=growth(scored, first_scored(all_periods)) if scored else (),
        spells=spells(dataset),
        segments=segment_records(all_periods),
        latest=dataset.prices.latest,
    )
