"""A share card (分享图) as PNG bytes: a pure function of what the card shows (render/share_card_data.py)
and the font (render/card_fonts.py). 1200×630, the size link previews use.

Colours are the site's light palette (docs/assets/stylesheets/suanli.css): the brand red header, red for
a rise and green for a fall, Material's text greys. Synthetic data says 示例数据 in the header, as every
page made from it does.

Text: whitespace runs (line breaks too) are drawn as one space; invisible characters (controls and format
characters: bidi marks, zero-width spaces) are dropped; any other character the font lacks is drawn as
〓, the typesetter's mark for a missing character, never as the font's empty box, and
`missing_characters` names them (the build logs them: site/card_cache.py). Lines too long end in …; a
title takes at most two lines.

The same card always encodes to the same bytes: no shaping engine that differs between machines (the
font's basic layout), no metadata chunk (no time, no software name), a fixed compression level.
"""

from __future__ import annotations

import io
import unicodedata
from collections.abc import Container

import numpy as np
from PIL import Image, ImageColor, ImageDraw, ImageFont

from suanli.render import qr
from suanli.render.card_fonts import BOLD, REGULAR, CardFonts, Stamp
from suanli.render.share_card_data import MOVERS, IssueCard, SiteCard

WIDTH, HEIGHT = 1200, 630
MARGIN = 64
HEADER = 104  # the red band's height
QR_BOX = 196  # the QR code's square, its quiet zone included
GAP = 40  # between the text and the QR code
MISSING = "〓"
ELLIPSIS = "…"

WHITE = "#ffffff"
BLACK = "#000000"
BRAND = "#c62828"  # --md-primary-fg-color
TEXT = "#212121"  # Material's --md-default-fg-color (87 % black) on white
MUTED = "#616161"  # 4.5:1 or better on white, as suanli.css's greys
BADGE = "#ffd54f"
DIRECTION = {"up": "#c62828", "down": "#137a3f", "flat": "#757575"}  # --suanli-up, --suanli-down, --flat

# The card is a palette image: each (background, ink) pair text is drawn in gets a ramp of LEVELS shades
# from the background (0) to the ink (LEVELS - 1), so the site's colours are exact, the edges of letters
# stay smooth, and the PNG is a third of an RGB one's size and quicker to encode.
LEVELS = 30
PAIRS = (
    (WHITE, TEXT),
    (WHITE, MUTED),
    (WHITE, DIRECTION["up"]),
    (WHITE, DIRECTION["down"]),
    (WHITE, DIRECTION["flat"]),
    (BRAND, WHITE),
    (BADGE, TEXT),
    (WHITE, BLACK),
)


def _palette() -> bytes:
    """PAIRS' ramps as the PNG's palette (RGB bytes)."""
    palette = bytearray()
    for background, ink in PAIRS:
        back, fore = ImageColor.getrgb(background), ImageColor.getrgb(ink)
        for level in range(LEVELS):
            palette += bytes(round(b + (f - b) * level / (LEVELS - 1)) for b, f in zip(back, fore, strict=True))
    return bytes(palette)


# Constant tables, made once at import: the palette, each ramp's shade for a glyph's coverage (0-255),
# and the mask of where a glyph has any ink.
PALETTE = _palette()
SHADES = tuple(tuple(n * LEVELS + round(v * (LEVELS - 1) / 255) for v in range(256)) for n in range(len(PAIRS)))
INKED = (0,) + (255,) * 255

# Never at the start of a line (Chinese line-breaking rules, the common part): closing punctuation.
NO_LINE_START = set("，。、：；！？）》」』】〕”’…,.:;!?)]}%")


def clean(text: str, covered: Container[int]) -> str:
    """`text` as the card draws it (see the module's text)."""
    out: list[str] = []
    for char in text:
        category = unicodedata.category(char)
        if char.isspace() or category in ("Zl", "Zp"):
            if out and out[-1] != " ":
                out.append(" ")
        elif category in ("Cc", "Cf", "Cs", "Co", "Cn"):
            continue  # nothing a reader sees: a control, a format mark, a lone surrogate, unassigned
        else:
            out.append(char if ord(char) in covered else MISSING)
    return "".join(out).strip()


def _texts(card: IssueCard | SiteCard) -> list[str]:
    if isinstance(card, SiteCard):
        return [card.series, card.tagline]
    return [card.series, card.date, card.title, *card.focus, *(f"{m.name}{m.ticker}{m.week}" for m in card.movers)]


def missing_characters(card: IssueCard | SiteCard, fonts: CardFonts) -> str:
    """The visible characters of the card's text that the font lacks (drawn as 〓), each once, in order."""
    covered = fonts.covered
    found: dict[str, None] = {}
    for text in _texts(card):
        for char in text:
            if not char.isspace() and unicodedata.category(char)[0] not in ("C", "Z") and ord(char) not in covered:
                found[char] = None
    return "".join(found)


