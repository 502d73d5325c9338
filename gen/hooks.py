"""MkDocs hooks: adapt the site configuration to the data folder, nothing else.

on_config runs before MkDocs touches the site folder, so validating here means
bad data stops the build with the previous site left as it was. It also runs
before the search plugin reads its jieba options (gen-files would be too late).
The generated pages come from the same cached result (suanli.cache), so the
gen-files script does not load the data a second time.

ProperDocs loads this file once per process (site/mkdocs_internals.py, 7), so under
`serve` the generator is imported afresh here, at the start of each build whose
source changed: a running preview always runs the code under gen/suanli/ (changes to
this file itself need a restart). Under `suanli serve` (`--dirty`) a rebuild renders
only the pages whose sources changed (site/incremental.py).
"""

import gc
import hashlib
import importlib.util
import logging
import os
import sys
import tempfile
import time
from pathlib import Path

import jieba
from mkdocs.exceptions import Abort, BuildError, PluginError
from mkdocs.plugins import event_priority

log = logging.getLogger("mkdocs.hooks.suanli")
KEPT = "suanli.site.kept"  # what outlives a reload (site/kept.py)
SOURCE_SUFFIXES = (".py", ".yaml", ".html")  # as site/cache.py's key


class _Generator:
    """The generator's modules this build uses, as imported at its start."""

    def __init__(self) -> None:
        from suanli.errors import DataErrors
        from suanli.render import csp
        from suanli.settings import Settings
        from suanli.site import cache, incremental, kept, mkdocs_internals, splice

        self.DataErrors, self.csp, self.Settings = DataErrors, csp, Settings
        self.cache, self.incremental, self.kept = cache, incremental, kept
        self.mkdocs_internals, self.splice = mkdocs_internals, splice


