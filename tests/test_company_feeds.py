"""A feed per company (/companies/<slug>/feed.xml): an entry for each issue that lists the company in its
stock table, recommends it or names it in its text; the same issues, as-of and corrections as its page."""

from __future__ import annotations

import datetime as dt
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import yaml
from bs4 import BeautifulSoup

from suanli.load.dataset import load_dataset
from suanli.render.company_pages import company_records
from suanli.render.feed import FEED_ITEMS, company_feed_xml


def company_dirs(site: Path) -> list[Path]:
    return sorted(p for p in (site / "companies").iterdir() if (p / "index.html").is_file())


def issues_on_page(page: BeautifulSoup) -> list[str]:
    """The issues a company page lists (its history table, 建议关注 record and mentions), newest first."""
    links = page.select("#history-table tbody th a") + page.select("#recommended + ul a, #mentioned + ul a")
    return sorted({a["href"].rstrip("/").rsplit("/", 1)[1] for a in links}, reverse=True)


def items(feed: Path) -> list[ET.Element]:
    return list(ET.parse(feed).getroot().iter("item"))


@pytest.mark.parametrize("built", ["demo_site", "real_site"])
def test_each_company_feed_has_an_entry_per_issue_its_page_lists(built, request):
    site = request.getfixturevalue(built)
    touched = 0
    for folder in company_dirs(site):
        page = BeautifulSoup((folder / "index.html").read_text(encoding="utf-8"), "lxml")
        issues = issues_on_page(page)
        feed = folder / "feed.xml"
        link = page.select_one("article a[href='feed.xml']")
        if not issues:
            assert not feed.exists() and link is None
            continue
        touched += 1
        assert link is not None
        entries = items(feed)
        assert [e.findtext("link").rstrip("/").rsplit("/", 1)[1] for e in entries] == issues[:FEED_ITEMS]
        guids = [e.findtext("guid") for e in entries]
        assert len(set(guids)) == len(guids) and all(g.endswith("#" + folder.name) for g in guids)
        channel = ET.parse(feed).getroot().find("channel")
        assert channel.findtext("link").endswith(f"/companies/{folder.name}/")
    assert touched > 10


def test_an_entry_says_what_the_issue_says_of_the_company(demo_site, demo_data):
    dataset = load_dataset(demo_data)
    names = {c.slug: c for c in dataset.registry.companies}
    for folder in company_dirs(demo_site)[:8]:
        if not (folder / "feed.xml").exists():
            continue
        page = BeautifulSoup((folder / "index.html").read_text(encoding="utf-8"), "lxml")
        weeks = {tr.th.get_text(): tr.select("td")[0].get_text() for tr in page.select("#history-table tbody tr")}
        for entry in items(folder / "feed.xml"):
            slug = entry.findtext("link").rstrip("/").rsplit("/", 1)[1]
            text = BeautifulSoup(entry.findtext("description"), "lxml").get_text()
            if slug in weeks:
                assert f"本周 {weeks[slug]}" in text
            else:
                assert "股价复盘" not in text
            assert "建议关注" in text or "正文提及" in text or slug in weeks, (names[folder.name].name, slug)


def test_corrections_reach_the_company_feed_as_they_reach_the_site_feed(demo_data, tmp_path):
    data = tmp_path / "data"
    shutil.copytree(demo_data, data)
    folder = sorted((data / "issues").iterdir())[0]
    issue = yaml.safe_load((folder / "issue.yaml").read_text(encoding="utf-8"))
    corrected = dt.date.fromisoformat(folder.name) + dt.timedelta(days=30)
    issue["revisions"] = [{"date": corrected.isoformat(), "note": "更正：市值单位"}]
    (folder / "issue.yaml").write_text(yaml.safe_dump(issue, allow_unicode=True), encoding="utf-8")
    dataset = load_dataset(data)
    ticker = dataset.issues[0].stocks[0].ticker
    record = next(r for r in company_records(dataset) if r.company.ticker == ticker)
    feed = ET.fromstring(company_feed_xml(record, "http://x/"))
    entry = next(e for e in feed.iter("item") if folder.name in e.findtext("link"))
    assert "更正：市值单位" in entry.findtext("description")
    newest = max(a.issue.date for a in record.history)
    assert feed.find("channel").findtext("lastBuildDate").startswith(max(newest, corrected).strftime("%a, %d %b %Y"))
