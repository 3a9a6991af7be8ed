"""Source lines of a page (cleaned, kind and label told) and the page-break debris among them:
running headers and footers, page numbers.

Why debris here: whether a line is a page number depends on where it stands on its page and on the
other pages, which only the list of source lines per page shows (joining would hide it).
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field

import regex as re

from pipeline.normalize.aligned import aligned_rows, stacked_rows, tab_cells
from pipeline.normalize.markup import (
    _ASCII_TO_SUP,
    _BOLD_LINE,
    _MD_HEADING,
    _MD_NOTE_BODY,
    _MD_RULE,
    _MD_TABLE_RULE,
    _NOTE_BODY,
    _SENTINEL_RE,
    NoteSink,
    _clean_chars,
    _strip_markup,
    _tidy_spaces,
)
from pipeline.normalize.rules import RULES as _RULES

# --------------------------------------------------------------------------- lines

_BULLETS = "-+*•●○◦▪■□◆◇➢➤►✓–—"
_LABEL_START = re.compile(
    rf"^(?:[{re.escape(_BULLETS)}]"
    r"|\(?(?:[a-zđ]|[ivx]{1,4}|\d{1,2})\)"
    r"|(?:[a-zđ]|[IVXLC]{1,6}|\d{1,2}(?:\.\d{1,2})*)\.(?:\s|$)"
    r"|\d{1,2}(?:\.\d{1,2})+(?:\s|$)"
    rf"|(?:{'|'.join(map(re.escape, _RULES.label_words))})\s+[\dIVXLC]"
    r")"
)
_SETEXT = re.compile(r"^ {0,3}(?:={2,}|-{3,})[ \t]*$")
_BLOCKQUOTE = re.compile(r"^(?:>[ \t]?)+(?=[^\s\d=])")

# Gaps between two source lines, weakest first: none, a page break, a blank line.
_NO_GAP, _PAGE_GAP, _BLANK_GAP = 0, 1, 2


@dataclass(slots=True)
class _Line:
    """One source line after inline cleanup. kind: text | table | note."""

    text: str
    page: int  # 0-based page index
    kind: str = "text"
    bold: bool = False  # entirely bold in the source, or a Markdown heading
    label: bool = False  # starts with a bullet or a list/heading label


@dataclass(slots=True)
class _Para:
    """One output line: source lines joined where a sentence was wrapped."""

    text: str
    page: int
    kind: str
    bold: bool
    last: str  # the last source line joined in (the wrap decision looks at it)
    breaks: list[tuple[int, int]] = field(default_factory=list)  # (offset in text, page) where a page begins

    @classmethod
    def of(cls, line: _Line, kind: str | None = None) -> _Para:
        return cls(text=line.text, page=line.page, kind=kind or line.kind, bold=line.bold,
                   last=line.text)


def _balance_bold(lines: list[str]) -> list[str]:
    """Bold that spans lines ("**TM. ỦY BAN\\nCHỦ TỊCH**") is closed and reopened at each line end."""
    out = list(lines)
    i = 0
    while i < len(out):
        if out[i].count("**") % 2 == 1:
            j = i + 1
            while j < len(out) and j <= i + 5 and out[j].strip() and out[j].count("**") == 0:
                j += 1
            if j < len(out) and j <= i + 5 and out[j].strip() and out[j].count("**") % 2 == 1:
                out[i] = out[i].rstrip() + "**"
                for k in range(i + 1, j):
                    out[k] = "**" + out[k].strip() + "**"
                out[j] = "**" + out[j].lstrip()
                i = j + 1
                continue
        i += 1
    return out


def _make_line(raw: str, page: int, sink: NoteSink | None) -> _Line | None:
    """Inline cleanup of one source line; None for a blank line or pure markup (rules, table rules)."""
    if not raw.strip() or _MD_RULE.match(raw) or ("|" in raw and _MD_TABLE_RULE.match(raw)):
        return None
    s = raw.strip(" ")
    bold = False
    heading = _MD_HEADING.match(s)
    if heading:
        s, bold = heading[1], True
    elif s.startswith(">"):
        s = _BLOCKQUOTE.sub("", s)
    if not bold and ("**" in s or "__" in s):
        bold = bool(_BOLD_LINE.match(s.strip()))
    kind = "text"
    note = _NOTE_BODY.match(s) or _MD_NOTE_BODY.match(s)
    if note:
        kind = "note"
        if note.re is _MD_NOTE_BODY:
            label, s = note[1].translate(_ASCII_TO_SUP), note[2]
        else:
            label, s = note[1] + note[2], note[3]
        s = label + " " + _strip_markup(s, sink)
    else:
        s = _strip_markup(s, sink)
    s = _tidy_spaces(s)
    if not s.strip():
        return None
    if kind == "text" and ("\t" in s or s.startswith("|") or s.count("|") >= 3):
        kind = "table"
    return _Line(text=s, page=page, kind=kind, bold=bold, label=bool(_LABEL_START.match(s)))


def _page_lines(text: str, page: int, sink: NoteSink | None) -> list[_Line | None]:
    """One page's source lines, cleaned; None stands for a blank line."""
    out: list[_Line | None] = []
    raws = _balance_bold(_clean_chars(text).split("\n"))
    aligned = aligned_rows(raws)  # space-aligned table rows keep their columns as tabs
    stacked = stacked_rows(raws)  # a table written one cell a line keeps its lines
    for i, raw in enumerate(raws):
        if i in aligned:
            raw = tab_cells(raw)
        if _SETEXT.match(raw):
            prev = out[-1] if out else None
            if prev is not None and prev.kind == "text" and not prev.label:
                prev.bold = True  # "Heading\n=====": a setext heading
            out.append(None)
            continue
        line = _make_line(raw, page, sink)
        if line is not None and i in stacked:
            line.kind = "table"
        out.append(line)
    return out