def _source_digest() -> bytes:
    """Every module, template and data file of the `suanli` package Python would import now."""
    spec = importlib.util.find_spec("suanli")
    assert spec is not None and spec.origin is not None
    package = Path(spec.origin).resolve().parent
    digest = hashlib.sha256()
    for path in sorted(package.rglob("*")):
        if path.suffix in SOURCE_SUFFIXES and "__pycache__" not in path.parts:
            digest.update(path.relative_to(package).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.digest()


class _Build:
    """What this build's later events need: the generator, each page's HTML blocks, the path of every
    file the site will have (to check the blocks' links)."""

    generator: _Generator | None = None
    source: bytes = b""  # the digest of the source `generator` was imported from
    blocks: dict = {}
    site_files: set[str] = set()
    words: str = ""


_build = _Build()


def _generator() -> _Generator:
    """The generator, imported afresh if its source changed since this process imported it (dropping every
    `suanli` module but site/kept.py, whose memos are then dropped too)."""
    source = _source_digest()
    if _build.generator is None or source != _build.source:
        for name in [n for n in sys.modules if (n == "suanli" or n.startswith("suanli.")) and n != KEPT]:
            del sys.modules[name]
        _build.generator, _build.source = _Generator(), source
        if _build.generator.kept.code != source:
            _build.generator.kept.reset(source)
    return _build.generator


def _g() -> _Generator:
    assert _build.generator is not None  # on_startup / on_config import it first
    return _build.generator


def _settings(config):
    """The generator's settings: read here, at its edge, from the environment and the site's config."""
    return _g().Settings.from_environ(os.environ, config.site_url or "")


def on_startup(command, dirty):
    _generator().incremental.startup(command, dirty)


@event_priority(100)
def on_config(config):
    g = _generator()
    g.incremental.begin()
    # Material's search segments Chinese with jieba, which otherwise logs to stderr on every build.
    jieba.setLogLevel(logging.WARNING)
    start = time.perf_counter()
    try:
        result = g.cache.site_result(_settings(config))
    except g.DataErrors as exc:
        raise PluginError(exc.report()) from None
    config.extra["synthetic"] = result.synthetic
    config.extra.setdefault("scope", g.csp.theme_scope(config.site_url or ""))  # one policy on every page (csp.py)
    words = result.jieba_words
    path = Path(tempfile.gettempdir()) / f"suanli-jieba-{hashlib.sha256(words.encode()).hexdigest()[:16]}.txt"
    if not path.exists():
        path.write_text(words, encoding="utf-8")
    # Once per process: Material would otherwise load them into jieba again on every rebuild (drifting
    # its segmentation away from a clean build's: site/mkdocs_internals.py, 6).
    if g.incremental.load_words_once(str(path)):
        g.mkdocs_internals.use_jieba_dictionary(config, str(path))
    # where a build's time goes, beside MkDocs' own "Documentation built in" (bench/run.py reads it)
    log.info(f"Generated the pages and their data in {time.perf_counter() - start:.2f} seconds")
    return config


def on_serve(server, config, builder):
    """During preview a bad edit must not take the site down: report the error in the terminal and
    keep serving the last good build (validation fails in on_config, before the site folder is touched).
    The data folder is watched wherever it is ($SUANLI_DATA need not be data/)."""
    g = _g()
    server.watch(str(_settings(config).data_dir.resolve()))
    g.mkdocs_internals.allow_preview_reload(server)  # the policy also allows the reload script the server injects

    def report() -> None:
        log.error(
            "The data has errors (listed above); still serving the last good build. Fix the files and save to rebuild."
        )

    g.mkdocs_internals.keep_serving_on_errors(server, report, (Abort, BuildError, SystemExit))
    return server


def on_files(files, config):
    """The chart data and the feed (thousands of small files at archive scale) go to MkDocs from
    memory; the pages go through gen-files (gen/write_pages.py). Writing the data files to gen-files'
    temporary folder first cost a full rebuild of 520 weeks about 1.5 s (bench/README.md)."""
    g = _g()
    result = g.cache.current()
    for path, content in result.files.items():
        if not path.endswith(".md"):
            files.append(g.mkdocs_internals.generated_file(config, path, content))
    _build.blocks = result.blocks
    _build.words = result.jieba_words
    _build.site_files = {file.dest_uri for file in files}
    # What the generator left in memory (libraries, the cached result) lives until the build ends; frozen,
    # the garbage collector stops walking it on every pass while MkDocs renders. Unfrozen when the build
    # ends (on_post_build, on_build_error): under `serve` a frozen rebuild would otherwise never be freed.
    gc.collect()
    gc.freeze()
    return files


def on_page_content(html, page, config, files):
    """A page's searchable HTML blocks (prose, controls) go in before the search plugin reads the page
    (site/splice.py). The links of every block the generator builds are checked here, and a broken one
    is a warning (an error in a strict build), as MkDocs does for Markdown links. The prose's links are
    the author's: the sanitizer judges what they may run; where they lead was never checked (it was raw
    HTML in the Markdown), and a build does not fail on it."""
    g = _g()
    blocks = _build.blocks.get(page.file.src_uri)
    if not blocks:
        g.incremental.rendering(None)
        return html
    hrefs = [link for content, _, checked in blocks if checked for link in g.splice.links(content.decode())]
    for link, target in g.splice.broken_links(page.url, hrefs, _build.site_files):
        log.warning(
            f"Doc file '{page.file.src_uri}' contains a link '{link}' in its generated HTML, "
            f"but the target '{target}' is not among the site's files."
        )
    g.incremental.rendering(None)  # the page's warnings, its links' too, are laid to it until here
    return g.splice.splice(html, blocks, searchable=True)


@event_priority(-100)  # last: the policy hashes the page's final inline scripts
def on_post_page(output, page, config):
    """The page's other blocks (tables and figures, out of the search index) go in now that the search
    plugin has read the page; then every page carries its Content-Security-Policy (suanli.csp)."""
    g = _g()
    g.incremental.rendering(None)
    blocks = _build.blocks.get(page.file.src_uri)
    if blocks:
        output = g.splice.splice(output, blocks, searchable=False)
    return g.csp.with_policy(output)


@event_priority(-100)
def on_post_template(output_content, template_name, config):
    """So does every page rendered from a theme template alone (404.html); not the sitemap."""
    return _g().csp.with_policy(output_content) if template_name.endswith(".html") else output_content


def on_nav(nav, config, files):
    """Under `suanli serve`: which pages this build renders (every one when anything that shapes them all
    changed; site/incremental.py)."""
    g = _g()
    key = g.incremental.environment_key(config, __file__, _build.source, _build.words)
    g.incremental.plan(nav, files, config, key, _build.blocks)
    return nav


def on_pre_page(page, config, files):
    _g().incremental.rendering(page)  # Markdown to HTML, until on_page_content: its warnings are the page's
    return page


def on_page_context(context, page, config, nav):
    _g().incremental.rendering(page)  # the theme's template, until on_post_page
    return context


def on_env(env, config, files):
    _g().incremental.restore_skipped()
    return env


@event_priority(50)  # before Material's search plugin writes its index
def on_post_build(config):
    gc.unfreeze()
    g = _g()
    g.incremental.merge_search_index(config)
    g.incremental.commit()


def on_build_error(error):
    gc.unfreeze()
    _g().incremental.failed(error)
