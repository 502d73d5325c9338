"""The RSS 2.0 feed of issues (/feed.xml): title, date, link and highlights of the newest issues."""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET
from email.utils import format_datetime

from markupsafe import Markup

from suanli.contract import Dataset, Issue
from suanli.render import urls
from suanli.render.html import fragment
from suanli.render.markup import author_markdown

FEED_ITEMS = 52  # a year of issues; the archive page lists them all
CHINA = dt.timezone(dt.timedelta(hours=8))


def _pub_date(date: dt.date) -> str:
    # Issues are dated, not timed: 08:00 Beijing time on the issue's day.
    return format_datetime(dt.datetime.combine(date, dt.time(8, 0), CHINA))


def _description(issue: Issue) -> str:
    highlights = [
        {"heading": h.heading, "body": Markup(author_markdown(h.body)) if h.body else None}  # sanitized
        for h in issue.highlights
    ]
    return str(fragment("feed_description.html", highlights=highlights, revisions=issue.revisions))


def feed_xml(dataset: Dataset, site_url: str) -> str:
    """ElementTree escapes every text node; the description is HTML, carried as escaped text as RSS expects."""
    series_name = urls.SERIES_NAME
    rss = ET.Element("rss", version="2.0")
    channel = ET.SubElement(rss, "channel")
    ET.SubElement(channel, "title").text = series_name
    ET.SubElement(channel, "link").text = urls.absolute(site_url, urls.HOME)
    ET.SubElement(channel, "description").text = f"{series_name}：AI 算力板块周报"
    ET.SubElement(channel, "language").text = "zh-cn"
    ET.SubElement(channel, "lastBuildDate").text = _pub_date(
        max([dataset.latest.date, *(r.date for i in dataset.issues for r in i.revisions)])
    )
    for issue in list(reversed(dataset.issues))[:FEED_ITEMS]:
        item = ET.SubElement(channel, "item")
        link = urls.absolute(site_url, urls.issue_page(issue))
        ET.SubElement(item, "title").text = f"{issue.slug} {issue.title}"
        ET.SubElement(item, "link").text = link
        ET.SubElement(item, "guid", isPermaLink="true").text = link
        ET.SubElement(item, "pubDate").text = _pub_date(issue.date)
        ET.SubElement(item, "description").text = _description(issue)
    ET.indent(rss)
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(rss, encoding="unicode") + "\n"
