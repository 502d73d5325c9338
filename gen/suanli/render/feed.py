"""The RSS 2.0 feeds: the site's feed of issues (/feed.xml: title, date, link, 本周变化 and highlights of
the newest issues), and one feed per company (/companies/<slug>/feed.xml: an entry for each issue that
puts the company in its stock table, recommends it or names it in its text). Both read each issue as
it stands, corrections included: an entry carries its issue's 更正记录, and a correction dates the feed."""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET
from collections.abc import Callable
from email.utils import format_datetime

from markupsafe import Markup

from suanli.contract import CURRENCY_UNITS, Company, Dataset, Issue, Registry, Revision, StockRow
from suanli.derive import changes as week
from suanli.render import urls
from suanli.render.company_pages import CompanyRecord, has_feed
from suanli.render.formats import fmt_signed_pct
from suanli.render.html import fragment
from suanli.render.markup import author_markdown

FEED_ITEMS = 52  # a year of issues; the archive page lists them all
CHINA = dt.timezone(dt.timedelta(hours=8))


def _pub_date(date: dt.date) -> str:
    # Issues are dated, not timed: 08:00 Beijing time on the issue's day.
    return format_datetime(dt.datetime.combine(date, dt.time(8, 0), CHINA))


def changes_line(changes: week.WeekChanges, registry: Registry) -> str:
    """An issue's 本周变化 in one line, for its feed entry: the largest rises and falls, and how many
    companies joined and left the stock table and 建议关注."""
    names = registry.by_ticker
    parts = []
    if changes.rises:
        parts.append(
            "涨幅居前 " + "、".join(f"{names[m.ticker].name} {fmt_signed_pct(m.week_pct)}" for m in changes.rises[:3])
        )
    if changes.falls:
        parts.append(
            "跌幅居前 " + "、".join(f"{names[m.ticker].name} {fmt_signed_pct(m.week_pct)}" for m in changes.falls[:3])
        )
    if changes.previous is None:
        parts.append("首期，无上一期可比")
    else:
        if changes.tables_compared:
            parts.append(f"股价表新进 {len(changes.joined)} 家、移出 {len(changes.dropped)} 家")
        added = sum(len(s.added) for s in changes.segments)
        removed = sum(len(s.removed) for s in changes.segments)
        parts.append(f"建议关注新增 {added} 家、移出 {removed} 家")
    return "本周变化：" + "；".join(parts) + "。"


def _description(issue: Issue, previous: Issue | None, registry: Registry) -> str:
    highlights = [
        {"heading": h.heading, "body": Markup(author_markdown(h.body)) if h.body else None}  # sanitized
        for h in issue.highlights
    ]
    return str(
        fragment(
            "feed_description.html",
            changes=changes_line(week.week_changes(issue, previous), registry),
            highlights=highlights,
            revisions=issue.revisions,
        )
    )


def _channel(title: str, link: str, description: str, last: dt.date) -> tuple[ET.Element, ET.Element]:
    rss = ET.Element("rss", version="2.0")
    channel = ET.SubElement(rss, "channel")
    ET.SubElement(channel, "title").text = title
    ET.SubElement(channel, "link").text = link
    ET.SubElement(channel, "description").text = description
    ET.SubElement(channel, "language").text = "zh-cn"
    ET.SubElement(channel, "lastBuildDate").text = _pub_date(last)
    return rss, channel


def _item(channel: ET.Element, title: str, link: str, guid: str, date: dt.date, description: str) -> None:
    item = ET.SubElement(channel, "item")
    ET.SubElement(item, "title").text = title
    ET.SubElement(item, "link").text = link
    ET.SubElement(item, "guid", isPermaLink="true" if guid == link else "false").text = guid
    ET.SubElement(item, "pubDate").text = _pub_date(date)
    ET.SubElement(item, "description").text = description


def _xml(rss: ET.Element) -> str:
    ET.indent(rss)
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(rss, encoding="unicode") + "\n"


