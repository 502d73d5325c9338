"""MkDocs hooks: adapt the site configuration to the data folder, nothing else.

on_config runs before MkDocs touches the site folder, so validating here means
bad data stops the build with the previous site left as it was. It also runs
before the search plugin reads its jieba options (gen-files would be too late).
The generated pages come from the same cached result (suanli.cache), so the
gen-files script does not load the data a second time.
"""

import gc
import hashlib
import logging
import os
import sys
import tempfile
import time
from pathlib import Path

# `serve` loads this file again for every rebuild; dropping the generator's modules here makes
# each rebuild run the current code under gen/ (Python would otherwise keep the first import).
for _name in [name for name in sys.modules if name == "suanli" or name.startswith("suanli.")]:
    del sys.modules[_name]

import jieba  # noqa: E402
from mkdocs.exceptions import Abort, BuildError, PluginError  # noqa: E402
from mkdocs.plugins import event_priority  # noqa: E402

from suanli.errors import DataErrors  # noqa: E402
from suanli.render import csp  # noqa: E402
from suanli.settings import Settings, record_timing  # noqa: E402
from suanli.site import mkdocs_internals, splice  # noqa: E402
from suanli.site.cache import site_result  # noqa: E402

log = logging.getLogger("mkdocs.hooks.suanli")


class _Build:
    """What this build's later events need from on_files: each page's HTML blocks, and the path of
    every file the site will have (to check the blocks' links). This module is loaded anew for every
    build, so nothing here outlives one."""

    blocks: dict = {}
    site_files: set[str] = set()


_build = _Build()


def _settings(config) -> Settings:
    """The generator's settings: read here, at its edge, from the environment and the site's config."""
    return Settings.from_environ(os.environ, config.site_url or "")


@event_priority(100)
def on_config(config):
    # Material's search segments Chinese with jieba, which otherwise logs to stderr on every build.
    jieba.setLogLevel(logging.WARNING)
    start = time.perf_counter()
    try:
        result = site_result(_settings(config))
    except DataErrors as exc:
        raise PluginError(exc.report()) from None
    config.extra["synthetic"] = result.synthetic
    config.extra.setdefault("scope", csp.theme_scope(config.site_url or ""))  # one policy on every page (csp.py)
    words = result.jieba_words
    path = Path(tempfile.gettempdir()) / f"suanli-jieba-{hashlib.sha256(words.encode()).hexdigest()[:16]}.txt"
    if not path.exists():
        path.write_text(words, encoding="utf-8")
    mkdocs_internals.use_jieba_dictionary(config, str(path))
    record_timing(_settings(config), "generate (load, validate, render; or the cache)", time.perf_counter() - start)
    return config


def on_serve(server, config, builder):
    """During preview a bad edit must not take the site down: report the error in the terminal and
    keep serving the last good build (validation fails in on_config, before the site folder is touched).
    The data folder is watched wherever it is ($SUANLI_DATA need not be data/)."""
    server.watch(str(_settings(config).data_dir.resolve()))
    mkdocs_internals.allow_preview_reload(server)  # the policy also allows the reload script the server injects

    def report() -> None:
        log.error(
            "The data has errors (listed above); still serving the last good build. Fix the files and save to rebuild."
        )

    mkdocs_internals.keep_serving_on_errors(server, report, (Abort, BuildError, SystemExit))
    return server


def on_files(files, config):
    """The chart data and the feed (thousands of small files at archive scale) go to MkDocs from
    memory; the pages go through gen-files (gen/write_pages.py). Writing the data files to gen-files'
    temporary folder first cost a full rebuild of 520 weeks about 1.5 s (bench/README.md)."""
    result = site_result(_settings(config))
    for path, content in result.files.items():
        if not path.endswith(".md"):
            files.append(mkdocs_internals.generated_file(config, path, content))
    _build.blocks = result.blocks
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
    blocks = _build.blocks.get(page.file.src_uri)
    if not blocks:
        return html
    hrefs = [link for content, _, checked in blocks if checked for link in splice.links(content.decode())]
    for link, target in splice.broken_links(page.url, hrefs, _build.site_files):
        log.warning(
            f"Doc file '{page.file.src_uri}' contains a link '{link}' in its generated HTML, "
            f"but the target '{target}' is not among the site's files."
        )
    return splice.splice(html, blocks, searchable=True)


@event_priority(-100)  # last: the policy hashes the page's final inline scripts
def on_post_page(output, page, config):
    """The page's other blocks (tables and figures, out of the search index) go in now that the search
    plugin has read the page; then every page carries its Content-Security-Policy (suanli.csp)."""
    blocks = _build.blocks.get(page.file.src_uri)
    if blocks:
        output = splice.splice(output, blocks, searchable=False)
    return csp.with_policy(output)


@event_priority(-100)
def on_post_template(output_content, template_name, config):
    """So does every page rendered from a theme template alone (404.html); not the sitemap."""
    return csp.with_policy(output_content) if template_name.endswith(".html") else output_content


def on_post_build(config):
    gc.unfreeze()


def on_build_error(error):
    gc.unfreeze()
