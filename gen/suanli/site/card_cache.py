"""Share cards (分享图), cached by content hash.

A card is a pure function of what it shows (render/share_card_data.py) and of the code and font that draw
it, so that is its key: the card's fields, the drawing modules' source, the font files, Pillow's and
segno's versions. Drawn cards are kept as PNG files in the generator's cache folder (`<cache_dir>/cards/`,
the plugin's `cache_dir`, `$SUANLI_CACHE`; none with "off"), so a build after a new issue (the weekly
deploy keeps this folder: .github/workflows/deploy.yml) draws only that issue's card. Under `serve` the
cards also pass through the session's memo (site/assemble.py), keyed by the same fields: a save redraws
only a card whose content changed, even with the cache off.

A CardCache lives for one build (site/build.py makes it, site/cache.py renders with it); the font is
opened only if a card must be drawn. A card not used for PRUNE_DAYS (every hit refreshes its time) is
deleted.

In a clean build (`parallel`) the cards missing from the folder are drawn by worker processes while the
build goes on: drawing all 521 cards of a 520-week archive takes about 3 s of one core, and the build's own
work (MkDocs turning the pages into HTML) runs on one core. A card drawn so is named by its file before it
exists: `finish()` waits for them all, and the build links them into the site at its end
(site/build.py). Under `serve` a save draws a card or two, in the process.
"""

from __future__ import annotations

import hashlib
import logging
import multiprocessing
import os
import secrets
import time
from concurrent.futures import Future, ProcessPoolExecutor
from importlib import metadata
from pathlib import Path

from suanli.render import card_fonts, qr, share_card
from suanli.render.card_fonts import REGULAR, CardFonts
from suanli.render.share_card_data import IssueCard, SiteCard

log = logging.getLogger("mkdocs.plugins.suanli")

FOLDER = "cards"
PRUNE_DAYS = 30


def drawing_digest(fonts: CardFonts) -> bytes:
    """What shapes a card's pixels besides its content: the drawing code, the font and the libraries."""
    digest = hashlib.sha256(fonts.digest())
    for module in (share_card, card_fonts, qr):
        digest.update(Path(module.__file__ or "").read_bytes() + b"\0")
    # not numpy's: render/qr.py only counts with it, in integers (its codes are checked against segno's)
    for library in ("pillow", "segno"):
        digest.update(f"{library}={metadata.version(library)}\0".encode())
    return digest.digest()


