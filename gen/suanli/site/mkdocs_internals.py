"""Every place the generator reaches into MkDocs (ProperDocs), Material or their preview server beyond
the documented plugin events: few, small, and all here, so a new version of either is checked in one
file. The plugin's build (site/build.py, site/incremental.py) calls these; nothing else does.

1. Material's search plugin reads its jieba user dictionary from its own config object
   (`config.plugins["material/search"].config.jieba_dict_user`): set in on_config, before the plugin's
   on_config reads it (the suanli plugin's on_config runs first, at priority 100).
2. Data files reach the build without a docs folder. A clean build writes each one straight into the site
   folder, on a thread that starts in on_files (after MkDocs has emptied it) and ends by on_post_build
   (site/site_writer.py), and lists it as a File whose source is its own destination and whose
   `copy_file` does nothing (MkDocs' own passes over the SameFileError of such a copy, "to let plugins
   write directly into site_dir", but it would stat a file that may not be written yet). Under `serve`
   they come from memory as `File.generated(config, path, content=...)`, and so do the pages gen-files
   need not write again, put
   where gen-files would have them (mkdocs-gen-files' FilesEditor.files sorts every file by MkDocs'
   `file_sort_key`).
3. The preview server's builder (`LiveReloadServer.builder`) is wrapped, so a data error keeps the last
   good site up instead of leaving the server stuck. Its watcher (`LiveReloadServer.observer`, a watchdog
   PollingObserver that walks every watched folder each 0.5 s, and `_watch_refs`, path to ObservedWatch)
   is swapped, before it starts, for the system's own (inotify, FSEvents, ReadDirectoryChangesW): a save
   is seen at once rather than after up to half a second, and an idle preview no longer stats the whole
   archive twice a second.
4. The preview server's `LiveReloadServer._inject_js_into_html(content: bytes, epoch: int) -> bytes`
   adds `<script>…</script>` (its reload poller, different for every request) before the page's last
   </body>. The pages' Content-Security-Policy would block it and preview would stop reloading; wrapped,
   each served page's policy also lists the hash of the script injected into it, and stays enforced. The
   same wrapper puts the QA banner (site/preview_qa.py) at the top of the body: preview only.
   If ProperDocs renames the method, `suanli serve` stops at start with an AttributeError here (and
   tests/test_csp.py's preview test fails).
5. Incremental preview (site/incremental.py decides; the functions of section 5 below are its hands).
6. jieba: Material's search calls `jieba.load_userdict` in its on_config on every build; that adds to
   jieba's one global tokenizer (`jieba.dt`), whose word total grows with each load and shifts how text
   is cut, so a rebuild under `serve` indexed differently from a clean build. The plugin has Material
   load the words once per process, and `reset_jieba` gives the tokenizer a fresh start when they change.
7. MkDocs keeps a plugin instance that has `on_startup` for the whole of `serve` (its plugin cache), so
   the plugin's own module is never reloaded; it imports the rest of the generator afresh instead
   (site/plugin.py).
8. Search fields: Material's search plugin indexes a page in its on_page_context (priority 0), appending
   one entry per section to `SearchPlugin.search_index.entries`, the first section's at the page's own
   URL; its worker (lunr) indexes every field the plugin's `fields` option lists (mkdocs.yml), while a
   result shows only an entry's title, text and tags. The suanli plugin's on_page_context runs after it
   (priority -50) and puts a page's extra fields (a company's pinyin) on that first entry: search finds
   the page by them, and no result shows them.
9. Chinese segmentation: Material's search index cuts every run of Han characters in every section with
   jieba (`SearchIndex._segment_chinese`, called per section from `create_entry_for_section`): at 520
   weeks 80,000 runs, of which 1,500 differ, 1.4 s of a 15 s build. The index made in the search plugin's
   on_config gets its own `_segment_chinese`, which does what Material's does (the same expression, the
   same `jieba.cut` of the run's UTF-8, the same zero-width spaces) and keeps each run's cut in the
   session's memo; tests/test_pinyin.py compares the two on the demo site's text.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.livereload import LiveReloadServer
from mkdocs.structure.files import File, Files, file_sort_key
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page
from watchdog import events, observers
from watchdog.observers.api import ObservedWatch

from suanli.render import csp

SEARCH_PLUGIN = "material/search"

# One entry of Material's search index: {"location", "title", "text", ...}. Any: Material keeps them untyped
# (SearchIndex.entries is a plain list of dicts, values str or list)
SearchEntry = dict[str, Any]
# A page's anchors and the anchors it links to in other pages (by src_uri), as validate_anchor_links reads
# them (Page.present_anchor_ids, Page.links_to_anchors keyed by src_uri rather than File)
Anchors = tuple[set[str] | None, dict[str, dict[str, str]]]
NO_ANCHORS: Anchors = (None, {})


def use_jieba_dictionary(config: MkDocsConfig, path: str) -> None:
    """Material's search segments Chinese with jieba; this dictionary keeps company names whole."""
    _search_plugin(config).config.jieba_dict_user = path


