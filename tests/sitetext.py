"""What a reader sees and what search finds, read from a built site, so that two builds of the same
data can be compared page by page however differently their HTML is put together."""

from __future__ import annotations

import json
import re
from pathlib import Path

from bs4 import BeautifulSoup

# Text inside these never shows; elements carrying `hidden` do not either.
_INVISIBLE = ("script", "style", "template", "noscript")


def _words(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def visible_text(html: str) -> str:
    """The page body's text as a reader sees it, every element boundary and run of white space one space
    (so markup that differs only in how elements are nested or spaced gives the same text)."""
    soup = BeautifulSoup(html, "lxml")
    body = soup.body or soup
    for element in body.find_all(_INVISIBLE):
        element.decompose()
    for element in body.find_all(attrs={"hidden": True}):
        element.decompose()
    return _words(body.get_text(" "))


def site_text(site: Path) -> dict[str, str]:
    """{page path: visible text} for every HTML page of a built site."""
    return {
        path.relative_to(site).as_posix(): visible_text(path.read_text(encoding="utf-8"))
        for path in sorted(site.rglob("*.html"))
    }


def search_entries(site: Path) -> list[dict[str, str]]:
    """The search index's entries (location, title, text, and the extra fields search finds a page by
    without showing them: a company page's pinyin), text with white space folded."""
    index = json.loads((site / "search/search_index.json").read_text(encoding="utf-8"))
    extra = [name for name in index["config"]["fields"] if name not in ("title", "text", "tags")]
    return [
        {
            "location": doc["location"],
            "title": _words(doc["title"]),
            "text": _words(doc["text"]),
            **{name: doc[name] for name in extra if name in doc},
        }
        for doc in index["docs"]
    ]
