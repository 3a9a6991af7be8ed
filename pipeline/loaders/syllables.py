"""Is a word a well-formed Vietnamese syllable? The measure both the legacy-encoding detector and the
text-layer judge use.

Why a module of its own: `legacy` (TCVN3/VNI conversion) scores each candidate decoding by it and
`pagequality` judges a text layer by it, while `pagequality` also counts legacy signatures; with the
syllable measure below both, the two import in one direction only (syllables → legacy → pagequality).

A syllable is onset + vowel nucleus + coda, at most one tone mark. Real report text scores well above
0.8; TCVN3/VNI text read as Unicode, ASCII-ised text and encoding garbage score far lower.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# Lower-case Vietnamese alphabet with every tone; f j w z occur in names and loanwords.
VIETNAMESE_LOWER = (
    "aàáảãạăằắẳẵặâầấẩẫậbcdđeèéẻẽẹêềếểễệghiìíỉĩịklmnoòóỏõọôồốổỗộơờớởỡợpqrstuùúủũụưừứửữựvxyỳýỷỹỵfjwz"
)
VIETNAMESE_LETTERS = frozenset(VIETNAMESE_LOWER + VIETNAMESE_LOWER.upper())
# Letters only Vietnamese uses (shape marks or tones): their total absence in a long text means the
# text layer dropped the diacritics (or the page is not Vietnamese).
VIETNAMESE_MARKED = frozenset(c for c in VIETNAMESE_LETTERS if c.lower() not in "abcdeghiklmnopqrstuvxyfjwz")

_TONE_MARKS = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}  # huyền sắc ngã hỏi nặng
_WORD = re.compile(r"[^\W\d_]+")
# Vowel clusters (tone removed) by what may follow them: nothing, a final consonant, or either.
_OPEN_ONLY = (
    "ai ao au ay âu ây eo êu ia iu oi ôi ơi ua ui ưa ưi ưu iêu yêu oai oay oao oeo uây uôi ươi ươu uya uyu"
)
_NEED_CODA = "ă â iê yê uô ươ oă oo uâ uyê"
_EITHER = "a e ê i o ô ơ u ư y oa oe uê uy uơ"


def _alternation(words: str) -> str:
    return "|".join(sorted(words.split(), key=len, reverse=True))


_ONSET = r"(?:ngh|ng|gh|gi|kh|nh|ph|th|tr|ch|qu|[bcdđghklmnprstvx])?"
_CODA = r"(?:ch|nh|ng|[cmnpt])"
_SYLLABLE = re.compile(
    rf"{_ONSET}(?:(?:{_alternation(_OPEN_ONLY)})|(?:{_alternation(_NEED_CODA)}){_CODA}"
    rf"|(?:{_alternation(_EITHER)}){_CODA}?)"
)


@lru_cache(maxsize=65536)
def _is_syllable(word: str) -> bool:
    decomposed = unicodedata.normalize("NFD", word.lower())
    tones = sum(1 for c in decomposed if c in _TONE_MARKS)
    if tones > 1:
        return False
    base = unicodedata.normalize("NFC", "".join(c for c in decomposed if c not in _TONE_MARKS))
    return _SYLLABLE.fullmatch(base) is not None


def syllable_share(text: str) -> tuple[float, int]:
    """Share of words that are well-formed Vietnamese syllables, and the number of words judged.

    Single letters and all-caps words that are not syllables (UBND, HĐND, QĐ) are abbreviations,
    not evidence either way, and are left out.
    """
    good = total = 0
    for m in _WORD.finditer(text):
        word = m.group()
        if len(word) == 1:  # "ở", "Đ" (for Đạt), list labels: too short to tell anything
            continue
        ok = _is_syllable(word)
        if not ok and len(word) > 1 and word.isupper() and all(c in VIETNAMESE_LETTERS for c in word):
            continue
        total += 1
        good += ok
    return (good / total if total else 0.0), total
