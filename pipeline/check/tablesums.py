"""The arithmetic a table states by its shape: a parent row split by a complete breakdown under it
("Công lập" / "Ngoài công lập"), a total row over the rows of its block, and an index block
("Chỉ số phát triển (Năm trước = 100)") whose cells are a column over the previous year's.

Why by shape and not by wording: a yearbook table says none of this in words; which rows add up is
told by the labels (a breakdown's members, "Tổng số"), and which columns compare by the header's
years. Rules, column by column, never across columns of different rows' units:

- a breakdown: a row followed by rows naming every member of one set of `schemas/tables.yaml`
  `breakdowns` (each once) is their sum; a column where a member's cell is empty ("-") is skipped
  (the table does not state that part);
- a total row (its label is a `total_labels` word, with at most a short gloss) sums the top rows of
  its block — those that are no breakdown member and stand before any "Trong đó" row — below it when
  it opens the block, above it when it closes it. A block's first row with no total word ("Số lớp
  học" over its levels) is read as their total only when it is, exactly, in more than half of at
  least `_MIN_UNLABELLED_COLUMNS` columns — then every column is checked, the others as mismatches;
- a first or last value column headed by a total word sums the other value columns of its row,
  unless a column is a percent, rate or index column or the cells carry different units;
- an index block: its k-th row is the k-th row of the values block before it, and its cell in a
  column is that column over the previous one times 100 — only where the header's years make the
  previous column the previous year (a "2010 | 2014" step is not a year-on-year index).
"""

from __future__ import annotations

from collections.abc import Sequence

import regex

from pipeline.check.grid import Grid, GridRow, Words, bare_label, blocks, label_key, member_of
from pipeline.check.passage import Fig
from pipeline.check.relation import Relation
from pipeline.check.verdict import percent_fits

_MIN_UNLABELLED_COLUMNS = 3  # columns an unlabelled first row must total before it is read as a total
_MAX_GLOSS_WORDS = 3
_PERCENT_HEAD = regex.compile(r"%|tỷ lệ|tỉ lệ|cơ cấu|chỉ số|bình quân", regex.IGNORECASE)
_TOTAL_ROW = "bảng: dòng tổng cộng"  # "Tổng số - Total": the words a total label may carry after its total word


def _countlike(f: Fig | None) -> bool:
    return f is not None and f.countlike and f.kind != "percent"


def _half(f: Fig) -> float:
    return 0.5 * 10.0 ** -f.decimals if f.decimals else 0.0


def _intervals_meet(total: Fig, parts: Sequence[Fig]) -> bool:
    """Whether the parts' intervals (± half a unit of the last written digit) add up to one that
    meets the total's (FORMAT.md: figures with decimals are intervals, as XBRL Calculations 1.1)."""
    spread = _half(total) + sum(_half(p) for p in parts)
    return abs(sum(p.value for p in parts) - total.value) <= spread + 1e-9


def sum_relation(total: Fig, parts: Sequence[Fig], connective: str) -> Relation:
    first = min([total, *parts], key=lambda f: f.start)
    last = max([total, *parts], key=lambda f: f.end)
    # figures with decimals are intervals: a sum their intervals allow is no mismatch
    rounded = any(f.decimals for f in [total, *parts]) and _intervals_meet(total, parts)
    return Relation(
        rule="sum_parts",
        operands=tuple(p.value for p in parts),
        stated=total.value,
        char_start=first.start,
        char_end=last.end,
        fact_ids=tuple(i for x in [*parts, total] for i in x.fact_ids),
        connective=connective,
        decimals=(total.decimals,),
        strong=not rounded,
    )


def _column_sums(parent: GridRow, children: Sequence[GridRow], width: int) -> list[tuple[int, Fig, list[Fig]]]:
    """(column, total, parts) of every column where the parent and every child hold a count."""
    out = []
    for c in range(width):
        t = parent.fig(c)
        parts = [ch.fig(c) for ch in children]
        if not _countlike(t) or not all(_countlike(p) for p in parts):
            continue
        out.append((c, t, [p for p in parts if p is not None]))
    return out


