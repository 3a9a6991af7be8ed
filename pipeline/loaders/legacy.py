"""Legacy Vietnamese 8-bit encodings (TCVN3/ABC and VNI-Windows) to Unicode NFC.

Reports typed before ~2010 (and many still typed by habit) use fonts such as .VnTime or VNI-Times
whose glyphs sit in Latin-1 code points. Word, PDF producers and our loaders then see Latin-1
soup: TCVN3 "B¸o c¸o n¨m" or VNI "Baùo caùo naêm" for "Báo cáo năm". Converting it back needs the
encoding, which we take from the font name when we have one (PDF chars, DOCX runs) and otherwise
infer from the text: a candidate conversion is accepted only when it makes the text *more*
Vietnamese (a higher share of well-formed syllables), so Unicode text is never "converted".

TCVN3 is one byte per letter; its upper-case fonts (.VnTimeH, .VnArialH ...) reuse the lower-case
codes with capital glyphs, so their text is converted and then upper-cased. VNI-Windows writes a
base letter followed by one mark byte (tone, circumflex+tone, breve+tone), plus single bytes for
đ, ơ, ư and the toned i / ỵ.
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from functools import lru_cache

from pipeline.loaders.syllables import VIETNAMESE_LETTERS, syllable_share

ENCODINGS = ("tcvn3", "vni")

# --- TCVN3 (TCVN 5712:1993 VN3, the "ABC" fonts) --------------------------------------------------
# byte -> letter; every byte is read as its Latin-1 character by Word and PDF text extraction.
_TCVN3_BYTES: dict[int, str] = {
    0xB5: "à", 0xB6: "ả", 0xB7: "ã", 0xB8: "á", 0xB9: "ạ",
    0xA8: "ă", 0xBB: "ằ", 0xBC: "ẳ", 0xBD: "ẵ", 0xBE: "ắ", 0xC6: "ặ",
    0xA9: "â", 0xC7: "ầ", 0xC8: "ẩ", 0xC9: "ẫ", 0xCA: "ấ", 0xCB: "ậ",
    0xAE: "đ",
    0xCC: "è", 0xCE: "ẻ", 0xCF: "ẽ", 0xD0: "é", 0xD1: "ẹ",
    0xAA: "ê", 0xD2: "ề", 0xD3: "ể", 0xD4: "ễ", 0xD5: "ế", 0xD6: "ệ",
    0xD7: "ì", 0xD8: "ỉ", 0xDC: "ĩ", 0xDD: "í", 0xDE: "ị",
    0xDF: "ò", 0xE1: "ỏ", 0xE2: "õ", 0xE3: "ó", 0xE4: "ọ",
    0xAB: "ô", 0xE5: "ồ", 0xE6: "ổ", 0xE7: "ỗ", 0xE8: "ố", 0xE9: "ộ",
    0xAC: "ơ", 0xEA: "ờ", 0xEB: "ở", 0xEC: "ỡ", 0xED: "ớ", 0xEE: "ợ",
    0xEF: "ù", 0xF1: "ủ", 0xF2: "ũ", 0xF3: "ú", 0xF4: "ụ",
    0xAD: "ư", 0xF5: "ừ", 0xF6: "ử", 0xF7: "ữ", 0xF8: "ứ", 0xF9: "ự",
    0xFA: "ỳ", 0xFB: "ỷ", 0xFC: "ỹ", 0xFD: "ý", 0xFE: "ỵ",
    0xA1: "Ă", 0xA2: "Â", 0xA7: "Đ", 0xA3: "Ê", 0xA4: "Ô", 0xA5: "Ơ", 0xA6: "Ư",
}  # fmt: skip
TCVN3_TO_UNICODE: dict[str, str] = {chr(b): u for b, u in _TCVN3_BYTES.items()}
# Encoding direction, for fixtures and tests. Upper-case toned letters have no TCVN3 code (they come
# from the ...H fonts), so they are encoded as their lower-case codes.
UNICODE_TO_TCVN3: dict[str, str] = {u: c for c, u in TCVN3_TO_UNICODE.items()}

# The soft hyphen that encodes "ư" is invisible; PDF text extraction turns it into "-" (pdfium) or a
# space (pdfminer). Both are restored when they sit between an onset and the rest of a syllable.
_ONSET = r"(?:ngh|ng|gh|gi|kh|nh|ph|th|tr|ch|qu|[bcdghklmnprstvx\u00ae\u00a7])"
_TCVN3_U_FOLLOWERS = "\u00ac\u00ea\u00ed\u00eb\u00ec\u00eeauincmt"  # ơ-family codes, then rhymes of ư
_WORD_START = r"(?<![^\W\d_])(?<![\u00a1-\u00fe])"  # not after a letter, nor after a TCVN3 code
_TCVN3_HYPHEN_U = re.compile(
    rf"{_WORD_START}({_ONSET})-(?=[{_TCVN3_U_FOLLOWERS}]|(?![^\W\d_]))"  # nh-  Ch-¬ng  ®-îc
    rf"|{_WORD_START}()-(?=[\u00ac\u00ed\u00ee]|(?:u|a|ng)(?![^\W\d_]))",  # -u (ưu)  -íc (ước)
    re.IGNORECASE,
)
_TCVN3_SPACE_U = re.compile(
    rf"{_WORD_START}({_ONSET}) (?=[\u00ac\u00ea\u00ed\u00eb\u00ec\u00ee])", re.IGNORECASE
)

_SUPERSCRIPT_ONE = re.compile("(?<=[0-9\u00b2\u00b3\u00b9\u2070-\u2079])\u00b9")

# --- VNI-Windows ----------------------------------------------------------------------------------
_TONES = "\u0301\u0300\u0309\u0303\u0323"  # sắc huyền hỏi ngã nặng (combining)
_VNI_TONE = dict(zip(_TONES, "ùøûõï", strict=True))  # after a, e, o, u, y, ơ, ư
_VNI_CIRC = dict(zip(_TONES, "áàåãä", strict=True))  # circumflex + tone, after a, e, o
_VNI_BREVE = dict(zip(_TONES, "éèúüë", strict=True))  # breve + tone, after a
_VNI_I = dict(zip(_TONES, "íìæóò", strict=True))  # toned i are single bytes
_VNI_CIRC_MARK, _VNI_BREVE_MARK = "â", "ê"
_VNI_SINGLE = {"đ": "ñ", "ơ": "ô", "ư": "ö", "ỵ": "î"}


def _build_vni() -> dict[str, str]:
    """Unicode lower-case letter -> VNI sequence, generated from the scheme rather than typed out."""
    table: dict[str, str] = {}
    for base in "aeouy":
        for tone, mark in _VNI_TONE.items():
            table[unicodedata.normalize("NFC", base + tone)] = base + mark
    for plain, code in (("ơ", "ô"), ("ư", "ö")):
        table[plain] = code
        for tone, mark in _VNI_TONE.items():
            table[unicodedata.normalize("NFC", plain + tone)] = code + mark
    for base in "aeo":
        table[unicodedata.normalize("NFC", base + "\u0302")] = base + _VNI_CIRC_MARK
        for tone, mark in _VNI_CIRC.items():
            table[unicodedata.normalize("NFC", base + "\u0302" + tone)] = base + mark
    table["ă"] = "a" + _VNI_BREVE_MARK
    for tone, mark in _VNI_BREVE.items():
        table[unicodedata.normalize("NFC", "a\u0306" + tone)] = "a" + mark
    for tone, mark in _VNI_I.items():
        table[unicodedata.normalize("NFC", "i" + tone)] = mark
    table["ỵ"] = _VNI_SINGLE["ỵ"]  # ỵ is a single byte, not y + nặng
    table["đ"] = _VNI_SINGLE["đ"]
    upper = {u.upper(): v.upper() for u, v in table.items()}
    return table | upper


UNICODE_TO_VNI: dict[str, str] = _build_vni()


def _build_vni_decoder() -> dict[str, str]:
    """VNI sequence -> letter, accepting marks in either case (the letter's case follows the base)."""
    decode: dict[str, str] = {}
    for letter, seq in UNICODE_TO_VNI.items():
        decode[seq] = letter
        if len(seq) == 2:
            base, mark = seq
            decode.setdefault(base + mark.swapcase(), letter)
    for base in "yY":  # y + nặng written with the generic tone byte
        decode.setdefault(base + "ï", "ỵ" if base == "y" else "Ỵ")
        decode.setdefault(base + "Ï", "ỵ" if base == "y" else "Ỵ")
    return decode


VNI_TO_UNICODE: dict[str, str] = _build_vni_decoder()
_VNI_PATTERN = re.compile("|".join(re.escape(s) for s in sorted(VNI_TO_UNICODE, key=len, reverse=True)))

# --- signatures ------------------------------------------------------------------------------------
# Characters legacy text shows that real Vietnamese Unicode text does not use inside words.
_TCVN3_SIGNS = frozenset(c for c in TCVN3_TO_UNICODE if c not in VIETNAMESE_LETTERS)
_VNI_MARKS = frozenset(m for seq in UNICODE_TO_VNI.values() for m in seq if not m.isascii())
_VNI_SIGNS = frozenset(c for c in _VNI_MARKS if c not in VIETNAMESE_LETTERS)
SIGNATURE_CHARS = _TCVN3_SIGNS | _VNI_SIGNS
_SIGN_IN_WORD = re.compile(
    "(?:(?<=[^\\W\\d_])[{0}])|(?:[{0}](?=[^\\W\\d_]))".format(re.escape("".join(sorted(SIGNATURE_CHARS))))
)
# A vowel followed by a VNI mark byte: VNI's own shape, impossible in Unicode Vietnamese.
_VNI_PAIR = re.compile("[aeouyAEOUYôöÔÖ][øûïåäüëùõØÛÏÅÄÜËÙÕ]")
# A Latin-1 capital after a small letter inside a word ("ViÖt", "nhÊt"): TCVN3's shape.
_TCVN3_INNER_CAPITAL = re.compile(r"(?<=[a-z])[\u00c0-\u00de](?=[a-z\u00b5-\u00ff]|\b)")

_TRANSLATE_TCVN3 = str.maketrans(TCVN3_TO_UNICODE)


def legacy_signature_count(text: str) -> int:
    """How many characters typical of TCVN3/VNI sit inside words; 0 for clean Unicode text."""
    return len(_SIGN_IN_WORD.findall(text)) + len(_TCVN3_INNER_CAPITAL.findall(text))


def convert_legacy(text: str, encoding: str, *, upper: bool = False) -> str:
    """Decode text written in a legacy font (read as Latin-1 characters) to Unicode NFC.

    `encoding` is "tcvn3" or "vni"; `upper` for TCVN3 capital fonts (.VnTimeH), whose text uses
    the lower-case codes. ASCII is left as it is, so a legacy-font run with plain digits is safe.
    """
    if encoding == "tcvn3":
        text = _TCVN3_HYPHEN_U.sub(lambda m: (m.group(1) or "") + "\u00ad", text)
        text = _TCVN3_SPACE_U.sub(lambda m: m.group(1) + "\u00ad", text)
        text = _SUPERSCRIPT_ONE.sub("\ue000", text)  # ¹ is ạ, but not as a footnote mark after a digit
        out = text.translate(_TRANSLATE_TCVN3).replace("\ue000", "\u00b9")
    elif encoding == "vni":
        out = _VNI_PATTERN.sub(lambda m: VNI_TO_UNICODE[m.group()], text)
    else:
        raise ValueError(f"unknown legacy encoding {encoding!r}; expected one of {ENCODINGS}")
    if upper:
        out = out.upper()
    return unicodedata.normalize("NFC", out)


def encode_legacy(text: str, encoding: str) -> str:
    """Unicode -> legacy characters (the inverse of `convert_legacy`), for building test samples."""
    text = unicodedata.normalize("NFC", text)
    if encoding == "tcvn3":
        return "".join(UNICODE_TO_TCVN3.get(c, UNICODE_TO_TCVN3.get(c.lower(), c)) for c in text)
    if encoding == "vni":
        return "".join(UNICODE_TO_VNI.get(c, c) for c in text)
    raise ValueError(f"unknown legacy encoding {encoding!r}; expected one of {ENCODINGS}")


@lru_cache(maxsize=256)
def legacy_font_encoding(fontname: str | None) -> tuple[str | None, bool]:
    """(encoding, upper-case font) from a font name as PDFs and DOCX give it.

    PDF names carry a subset tag and style suffix ("ABCDEF+.VnTimeH,Bold", "VNI-Times-Bold").
    TCVN3 fonts are named ".Vn..." (the dot is sometimes dropped); their capital variants end in H.
    """
    if not fontname:
        return None, False
    name = fontname.split("+", 1)[-1].strip()
    family = re.split(r"[,]|-(?:Bold|Italic|Oblique|Regular|BoldItalic)\b", name, maxsplit=1)[0].strip()
    if re.match(r"VNI[-_ ]", family, re.IGNORECASE):
        return "vni", False
    if re.match(r"\.?Vn[A-Z0-9]", family) or family.lower().startswith(".vn"):
        compact = re.sub(r"[\s_-]+", "", family)
        return "tcvn3", compact.endswith("H")
    return None, False


def _scores(text: str) -> dict[str | None, float]:
    scores: dict[str | None, float] = {None: syllable_share(text)[0]}
    for enc in ENCODINGS:
        scores[enc] = syllable_share(convert_legacy(text, enc))[0]
    return scores


def _shape_vote(text: str) -> str:
    """Which encoding the raw shape of the text points to, for when both conversions read well."""
    vni = len(_VNI_PAIR.findall(text))
    tcvn = len(_TCVN3_INNER_CAPITAL.findall(text)) + sum(
        1 for c in text if c in _TCVN3_SIGNS and c not in _VNI_MARKS
    )
    return "vni" if vni > tcvn else "tcvn3"


# cp1252 puts typographic punctuation at 0x80-0x9F; legacy text read through it can contain these.
_CP1252_EXTRA = frozenset("€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ")


def is_legacy_range(line: str) -> bool:
    """True when every letter could come from an 8-bit legacy font (Latin-1 or cp1252).

    Vietnamese Unicode text almost always has a letter above U+00FF (ă đ ơ ư ạ ả ...), and legacy
    text never does, so such a line is Unicode and is never converted. Non-letters (a superscript
    footnote marker, a dash, a bullet) say nothing either way.
    """
    return all(ord(c) < 0x100 or c in _CP1252_EXTRA or not c.isalpha() for c in line)


def _legacy_lines(text: str) -> str:
    return "\n".join(line for line in text.split("\n") if is_legacy_range(line))


def detect_legacy(text: str) -> str | None:
    """ "tcvn3", "vni" or None for a text read from a legacy font without knowing the font.

    Only lines that could be legacy (all characters within Latin-1/cp1252) are judged, and a
    conversion is chosen only when it raises their share of well-formed syllables clearly, so
    Unicode text (and stray ©, «», ® in it) is left alone.
    """
    if legacy_signature_count(text) == 0:
        return None
    candidate = _legacy_lines(text)
    if legacy_signature_count(candidate) == 0:
        return None
    scores = _scores(candidate)
    base = scores[None]
    best, second = sorted(ENCODINGS, key=lambda e: scores[e], reverse=True)
    if scores[best] - scores[second] < 0.02:
        best = _shape_vote(candidate)
    if scores[best] >= base + 0.1 and scores[best] >= 0.5:
        return best
    return None


def fix_legacy_runs(text: str, *, prefer: str | None = None) -> str:
    """Convert the legacy-encoded lines of a text, leave the Unicode ones untouched.

    Documents mix encodings in blocks (a TCVN3 body under a Unicode letterhead), so the decision is
    per line. A line that reads better converted is converted; one that reads worse is kept; a tie
    (short lines such as "Sè: 12", where both readings are words) follows the nearest decided line,
    and failing that the encoding of the whole text (or `prefer`, e.g. known from a font name).
    """
    if legacy_signature_count(text) == 0 and prefer is None:
        return text
    doc_encoding = prefer or detect_legacy(text)
    lines = text.split("\n")
    verdicts = [_judge_line(line, doc_encoding) for line in lines]
    decided = [i for i, v in enumerate(verdicts) if v not in (_UNDECIDED, _NEUTRAL)]
    out: list[str] = []
    for i, (line, verdict) in enumerate(zip(lines, verdicts, strict=True)):
        if verdict == _UNDECIDED:
            verdict = _nearest(decided, verdicts, i) or (doc_encoding or _UNICODE)
        out.append(convert_legacy(line, verdict) if verdict in ENCODINGS else line)
    return "\n".join(out)


_UNICODE, _UNDECIDED, _NEUTRAL = "unicode", "undecided", "neutral"


def _judge_line(line: str, doc_encoding: str | None) -> str:
    """An encoding name, "unicode", "neutral" (nothing to convert) or "undecided" (a tie)."""
    if line.isascii():
        return _NEUTRAL
    if not is_legacy_range(line):
        return _UNICODE
    signs = legacy_signature_count(line)
    if doc_encoding is None and signs == 0:
        return _UNICODE
    scores = _scores(line)
    base = scores[None]
    best = max(ENCODINGS, key=lambda e: (scores[e], e == doc_encoding))
    if doc_encoding is not None and scores[doc_encoding] >= scores[best] - 0.3:
        best = doc_encoding  # the other reading must be clearly better to overrule the document
    if scores[best] > base + 1e-9:
        return best
    if scores[best] < base - 1e-9:
        return _UNICODE
    return best if signs else _UNDECIDED


def _nearest(decided: list[int], verdicts: list[str], i: int) -> str | None:
    """The verdict of the closest decided line (the one above wins a tie)."""
    at = bisect.bisect_left(decided, i)
    above = decided[at - 1] if at > 0 else None
    below = decided[at] if at < len(decided) else None
    if above is None and below is None:
        return None
    if below is None or (above is not None and i - above <= below - i):
        return verdicts[above]  # type: ignore[index]
    return verdicts[below]
