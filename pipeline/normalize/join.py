"""Joining source lines wrapped inside a sentence (also across a page break) into output lines, and
moving footnote bodies that interrupt a paragraph to after it.

Why a module: the wrap decision (is the line full? does the sentence go on?) is the one heuristic of
normalization that measures text, and it is tuned by `hard_wrap` in schemas/normalize.yaml.
"""

from __future__ import annotations

import regex as re

from pipeline.normalize.lines import _BLANK_GAP, _NO_GAP, _PAGE_GAP, _Line, _Para, _plain
from pipeline.normalize.markup import _SENTINEL_RE
from pipeline.normalize.rules import RULES as _RULES

# --------------------------------------------------------------------------- joining wrapped lines

_Item = _Line | int | None  # a line, a page break (the new page's index), a blank line


def _first_char(s: str) -> str:
    for ch in s:
        if not _SENTINEL_RE.match(ch):
            return ch
    return ""


def _glued_hyphen(s: str) -> bool:
    return s.endswith(("-", "‐")) and len(s) > 1 and not s[-2].isspace()


def _is_upper_line(s: str) -> bool:
    letters = [c for c in s if c.isalpha()]
    return len(letters) >= 2 and all(c.isupper() for c in letters)


_UPPER = re.compile(r"\p{Lu}")
_DIGIT = re.compile(r"\d")
_PUNCT = re.compile(r"[\p{P}\p{S}]")


def _width(s: str) -> float:
    """Printed width of a line in lower-case letter widths (serif fonts: capitals are wider, spaces
    and punctuation narrower), so that a line of capitals and a line of prose compare."""
    w = _RULES.glyph_widths
    return (len(s) + w["upper"] * len(_UPPER.findall(s)) + w["digit"] * len(_DIGIT.findall(s))
            + w["space"] * s.count(" ") + w["punct"] * len(_PUNCT.findall(s)))


PRINTED_SOURCES = ("text_layer", "ocr")  # Page.source values whose lines are the printed lines


def _line_capacity(pages: list[list[_Line | None]], *, printed: bool = False) -> float:
    """Width of a full printed line when the source is hard-wrapped (PDF text layer, OCR), else 0.

    Hard-wrapped means most text lines run straight into another text line; Markdown and DOCX put a
    paragraph on one line between blank lines, and there only the lower-case rule joins lines.
    `printed` pages (a text layer or OCR) are hard-wrapped whatever that share: Tesseract puts a blank
    line between paragraphs, so on a page of short paragraphs few lines run on, yet each is a printed line.
    """
    texts: list[str] = []
    runs_on = 0
    for lines in pages:
        for ln, nxt in zip(lines, [*lines[1:], None], strict=True):
            if ln is not None and ln.kind == "text" and not ln.bold:
                texts.append(ln.text)
                runs_on += nxt is not None and nxt.kind == "text"
    if len(texts) < _RULES.wrap_min_lines or (not printed and runs_on < _RULES.wrap_min_share * len(texts)):
        return 0.0
    widths = sorted(map(_width, texts))
    full = widths[int(_RULES.wrap_percentile * (len(widths) - 1))]
    return full if full <= _RULES.wrap_max_width else 0.0


def _continues(prev: _Para, line: _Line, gap: int, capacity: float) -> bool:
    """Is `line` the rest of the sentence that `prev` left open (a wrapped line)?"""
    if prev.kind != "text" or line.kind != "text" or prev.bold or line.bold or line.label:
        return False
    text = _plain(prev.text)
    tail = text.rstrip(_RULES.closers + " ")
    first = _first_char(line.text)
    if not tail or not first:
        return False
    if gap == _BLANK_GAP and len(prev.last) < _RULES.min_chars_across_break:
        return False
    if _glued_hyphen(text):  # CNTT-/VT, 2021-/2025: one token broken at its hyphen
        return gap != _BLANK_GAP or first.islower()
    if text[-1] in "-‐–—":  # "kinh tế -/xã hội"
        return first.islower() or first.isdigit()
    if first.islower():
        return tail[-1] not in _RULES.sentence_end
    # A hard-wrapped layout also breaks before capitals and digits: a full line runs on unless it
    # closes a sentence (a colon or semicolon at the end of a full line does not close it).
    if gap == _BLANK_GAP or not capacity:
        return False
    if _is_upper_line(line.text) and not _is_upper_line(prev.last):
        return False  # a heading in capitals after prose
    # How full the line would be with the next line's first word: a wrapped line had no room left.
    fit = (_width(prev.last) + _width(" " + _plain(line.text).split(" ", 1)[0])) / capacity
    return tail[-1] not in _RULES.sentence_end and fit >= _RULES.wrap_fit


def _glue(left: str, right: str) -> str:
    """A hyphen glued to a word joins without a space (CNTT-VT); anything else joins with one space."""
    return left + right if _glued_hyphen(left) else left + " " + right


def _lift_notes(stream: list[_Item]) -> list[_Item | list[_Line]]:
    """Group each footnote body with its wrapped continuation lines into one item."""
    out: list[_Item | list[_Line]] = []
    i, n = 0, len(stream)
    while i < n:
        item = stream[i]
        i += 1
        if not (isinstance(item, _Line) and item.kind == "note"):
            out.append(item)
            continue
        group = [item]
        while i < n:
            nxt = stream[i]
            if not isinstance(nxt, _Line) or nxt.kind != "text" or nxt.label or nxt.bold:
                break
            if not (_first_char(nxt.text).islower() or _runs_to_page_end(stream, i)):
                break
            group.append(nxt)
            i += 1
        out.append(group)
    return out


def _runs_to_page_end(stream: list[_Item], i: int) -> bool:
    """True when lines from i on run without a blank line to a page break (a bottom-of-page note)."""
    for item in stream[i:]:
        if isinstance(item, int):
            return True
        if item is None:
            return False
    return False


def _join(pages: list[list[_Line | None]], *, move_notes: bool, capacity: float = 0.0) -> list[_Para]:
    """Merge wrapped lines into output lines; footnote bodies that cut a paragraph go after it."""
    stream: list[_Item] = []
    for k, lines in enumerate(pages):
        if k:
            stream.append(k)
        stream.extend(lines)
    paras: list[_Para] = []
    waiting: list[_Para] = []
    cur: _Para | None = None
    gap = _NO_GAP
    for item in _lift_notes(stream):
        if item is None:
            gap = _BLANK_GAP
            continue
        if isinstance(item, int):
            gap = max(gap, _PAGE_GAP)
            continue
        if isinstance(item, list):
            note = _Para.of(item[0], kind="note")
            for ln in item[1:]:
                note.text = _glue(note.text, ln.text)
            if move_notes:  # set aside until the paragraph it interrupted is complete
                waiting.append(note)
                gap = max(gap, _PAGE_GAP)
                continue
            item = _Line(text=note.text, page=note.page, kind="note")
        if cur is not None and _continues(cur, item, gap, capacity):
            cur.text = _glue(cur.text, item.text)
            if item.page != cur.page and all(p != item.page for _, p in cur.breaks):
                cur.breaks.append((len(cur.text) - len(item.text), item.page))
            cur.last = item.text
        else:
            if cur is not None:
                paras.append(cur)
            paras.extend(waiting)
            waiting = []
            cur = _Para.of(item)
        gap = _NO_GAP
    if cur is not None:
        paras.append(cur)
    paras.extend(waiting)
    return paras

