"""Incremental preview: after a save, render only the pages whose sources changed since the last good
build, so the preview reloads sooner, and leave every page, the feed, the sitemap and the search index
as a clean build of the same data makes them.

Why it stays correct: the generator still produces every page's Markdown and HTML blocks on every build
(from its cache, its memos, or afresh), so whatever a page shows of other issues (the archive, the home
page, /latest/, the previous/next links, company and sector pages, the feed) is already in that page's own
sources; comparing a digest of each file's sources with the last build's finds exactly the pages to
render. What shapes every page besides its own sources (mkdocs.yml, the theme overrides, the
generator's code, `extra`, the site URL, the search words, the package versions, the navigation's titles)
is one key: when it changes, when a file disappeared, or when there is no last build (the first build, or
an error after the site folder was touched), the build is a clean one (site folder emptied, every file
written). Pages skipped keep their HTML in the site folder, their search entries (kept here and handed to
Material in a clean build's order) and their anchors for link validation. Pages whose rendering warned
are rendered again next time, so a strict build stops on them as a clean one would.

It acts only under `suanli serve` (`properdocs serve --dirty`); `properdocs build` is as before. One
IncrementalBuild lives for one build (site/build.py makes it); the record of the last good build is the
session's (site/session.py), which outlives the generator's reload. ProperDocs' and Material's internals
are reached only through site/mkdocs_internals.py.
"""

from __future__ import annotations

import hashlib
import json
import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, TypeAlias

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File, Files
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page

from suanli.render.html import Blocks
from suanli.site import mkdocs_internals as mi
from suanli.site.session import Session

if TYPE_CHECKING:  # the renderer (pandas and all) is imported only when a build renders
    from suanli.site.assemble import Content

log = logging.getLogger("mkdocs.plugins.suanli.incremental")

HANDLER = "suanli-page-warnings"


@dataclass
class Record:
    """One build, as the site folder holds it once the build succeeded."""

    key: str = ""
    digests: dict[str, bytes] = field(default_factory=dict)  # every file's src_uri -> digest of its sources
    search: dict[str, list[mi.SearchEntry]] = field(default_factory=dict)  # page src_uri -> its search entries
    anchors: dict[str, mi.Anchors] = field(default_factory=dict)  # page src_uri -> its anchors and links
    warned: set[str] = field(default_factory=set)  # pages whose rendering logged a warning
    # src_uri -> the objects its digest was worked out from, when they were in memory (kept alive here, so
    # the same object in the next build is the same content and its digest need not be worked out again)
    sources: dict[str, Sources] = field(default_factory=dict)


# A generated file's content (bytes, or the card file holding them), its blocks and its search fields
Sources: TypeAlias = "tuple[Content, Blocks | None, dict[str, str] | None]"


def _same(before: Sources, now: Sources) -> bool:
    """The same sources: the same content and blocks objects (kept alive by the record that holds them, so
    neither id was reused) and equal search fields (a small dict made afresh)."""
    return before[0] is now[0] and before[1] is now[1] and before[2] == now[2]


class _PageWarnings(logging.Handler):
    """Lays each warning logged while a page renders to that page."""

    def __init__(self, build: IncrementalBuild) -> None:
        super().__init__(logging.WARNING)
        self.name = HANDLER
        self.build = build

    def emit(self, record: logging.LogRecord) -> None:
        if self.build.rendering is not None and self.build.record is not None:
            self.build.record.warned.add(self.build.rendering)


def environment_key(config: MkDocsConfig, source: bytes, words: str) -> str:
    """What shapes every page besides its own sources: mkdocs.yml, the theme overrides, the generator's
    code and libraries (`source`), `extra`, the site URL and the search words."""
    digest = hashlib.sha256()

    def add(part: bytes | str) -> None:
        digest.update(part if isinstance(part, bytes) else part.encode())
        digest.update(b"\0")

    add(Path(config.config_file_path).read_bytes())
    add(source)
    if config.theme.custom_dir:
        overrides = Path(config.theme.custom_dir)
        for path in sorted(overrides.rglob("*")):
            if path.is_file():
                add(path.relative_to(overrides).as_posix())
                add(path.read_bytes())
    add(json.dumps(config.extra, sort_keys=True, default=str))
    add(config.site_url or "")
    add(words)
    return digest.hexdigest()


def _digest(file: File, blocks: dict[str, Blocks], search_fields: dict[str, dict[str, str]]) -> bytes:
    """A file's sources: a page's Markdown, its HTML blocks and its extra search fields (a company's pinyin,
    which can change while its page does not: a skipped page's search entries are the last build's)."""
    digest = hashlib.blake2b(digest_size=16)
    if file.generated_by is None and not file.is_documentation_page():
        stat = Path(file.abs_src_path or "").stat()  # a real static file: ProperDocs' own mtime check copies it
        digest.update(f"{stat.st_mtime_ns}:{stat.st_size}".encode())
        return digest.digest()
    digest.update(file.content_bytes)
    for html, searchable, checked in blocks.get(file.src_uri, ()):
        digest.update(b"\0%d%d\0" % (searchable, checked) + html)
    if fields := search_fields.get(file.src_uri):
        digest.update(b"\0" + json.dumps(fields, sort_keys=True).encode())
    return digest.digest()


