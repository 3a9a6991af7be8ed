"""OCR'd page text: word confidences per token, repair of number tokens, and marks on the normalized text.

Why: a figure read by OCR is only as good as the digits Tesseract saw. Three things follow.
- Each whitespace token of an OCR page keeps the recognizer's word confidence (`Page.token_confidence`),
  so a figure can be traced to how sure the recognizer was of *its* digits, not of the page on average.
- Number tokens are repaired only where the Vietnamese number format decides: `S12` in a row of
  numbers is 512, `19. 214` is 19.214, `9 9 ,2%` is 99,2%, `1.2872` is 1.287 with footnote marker 2 (a
  thousands group has exactly three digits), `1.287?` is 1.287 with a marker read as a symbol (`⁰`, number unknown). The
  confusable letters are data (schemas/ocr_repair.yaml). Each repair is recorded (`Page.repairs`) and
  lowers the token's confidence; a letter read for a digit lowers it below the low-confidence line.
- A number the format rejects and no repair explains (`89.7300`) is flagged (`malformed_number`), not
  guessed at.
- After normalization the page tokens are aligned with the normalized text (`mark_ocr_tokens`), so the
  repaired and low-confidence tokens become `NormText.ocr_marks` with exact char spans; figures overlapping
  a mark carry it (extractor suffix, lowered confidence) and checks resting on it are never a mismatch.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Protocol, TypeVar

from pipeline.config import Strict, load_model
from pipeline.model import Loaded, NormText, OcrMark, TokenRepair

RULES_FILE = "ocr_repair.yaml"

# A well-formed Vietnamese number as printed: 1.234.567 / 1.234,5 / 89,66% / 71.55% / 2024.
_WELL_FORMED = re.compile(r"^(?:\d{1,3}(?:\.\d{3})+(?:,\d+)?|\d+(?:,\d+)?|\d+\.\d{1,2}(?=%))%?$")
_EDGE = re.compile(r"^([(\[\"“]*)(.*?)([)\]\"”.,;:]*)$", re.S)
_TOKEN = re.compile(r"\S+")
_GLUED_NOTE = re.compile(r"^(\d{1,3}(?:\.\d{3})*\.\d{3})(\d{1,2})$")  # 1.2872 → 1.287 + marker 2
UNKNOWN_NOTE = "⁰"  # a footnote marker whose digit OCR lost
_NOTE_SYMBOLS = re.compile(r"[?°º]{1,2}")
_GLUED_SYMBOL = re.compile(r"^(\d[\d.,]*%?)[?°º]+([.,;:)]*)$")
# a thousands group with digits and a symbol glued on: a two-digit marker half read (`8.615¹¹` as `8.6151!`)
_GLUED_DIGITS_SYMBOL = re.compile(r"^(\d{1,3}(?:\.\d{3})+)\d{1,2}[!?°º]+([.,;:)]*)$")
_MALFORMED = re.compile(r"\d+(?:[.,]\d+)+%?")  # digits and separators only
_SUPERSCRIPTS = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")


class _Word(Protocol):
    text: str
    confidence: float


_W = TypeVar("_W", bound=_Word)


class RereadRules(Strict):
    """The `reread` section: the second, digits-only reading of doubtful figures (`reread`)."""

    lang: str  # Tesseract language of the second reading
    psm: int  # page segmentation mode for the strip (one crop per line)
    scale: float  # the strip is read at this scale of the page image
    whitelist: str  # the only characters the second reading may produce
    below: float  # figure-like tokens read with a lower word confidence are read again
    sure: float  # a second reading counts only at this confidence or above
    max_cell: int  # a non-number cell of a figure column this short is read again
    figure_column: float  # share of number cells that makes a table column a figure column


class OcrRepairRules(Strict):
    """schemas/ocr_repair.yaml: which letters stand for digits, what each repair costs in confidence."""

    letter_digits: dict[str, str]
    repair_factor: dict[str, float]
    low_confidence: float
    reread: RereadRules


def load_rules(name: str = RULES_FILE) -> OcrRepairRules:
    """The OCR repair rules, validated and cached by `pipeline.config`."""
    return load_model(name, OcrRepairRules)


# --------------------------------------------------------------------------- confidences


def token_confidences(text: str, words: Sequence[_Word]) -> tuple[float, ...]:
    """One word confidence per whitespace token of `text`, taken from the recognizer's words.

    `text` was built from the same words (Tesseract's txt, cleaned of rule debris, possibly laid out
    again), so tokens and words are aligned by sequence; a token no word explains gets the page mean.
    """
    tokens = text.split()
    if not tokens or not words:
        return ()
    mean = sum(w.confidence for w in words) / len(words)
    out = [mean] * len(tokens)
    for i1, i2, j1, j2 in _aligned_runs(tokens, words):
        if i2 - i1 == j2 - j1:
            for k in range(i2 - i1):
                out[i1 + k] = words[j1 + k].confidence
        else:  # cleanup split or glued tokens: the least sure word of the run counts
            low = min(w.confidence for w in words[j1:j2])
            for k in range(i1, i2):
                out[k] = low
    return tuple(round(c, 4) for c in out)


def token_words(text: str, words: Sequence[_W]) -> tuple[_W | None, ...]:
    """The recognizer's word each whitespace token of `text` is, where one word is one token (None for
    tokens that cleanup split or glued): the box to read again (`reread`)."""
    tokens = text.split()
    out: list[_W | None] = [None] * len(tokens)
    for i1, i2, j1, j2 in _aligned_runs(tokens, words):
        if i2 - i1 == j2 - j1:
            for k in range(i2 - i1):
                out[i1 + k] = words[j1 + k]
    return tuple(out)


def _aligned_runs(tokens: Sequence[str], words: Sequence[_Word]) -> list[tuple[int, int, int, int]]:
    """Runs of tokens [i1, i2) made of words [j1, j2): equal runs, and runs that cleanup changed."""
    matcher = difflib.SequenceMatcher(None, list(tokens), [w.text for w in words], autojunk=False)
    return [(i1, i2, j1, j2) for tag, i1, i2, j1, j2 in matcher.get_opcodes() if tag in ("equal", "replace")]


# --------------------------------------------------------------------------- repair


@dataclass(slots=True)
class _Tok:
    text: str
    start: int
    end: int
    line: int
    conf: float
    original: str | None = None
    rule: str | None = None


def is_number(s: str) -> bool:
    return bool(_WELL_FORMED.match(s))


def footnote_shaped(token: str) -> bool:
    """A number with a footnote marker glued on, digit or symbol (`1.2872`, `1.287?`): a shape the
    format repairs decide, without reading the page again."""
    _lead, core, trail = number_core(token)
    marked = core + trail
    return bool(_GLUED_NOTE.match(core) or _GLUED_SYMBOL.match(marked) or _GLUED_DIGITS_SYMBOL.match(marked))


def number_core(s: str) -> tuple[str, str, str]:
    m = _EDGE.match(s)
    assert m is not None  # the pattern matches any string
    lead, core, trail = m.groups()
    return lead, core, trail


def _numeric_neighbour(toks: list[_Tok], i: int) -> bool:
    for j in (i - 1, i + 1):
        if 0 <= j < len(toks) and toks[j].line == toks[i].line and is_number(number_core(toks[j].text)[1]):
            return True
    return False


def _unit_follows(toks: list[_Tok], i: int) -> bool:
    j = i + 1
    return j < len(toks) and toks[j].line == toks[i].line and toks[j].text[:1].islower()


def _letters_to_digits(toks: list[_Tok], i: int, rules: OcrRepairRules) -> None:
    lead, core, trail = number_core(toks[i].text)
    if not core or is_number(core) or not any(c.isdigit() for c in core):
        return
    letters = [k for k, c in enumerate(core) if c in rules.letter_digits]
    others = [c for c in core if not (c.isdigit() or c in ".,%" or c in rules.letter_digits)]
    if not letters or others or len(letters) * 2 > sum(c.isdigit() or c in rules.letter_digits for c in core):
        return
    fixed = "".join(rules.letter_digits.get(c, c) for c in core)
    if not is_number(fixed):
        return
    last_digit = max(k for k, c in enumerate(core) if c.isdigit())
    if letters[-1] > last_digit and not re.search(r"\d[.,]", core):
        return  # "215l": a trailing letter may be a footnote marker; only a group's missing digit is sure
    # In prose a letter at the start may be a code ("B2"); there only a table-row neighbour decides.
    inside = letters[0] > 0 and (fixed.endswith("%") or _unit_follows(toks, i) or _numeric_neighbour(toks, i))
    if not (inside or _numeric_neighbour(toks, i)):
        return
    _rewrite(toks, i, i + 1, lead + fixed + trail, "letter_digit")


def _rewrite(toks: list[_Tok], i: int, j: int, text: str, rule: str) -> None:
    """Tokens i..j-1 become one token `text` (recorded as a repair of what was read)."""
    read = " ".join(t.text for t in toks[i:j])
    conf = min(t.conf for t in toks[i:j])
    toks[i:j] = [_Tok(text, toks[i].start, toks[j - 1].end, toks[i].line, conf, read, rule)]


def _join_split_number(toks: list[_Tok], i: int) -> bool:
    """`19. 214` / `19 .214` / `38, 5%` / `9 9 ,2%` → one number. Only shapes no well-formed text has:
    a separator followed by a space, or a token starting with a separator; never two whole numbers
    side by side (table cells `5 9,2%` stay two cells)."""
    t = toks[i]

    def same_line(j: int) -> bool:
        return j < len(toks) and toks[j].line == t.line

    joined, end = "", i
    m = re.fullmatch(r"\d{1,3}([.,])", t.text)
    if m and same_line(i + 1):
        lead, core, trail = number_core(toks[i + 1].text)
        tail_ok = re.fullmatch(r"\d{3}", core) if m.group(1) == "." else re.fullmatch(r"\d{1,2}%", core)
        if not lead and tail_ok:
            joined, end = t.text + core + trail, i + 2
    elif re.fullmatch(r"\d{1,3}", t.text):
        j = i + 1
        while same_line(j) and re.fullmatch(r"\d", toks[j].text):
            j += 1
        if same_line(j):
            lead, core, trail = number_core(toks[j].text)
            if not lead and re.fullmatch(r"[.,]\d+%?", core):
                joined, end = "".join(x.text for x in toks[i:j]) + core + trail, j + 1
    if not joined or not is_number(number_core(joined)[1]) or any(x.rule for x in toks[i:end]):
        return False
    _rewrite(toks, i, end, joined, "split_number")
    return True


def _glued_marker(toks: list[_Tok], i: int) -> None:
    lead, core, trail = number_core(toks[i].text)
    m = _GLUED_NOTE.match(core)
    if m and not m.group(2).startswith("0"):  # footnotes are numbered from 1
        _rewrite(toks, i, i + 1, lead + m.group(1) + m.group(2).translate(_SUPERSCRIPTS) + trail, "glued_footnote")


def _glued_mark(toks: list[_Tok], i: int) -> None:
    """`1.287?` / `215°`: a footnote reference whose raised digit OCR read as a symbol. The number is
    kept as read and the symbol becomes the unknown-footnote marker `⁰` (footnotes are numbered from 1,
    so 0 is no real note), which normalization lifts off the number like any other marker. A marker of
    two digits half read (`8.615¹¹` as `8.6151!`) is the same case: no thousands group has four digits."""
    lead, core, trail = number_core(toks[i].text)
    m = _GLUED_SYMBOL.match(core + trail) or _GLUED_DIGITS_SYMBOL.match(core + trail)
    if m and is_number(m.group(1)):
        _rewrite(toks, i, i + 1, lead + m.group(1) + UNKNOWN_NOTE + m.group(2), "glued_mark")


def _note_body_mark(toks: list[_Tok], i: int) -> None:
    """`° Gồm 1.043 hồ sơ …` at the start of a line: the raised number of a footnote body read as a
    symbol no Vietnamese sentence starts with. It becomes `⁰`, so the line is moved out of the prose
    as a footnote body, as it is in the text layer."""
    t = toks[i]
    first = i == 0 or toks[i - 1].line != t.line
    nxt = toks[i + 1] if i + 1 < len(toks) and toks[i + 1].line == t.line else None
    if first and _NOTE_SYMBOLS.fullmatch(t.text) and nxt is not None and nxt.text[:1].isupper():
        _rewrite(toks, i, i + 1, UNKNOWN_NOTE, "note_mark")


def _flag_malformed(toks: list[_Tok], i: int) -> None:
    """A number the format rejects and no repair explains (`89.7300`): kept as read, flagged, so a
    figure built on it is never trusted for a verdict."""
    core = number_core(toks[i].text)[1]
    if _MALFORMED.fullmatch(core) and not is_number(core):
        toks[i].original, toks[i].rule = toks[i].text, "malformed_number"


def repair_tokens(
    text: str, confidences: Sequence[float] = (), prior: Sequence[TokenRepair] = ()
) -> tuple[str, tuple[float, ...], tuple[TokenRepair, ...]]:
    """Repair the number tokens of one OCR page; returns the new text, per-token confidences, repairs.

    `prior`: repairs already made to tokens of `text` (a second reading, `reread`); those tokens are
    left as they are and their repairs carried over, with the confidence factor of their rule.
    Whitespace between untouched tokens is kept as it was (line structure matters downstream).
    """
    rules = load_rules()
    toks: list[_Tok] = []
    line = 0
    pos = 0
    for k, m in enumerate(_TOKEN.finditer(text)):
        line += text.count("\n", pos, m.start())
        pos = m.start()
        conf = confidences[k] if k < len(confidences) else 1.0
        toks.append(_Tok(m.group(), m.start(), m.end(), line, conf))
    for r in prior:
        toks[r.index].original, toks[r.index].rule = r.original, r.rule
    i = 0
    while i < len(toks):
        if toks[i].rule is None and not _join_split_number(toks, i):
            _letters_to_digits(toks, i, rules)
            if toks[i].rule is None:
                _glued_marker(toks, i)
            if toks[i].rule is None:
                _glued_mark(toks, i)
            if toks[i].rule is None:
                _note_body_mark(toks, i)
            if toks[i].rule is None:
                _flag_malformed(toks, i)
        i += 1
    if not any(t.rule for t in toks):
        return text, tuple(confidences), ()
    parts: list[str] = []
    pos = 0
    repairs: list[TokenRepair] = []
    confs: list[float] = []
    for k, t in enumerate(toks):
        parts.append(text[pos : t.start])
        parts.append(t.text)
        pos = t.end
        if t.rule:
            repairs.append(TokenRepair(k, t.original or "", t.rule))
            confs.append(round(t.conf * rules.repair_factor.get(t.rule, 0.5), 4))
        else:
            confs.append(t.conf)
    parts.append(text[pos:])
    return "".join(parts), tuple(confs) if confidences else (), tuple(repairs)


# --------------------------------------------------------------------------- text cleanup

# Characters Tesseract `vie` emits that never occur in Vietnamese administrative text, with the letter
# meant: Icelandic eth for Đ/đ (≈ 8 % of capital Đ on our renderings).
_CONFUSABLES = str.maketrans({"Ð": "Đ", "ð": "đ"})
_RULE_BITS = re.compile(r"(?<!\S)[|\[\]]+(?!\S)|(?<!\S)[|\[](?=\S)|(?<=\S)\|(?!\S)")


def clean_ocr_text(text: str) -> str:
    """Undo OCR artefacts that cannot be meant: eth for Đ, and table-rule debris (`|`, `[`) standing
    alone or glued to the edge of a cell's word. Line structure and table cells (tabs) are kept."""
    text = text.translate(_CONFUSABLES)
    lines = [_tidy_line(_RULE_BITS.sub(" ", ln)) for ln in text.split("\n")]
    return "\n".join(lines)


