"""What readers see and what search finds, for every page of the demo archive and the real issue,
held in golden files (tests/golden/site/). Taken before the pages' tables and figures moved from
Markdown to templates (issue 10), they keep that change, and any later one, from altering a word."""

from __future__ import annotations

import json

import pytest

from goldens import GOLDEN, golden
from sitetext import search_entries, site_text


def check(name: str, actual: object) -> None:
    text = json.dumps(actual, ensure_ascii=False, indent=1, sort_keys=True) + "\n"
    expected = json.loads(golden(GOLDEN / "site" / name, text))
    if isinstance(expected, dict):
        assert sorted(actual) == sorted(expected), f"{name}: the site's pages differ"
        for page in expected:
            assert actual[page] == expected[page], f"{name}: {page} reads differently"
    else:
        assert actual == expected, f"{name} differs"


@pytest.mark.parametrize("site", ["demo_site", "real_site"])
def test_every_page_reads_as_before(site, request):
    check(f"{site}.text.json", site_text(request.getfixturevalue(site)))


@pytest.mark.parametrize("site", ["demo_site", "real_site"])
def test_search_finds_what_it_found_before(site, request):
    check(f"{site}.search.json", search_entries(request.getfixturevalue(site)))
