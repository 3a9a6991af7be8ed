"""Is a page's text layer usable, or does the page need OCR?

A PDF text layer can exist and still be useless: glyphs without a Unicode mapping come out as
`(cid:NN)`, U+FFFD or private-use characters; a font with a custom encoding yields Latin-1 soup;
a scan may carry only a signature stamp's few words. We judge the text itself (pure functions, no
PDF access), with one optional hint from the caller: how much of the page an image covers.

"Vietnamese-ness" is the share of words that are well-formed Vietnamese syllables (`syllables`);
leftover TCVN3/VNI signatures (`legacy`) tell a legacy encoding from text that is not Vietnamese.
"""

from __future__ import annotations

import re

from pipeline.loaders.legacy import legacy_signature_count
from pipeline.loaders.syllables import VIETNAMESE_MARKED, syllable_share

_CID = re.compile(r"\(cid:\d+\)")

MIN_CHARS = 20  # fewer alphanumerics than this: treat as no text layer
MIN_WORDS_FOR_LANGUAGE = 20  # below this the syllable share is too noisy to judge
MIN_SYLLABLE_SHARE = 0.55
MAX_BAD_CHAR_SHARE = 0.05
SCAN_COVERAGE = 0.5  # an image covering this much of the page ...
SCAN_MAX_CHARS = 600  # ... with less text than this is a scan with a stamp or a header line


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
        if legacy_signature_count(stripped) * 50 >= n_words:
            return True, "legacy_encoding"
        return True, "not_vietnamese"
    if len(_LETTER.findall(stripped)) >= 200 and not _MARKED.search(stripped):
        return True, "no_diacritics"
    return False, "ok"


# Reasons for which the text layer is still worth keeping when OCR cannot run.
SOFT_REASONS = frozenset({"no_diacritics", "not_vietnamese", "scanned_image", "too_short"})