def _tidy_line(line: str) -> str:
    """Spaces collapsed and trimmed; tabs are table cell boundaries (`layout`) and are kept, empty
    cells included, so a row's figures stay under their column headers."""
    line = re.sub(r" *\t *", "\t", re.sub(r" {2,}", " ", line))
    return line.strip(" ")


# --------------------------------------------------------------------------- marks on the normalized text


def mark_ocr_tokens(norm: NormText, loaded: Loaded) -> NormText:
    """`norm` with `ocr_marks`: the repaired and low-confidence tokens of its OCR pages, located in the
    normalized text by aligning each page's tokens with the tokens of that page's normalized span."""
    rules = load_rules()
    marks: list[OcrMark] = []
    bounds = [*norm.page_starts[1:], len(norm.text)]
    for k, page in enumerate(loaded.pages):
        if page.source != "ocr" or not page.token_confidence or k >= len(norm.page_starts):
            continue
        repaired = {r.index: r for r in page.repairs}
        wanted = {i for i, c in enumerate(page.token_confidence) if c < rules.low_confidence} | set(repaired)
        if not wanted:
            continue
        raw = page.text.split()
        start, end = norm.page_starts[k], bounds[k] if k < len(bounds) else len(norm.text)
        spans = [(m.start() + start, m.end() + start) for m in _TOKEN.finditer(norm.text[start:end])]
        ours = [norm.text[s:e] for s, e in spans]
        matcher = difflib.SequenceMatcher(None, raw, ours, autojunk=False)
        for tag, i1, i2, j1, j2 in matcher.get_opcodes():
            if tag != "equal" and not (tag == "replace" and i2 - i1 == j2 - j1):
                continue
            for d in range(i2 - i1):
                i = i1 + d
                if i not in wanted or i >= len(page.token_confidence):
                    continue
                s, e = spans[j1 + d]
                r = repaired.get(i)
                marks.append(OcrMark(s, e, page.token_confidence[i], r.original if r else None, r.rule if r else None))
    if not marks:
        return norm
    return replace(norm, ocr_marks=tuple(sorted(marks, key=lambda m: m.char_start)))