def fit(text: str, face: ImageFont.FreeTypeFont, width: float) -> str:
    """`text`, or its longest start that fits `width` with … after it."""
    if face.getlength(text) <= width:
        return text
    low, high = 0, len(text)  # the longest prefix + … that fits has length in [low, high)
    while low < high:
        middle = (low + high + 1) // 2
        if face.getlength(text[:middle].rstrip() + ELLIPSIS) <= width:
            low = middle
        else:
            high = middle - 1
    return text[:low].rstrip() + ELLIPSIS


def wrap(text: str, face: ImageFont.FreeTypeFont, width: float, lines: int) -> list[str]:
    """`text` in at most `lines` lines of `width`, broken between any two characters (Chinese has no
    spaces) but never before closing punctuation, nor inside a run of Latin letters or digits when the
    line can break at its start; the last line ends in … if text remains."""
    out: list[str] = []
    rest = text
    while rest and len(out) < lines - 1:
        if face.getlength(rest) <= width:
            break
        cut = len(fit(rest, face, width)) - 1  # the characters that fit, without the ellipsis
        cut = max(cut, 1)
        while cut > 1 and rest[cut] in NO_LINE_START:
            cut -= 1
        word = cut
        while word > 0 and rest[word - 1].isascii() and rest[word - 1].isalnum() and rest[word].isascii():
            word -= 1
        if rest[cut].isascii() and rest[cut].isalnum() and word > cut // 2:
            cut = word  # a Latin word or a number moves to the next line whole, if the line stays half full
        out.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip()
    if rest:
        out.append(fit(rest, face, width))
    return out


