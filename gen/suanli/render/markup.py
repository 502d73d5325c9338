"""Escaping data strings for the places they land, and rendering authors' Markdown safely.

Three contexts, three functions:
- `esc`: text inside raw HTML (elements and attribute values);
- `md_text`: text inside Markdown (headings, list items), where Markdown
  syntax must stay literal and HTML must not become markup;
- `author_markdown`: the Markdown an author writes (highlight bodies): its
  formatting renders, but raw HTML shows as text and only http(s), mailto and
  relative links survive, judged as the browser reads them (`safe_url`); nh3
  cleans the result against an allowlist as the last step.
"""

from __future__ import annotations

import html
import re
import xml.etree.ElementTree as etree
from collections.abc import Callable

import markdown
import nh3
from markdown.treeprocessors import Treeprocessor
from markdown.util import AMP_SUBSTITUTE

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


SAFE_SCHEMES = frozenset({"http", "https", "mailto"})

# C0 controls. The URL parser removes tab, LF and CR anywhere and strips the others (and spaces) at
# the ends; `author_markdown` removes all but tab, LF and CR from its output (XML, so the feed, allows
# none of them). A URL is judged without any of them: the value judged is never safer than the one served.
_C0 = re.compile("[\x00-\x1f]")
_NOT_IN_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")
_SCHEME = re.compile(r"([a-zA-Z][a-zA-Z0-9+.\-]*):")


def safe_url(url: str) -> bool:
    """Whether a link or image target, as written in an HTML attribute, is http(s), mailto or relative
    once the browser has read it.

    The browser decodes character references (`&#106;`, `&#x6A`, `&Tab;` ...), then its URL parser
    drops leading C0 controls and spaces and every tab, LF and CR, and reads the scheme case-blind.
    Here every C0 control goes, wherever it is (see above), and references are decoded until nothing
    changes, so a value judged already decoded (nh3 hands its filter decoded values) gets the same
    answer; a double-encoded scheme is refused, never trusted.
    """
    previous = None
    while url != previous:
        previous = url
        url = _C0.sub("", html.unescape(url)).strip(" ")
    scheme = _SCHEME.match(url)
    return scheme is None or scheme.group(1).lower() in SAFE_SCHEMES


_URL_ATTRIBUTES = ("href", "src")
# What a valid URL may hold as it is (WHATWG URL: the URL code points, plus non-ASCII); `%` when it starts a
# percent-encoded byte, and one `#`. Anything else (a space, <, ", a backslash) a browser percent-encodes
# when it follows the link: encoded here, the link goes where it went and the attribute is a valid URL.
_URL_CODE_POINTS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!$&'()*+,-./:;=?@_~[]")
_PERCENT_ENCODED = re.compile("%[0-9A-Fa-f]{2}")


def valid_url(url: str) -> str:
    """A safe link target as a valid URL: what a browser would percent-encode, encoded."""
    out: list[str] = []
    fragment = False
    for i, character in enumerate(url):
        if character in _URL_CODE_POINTS or ord(character) > 0x7F:
            out.append(character)
        elif character == "%" and _PERCENT_ENCODED.match(url, i):
            out.append(character)
        elif character == "#" and not fragment:
            fragment = True
            out.append(character)
        else:
            out.append("".join(f"%{byte:02X}" for byte in character.encode("utf-8")))
    return "".join(out)


class _SafeLinks(Treeprocessor):
    """Drops link and image targets that could run script (javascript:, data:, vbscript: ..., however
    encoded). A link without its target becomes its text and an image its alt text: an `<a>` without
    href, or an `<img>` without src, is not valid HTML and would still look like a link or an image."""

    def run(self, root: etree.Element) -> None:
        for parent in list(root.iter()):
            for index in range(len(parent) - 1, -1, -1):
                element = parent[index]
                for attribute in _URL_ATTRIBUTES:
                    value = element.get(attribute)
                    # Markdown writes & as a placeholder inside the tree (its mail autolinks are all entities)
                    if value is None:
                        continue
                    if safe_url(value.replace(AMP_SUBSTITUTE, "&")):
                        # the placeholder stands for an & the source wrote (an entity): kept, not encoded
                        element.set(attribute, AMP_SUBSTITUTE.join(map(valid_url, value.split(AMP_SUBSTITUTE))))
                    else:
                        del element.attrib[attribute]
                        if element.tag == "a" and attribute == "href":
                            _unwrap(parent, index, element.text or "")
                        elif element.tag == "img" and attribute == "src":
                            _unwrap(parent, index, element.get("alt", ""))


