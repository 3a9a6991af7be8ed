"""Page text from Tesseract's word boxes where its own reading order fails: tables.

Why: with page segmentation mode 3, Tesseract lays a table out as best it can as prose. Columns may
come back as separate blocks (the numbers of a row far from the row's name), and cells of a row are
joined by single spaces, so nothing downstream can tell "Xã Như Cố 20 19" from four cells. The
figure extractor reads a table row as one line of TAB-separated cells (the PDF and DOCX loaders
write tables that way), so here a table region is rebuilt from the word boxes:

1. words are grouped into geometric rows (by vertical centre), and a row into cells where the gap
   between two words is much wider than the page's word space (or a table rule was read as `|`);
2. a table is >= 3 consecutive rows of >= 3 cells, mostly numeric, whose cells line up column by
   column; wrapped cell lines, the header above and a totals row below are taken in with it;
3. the column grid comes from those rows; every row of the region becomes one line
   `cell<TAB>cell<TAB>...` (one field per column, empty where the row has no text in it), a cell
   wrapped over several lines gives one field;
4. the region replaces Tesseract's lines holding its words, at the place of the first of them.

Everything else keeps Tesseract's text byte for byte: its prose reading order is good, and a
two-column letterhead (agency name | national motto, side by side) is deliberately never a table
(two non-numeric cells). A page without a table region returns `result.text` unchanged, as does a
page whose text lines cannot be matched to the word boxes.
"""

from __future__ import annotations

import bisect
import re
import statistics
from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import groupby
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pipeline.ocr import OcrResult, OcrWord

# Characters a table rule is read as. A word made only of them is rule debris: it marks a cell
# boundary and is not text. The same characters at the edge of a word are stripped and mark one too.
_RULE_CHARS = "|[]{}¦"
_RULE_EDGE = re.compile(rf"^[{re.escape(_RULE_CHARS)}]+|[{re.escape(_RULE_CHARS)}]+$")

MIN_ROWS = 3  # consecutive table-like rows needed for a region
MIN_CELLS = 3  # cells a table-like row needs (a two-column letterhead has two)
CELL_GAP = 1.8  # a gap wider than this many word spaces separates cells
SPLIT_GAP = 1.3  # ... and at a column boundary already known, this many
MAX_BETWEEN = 3  # wrapped-cell lines allowed between two table-like rows
CONTINUATION = 0.85  # a row closer than this share of the row pitch to its neighbour continues it


@dataclass
class _Cell:
    words: list[OcrWord]
    texts: list[str]  # word texts without rule debris
    x0: int
    x1: int

    @property
    def text(self) -> str:
        return " ".join(t for t in self.texts if t)


@dataclass
class _Row:
    words: list[OcrWord]  # x order, rule debris included
    top: float
    bottom: float
    cells: list[_Cell] = field(default_factory=list)

    @property
    def cy(self) -> float:
        return (self.top + self.bottom) / 2


@dataclass(frozen=True)
class _Metrics:
    height: float  # median word height
    space: float  # median gap between neighbouring words of a line


def lay_out(result: OcrResult) -> str:
    """The page text in reading order: Tesseract's, with table regions rebuilt as TAB-separated rows."""
    words = [w for w in result.words if w.text.strip()]
    if len(words) < MIN_ROWS * MIN_CELLS:
        return result.text
    m = _metrics(words)
    if m is None:
        return result.text
    rows = _rows(words, m)
    for r in rows:
        r.cells = _split_cells(r.words, m.space * CELL_GAP)
    regions = _regions(rows, m)
    if not regions:
        return result.text
    return _splice(result, regions, m) or result.text


# --------------------------------------------------------------------------- geometry


def _metrics(words: Sequence[OcrWord]) -> _Metrics | None:
    heights = [w.height for w in words if any(c.isalnum() for c in w.text)]
    if not heights:
        return None
    height = float(statistics.median(heights))
    gaps = []
    for _, g in groupby(words, key=lambda w: w.line):
        line = sorted(g, key=lambda w: w.left)
        for a, b in zip(line, line[1:], strict=False):
            gap = b.left - (a.left + a.width)
            if 0 < gap < 2 * height:
                gaps.append(gap)
    space = float(statistics.median(gaps)) if gaps else height * 0.4
    return _Metrics(height, max(space, 1.0))


