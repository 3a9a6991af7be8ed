"""One list per set of parts and one relation per claim, when several finders see the same structure.

Why a separate step: finders stay simple by reporting what they see; this step decides which reading
wins (the strong over the weak, the earlier over the later).
"""

from __future__ import annotations

from pipeline.check.passage import PartList
from pipeline.check.relation import Relation


def dedupe_lists(lists: list[PartList]) -> list[PartList]:
    """One list per set of parts: a strong reading wins over a weak one, the earlier over the later."""
    out: list[PartList] = []
    seen: dict[tuple[int, ...], int] = {}
    for lst in sorted(lists, key=lambda x: (not x.strong, x.start)):
        key = tuple(p.fig.start for p in lst.parts)
        if key in seen:
            continue
        # a list whose parts are all inside another list with the same total is the same list
        if any(o.total is lst.total and set(key) <= {p.fig.start for p in o.parts} for o in out):
            continue
        seen[key] = len(out)
        out.append(lst)
    return sorted(out, key=lambda x: x.start)


def dedupe_relations(rels: list[Relation]) -> list[Relation]:
    out: list[Relation] = []
    seen: set[tuple[str, tuple[float, ...], float, tuple[str, ...]]] = set()
    for r in sorted(rels, key=lambda r: (r.char_start, r.char_end, r.rule)):
        fam = "percent_of" if r.rule in ("ratio_percent", "share_of_total") else r.rule
        key = (fam, tuple(round(x, 9) for x in r.operands), round(r.stated, 9), r.fact_ids[-1:])
        if key in seen:
            continue
        seen.add(key)
        out.append(r)
    return out

