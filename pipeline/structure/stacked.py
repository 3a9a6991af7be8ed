"""Stacked tables: a table whose cells a PDF-to-text step (or a flip-book's "HTML version") wrote
one per line, row after row — a header of years, one year a line, then for each row its label on
one or two lines and its figures on the lines after, a few to a line.

Why a shape of its own: nothing on one line of such a table looks like a table row, yet its rows are
unambiguous once the header says how many columns there are: a row is label lines followed by value
lines holding exactly that many figures (or empty marks "-", "…", "x"). The result is a `Table` of
the one model (style "stacked"), whose rows span several lines; a row's label is one cell, each
figure another.

- the header is at least `MIN_COLUMNS` consecutive lines, each one year (a "Sơ bộ"/"Prel." prefix
  allowed), the years increasing;
- a row: 1 to `MAX_LABEL_LINES` label lines (any short line that is not all figures) and then value
  lines whose figures add up to exactly the header's count; the table ends at the first row that
  does not form (its label lines, if the table ends there, are kept as section rows);
- at least `MIN_ROWS` rows.
"""

from __future__ import annotations

from collections.abc import Sequence

import regex

from pipeline.structure.tables import Cell, Row, Table

MIN_COLUMNS = 3
MIN_ROWS = 3
MAX_LABEL_LINES = 3
MAX_LABEL_CHARS = 90

_YEAR_LINE = regex.compile(r"\s*(?:[^\W\d]+\.?\s*){0,3}(?P<y>(?:19|20)\d\d)\s*")
_TOKEN = regex.compile(r"\S+")
_VALUE = regex.compile(r"[-+]?\d[\d.,]*%?|[-–…x]|\.{2,3}", regex.IGNORECASE)


def _values(text: str, s: int, e: int) -> list[tuple[int, int]] | None:
    """Spans of the figures of a line made of figures only, else None."""
    toks = [(m.start(), m.end()) for m in _TOKEN.finditer(text, s, e)]
    if not toks or not all(_VALUE.fullmatch(text, a, b) for a, b in toks):
        return None
    return toks


def _header(text: str, lines: Sequence[tuple[int, int]], i: int) -> int:
    """How many year lines start at line i (0 if fewer than MIN_COLUMNS)."""
    years: list[int] = []
    j = i
    while j < len(lines):
        m = _YEAR_LINE.fullmatch(text, *lines[j])
        if not m or (years and int(m["y"]) <= years[-1]):
            break
        years.append(int(m["y"]))
        j += 1
    return len(years) if len(years) >= MIN_COLUMNS else 0


def _row(text: str, lines: Sequence[tuple[int, int]], i: int,
         k: int) -> tuple[int, list[tuple[int, int]], int] | None:
    """(label lines, value spans, next line) of a row starting at line i, or None."""
    n_label = 0
    j = i
    while j < len(lines) and n_label < MAX_LABEL_LINES:
        s, e = lines[j]
        body = text[s:e].strip()
        if not body or _values(text, s, e) is not None or len(body) > MAX_LABEL_CHARS:
            break
        n_label += 1
        j += 1
    if n_label == 0:
        return None
    spans: list[tuple[int, int]] = []
    while j < len(lines) and len(spans) < k:
        v = _values(text, *lines[j])
        if v is None:
            return None
        spans += v
        j += 1
    return (n_label, spans, j) if len(spans) == k else None


def _label_count(text: str, lines: Sequence[tuple[int, int]], i: int) -> int:
    n = 0
    while i + n < len(lines) and n < MAX_LABEL_LINES:
        s, e = lines[i + n]
        body = text[s:e].strip()
        if not body or _values(text, s, e) is not None or len(body) > MAX_LABEL_CHARS:
            break
        n += 1
    return n


def find_stacked(text: str, lines: Sequence[tuple[int, int]], skip: frozenset[int]) -> list[Table]:
    """Every stacked table of the text (see the module docstring)."""
    out: list[Table] = []
    i = 0
    while i < len(lines):
        k = _header(text, lines, i) if i not in skip else 0
        if not k:
            i += 1
            continue
        rows: list[tuple[tuple[int, int], list[tuple[int, int]]]] = []  # (label span, value spans)
        j = i + k
        while (r := _row(text, lines, j, k)) is not None:
            n_label, spans, nxt = r
            rows.append(((lines[j][0], lines[j + n_label - 1][1]), spans))
            j = nxt
        if len(rows) < MIN_ROWS:
            i += 1
            continue
        trailing = _label_count(text, lines, j)
        out.append(_table(text, lines[i:i + k], rows, lines[j:j + trailing]))
        i = j + trailing
    return out


def _table(text: str, header: Sequence[tuple[int, int]],
           rows: list[tuple[tuple[int, int], list[tuple[int, int]]]], sections: Sequence[tuple[int, int]]) -> Table:
    out: list[Row] = []
    cells = tuple(Cell(s, e, 0, c, text[s:e].strip()) for c, (s, e) in enumerate(header))  # over the values
    out.append(Row(header[0][0], header[-1][1], cells, False))
    for (ls, le), spans in rows:
        r = len(out)
        label = Cell(ls, le, r, 0, " ".join(text[ls:le].split()))
        cs = (label, *(Cell(s, e, r, c + 1, text[s:e]) for c, (s, e) in enumerate(spans)))
        out.append(Row(ls, spans[-1][1], cs, False))
    for s, e in sections:
        out.append(Row(s, e, (Cell(s, e, len(out), 0, text[s:e].strip()),), False, True))
    head = ("", *(c.text for c in cells))
    return Table(out[0].start, out[-1].end, "stacked", tuple(out), head, 1, None, False)
