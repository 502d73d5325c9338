"""The generator's output, cached by content hash.

A preview rebuild (`serve`, on every save) would otherwise load, validate and render the same data
again. The key is the generator's source digest (suanli.source: its code and the libraries that shape
its output), the site URL, and every data file's path and bytes; only valid data is ever cached, so a
hit also means the data validated.

Share cards have a cache of their own, by each card's content (site/card_cache.py, in `cards/` of the
same folder): a new result draws only the cards that changed.

Two levels: the session's last result in memory (an unchanged rebuild under `serve` takes it without
unpickling) and a folder on disk (the plugin's `cache` option, `$SUANLI_CACHE`; "off" for none), for
later processes. A result is stored only if the source on disk is still the one the build runs, so a
key never names another code's output; under `serve` only the session's first is stored (a save's result
is a draft). Under `serve` a miss loads and renders with the session's memos: only changed issues are
parsed and rendered again.
"""

from __future__ import annotations

import hashlib
import logging
import os
import pickle
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from suanli.render.html import Blocks
from suanli.settings import Settings
from suanli.site.session import Session
from suanli.source import source_digest

if TYPE_CHECKING:  # the renderer (pandas and all) is imported only when a build renders
    from suanli.site.assemble import Content
    from suanli.site.card_cache import CardCache

KEEP = 8  # cache entries kept on disk, newest first

log = logging.getLogger("mkdocs.plugins.suanli")


@dataclass(frozen=True)
class SiteResult:
    """Everything a build needs from the data: the generated files (pages as Markdown), each page's HTML
    blocks (site/splice.py), the extra search index fields of pages' first sections, and two settings."""

    # UTF-8 (half the memory of Chinese text held as str), or a file in the cache folder (a share card)
    files: dict[str, Content]
    blocks: dict[str, Blocks]  # by page source path; pages without blocks are left out
    # by page source path: field name -> its words (a company page's pinyin), searched and never shown
    search_fields: dict[str, dict[str, str]]
    synthetic: bool
    jieba_words: str

    def snapshot(self) -> SiteResult:
        """A result that stays as this one is now, while a clean build lets go of this one's parts."""
        return SiteResult(
            dict(self.files), dict(self.blocks), dict(self.search_fields), self.synthetic, self.jieba_words
        )


def fingerprint(data_dir: Path, site_url: str, source: bytes) -> str:
    """The cache key of `data_dir` built for `site_url` by the code whose digest is `source`."""
    digest = hashlib.sha256(source + site_url.encode() + b"\0")
    root = Path(data_dir)
    for path in sorted(root.rglob("*")):
        relative = path.relative_to(root).as_posix()
        digest.update(relative.encode() + b"\0")
        if path.is_file():
            digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()


def site_result(
    settings: Settings,
    session: Session,
    source: bytes,
    card_cache: Callable[[Path | None], CardCache] | None = None,
    meanwhile: Callable[[], object] | None = None,
    storing: Callable[[Path, SiteResult], None] | None = None,
) -> SiteResult:
    """Load, validate and render the settings' data folder (raising DataErrors), or reuse an identical
    earlier result. `source`: the digest of the code this build runs. `card_cache`: makes the share cards'
    CardCache for a folder, if a render needs one (site/build.py's draws in parallel and finishes it; by
    default the cards are drawn here). `meanwhile`: the build's own work, done while a clean build's forked
    child renders (site/assemble.py), if it does. `storing`: what stores a new result in the cache folder (by
    default `store`, here; site/build.py's stores a snapshot on a thread)."""
    # Imported here: a cache hit (every unchanged rebuild) needs neither pandas nor the renderer.
    from suanli.load import dataset as load

    data_dir, site_url = settings.data_dir, settings.site_url
    if not Path(data_dir).is_dir():
        load.load_dataset(data_dir)  # raises the "no such folder" error
    key = fingerprint(data_dir, site_url, source)
    if session.result is not None and session.result[0] == key:
        return session.result[1]
    folder = settings.cache_dir
    stored = folder / f"{key}.pickle" if folder else None
    result = _read(stored) if stored is not None else None
    if result is None:
        # A save under `serve` is a draft the next save replaces: storing it (a 40 MB pickle at 520 weeks,
        # 0.45 s) would cost every save. The session's first result is stored, as a build's is.
        draft = session.serving and session.result is not None
        result = _render(settings, session, card_cache or _cards_drawn_here, meanwhile)
        if stored is not None and not draft and source_digest() == source:
            (storing or store)(stored, result)
    # one build at a time: the session keeps only the current result in memory
    session.result = (key, result) if session.serving else None
    return result


def _cards_drawn_here(folder: Path | None) -> CardCache:
    from suanli.site.card_cache import CardCache

    return CardCache(folder)


def _render(
    settings: Settings,
    session: Session,
    card_cache: Callable[[Path | None], CardCache],
    meanwhile: Callable[[], object] | None,
) -> SiteResult:
    from suanli.load import dataset as load
    from suanli.render import jieba_words as search
    from suanli.site import assemble as site
    from suanli.site.card_cache import FOLDER

    # the cards first: a clean build's card workers start while the data loads
    cards = card_cache(settings.cache_dir / FOLDER if settings.cache_dir else None)
    if session.serving:
        dataset = load.load_dataset(settings.data_dir, session.issues, session.series, session.prices)
    else:
        dataset = load.load_dataset(settings.data_dir)
    memo = session.pages if session.serving else None
    rendered = site.render(dataset, settings.site_url, memo, cards.card, not session.serving, meanwhile)
    cards.prune()
    log.info(cards.summary())
    # pages after the data files: the order gen-files' files and the added ones have always come in
    files = {**rendered.files, **rendered.binary, **rendered.pages}
    return SiteResult(
        files,
        rendered.blocks,
        rendered.search_fields,
        dataset.synthetic,
        search.jieba_user_dictionary(dataset.registry),
    )


def _read(path: Path) -> SiteResult | None:
    if not path.is_file():
        return None
    try:
        with path.open("rb") as handle:  # streamed: the file's bytes and the result are never both in memory
            result = pickle.load(handle)
    except Exception:  # a cache file cut short or from another version: rebuild it
        return None
    if not isinstance(result, SiteResult):
        return None
    # a share card it names may have been pruned since (site/card_cache.py): render again
    if not all(isinstance(content, bytes) or content.is_file() for content in result.files.values()):
        return None
    return result


def store(path: Path, result: SiteResult) -> None:
    """`result` as the cache entry `path`, whole or not at all; the oldest entries beyond KEEP are removed."""
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
