"""Relations the metric catalog (schemas/metrics.yaml) defines between metrics: a parent is the sum of
its parts, a rate is its numerators over its denominator.

Why from the catalog object: metrics.yaml is read and validated once, by `extractors.catalog`; this
module only turns the metrics' `parts` / `numerator` / `denominator` into relations between the facts
tagged with those metrics.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from extractors.catalog import Catalog
from pipeline.check.parts import approx
from pipeline.check.passage import Fig, Passage
from pipeline.check.relation import Relation
from pipeline.model import section_at


@dataclass(frozen=True, slots=True)
class CatalogRelation:
    kind: str  # sum | ratio
    total: str  # sum: the parent metric; ratio: the percent metric
    parts: tuple[str, ...]  # sum: child metrics; ratio: numerator metrics
    denominator: str | None = None


def catalog_identities(catalog: Catalog) -> tuple[CatalogRelation, ...]:
    """Parent/child and rate definitions of the catalog, in the catalog's order (sum before ratio)."""
    out: list[CatalogRelation] = []
    for key, m in catalog.metrics.items():
        if m.parts:
            out.append(CatalogRelation("sum", key, m.parts))
        if m.numerator and m.denominator:
            out.append(CatalogRelation("ratio", key, m.numerator, m.denominator))
    return tuple(out)


def catalog_relations(doc: Passage, catalog: Sequence[CatalogRelation], taken: set[str]) -> list[Relation]:
    """Parent = sum of children, rate = numerators / denominator, for facts tagged with metrics.

    Weak by design: a report may list a part the catalog does not name (rejected dossiers inside
    "resolved"), so a catalog relation can confirm a figure but never raise a mismatch on its own."""
    if not catalog:
        return []
    out: list[Relation] = []
    groups: dict[tuple[str | None, str | None, str | None], dict[str, list[Fig]]] = {}
    for f in doc.figs:
        if f.metric:
            sec = section_at(doc.sections, f.start)
            key = (f.subject, f.period, sec.section_id if sec else None)
            groups.setdefault(key, {}).setdefault(f.metric, []).append(f)
    for by_metric in groups.values():
        for rel in catalog:
            totals = by_metric.get(rel.total, [])
            if len(totals) != 1 or totals[0].fact_ids[0] in taken:
                continue
            t = totals[0]
            if rel.kind == "sum":
                parts = [by_metric.get(m, []) for m in rel.parts]
                if any(len(p) != 1 for p in parts):
                    continue
                figs = [p[0] for p in parts]
                kind, word = approx(doc, [t, *figs])
                out.append(
                    Relation(
                        rule="sum_parts",
                        operands=tuple(f.value for f in figs),
                        stated=t.value,
                        char_start=min(f.start for f in [t, *figs]),
                        char_end=max(f.end for f in [t, *figs]),
                        fact_ids=tuple(i for f in [t, *figs] for i in f.fact_ids),
                        connective=f"catalog:{rel.total}",
                        strong=False,
                        approximate=kind,
                        qualifier=word,
                    )
                )
            elif rel.kind == "ratio" and rel.denominator:
                nums = [by_metric.get(m, []) for m in rel.parts]
                dens = by_metric.get(rel.denominator, [])
                if any(len(p) != 1 for p in nums) or len(dens) != 1 or t.kind != "percent":
                    continue
                figs = [p[0] for p in nums] + dens
                kind, word = approx(doc, [t])
                out.append(
                    Relation(
                        rule="ratio_percent",
                        operands=(sum(p[0].value for p in nums), dens[0].value),
                        stated=t.value,
                        char_start=min(f.start for f in [t, *figs]),
                        char_end=max(f.end for f in [t, *figs]),
                        fact_ids=tuple(i for f in [*figs, t] for i in f.fact_ids),
                        connective=f"catalog:{rel.total}",
                        decimals=(t.decimals,),
                        strong=False,
                        approximate=kind,
                        qualifier=word,
                    )
                )
    return out


# ----------------------------------------------------------------------------------------------
# Entry point
# ----------------------------------------------------------------------------------------------