class CardCache:
    """`folder`: where drawn cards are kept (None: nowhere). `drawn` and `reused` count this render's cards.
    `parallel`: draw the missing cards in worker processes (only with a folder, where their files go)."""

    def __init__(self, folder: Path | None, fonts: CardFonts | None = None, parallel: bool = False) -> None:
        self.folder = folder
        self.fonts = fonts or CardFonts()
        self.code = drawing_digest(self.fonts)
        self.drawn = self.reused = 0
        self.used: set[str] = set()
        self.parallel = parallel and folder is not None
        self._workers: ProcessPoolExecutor | None = None
        self._drawing: dict[Path, tuple[Future[tuple[str, bytes | None]], IssueCard | SiteCard]] = {}

    def key(self, card: IssueCard | SiteCard) -> str:
        return hashlib.sha256(self.code + repr(card).encode()).hexdigest()

    def png(self, card: IssueCard | SiteCard) -> bytes:
        """The card's PNG."""
        stored = self.card(card)
        if isinstance(stored, bytes):
            return stored
        leftovers = self.finish()
        return leftovers.get(stored) or stored.read_bytes()

    def card(self, card: IssueCard | SiteCard) -> bytes | Path:
        """The card's PNG file in the cache folder, found there or drawn now and kept (or being drawn by a
        worker: `pending`); its bytes when there is no folder or it could not be written. A build links the
        file into the site: 520 cards are 21 MB that it need not hold."""
        key = self.key(card)
        self.used.add(key)
        path = self.folder / f"{key}.png" if self.folder is not None else None
        if path is not None:
            if path in self._drawing:
                return path
            try:
                os.utime(path)  # used: not pruned
                self.reused += 1
                return path
            except OSError:
                pass
        if path is not None and self.parallel and self._start_workers():
            assert self._workers is not None
            self._drawing[path] = (self._workers.submit(_draw_and_store, card, path), card)
            self.drawn += 1
            return path
        png = share_card.draw_card(card, self.fonts)
        self.drawn += 1
        _log_missing(card, share_card.missing_characters(card, self.fonts))
        if path is not None and _store(path, png):
            return path
        return png

    def start(self) -> None:
        """Start the workers now, if they draw (a clean build does this before it loads the data): a worker's
        interpreter takes about a second to start and open the font, on a core the load leaves idle."""
        if self.parallel and self._start_workers():
            assert self._workers is not None
            self._workers.submit(_ready)  # a pool starts a process on its first task

    @property
    def pending(self) -> set[Path]:
        """The card files being drawn by workers: they exist once `finish()` has returned."""
        return set(self._drawing)

    def finish(self) -> dict[Path, bytes]:
        """Wait for the cards the workers draw (a worker's error is raised here) and stop the workers. Returns
        the PNG of each card whose file the folder would not take (a full or read-only disk), by its path."""
        leftovers: dict[Path, bytes] = {}
        try:
            for path, (future, card) in self._drawing.items():
                missing, png = future.result()
                _log_missing(card, missing)
                if png is not None:
                    leftovers[path] = png
        finally:
            self.cancel()
        return leftovers

    def cancel(self) -> None:
        """Stop the workers (a failed build), waiting only for the card each is drawing."""
        self._drawing.clear()
        if self._workers is not None:
            self._workers.shutdown(wait=True, cancel_futures=True)
            self._workers = None

    def _start_workers(self) -> bool:
        if self._workers is None:
            assert self.folder is not None, "parallel only with a folder"
            try:
                self.folder.mkdir(parents=True, exist_ok=True)
            except OSError:
                self.parallel = False  # nowhere to put the cards: drawn here, as bytes
                return False
            # A fresh interpreter (not a fork of this one, which holds the whole build) that opens the font once.
            self._workers = ProcessPoolExecutor(
                max_workers=max(1, len(os.sched_getaffinity(0)) - 1),
                mp_context=multiprocessing.get_context("spawn"),
                initializer=_start_worker,
                initargs=(self.fonts.paths[REGULAR].parent,),
            )
        return True

    def prune(self) -> None:
        """Delete the cards no build has used for PRUNE_DAYS (another data folder's may share the folder)."""
        if self.folder is None or not self.folder.is_dir():
            return
        cutoff = time.time() - PRUNE_DAYS * 86400
        for path in self.folder.glob("*.png"):
            try:
                if path.stem not in self.used and path.stat().st_mtime < cutoff:
                    path.unlink()
            except OSError:
                continue

    def summary(self) -> str:
        drawing = f" ({len(self._drawing)} drawn by worker processes)" if self._drawing else ""
        return f"Share cards: {self.drawn} drawn, {self.reused} from the cache{drawing}"


def _log_missing(card: IssueCard | SiteCard, missing: str) -> None:
    if missing:
        named = ", ".join(f"{c} (U+{ord(c):04X})" for c in missing)
        where = card.date if isinstance(card, IssueCard) else "the site"
        log.info(
            f"Share card of {where}: drawn as 〓, not in the card font: {named} "
            "(add them: python -m suanli.render.font_subset, see its text)"
        )


# A worker process's font, opened once by its initializer: the worker lives as long as its CardCache's pool.
_worker_fonts: CardFonts | None = None


def _start_worker(font_folder: Path) -> None:
    global _worker_fonts
    # The build's own work is what the reader waits for; the cards are needed only at its end, so on a
    # busy machine they yield.
    os.nice(10)
    _worker_fonts = CardFonts(font_folder)


def _ready() -> None:
    """A worker's first task (`CardCache.start`): none but starting."""


def _draw_and_store(card: IssueCard | SiteCard, path: Path) -> tuple[str, bytes | None]:
    """In a worker: draw the card into its file. Returns the characters the font lacks, and the PNG itself
    only if the file could not be written."""
    assert _worker_fonts is not None, "the pool's initializer opened the font"
    png = share_card.draw_card(card, _worker_fonts)
    missing = share_card.missing_characters(card, _worker_fonts)
    return missing, None if _store(path, png) else png


def _store(path: Path, png: bytes) -> bool:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        # a new file's usual mode (0666 less the umask, as a copy into the site gets), not a temporary file's
        # 0600: a build links the card into the site (site/site_writer.py), where a web server must read it
        temporary = path.with_name(f"{path.stem}.{secrets.token_hex(8)}.tmp")
        with open(os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666), "wb") as handle:
            handle.write(png)
        os.replace(temporary, path)  # readers see a whole card or none
        return True
    except OSError:
        return False  # a read-only or full disk costs speed and memory, never the build
