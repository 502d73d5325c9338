"""A URL's QR code as segno makes it, with segno's own choice of mask found in a fraction of the time.

segno (pure Python) tries the eight data masks one module at a time and keeps the one with the lowest
penalty (ISO/IEC 18004 7.8.3): about 1.7 of the 2.7 ms a code takes, 521 times in a 520-week build.
Here segno makes the code once, with mask 0 (public API); its data modules are unmasked, the eight
candidates scored together with numpy by segno's own rules, quirks included (its N3 search resumes 7
modules after a counted pattern, 4 after one that is not), and the chosen mask and its format bits put
in: 1.0 ms. The symbol is segno's, module for module: tests/test_qr.py compares the penalties with
segno's `evaluate_mask` and the symbols with `segno.make`'s, and the cards' bytes did not change.

Only full QR codes (not Micro QR), at any version.
"""

from __future__ import annotations

import numpy as np
import segno

FINDER = 8  # a finder pattern with its separator: 8 × 8 modules in three corners
N3_PATTERN = 0b1011101  # dark:light:dark:dark:dark:light:dark, seven modules read as the bits of a number


def symbol(url: str) -> np.ndarray:
    """The modules (1: dark) of segno.make(url, error="m", micro=False, boost_error=False), without the quiet
    zone: made with mask 0, then given the mask segno would choose and that mask's format information."""
    made = segno.make(url, error="m", micro=False, boost_error=False, mask=0)
    first = np.frombuffer(b"".join(made.matrix), dtype=np.uint8).reshape(len(made.matrix), -1)
    size = len(first)
    reserved = reserved_areas(size)
    data, masks = data_modules(size, reserved), mask_patterns(size)
    # as segno scores a candidate: its format and version areas still blank, its data under that mask
    blank = first.copy()
    blank[reserved] = 0
    unmasked = np.where(data, blank ^ masks[0], blank)
    scores = penalties(np.where(data, unmasked ^ masks, unmasked))
    best = scores.index(min(scores))  # the first of the lowest, as segno keeps it
    if best == 0:
        return first
    chosen = np.where(data, unmasked ^ masks[best], first)
    _place_format_information(chosen, best)
    return chosen


def format_information(mask: int) -> int:
    """The 15 format bits of error correction level M with `mask` (ISO/IEC 18004 7.9): a BCH(15, 5) code,
    XORed with 101010000010010."""
    data = 0b00 << 3 | mask  # level M is 00
    remainder = data
    for _ in range(10):
        remainder = (remainder << 1) ^ ((remainder >> 9) * 0b10100110111)
    return (data << 10 | remainder) ^ 0b101010000010010


def _place_format_information(modules: np.ndarray, mask: int) -> None:
    """Both copies of the format bits (bit 0 the least significant), around the top-left finder pattern and
    split between the other two."""
    bits = format_information(mask)
    size = len(modules)
    first = [(row, 8) for row in (0, 1, 2, 3, 4, 5, 7, 8)] + [(8, column) for column in (7, 5, 4, 3, 2, 1, 0)]
    second = [(8, size - 1 - n) for n in range(8)] + [(size - 7 + n, 8) for n in range(7)]
    for n in range(15):
        bit = bits >> n & 1
        modules[first[n]] = modules[second[n]] = bit


def data_modules(size: int, reserved: np.ndarray) -> np.ndarray:
    """Where the data modules of a size × size symbol are (what segno's masks apply to); `reserved`: its
    `reserved_areas`."""
    function = np.zeros((size, size), dtype=bool)
    for top, left in ((0, 0), (0, size - FINDER), (size - FINDER, 0)):
        function[top : top + FINDER, left : left + FINDER] = True
    function[6, :] = function[:, 6] = True  # timing patterns
    function |= reserved
    function[size - FINDER, FINDER] = True  # the dark module
    centres = alignment_centres(size)
    corners = {(centres[0], centres[0]), (centres[0], centres[-1]), (centres[-1], centres[0])} if centres else set()
    for row in centres:
        for column in centres:
            if (row, column) not in corners:  # those three would sit on a finder pattern
                function[row - 2 : row + 3, column - 2 : column + 3] = True
    return ~function


def reserved_areas(size: int) -> np.ndarray:
    """The format (and from version 7 the version) information areas, blank while masks are scored; the two
    timing modules inside them are not."""
    areas = np.zeros((size, size), dtype=bool)
    areas[8, : FINDER + 1] = areas[: FINDER + 1, 8] = True
    areas[8, size - FINDER :] = areas[size - FINDER :, 8] = True
    if size > 41:  # version 7 and up
        areas[:6, size - 11 : size - 8] = areas[size - 11 : size - 8, :6] = True
    areas[6, 8] = areas[8, 6] = False
    return areas


