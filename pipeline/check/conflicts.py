"""One quantity stated twice with two values: a breakdown restated for the same period and section with
another total, and one metric, subject and period (from the meaning stage) stated in two sections with
two values.

Why the scope checks: the same words often describe different scopes (the province and one of its
districts, siblings of one enumeration), so figures are compared only when period, subject and unit
agree, and every such row says that the two scopes may still differ.
"""

from __future__ import annotations

from pipeline.check.clauses import norm_label, period_of
from pipeline.check.passage import Fig, PartList, Passage
from pipeline.check.relation import Relation
from pipeline.model import section_at


def breakdown_conflicts(doc: Passage, lists: list[PartList]) -> list[Relation]:
    """The same breakdown restated for the same period and section with a different total."""
    out: list[Relation] = []
    keyed: list[tuple[tuple[str, str, str | None], set[tuple[str, ...]], PartList]] = []
    for lst in lists:
        t = lst.total
        if t is None or not lst.strong or t.qualifier or len(lst.parts) < 2:
            continue
        sec = section_at(doc.sections, t.start)
        period = period_of(doc, t, lst.head)
        if sec is None or period is None:
            continue
        labels = {norm_label(doc, p.label) for p in lst.parts} - {()}
        keyed.append(((sec.section_id, period, t.unit), labels, lst))
    for a in range(len(keyed)):
        for b in range(a + 1, len(keyed)):
            ka, la, A = keyed[a]
            kb, lb, B = keyed[b]
            if ka != kb or len(la & lb) < 2:
                continue
            ta, tb = A.total, B.total
            assert ta is not None and tb is not None
            if abs(ta.total_value - tb.total_value) < 1e-9:
                continue
            out.append(
                Relation(
                    rule="conflicting_values",
                    operands=(ta.total_value,),
                    stated=tb.total_value,
                    char_start=tb.start,
                    char_end=tb.end,
                    fact_ids=ta.fact_ids + tb.fact_ids,
                    connective="cùng kỳ, cùng cơ cấu: " + ka[1],
                    decimals=(max(ta.decimals, tb.decimals),),
                    note="scope_may_differ",
                )
            )
    return out


def metric_conflicts(doc: Passage, parent: dict[int, Fig]) -> list[Relation]:
    """Facts tagged with the same metric, subject and period but different values, in different sections.

    A report restates a figure elsewhere: the summary against the detail, the text against its table,
    the results against "tồn tại, hạn chế". Two figures of one metric inside the same section are
    nearly always siblings of one enumeration (37 TTHC of which 4 TTHC ..., the adult smartphone rate
    next to the subscriber smartphone rate) that the metric catalog does not tell apart, so they are
    not compared here; a breakdown restated within a section is `breakdown_conflicts`' job. The units as written
    must agree ("73 ảnh sự kiện" is not "04 ảnh thiết kế"); the subjects agree by the grouping (none on
    either is the issuer as a whole).
    Parts of a breakdown (`parent`: part position -> its total) are compared only when tagged more
    finely than their total ("quá hạn 319" is dossiers_late, its total dossiers_resolved), and two parts
    not at all when their totals already differ (a restated breakdown conflicts once, on its total)."""
    out: list[Relation] = []
    groups: dict[tuple[str, str | None, str, str], list[Fig]] = {}
    for f in doc.figs:
        p = parent.get(f.start)
        if (
            f.metric
            and f.period
            and not f.qualifier
            and f.kind in ("count", "money", "percent", "ratio")  # "19/20 xã" states 19 xã
            and (p is None or p.metric != f.metric)
        ):
            kind = "count" if f.kind == "ratio" else f.kind  # the numerator of "19/20 xã" is a count of xã
            groups.setdefault((f.metric, f.subject, f.period, kind), []).append(f)
    for figs in groups.values():
        first = figs[0]
        seen = {first.value}
        for g in figs[1:]:
            if any(abs(g.value - v) <= 0.5 * 10 ** -max(g.decimals, first.decimals) for v in seen):
                continue
            pa, pb = parent.get(first.start), parent.get(g.start)
            if pa is not None and pb is not None and pa.total_value != pb.total_value:
                continue
            sa, sb = section_at(doc.sections, first.start), section_at(doc.sections, g.start)
            if sa == sb or (first.unit or "").casefold() != (g.unit or "").casefold():
                continue
            seen.add(g.value)
            out.append(
                Relation(
                    rule="conflicting_values",
                    operands=(first.value,),
                    stated=g.value,
                    char_start=g.start,
                    char_end=g.end,
                    fact_ids=first.fact_ids + g.fact_ids,
                    connective=f"metric {first.metric}",
                    decimals=(max(g.decimals, first.decimals),),
                    strong=True,
                    note="scope_may_differ",
                )
            )
    return out


