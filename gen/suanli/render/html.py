"""HTML fragments from Jinja2 templates (render/templates/), with autoescaping on: every data string is
escaped wherever it lands, by default. Only HTML that is already safe passes as it is, marked Markup
where it is made: a fragment rendered here, or an author's Markdown after the sanitizer (markup.py).

A page's tables and figures never pass through Markdown: the page's Markdown holds a placeholder for
each (an HTML comment, which Python-Markdown passes through untouched), and the plugin splices the HTML
in after Markdown has run (site/splice.py). Headings, prose lists and links MkDocs must see stay Markdown.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field

import jinja2
import yaml
from markupsafe import Markup

from suanli.render.formats import direction, fmt_number, fmt_pct, shade

ENV = jinja2.Environment(
    loader=jinja2.PackageLoader("suanli.render", "templates"),
    autoescape=True,
    undefined=jinja2.StrictUndefined,  # a name missing from the context is an error, not an empty string
    trim_blocks=True,
    lstrip_blocks=True,
    # Each template is read once per process: a running preview imports an edited generator afresh
    # (site/plugin.py), and a check of the file's time on every use cost a 520-week build 0.3 s.
    auto_reload=False,
)
ENV.filters.update(number=fmt_number, pct=fmt_pct, direction=direction, shade=shade)

PLACEHOLDER = "<!--suanli-block:{}-->"


def fragment(template: str, **context: object) -> Markup:
    """One template rendered: HTML, safe to put in another template or in a page."""
    return Markup(ENV.get_template(template).render(**context).strip())


@dataclass(frozen=True)
class Block:
    """A fragment of a page, spliced in for its placeholder. `searchable`: spliced before the search
    plugin reads the page, so search finds its text; otherwise after (tables and figures of numbers,
    which search leaves out anyway), so neither Markdown nor the search plugin walks them."""

    html: str
    searchable: bool = False
    # the generator's links are checked in a strict build; an author's (prose) are the author's
    check_links: bool = True


# A page's blocks as the plugin splices them (site/splice.py), in placeholder order: (UTF-8 HTML, searchable,
# check_links) as Block says
Blocks = tuple[tuple[bytes, bool, bool], ...]


@dataclass(frozen=True)
class Page:
    """A generated page: its Markdown, with a placeholder for each of its blocks, and its front matter
    (`meta`: what MkDocs reads into page.meta, such as the description overrides/main.html puts in <head>)."""

    markdown: str
    blocks: tuple[Block, ...] = ()
    meta: Mapping[str, object] = field(default_factory=dict)

    def encoded(self) -> tuple[bytes, Blocks]:
        """The page as a build keeps it: its Markdown file and its blocks in UTF-8 (Chinese text held as
        str takes twice the memory; a 520-week site holds 585 pages)."""
        blocks = tuple((block.html.encode("utf-8"), block.searchable, block.check_links) for block in self.blocks)
        return self.source.encode("utf-8"), blocks

    @property
    def source(self) -> str:
        """The Markdown file MkDocs reads: the front matter (YAML, every value quoted as YAML needs), then
        the Markdown."""
        if not self.meta:
            return self.markdown
        assert not self.markdown.startswith("---"), "a page's front matter belongs in its meta"
        front = yaml.safe_dump(dict(self.meta), allow_unicode=True, sort_keys=False, width=1_000_000)
        return f"---\n{front}---\n\n{self.markdown}"


def page_meta(
    description: str, *, published: dt.date | None = None, image: str | None = None, **more: object
) -> dict[str, object]:
    """A generated page's front matter: its description; an issue's publication date (an article, for link
    previews) and its own share card (without one, overrides/main.html shows the site's); `more`: other
    MkDocs or Material keys (search, template)."""
    meta: dict[str, object] = {"description": description}
    if image is not None:
        meta["image"] = image
    if published is not None:
        meta["published"] = published.isoformat()
    return meta | more


@dataclass
class PageWriter:
    """Builds a page's Markdown line by line; `block` puts a fragment's placeholder on its own line."""

    lines: list[str] = field(default_factory=list)
    blocks: list[Block] = field(default_factory=list)

    def add(self, *lines: str) -> None:
        self.lines.extend(lines)

    def block(self, html: str, *, searchable: bool = False, check_links: bool = True) -> None:
        self.lines += [PLACEHOLDER.format(len(self.blocks)), ""]
        self.blocks.append(Block(str(html), searchable, check_links))

    def page(self, meta: Mapping[str, object] | None = None) -> Page:
        return Page("\n".join(self.lines).rstrip("\n") + "\n", tuple(self.blocks), meta or {})