def _unwrap(parent: etree.Element, index: int, text: str) -> None:
    """Replaces parent[index] with `text`, then its children, then its tail, in place."""
    element = parent[index]
    children = list(element) if element.tag == "a" else []
    parent.remove(element)
    for offset, child in enumerate(children):
        parent.insert(index + offset, child)
    _append_text(parent, index, text)
    last = index + len(children)  # the element that now precedes the tail (or parent.text if none)
    _append_text(parent, last, element.tail or "")


def _append_text(parent: etree.Element, position: int, text: str) -> None:
    """Adds text where a node inserted at `position` would begin: after parent[position - 1]'s tail,
    or at the end of parent.text when position is 0."""
    if not text:
        return
    if position == 0:
        parent.text = (parent.text or "") + text
    else:
        before = parent[position - 1]
        before.tail = (before.tail or "") + text


# Exactly what Python-Markdown (core syntax and sane_lists, no raw HTML) writes; nothing else survives.
ALLOWED_TAGS = frozenset(
    {
        "p",
        "br",
        "hr",
        "em",
        "strong",
        "code",
        "pre",
        "blockquote",
        "ul",
        "ol",
        "li",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "a",
        "img",
    }
)
ALLOWED_ATTRIBUTES = {
    "*": frozenset(),  # none on every tag (nh3 would otherwise keep lang and title everywhere)
    "a": frozenset({"href", "title"}),
    "img": frozenset({"src", "alt", "title"}),
    "ol": frozenset({"start"}),
}
LINK_REL = "noopener noreferrer"


def _url_filter(tag: str, attribute: str, value: str) -> str | None:
    """nh3's attribute filter: the same judgement as the tree processor, on the decoded value."""
    if attribute in _URL_ATTRIBUTES and not safe_url(value):
        return None
    return value


def _cleaner(attribute_filter: Callable[[str, str, str], str | None] | None = _url_filter) -> nh3.Cleaner:
    """The allowlist sanitizer; without the filter, nh3's own URL check stands alone (the tests use that)."""
    return nh3.Cleaner(
        tags=ALLOWED_TAGS,
        clean_content_tags=frozenset({"script", "style"}),  # never produced; if ever, dropped with their text
        attributes=ALLOWED_ATTRIBUTES,
        attribute_filter=attribute_filter,
        url_schemes=SAFE_SCHEMES,
        url_relative="pass_through",
        link_rel=LINK_REL,
        strip_comments=True,
    )


_CLEANER = _cleaner()


def _author_renderer() -> markdown.Markdown:
    md = markdown.Markdown(extensions=["sane_lists"], output_format="html")
    # No raw HTML: an author's (or a pasted) <script> shows as text.
    md.preprocessors.deregister("html_block")
    md.inlinePatterns.deregister("html")
    # after Markdown's own "unescape" (priority 0), so backslash escapes are already resolved
    md.treeprocessors.register(_SafeLinks(md), "suanli_safe_links", -1)
    return md


_RENDERER = _author_renderer()


def author_markdown(text: str) -> str:
    """An author's Markdown as HTML; raw HTML is shown literally, never executed.

    The last step is nh3 with an allowlist (`ALLOWED_TAGS`, `ALLOWED_ATTRIBUTES`, `SAFE_SCHEMES`):
    whatever the renderer lets through by mistake, the page gets only that; then the C0 controls
    XML cannot carry go (the HTML also lands in the feed), which can join no markup: nh3 escapes
    every & and <, and every URL was judged without them.
    """
    _RENDERER.reset()
    return _NOT_IN_XML.sub("", _CLEANER.clean(_RENDERER.convert(text)))
