"""Tables written as text (tabs or pipes): a totals row is the sum of its column, a percent column is
the ratio of two other columns.

Why a private table reader: it is the check stage's own table parse, to be replaced by the shared
document structure; it reads only cells and the figures inside them.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from pipeline.check.clauses import norm_label
from pipeline.check.passage import Fig, Passage, clean
from pipeline.check.relation import Relation
from pipeline.check.verdict import percent_fits


@dataclass(slots=True)
class _Table:
    rows: list[list[tuple[int, int, str]]]  # cells: (start, end, text)
    header: list[str]
    body: list[int]  # indices of body rows
    total: int | None  # index of the totals row


_TOTAL_ROW = re.compile(
    r"^\W*(?:tổng\s+cộng|tổng\s+số|tổng|cộng|toàn\s+(?:huyện|tỉnh|xã|thành\s+phố|thị\s+xã))\W*$", re.I
)


def _tables(doc: Passage) -> list[_Table]:
    """Tab- or pipe-separated blocks of at least three rows, with their header and totals row."""
    out: list[_Table] = []
    block: list[list[tuple[int, int, str]]] = []
    for s, e in [*doc.lines, (len(doc.text) + 1, len(doc.text) + 1)]:
        line = doc.text[s:e] if s <= len(doc.text) else ""
        cells = _cells(line, s)
        if cells is not None:
            if not all(re.fullmatch(r"[\s:|-]*", c[2]) for c in cells):  # skip |---|---|
                block.append(cells)
            continue
        if len(block) >= 3:
            out.append(_make_table(doc, block))
        block = []
    return out


def _cells(line: str, off: int) -> list[tuple[int, int, str]] | None:
    if "\t" in line:
        sep = "\t"
    elif line.strip().startswith("|") and line.count("|") >= 3:
        sep = "|"
    else:
        return None
    cells, pos = [], 0
    for part in line.split(sep):
        cells.append((off + pos, off + pos + len(part), clean(part).strip()))
        pos += len(part) + 1
    if sep == "|":
        cells = cells[1:-1] if not cells[-1][2] else cells[1:]
    return cells


def _make_table(doc: Passage, block: list[list[tuple[int, int, str]]]) -> _Table:
    first = block[0]
    has_fig = any(doc.figs_between(a, b) for a, b, _ in first)
    header = [] if has_fig else [c[2].lower() for c in first]
    rows = block
    total = next((i for i, r in enumerate(rows) if i > 0 and any(_TOTAL_ROW.match(c[2]) for c in r)), None)
    start = 0 if has_fig else 1
    body = [i for i in range(start, total if total is not None else len(rows))]
    return _Table(rows=rows, header=header, body=body, total=total)


def _cell_fig(doc: Passage, cell: tuple[int, int, str]) -> Fig | None:
    figs = [f for f in doc.figs_between(cell[0], cell[1] + 1) if f.start < cell[1]]
    return figs[0] if len(figs) == 1 else None


def table_relations(doc: Passage, used_pct: set[int]) -> list[Relation]:
    """A totals row must be the sum of its column; a percent column the ratio of two others."""
    out: list[Relation] = []
    for tb in _tables(doc):
        width = max(len(r) for r in tb.rows)
        grid = [[_cell_fig(doc, r[c]) if c < len(r) else None for c in range(width)] for r in tb.rows]
        pct_cols = [
            c
            for c in range(width)
            if (c < len(tb.header) and re.search(r"tỷ lệ|tỉ lệ|%", tb.header[c]))
            or any(grid[i][c] is not None and grid[i][c].kind == "percent" for i in tb.body)
        ]
        if tb.total is not None and len(tb.body) >= 2:
            for c in range(width):
                t = grid[tb.total][c]
                col = [grid[i][c] for i in tb.body]
                if (
                    c in pct_cols
                    or t is None
                    or not t.countlike
                    or any(x is None or not x.countlike for x in col)
                ):
                    continue
                figs = [x for x in col if x is not None]
                out.append(
                    Relation(
                        rule="sum_parts",
                        operands=tuple(x.value for x in figs),
                        stated=t.value,
                        char_start=figs[0].start,
                        char_end=t.end,
                        fact_ids=tuple(i for x in [*figs, t] for i in x.fact_ids),
                        connective="bảng: dòng tổng cộng"
                        + (f" / {tb.header[c]}" if c < len(tb.header) else ""),
                        decimals=(t.decimals,),
                    )
                )
        rows = tb.body + ([tb.total] if tb.total is not None else [])
        for c in pct_cols:
            best: tuple[int, int, int] | None = None
            for a in range(width):
                for b in range(width):
                    if a == b or a in pct_cols or b in pct_cols:
                        continue
                    n = sum(1 for i in rows if _cell_ratio_fits(grid[i][a], grid[i][b], grid[i][c]))
                    if best is None or n > best[0]:
                        best = (n, a, b)
            if best is None or best[0] < max(2, math.ceil(2 * len(rows) / 3)):
                continue
            _, a, b = best
            for i in rows:
                x, y, p = grid[i][a], grid[i][b], grid[i][c]
                if x is None or y is None or p is None or not x.countlike or not y.countlike:
                    continue
                used_pct.add(p.start)
                out.append(
                    Relation(
                        rule="ratio_percent",
                        operands=(x.value, y.value),
                        stated=p.value,
                        char_start=min(x.start, y.start),
                        char_end=p.end,
                        fact_ids=x.fact_ids + y.fact_ids + p.fact_ids,
                        connective="bảng: cột tỷ lệ",
                        decimals=(p.decimals,),
                    )
                )
    return out


_RATE_PHRASE = re.compile(
    r"(?:tỷ|tỉ)\s+lệ\s+([^.;:%\d]{3,90}?)\s*(?:đạt|là|:|=)\s*(?:(?:tỷ|tỉ)\s+lệ\s*)?", re.I
)


def table_rates(doc: Passage, used_pct: set[int]) -> list[Relation]:
    """ "Như vậy, tỷ lệ máy tính trên cán bộ, công chức đạt 95,2%" after a table: a rate of the totals
    row, its columns named by their headers (also as initials: "CBCC" = cán bộ, công chức)."""
    out: list[Relation] = []
    for tb in _tables(doc):
        if tb.total is None or not tb.header:
            continue
        row = tb.rows[tb.total]
        totals = {c: f for c in range(len(row)) if (f := _cell_fig(doc, row[c])) is not None and f.countlike}
        heads = {c: norm_label(doc, tb.header[c]) for c in totals if c < len(tb.header)}
        after = row[-1][1]
        stop = len(doc.text)
        for h in doc.heading_starts:
            if after < h < stop:
                stop = h
        window_end = min(stop, after + 600)
        for m in _RATE_PHRASE.finditer(doc.text, after, window_end):
            pct = doc.next_fig(m.end())
            if pct is None or pct.kind != "percent" or pct.start in used_pct or pct.start > m.end() + 3:
                continue
            label = m.group(1)
            if re.search(r"\s+trên\s+", label):
                x, y = re.split(r"\s+trên\s+", label, maxsplit=1)
                a = [c for c, hw in heads.items() if _names(doc, hw, x)]
                b = [c for c, hw in heads.items() if _names(doc, hw, y)]
                if len(a) != 1 or len(b) != 1 or a == b:
                    continue
                num, den = totals[a[0]], totals[b[0]]
            else:
                named = [c for c, hw in heads.items() if _names(doc, hw, label)]
                if len(named) != 2:
                    continue
                num, den = sorted((totals[c] for c in named), key=lambda f: f.value)
            used_pct.add(pct.start)
            out.append(
                Relation(
                    rule="ratio_percent",
                    operands=(num.value, den.value),
                    stated=pct.value,
                    char_start=row[0][0],
                    char_end=pct.end,
                    fact_ids=num.fact_ids + den.fact_ids + pct.fact_ids,
                    connective="bảng: tỷ lệ theo dòng tổng cộng",
                    decimals=(pct.decimals,),
                )
            )
    return out


def _names(doc: Passage, header: tuple[str, ...], term: str) -> bool:
    """Does a rate's term name this column? All header words in the term, or the header an acronym of
    consecutive words of the term."""
    tw = norm_label(doc, term)
    if not header or not tw:
        return False
    if set(header) <= set(tw):
        return True
    if len(header) == 1 and len(header[0]) >= 2:
        initials = "".join(w[0] for w in tw)
        return header[0] in initials
    return False


def _cell_ratio_fits(x: Fig | None, y: Fig | None, p: Fig | None) -> bool:
    if x is None or y is None or p is None or not x.countlike or not y.countlike or not y.value:
        return False
    return percent_fits(p.value, 100.0 * x.value / y.value, p.decimals)


