"""The share cards' font: the subset of Noto Sans CJK SC committed under render/fonts/ (OFL 1.1, its
licence beside it; render/font_subset.py says how it was made and what it covers). Nothing is fetched
or looked up on the system: every machine draws with the same two files, so the same data draws the
same pixels.

A CardFonts opens each face once per size, reads the characters the font covers once and keeps the texts
every card shows (labels, company names) once rasterized (`stamps`, render/share_card.py); it lives as
long as whatever holds it (a build's card cache or a card worker, site/card_cache.py), never as module
state.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from PIL import Image, ImageFont

FONTS = Path(__file__).resolve().parent / "fonts"
REGULAR, BOLD = "Regular", "Bold"
# A rasterized text (render/share_card.py's _stamp): its shades, where it has ink, its offset from its anchor
Stamp = tuple[Image.Image, Image.Image, int, int]


class CardFonts:
    def __init__(self, folder: Path = FONTS) -> None:
        self.paths = {weight: folder / f"NotoSansCJKsc-{weight}.otf" for weight in (REGULAR, BOLD)}
        self._faces: dict[tuple[str, int], ImageFont.FreeTypeFont] = {}
        self._covered: frozenset[int] | None = None
        # by (text, font file, size, anchor, ramp); () for a text that draws nothing
        self.stamps: dict[tuple[str, str, float, str, int], Stamp | tuple[()]] = {}

    def face(self, weight: str, size: int) -> ImageFont.FreeTypeFont:
        """A face at `size` pixels, laid out without shaping (Pillow's basic layout: the same on every
        machine, whether or not it has libraqm)."""
        if (weight, size) not in self._faces:
            self._faces[weight, size] = ImageFont.truetype(
                str(self.paths[weight]), size, layout_engine=ImageFont.Layout.BASIC
            )
        return self._faces[weight, size]

    @property
    def covered(self) -> frozenset[int]:
        """The code points both weights have a glyph for."""
        if self._covered is None:
            from fontTools.ttLib import TTFont

            maps = [set(TTFont(str(path), lazy=True).getBestCmap()) for path in self.paths.values()]
            self._covered = frozenset(set.intersection(*maps))
        return self._covered

    def digest(self) -> bytes:
        """The font files' bytes, hashed: part of every card's cache key."""
        digest = hashlib.sha256()
        for weight, path in sorted(self.paths.items()):
            digest.update(weight.encode() + b"\0" + path.read_bytes() + b"\0")
        return digest.digest()
