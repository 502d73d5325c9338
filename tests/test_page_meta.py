"""What each page says about itself in <head>: its own description, Open Graph and Twitter tags, a canonical
URL and a share card, read back from the built HTML of the demo, hostile and real sites; and a build without
an absolute site_url, which leaves out the tags that need one.

The expected text comes from the data files themselves (read here with PyYAML and csv), not from the
generator."""

from __future__ import annotations

import csv
import re
from decimal import Decimal
from pathlib import Path
from urllib.parse import quote

import pytest
import yaml
from bs4 import BeautifulSoup

from helpers import HOSTILE, build, minimal_data

SITES = ("demo", "hostile", "real")
ISSUE_PAGE = re.compile(r"issues/(\d{4}-\d\d-\d\d)/index\.html")
COMPANY_PAGE = re.compile(r"companies/([^/]+)/index\.html")


def head_of(path: Path) -> dict[str, list[str]]:
    """The page's <meta> and canonical values, by name or property (each in page order)."""
    soup = BeautifulSoup(path.read_text(encoding="utf-8"), "lxml")
    found: dict[str, list[str]] = {}
    for tag in soup.head.find_all("meta"):
        key = tag.get("name") or tag.get("property")
        if key:
            found.setdefault(key, []).append(tag.get("content", ""))
    found["canonical"] = [link["href"] for link in soup.head.find_all("link", rel="canonical")]
    return found


def pages_of(site: Path) -> dict[str, dict[str, list[str]]]:
    """Every page but 404.html (no URL of its own), by its path in the site."""
    return {
        path.relative_to(site).as_posix(): head_of(path)
        for path in sorted(site.rglob("*.html"))
        if path.name != "404.html"
    }


@pytest.fixture(scope="module")
def heads(built_site):
    return {name: (built_site(name), pages_of(built_site(name).site)) for name in SITES}


LIMIT = 150  # a description's length at most: longer is cut, ending in …


def opens_with(description: str, prefix: str) -> bool:
    """Whether the description begins with `prefix`, or is cut (…) within it."""
    if description.endswith("…") and len(description) == LIMIT:
        return prefix.startswith(description[:-1]) or description.startswith(prefix)
    return description.startswith(prefix)


def sentence(text: str) -> str:
    text = " ".join(text.split())
    return text if text.endswith(("。", "！", "？", ".", "!", "?", "…")) else text + "。"


def only(values: dict[str, list[str]], key: str) -> str:
    assert len(values.get(key, [])) == 1, (key, values.get(key))
    return values[key][0]


@pytest.mark.parametrize("name", SITES)
def test_every_page_describes_itself_and_no_two_alike(heads, name):
    _, pages = heads[name]
    assert len(pages) > 10
    descriptions = {path: only(head, "description") for path, head in pages.items()}
    assert all(len(text) >= 20 for text in descriptions.values()), descriptions
    repeated = {d for d in descriptions.values() if list(descriptions.values()).count(d) > 1}
    assert repeated == set()
    for path, head in pages.items():
        assert only(head, "og:description") == descriptions[path]
        assert only(head, "og:title") and only(head, "og:site_name") == "算力周跟踪"
        assert only(head, "twitter:card") == "summary_large_image"


@pytest.mark.parametrize("name", SITES)
def test_absolute_urls_canonical_and_share_cards(heads, name):
    built, pages = heads[name]
    origin, site = built.origin, built.site
    for path, head in pages.items():
        url = origin + quote(path.removesuffix("index.html"))
        assert only(head, "canonical") == url and only(head, "og:url") == url
        image = only(head, "og:image")
        assert image.startswith(origin), image
        card = site / image.removeprefix(origin)
        assert card.is_file() and card.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n", path
        if issue := ISSUE_PAGE.fullmatch(path):
            assert only(head, "og:type") == "article"
            assert only(head, "article:published_time") == issue.group(1)
            assert image == f"{origin}issues/{issue.group(1)}/share.png"
        else:
            assert only(head, "og:type") == "website" and "article:published_time" not in head
            assert image == origin + "share.png"


def issue_yaml(data: Path, date: str) -> dict:
    return yaml.safe_load((data / "issues" / date / "issue.yaml").read_text(encoding="utf-8"))


@pytest.mark.parametrize("name", SITES)
def test_an_issue_says_its_title_and_first_key_point(heads, name):
    built, pages = heads[name]
    issues = {m.group(1): head for path, head in pages.items() if (m := ISSUE_PAGE.fullmatch(path))}
    assert issues
    for date, head in issues.items():
        source = issue_yaml(built.data, date)
        full = f"算力周跟踪 {date}：{sentence(source['title'])}{sentence(source['highlights'][0]['heading'])}"
        assert only(head, "description") == (full if len(full) <= LIMIT else full[: LIMIT - 1] + "…")


def latest_rows(data: Path) -> dict[str, tuple[str, dict[str, str]]]:
    """Each ticker's row in the latest stock table that lists it (the issue's date with it)."""
    rows: dict[str, tuple[str, dict[str, str]]] = {}
    for folder in sorted((data / "issues").iterdir()):
        stocks = folder / "stocks.csv"
        if stocks.is_file():
            with stocks.open(encoding="utf-8-sig", newline="") as handle:
                for row in csv.DictReader(handle):
                    rows[row["ticker"].strip()] = (folder.name, row)
    return rows


@pytest.mark.parametrize("name", SITES)
def test_a_company_says_its_name_sector_and_latest_figures(heads, name):
    built, pages = heads[name]
    companies = yaml.safe_load((built.data / "companies.yaml").read_text(encoding="utf-8"))
    by_slug = {c["ticker"].lower().replace(".", "-"): c for c in companies}
    rows = latest_rows(built.data)
    seen = 0
    for path, head in pages.items():
        if not (m := COMPANY_PAGE.fullmatch(path)):
            continue
        company, description = by_slug[m.group(1)], only(head, "description")
        assert opens_with(description, f"{company['name']}（{company['ticker']}，{company['sector']}）"), description
        if company["ticker"] in rows and len(description) < LIMIT:  # not cut short
            date, row = rows[company["ticker"]]
            week = Decimal(row["week_pct"].strip().rstrip("%"))
            assert f"最近一期 {date} 本周 {week:.2f}%" in description, description
            seen += 1
    assert seen


def test_hostile_strings_stay_text_in_the_head(heads):
    built, pages = heads["hostile"]
    head = pages["issues/2024-12-11/index.html"]
    assert opens_with(only(head, "description"), "算力周跟踪 2024-12-11：测试周报" + HOSTILE)
    assert HOSTILE in only(head, "og:title")
    soup = BeautifulSoup((built.site / "issues/2024-12-11/index.html").read_text(encoding="utf-8"), "lxml")
    assert not soup.head.select("img, iframe, svg")  # nothing of the strings became markup


@pytest.fixture(scope="module")
def local_site(tmp_path_factory) -> Path:
    """The minimal folder built without a site_url (SUANLI_SITE_URL empty): a local build."""
    root = tmp_path_factory.mktemp("no-site-url")
    site = root / "site"
    result = build(minimal_data(root / "data"), site, site_url="")
    assert result.returncode == 0, result.stderr
    return site


def test_without_site_url_the_absolute_tags_are_left_out(local_site):
    pages = pages_of(local_site)
    assert pages
    for path, head in pages.items():
        for key in ("canonical", "og:url", "og:image"):
            assert head.get(key, []) == [], (path, key)
        assert only(head, "description") and only(head, "og:title") and only(head, "twitter:card")
        assert only(head, "og:type") == ("article" if ISSUE_PAGE.fullmatch(path) else "website")