def _stamp(text: str, face: ImageFont.FreeTypeFont, anchor: str, ramp: int) -> Stamp | tuple[()]:
    """`text` rasterized: its shades in `ramp`, the mask of where it has ink (pasting through the coverage
    itself would average indices) and its offset from the anchor; () if it draws nothing."""
    left, top, right, bottom = (int(v) for v in face.getbbox(text, anchor=anchor)) if text else (0, 0, 0, 0)
    if right <= left or bottom <= top:
        return ()
    coverage = Image.new("L", (right - left, bottom - top), 0)
    ImageDraw.Draw(coverage).text((-left, -top), text, font=face, fill=255, anchor=anchor)
    return coverage.point(SHADES[ramp // LEVELS]), coverage.point(INKED), left, top


class _Canvas:
    """A card being drawn: an image of palette indices (PAIRS' ramps), turned into a PNG by `png`."""

    def __init__(self, fonts: CardFonts) -> None:
        self.image = Image.new("L", (WIDTH, HEIGHT), self.index(WHITE, WHITE))
        self.stamps = fonts.stamps

    @staticmethod
    def index(background: str, ink: str) -> int:
        """The palette index of `ink` (exact) on `background`; `ink == background`: the background."""
        for n, (back, fore) in enumerate(PAIRS):
            if back == background and (fore == ink or back == ink):
                return n * LEVELS + (LEVELS - 1 if fore == ink else 0)
        raise ValueError(f"no ramp for {ink} on {background}: add the pair to PAIRS")

    def fill(self, box: tuple[int, int, int, int], colour: str, radius: int = 0) -> None:
        shade = self.index(colour, colour) if any(b == colour for b, _ in PAIRS) else self.index(WHITE, colour)
        ImageDraw.Draw(self.image).rounded_rectangle(box, radius=radius, fill=shade)

    def text(
        self,
        xy: tuple[float, float],
        text: str,
        face: ImageFont.FreeTypeFont,
        ink: str,
        background: str = WHITE,
        anchor: str = "la",
        shared: bool = False,
    ) -> None:
        """`text` in `ink` on `background` (the ramp between them shades its edges), placed as
        ImageDraw.text places it. `shared`: a text many cards show (a label, a company's name), rasterized
        once per CardFonts (`stamps`); a card's own text (its title) is not kept."""
        ramp = self.index(background, ink) - (LEVELS - 1)
        key = (text, str(face.path), face.size, anchor, ramp)
        stamp = self.stamps.get(key) if shared else None
        if stamp is None:
            stamp = _stamp(text, face, anchor, ramp)
            if shared:
                self.stamps[key] = stamp
        if stamp:
            shades, inked, left, top = stamp
            self.image.paste(shades, (int(xy[0]) + left, int(xy[1]) + top), inked)

    def qr(self, url: str, left: int, top: int) -> None:
        """`url` as a QR code (error correction M, its four-module quiet zone) centred in a QR_BOX square."""
        modules = np.pad(qr.symbol(url), 4)  # the quiet zone: four light modules on every side
        count = len(modules)
        scale = max(1, QR_BOX // count)  # 3 px a module or more for any URL under some 500 characters
        dark, light = self.index(WHITE, BLACK), self.index(WHITE, WHITE)
        matrix = Image.fromarray(np.where(modules == 1, dark, light).astype(np.uint8))
        size = count * scale
        offset = (QR_BOX - size) // 2
        self.image.paste(light, (left, top, left + QR_BOX, top + QR_BOX))
        self.image.paste(matrix.resize((size, size), Image.Resampling.NEAREST), (left + offset, top + offset))

    def png(self) -> bytes:
        image = Image.frombytes("P", self.image.size, self.image.tobytes())
        image.putpalette(PALETTE)
        out = io.BytesIO()
        image.save(
            out, format="PNG", compress_level=3
        )  # no pnginfo: no text or time chunks; 3: half the time of 6, 15 % larger
        return out.getvalue()


DISCLAIMER = "请阅读全文及声明，不构成投资建议"


def _header(canvas: _Canvas, fonts: CardFonts, series: str, right: str, synthetic: bool) -> None:
    covered = fonts.covered
    canvas.fill((0, 0, WIDTH, HEADER), BRAND)
    name_face = fonts.face(BOLD, 40)
    name = clean(series, covered)
    canvas.text((MARGIN, HEADER // 2), name, name_face, WHITE, BRAND, "lm", shared=True)
    if right:
        canvas.text((WIDTH - MARGIN, HEADER // 2), clean(right, covered), fonts.face(REGULAR, 32), WHITE, BRAND, "rm")
    if synthetic:
        badge_face = fonts.face(BOLD, 26)
        left = MARGIN + int(name_face.getlength(name)) + 24
        width = int(badge_face.getlength("示例数据")) + 28
        canvas.fill((left, HEADER // 2 - 22, left + width, HEADER // 2 + 22), BADGE, radius=8)
        canvas.text((left + width // 2, HEADER // 2), "示例数据", badge_face, TEXT, BADGE, "mm", shared=True)


def draw_issue_card(card: IssueCard, fonts: CardFonts) -> bytes:
    covered = fonts.covered
    canvas = _Canvas(fonts)
    _header(canvas, fonts, card.series, card.date, card.synthetic)
    full = WIDTH - 2 * MARGIN
    title_face = fonts.face(BOLD, 52)
    for n, line in enumerate(wrap(clean(card.title, covered), title_face, full, 2)):
        canvas.text((MARGIN, 136 + n * 70), line, title_face, TEXT)
    # below the title: the movers and 建议关注, beside the QR code if there is one
    body = full - QR_BOX - GAP if card.url else full
    if card.movers:
        canvas.text((MARGIN, 300), "本周涨跌幅最大（按绝对值）", fonts.face(REGULAR, 24), MUTED, shared=True)
        column = body // MOVERS
        name_face, week_face, ticker_face = fonts.face(REGULAR, 30), fonts.face(BOLD, 46), fonts.face(REGULAR, 22)
        for n, mover in enumerate(card.movers):
            left, room = MARGIN + n * column, column - 24
            canvas.text((left, 344), fit(clean(mover.name, covered), name_face, room), name_face, TEXT, shared=True)
            week = fit(clean(mover.week, covered), week_face, room)
            canvas.text((left, 388), week, week_face, DIRECTION[mover.direction])
            canvas.text(
                (left, 446), fit(clean(mover.ticker, covered), ticker_face, room), ticker_face, MUTED, shared=True
            )
    if card.focus:
        label_face, focus_face = fonts.face(BOLD, 28), fonts.face(REGULAR, 28)
        label = "建议关注："
        canvas.text((MARGIN, 508), label, label_face, TEXT, shared=True)
        shift = int(label_face.getlength(label))
        segments = "、".join(clean(segment, covered) for segment in card.focus)
        canvas.text((MARGIN + shift, 508), fit(segments, focus_face, body - shift), focus_face, TEXT)
    _footer(canvas, fonts, card.url, 296, "扫码阅读本期")
    return canvas.png()


def draw_site_card(card: SiteCard, fonts: CardFonts) -> bytes:
    covered = fonts.covered
    canvas = _Canvas(fonts)
    _header(canvas, fonts, card.series, "", card.synthetic)
    body = WIDTH - 2 * MARGIN - (QR_BOX + GAP if card.url else 0)
    canvas.text((MARGIN, 190), clean(card.series, covered), fonts.face(BOLD, 80), BRAND)
    tagline_face = fonts.face(REGULAR, 34)
    for n, line in enumerate(wrap(clean(card.tagline, covered), tagline_face, body, 3)):
        canvas.text((MARGIN, 320 + n * 52), line, tagline_face, TEXT)
    _footer(canvas, fonts, card.url, 240, "扫码访问")
    return canvas.png()


def _footer(canvas: _Canvas, fonts: CardFonts, url: str | None, qr_top: int, caption: str) -> None:
    """The disclaimer, and the QR code of `url` with its caption under it (none without a URL)."""
    canvas.text((MARGIN, 574), DISCLAIMER, fonts.face(REGULAR, 20), MUTED, shared=True)
    if url:
        left = WIDTH - MARGIN - QR_BOX
        canvas.qr(url, left, qr_top)
        canvas.text(
            (left + QR_BOX // 2, qr_top + 204), caption, fonts.face(REGULAR, 22), MUTED, anchor="ma", shared=True
        )


def draw_card(card: IssueCard | SiteCard, fonts: CardFonts) -> bytes:
    return draw_site_card(card, fonts) if isinstance(card, SiteCard) else draw_issue_card(card, fonts)
