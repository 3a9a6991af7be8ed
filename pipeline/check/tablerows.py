"""Row identities of a table: within one row, columns whose headers name the metrics of an accounting
identity of `schemas/sums.yaml` (received = resolved + pending; resolved = early + on time + late).

Why by the columns' metrics: a statistics table states "Tổng | Đã xử lý | Chưa xử lý | Trước hạn |
Đúng hạn | Trễ hạn" once in its header and then one row per unit or level; no word in a row says which
cells add up, but the header's metrics do, and they say it for every row alike. Rules:

- the total of an identity is the row's cell of the identity's total metric, else the cell of a
  column headed by a total word ("Tổng", "Tổng số hồ sơ": `total_labels` of schemas/tables.yaml with
  a short gloss) that carries no stage of its own;
- every required part of the identity has exactly one cell of the row (its metric one of the part's),
  an optional part is added when present; cells are counts of one unit, none empty;
- only a `complete` identity may report a mismatch; a misfit of any other is unverifiable (the table
  may leave out a part it has no column for, and the catalog's `parts:` list channels).
"""

from __future__ import annotations

from dataclasses import replace

from pipeline.check.grid import Grid, GridRow, Words
from pipeline.check.passage import Fig, compatible
from pipeline.check.relation import Relation
from pipeline.check.sumrules import Identity, SumRules
from pipeline.check.tablesums import is_total, sum_relation

_UNSTAGED = frozenset({None, "dossiers_counted"})  # a bare total's own metric: no stage named


def _total_of(words: Words, grid: Grid, row: GridRow, ident: Identity) -> Fig | None:
    by_metric = [f for f in row.figs if f is not None and f.metric == ident.total]
    if len(by_metric) == 1:
        return by_metric[0]
    if by_metric:
        return None
    headed = [f for c, f in enumerate(row.figs)
              if f is not None and f.metric in _UNSTAGED and is_total(words, grid.table.header_of(c))]
    return headed[0] if len(headed) == 1 else None


def _parts_of(row: GridRow, ident: Identity, total: Fig) -> list[Fig] | None:
    parts: list[Fig] = []
    for alts in ident.parts:
        found = [f for f in row.figs if f is not None and f is not total and f.metric in alts]
        if len(found) != 1:
            return None
        parts.append(found[0])
    parts += [f for f in row.figs if f is not None and f is not total and f.metric in ident.optional]
    return parts


def row_identities(words: Words, grid: Grid, sr: SumRules) -> list[Relation]:
    """Every identity of sums.yaml a body row of the table states by its columns' metrics."""
    out: list[Relation] = []
    for row in grid.rows:
        if row.section:
            continue
        for ident in sr.identities:
            total = _total_of(words, grid, row, ident)
            if total is None or not total.countlike:
                continue
            parts = _parts_of(row, ident, total)
            if parts is None or len({id(p) for p in parts}) != len(parts):
                continue
            if not all(p.countlike and p.kind == total.kind and compatible(p.unit, total.unit) for p in parts):
                continue
            parts.sort(key=lambda f: f.start)
            names = " + ".join(_head(grid, row, p) for p in parts)
            rel = sum_relation(total, parts, f"bảng: {_head(grid, row, total)} = {names}")
            out.append(rel if ident.complete else replace(rel, strong=False))
    return out


def _head(grid: Grid, row: GridRow, f: Fig) -> str:
    col = next(c for c, x in enumerate(row.figs) if x is f)
    return grid.table.header_of(col) or f.metric or f"cột {col}"