def last_change(issues: list[Issue] | tuple[Issue, ...]) -> dt.date:
    """When the feed last changed: its newest issue, or a later correction of any of them."""
    return max([*(i.date for i in issues), *(r.date for i in issues for r in i.revisions)])


def feed_xml(dataset: Dataset, site_url: str) -> str:
    """ElementTree escapes every text node; the description is HTML, carried as escaped text as RSS expects."""
    series_name = urls.SERIES_NAME
    rss, channel = _channel(
        series_name, urls.absolute(site_url, urls.HOME), f"{series_name}：AI 算力板块周报", last_change(dataset.issues)
    )
    issues = dataset.issues
    for position in range(len(issues) - 1, max(len(issues) - 1 - FEED_ITEMS, -1), -1):
        issue, previous = issues[position], week.previous_issue(issues, position)
        link = urls.absolute(site_url, urls.issue_page(issue))
        description = _description(issue, previous, dataset.registry)
        _item(channel, f"{issue.slug} {issue.title}", link, link, issue.date, description)
    return _xml(rss)


def company_feed_issues(record: CompanyRecord) -> list[Issue]:
    """The issues a company's feed has entries for: those that list, recommend or name it, newest first,
    the newest FEED_ITEMS."""
    touched = {i.date: i for i in [*(a.issue for a in record.history), *(i for i, _ in record.recommended)]}
    touched.update((i.date, i) for i in record.mentioned)
    return [touched[date] for date in sorted(touched, reverse=True)[:FEED_ITEMS]]


def company_feed_entry(
    company: Company, row: StockRow | None, segments: tuple[str, ...], mentioned: bool, revisions: tuple[Revision, ...]
) -> str:
    """What an issue says of a company, as its entry in the company's feed describes it (HTML): its stock
    table row, the 建议关注 segments naming it, whether its text names it, and its corrections."""
    return str(
        fragment(
            "company_feed_entry.html",
            company=company,
            row=row,
            unit=CURRENCY_UNITS[row.currency] if row else None,
            segments=segments,
            mentioned=mentioned,
            revisions=revisions,
        )
    )


# company_feed_entry, or what stands for it (a preview's memo of it, site/assemble.py)
EntryDescription = Callable[[Company, StockRow | None, tuple[str, ...], bool, tuple[Revision, ...]], str]


def company_feed_xml(
    record: CompanyRecord, site_url: str, describe: EntryDescription = company_feed_entry
) -> str | None:
    """A company's feed: one entry per issue that lists, recommends or names it, newest first (the
    newest FEED_ITEMS); None for a company no issue has touched. Its link is the issue's page; its guid
    the issue and the company, so one issue's entries in two companies' feeds stay distinct. `describe`
    makes each entry's description."""
    if not has_feed(record):
        return None
    company = record.company
    rows = {a.issue.date: a.row for a in record.history}
    segments: dict[dt.date, tuple[str, ...]] = {}
    for issue, segment in record.recommended:
        segments[issue.date] = (*segments.get(issue.date, ()), segment)
    mentioned = {issue.date for issue in record.mentioned}
    issues = {i.date: i for i in company_feed_issues(record)}
    newest = list(issues)
    label = f"{company.name}（{company.ticker}）"
    page = urls.company_page(company)
    rss, channel = _channel(
        f"{urls.SERIES_NAME} · {label}",
        urls.absolute(site_url, page),
        f"{urls.SERIES_NAME}中关于{label}的每一期：股价复盘、建议关注与正文提及",
        last_change([issues[d] for d in newest]),
    )
    for date in newest:
        issue = issues[date]
        description = describe(company, rows.get(date), segments.get(date, ()), date in mentioned, issue.revisions)
        link = urls.absolute(site_url, urls.issue_page(issue))
        guid = urls.company_feed_guid(link, company)
        _item(channel, f"{issue.slug} {issue.title}", link, guid, date, description)
    return _xml(rss)