# --------------------------------------------------------------------------- page-break debris


def _plain(s: str) -> str:
    return s if s.isascii() else _SENTINEL_RE.sub("", s)


def _edge_indices(lines: list[_Line | None], n: int) -> list[int]:
    filled = [i for i, ln in enumerate(lines) if ln is not None]
    return sorted(set(filled[:n] + filled[-n:]))


def _is_page_number(s: str, n_pages: int, at_edge: bool) -> bool:
    if any(p.fullmatch(s) for p in _RULES.page_anywhere):
        return True
    if not at_edge or n_pages < 2:
        return False
    limit = n_pages + _RULES.page_slack
    for p in _RULES.page_edge:
        m = p.fullmatch(s)
        if m:
            n = int(m["n"])
            of = int(m.groupdict().get("of") or n)
            if 1 <= n <= of <= limit:
                return True
    return False


_DIGITS = re.compile(r"\d+")


def _running_key(s: str) -> str:
    """Running lines compare case- and space-insensitively; short ones ("Trang 3") also ignore digits,
    longer ones must repeat exactly (body lines that differ only in their figures are not headers)."""
    s = " ".join(_plain(s).casefold().split())
    folded = _DIGITS.sub("#", s)
    return folded if len(folded) - folded.count("#") <= _RULES.running_fold_digits_chars else s


def _drop_page_debris(pages: list[list[_Line | None]]) -> None:
    """Remove running headers/footers and page numbers (in place), looking only at page edges."""
    n_pages = len(pages)
    edges = [_edge_indices(lines, _RULES.edge_lines) for lines in pages]
    running: set[str] = set()
    if n_pages >= _RULES.running_min_pages:
        seen: Counter[str] = Counter()
        for lines, idx in zip(pages, edges, strict=True):
            seen.update({
                _running_key(ln.text) for ln in (lines[i] for i in idx)
                if ln is not None and ln.kind == "text" and len(ln.text) <= _RULES.running_max_chars
            })
        need = max(_RULES.running_min_pages, math.ceil(_RULES.running_min_share * n_pages))
        running = {k for k, c in seen.items() if c >= need}
    for lines, idx in zip(pages, edges, strict=True):
        edge = set(idx)
        for i, ln in enumerate(lines):
            if ln is None or ln.kind == "table":
                continue
            plain = _plain(ln.text)
            if _is_page_number(plain, n_pages, i in edge) or (i in edge and _running_key(plain) in running):
                lines[i] = None

