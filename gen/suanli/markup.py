"""Escaping data strings for the places they land, and rendering authors' Markdown safely.

Three contexts, three functions:
- `esc`: text inside raw HTML (elements and attribute values);
- `md_text`: text inside Markdown (headings, list items), where Markdown
  syntax must stay literal and HTML must not become markup;
- `author_markdown`: the Markdown an author writes (highlight bodies): its
  formatting renders, but raw HTML shows as text and only http(s), mailto and
  relative links survive.
"""

from __future__ import annotations

import html
import re
import xml.etree.ElementTree as etree

import markdown
from markdown.treeprocessors import Treeprocessor

# Python-Markdown's escapable characters, | (the tables extension's), and <.
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>])")


def esc(text: str) -> str:
    """Text for raw HTML: element content or a quoted attribute value."""
    return html.escape(text, quote=True)


def md_text(text: str) -> str:
    """Text for Markdown context: every Markdown special backslash-escaped, then HTML escaped.

    `<` and `>` are escaped by Markdown's own backslash rule first, then HTML-escaped so
    the browser shows them as characters (Python-Markdown keeps entities as they are).
    """
    escaped = _MD_SPECIAL.sub(r"\\\1", text.replace("\r", " ").replace("\n", " "))
    return escaped.replace("&", "&amp;").replace("\\<", "&lt;").replace("\\>", "&gt;")


SAFE_SCHEMES = ("http:", "https:", "mailto:")


class _SafeLinks(Treeprocessor):
    """Drops link targets that could run script (javascript:, data:, vbscript: ...)."""

    def run(self, root: etree.Element) -> None:
        for element in root.iter():
            for attribute in ("href", "src"):
                value = element.get(attribute)
                if value is None:
                    continue
                scheme = re.match(r"^\s*([a-zA-Z][a-zA-Z0-9+.\-]*:)", value)
                if scheme and scheme.group(1).lower() not in SAFE_SCHEMES:
                    del element.attrib[attribute]


def _author_renderer() -> markdown.Markdown:
    md = markdown.Markdown(extensions=["sane_lists"], output_format="html")
    # No raw HTML: an author's (or a pasted) <script> shows as text.
    md.preprocessors.deregister("html_block")
    md.inlinePatterns.deregister("html")
    md.treeprocessors.register(_SafeLinks(md), "suanli_safe_links", 0)
    return md


_RENDERER = _author_renderer()


def author_markdown(text: str) -> str:
    """An author's Markdown as HTML; raw HTML is shown literally, never executed."""
    _RENDERER.reset()
    return _RENDERER.convert(text)
