"""One MkDocs build of the site, from on_config to on_post_build or on_build_error.

The plugin (site/plugin.py) makes a Build in on_config and hands each later event to it; the gen-files
script (gen/write_pages.py) asks the plugin's current build for the pages. A Build holds the generator's
result for its data (site/cache.py), the HTML blocks it splices into each page (site/splice.py), the
paths of the site's files (to check the blocks' links) and, under `serve --dirty`, what this build
renders (site/incremental.py). What outlives it is the session's (site/session.py).
"""

from __future__ import annotations

import gc
import hashlib
import logging
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

import jieba
from jinja2 import Environment
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.livereload import LiveReloadServer
from mkdocs.structure.files import Files
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page

from suanli.render import csp, urls
from suanli.settings import Settings
from suanli.site import cache, incremental, preview_qa, site_writer, splice
from suanli.site import mkdocs_internals as mi
from suanli.site.session import Session
from suanli.site.site_writer import SiteWriter
from suanli.site.template_cache import SessionBytecodeCache

if TYPE_CHECKING:  # the cards' drawing (Pillow and all) is imported only when a build renders
    from suanli.site.assemble import Content
    from suanli.site.card_cache import CardCache

log = logging.getLogger("mkdocs.plugins.suanli")
# Seconds from a preview build's end to its full garbage collection: after the browser's reload has fetched
# the page (a collection holds the interpreter for about 0.15 s at 520 weeks); a save that comes sooner
# puts it off until after its own build.
IDLE_COLLECTION_DELAY = 0.5


def jieba_dictionary(words: str) -> Path:
    """The search words as a file (Material reads jieba's user dictionary from a path), named by content
    so a build never overwrites a file another build is reading."""
    path = Path(tempfile.gettempdir()) / f"suanli-jieba-{hashlib.sha256(words.encode()).hexdigest()[:16]}.txt"
    if not path.exists():
        path.write_text(words, encoding="utf-8")
    return path