def _breakdown_at(words: Words, rows: Sequence[GridRow], i: int) -> list[GridRow]:
    """The rows right after rows[i] that name every member of one breakdown, or []."""
    if i + 1 >= len(rows):
        return []
    first = member_of(words, rows[i + 1].label)
    group = next((g for g in words.breakdowns if first in g), None)
    if group is None or member_of(words, rows[i].label) in group:
        return []
    seen: list[str] = []
    j = i + 1
    while j < len(rows) and len(seen) < len(group):
        m = member_of(words, rows[j].label)
        if m not in group or m in seen:
            return []
        seen.append(m)
        j += 1
    return list(rows[i + 1:j]) if len(seen) == len(group) else []


def breakdown_sums(words: Words, grid: Grid, rows: Sequence[GridRow]) -> tuple[list[Relation], set[int]]:
    """Parent = sum of its complete breakdown, per column; also the indices of the child rows."""
    out: list[Relation] = []
    children: set[int] = set()
    for i, row in enumerate(rows):
        kids = _breakdown_at(words, rows, i)
        if not kids:
            continue
        children.update(k.index for k in kids)
        names = " + ".join(bare_label(k.label) for k in kids)
        for _, total, parts in _column_sums(row, kids, grid.width):
            out.append(sum_relation(total, parts, f"bảng: {bare_label(row.label)} = {names}"))
    return out, children


def is_total(words: Words, label: str) -> bool:
    m = words.total.match(bare_label(label))
    return m is not None and len(bare_label(label)[m.end():].split()) <= _MAX_GLOSS_WORDS


def total_sums(words: Words, grid: Grid, rows: Sequence[GridRow], children: set[int]) -> list[Relation]:
    """A total row (first or last of its block) = sum of the block's top rows, per column."""
    totals = [k for k, r in enumerate(rows) if is_total(words, r.label)]
    unlabelled = not totals and len(rows) > 2
    if unlabelled:
        totals = [0]  # a first row with no total word: a total only if the table bears it out
    if len(totals) != 1 or totals[0] not in (0, len(rows) - 1):
        return []
    k = totals[0]
    others = rows[k + 1:] if k == 0 else rows[:k]
    top: list[GridRow] = []
    for r in others:
        if words.partial.match(bare_label(r.label)):
            break
        if r.index not in children:
            top.append(r)
    if len(top) < 2:
        return []
    sums = _column_sums(rows[k], top, grid.width)
    if unlabelled:
        fits = sum(1 for _, t, parts in sums if abs(sum(p.value for p in parts) - t.value) < 1e-9)
        if len(sums) < _MIN_UNLABELLED_COLUMNS or 2 * fits <= len(sums):
            return []
    return [sum_relation(t, parts, _TOTAL_ROW + (f" / {h.lower()}" if (h := grid.table.header_of(c)) else ""))
            for c, t, parts in sums]


def _pairs(values: Sequence[GridRow], index: Sequence[GridRow]) -> list[tuple[GridRow, GridRow]]:
    """Index rows with the value rows they index: in order when the blocks are as long, else each with
    the next value row of the same label (the labels repeat in order; "Công lập" under each level)."""
    if len(values) == len(index):
        return list(zip(values, index, strict=True))
    out: list[tuple[GridRow, GridRow]] = []
    k = 0
    for x in index:
        key = label_key(x.label)
        j = next((j for j in range(k, len(values)) if label_key(values[j].label) == key), None)
        if j is None:
            continue
        out.append((values[j], x))
        k = j + 1
    return out



def index_ratios(words: Words, grid: Grid, used_pct: set[int]) -> list[Relation]:
    """Index cells (previous year = 100) against the value block before them (module docstring)."""
    out: list[Relation] = []
    values: list[GridRow] = []
    for kind, rows in blocks(words, grid):
        if kind == "values":
            values = rows
            continue
        if kind != "index" or not values:
            continue
        for v, x in _pairs(values, rows):
            for c in range(1, grid.width):
                y0, y1 = grid.years[c - 1], grid.years[c]
                prev, cur, idx = v.fig(c - 1), v.fig(c), x.fig(c)
                if y0 is None or y1 is None or y1 != y0 + 1 or idx is None:
                    continue
                if not _countlike(prev) or not _countlike(cur) or prev is None or cur is None or not prev.value:
                    continue
                used_pct.add(idx.start)
                out.append(Relation(
                    rule="ratio_percent",
                    operands=(cur.value, prev.value),
                    stated=idx.value,
                    char_start=min(prev.start, idx.start),
                    char_end=max(cur.end, idx.end),
                    fact_ids=cur.fact_ids + prev.fact_ids + idx.fact_ids,
                    connective=f"bảng: chỉ số phát triển {y1}/{y0} (năm trước = 100)",
                    decimals=(idx.decimals,),
                ))
    return out


