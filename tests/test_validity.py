"""What a checker no one here wrote says about the built pages: the Nu Html Checker (vnu.jar, the W3C
validator's engine, pinned in tests/js/package.json) over every page of the demo, hostile and real sites.

The only errors allowed are Material's own, listed by message and by the element they are on: its two
toggle checkboxes carry `autocomplete`, which HTML allows only on text-like inputs. Any other error, one of
ours, fails the test with its page, line and message."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from urllib.parse import unquote

import pytest

from helpers import REPO

VNU = REPO / "tests/js/node_modules/vnu-jar/build/dist/vnu.jar"

# Material's errors, by message, each with the elements it may be on (Material's drawer and search toggles)
MATERIAL_ERRORS = {
    "Attribute “autocomplete” is only allowed when the input type is “color”, “date”, “datetime-local”, "
    "“email”, “hidden”, “month”, “number”, “password”, “range”, “search”, “tel”, “text”, “time”, “url”, or "
    "“week”.": re.compile(
        r'<input class="md-toggle" data-md-toggle="(drawer|search)" type="checkbox" id="__\1" autocomplete="off">'
    ),
}
SITES = ("demo", "hostile", "real")


@pytest.fixture(scope="module")
def checked(built_site) -> tuple[dict[str, list[str]], list[dict]]:
    """Every HTML page of the three sites, by site, and vnu's error messages over all of them (one run)."""
    java = shutil.which("java")
    if java is None or not VNU.exists():
        pytest.fail("java or tests/js/node_modules/vnu-jar is missing: run `make test`", pytrace=False)
    pages = {name: sorted(str(p) for p in built_site(name).site.rglob("*.html")) for name in SITES}
    result = subprocess.run(
        [java, "-jar", str(VNU), "--errors-only", "--format", "json", *sum(pages.values(), [])],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode in (0, 1), result.stderr[-2000:]  # 1: errors found
    return pages, json.loads(result.stderr)["messages"]


def highlighted(message: dict) -> str:
    """The markup an error is about: the part of its extract vnu highlights."""
    start = message.get("hiliteStart", 0)
    return message.get("extract", "")[start : start + message.get("hiliteLength", 0)]


def test_the_checker_reads_every_page_kind(checked):
    # the run covered each site's pages of every kind (and nothing went unread: a "non-document-error"
    # would mean a page vnu could not load)
    pages, messages = checked
    for name in SITES:
        paths = {p.split("/site/", 1)[1] for p in pages[name]}
        assert {"index.html", "issues/index.html", "companies/index.html", "sectors/index.html"} <= paths, name
        assert {"track-record/index.html", "downloads/index.html", "authoring/index.html", "404.html"} <= paths
        assert any(re.fullmatch(r"issues/\d{4}-\d\d-\d\d/index.html", p) for p in paths), name
        assert any(re.fullmatch(r"companies/[^/]+/index.html", p) for p in paths), name
        assert any(re.fullmatch(r"sectors/[^/]+/index.html", p) for p in paths), name
    assert [m for m in messages if m["type"] == "non-document-error"] == []


def test_no_error_but_materials_own(checked):
    pages, messages = checked
    ours = [
        f"{m['url'].split('/site/', 1)[-1]}:{m.get('lastLine')}: {m['message']}\n    {m.get('extract', '')!r}"
        for m in messages
        if m["type"] == "error"
        and not (m["message"] in MATERIAL_ERRORS and MATERIAL_ERRORS[m["message"]].fullmatch(highlighted(m)))
    ]
    assert ours == [], f"{len(ours)} error(s) of ours:\n" + "\n".join(ours[:40])


def test_materials_errors_are_the_ones_a_plain_material_page_has(checked):
    # exactly two per page, its two toggles: the allowance cannot hide a third input of ours
    pages, messages = checked
    per_page: dict[str, int] = {}
    for m in messages:
        if m["message"] in MATERIAL_ERRORS:
            per_page[m["url"]] = per_page.get(m["url"], 0) + 1
    every_page = [p for name in SITES for p in pages[name]]
    assert set(per_page.values()) == {2}
    assert len(per_page) == len(every_page)


def test_every_feed_parses_cleanly_in_a_feed_reader(built_site):
    """feedparser, what many feed readers are built on, reads every feed of the three sites without a
    complaint (bozo), and each entry links to a page the site has."""
    import feedparser

    for name in SITES:
        built = built_site(name)
        feeds = sorted(built.site.rglob("feed.xml"))
        assert len(feeds) > 1, name  # the site's and the companies'
        for path in feeds:
            feed = feedparser.parse(path.read_bytes())
            assert not feed.bozo, (path, feed.get("bozo_exception"))
            assert feed.feed.title and feed.feed.link.startswith(built.origin)
            for entry in feed.entries:
                assert entry.title and entry.published_parsed, (path, entry.get("id"))
                assert entry.link.startswith(built.origin), entry.link
                page = built.site / unquote(entry.link.removeprefix(built.origin).split("#")[0]) / "index.html"
                assert page.is_file(), (path, entry.link)