def generated_file(config: MkDocsConfig, path: str, content: bytes | Path) -> File:
    """A file from memory, or from a file elsewhere (a share card in the cache folder)."""
    if isinstance(content, Path):
        return File.generated(config, path, abs_src_path=str(content))
    return File.generated(config, path, content=content)


class _WrittenFile(File):
    """A file the plugin writes into the site folder itself (site/site_writer.py), perhaps while MkDocs
    copies the others: listed, so links to it are valid, and never copied."""

    def copy_file(self, dirty: bool = False) -> None:
        pass


def written_file(config: MkDocsConfig, path: str) -> File:
    """A data file the plugin writes into the site folder (site/site_writer.py)."""
    site = config.site_dir
    return _WrittenFile(path, site, site, config.use_directory_urls)


def in_gen_files_order(files: list[File]) -> Files:
    """The files as mkdocs-gen-files hands them on (its FilesEditor.files): sorted by MkDocs' own key."""
    return Files(sorted(files, key=file_sort_key))


def keep_serving_on_errors(
    server: LiveReloadServer, on_error: Callable[[], None], errors: tuple[type[BaseException], ...]
) -> None:
    """Wrap the preview server's builder: a build that raises one of `errors` calls `on_error` instead."""
    build = server.builder

    def build_or_keep_last_good_site() -> None:
        try:
            build()
        except errors:
            on_error()

    server.builder = build_or_keep_last_good_site


# What a save does to a file. Not FileOpenedEvent or FileClosedNoWriteEvent: the build itself opens and reads
# the watched files, and the server's handler rebuilds on any event it is given.
_CHANGES = (
    events.FileCreatedEvent,
    events.FileModifiedEvent,
    events.FileMovedEvent,
    events.FileDeletedEvent,
    events.FileClosedEvent,
    events.DirCreatedEvent,
    events.DirMovedEvent,
    events.DirDeletedEvent,
)
_NATIVE = ("InotifyObserver", "FSEventsObserver", "WindowsApiObserver")


def watch_natively(server: LiveReloadServer) -> None:
    """Move the preview server's watches, before it starts them, from its polling watcher to the system's
    native one; watches added later (mkdocs.yml's `watch:`) go there too. Each passes on only the events a
    change makes. Where the system's watcher is kqueue (a file descriptor per file: an archive exceeds
    macOS's default limit) or there is none, the server keeps polling."""
    native = observers.Observer()
    if type(native).__name__ not in _NATIVE or server.observer.is_alive():
        return
    schedule = native.schedule

    def schedule_changes(
        event_handler: events.FileSystemEventHandler,
        path: str | Path,
        *,
        recursive: bool = False,
        event_filter: list[type[events.FileSystemEvent]] | None = None,
        follow_symlink: bool = False,
    ) -> ObservedWatch:
        return schedule(
            event_handler, path, recursive=recursive, event_filter=list(_CHANGES), follow_symlink=follow_symlink
        )

    native.schedule = schedule_changes  # type: ignore[method-assign]
    polling: Any = server.observer  # Any: watchdog keeps an observer's handlers untyped (BaseObserver._handlers)
    for path, watch in list(server._watch_refs.items()):
        for handler in polling._handlers.get(watch, ()):
            server._watch_refs[path] = native.schedule(handler, watch.path, recursive=watch.is_recursive)
    server.observer = native  # type: ignore[assignment]  # declared as the PollingObserver it makes


def _injected_script(page: str) -> str:
    """The text of the script the preview server added: the page's last bare <script> element."""
    start = page.rindex("<script>") + len("<script>")
    return page[start : page.index("</script>", start)]


def allow_preview_reload(server: LiveReloadServer, banner: Callable[[], str]) -> None:
    """Make the preview server allow, in each page's policy, the reload script it injects into that page,
    and put `banner()` (HTML, or nothing) at the top of each page's body: what only the preview shows."""
    inject: Callable[[bytes, int], bytes] = server._inject_js_into_html

    def inject_and_allow(content: bytes, epoch: int) -> bytes:
        injected = inject(content, epoch)
        if injected == content:
            return injected
        page = csp.allow_script(injected.decode("utf-8"), _injected_script(injected.decode("utf-8")))
        if shown := banner():
            body = page.find("<body")
            opened = page.find(">", body) + 1 if body != -1 else 0
            page = page[:opened] + shown + page[opened:]
        return page.encode("utf-8")

    server._inject_js_into_html = inject_and_allow  # type: ignore[method-assign]


# --- 5. Incremental preview -----------------------------------------------------------------------------
#
# `suanli serve` runs `properdocs serve --dirty`, so every build is build(config, dirty=True): it does not
# clean the site folder, and it renders a page (commands/build.py: _populate_page, _build_page) or copies a
# file (File.copy_file) only if `file.is_modified()`. For gen-files' pages (a new temporary file each build)
# and in-memory files that is always true; a function set on the File instance shadows the method. A page
# skipped that way is never read: `page.markdown` stays None, and validate_anchor_links skips it
# (Page.present_anchor_ids / links_to_anchors stay None) unless given those of the build that rendered it.
# Material's search plugin instance lives as long as the process; it indexes the pages it renders in
# on_page_context (SearchPlugin.search_index.entries, a list of {"location", "title", "text", ...}), and
# its own dirty-reload merge (search_index_prev) assumes one page changed: the plugin hands it every page's
# entries instead. build() logs "A 'dirty' build is being performed…" as a warning, which a strict build
# counts as one.

