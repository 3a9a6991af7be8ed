"""Tables of the document structure (tab, pipe, space-aligned and PDF/DOCX cells, one model): their
sums (`pipeline.check.tablesums`), percent columns and the rates stated after a table.

Why here: the finders registered as "tables" and "table_rates" in checks.yaml; they read the tables
`pipeline.structure` parsed once (`Layout.tables`), as grids of figures (`pipeline.check.grid`).
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence

from pipeline.check.clauses import norm_label
from pipeline.check.grid import Grid, GridRow, grids, load_words
from pipeline.check.passage import Passage, compatible
from pipeline.check.relation import Relation
from pipeline.check.sumrules import load_sum_rules
from pipeline.check.tablerows import row_identities
from pipeline.check.tablesums import fits_ratio, index_ratios, table_sums
from pipeline.structure.tables import Table

_PERCENT_HEADER = re.compile(r"tỷ lệ|tỉ lệ|%|cơ cấu", re.I)


def _percent_columns(grid: Grid) -> list[int]:
    header = grid.table.header
    body = [r for r in grid.rows if not r.section]
    return [
        c for c in range(grid.width)
        if (c < len(header) and _PERCENT_HEADER.search(header[c]))
        or any((f := r.fig(c)) is not None and f.kind == "percent" for r in body)
    ]


def percent_columns(grid: Grid, used_pct: set[int]) -> list[Relation]:
    """A percent column that is, row by row, the ratio of two other columns (the pair that fits at
    least two thirds of the rows that state a percent is taken as the column's meaning)."""
    out: list[Relation] = []
    pct_cols = _percent_columns(grid)
    rows: list[GridRow] = [r for r in grid.rows if not r.section]
    for c in pct_cols:
        best: tuple[int, int, int] | None = None
        for a in range(grid.width):
            for b in range(grid.width):
                if a == b or a in pct_cols or b in pct_cols:
                    continue
                n = sum(1 for r in rows if fits_ratio(r.fig(a), r.fig(b), r.fig(c)))
                if best is None or n > best[0]:
                    best = (n, a, b)
        stated = sum(1 for r in rows if r.fig(c) is not None)  # an empty cell ("-") states no percent
        if best is None or best[0] < max(2, math.ceil(2 * stated / 3)):
            continue
        _, a, b = best
        if grid.years[a] is not None and grid.years[b] is not None and grid.years[a] != grid.years[b]:
            continue  # a year over another: a growth column, checked only where the text states the change
        for r in rows:
            x, y, p = r.fig(a), r.fig(b), r.fig(c)
            if x is None or y is None or p is None or not x.countlike or not y.countlike:
                continue
            used_pct.add(p.start)
            out.append(Relation(
                rule="ratio_percent",
                operands=(x.value, y.value),
                stated=p.value,
                char_start=min(x.start, y.start),
                char_end=p.end,
                fact_ids=x.fact_ids + y.fact_ids + p.fact_ids,
                connective="bảng: cột tỷ lệ",
                decimals=(p.decimals,),
            ))
    return out


def row_base_percents(grid: Grid, used_pct: set[int]) -> list[Relation]:
    """A row of (count, percent) cell pairs, one of them (N, 100 %): each other pair's percent is its
    count over N ("TTHC % TTHC %" under "Mức độ 1 … Mức độ 4": the share of each level in the whole).
    No pair may count more than N, and the counts must be of one unit."""
    out: list[Relation] = []
    for r in grid.rows:
        if r.section:
            continue
        pairs = [(x, p) for c in range(1, grid.width)
                 if (p := r.fig(c)) is not None and p.kind == "percent" and (x := r.fig(c - 1)) is not None
                 and x.countlike]
        bases = {x.value: x for x, p in pairs if p.value == 100}
        if len(pairs) < 2 or len(bases) != 1:
            continue
        base = next(iter(bases.values()))
        if any(x.value > base.value or not compatible(x.unit, base.unit) for x, _ in pairs):
            continue
        for x, p in pairs:
            if p.value == 100 or p.start in used_pct:
                continue
            used_pct.add(p.start)
            out.append(Relation(
                rule="ratio_percent",
                operands=(x.value, base.value),
                stated=p.value,
                char_start=min(x.start, base.start),
                char_end=max(p.end, base.end),
                fact_ids=x.fact_ids + base.fact_ids + p.fact_ids,
                connective="bảng: tỷ lệ trên cột 100%",
                decimals=(p.decimals,),
            ))
    return out


def table_relations(doc: Passage, tables: Sequence[Table], used_pct: set[int]) -> list[Relation]:
    """Sums (breakdowns, total rows, row identities), index blocks and percent columns of every table."""
    words = load_words()
    sr = load_sum_rules()
    out: list[Relation] = []
    for grid in grids(doc, tables):
        out += table_sums(words, grid)
        out += row_identities(words, grid, sr)
        out += index_ratios(words, grid, used_pct)
        out += percent_columns(grid, used_pct)
        out += row_base_percents(grid, used_pct)
    return out


_RATE_PHRASE = re.compile(
    r"(?:tỷ|tỉ)\s+lệ\s+([^.;:%\d]{3,90}?)\s*(?:đạt|là|:|=)\s*(?:(?:tỷ|tỉ)\s+lệ\s*)?", re.I
)


def table_rates(doc: Passage, tables: Sequence[Table], used_pct: set[int]) -> list[Relation]:
    """ "Như vậy, tỷ lệ máy tính trên cán bộ, công chức đạt 95,2%" after a table: a rate of the totals
    row, its columns named by their headers (also as initials: "CBCC" = cán bộ, công chức)."""
    out: list[Relation] = []
    for grid in grids(doc, tables):
        tb = grid.table
        if tb.total_row is None or tb.header_rows == 0:
            continue
        total = next((r for r in grid.rows if r.index == tb.total_row), None)
        if total is None:
            continue
        totals = {c: f for c, f in enumerate(total.figs) if f is not None and f.countlike}
        heads = {c: norm_label(doc, tb.header[c].lower()) for c in totals if c < len(tb.header)}
        after = total.end
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
                    char_start=total.start,
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
