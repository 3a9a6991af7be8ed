"""Page text from Tesseract's word boxes where its own reading order fails: tables.

Why: with page segmentation mode 3, Tesseract lays a table out as best it can as prose. Columns may
come back as separate blocks (the numbers of a row far from the row's name), and cells of a row are
joined by single spaces, so nothing downstream can tell "Xã Như Cố 20 19" from four cells. The
figure extractor reads a table row as one line of TAB-separated cells (the PDF and DOCX loaders
write tables that way), so here a table region is rebuilt from the word boxes:

1. words are grouped into geometric rows (by vertical centre), and a row into cells where the gap
   between two words is much wider than the page's word space (or a table rule was read as `|`);
2. a table is >= 3 consecutive rows of >= 3 cells whose cells line up column by column, each row
   with >= 2 value cells (figures, or the Đ / Không đạt of a criterion table) and the rows half
   values on average (a misread row number is tolerated);
   wrapped cell lines, the header above and a totals row below are taken in with it;
3. the column grid comes from those rows; every row of the region becomes one line
   `cell<TAB>cell<TAB>...` (one field per column, empty where the row has no text in it), a cell
   wrapped over several lines gives one field;
4. the region replaces Tesseract's lines holding its words, at the place of the first of them.

Everything else keeps Tesseract's text byte for byte: its prose reading order is good, and a
two-column letterhead (agency name | national motto, side by side) is deliberately never a table
(two non-numeric cells). A page without a table region returns `result.text` unchanged, as does a
page whose text lines cannot be matched to the word boxes. `lay_out_words` also returns the words
in the order the text uses them, for aligning per-token confidences after cells were reordered.
"""

from __future__ import annotations

import bisect
import dataclasses
import re
import statistics
from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import groupby, pairwise

from pipeline.model import STATUS_CELL
from pipeline.ocr.types import OcrResult, OcrWord, text_from_words

# Characters a table rule is read as. A word made only of them is rule debris: it marks a cell
# boundary and is not text. The same characters at the edge of a word are stripped and mark one too.
_RULE_CHARS = "|[]{}¦"
_RULE_EDGE = re.compile(rf"^[{re.escape(_RULE_CHARS)}]+|[{re.escape(_RULE_CHARS)}]+$")

MIN_ROWS = 3  # consecutive table-like rows needed for a region
MIN_CELLS = 3  # cells a table-like row needs (a two-column letterhead has two)
CELL_GAP = 1.8  # a gap wider than this many word spaces separates cells
SPLIT_GAP = 1.3  # ... and before a word in the next column's text, this many
MAX_BETWEEN = 3  # wrapped-cell lines allowed between two table-like rows
CONTINUATION = 0.85  # a row closer than this share of the row pitch to its neighbour continues it
BAND_OVERLAP = 0.3  # blocks overlapping vertically by more than this share of a text height sit side by side


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
    top: float  # median top of its words
    cells: list[_Cell] = field(default_factory=list)


@dataclass(frozen=True)
class _Metrics:
    height: float  # median word height
    space: float  # median gap between neighbouring words of a line


@dataclass(frozen=True, slots=True)
class Layout:
    text: str
    words: tuple[OcrWord, ...]  # the words of `text` in its order (rule debris dropped or trimmed)


def lay_out(result: OcrResult) -> str:
    """The page text in reading order: Tesseract's, with table regions rebuilt as TAB-separated rows."""
    return lay_out_words(result).text


def lay_out_words(result: OcrResult) -> Layout:
    """The page text as `lay_out`, with the recognizer's words in the order the text uses them, so
    per-token confidences can be aligned by sequence even where table cells were reordered."""
    result = in_reading_order(result)
    unchanged = Layout(result.text, result.words)
    words = [w for w in result.words if w.text.strip()]
    if len(words) < MIN_ROWS * MIN_CELLS:
        return unchanged
    m = _metrics(words)
    if m is None:
        return unchanged
    rows = _rows(words, m)
    for r in rows:
        r.cells = _split_cells(r.words, m.space * CELL_GAP)
    regions = _regions(rows)
    if not regions:
        return unchanged
    return _splice(result, regions, m) or unchanged