def alignment_centres(size: int) -> list[int]:
    """Rows (and columns) of the alignment patterns' centres (ISO/IEC 18004 Annex E)."""
    version = (size - 17) // 4
    if version == 1:
        return []
    count = version // 7 + 2
    step = 26 if version == 32 else (version * 4 + count * 2 + 1) // (count * 2 - 2) * 2
    return [6, *sorted(size - 7 - n * step for n in range(count - 1))]


def mask_patterns(size: int) -> np.ndarray:
    """The eight data masks (ISO/IEC 18004 Table 10) over a size × size symbol: 1 where a module flips."""
    i, j = np.indices((size, size))
    product = i * j
    conditions = (
        (i + j) % 2 == 0,
        i % 2 == 0,
        j % 3 == 0,
        (i + j) % 3 == 0,
        (i // 2 + j // 3) % 2 == 0,
        product % 2 + product % 3 == 0,
        (product % 2 + product % 3) % 2 == 0,
        ((i + j) % 2 + product % 3) % 2 == 0,
    )
    return np.stack(conditions).astype(np.uint8)


def penalties(candidates: np.ndarray) -> list[int]:
    """segno's penalty (N1 + N2 + N3 + N4) of each square 0/1 matrix in `candidates` (k × size × size)."""
    size = candidates.shape[1]
    columns = candidates.transpose(0, 2, 1)
    n1 = _runs(candidates) + _runs(columns)
    same = candidates[:, 1:, 1:]
    blocks = (same == candidates[:, :-1, 1:]) & (same == candidates[:, 1:, :-1]) & (same == candidates[:, :-1, :-1])
    n2 = 3 * blocks.sum(axis=(1, 2))
    n3 = _finder_like(candidates) + _finder_like(columns)
    darks = candidates.sum(axis=(1, 2), dtype=np.int64)
    # in floats as segno computes it, so a proportion on a 5 % boundary falls on the same side
    n4 = [10 * int(abs(float(dark) / (size**2) * 100 - 50) / 5) for dark in darks.tolist()]
    return [int(a + b + c) + d for a, b, c, d in zip(n1.tolist(), n2.tolist(), n3.tolist(), n4, strict=True)]


def _runs(lines: np.ndarray) -> np.ndarray:
    """N1 of each matrix, its rows: every run of 5 or more modules of one colour scores its length − 2."""
    count, rows, size = lines.shape
    padded = np.full((count, rows, size + 2), 2, dtype=np.uint8)  # a value no module has ends each row's runs
    padded[:, :, 1:-1] = lines
    flat = padded.ravel()
    starts = np.flatnonzero(np.diff(flat)) + 1
    lengths = np.diff(np.concatenate(([0], starts, [flat.size])))
    firsts = np.concatenate(([0], starts))
    long = lengths >= 5
    owner = firsts[long] // (rows * (size + 2))
    return np.bincount(owner, weights=lengths[long] - 2, minlength=count).astype(np.int64)


def _finder_like(lines: np.ndarray) -> np.ndarray:
    """N3 of each matrix, its rows, as segno counts it: 40 for each 1:1:3:1:1 pattern with four light
    modules (or the symbol's edge) on one side, searched left to right; after a counted pattern the search
    resumes 7 modules on, after another 4 (the pattern overlaps itself at 4 and 6)."""
    count, rows, size = lines.shape
    starts = size - 6
    windows = lines[:, :, :starts] << 6
    for shift in range(1, 7):
        windows |= lines[:, :, shift : starts + shift] << (6 - shift)
    found = windows == N3_PATTERN  # count × rows × starts
    darks = np.zeros((count, rows, size + 1), dtype=np.int32)
    np.cumsum(lines, axis=2, out=darks[:, :, 1:])
    start = np.arange(starts)
    before = darks[:, :, start] - darks[:, :, np.maximum(start - 4, 0)]
    after = darks[:, :, np.minimum(start + 11, size)] - darks[:, :, start + 7]
    edge = (start == 0) | (start == size - 7)
    counted = found & (edge | (before == 0) | (after == 0))
    scores: np.ndarray = 40 * counted.sum(axis=(1, 2), dtype=np.int64)
    # where two patterns overlap, which is searched depends on the one before: segno's search, line by line
    near = (found[:, :, :-4] & found[:, :, 4:]).any(axis=2) | (found[:, :, :-6] & found[:, :, 6:]).any(axis=2)
    for matrix, row in zip(*np.nonzero(near), strict=True):
        scores[matrix] += _searched(found[matrix, row], counted[matrix, row]) - 40 * int(counted[matrix, row].sum())
    return scores


def _searched(found: np.ndarray, counted: np.ndarray) -> int:
    """N3 of one line as segno's search finds its patterns (`found`, `counted`: by start)."""
    score, resume = 0, 0
    for start in np.flatnonzero(found).tolist():
        if start < resume:
            continue
        if counted[start]:
            score += 40
            resume = start + 7
        else:
            resume = start + 4
    return score
