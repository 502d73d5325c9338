"""What a share card shows (分享图, render/share_card.py draws it): gathered from the data alone, as plain
frozen values, so a card's content is also its cache key (site/card_cache.py) and its preview memo key.

An issue's card: the note's name, the issue's date and title, the week's three largest movers by |本周|
in its stock table (ties at equal size in the table's row order), the 建议关注 segments, the issue's
absolute URL for the QR code, and whether the data is synthetic (示例数据). The site's card (the home
page's and every page's without one of its own): the name, a line on what the note is, the home page's
URL.

The QR code is drawn only when the site has an absolute http(s) address (site_url): a relative path
opens nothing from a phone's camera, so without one the card is drawn without a QR code.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from urllib.parse import urlsplit

from suanli.contract import Issue, Registry
from suanli.render import urls
from suanli.render.formats import direction, fmt_signed_pct

MOVERS = 3
SITE_TAGLINE = "AI 算力板块周报：个股复盘、AI 应用流量与下载、GPU 价格、本周要闻与建议关注"


@dataclass(frozen=True)
class Mover:
    """One of the week's largest moves: the company, its 本周 as written (+6.11%) and its direction."""

    name: str
    ticker: str
    week: str
    direction: str  # up, down or flat (formats.direction): the card's red, green or grey


@dataclass(frozen=True)
class IssueCard:
    series: str
    date: str
    title: str
    movers: tuple[Mover, ...]
    focus: tuple[str, ...]  # the 建议关注 segments, in the issue's order
    url: str | None  # the issue page's absolute URL (the QR code), or None without an absolute site_url
    synthetic: bool


@dataclass(frozen=True)
class SiteCard:
    series: str
    tagline: str
    url: str | None  # the home page's absolute URL, or None
    synthetic: bool


def largest_movers(issue: Issue, count: int = MOVERS) -> tuple[tuple[str, Decimal], ...]:
    """(ticker, 本周 %) of the `count` largest |本周| in the issue's stock table; equal sizes keep the
    table's row order (sorted() is stable)."""
    ranked = sorted(issue.stocks, key=lambda row: -abs(row.week_pct))
    return tuple((row.ticker, row.week_pct) for row in ranked[:count])


def absolute_url(site_url: str, target: str) -> str | None:
    """`target`'s absolute URL when the site has an absolute http(s) address; None otherwise."""
    parts = urlsplit(site_url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return None
    return urls.absolute(site_url, target)


def issue_card(issue: Issue, registry: Registry, synthetic: bool, site_url: str) -> IssueCard:
    companies = registry.by_ticker
    movers = tuple(
        Mover(companies[ticker].name, ticker, fmt_signed_pct(week), direction(week))
        for ticker, week in largest_movers(issue)
    )
    return IssueCard(
        series=urls.SERIES_NAME,
        date=issue.slug,
        title=issue.title,
        movers=movers,
        focus=tuple(rec.segment for rec in issue.recommendations),
        url=absolute_url(site_url, urls.issue_page(issue)),
        synthetic=synthetic,
    )


def site_card(synthetic: bool, site_url: str) -> SiteCard:
    return SiteCard(urls.SERIES_NAME, SITE_TAGLINE, absolute_url(site_url, urls.HOME), synthetic)