def in_reading_order(result: OcrResult) -> OcrResult:
    """Tesseract's blocks top to bottom where they are stacked; side by side, in Tesseract's order.

    Why: after a table, Tesseract may make each line its own block and order the blocks by column
    (a bullet's wrapped line, flush left, before the indented bullet it ends; a heading after the
    text under it). A report's body is one column, so blocks whose vertical extents do not overlap
    are put in page order. Blocks that overlap vertically (a letterhead's agency name beside the
    national motto, a signature beside "Nơi nhận") form one band and keep Tesseract's order, which
    reads such a band block by block. The text is rebuilt from the reordered words (`txt` layout).
    """
    blocks = [list(g) for _, g in groupby(result.words, key=lambda w: w.line[0])]
    if len(blocks) < 2:
        return result
    tops = [min(w.top for w in b) for b in blocks]
    bottoms = [max(w.top + w.height for w in b) for b in blocks]
    slack = statistics.median(w.height for w in result.words) * BAND_OVERLAP
    band_of: dict[int, int] = {}
    band, band_bottom = -1, float("-inf")
    for i in sorted(range(len(blocks)), key=lambda i: tops[i]):
        if tops[i] > band_bottom - slack:
            band, band_bottom = band + 1, bottoms[i]
        else:
            band_bottom = max(band_bottom, bottoms[i])
        band_of[i] = band
    order = sorted(range(len(blocks)), key=lambda i: (band_of[i], i))
    if order == list(range(len(blocks))):
        return result
    words = tuple(w for i in order for w in blocks[i])
    return dataclasses.replace(result, text=text_from_words(words), words=words)


# --------------------------------------------------------------------------- geometry


def _metrics(words: Sequence[OcrWord]) -> _Metrics | None:
    heights = [w.height for w in words if any(c.isalnum() for c in w.text)]
    if not heights:
        return None
    height = float(statistics.median(heights))
    gaps = []
    for _, g in groupby(words, key=lambda w: w.line):
        line = sorted(g, key=lambda w: w.left)
        for a, b in pairwise(line):
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
    return _Row(words, float(statistics.median(w.top for w in text_words)))


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


def _is_value(text: str) -> bool:
    """A figure cell, or the status cell of a criterion table (`Đ`, `Đạt`, `Không đạt`; OCR's eth for Đ)."""
    return _is_numeric(text) or STATUS_CELL.match(text.replace("Ð", "Đ")) is not None


def _value_share(row: _Row) -> float:
    return sum(_is_value(c.text) for c in row.cells) / len(row.cells) if row.cells else 0.0


def _table_like(row: _Row) -> bool:
    """>= 3 cells, at least two of them (and 40 %) values: a misread row number leaves it table-like."""
    values = sum(_is_value(c.text) for c in row.cells)
    return len(row.cells) >= MIN_CELLS and values >= 2 and values >= 0.4 * len(row.cells)


def _overlap(a: _Cell, b: _Cell) -> bool:
    return a.x0 <= b.x1 and b.x0 <= a.x1


def _fits(row: _Row, table: Sequence[_Row]) -> bool:
    """The row's cells line up with the columns of the table so far: at least MIN_CELLS of them, and
    two thirds, overlap a cell of one of its rows (a row with empty cells still fits)."""
    matched = sum(any(_overlap(c, o) for r in table for o in r.cells) for c in row.cells)
    return matched >= MIN_CELLS and 3 * matched >= 2 * len(row.cells)


def _bridges(row: _Row, columns: Sequence[_Cell]) -> bool:
    """A cell of `row` overlaps two of `columns` (a prose line running across a table's columns)."""
    return any(sum(_overlap(c, col) for col in columns) > 1 for c in row.cells)


# --------------------------------------------------------------------------- regions


@dataclass
class _Region:
    rows: list[_Row]  # y order
    seps: list[float]  # x of the column boundaries
    columns: list[_Cell]  # x-extent of each column's text in the table-like rows
    pitch: float  # least distance between the tops of two table-like rows

    @property
    def ncols(self) -> int:
        return len(self.seps) + 1


