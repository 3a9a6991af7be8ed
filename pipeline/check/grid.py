"""A table of the document structure as the check stage reads it: its rows with their label and the
figure of each cell, their section blocks, the year of each column, and which rows split which.

Why separate from the finders: the sums, the index ratios and the percent columns all ask the same
questions of a table ("which figure is in this cell?", "is this row a child of that one?", "which
year is this column?"); the answers are computed once here from `pipeline.structure.tables.Table`
(the one table parse) and the figures the extractor found in its cells.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import regex

from pipeline.check.passage import Fig, Passage
from pipeline.config import Strict, load_model
from pipeline.structure.tables import Table

MIN_ROWS = 3  # a block of fewer rows is not a table the checks read
_RESTART_ROWS = 3

_EMPTY = regex.compile(r"[-–—…x]|\.{2,3}", regex.IGNORECASE)  # a cell that reports nothing
_YEAR = regex.compile(r"(?<!\d)(?:19|20)\d\d(?!\d)")
_MARKS = regex.compile(r"^[\s\-–+*•·.:)(]*(?:\d{1,2}[.)]\s*|[a-zđ][.)]\s+)?")


class TableWords(Strict):
    breakdowns: list[list[str]]
    total_labels: list[str]
    partial_labels: list[str]
    index_sections: list[str]
    structure_sections: list[str]


@dataclass(frozen=True, slots=True)
class Words:
    breakdowns: tuple[tuple[str, ...], ...]  # members longest first, so "ngoài công lập" wins
    member: regex.Pattern[str]
    total: regex.Pattern[str]
    partial: regex.Pattern[str]
    index: regex.Pattern[str]
    structure: regex.Pattern[str]


def _alternation(words: Sequence[str]) -> str:
    return "|".join(sorted(words, key=len, reverse=True))


def load_words() -> Words:
    w = load_model("tables.yaml", TableWords)
    members = [m for group in w.breakdowns for m in group]
    return Words(
        breakdowns=tuple(tuple(g) for g in w.breakdowns),
        member=regex.compile(rf"(?:{_alternation([regex.escape(m) for m in members])})(?!\w)", regex.I),
        total=regex.compile(rf"(?:{_alternation([regex.escape(m) for m in w.total_labels])})(?!\w)", regex.I),
        partial=regex.compile(rf"(?:{_alternation([regex.escape(m) for m in w.partial_labels])})(?!\w)", regex.I),
        index=regex.compile(_alternation(w.index_sections), regex.I),
        structure=regex.compile(_alternation(w.structure_sections), regex.I),
    )


@dataclass(frozen=True, slots=True)
class GridRow:
    """One row: `label` its text before the first figure cell, `figs` the figure of each column (None
    for no figure), `empty` whether that column's cell reports nothing ("-", "…", "x", blank)."""

    index: int  # the row's index in its table
    start: int
    end: int
    label: str
    figs: tuple[Fig | None, ...]
    empty: tuple[bool, ...]
    section: bool  # a row with a label and no figure: a section, unit or header row

    def fig(self, column: int) -> Fig | None:
        return self.figs[column] if column < len(self.figs) else None


@dataclass(frozen=True, slots=True)
class Grid:
    table: Table
    rows: tuple[GridRow, ...]  # body rows (after the header rows), in order
    years: tuple[int | None, ...]  # the year each column's header names (None if none)
    width: int


def _cell_fig(doc: Passage, start: int, end: int) -> Fig | None:
    figs = [f for f in doc.figs_between(start, end + 1) if f.start < end]
    return figs[0] if len(figs) == 1 else None


def _years(table: Table, width: int) -> tuple[int | None, ...]:
    """The year of each column from the header rows: a header row of years may lack the label cell
    (it is then set flush right over the value columns); a column whose header rows name several
    years (a school year "2018-2019" over two lines) takes the first."""
    out: list[int | None] = [None] * width
    for row in table.rows[:table.header_rows]:
        found = [(c.column, _YEAR.findall(c.text)) for c in row.cells]
        if sum(1 for _, ys in found if ys) < 2:
            continue
        shift = width - len(row.cells) if len(row.cells) < width else 0
        for col, ys in found:
            k = col + shift
            if ys and 0 <= k < width:
                y = int(ys[0])
                out[k] = y if out[k] is None else min(out[k], y)
    if all(y is None for y in out) and table.style == "numeric" and len(table.header) == width:
        # a numeric table's header names aligned onto its columns ("Năm 2022", "Năm 2023")
        found = [_YEAR.findall(h) for h in table.header]
        if sum(1 for ys in found if ys) >= 2:
            out = [int(ys[0]) if ys else None for ys in found]
    return tuple(out)