def structure_shares(words: Words, grid: Grid, rows: Sequence[GridRow], children: set[int]) -> list[Relation]:
    """A structure block ("Cơ cấu - %"): the top rows of each column split one whole, 100 % (or the
    total row's figure), within the precision each share is written to."""
    top = [r for r in rows if r.index not in children and not is_total(words, r.label)]
    totals = [r for r in rows if is_total(words, r.label)]
    out: list[Relation] = []
    if len(top) < 2:
        return out
    for c in range(grid.width):
        shares = [r.fig(c) for r in top]
        if not all(f is not None and not f.qualifier for f in shares):
            continue
        figs = [f for f in shares if f is not None]
        whole = totals[0].fig(c) if totals else None
        first, last = min(figs, key=lambda f: f.start), max(figs, key=lambda f: f.end)
        out.append(Relation(
            rule="shares_exceed_total",
            operands=tuple(f.value for f in figs),
            stated=whole.value if whole is not None else 100.0,
            char_start=min(first.start, whole.start) if whole is not None else first.start,
            char_end=last.end,
            fact_ids=tuple(i for f in figs for i in f.fact_ids) + (whole.fact_ids if whole is not None else ()),
            connective="bảng: cơ cấu (%)",
            decimals=tuple(f.decimals for f in figs),
        ))
    return out


def _column_heads(grid: Grid) -> dict[int, str]:
    """Header text of each column, from header rows as wide as the table (a row that lacks the label
    cell cannot be placed column by column), or a numeric table's aligned header names."""
    heads: dict[int, str] = {}
    for row in grid.table.rows[:grid.table.header_rows]:
        if len(row.cells) == grid.width:
            for c in row.cells:
                heads[c.column] = f"{heads.get(c.column, '')} {c.text}".strip()
    if not heads and grid.table.style == "numeric" and len(grid.table.header) == grid.width:
        heads = dict(enumerate(grid.table.header))  # its header lines were aligned onto the columns
    return heads


def total_column_sums(words: Words, grid: Grid) -> list[Relation]:
    """A first or last value column headed "Tổng số" is, row by row, the sum of the other value
    columns — when none of them is a percent or rate column and all hold counts of one unit."""
    heads = _column_heads(grid)
    data = [r for r in grid.rows if not r.section]
    valued = sorted({c for r in data for c, f in enumerate(r.figs) if f is not None or r.empty[c]})
    if len(valued) < 3:
        return []
    totals = [c for c in (valued[0], valued[-1]) if is_total(words, heads.get(c, ""))]
    if len(totals) != 1 or any(_PERCENT_HEAD.search(heads.get(c, "")) for c in valued):
        return []
    t_col = totals[0]
    out: list[Relation] = []
    for r in data:
        total = r.fig(t_col)
        parts = [r.fig(c) for c in valued if c != t_col]
        if not _countlike(total) or not all(_countlike(p) for p in parts):
            continue
        figs = [p for p in parts if p is not None]
        if total is None or len({f.unit for f in [total, *figs] if f.unit}) > 1:
            continue
        out.append(sum_relation(total, figs, f"bảng: cột {heads.get(t_col, '').lower()} / {bare_label(r.label)}"))
    return out


def table_sums(words: Words, grid: Grid) -> list[Relation]:
    """Breakdown and total-row sums of every values block of the table, shares of its structure
    blocks."""
    out: list[Relation] = []
    for kind, rows in blocks(words, grid):
        if kind == "structure":
            _, children = breakdown_sums(words, grid, rows)
            out += structure_shares(words, grid, rows, children)
            continue
        if kind != "values":
            continue
        rels, children = breakdown_sums(words, grid, rows)
        out += rels
        out += total_sums(words, grid, rows, children)
    return out + total_column_sums(words, grid)


def fits_ratio(x: Fig | None, y: Fig | None, p: Fig | None) -> bool:
    """Whether p is x over y in percent at p's written precision."""
    if not _countlike(x) or not _countlike(y) or p is None or x is None or y is None or not y.value:
        return False
    return percent_fits(p.value, 100.0 * x.value / y.value, p.decimals)