def _rows(words: Sequence[OcrWord], m: _Metrics) -> list[_Row]:
    """Geometric rows: words whose vertical centres lie within half a text height of the row's."""
    rows: list[_Row] = []
    members: list[OcrWord] = []
    centres: list[float] = []
    for w in sorted(words, key=lambda w: w.top + w.height / 2):
        c = w.top + w.height / 2
        if members and abs(c - statistics.median(centres)) > m.height / 2:
            rows.append(_make_row(members))
            members, centres = [], []
        members.append(w)
        centres.append(c)
    if members:
        rows.append(_make_row(members))
    return rows


def _make_row(words: list[OcrWord]) -> _Row:
    words = sorted(words, key=lambda w: w.left)
    text_words = [w for w in words if not _is_rule(w.text)] or words
    tops = [w.top for w in text_words]
    bottoms = [w.top + w.height for w in text_words]
    return _Row(words, float(statistics.median(tops)), float(statistics.median(bottoms)))


def _is_rule(text: str) -> bool:
    return all(c in _RULE_CHARS for c in text)


def _split_cells(words: Sequence[OcrWord], min_gap: float) -> list[_Cell]:
    """Cells of a row (words in x order): a new cell after a wide gap or a rule read as text."""
    cells: list[_Cell] = []
    cur: list[OcrWord] = []
    texts: list[str] = []
    boundary = True
    prev_end: int | None = None

    def flush() -> None:
        if cur:
            cells.append(_Cell(list(cur), list(texts), cur[0].left, max(w.left + w.width for w in cur)))
            cur.clear()
            texts.clear()

    for w in words:
        if _is_rule(w.text):
            boundary = True
            continue
        text = _RULE_EDGE.sub("", w.text)
        if w.text[0] in _RULE_CHARS:
            boundary = True
        if boundary or (prev_end is not None and w.left - prev_end > min_gap):
            flush()
        cur.append(w)
        texts.append(text)
        prev_end = w.left + w.width
        boundary = w.text[-1] in _RULE_CHARS
    flush()
    return [c for c in cells if c.text]


def _is_numeric(text: str) -> bool:
    """A figure cell: digits with at most one stray letter (`1.846`, `89,48`, `≥ 80%`, OCR's `S12`)."""
    digits = sum(c.isdigit() for c in text)
    letters = sum(c.isalpha() for c in text)
    return digits > 0 and letters <= 1 and letters < digits


def _numeric_share(row: _Row) -> float:
    return sum(_is_numeric(c.text) for c in row.cells) / len(row.cells) if row.cells else 0.0


def _table_like(row: _Row) -> bool:
    return len(row.cells) >= MIN_CELLS and _numeric_share(row) >= 0.5


def _overlap(a: _Cell, b: _Cell) -> bool:
    return a.x0 <= b.x1 and b.x0 <= a.x1


def _aligned(a: _Row, b: _Row) -> bool:
    """At least MIN_CELLS cells of the two rows overlap one to one, in order (same columns)."""
    i = j = matched = 0
    while i < len(a.cells) and j < len(b.cells):
        ca, cb = a.cells[i], b.cells[j]
        if _overlap(ca, cb):
            matched += 1
            i += 1
            j += 1
        elif ca.x1 < cb.x0:
            i += 1
        else:
            j += 1
    return matched >= MIN_CELLS


def _bridges(row: _Row, columns: Sequence[_Cell]) -> bool:
    """A cell of `row` overlaps two of `columns` (a prose line running across a table's columns)."""
    return any(sum(_overlap(c, col) for col in columns) > 1 for c in row.cells)


# --------------------------------------------------------------------------- regions


@dataclass
class _Region:
    rows: list[_Row]  # y order
    seps: list[float]  # x of the column boundaries
    x0: float
    x1: float

    @property
    def ncols(self) -> int:
        return len(self.seps) + 1


def _regions(rows: list[_Row], m: _Metrics) -> list[_Region]:
    out: list[_Region] = []
    i = 0
    used_until = -1
    while i < len(rows):
        if not _table_like(rows[i]) or i <= used_until:
            i += 1
            continue
        core = [i]
        j = i + 1
        while j < len(rows) and j - core[-1] - 1 <= MAX_BETWEEN:
            last = rows[core[-1]]
            if _table_like(rows[j]) and _aligned(last, rows[j]):
                core.append(j)
            elif _table_like(rows[j]) or _bridges(rows[j], last.cells) or not rows[j].cells:
                break
            j += 1
        if len(core) < MIN_ROWS:
            i += 1
            continue
        region = _build_region(rows, core, m)
        if region is None:
            i = core[-1] + 1
            continue
        out.append(region)
        used_until = max(rows.index(r) for r in region.rows)
        i = used_until + 1
    return out