def grid_of(doc: Passage, table: Table) -> Grid:
    rows: list[GridRow] = []
    width = max(len(r.cells) for r in table.rows)
    for i, row in enumerate(table.rows):
        if i < table.header_rows or row.separator:
            continue
        figs = tuple(None if table.counter_column and c.column == 0 else _cell_fig(doc, c.start, c.end)
                     for c in row.cells)  # a row counter is no figure of the table
        empty = tuple(f is None and bool(c.text) and bool(_EMPTY.fullmatch(c.text))
                      for c, f in zip(row.cells, figs, strict=True))
        filled = [c.text for c in row.cells if c.text]
        if row.section or len(filled) <= 1:  # one cell: a section row even if it holds "= 100"
            rows.append(GridRow(i, row.start, row.end, " ".join(filled), (), (), True))
            continue
        first = next((k for k, f in enumerate(figs) if f is not None or empty[k]), len(figs))
        label = " ".join(c.text for c in row.cells[:first] if c.text)
        rows.append(GridRow(i, row.start, row.end, label, figs, empty, first == len(figs) and not any(empty)))
    return Grid(table, tuple(rows), _years(table, width), width)


def grids(doc: Passage, tables: Sequence[Table]) -> list[Grid]:
    """The check stage's view of every table of at least MIN_ROWS rows."""
    return [grid_of(doc, t) for t in tables if len(t.rows) >= MIN_ROWS]


def bare_label(label: str) -> str:
    """The label without its bullet marks or item numbers."""
    return _MARKS.sub("", label).strip()


def member_of(words: Words, label: str) -> str | None:
    """The breakdown member a row's label opens with ("Công lập - Public" → "công lập")."""
    m = words.member.match(bare_label(label))
    return m.group(0).casefold() if m else None


def blocks(words: Words, grid: Grid) -> list[tuple[str, list[GridRow]]]:
    """The table's rows split at index and structure section rows: ("values" | "index" | "structure",
    the data rows of that block). Other section rows (category names, units) stay inside a block.
    Where the row labels start over with no section row before, a new block begins; a section row
    that ends the table then names that block (flowed PDF text prints the title after it)."""
    out: list[tuple[str, list[GridRow]]] = [("values", [])]
    repeated = False  # the last block began where the row labels start over, under no section row
    rows = grid.rows
    for r, row in enumerate(rows):
        if row.section:
            kind = _section_kind(words, row)
            if kind and repeated and all(x.section for x in rows[r:]):  # a title printed after its block
                out[-1] = (kind, out[-1][1])
                repeated = False
            elif kind and (kind != out[-1][0] or out[-1][1]):
                out.append((kind, []))
                repeated = False
            continue
        block = out[-1][1]
        if _starts_over(block, rows, r):
            out.append(("values", []))
            repeated = True
        out[-1][1].append(row)
    return [(k, rs) for k, rs in out if rs]


def _section_kind(words: Words, row: GridRow) -> str | None:
    return "index" if words.index.search(row.label) else "structure" if words.structure.search(row.label) else None


def label_key(label: str) -> str:
    return " ".join(bare_label(label).casefold().replace("–", "-").split())


def _starts_over(block: Sequence[GridRow], rows: Sequence[GridRow], r: int) -> bool:
    """Whether rows[r] opens with the block's first word and the _RESTART_ROWS labels after it repeat
    those after the block's first row: the table starts its row labels over (a second block printed
    without a section row before it; one sub-level's "Công lập, Ngoài công lập" repeating is not)."""
    if len(block) < _RESTART_ROWS + 1:
        return False
    ahead = [x for x in rows[r + 1:] if not x.section][:_RESTART_ROWS]
    first = label_key(block[0].label).split()[:1]
    return (label_key(rows[r].label).split()[:1] == first and len(ahead) == _RESTART_ROWS
            and [label_key(x.label) for x in ahead] == [label_key(x.label) for x in block[1:1 + _RESTART_ROWS]])
