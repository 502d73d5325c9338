"""本周变化: what one issue changed against the issue before it.

Everything here reads the two issues and the registry only, so an issue's changes are what was
known on its date (the as-of rule): a later issue never alters an earlier one's.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from suanli.contract import Issue, StockRow

TOP = 5  # rises and falls shown, ties at the fifth included
RANK_MOVES = 3  # market-cap rank moves shown per currency, ties at the third included


@dataclass(frozen=True)
class Move:
    """A company's 本周涨跌幅 in this issue's stock table."""

    ticker: str
    week_pct: Decimal


@dataclass(frozen=True)
class SegmentChange:
    """A 建议关注 segment's additions and removals (a segment new or gone counts all its companies)."""

    segment: str
    added: tuple[str, ...]
    removed: tuple[str, ...]


@dataclass(frozen=True)
class RankMove:
    """A company's market-cap rank among this issue's companies of one currency, before and now (1 = largest)."""

    ticker: str
    before: int
    after: int

    @property
    def places(self) -> int:
        """Places climbed (negative: fallen)."""
        return self.before - self.after


@dataclass(frozen=True)
class WeekChanges:
    previous: Issue | None  # None: the first issue, with nothing to compare with
    tables_compared: bool  # both issues have a stock table (an issue may have none): joined, dropped, ranks
    rises: tuple[Move, ...]
    falls: tuple[Move, ...]
    joined: tuple[str, ...]  # tickers new to the stock table, in its order
    dropped: tuple[str, ...]  # tickers gone from it, in the previous table's order
    segments: tuple[SegmentChange, ...]
    ranks: tuple[tuple[str, tuple[RankMove, ...]], ...]  # (currency, moves) for each currency with a move


def _top(moves: list[Move], count: int) -> tuple[Move, ...]:
    """The first `count` of `moves` (already in order), and every later one tied with the last."""
    if len(moves) <= count:
        return tuple(moves)
    edge = moves[count - 1].week_pct
    return tuple(m for i, m in enumerate(moves) if i < count or m.week_pct == edge)


def largest_moves(rows: tuple[StockRow, ...]) -> tuple[tuple[Move, ...], tuple[Move, ...]]:
    """The five largest rises and five largest falls of the week, ties included; a flat week is neither."""
    ordered = sorted((Move(r.ticker, r.week_pct) for r in rows), key=lambda m: m.week_pct, reverse=True)
    rises = [m for m in ordered if m.week_pct > 0]
    falls = [m for m in reversed(ordered) if m.week_pct < 0]
    return _top(rises, TOP), _top(falls, TOP)


def _ranks(rows: tuple[StockRow, ...], among: set[tuple[str, str]]) -> dict[str, dict[str, int]]:
    """Each currency's companies of `among` (ticker, currency) ranked by market cap, largest first; equal
    caps share a rank."""
    out: dict[str, dict[str, int]] = {}
    for currency in dict.fromkeys(r.currency for r in rows):
        caps = [r for r in rows if r.currency == currency and (r.ticker, currency) in among]
        out[currency] = {r.ticker: 1 + sum(other.market_cap > r.market_cap for other in caps) for r in caps}
    return out


def rank_moves(
    rows: tuple[StockRow, ...], before: tuple[StockRow, ...]
) -> tuple[tuple[str, tuple[RankMove, ...]], ...]:
    """The largest moves in market-cap rank within each currency. Ranked among the companies in both
    tables, in the same currency in both: a company joining or leaving moves no one, and one that changed
    currency has no comparable rank."""
    common = {(r.ticker, r.currency) for r in rows} & {(r.ticker, r.currency) for r in before}
    now, then = _ranks(rows, common), _ranks(before, common)
    out = []
    for currency, ranks in now.items():
        earlier = then.get(currency, {})
        moves = sorted(
            (RankMove(t, earlier[t], rank) for t, rank in ranks.items() if earlier[t] != rank),
            key=lambda m: (-abs(m.places), -m.places, m.after),
        )
        if moves:
            edge = abs(moves[min(RANK_MOVES, len(moves)) - 1].places)
            out.append((currency, tuple(m for i, m in enumerate(moves) if i < RANK_MOVES or abs(m.places) == edge)))
    return tuple(out)


def segment_changes(issue: Issue, previous: Issue) -> tuple[SegmentChange, ...]:
    """建议关注 additions and removals by segment, in this issue's segment order, then segments it dropped."""
    now = {r.segment: r.tickers for r in issue.recommendations}
    then = {r.segment: r.tickers for r in previous.recommendations}
    out = []
    for segment in dict.fromkeys([*now, *then]):
        ours, theirs = now.get(segment, ()), then.get(segment, ())
        added = tuple(t for t in dict.fromkeys(ours) if t not in theirs)
        removed = tuple(t for t in dict.fromkeys(theirs) if t not in ours)
        if added or removed:
            out.append(SegmentChange(segment, added, removed))
    return tuple(out)


def previous_issue(issues: tuple[Issue, ...], position: int) -> Issue | None:
    """The issue before the one at `position` in date order: what its 本周变化 compares with."""
    return issues[position - 1] if position > 0 else None


def week_changes(issue: Issue, previous: Issue | None) -> WeekChanges:
    rises, falls = largest_moves(issue.stocks)
    if previous is None:
        return WeekChanges(None, False, rises, falls, (), (), (), ())
    segments = segment_changes(issue, previous)
    if not (issue.stocks and previous.stocks):
        return WeekChanges(previous, False, rises, falls, (), (), segments, ())
    now = [r.ticker for r in issue.stocks]
    then = [r.ticker for r in previous.stocks]
    return WeekChanges(
        previous=previous,
        tables_compared=True,
        rises=rises,
        falls=falls,
        joined=tuple(t for t in now if t not in set(then)),
        dropped=tuple(t for t in then if t not in set(now)),
        segments=segments,
        ranks=rank_moves(issue.stocks, previous.stocks),
    )
