"""Space-aligned tables in source text: which lines of a page are rows of a table whose columns are
set with runs of spaces (text copied out of a PDF, a statistics page, a fixed-width listing), and
those lines rewritten with a tab between cells.

The same holds for a table written one cell a line (`pipeline.structure.stacked`): its lines must
not be joined into paragraphs, so `stacked_rows` tells them.

Why in normalization: tidying collapses every run of spaces, which would erase the column
boundaries; prose loses nothing when its double spaces go, a table loses its columns. So before
tidying, the lines of an aligned block get tabs (which tidying keeps) and become table lines that
are never joined into a paragraph; every other line keeps single spaces.

A row is a line whose text splits at runs of two or more spaces into cells and whose cells after the
first hold figures: at least two figure cells, or one when the line has just a label and a figure.
A block is at least `MIN_ROWS` such rows with only blank lines or short one-cell lines between them
(a table's section rows, unit rows and wrapped header cells: at most `MAX_INSIDE` in a row, each at
most `MAX_INSIDE_CHARS` long); any other line ends it, so a single line with a double space, or
two, stays prose. The one-cell lines are left as they are.
"""

from __future__ import annotations

from collections.abc import Sequence

import regex

from pipeline.structure.stacked import find_stacked

MIN_ROWS = 3
MAX_INSIDE = 2
MAX_INSIDE_CHARS = 60

_GAP = regex.compile(r"(?<=\S)[ \u00a0]{2,}(?=\S)")
_FIGURE_CELL = regex.compile(r"[-+(]?\d[\d., ]*\)?%?")
_EMPTY_CELL = regex.compile(r"[-–…x]|\.{2,3}", regex.IGNORECASE)  # a cell with nothing to report


def _row(line: str) -> bool:
    body = line.strip(" \u00a0")
    if not body or "\t" in body or body.startswith("|"):
        return False
    cells = _GAP.split(body)
    figures = sum(1 for c in cells[1:] if _FIGURE_CELL.fullmatch(c) or _EMPTY_CELL.fullmatch(c))
    digits = sum(1 for c in cells if any(ch.isdigit() for ch in c))
    if len(cells) >= 3:
        return figures >= 2 or (digits >= 2 and len(cells) >= 4)
    return len(cells) == 2 and bool(_FIGURE_CELL.fullmatch(cells[1]))


def aligned_rows(lines: Sequence[str]) -> frozenset[int]:
    """Indices of the lines that are rows of a space-aligned block (see the module docstring)."""
    out: set[int] = set()
    run: list[int] = []
    inside = 0  # one-cell lines since the run's last row
    for i, line in enumerate([*lines, "\x00"]):
        body = line.strip(" \u00a0")
        if not body:
            continue  # blank lines neither count nor break a block
        if line != "\x00" and _row(line):
            run.append(i)
            inside = 0
            continue
        if run and line != "\x00" and inside < MAX_INSIDE and len(body) <= MAX_INSIDE_CHARS and not _GAP.search(body):
            inside += 1
            continue
        if len(run) >= MIN_ROWS:
            out.update(run)
        run, inside = [], 0
    return frozenset(out)


def tab_cells(line: str) -> str:
    """The line with a tab at each run of 2+ spaces between cells (its indentation kept)."""
    return _GAP.sub("\t", line)


def stacked_rows(lines: Sequence[str]) -> frozenset[int]:
    """Indices of the lines of a stacked table (one cell a line), blank lines aside."""
    kept = [i for i, line in enumerate(lines) if line.strip()]
    text = "\n".join(lines[i].strip() for i in kept)
    spans, pos = [], 0
    for i in kept:
        n = len(lines[i].strip())
        spans.append((pos, pos + n))
        pos += n + 1
    out: set[int] = set()
    for t in find_stacked(text, spans, frozenset()):
        out.update(kept[k] for k, (s, _) in enumerate(spans) if t.start <= s <= t.end)
    return frozenset(out)