class Build:
    """One build's state and the work of each event. `source`: the digest of the generator's code this
    build runs (suanli.source)."""

    def __init__(self, settings: Settings, session: Session, source: bytes) -> None:
        self.settings, self.session, self.source = settings, session, source
        self.incremental = incremental.IncrementalBuild(session)
        self.result: cache.SiteResult | None = None
        # the session's last result (under `serve`): the pages it had need not go through gen-files again
        self.previous = session.result[1] if session.result is not None else None
        self.written: set[str] = set()  # the pages gen-files wrote in this build
        self.site_files: set[str] = set()
        self.frozen = False
        self.cards: CardCache | None = None  # made only if the build renders
        self.drawing: dict[str, Path] = {}  # site path -> the card file a worker is drawing (written at the end)
        self.writer: SiteWriter | None = None  # a clean build's: writes the data files while MkDocs renders
        self.data_files: list[str] = []  # a clean build's, in the generator's order (`_write_data_files`)
        self.storing: threading.Thread | None = None  # stores a new result in the cache folder (`_store_result`)

    # --- on_config: before MkDocs touches the site folder, so bad data leaves the last site as it was ---

    def configure(self, config: MkDocsConfig) -> None:
        """Load, validate and render the data (raising DataErrors), and set what the theme and Material's
        search read from the configuration."""
        # Material's search segments Chinese with jieba, which otherwise logs to stderr on every build.
        jieba.setLogLevel(logging.WARNING)
        start = time.perf_counter()
        # What lives before the build (the code, MkDocs' config, a preview session's memos and last result)
        # outlives it: frozen, the garbage collector's full passes during the build walk only what the build
        # makes (a save under `serve` made two passes of 0.16 s over the memos; a clean build four of 0.08 s).
        # Unfrozen when the build ends; a preview collects in full once the browser has reloaded.
        self.session.cancel_idle_collection()
        gc.freeze()
        self.frozen = True
        # jieba's dictionary (0.5 s), which Material's search loads in its on_config unless it is loaded, is
        # loaded while a clean build's forked child renders.
        self.result = cache.site_result(
            self.settings, self.session, self.source, self._card_cache, jieba.initialize, self._store_result
        )
        # A clean build: what the generator let go of is collected now, so the memory is reused by what comes
        # next (MkDocs' pages). Under
        # `serve` jieba is loaded once, and a full collection of the session's memos would cost each save.
        if not self.session.serving:
            gc.collect()
        if self.session.serving:
            self._preview_qa(config)
        self._check_search_fields(config)
        config.extra["synthetic"] = self.result.synthetic
        config.extra["site_card"] = urls.SITE_CARD  # the share card of a page without one (overrides/main.html)
        config.extra.setdefault("scope", csp.theme_scope(config.site_url or ""))  # one policy on every page
        path = str(jieba_dictionary(self.result.jieba_words))
        # Once per process: Material would otherwise load the words into jieba's one tokenizer again on every
        # rebuild, drifting its segmentation away from a clean build's (site/mkdocs_internals.py, 6).
        if path != self.session.words:
            if self.session.words is not None:
                mi.reset_jieba()
            self.session.words = path
            self.session.cuts.clear()
            mi.use_jieba_dictionary(config, path)
        # where a build's time goes, beside MkDocs' own "Documentation built in" (bench/run.py reads it)
        log.info(f"Generated the pages and their data in {time.perf_counter() - start:.2f} seconds")

    def _card_cache(self, folder: Path | None) -> CardCache:
        """The share cards of this build's render: a clean build has the missing ones drawn by workers while
        it goes on (site/card_cache.py) and links them into the site at its end (`finish`)."""
        from suanli.site.card_cache import CardCache

        self.cards = CardCache(folder, parallel=not self.session.serving)
        self.cards.start()
        return self.cards

    def _store_result(self, path: Path, result: cache.SiteResult) -> None:
        """A new result goes into the cache folder on a thread while the build goes on (at 520 weeks a 52 MB
        pickle: 0.4–0.5 s of the build's own thread, mostly the kernel's), as it is now: a clean build lets
        go of its parts as they reach the site. The build waits for it at its end."""
        self.storing = threading.Thread(target=cache.store, args=(path, result.snapshot()), name="suanli-result-store")
        self.storing.start()

    def _check_search_fields(self, config: MkDocsConfig) -> None:
        """Every extra search field the pages carry must be one the search plugin indexes (mkdocs.yml's
        `fields`); otherwise a search for a company's pinyin would quietly find nothing."""
        used = {name for fields in self._result().search_fields.values() for name in fields}
        if missing := mi.undeclared_search_fields(config, used):
            listed = ", ".join(f"{name}: {{boost: …}}" for name in missing)
            raise PluginError(f"mkdocs.yml's search plugin must list the pages' search fields: fields: {{{listed}}}")

    def _preview_qa(self, config: MkDocsConfig) -> None:
        """Under `serve`: the QA banner for this data, unless the last build's was for the same data."""
        key = self.session.result[0] if self.session.result is not None else ""
        if self.session.qa_banner is None or self.session.qa_banner[0] != key:
            report = preview_qa.preview_report(self.settings, self.session)
            root = urlsplit(config.site_url or "/").path or "/"
            self.session.qa_banner = (key, preview_qa.banner(report, root))
            log.info(f"QA: {len(report.open)} finding(s), {self.session.qa_checked} issue(s) checked")

    def _result(self) -> cache.SiteResult:
        assert self.result is not None, "on_config made the result before any later event"
        return self.result

    # --- on_serve ----------------------------------------------------------------------------------

    def serve(self, server: LiveReloadServer) -> None:
        """During preview a bad edit must not take the site down: report the error in the terminal and keep
        serving the last good build. The data folder is watched wherever it is."""
        from mkdocs.exceptions import Abort, BuildError

        server.watch(str(self.settings.data_dir.resolve()))
        mi.watch_natively(server)
        session = self.session  # outlives this build: the banner is always the latest build's

        def qa_banner() -> str:
            return session.qa_banner[1] if session.qa_banner is not None else ""

        # the policy also allows the reload script the server injects; the QA banner is the preview's alone
        mi.allow_preview_reload(server, qa_banner)

        def report() -> None:
            log.error(
                "The data has errors (listed above); still serving the last good build. "
                "Fix the files and save to rebuild."
            )

        mi.keep_serving_on_errors(server, report, (Abort, BuildError, SystemExit))

    # --- the generated files -----------------------------------------------------------------------

    def pages(self, config: MkDocsConfig) -> Iterator[tuple[str, bytes]]:
        """The generated pages (Markdown) for the gen-files script to write: under `serve`, those that differ
        from the last build's (on_files adds the others from memory, as it adds the data files). A clean
        build starts writing its data files first (`_write_data_files`)."""
        self._write_data_files(config)
        before = self.previous.files if self.previous is not None else {}
        for path, content in self._result().files.items():
            if path.endswith(".md") and before.get(path) != content:
                assert isinstance(content, bytes), "a page is Markdown text, never a stored file"
                self.written.add(path)
                yield path, content

    def _write_data_files(self, config: MkDocsConfig) -> None:
        """A clean build's data files go into the site folder on a thread (site/site_writer.py) from the
        moment MkDocs has emptied it: gen-files' script asks for the pages then, in on_files, and writes them
        for half a second before this plugin's on_files comes. The writer lets go of each file's bytes once
        written (about 27 MB at 520 weeks; a card is a file in the cache folder, linked); the cards still
        being drawn are written by `finish`. Once per build; none under `serve`."""
        if self.session.serving or self.data_files:
            return
        generated = self._result().files
        pending = self.cards.pending if self.cards is not None else set()
        self.data_files = [path for path in generated if not path.endswith(".md")]
        to_write: dict[str, Content] = {}
        for path in self.data_files:
            content = generated[path]
            if isinstance(content, Path) and content in pending:
                self.drawing[path] = content
            else:
                to_write[path] = generated.pop(path)
        if to_write:
            self.writer = SiteWriter(Path(config.site_dir), to_write)

    def add_files(self, files: Files, config: MkDocsConfig) -> Files:
        """on_files: the chart data, the feeds and the cards (thousands of small files at archive scale) go to
        MkDocs without a trip through gen-files' temporary folder (1.5 s at 520 weeks): a clean build's are
        being written into the site folder (`_write_data_files`) and MkDocs lists them; a preview keeps them
        in memory, where the next save compares with them."""
        generated = self._result().files
        # The pages gen-files did not write join the others in the order gen-files gives them all (the order
        # of the search index); then the data files, in the generator's order, as in a clean build.
        kept = [
            mi.generated_file(config, path, content)
            for path, content in generated.items()
            if path.endswith(".md") and path not in self.written
        ]
        if kept:
            files = mi.in_gen_files_order([*files, *kept])
        if self.session.serving:
            for path, content in generated.items():
                if not path.endswith(".md"):
                    files.append(mi.generated_file(config, path, content))
        else:
            self._write_data_files(config)
            for path in self.data_files:
                if path not in self.drawing:  # a card still being drawn: written by `finish`
                    files.append(mi.written_file(config, path))
            for path in self.written:  # nothing reads the pages' Markdown again: gen-files' files hold it now
                del generated[path]
        self.site_files = {file.dest_uri for file in files} | set(self.drawing)
        # What the generator left in memory lives until the build ends; frozen too, the garbage collector
        # stops walking it on every pass while MkDocs renders. A save under `serve` skips the collection
        # first: its garbage is collected once the build has ended (`_unfreeze`).
        if not self.session.serving:
            gc.collect()
        gc.freeze()
        return files

    def prepare_pages(self, env: Environment, config: MkDocsConfig) -> None:
        """on_env: under `serve`, the theme's templates are compiled once per session, not once per save; the
        search index cuts each distinct run of Chinese once (site/mkdocs_internals.py, 9)."""
        if self.session.serving:
            env.bytecode_cache = SessionBytecodeCache(self.session.templates)
        mi.segment_chinese_once(config, self.session.cuts)
        self.incremental.restore_skipped()

    def plan(self, nav: Navigation, files: Files, config: MkDocsConfig) -> None:
        """on_nav: under `serve --dirty`, which pages this build renders."""
        result = self._result()
        key = incremental.environment_key(config, self.source, result.jieba_words)
        self.incremental.plan(nav, files, config, key, result.files, result.blocks, result.search_fields)

    # --- each page ---------------------------------------------------------------------------------

    def page_content(self, html: str, page: Page) -> str:
        """on_page_content: a page's searchable blocks (prose, controls) go in before the search plugin reads
        the page. The links of every block the generator builds are checked here, and a broken one is a
        warning (an error in a strict build), as MkDocs does for Markdown links. The prose's links are the
        author's: the sanitizer judges what they may run, not where they lead."""
        blocks = self._result().blocks.get(page.file.src_uri)
        if blocks:
            hrefs = [link for content, _, checked in blocks if checked for link in splice.links(content.decode())]
            for link, target in splice.broken_links(page.url, hrefs, self.site_files):
                log.warning(
                    f"Doc file '{page.file.src_uri}' contains a link '{link}' in its generated HTML, "
                    f"but the target '{target}' is not among the site's files."
                )
            html = splice.splice(html, blocks, searchable=True)
        self.incremental.render_page(None)  # the page's warnings, its links' too, are laid to it until here
        return html

    def index_search_fields(self, page: Page, config: MkDocsConfig) -> None:
        """on_page_context, after Material's search plugin indexed the page: the page's extra search fields
        (a company's pinyin) go on its first section's entry, where search finds them and no result shows
        them. A page skipped under `serve` keeps its entries, fields and all (site/incremental.py)."""
        fields = self._result().search_fields.get(page.file.src_uri)
        if fields:
            mi.add_search_fields(config, page.url, fields)

    def post_page(self, output: str, page: Page) -> str:
        """on_post_page: the page's other blocks (tables and figures, out of the search index) go in now that
        the search plugin has read the page; then the page gets its Content-Security-Policy."""
        self.incremental.render_page(None)
        blocks = self._result().blocks.get(page.file.src_uri)
        if blocks:
            output = splice.splice(output, blocks, searchable=False)
            if not self.session.serving:  # the page is done; a preview compares them with the next build's
                del self._result().blocks[page.file.src_uri]
        return csp.with_policy(output)

    def post_template(self, output: str, template_name: str) -> str:
        """on_post_template: every page rendered from a theme template alone (404.html) gets its policy too;
        not the sitemap."""
        return csp.with_policy(output) if template_name.endswith(".html") else output

    # --- the end ----------------------------------------------------------------------------------

    def finish(self, config: MkDocsConfig) -> None:
        """on_post_build, before Material writes its search index."""
        self._unfreeze()
        self._stored()
        if self.writer is not None:
            self.writer.finish()
        if self.cards is not None:
            leftovers = self.cards.finish()
            for path, card in self.drawing.items():
                target = Path(config.site_dir) / path
                target.parent.mkdir(parents=True, exist_ok=True)
                site_writer.write(target, leftovers.get(card, card))
        self.incremental.merge_search_index(config)
        self.incremental.commit()

    def fail(self, error: BaseException) -> None:
        self._unfreeze()
        self._stored()  # a result stored is valid data's whole output, whatever failed after it
        if self.writer is not None:
            self.writer.cancel()
        if self.cards is not None:
            self.cards.cancel()
        self.incremental.failed(error)

    def _stored(self) -> None:
        if self.storing is not None:
            self.storing.join()
            self.storing = None

    def _unfreeze(self) -> None:
        """What the build froze is the collector's again (under `serve` a frozen rebuild would otherwise never
        be freed); a preview collects it in full once the browser has reloaded, a clean build's process ends."""
        if self.frozen:
            gc.unfreeze()
            self.frozen = False
            if self.session.serving:
                self.session.collect_when_idle(IDLE_COLLECTION_DELAY)
