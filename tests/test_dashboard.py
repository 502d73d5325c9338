"""The home page as the week's dashboard: every part of it comes from the data, and agrees with the
pages and files it summarises."""

from __future__ import annotations

import csv
import statistics
from decimal import Decimal
from pathlib import Path

import pytest
import yaml
from bs4 import BeautifulSoup

from helpers import REAL_DATA, issue_dirs


def soup_of(site: Path, path: str = "") -> BeautifulSoup:
    return BeautifulSoup((site / path / "index.html").read_text(encoding="utf-8"), "lxml")


@pytest.fixture(params=["demo", "real"])
def case(request) -> tuple[Path, Path]:
    """(site, data) of the demo folder and of the frozen real issue."""
    if request.param == "demo":
        return request.getfixturevalue("demo_site"), request.getfixturevalue("demo_data")
    return request.getfixturevalue("real_site"), REAL_DATA


def section(soup: BeautifulSoup, anchor: str):
    """Everything between the heading with this id and the next h2."""
    heading = soup.select_one(f"article h2#{anchor}")
    assert heading is not None, anchor
    parts = []
    for sibling in heading.find_next_siblings():
        if sibling.name == "h2":
            break
        parts.append(sibling)
    return parts


def text(parts) -> str:
    return " ".join(p.get_text(" ", strip=True) for p in parts)


def test_the_latest_issue_title_and_key_points(case):
    site, data = case
    latest = issue_dirs(data)[-1]
    issue = yaml.safe_load((latest / "issue.yaml").read_text(encoding="utf-8"))
    home = soup_of(site)
    parts = section(home, "latest")
    assert latest.name in home.select_one("article h2#latest").get_text()
    title = parts[0].select_one("a")
    assert title.get_text() == issue["title"] and title["href"] == f"issues/{latest.name}/"
    for highlight in issue["highlights"]:
        assert highlight["heading"] in text(parts)


def test_the_weeks_changes_are_the_latest_issues(case):
    site, data = case
    latest = issue_dirs(data)[-1].name
    on_home = soup_of(site).select_one("article .suanli-changes")
    on_issue = soup_of(site, f"issues/{latest}").select_one("article .suanli-changes")
    assert on_home.get_text() == on_issue.get_text()
    for link in on_home.select("a"):
        assert (site / link["href"] / "index.html").is_file(), link["href"]


def test_the_current_recommendations_are_the_latest_issues(case):
    site, data = case
    latest = issue_dirs(data)[-1].name
    home = [li.get_text() for li in soup_of(site).select("article h2#recommendations + ul > li")]
    issue = [li.get_text() for li in soup_of(site, f"issues/{latest}").select("#recommendations + ul > li")]
    assert home == issue and home


def test_the_stock_chart_draws_the_latest_issues_data(case):
    site, data = case
    latest = issue_dirs(data)[-1].name
    chart = soup_of(site).select_one("article .suanli-chart[data-kind=stocks]")
    assert chart["data-csv"] == f"issues/{latest}/exhibit-1.csv"
    assert (site / chart["data-csv"]).is_file()
    # after the sections above it: on a phone, Vega loads only when the reader scrolls to it
    assert chart.find_previous("h2")["id"] == "stocks"
    assert [h["id"] for h in soup_of(site).select("article h2")].index("stocks") >= 3


def medians_from_files(data: Path) -> dict[tuple[str, str], Decimal]:
    sector_of = {c["ticker"]: c["sector"] for c in yaml.safe_load((data / "companies.yaml").read_text("utf-8"))}
    out = {}
    for folder in issue_dirs(data):
        by_sector: dict[str, list[Decimal]] = {}
        with (folder / "stocks.csv").open(encoding="utf-8") as handle:
            for row in csv.DictReader(handle):
                by_sector.setdefault(sector_of[row["ticker"]], []).append(Decimal(row["week_pct"].rstrip("%")))
        for sector, values in by_sector.items():
            out[(sector, folder.name)] = statistics.median(values)
    return out


def test_each_sectors_median_over_the_last_eight_issues(case):
    site, data = case
    recent = [d.name for d in issue_dirs(data)][-8:]
    table = soup_of(site).select_one("article table.suanli-grid")
    columns = [a["href"] for a in table.select("thead th a")]
    assert columns == [f"issues/{slug}/" for slug in recent]
    medians = medians_from_files(data)
    sectors = list(dict.fromkeys(c["sector"] for c in yaml.safe_load((data / "companies.yaml").read_text("utf-8"))))
    rows = table.select("tbody tr")
    assert [tr.th.get_text() for tr in rows] == sectors
    for tr in rows:
        for slug, cell in zip(recent, tr.select("td"), strict=True):
            value = medians.get((tr.th.get_text(), slug))
            if value is None:
                assert cell.get_text() == "—"
            else:
                assert Decimal(cell.get_text().rstrip("%")) == value
                assert ("up" in cell["class"]) == (value > 0) and ("down" in cell["class"]) == (value < 0)


def test_the_last_eight_issues_with_their_titles(case):
    site, data = case
    folders = issue_dirs(data)[-8:][::-1]
    items = section(soup_of(site), "recent")[0].select("li")
    assert len(items) == len(folders)
    for li, folder in zip(items, folders, strict=True):
        title = yaml.safe_load((folder / "issue.yaml").read_text(encoding="utf-8"))["title"]
        assert li.a["href"] == f"issues/{folder.name}/" and folder.name in li.get_text() and title in li.get_text()
