"""The share cards' QR codes (render/qr.py): segno's codes, with segno's choice of mask made faster. The
oracles are segno itself: its `make` (which tries every mask) and its own penalty function."""

from __future__ import annotations

import random

import numpy as np
import segno
from segno import encoder

from suanli.render import qr

URL_CHARACTERS = "abcdefghijklmnopqrstuvwxyz0123456789-/._~:?#=&%"


def segno_symbol(url: str) -> tuple[np.ndarray, int]:
    code = segno.make(url, error="m", micro=False, boost_error=False)
    return np.frombuffer(b"".join(code.matrix), dtype=np.uint8).reshape(len(code.matrix), -1), code.mask


def test_every_code_is_the_one_segno_makes_with_the_mask_it_chooses():
    rng = random.Random(16)
    urls = ["https://example.com/suanli/issues/2024-12-11/", "http://127.0.0.1:8000/", "x"]
    urls += ["https://" + "".join(rng.choices(URL_CHARACTERS, k=rng.randint(1, 400))) for _ in range(300)]
    masks, versions = set(), set()
    for url in urls:
        expected, mask = segno_symbol(url)
        assert np.array_equal(qr.symbol(url), expected), url
        masks.add(mask)
        versions.add((len(expected) - 17) // 4)
    # every mask chosen at least once, with and without version information, with and without alignment patterns
    assert masks == set(range(8)) and {1, 6, 7} <= versions and max(versions) >= 14


def test_the_penalties_are_segnos_on_any_matrix():
    """Random matrices: runs, blocks and finder-like patterns of every kind, overlapping ones included
    (where segno's search skips some: the line-by-line path)."""
    rng = np.random.default_rng(16)
    overlapping = 0
    for size in (21, 25, 33, 45, 57, 21, 45):
        for density in (0.3, 0.5, 0.7):
            matrices = (rng.random((6, size, size)) < density).astype(np.uint8)
            expected = [
                encoder.evaluate_mask(tuple(bytearray(row.tolist()) for row in m), size, size) for m in matrices
            ]
            assert qr.penalties(matrices) == expected
            lines = ["".join(map(str, line)) for m in matrices for line in (*m, *m.T)]
            overlapping += sum("10111011101" in line or "1011101011101" in line for line in lines)
    assert overlapping >= 5  # the overlapping patterns were there to be scored


def test_the_alignment_patterns_sit_where_segno_puts_them():
    from segno import consts

    for version in range(2, 41):
        assert qr.alignment_centres(17 + 4 * version) == list(consts.ALIGNMENT_POS[version - 2]), version
