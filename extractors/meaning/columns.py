"""Periods of table columns headed by years: statistics and yearbook tables ("2010 2014 2015 2016",
"Năm học 2018-2019 ...", "Sơ bộ Prel. 2022"), whatever the layout the text came in.

Why not only the table parser: tables copied out of PDFs and web pages reach us as space-aligned rows
whose year header is split over lines ("2018-   2019-" above "2019     2020"), as pipe rows whose
header starts with "|" and body rows do not, or one cell per line (the years one under the other,
then each row's figures one under the other). What they share is the header: a block of lines that
hold nothing but years. Its K columns give the period of the last K figures of every row below it
(a row written across a line), or of every run of exactly K figures each alone on its line (a row
written down), until the next such header. A pair of years is a school year (1/9 to 31/8) when the
header says so ("Năm học", "School year", words in schemas/scope.yaml), else the span of both years.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from extractors.meaning.context import _Doc
from pipeline.config import Strict, load_model

_EMPTY_CELL = re.compile(r"^[-–—.…x]+$")
# "2018-2019", "2018 - 2019" (a pair), "2018-" (a pair whose second year is on the next line), "Prel.2017"
_YEAR_TOKEN = re.compile(r"(?<![\d,/])(?<!\d\.)((?:19|20)\d\d)(?:[-–]((?:19|20)\d\d)?|\s+[-–]\s+((?:19|20)\d\d))?"
                         r"(?![\d.,/])")


class ColumnRules(Strict):
    school_year_words: list[str]
    filler_max_letters: int
    header_lookback_lines: int


def _load() -> ColumnRules:
    return load_model("scope.yaml", ColumnRules, section="columns")


@dataclass(frozen=True, slots=True)
class _Token:
    line: int
    col: int  # offset from the line start
    first: int
    second: int | None
    dangling: bool  # "2018-" waiting for its second year on the next header line


def _header_tokens(text: str, s: int, e: int, line: int, max_letters: int) -> list[_Token] | None:
    """The year tokens of a line that holds nothing but years (and a few filler words), else None."""
    body = text[s:e]
    toks = list(_YEAR_TOKEN.finditer(body))
    if not toks:
        return None
    rest = _YEAR_TOKEN.sub(" ", body)
    if re.search(r"\d", rest) or len(re.findall(r"[^\W\d_]", rest)) > max_letters:
        return None
    out = []
    for m in toks:
        pair = m.group(2) or m.group(3)
        second = int(pair) if pair else None
        dangling = second is None and bool(re.search(r"[-–]\s*$", m.group(0)))
        out.append(_Token(line, m.start(), int(m.group(1)), second, dangling))
    return out


def _columns(blocks: list[list[_Token]]) -> list[tuple[int, int | None]]:
    """Columns of a header block, left to right (top to bottom when each line holds one year)."""
    lines = [b for b in blocks if b]
    if all(len(b) == 1 and not b[0].dangling and b[0].second is None for b in lines):
        return [(b[0].first, None) for b in lines]
    used: set[tuple[int, int]] = set()
    cols: list[_Token] = []
    for i, toks in enumerate(lines):
        nxt = lines[i + 1] if i + 1 < len(lines) else []
        for t in toks:
            if (t.line, t.col) in used:
                continue
            if t.dangling:
                mate = next((u for u in nxt if u.first == t.first + 1
                             and (u.line, u.col) not in used), None)
                if mate is not None:
                    used.add((mate.line, mate.col))
                    cols.append(_Token(t.line, t.col, t.first, mate.first, False))
                    continue
            cols.append(t)
    cols.sort(key=lambda t: (t.col, t.line))
    return [(t.first, t.second) for t in cols]


def _trailing_year(doc: _Doc, line: int) -> int | None:
    """The year that ends the line above a column of years (a caption joined to its first header cell)."""
    k = line - 1
    while k >= 0 and not doc.text[doc.line_span(k)[0]:doc.line_span(k)[1]].strip():
        k -= 1
    if k < 0:
        return None
    s, e = doc.line_span(k)
    if doc.groups_in(s, e):
        return None
    m = re.search(r"(?<![\d.,/])((?:19|20)\d\d)\s*$", doc.text[s:e])
    return int(m.group(1)) if m else None


def _value(first: int, second: int | None, school: bool) -> str:
    if second is None:
        return str(first)
    if school and second == first + 1:
        return f"{first}-09-01..{second}-08-31"
    return f"{first}-01-01..{second}-12-31"


def column_periods(doc: _Doc) -> dict[int, str]:
    """Group start -> period, for every figure under a year-headed column."""
    rules = _load()
    text = doc.text
    n = len(doc.line_starts)
    spans = [doc.line_span(i) for i in range(n)]
    header = [_header_tokens(text, s, e, i, rules.filler_max_letters) for i, (s, e) in enumerate(spans)]
    school_re = re.compile("|".join(re.escape(w) for w in rules.school_year_words), re.IGNORECASE)
    out: dict[int, str] = {}
    i = 0
    while i < n:
        if header[i] is None or doc.groups_in(*spans[i]):
            i += 1
            continue
        block: list[list[_Token]] = []
        j = i
        while j < n and (header[j] is not None or not text[spans[j][0]:spans[j][1]].strip()):
            if header[j] is not None:
                if doc.groups_in(*spans[j]):
                    break
                block.append(header[j] or [])
            j += 1
        cols = _columns(block)
        if block and all(len(b) == 1 for b in block):
            lead = _trailing_year(doc, i)  # "216. Số lớp học ... 2010" then "2013", "2014" below
            if lead is not None:
                cols.insert(0, (lead, None))
        if len(cols) < 2:
            i = j
            continue
        look = spans[max(0, i - rules.header_lookback_lines)][0]
        school = bool(school_re.search(text, look, spans[j - 1][1]))
        values = [_value(a, b, school) for a, b in cols]
        i = _assign_rows(doc, j, spans, header, values, out)
    return out


def _assign_rows(doc: _Doc, j: int, spans: list[tuple[int, int]], header: list[list[_Token] | None],
                 values: list[str], out: dict[int, str]) -> int:
    """Give the rows below a header their column periods; returns the line where the table ends."""
    text = doc.text
    k = len(values)
    n = len(spans)
    run: list[int | None] = []  # a row written down; None for an empty cell ("-")

    def flush() -> None:
        if len(run) == k:
            for g_start, v in zip(run, values, strict=True):
                if g_start is not None:
                    out[g_start] = v
        run.clear()

    while j < n:
        s, e = spans[j]
        if header[j] is not None and not doc.groups_in(s, e):
            break
        body = text[s:e].strip()
        if len(body) > 160 and re.search(r"[.;]\s+\w", body):
            break  # prose: the table is over
        groups = doc.groups_in(s, e)
        if not groups and _EMPTY_CELL.match(body) and run:
            run.append(None)
        elif len(groups) == 1 and text[groups[0].start:groups[0].end].strip() == body.rstrip(" |"):
            run.append(groups[0].start)  # a cell alone on its line: a row written down
        elif len(groups) == 1 and not text[groups[0].end:e].strip(" |"):
            flush()  # the row's label joined to its first cell ("Số lớp học (Lớp) 7.355")
            run.append(groups[0].start)
        elif not groups and _EMPTY_CELL.match(body):
            run.append(None)
        elif groups and len(run) + len(groups) < k + (1 if run else 0) and _only_figures(text, s, e, groups):
            run.extend(g.start for g in groups)  # two cells of a row written down on one line
        else:
            flush()
            cells: list[int | None] = [g.start for g in groups]
            if len(groups) < k:
                cells = _row_cells(text, s, e, groups)
            if len(cells) < k:  # single spaces between cells ("Huyện A 50 - 30"): the row's trailing cells
                cells = _trailing_cells(doc, s, e)
            if len(cells) >= k:
                for c, v in zip(cells[-k:], values, strict=True):
                    if c is not None:
                        out[c] = v
        j += 1
    flush()
    return j


# an empty cell written as a dash between pipes or column gaps ("| - | 101,35 |", "Public     -    166,67");
# a dash with single spaces around is a word of the row label ("Tiểu học - Primary school")
_BLANK_CELL = re.compile(r"(?:\||\s{2,}|\t)\s*(?:[-–—…x]|\.{1,3})(?=\s*(?:\||\s{2}|\t|$))")


def _row_cells(text: str, s: int, e: int, groups: list) -> list[int | None]:
    """The cells of a row across a line, left to right: a figure's group start, or None for a blank."""
    cells: list[tuple[int, int | None]] = [(g.start, g.start) for g in groups]
    for m in _BLANK_CELL.finditer(text, s, e):
        if not any(g.start <= m.start() < g.end for g in groups):
            cells.append((m.end(), None))
    cells.sort(key=lambda c: c[0])
    return [c for _, c in cells]


def _trailing_cells(doc: _Doc, s: int, e: int) -> list[int | None]:
    """The cells that end a line, left to right: a figure's group start, or None for an empty cell
    ("-", "…"), read token by token back from the line's end while the tokens are cells."""
    groups = doc.groups_in(s, e)
    out: list[int | None] = []
    for m in reversed(list(re.finditer(r"\S+", doc.text[s:e]))):
        a, b = s + m.start(), s + m.end()
        g = next((x for x in groups if x.start < b and a < x.end), None)
        if g is not None:
            if not out or out[-1] != g.start:
                out.append(g.start)
        elif _EMPTY_CELL.match(m.group(0)):
            out.append(None)
        else:
            break
    return out[::-1]


def _only_figures(text: str, s: int, e: int, groups: list) -> bool:
    """A line that holds nothing but its figures."""
    rest = text[s:e]
    for g in reversed(groups):
        rest = rest[:g.start - s] + rest[g.end - s:]
    return not rest.strip(" \t|")
