"""Is a page's text layer usable, or does the page need OCR?

A PDF text layer can exist and still be useless: glyphs without a Unicode mapping come out as
`(cid:NN)`, U+FFFD or private-use characters; a font with a custom encoding yields Latin-1 soup;
a scan may carry only a signature stamp's few words. We judge the text itself (pure functions, no
PDF access), with one optional hint from the caller: how much of the page an image covers.

"Vietnamese-ness" is measured as the share of words that are well-formed Vietnamese syllables
(onset + vowel nucleus + coda, at most one tone mark). Real report text scores well above 0.8;
TCVN3/VNI text read as Unicode, ASCII-ised text and encoding garbage score far lower.
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
_CID = re.compile(r"\(cid:\d+\)")

MIN_CHARS = 20  # fewer alphanumerics than this: treat as no text layer
MIN_WORDS_FOR_LANGUAGE = 20  # below this the syllable share is too noisy to judge
MIN_SYLLABLE_SHARE = 0.55
MAX_BAD_CHAR_SHARE = 0.05
SCAN_COVERAGE = 0.5  # an image covering this much of the page ...
SCAN_MAX_CHARS = 600  # ... with less text than this is a scan with a stamp or a header line


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


_BAD_CHAR = re.compile("[\ufffd\ue000-\uf8ff\x00-\x08\x0e-\x1f\x7f-\x9f\ud800-\udfff]")
_SPACE = re.compile(r"\s")
_ALNUM = re.compile(r"[^\W_]")
_LETTER = re.compile(r"[^\W\d_]")
_MARKED = re.compile("[" + "".join(sorted(VIETNAMESE_MARKED)) + "]")


def bad_char_share(text: str) -> float:
    """Share of non-space characters that are unmapped glyphs: U+FFFD, private use, control chars."""
    visible = len(text) - len(_SPACE.findall(text))
    if visible <= 0:
        return 0.0
    return len(_BAD_CHAR.findall(text)) / visible


def needs_ocr(text: str, *, image_coverage: float = 0.0) -> tuple[bool, str]:
    """Whether a page's text layer is unusable, and why ("ok" when it is usable).

    Reasons: empty, cid_garbage, unmapped_glyphs, too_short, scanned_image, legacy_encoding,
    not_vietnamese, no_diacritics. `image_coverage` is the share of the page area covered by
    images (0 when unknown). Run legacy conversion *before* this: leftover TCVN3/VNI signatures
    here mean the converter could not make sense of them.
    """
    stripped = text.strip()
    if not stripped:
        return True, "empty"
    n_cid = len(_CID.findall(stripped))
    if n_cid >= 3 and n_cid * 8 > 0.1 * len(stripped):
        return True, "cid_garbage"
    if bad_char_share(stripped) > MAX_BAD_CHAR_SHARE:
        return True, "unmapped_glyphs"
    n_alnum = len(_ALNUM.findall(stripped))
    if n_alnum < MIN_CHARS:
        return True, "too_short"
    if image_coverage >= SCAN_COVERAGE and n_alnum < SCAN_MAX_CHARS:
        return True, "scanned_image"
    share, n_words = syllable_share(stripped)
    if n_words >= MIN_WORDS_FOR_LANGUAGE and share < MIN_SYLLABLE_SHARE:
        from pipeline.legacy import legacy_signature_count

        if legacy_signature_count(stripped) * 50 >= n_words:
            return True, "legacy_encoding"
        return True, "not_vietnamese"
    if len(_LETTER.findall(stripped)) >= 200 and not _MARKED.search(stripped):
        return True, "no_diacritics"
    return False, "ok"


# Reasons for which the text layer is still worth keeping when OCR cannot run.
SOFT_REASONS = frozenset({"no_diacritics", "not_vietnamese", "scanned_image", "too_short"})
