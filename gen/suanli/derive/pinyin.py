"""A company's names in pinyin, as stock apps match them: 英伟达 -> yingweida and ywd.

Each label (the name, and every alias with a Chinese character) gives a full form (the syllables run
together) and an initials form (each syllable's first letter; zh, ch and sh count as z, c and s).
Letters and digits in a label stay as they are, lowercased, in both forms (SK海力士 -> skhailishi,
skhls); anything else (spaces, punctuation) is left out.

A polyphonic character is read every way pypinyin knows (heteronym=True): 长电科技 gives zhangdiankeji
and changdiankeji, zdkj and cdkj. Every combination of the readings counts, up to READINGS_CAP of them
per label, taken in this order: each character's most common reading, then the other combinations by
how far they depart from it, the sum of the ranks of the readings they use (one character read its
second way comes before two characters read theirs). Each character is read alone: pypinyin's phrase
dictionary, which would put a phrase's reading first (银行 as yinhang), is not loaded (_pypinyin), as
every reading is indexed anyway. A company's `pinyin` (companies.yaml) adds its reading of the name on top.
"""

from __future__ import annotations

import heapq
import os
from collections.abc import Iterator
from functools import lru_cache
from types import ModuleType

from suanli.contract import HAN_CHARACTER, Company

READINGS_CAP = 16  # readings (combinations of polyphonic characters) per label; two forms each


def _pypinyin() -> ModuleType:
    """pypinyin, imported on first use, without its phrase dictionary: that dictionary costs a build
    57 MB and changes only which reading of a polyphonic character comes first, while every reading is
    indexed anyway (and `pinyin:` in companies.yaml adds a company's own)."""
    os.environ.setdefault("PYPINYIN_NO_PHRASES", "true")
    os.environ.setdefault("PYPINYIN_NO_DICT_COPY", "true")
    import pypinyin

    return pypinyin


def company_forms(company: Company) -> tuple[str, ...]:
    """Every pinyin form of the company's name and Chinese aliases, each once, the given reading's first."""
    forms: list[str] = []
    if company.pinyin:
        forms += _forms(_given_segments(company.name, company.pinyin.split(" ")))
    for label in (company.name, *company.aliases):
        if HAN_CHARACTER.search(label):
            forms += label_forms(label)
    return tuple(dict.fromkeys(forms))


@lru_cache(maxsize=1024)
def label_forms(label: str, cap: int = READINGS_CAP) -> tuple[str, ...]:
    """The full and initials forms of one label, at most `cap` readings of it, each form once."""
    return tuple(dict.fromkeys(form for form in _forms(_segments(label), cap) if form))


# A label as segments: a Chinese character's readings (most likely first), or a literal (one letter or
# digit, as it is in both forms).
Segment = tuple[tuple[str, ...], bool]  # (readings, or the literal alone; is it a literal)


def _segments(label: str) -> list[Segment]:
    segments: list[Segment] = []
    for char in label:
        if HAN_CHARACTER.fullmatch(char):
            if readings := _char_readings(char):  # a character pypinyin cannot read adds nothing
                segments.append((readings, False))
        elif char.isalnum():
            segments.append(((char.lower(),), True))
    return segments


def _given_segments(name: str, syllables: list[str]) -> list[Segment]:
    """The name read as the author wrote it: one syllable per Chinese character (validated on loading)."""
    given = iter(syllables)
    segments: list[Segment] = []
    for char in name:
        if HAN_CHARACTER.fullmatch(char):
            segments.append(((next(given),), False))
        elif char.isalnum():
            segments.append(((char.lower(),), True))
    return segments


def _forms(segments: list[Segment], cap: int = READINGS_CAP) -> Iterator[str]:
    for choice in _choices([len(readings) for readings, _ in segments], cap):
        syllables = [(readings[i], literal) for (readings, literal), i in zip(segments, choice, strict=True)]
        yield "".join(s for s, _ in syllables)
        yield "".join(s if literal else s[0] for s, literal in syllables)


def _choices(counts: list[int], cap: int) -> Iterator[tuple[int, ...]]:
    """Up to `cap` picks of one reading per segment, fewest departures from the first readings first
    (by the sum of the readings' ranks; ties in a fixed order)."""
    start = (0,) * len(counts)
    heap, seen = [(0, start)], {start}
    for _ in range(cap):
        if not heap:
            return
        cost, choice = heapq.heappop(heap)
        yield choice
        for k in range(len(choice)):
            if choice[k] + 1 < counts[k]:
                following = choice[:k] + (choice[k] + 1,) + choice[k + 1 :]
                if following not in seen:
                    seen.add(following)
                    heapq.heappush(heap, (cost + 1, following))


@lru_cache(maxsize=4096)
def _char_readings(char: str) -> tuple[str, ...]:
    pypinyin = _pypinyin()

    read = pypinyin.pinyin(char, style=pypinyin.Style.NORMAL, heteronym=True, errors="ignore")
    return tuple(dict.fromkeys(r for readings in read for r in readings if _is_syllable(r)))


def _is_syllable(reading: str) -> bool:
    return reading.isascii() and reading.isalpha()
