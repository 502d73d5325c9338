"""The generator's output, cached by content hash.

A preview rebuild (`serve`, on every save) and the hook-then-gen-files pair of
every build would otherwise load, validate and render the same data again. The
key is a hash of every data file's path and bytes, the generator's own source,
the versions of the libraries that shape its output, and the site URL; only
valid data is ever cached, so a cache hit also means the data validated.

Two levels: in this process (the hook and the gen-files script of one build
share one result: the hook's on_config computes it, the others take `current()`)
and on disk (`$SUANLI_CACHE`, default `.cache/suanli` in the working folder;
`SUANLI_CACHE=off` disables it), for later builds. A result is stored on disk only
if the source on disk is still the one this module was imported from, so a key
never names another code's output. Under `serve` (site/kept.py) a cache miss
loads and renders with the preview's memos: only changed issues are parsed and
rendered again.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import tempfile
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from suanli.settings import Settings
from suanli.site import kept

KEEP = 8  # cache entries kept on disk, newest first
LIBRARIES = ("pandas", "altair", "markdown", "pyyaml", "jinja2", "nh3", "pypinyin")
PACKAGE = Path(__file__).resolve().parent.parent  # gen/suanli: every module, template and data file in it
SOURCE_SUFFIXES = (".py", ".yaml", ".html")


# A page's HTML blocks, in placeholder order: (UTF-8 HTML, spliced before the search plugin reads the
# page, its links checked) as render.html.Block says
Blocks = tuple[tuple[bytes, bool, bool], ...]


@dataclass(frozen=True)
class SiteResult:
    """Everything a build needs from the data: the generated files (pages as Markdown), each page's HTML
    blocks (site/splice.py), and two settings."""

    files: dict[str, bytes]  # UTF-8: half the memory of Chinese text held as str
    blocks: dict[str, Blocks]  # by page source path; pages without blocks are left out
    synthetic: bool
    jieba_words: str


_memory: dict[str, SiteResult] = {}


def _source_hash() -> bytes:
    digest = hashlib.sha256()
    for path in sorted(PACKAGE.rglob("*")):
        if path.suffix in SOURCE_SUFFIXES and "__pycache__" not in path.parts:
            digest.update(path.relative_to(PACKAGE).as_posix().encode() + b"\0" + path.read_bytes())
    for name in LIBRARIES:
        try:
            digest.update(f"{name}={metadata.version(name)}".encode())
        except metadata.PackageNotFoundError:
            pass
    return digest.digest()


LOADED_SOURCE = _source_hash()  # the code this process runs (gen/hooks.py imports it afresh when it changes)


def fingerprint(data_dir: Path, site_url: str) -> str:
    digest = hashlib.sha256(_source_hash() + site_url.encode() + b"\0")
    root = Path(data_dir)
    for path in sorted(root.rglob("*")):
        relative = path.relative_to(root).as_posix()
        digest.update(relative.encode() + b"\0")
        if path.is_file():
            digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()


def site_result(settings: Settings) -> SiteResult:
    """Load, validate and render the settings' data folder (raising DataErrors), or reuse an identical
    earlier result."""
    # Imported here: a cache hit (every unchanged rebuild) needs neither pandas nor the renderer.
    from suanli.load import dataset as load
    from suanli.render import jieba_words as search
    from suanli.site import assemble as site

    data_dir, site_url = settings.data_dir, settings.site_url
    if not Path(data_dir).is_dir():
        load.load_dataset(data_dir)  # raises the "no such folder" error
    key = fingerprint(data_dir, site_url)
    if key in _memory:
        return _memory[key]
    folder = settings.cache_dir
    stored = folder / f"{key}.pickle" if folder else None
    result = None
    if stored is not None and stored.is_file():
        try:
            result = pickle.loads(stored.read_bytes())
        except Exception:  # a cache file cut short or from another version: rebuild it
            result = None
    if not isinstance(result, SiteResult):
        if kept.serving:
            dataset = load.load_dataset(data_dir, kept.issues)
            rendered = site.render(dataset, site_url, kept.pages)
        else:
            dataset = load.load_dataset(data_dir)
            rendered = site.render(dataset, site_url)
        files = {path: text.encode("utf-8") for path, text in rendered.files.items()}
        blocks: dict[str, Blocks] = {}
        for path, page in rendered.pages.items():
            files[path] = page.markdown.encode("utf-8")
            if page.blocks:
                blocks[path] = tuple(
                    (block.html.encode("utf-8"), block.searchable, block.check_links) for block in page.blocks
                )
        result = SiteResult(files, blocks, dataset.synthetic, search.jieba_user_dictionary(dataset.registry))
        del dataset, rendered
        if stored is not None and _source_hash() == LOADED_SOURCE:
            _store(stored, result)
    _memory.clear()  # one build at a time: keep only the current result in memory
    _memory[key] = result
    return result


def current() -> SiteResult:
    """The result this build's first `site_result` call (the hook's on_config) made or found: the gen-files
    script and the hook's on_files take it without hashing the data folder again."""
    return next(iter(_memory.values()))


def _store(path: Path, result: SiteResult) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=path.parent, delete=False, suffix=".tmp") as handle:
            pickle.dump(result, handle, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(handle.name, path)  # readers see a whole entry or none
        entries = sorted(path.parent.glob("*.pickle"), key=lambda p: p.stat().st_mtime, reverse=True)
        for old in entries[KEEP:]:
            old.unlink(missing_ok=True)
    except OSError:
        pass  # a read-only or full disk costs speed, never the build
