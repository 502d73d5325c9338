"""Makes the share cards' font (render/fonts/): Noto Sans CJK SC, Regular and Bold, cut down to the
characters a note's names and titles realistically hold. Run by hand when the coverage must grow, never by
a build (nothing is fetched or subset at build time):

    apt-get download fonts-noto-cjk && dpkg-deb -x fonts-noto-cjk_*.deb noto   # Debian's package, OFL 1.1
    PYTHONPATH=gen .venv/bin/python -m suanli.render.font_subset noto/usr/share/fonts/opentype/noto data

What the subset covers (`coverage`): every character of GB2312 (its 6,763 hanzi, the common simplified
characters of names and prose, and its punctuation, full-width forms, Greek, Cyrillic and symbols),
printable ASCII and Latin-1, a few symbols research notes use, and every character of the text files
under the folders named (the data folder when the font was made). A character outside it is drawn as 〓,
the typesetter's mark for a missing character, and the build says so (render/share_card.py).

Only the glyphs and the tables Pillow's basic layout reads are kept (no GSUB/GPOS: the cards are laid
out without shaping, so that every machine draws the same pixels); hinting is dropped (CFF outlines are
drawn unhinted at the cards' sizes).
"""

from __future__ import annotations

import sys
from pathlib import Path

FONTS = Path(__file__).resolve().parent / "fonts"
WEIGHTS = ("Regular", "Bold")
FAMILY = "Noto Sans CJK SC"
# Beyond GB2312: symbols a note's titles use (per mille, degrees, trademark, arrows, minus, circled
# numbers, the middle dot of names), the full-width forms and the mark drawn for a missing character.
EXTRA = "‰℃™®©←↑→↓−·•…‘’“”–—①②③④⑤⑥⑦⑧⑨⑩〓" + "".join(chr(c) for c in range(0xFF01, 0xFF5F))
TEXT_SUFFIXES = (".yaml", ".yml", ".csv", ".md", ".txt")


def gb2312() -> set[str]:
    """Every character GB2312 encodes (its rows 0xA1-0xF7, cells 0xA1-0xFE)."""
    chars = set()
    for row in range(0xA1, 0xF8):
        for cell in range(0xA1, 0xFF):
            try:
                chars.add(bytes((row, cell)).decode("gb2312"))
            except UnicodeDecodeError:
                continue
    return chars


def coverage(folders: list[Path]) -> set[str]:
    """The characters the subset keeps: see the module's text."""
    chars = gb2312() | {chr(c) for c in range(0x20, 0x7F)} | {chr(c) for c in range(0xA0, 0x100)} | set(EXTRA)
    for folder in folders:
        for path in folder.rglob("*"):
            if path.is_file() and path.suffix in TEXT_SUFFIXES:
                chars |= set(path.read_text(encoding="utf-8", errors="ignore"))
    return {c for c in chars if c.isprintable()}


def subset(noto: Path, folders: list[Path]) -> list[Path]:
    """Each weight of Noto Sans CJK SC (from Debian's NotoSansCJK-<weight>.ttc in `noto`) subset to
    `coverage(folders)`, written to render/fonts/; returns the files written."""
    from fontTools import subset as ft_subset
    from fontTools.ttLib import TTCollection

    unicodes = sorted(ord(c) for c in coverage(folders))
    written = []
    for weight in WEIGHTS:
        collection = TTCollection(str(noto / f"NotoSansCJK-{weight}.ttc"))
        font = next(f for f in collection.fonts if f["name"].getDebugName(1) == FAMILY)
        options = ft_subset.Options()
        options.layout_features = []
        options.drop_tables += ["GSUB", "GPOS", "BASE", "VORG", "vhea", "vmtx"]
        options.name_IDs = [0, 1, 2, 3, 4, 5, 6, 13, 14]  # copyright, names, version, the licence and its URL
        options.notdef_outline = True
        options.hinting = False
        subsetter = ft_subset.Subsetter(options)
        subsetter.populate(unicodes=unicodes)
        subsetter.subset(font)
        font.recalcTimestamp = False  # the same inputs make the same file
        missing = [chr(u) for u in unicodes if u not in font.getBestCmap()]
        if missing:
            print(f"{weight}: not in {FAMILY}: {''.join(missing)}", file=sys.stderr)
        path = FONTS / f"NotoSansCJKsc-{weight}.otf"
        font.save(str(path))
        written.append(path)
    return written


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit("usage: python -m suanli.render.font_subset NOTO_FOLDER [TEXT_FOLDER ...]")
    for path in subset(Path(sys.argv[1]), [Path(a) for a in sys.argv[2:]]):
        print(f"{path}: {path.stat().st_size:,} bytes")
