"""Putting a page's HTML blocks in for their placeholders, and checking the links they hold.

The generator writes a page's tables, figures and prose as HTML from templates (render/html.py) and
leaves a placeholder for each in the page's Markdown, so Python-Markdown never walks them. The plugin
splices each block in after Markdown has run: a searchable block (prose, controls) before Material's
search plugin reads the page (on_page_content), the others (tables and figures of numbers, which the
search leaves out anyway) after the page is rendered (on_post_page), so the search plugin does not
walk them either. MkDocs never sees these blocks' links, so the plugin checks them here, and a strict
build fails on a broken one as it does on a broken Markdown link.
"""

from __future__ import annotations

import html
import posixpath
import re
from collections.abc import Iterable, Sequence
from urllib.parse import unquote, urlsplit

from suanli.render.html import PLACEHOLDER

_PLACEHOLDER = re.compile(re.escape(PLACEHOLDER).replace(r"\{\}", r"(\d+)"))
_LINK = re.compile(r'\s(?:href|src)="([^"]*)"')


def splice(page_html: str, blocks: Sequence[tuple[bytes, bool, bool]], *, searchable: bool) -> str:
    """`page_html` with the placeholder of each block whose `searchable` flag matches replaced by the block.
    A block is (UTF-8 HTML, searchable, links checked)."""

    def block(match: re.Match[str]) -> str:
        content, is_searchable, _ = blocks[int(match.group(1))]
        return content.decode("utf-8") if is_searchable == searchable else match.group(0)

    return _PLACEHOLDER.sub(block, page_html)


def links(block_html: str) -> list[str]:
    """Every href and src of a block, as the browser reads the attribute (entities decoded)."""
    return [html.unescape(value) for value in _LINK.findall(block_html)]


def broken_links(page_url: str, hrefs: Iterable[str], site_files: set[str]) -> list[tuple[str, str]]:
    """(link, target) for each link of a page (served at `page_url`, like "issues/2024-12-11/", percent-encoded
    or not) to a
    file of this site that the build does not have. `site_files`: every built file's path. Links to
    other sites, mailto: and fragments within the page are not checked here."""
    broken = []
    base = "/" + unquote(page_url)
    targets: dict[str, str | None] = {}  # a page links to the same place many times (100,000 links at 520 weeks)
    for link in hrefs:
        if link in targets:
            target = targets[link]
        else:
            target = targets[link] = _target(base, link)
        if target is not None and target not in site_files:
            broken.append((link, target))
    return broken


def _target(base: str, link: str) -> str | None:
    """The site path `link` leads to from the page at `base` (/folder/); None for a link not checked."""
    parts = urlsplit(link)
    if parts.scheme or parts.netloc or not parts.path:
        return None
    target = posixpath.normpath(posixpath.join(base, unquote(parts.path))).lstrip("/")
    if parts.path.endswith("/") or target == "":
        target = posixpath.join(target, "index.html")
    return target