def _regions(rows: list[_Row]) -> list[_Region]:
    """Table regions, top to bottom, none sharing a row."""
    out: list[_Region] = []
    i = 0
    floor = 0  # first row not yet in a region
    while i < len(rows):
        if not _table_like(rows[i]):
            i += 1
            continue
        core = [i]
        j = i + 1
        while j < len(rows) and j - core[-1] - 1 <= MAX_BETWEEN:
            last = rows[core[-1]]
            if _table_like(rows[j]) and _fits(rows[j], [rows[k] for k in core]):
                core.append(j)
            elif _table_like(rows[j]) or _bridges(rows[j], last.cells) or not rows[j].cells:
                break
            j += 1
        if len(core) < MIN_ROWS or sum(_value_share(rows[k]) for k in core) < 0.5 * len(core):
            i += 1
            continue
        found = _build_region(rows, core, floor)
        if found is None:
            i = core[-1] + 1
            continue
        region, end = found
        out.append(region)
        i = floor = end + 1
    return out


def _grid(rows: Sequence[_Row]) -> tuple[list[float], list[_Cell]] | None:
    """Column boundaries, and the x-extent each column's text takes, from the table-like rows.

    A column is a run of x covered by cells of the rows that overlap one another; a cell that
    overlaps two cells of another row (a merged cell, or two cells read as one) takes no part.
    Empty cells do not matter: a column needs text in one row only.
    """
    spans: list[tuple[int, int]] = []
    for r in rows:
        for c in r.cells:
            if not any(sum(_overlap(c, o) for o in other.cells) > 1 for other in rows if other is not r):
                spans.append((c.x0, c.x1))
    spans.sort()
    bands: list[list[int]] = []
    for x0, x1 in spans:
        if bands and x0 <= bands[-1][1]:
            bands[-1][1] = max(bands[-1][1], x1)
        else:
            bands.append([x0, x1])
    if len(bands) < MIN_CELLS:
        return None
    seps = [(a[1] + b[0]) / 2 for a, b in pairwise(bands)]
    return seps, [_Cell([], [], a, b) for a, b in bands]


def _build_region(rows: list[_Row], core: list[int], floor: int) -> tuple[_Region, int] | None:
    """The region around the table-like rows `core`, not above row `floor`; and its last row."""
    grid = _grid([rows[k] for k in core])
    if grid is None:
        return None
    seps, columns = grid
    pitch = min(rows[b].top - rows[a].top for a, b in pairwise(core))
    # header rows above and wrapped lines / totals below: rows that sit in the columns, close by
    first = max(floor, _extend(rows, core[0], -1, columns, pitch))
    last = _extend(rows, core[-1], +1, columns, pitch)
    return _Region(rows[first : last + 1], seps, columns, pitch), last


def _extend(rows: list[_Row], edge: int, step: int, columns: Sequence[_Cell], pitch: float) -> int:
    """Move `edge` over neighbouring rows that fit the columns; a one-cell row only between others."""
    best = edge
    k = edge + step
    while 0 <= k < len(rows) and abs(k - best) <= MAX_BETWEEN:
        prev = rows[k - step]
        row = rows[k]
        if not row.cells or _bridges(row, columns) or abs(row.top - prev.top) > 1.5 * pitch:
            break
        if row.cells[0].x1 < columns[0].x0 or row.cells[-1].x0 > columns[-1].x1:
            break  # text beside the table
        if len(row.cells) >= 2 or (step > 0 and _continues(row, prev, columns, pitch)):
            best = k
        k += step
    return best


def _continues(row: _Row, prev: _Row, columns: Sequence[_Cell], pitch: float) -> bool:
    """A wrapped line of the row above: close to it and nothing in the first column."""
    return row.top - prev.top < CONTINUATION * pitch and not _overlap(row.cells[0], columns[0])


# --------------------------------------------------------------------------- region text