_DIRTY_WARNING = "A 'dirty' build is being performed"
_BUILD_LOGGER = "properdocs.commands.build"
WARNINGS_LOGGER = "properdocs"  # every ProperDocs and plugin (mkdocs.*) warning passes through it


class _QuietDirtyWarning(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return not str(record.msg).startswith(_DIRTY_WARNING)


def quiet_dirty_warning() -> None:
    logger = logging.getLogger(_BUILD_LOGGER)
    if not any(type(f).__name__ == "_QuietDirtyWarning" for f in logger.filters):  # once, across reloads
        logger.addFilter(_QuietDirtyWarning())


def _true() -> bool:
    return True


def _false() -> bool:
    return False


def set_modified(file: File, modified: bool) -> None:
    file.is_modified = _true if modified else _false  # type: ignore[method-assign]


def clean_site_dir(config: MkDocsConfig) -> None:
    """What a clean build does before it writes anything."""
    from mkdocs import utils

    utils.clean_directory(config.site_dir)


def nav_titles(nav: Navigation) -> list[tuple[str, str | None]]:
    """Each page in the navigation with the title mkdocs.yml gives it (None: its title comes from its
    content). Read in on_nav, before any page is read, so only given titles are there."""
    return [(page.file.src_uri, page.title) for page in nav.pages]


def was_rendered(page: Page) -> bool:
    return page.markdown is not None


def anchors_of(page: Page) -> Anchors:
    links = {file.src_uri: dict(anchors) for file, anchors in (page.links_to_anchors or {}).items()}
    return page.present_anchor_ids, links


def restore_anchors(page: Page, anchors: Anchors, files: Files) -> None:
    present, links = anchors
    page.present_anchor_ids = present
    page.links_to_anchors = {files.src_uris[uri]: a for uri, a in links.items() if uri in files.src_uris}


def _search_plugin(config: MkDocsConfig) -> Any:
    """Material's search plugin (Any: MkDocs types it as BasePlugin, without Material's attributes)."""
    return config.plugins[SEARCH_PLUGIN]


def search_entries(config: MkDocsConfig) -> list[SearchEntry]:
    entries: list[SearchEntry] = _search_plugin(config).search_index.entries
    return entries


def replace_search_entries(config: MkDocsConfig, entries: list[SearchEntry]) -> None:
    plugin = _search_plugin(config)
    plugin.search_index.entries = entries
    plugin.search_index_prev = None


# --- 6. jieba ------------------------------------------------------------------------------------------


def reset_jieba() -> None:
    """A tokenizer as a new process has it (jieba.cut and the others are bound methods of `jieba.dt`, so
    it is re-initialised in place)."""
    import jieba

    jieba.dt.__init__()


# --- 8. Search fields ----------------------------------------------------------------------------------


def undeclared_search_fields(config: MkDocsConfig, names: set[str]) -> list[str]:
    """Those of `names` the search plugin's `fields` option (mkdocs.yml) does not list: its worker would
    never look in them. Read in on_config, before the search plugin adds its default fields."""
    declared: dict[str, object] = _search_plugin(config).config.fields
    return sorted(names - declared.keys())


def add_search_fields(config: MkDocsConfig, url: str, fields: dict[str, str]) -> None:
    """Put `fields` on the search entry of the first section of the page at `url`, which the search plugin
    has just indexed: its entries are the last in the index, the first section's at the page's own URL (no
    #anchor). A page the plugin left out (`search: exclude`) has none and gets nothing."""
    for entry in reversed(search_entries(config)):
        location = str(entry["location"])
        if location == url:
            entry.update(fields)
            return
        if location.split("#", 1)[0] != url:  # past the page's own entries
            return


# --- 9. Chinese segmentation ---------------------------------------------------------------------------


def segment_chinese_once(config: MkDocsConfig, cuts: dict[str, str]) -> None:
    """This build's search index cuts each distinct run of Han characters once: `cuts` (run -> its words
    joined by zero-width spaces) is kept as long as jieba's dictionary is the same."""
    import jieba
    from backrefs import bre

    han = bre.compile(r"(\p{script: Han}+)", bre.UNICODE)  # Material's SearchIndex._segment_chinese

    def cut(match: re.Match[str]) -> str:
        run = match.group(0)
        words = cuts.get(run)
        if words is None:
            words = cuts[run] = "\u200b".join(jieba.cut(run.encode("utf-8")))
        return "\u200b" + words + "\u200b"

    def segment_chinese(data: str) -> str:
        return str(han.sub(cut, data)).strip("\u200b")

    _search_plugin(config).search_index._segment_chinese = segment_chinese