def _grid(rows: Sequence[_Row]) -> tuple[list[float], list[_Cell]] | None:
    """Column boundaries and the x-extent each column's text takes, from the rows with the most
    common number of cells (ties: more cells)."""
    counts = [len(r.cells) for r in rows]
    n = max(set(counts), key=lambda k: (counts.count(k), k))
    full = [r for r in rows if len(r.cells) == n]
    lo = [min(r.cells[k].x0 for r in full) for k in range(n)]
    hi = [max(r.cells[k].x1 for r in full) for k in range(n)]
    if any(hi[k] >= lo[k + 1] for k in range(n - 1)):
        return None  # the rows do not agree on their columns
    return [(hi[k] + lo[k + 1]) / 2 for k in range(n - 1)], [_Cell([], [], a, b) for a, b in zip(lo, hi, strict=True)]


def _build_region(rows: list[_Row], core: list[int], m: _Metrics) -> _Region | None:
    grid = _grid([rows[k] for k in core])
    if grid is None:
        return None
    seps, columns = grid
    first, last = core[0], core[-1]
    pitches = [rows[b].top - rows[a].top for a, b in zip(core, core[1:], strict=False) if b == a + 1]
    pitch = statistics.median(pitches) if pitches else 2.5 * m.height
    # header rows above and wrapped lines / totals below: rows that sit in the columns, close by
    first = _extend(rows, first, -1, columns, pitch)
    last = _extend(rows, last, +1, columns, pitch)
    return _Region(rows[first : last + 1], seps, columns[0].x0 - m.height, columns[-1].x1 + m.height)


def _extend(rows: list[_Row], edge: int, step: int, columns: Sequence[_Cell], pitch: float) -> int:
    """Move `edge` over neighbouring rows that fit the columns; a one-cell row only between others."""
    best = edge
    k = edge + step
    while 0 <= k < len(rows) and abs(k - best) <= MAX_BETWEEN:
        prev = rows[k - step]
        row = rows[k]
        if not row.cells or _bridges(row, columns) or abs(row.top - prev.top) > 1.5 * pitch:
            break
        if row.cells[0].x0 < columns[0].x0 - pitch or row.cells[-1].x1 > columns[-1].x1 + pitch:
            break  # text reaching well outside the table
        if len(row.cells) >= 2 or (step > 0 and _continues(row, prev, columns, pitch)):
            best = k
        k += step
    return best


def _continues(row: _Row, prev: _Row, columns: Sequence[_Cell], pitch: float) -> bool:
    """A wrapped line of the row above: close to it and nothing in the first column."""
    return row.top - prev.top < CONTINUATION * pitch and not _overlap(row.cells[0], columns[0])


# --------------------------------------------------------------------------- region text


def _region_lines(region: _Region, m: _Metrics) -> list[str]:
    """One TAB-separated line per table row; wrapped lines joined into the row they belong to."""
    n = region.ncols
    grid_rows: list[list[list[str]]] = []
    for row in region.rows:
        fields: list[list[str]] = [[] for _ in range(n)]
        for cell in _split_cells(_inside(row.words, region), m.space * CELL_GAP):
            for part in _split_at_seps(cell, region.seps, m.space * SPLIT_GAP):
                fields[bisect.bisect(region.seps, part.x0)].append(part.text)
        grid_rows.append(fields)
    groups = _group_rows(region, grid_rows)
    lines = []
    for g in groups:
        cells = [" ".join(t for k in g for t in grid_rows[k][c]) for c in range(n)]
        lines.append("\t".join(cells).rstrip("\t") if any(cells) else "")
    return [ln for ln in lines if ln]


def _inside(words: Sequence[OcrWord], region: _Region) -> list[OcrWord]:
    return [w for w in words if region.x0 <= w.left + w.width / 2 <= region.x1]