class IncrementalBuild:
    """One build under `serve --dirty`, from on_config to on_post_build or on_build_error: what it renders,
    and the record the session keeps once it succeeded. A build that is not incremental does nothing here."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.enabled = session.dirty
        self.record: Record | None = None
        self.files: Files | None = None
        self.touched = False  # the build has started writing the site folder (on_nav planned it)
        self.committed = False
        self.rendering: str | None = None  # the page being rendered: its warnings are laid to it
        self.mode = ""  # "full" or "incremental", once planned
        self.rendered = 0  # pages this build renders
        if self.enabled:
            mi.quiet_dirty_warning()
            logger = logging.getLogger(mi.WARNINGS_LOGGER)
            for handler in [h for h in logger.handlers if h.name == HANDLER]:
                logger.removeHandler(handler)  # an earlier build's
            logger.addHandler(_PageWarnings(self))

    def plan(
        self,
        nav: Navigation,
        files: Files,
        config: MkDocsConfig,
        key: str,
        contents: dict[str, Content],
        blocks: dict[str, Blocks],
        search_fields: dict[str, dict[str, str]],
    ) -> None:
        """on_nav: decide what this build renders and copies; a full build empties the site folder first.
        `contents` (the generated files' content by path, as the generator made them), `blocks` and
        `search_fields` (by page source path) are a file's sources."""
        if not self.enabled:
            return
        titles = mi.nav_titles(nav)
        current = Record(key=key + repr(titles))
        last = self.session.preview
        for file in files:
            uri = file.src_uri
            content = contents.get(uri)
            if content is None:  # a file of docs/: its digest is its time and size
                current.digests[uri] = _digest(file, blocks, search_fields)
                continue
            sources = current.sources[uri] = (content, blocks.get(uri), search_fields.get(uri))
            # The generator's memo hands back the same objects for what did not change (a card's file is named
            # by its content): their digest is the last build's, and a save need not hash 30 MB again.
            if last is not None and (before := last.sources.get(uri)) is not None and _same(before, sources):
                current.digests[uri] = last.digests[uri]
            else:
                current.digests[uri] = _digest(file, blocks, search_fields)
        reason = None
        changed: set[str] = set()
        if last is None:
            reason = "no earlier build in the site folder"
        elif last.key != current.key:
            reason = "configuration, theme, code, search words or navigation changed"
        elif not last.digests.keys() <= current.digests.keys():
            reason = "files were removed"
        else:
            changed = {uri for uri, d in current.digests.items() if last.digests.get(uri) != d} | last.warned
            if changed & {uri for uri, title in titles if title is None}:
                reason = "a page whose title the navigation shows changed"
        self.record, self.files, self.touched = current, files, True
        pages = [file for file in files if file.is_documentation_page()]
        if reason is not None:
            mi.clean_site_dir(config)
            for file in files:
                mi.set_modified(file, True)
            self.mode, self.rendered = "full", len(pages)
            log.info(f"Full build: {reason}")
            return
        for file in files:
            if file.is_documentation_page() or file.generated_by is not None:
                mi.set_modified(file, file.src_uri in changed)
        self.mode, self.rendered = "incremental", sum(file.src_uri in changed for file in pages)
        log.info(f"Incremental build: {self.rendered} of {len(pages)} pages to render")

    def render_page(self, page: Page | None) -> None:
        """From on_pre_page to on_page_content, and from on_page_context to on_post_page: warnings logged
        meanwhile are the page's."""
        self.rendering = page.file.src_uri if page is not None else None

    def restore_skipped(self) -> None:
        """on_env: skipped pages get the anchors of the build that rendered them (validate_anchor_links)."""
        last = self.session.preview
        if not self.enabled or self.record is None or self.files is None or last is None:
            return
        for file in self.files.documentation_pages():
            if file.page is not None and not mi.was_rendered(file.page):
                mi.restore_anchors(file.page, last.anchors.get(file.src_uri, mi.NO_ANCHORS), self.files)

    def merge_search_index(self, config: MkDocsConfig) -> None:
        """on_post_build, before Material writes the index: every page's entries, in a clean build's order."""
        current, last = self.record, self.session.preview
        if not self.enabled or current is None or self.files is None:
            return
        fresh: dict[str, list[mi.SearchEntry]] = {}
        for entry in mi.search_entries(config):
            fresh.setdefault(str(entry["location"]).split("#", 1)[0], []).append(entry)
        entries: list[mi.SearchEntry] = []
        for file in self.files.documentation_pages():
            page = file.page
            if page is None:
                continue
            if mi.was_rendered(page):
                current.search[file.src_uri] = fresh.get(page.url, [])
                current.anchors[file.src_uri] = mi.anchors_of(page)
            else:
                current.search[file.src_uri] = last.search.get(file.src_uri, []) if last else []
                current.anchors[file.src_uri] = last.anchors.get(file.src_uri, mi.NO_ANCHORS) if last else mi.NO_ANCHORS
            entries += current.search[file.src_uri]
        mi.replace_search_entries(config, entries)

    def commit(self) -> None:
        """on_post_build: the site folder now holds this build."""
        if self.enabled and self.record is not None:
            self.session.preview = self.record
            self.record, self.files, self.committed = None, None, True

    def failed(self, error: BaseException) -> None:
        """on_build_error: after the site folder was touched its state is unknown, so the next build is a
        clean one; except strict mode's Abort, raised after on_post_build, when the folder is whole and
        committed (its warned pages are rendered again next time)."""
        from mkdocs.exceptions import Abort

        if self.touched and not (self.committed and isinstance(error, Abort)):
            self.session.preview = None
        self.record, self.files, self.touched = None, None, False