def _region_lines(region: _Region, m: _Metrics) -> list[tuple[str, list[OcrWord]]]:
    """One TAB-separated line per table row, with its words in text order; wrapped lines are joined
    into the row they belong to."""
    n = region.ncols
    grid_rows: list[list[list[_Cell]]] = []
    for row in region.rows:
        fields: list[list[_Cell]] = [[] for _ in range(n)]
        for cell in _split_cells(row.words, m.space * CELL_GAP):
            for part in _split_at_columns(cell, region, m.space * SPLIT_GAP):
                fields[bisect.bisect(region.seps, part.x0)].append(part)
        grid_rows.append(fields)
    out = []
    for group in _group_rows(region, grid_rows):
        parts = [[p for k in group for p in grid_rows[k][c]] for c in range(n)]
        line = "\t".join(" ".join(p.text for p in ps) for ps in parts).rstrip("\t")
        words = [
            w if t == w.text else dataclasses.replace(w, text=t)
            for ps in parts
            for p in ps
            for w, t in zip(p.words, p.texts, strict=True)
        ]
        if line:
            out.append((line, words))
    return out


def _split_at_columns(cell: _Cell, region: _Region, min_gap: float) -> list[_Cell]:
    """A cell running into the next column is cut before a word lying in that column's text, when a
    gap wider than a space precedes it (two cells read as one). A cell written across columns (a
    merged cell: words one space apart) stays whole."""
    parts: list[_Cell] = []
    start = 0
    for k in range(1, len(cell.words)):
        a, b = cell.words[k - 1], cell.words[k]
        if b.left - (a.left + a.width) <= min_gap:
            continue
        here = bisect.bisect(region.seps, cell.words[start].left)
        probe = _Cell([], [], b.left, b.left + b.width)
        if any(_overlap(probe, col) for col in region.columns[here + 1 :]):
            parts.append(_part(cell, start, k))
            start = k
    parts.append(_part(cell, start, len(cell.words)))
    return parts


def _part(cell: _Cell, i: int, j: int) -> _Cell:
    words = cell.words[i:j]
    return _Cell(words, cell.texts[i:j], words[0].left, max(w.left + w.width for w in words))


def _group_rows(region: _Region, grid_rows: list[list[list[_Cell]]]) -> list[list[int]]:
    """Rows of the region as table rows: a line with an empty first column close to its neighbour
    is a wrapped line of the nearer neighbour's row (above for top-aligned cells, below for cells
    centred vertically beside a taller one)."""
    rows = region.rows
    pitch = region.pitch
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


def _splice(result: OcrResult, regions: Sequence[_Region], m: _Metrics) -> Layout | None:
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
    line_at = dict(zip(text_rows, line_ids, strict=True))
    replace: dict[int, list[tuple[str, list[OcrWord]]]] = {}
    owner: dict[int, int] = {}
    for n, region in enumerate(regions):
        taken = {id(w) for r in region.rows for w in r.words}
        lids = sorted({w.line for r in region.rows for w in r.words}, key=lambda lid: index_of[lid])
        if any(index_of[lid] in owner for lid in lids):
            return None
        for lid in lids:
            owner[index_of[lid]] = n
            rest = [w for w in words_of[lid] if id(w) not in taken]  # words of the line beside the table
            replace[index_of[lid]] = [(" ".join(w.text for w in rest), rest)] if rest else []
        first = index_of[lids[0]]
        replace[first] = _region_lines(region, m) + replace[first]
    out: list[str] = []
    out_words: list[OcrWord] = []
    for k, ln in enumerate(lines):
        if k in replace:
            for text, words in replace[k]:
                out.append(text)
                out_words.extend(words)
        elif not ln.strip() and _between_same(lines, k, owner):
            continue  # a blank line Tesseract put between two rows of the same table
        else:
            out.append(ln)
            out_words.extend(words_of[line_at[k]] if ln.strip() else ())
    return Layout("\n".join(out), tuple(out_words))


def _between_same(lines: list[str], k: int, owner: dict[int, int]) -> bool:
    above = next((i for i in range(k - 1, -1, -1) if lines[i].strip()), None)
    below = next((i for i in range(k + 1, len(lines)) if lines[i].strip()), None)
    return above in owner and below in owner and owner[above] == owner[below]