def _split_at_seps(cell: _Cell, seps: Sequence[float], min_gap: float) -> list[_Cell]:
    """A cell running over a column boundary is cut there when a gap wider than a space sits on it
    (two cells read as one); a cell written across columns (a merged cell) stays whole."""
    parts = [cell]
    for sep in seps:
        c = parts[-1]
        if not c.x0 < sep < c.x1:
            continue
        for k in range(1, len(c.words)):
            a, b = c.words[k - 1], c.words[k]
            if a.left + a.width <= sep <= b.left and b.left - (a.left + a.width) > min_gap:
                left = _Cell(c.words[:k], c.texts[:k], c.x0, max(w.left + w.width for w in c.words[:k]))
                right = _Cell(c.words[k:], c.texts[k:], b.left, c.x1)
                parts[-1:] = [left, right]
                break
    return parts


def _group_rows(region: _Region, grid_rows: list[list[list[str]]]) -> list[list[int]]:
    """Rows of the region as table rows: a line with an empty first column close to its neighbour
    is a wrapped line of the nearer neighbour's row (above for top-aligned cells, below for cells
    centred vertically beside a taller one)."""
    rows = region.rows
    anchors = [k for k in range(len(rows)) if grid_rows[k][0]]
    steps = [rows[b].top - rows[a].top for a, b in zip(anchors, anchors[1:], strict=False)]
    pitch = statistics.median(steps) if steps else float("inf")
    parent = list(range(len(rows)))
    for k in range(len(rows)):
        if grid_rows[k][0]:
            continue
        up = rows[k].top - rows[k - 1].top if k > 0 else float("inf")
        down = rows[k + 1].top - rows[k].top if k + 1 < len(rows) else float("inf")
        if min(up, down) >= CONTINUATION * pitch:
            continue
        parent[k] = k - 1 if up <= down else k + 1
    groups: dict[int, list[int]] = {}
    for k in range(len(rows)):
        root, seen = k, set()
        while parent[root] != root and root not in seen:
            seen.add(root)
            root = parent[root]
        groups.setdefault(root, []).append(k)
    return [sorted(g) for _, g in sorted(groups.items(), key=lambda kv: min(kv[1]))]


# --------------------------------------------------------------------------- splicing


def _splice(result: OcrResult, regions: Sequence[_Region], m: _Metrics) -> str | None:
    """Tesseract's text with each region's lines replaced by the rebuilt rows (None: lines not matched)."""
    lines = result.text.split("\n")
    line_ids = [key for key, _ in groupby((w for w in result.words if w.text.strip()), key=lambda w: w.line)]
    words_of: dict[tuple[int, int, int], list[OcrWord]] = {}
    for w in result.words:
        if w.text.strip():
            words_of.setdefault(w.line, []).append(w)
    text_rows = [k for k, ln in enumerate(lines) if ln.strip()]
    if len(text_rows) != len(line_ids):
        return None
    for k, lid in zip(text_rows, line_ids, strict=True):
        if lines[k].split() != [w.text for w in words_of[lid]]:
            return None
    index_of = dict(zip(line_ids, text_rows, strict=True))
    replace: dict[int, list[str]] = {}
    owner: dict[int, int] = {}
    for n, region in enumerate(regions):
        taken = {id(w) for r in region.rows for w in _inside(r.words, region)}
        lids = {w.line for r in region.rows for w in _inside(r.words, region)}
        idx = sorted(index_of[lid] for lid in lids)
        if any(i in owner for i in idx):
            return None
        for i, lid in zip(idx, sorted(lids, key=lambda x: index_of[x]), strict=True):
            owner[i] = n
            rest = [w.text for w in words_of[lid] if id(w) not in taken]
            replace[i] = [" ".join(rest)] if rest else []
        replace[idx[0]] = _region_lines(region, m) + replace[idx[0]]
    out: list[str] = []
    for k, ln in enumerate(lines):
        if k in replace:
            out.extend(replace[k])
        elif not ln.strip() and _between_same(lines, k, owner):
            continue  # a blank line Tesseract put between two rows of the same table
        else:
            out.append(ln)
    return "\n".join(out)


def _between_same(lines: list[str], k: int, owner: dict[int, int]) -> bool:
    above = next((i for i in range(k - 1, -1, -1) if lines[i].strip()), None)
    below = next((i for i in range(k + 1, len(lines)) if lines[i].strip()), None)
    return above in owner and below in owner and owner[above] == owner[below]
