"""Vietnamese spelling: tone-mark placement, comparison keys and mark stripping, in one place.

Why one module: the same name reaches us as "Hạ Hoà", "HẠ HÒA" and, from an unaccented or OCR-damaged
source, "Ha Hoa". Every stage that compares words needs a key that ignores some of these differences
and keeps the others, and the keys used to live in six places that had drifted apart. Each function
below names exactly what it forgets, so a caller picks the one it means:

- `place_tones`: rewrites text (keeps case, length may not change meaning): the traditional tone
  placement on the open syllables oa, oe, uy (hòa, khỏe, thủy), the one `documents.text` uses.
- `tone_key`: forgets case and tone placement (the tone moves to the end of each syllable); keeps
  letters, vowel marks and which tone it is. "Hạ Hoà" == "HẠ HÒA", "Hòa" != "Hoa".
- `strip_marks`: forgets case and every diacritic (đ -> d), spacing collapsed: the loosest key.
- `fold`: lower case without diacritics, character for character (offsets survive).
- `fold_words`: `fold`, then only its ASCII letter/digit runs joined by one space.
- `space_key`: forgets case and spacing only.

This module is at the bottom of the import graph: it imports nothing of the project.
"""

from __future__ import annotations

import functools
import unicodedata

import regex as re

TONE_MARKS = "\u0300\u0301\u0303\u0309\u0323"  # huyền, sắc, ngã, hỏi, nặng (vowel marks are not tones)
_TONES = frozenset(TONE_MARKS)


def _tone_moves() -> dict[str, str]:
    """'oà' -> 'òa' for every case and tone of the open syllables oa, oe, uy."""
    moves: dict[str, str] = {}
    for first, seconds in (("o", "aeAE"), ("O", "aeAE"), ("u", "yY"), ("U", "yY")):
        for second in seconds:
            for tone in TONE_MARKS:
                toned_second = unicodedata.normalize("NFC", second + tone)
                moves[first + toned_second] = unicodedata.normalize("NFC", first + tone) + second
    return moves


_TONE_MOVES = _tone_moves()
# The pair must end the syllable (an "oàn" keeps its tone on a) and "uy" after q is the vowel y with
# the consonant "qu" (quý keeps its tone on y).
_TONE_RE = re.compile(
    "(?<![qQ])(?:" + "|".join(sorted(_TONE_MOVES, key=len, reverse=True)) + r")(?![\p{L}\p{M}])"
)


def place_tones(s: str) -> str:
    """Put the tone mark of open oa/oe/uy syllables on the first vowel: hoà->hòa, khoẻ->khỏe, thuỷ->thủy.

    Administrative documents overwhelmingly type this placement, so it changes the fewest characters.
    Expects NFC input.
    """
    return _TONE_RE.sub(lambda m: _TONE_MOVES[m[0]], s)


@functools.lru_cache(maxsize=65536)
def tone_key(s: str) -> str:
    """A key equal for spellings that differ only in tone-mark placement, case or spacing.

    Each syllable keeps its letters and vowel marks, and its (first) tone mark moves to its end.
    """
    out: list[str] = []
    for syl in unicodedata.normalize("NFD", s.casefold()).split():
        tones = [c for c in syl if c in _TONES]
        base = "".join(c for c in syl if c not in _TONES)
        out.append(unicodedata.normalize("NFC", base) + "".join(tones[:1]))
    return " ".join(out)


def strip_marks(s: str) -> str:
    """Casefolded text without any diacritic (đ → d), spacing collapsed: for OCR-damaged names."""
    nfd = unicodedata.normalize("NFD", s.casefold().replace("đ", "d"))
    return " ".join("".join(c for c in nfd if not unicodedata.combining(c)).split())


@functools.lru_cache(maxsize=65536)
def fold(text: str) -> str:
    """Lower case, no diacritics, đ -> d, character for character: offsets in the result are offsets
    in the original (a character whose lower case is longer than one stays as it is)."""
    out = []
    for ch in text:
        low = ch.lower()
        if len(low) != 1:
            low = ch
        if low == "đ":
            out.append("d")
            continue
        base = unicodedata.normalize("NFD", low)[:1]
        out.append(base if base else low)
    return "".join(out)


_ASCII_WORD = re.compile(r"[a-z0-9]+")


@functools.lru_cache(maxsize=8192)
def fold_words(s: str) -> str:
    """The ASCII words of `fold(s)` joined by single spaces: names compared whatever their punctuation."""
    return " ".join(_ASCII_WORD.findall(fold(s)))


def space_key(s: str) -> str:
    """Casefolded with spacing collapsed: the same phrase typed in another case or spacing."""
    return " ".join(s.casefold().split())
