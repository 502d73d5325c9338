"""本周变化: the week's largest moves, the stock table's and 建议关注's comings and goings, and market-cap
rank moves, computed from an issue and the one before it; on the page, in the feed, and as of each date."""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET
from decimal import Decimal

from bs4 import BeautifulSoup

from helpers import issue_dirs
from suanli.contract import Author, Exhibit, Highlight, Issue, Recommendation, StockRow
from suanli.derive import changes
from suanli.load.dataset import load_dataset
from suanli.render.feed import changes_line


def row(ticker: str, week: str, cap: str = "100", currency: str = "USD") -> StockRow:
    return StockRow(ticker, Decimal(cap), currency, Decimal(week), Decimal("0"), Decimal("0"))


def issue(day: int, stocks: list[StockRow], recommendations: tuple[Recommendation, ...] = ()) -> Issue:
    return Issue(
        date=dt.date(2024, 12, day),
        title="t",
        period_start=dt.date(2024, 12, day),
        period_end=dt.date(2024, 12, day),
        authors=(Author("a"),),
        highlights=(Highlight("h"),),
        exhibits=(Exhibit(1, "stocks", "s"),),
        recommendations=recommendations,
        stocks=tuple(stocks),
    )


def tickers(moves) -> list[str]:
    return [m.ticker for m in moves]


def test_five_largest_rises_and_falls_with_ties_and_no_flat_week():
    rows = [row(t, w) for t, w in [("A", "9"), ("B", "7"), ("C", "5"), ("D", "3"), ("E", "1"), ("F", "1"), ("G", "0")]]
    rows += [row(t, w) for t, w in [("H", "-1"), ("I", "-8"), ("J", "-2")]]
    rises, falls = changes.largest_moves(tuple(rows))
    assert tickers(rises) == ["A", "B", "C", "D", "E", "F"]  # E and F tie for fifth
    assert tickers(falls) == ["I", "J", "H"]  # only three fell; G was flat
    assert changes.largest_moves(()) == ((), ())


def test_joined_dropped_segments_and_rank_moves_against_the_previous_issue():
    before = issue(
        4,
        [row("A", "1", "500"), row("B", "1", "400"), row("C", "1", "300"), row("X", "1", "10", "CNY")],
        (Recommendation("端侧", ("A", "B")), Recommendation("算力", ("C",))),
    )
    now = issue(
        11,
        [row("C", "1", "600"), row("B", "1", "450"), row("D", "1", "50"), row("X", "1", "12", "CNY")],
        (Recommendation("端侧", ("B", "D")), Recommendation("光模块", ("X",))),
    )
    result = changes.week_changes(now, before)
    assert result.previous is before
    assert result.joined == ("D",) and result.dropped == ("A",)
    assert [(s.segment, s.added, s.removed) for s in result.segments] == [
        ("端侧", ("D",), ("A",)),
        ("光模块", ("X",), ()),
        ("算力", (), ("C",)),
    ]
    # ranked among the companies in both tables (A left, D is new: neither moves anyone): USD B 1st -> 2nd,
    # C 2nd -> 1st, a tie at one place each, both shown, the climb first. CNY: X alone, unmoved.
    assert [(c, [(m.ticker, m.before, m.after, m.places) for m in moves]) for c, moves in result.ranks] == [
        ("USD", [("C", 2, 1, 1), ("B", 1, 2, -1)])
    ]
    assert result.tables_compared


def test_a_company_joining_at_the_top_moves_no_one_and_a_change_of_currency_is_not_a_move():
    before = issue(4, [row("A", "1", "500"), row("B", "1", "400"), row("C", "1", "300", "CNY")])
    now = issue(11, [row("N", "1", "900"), row("A", "1", "500"), row("B", "1", "400"), row("C", "1", "30")])
    assert changes.week_changes(now, before).ranks == ()


