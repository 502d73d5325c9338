"""Tables, figures and prose reach a page as HTML blocks spliced in after Markdown (site/splice.py):
in the right place, at the right moment for search, and with their links checked by a strict build."""

from __future__ import annotations

import os
import subprocess
import sys

from bs4 import BeautifulSoup

from helpers import minimal_data
from suanli.render.html import PLACEHOLDER
from suanli.site import splice
from support import snapshot

BLOCKS = ((b"<p>prose</p>", True, False), (b"<table><tr><td>1</td></tr></table>", False, True))
PAGE = f"<h2>a</h2>\n{PLACEHOLDER.format(0)}\n<h2>b</h2>\n{PLACEHOLDER.format(1)}\n"


def test_searchable_blocks_go_in_first_and_the_others_after():
    first = splice.splice(PAGE, BLOCKS, searchable=True)
    assert first == f"<h2>a</h2>\n<p>prose</p>\n<h2>b</h2>\n{PLACEHOLDER.format(1)}\n"
    assert splice.splice(first, BLOCKS, searchable=False) == (
        "<h2>a</h2>\n<p>prose</p>\n<h2>b</h2>\n<table><tr><td>1</td></tr></table>\n"
    )


def test_links_are_read_as_the_browser_reads_them_and_checked_against_the_sites_files():
    hrefs = splice.links('<a href="../../companies/nvda-o/">x</a><a href="exhibit-1.csv">y</a><a href="a&amp;b.csv">')
    assert hrefs == ["../../companies/nvda-o/", "exhibit-1.csv", "a&b.csv"]
    files = {"companies/nvda-o/index.html", "issues/2024-12-11/exhibit-1.csv", "sectors/存储/medians.csv"}
    assert splice.broken_links("issues/2024-12-11/", hrefs, files) == [("a&b.csv", "issues/2024-12-11/a&b.csv")]
    assert splice.broken_links("sectors/%E5%AD%98%E5%82%A8/", ["medians.csv", "../../"], files) == [
        ("../../", "index.html")
    ]
    outside = ["https://example.com/", "mailto:a@example.com", "#exhibit-1", "//cdn.example.com/x.js"]
    assert splice.broken_links("issues/2024-12-11/", outside, set()) == []


def test_the_built_page_has_its_blocks_where_the_markdown_put_them(real_site):
    soup = BeautifulSoup((real_site / "issues/2024-12-11/index.html").read_text(encoding="utf-8"), "lxml")
    assert "suanli-block" not in str(soup)
    heading = soup.find(id="exhibit-1")
    assert heading.find_next_sibling().name == "figure"  # 图表 1's figure right under its heading
    assert heading.find_next_sibling().select_one("table.suanli-stocks")
    assert soup.select_one("#highlights").find_next("div", class_="suanli-prose")


def test_a_strict_build_fails_on_a_broken_link_in_generated_html(tmp_path):
    copy = snapshot(tmp_path / "repo")
    template = copy / "gen/suanli/render/templates/series_table.html"
    template.write_text(template.read_text(encoding="utf-8").replace('href="{{ csv }}"', 'href="no-{{ csv }}"'))
    data = minimal_data(tmp_path / "data")
    env = {**os.environ, "SUANLI_DATA": str(data), "SUANLI_CACHE": "off", "PYTHONPATH": str(copy / "gen")}
    result = subprocess.run(
        [sys.executable, "-m", "properdocs", "build", "--strict", "-d", str(tmp_path / "site")],
        cwd=copy,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 1
    assert (
        "Doc file 'issues/2024-12-11/index.md' contains a link 'no-exhibit-2.csv' in its generated HTML, "
        "but the target 'issues/2024-12-11/no-exhibit-2.csv' is not among the site's files." in result.stderr
    )


def test_urls_link_pages_as_mkdocs_serves_them():
    from suanli.render import urls

    issue = urls.issue_page("2024-12-11")
    assert urls.href(issue, urls.company_page("NVDA.O")) == "../../companies/nvda-o/"
    assert urls.href(issue, urls.RATINGS) == "../../legal/ratings/"
    assert urls.href(issue, urls.ARCHIVE) == "../"
    assert urls.href(issue, urls.HOME) == "../../"
    assert urls.href(urls.HOME, issue) == "issues/2024-12-11/"
    assert urls.href(urls.COMPANY_INDEX, urls.COMPANY_INDEX) == "./"
    assert urls.href(issue, urls.beside(issue, "exhibit-1.csv")) == "exhibit-1.csv"
    assert urls.md_link(issue, urls.company_page("NVDA.O")) == "../../companies/nvda-o/index.md"
    assert urls.md_link(urls.HOME, issue) == "issues/2024-12-11/index.md"
    assert (
        urls.absolute("https://example.github.io/suanli", issue)
        == "https://example.github.io/suanli/issues/2024-12-11/"
    )
