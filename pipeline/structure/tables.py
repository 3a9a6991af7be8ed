"""Tables of a normalized text: blocks of rows whose cells are separated by tabs, pipes or aligned
runs of spaces, with their cells as character spans.

Why here and only here: the figure extractor, the meaning stage and the relation finders all ask
"is this number in a table cell, which column, under which header, in the totals row?". They
used to parse the rows each in their own way; the answers now come from one parse.

- a **tab** row holds a tab between two cells (a tab only at the line's edges is indentation);
- a **pipe** row holds at least three pipes ("| a | b |", or "label | a | b |" as pages copied out
  of a spreadsheet write it); the empty leading edge and every empty trailing cell go;
- a **space** row holds two or more cells separated by runs of at least two spaces, and a block of
  at least `MIN_SPACE_ROWS` such consecutive lines counts only when the cells line up: every row has
  the same number of cells and, column by column, the cells of all rows share a character column
  (numbers set flush right and words set flush left both pass; prose with a double space does not).

A block is a maximal run of consecutive rows of one style (a change of style starts another table).
Up to `MAX_SECTION_LINES` short one-cell lines between two tab or pipe rows with the same number
of cells (or one fewer: a header row has no cell over the label column) are **section rows** of
the table (a category name, "Chỉ số phát triển (Năm trước = 100)", a unit row "Người – Person"),
not the end of it: a yearbook splits one table into such sections.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass

import regex

MIN_SPACE_ROWS = 3
MAX_SECTION_LINES = 3
MAX_SECTION_CHARS = 90

_SPLIT_CELLS = regex.compile(r"\t|\|")
_SPACE_GAP = regex.compile(r"[ \u00a0]{2,}")
_SEPARATOR_ROW = regex.compile(r"[\s:|+=-]*")  # "|---|:--:|"
_NUMBER_CELL = regex.compile(r"[\s(]*[-+]?\d[\d.,\s]*%?[\s)]*")
_YEAR = regex.compile(r"\s*(?:19|20)\d\d\s*")
_TOTAL_CELL = regex.compile(
    r"^\W*(?:tổng\s+cộng|tổng\s+số|tổng|cộng|toàn\s+(?:huyện|tỉnh|xã|thành\s+phố|thị\s+xã))\W*$",
    regex.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class Cell:
    """One cell: [start, end) is the raw text between separators (surrounding spaces included)."""

    start: int
    end: int
    row: int  # index of its row in the table
    column: int
    text: str  # stripped


@dataclass(frozen=True, slots=True)
class Row:
    start: int  # the line's span
    end: int
    cells: tuple[Cell, ...]
    separator: bool  # a "|---|---|" rule between header and body
    section: bool = False  # a one-cell line inside the table (see the module docstring)


@dataclass(frozen=True, slots=True)
class Table:
    """A block of rows. `header` is the stripped text of the first row's cells (what a bare cell below
    takes its unit from); `header_rows` counts the leading rows that hold no number but years; `total_row` is
    the first later row whose some cell reads "Tổng cộng"/"Cộng"/"Toàn huyện" (None if none);
    `counter_column` says the first column counts rows 1, 2, 3 ... (an STT column, header or not)."""

    start: int
    end: int
    style: str  # "tab" | "pipe" | "space"
    rows: tuple[Row, ...]
    header: tuple[str, ...]
    header_rows: int
    total_row: int | None
    counter_column: bool

    def header_of(self, column: int) -> str:
        return self.header[column] if column < len(self.header) else ""


def is_total_label(text: str) -> bool:
    """Whether a cell reads as a total ("Tổng cộng", "Cộng", "Toàn huyện")."""
    return _TOTAL_CELL.match(text) is not None


def row_style(line: str) -> str:
    """"pipe" or "tab" for a separated row, "" otherwise (space rows need their neighbours, see
    `find_tables`)."""
    if line.count("|") >= 3:
        return "pipe"
    return "tab" if "\t" in line.strip("\t ") else ""


def _separated_cells(off: int, line: str) -> list[tuple[int, int]]:
    cells, start = [], 0
    for m in _SPLIT_CELLS.finditer(line):
        cells.append((off + start, off + m.start()))
        start = m.end()
    cells.append((off + start, off + len(line)))
    if "|" in line:  # "| a | b | |": drop the empty edges
        if line.lstrip().startswith("|"):
            cells = cells[1:]
        while len(cells) > 1 and not line[cells[-1][0] - off:cells[-1][1] - off].strip():
            cells = cells[:-1]
    return cells


def _space_cells(off: int, line: str) -> list[tuple[int, int]]:
    """Cells of a line split at runs of 2+ spaces, as spans of their text (no surrounding spaces)."""
    body_start = len(line) - len(line.lstrip())
    body_end = len(line.rstrip())
    if body_start >= body_end:
        return []
    out, start = [], body_start
    for m in _SPACE_GAP.finditer(line, body_start, body_end):
        out.append((off + start, off + m.start()))
        start = m.end()
    out.append((off + start, off + body_end))
    return out


def _aligned(rows: Sequence[tuple[int, list[tuple[int, int]]]]) -> bool:
    """Rows (line start, cells) whose cells line up column by column (see the module docstring)."""
    n = len(rows[0][1])
    if n < 2 or any(len(c) != n for _, c in rows):
        return False
    for col in range(n):
        lo = max(c[col][0] - s for s, c in rows)
        hi = min(c[col][1] - s for s, c in rows)
        if lo >= hi:
            return False
    return True


def _is_counter(first_col: list[str]) -> bool:
    """A first column that counts rows 1, 2, 3 ... (the STT column even without its header)."""
    nums = [int(c) for c in first_col if c.isdigit() and len(c) <= 3]
    steps = sum(1 for a, b in itertools.pairwise(nums) if b == a + 1)
    return len(nums) >= 2 and steps >= max(1, len(nums) // 2)


def _table(text: str, style: str, spans: list[tuple[int, int, list[tuple[int, int]]]],
           sections: frozenset[int] = frozenset()) -> Table:
    rows: list[Row] = []
    for r, (s, e, cells) in enumerate(spans):
        cs = tuple(Cell(a, b, r, c, text[a:b].strip()) for c, (a, b) in enumerate(cells))
        rows.append(Row(s, e, cs, bool(_SEPARATOR_ROW.fullmatch(text, s, e)), s in sections))
    header = tuple(c.text for c in rows[0].cells)
    header_rows = 0
    for row in rows:
        numbers = [c.text for c in row.cells if c.text and _NUMBER_CELL.fullmatch(c.text)]
        if numbers and not all(_YEAR.fullmatch(n) for n in numbers):  # a row of years is a header
            break
        header_rows += 1
    total = next((i for i, row in enumerate(rows) if i > 0 and any(_TOTAL_CELL.match(c.text) for c in row.cells)),
                 None)
    counter = _is_counter([row.cells[0].text for row in rows if row.cells])
    return Table(spans[0][0], spans[-1][1], style, tuple(rows), header, header_rows, total, counter)


def find_tables(text: str, lines: Sequence[tuple[int, int]], skip: frozenset[int] = frozenset()) -> list[Table]:
    """Every table of the text, in order; `lines` are the text's line spans, `skip` indices of lines
    that are never rows (asides)."""
    styles: list[str] = []
    for i, (s, e) in enumerate(lines):
        styles.append("" if i in skip else row_style(text[s:e]))
    space = [_space_cells(s, text[s:e]) if not styles[i] and i not in skip else [] for i, (s, e) in enumerate(lines)]
    block = [0] * len(lines)  # which aligned block a space row belongs to (two blocks may touch)
    n_blocks = 0
    for _, grp in itertools.groupby(range(len(lines)), key=lambda i: len(space[i]) >= 2):
        run = list(grp)
        if len(space[run[0]]) < 2:
            continue
        k = 0
        while k + MIN_SPACE_ROWS <= len(run):  # the longest aligned block starting at run[k]
            j = k + MIN_SPACE_ROWS
            if not _aligned([(lines[i][0], space[i]) for i in run[k:j]]):
                k += 1
                continue
            while j < len(run) and _aligned([(lines[i][0], space[i]) for i in run[k:j + 1]]):
                j += 1
            n_blocks += 1
            for i in run[k:j]:
                styles[i], block[i] = "space", n_blocks
            k = j
    sections = _section_lines(text, lines, styles, skip)
    out: list[Table] = []
    i = 0
    while i < len(lines):
        j = i + 1
        while j < len(lines) and styles[j] == styles[i] and block[j] == block[i]:
            j += 1
        if styles[i]:
            spans = [(s, e, space[k] if styles[i] == "space" else _separated_cells(s, text[s:e]))
                     for k, (s, e) in enumerate(lines[i:j], start=i)]
            out.append(_table(text, styles[i], spans, sections))
        i = j
    return out


def _section_lines(text: str, lines: Sequence[tuple[int, int]], styles: list[str],
                   skip: frozenset[int]) -> frozenset[int]:
    """Starts of the one-cell lines that sit inside a tab or pipe table (see the module docstring);
    their style is set to the table's (in place)."""
    out: set[int] = set()
    i = 0
    while i < len(lines):
        if styles[i] not in ("tab", "pipe"):
            i += 1
            continue
        j = i + 1
        while j < len(lines) and j - i - 1 <= MAX_SECTION_LINES and not styles[j] and j not in skip:
            s, e = lines[j]
            body = text[s:e].strip()
            if not body or len(body) > MAX_SECTION_CHARS or body.endswith((".", ":", ";")):
                break
            j += 1
        if i + 1 < j < len(lines) and j - i - 1 <= MAX_SECTION_LINES and styles[j] == styles[i]:
            before = len(_separated_cells(lines[i][0], text[lines[i][0]:lines[i][1]]))
            after = len(_separated_cells(lines[j][0], text[lines[j][0]:lines[j][1]]))
            if abs(before - after) <= 1:  # a header row lacks the label cell
                for k in range(i + 1, j):
                    styles[k] = styles[i]
                    out.add(lines[k][0])
        i = j if j > i + 1 else i + 1
    return frozenset(out)