def test_an_issue_without_a_stock_table_compares_no_tables():
    before = issue(4, [row("A", "1"), row("B", "-1")], (Recommendation("端侧", ("A",)),))
    now = issue(11, [], (Recommendation("端侧", ("B",)),))
    for result in (changes.week_changes(now, before), changes.week_changes(before, now)):
        assert not result.tables_compared and result.joined == result.dropped == result.ranks == ()
    result = changes.week_changes(now, before)
    assert [(s.segment, s.added, s.removed) for s in result.segments] == [("端侧", ("B",), ("A",))]
    assert (result.rises, result.falls) == ((), ())


def test_the_first_issue_has_its_moves_and_says_there_is_nothing_to_compare():
    first = issue(4, [row("A", "2"), row("B", "-3")])
    result = changes.week_changes(first, None)
    assert result.previous is None and tickers(result.rises) == ["A"] and tickers(result.falls) == ["B"]
    assert result.joined == result.dropped == result.segments == result.ranks == ()


def changes_section(site, slug: str):
    soup = BeautifulSoup((site / "issues" / slug / "index.html").read_text(encoding="utf-8"), "lxml")
    heading = soup.select_one("article h2#changes")
    return heading, heading.find_next_sibling("div", class_="suanli-changes")


def test_every_demo_issue_shows_its_changes_near_the_top_with_company_links(demo_site, demo_data):
    dataset = load_dataset(demo_data)
    slugs = [d.name for d in issue_dirs(demo_data)]
    for position, slug in enumerate(slugs):
        heading, block = changes_section(demo_site, slug)
        assert heading.find_previous("h2") is None  # the first section of the issue
        text = block.get_text()
        expected = changes.week_changes(dataset.issues[position], dataset.issues[position - 1] if position else None)
        names = dataset.registry.by_ticker
        for move in (*expected.rises, *expected.falls):
            assert names[move.ticker].name in text
        if position == 0:
            assert "没有上一期可供比较" in text
        else:
            assert slugs[position - 1] in text and "没有上一期" not in text
            for ticker in (*expected.joined, *expected.dropped):
                assert names[ticker].name in text
        for link in block.select("a[href*='companies/']"):
            target = demo_site / "issues" / slug / link["href"] / "index.html"
            assert target.resolve().is_file(), link["href"]


def test_the_real_issue_is_the_first_and_says_so(real_site):
    _, block = changes_section(real_site, "2024-12-11")
    text = block.get_text()
    assert "没有上一期可供比较" in text
    assert "Alphabet 6.11%" in text and "甬矽电子 4.64%" in text  # the week's largest rises
    assert "超威电脑 -7.72%" in text and "AMD -7.83%" in text


def test_the_feed_carries_each_issues_changes_in_one_line(demo_site, demo_data):
    dataset = load_dataset(demo_data)
    by_link = {
        item.findtext("link").rstrip("/").rsplit("/", 1)[1]: item.findtext("description")
        for item in ET.parse(demo_site / "feed.xml").getroot().iter("item")
    }
    for position, current in enumerate(dataset.issues):
        if current.slug not in by_link:
            continue
        line = changes_line(
            changes.week_changes(current, changes.previous_issue(dataset.issues, position)), dataset.registry
        )
        assert "\n" not in line and line.startswith("本周变化：")
        assert line in BeautifulSoup(by_link[current.slug], "lxml").get_text()


def test_an_issues_changes_do_not_move_when_a_later_issue_arrives(demo_data, tmp_path):
    """The as-of rule: an issue's 本周变化 reads only it and the issue before it."""
    import shutil

    from suanli.render.urls import issue_page
    from suanli.site.assemble import render

    fewer = tmp_path / "data"
    shutil.copytree(demo_data, fewer)
    shutil.rmtree(issue_dirs(fewer)[-1])
    full, earlier = render(load_dataset(demo_data), "http://x/"), render(load_dataset(fewer), "http://x/")
    kept = issue_dirs(fewer)[-1].name

    def section(rendered) -> bytes:
        blocks = rendered.blocks[issue_page(kept)]
        return next(html for html, *_ in blocks if b"suanli-changes" in html)

    assert section(full) == section(earlier)
