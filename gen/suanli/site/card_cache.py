"""Share cards (分享图), cached by content hash.

A card is a pure function of what it shows (render/share_card_data.py) and of the code and font that draw
it, so that is its key: the card's fields, the drawing modules' source, the font files, Pillow's and
segno's versions. Drawn cards are kept as PNG files in the generator's cache folder (`<cache_dir>/cards/`,
the plugin's `cache_dir`, `$SUANLI_CACHE`; none with "off"), so a build after a new issue (the weekly
deploy keeps this folder: .github/workflows/deploy.yml) draws only that issue's card. Under `serve` the
cards also pass through the session's memo (site/assemble.py), keyed by the same fields: a save redraws
only a card whose content changed, even with the cache off.

A CardCache lives for one render of the site (site/cache.py makes it); the font is opened only if a card
must be drawn. A card not used for PRUNE_DAYS (every hit refreshes its time) is deleted.
"""

from __future__ import annotations

import hashlib
import logging
import os
import tempfile
import time
from importlib import metadata
from pathlib import Path

from suanli.render import card_fonts, share_card
from suanli.render.card_fonts import CardFonts
from suanli.render.share_card_data import IssueCard, SiteCard

log = logging.getLogger("mkdocs.plugins.suanli")

FOLDER = "cards"
PRUNE_DAYS = 30


def drawing_digest(fonts: CardFonts) -> bytes:
    """What shapes a card's pixels besides its content: the drawing code, the font and the libraries."""
    digest = hashlib.sha256(fonts.digest())
    for module in (share_card, card_fonts):
        digest.update(Path(module.__file__ or "").read_bytes() + b"\0")
    for library in ("pillow", "segno"):
        digest.update(f"{library}={metadata.version(library)}\0".encode())
    return digest.digest()


class CardCache:
    """`folder`: where drawn cards are kept (None: nowhere). `drawn` and `reused` count this render's cards."""

    def __init__(self, folder: Path | None, fonts: CardFonts | None = None) -> None:
        self.folder = folder
        self.fonts = fonts or CardFonts()
        self.code = drawing_digest(self.fonts)
        self.drawn = self.reused = 0
        self.used: set[str] = set()

    def key(self, card: IssueCard | SiteCard) -> str:
        return hashlib.sha256(self.code + repr(card).encode()).hexdigest()

    def png(self, card: IssueCard | SiteCard) -> bytes:
        """The card's PNG."""
        stored = self.card(card)
        return stored if isinstance(stored, bytes) else stored.read_bytes()

    def card(self, card: IssueCard | SiteCard) -> bytes | Path:
        """The card's PNG file in the cache folder, found there or drawn now and kept; its bytes when there is
        no folder or it could not be written. A build copies the file into the site: 520 cards are 21 MB
        that it need not hold."""
        key = self.key(card)
        self.used.add(key)
        path = self.folder / f"{key}.png" if self.folder is not None else None
        if path is not None:
            try:
                os.utime(path)  # used: not pruned
                self.reused += 1
                return path
            except OSError:
                pass
        png = share_card.draw_card(card, self.fonts)
        self.drawn += 1
        missing = share_card.missing_characters(card, self.fonts)
        if missing:
            named = ", ".join(f"{c} (U+{ord(c):04X})" for c in missing)
            where = card.date if isinstance(card, IssueCard) else "the site"
            log.info(
                f"Share card of {where}: drawn as 〓, not in the card font: {named} "
                "(add them: python -m suanli.render.font_subset, see its text)"
            )
        if path is not None and _store(path, png):
            return path
        return png

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
        return f"Share cards: {self.drawn} drawn, {self.reused} from the cache"


def _store(path: Path, png: bytes) -> bool:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=path.parent, delete=False, suffix=".tmp") as handle:
            handle.write(png)
        os.replace(handle.name, path)  # readers see a whole card or none
        return True
    except OSError:
        return False  # a read-only or full disk costs speed and memory, never the build
