"""The ordered registry of relation finders, and `find_relations`, which runs them.

Why a registry named in schemas/checks.yaml (`finders:`): the finders share what earlier ones found
(a percent already explained by a list is not explained again by a nearby fraction), so their order
is part of the result; naming it in the rules file makes it visible and testable, and an unknown name
there is a configuration error (exit 2), not a silently skipped finder.

Each finder reads the per-document view (`Passage`) and the shared `Found` state: the list finders add
`lists`, the relation finders add `relations` and mark the percents and figures they used.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from extractors.catalog import load_catalog
from pipeline.check.amounts import amount_lists
from pipeline.check.breakdowns import breakdown_relations
from pipeline.check.catalog import CatalogRelation, catalog_identities, catalog_relations
from pipeline.check.conflicts import breakdown_conflicts, metric_conflicts
from pipeline.check.counts import list_count_relations
from pipeline.check.dedupe import dedupe_lists, dedupe_relations
from pipeline.check.exclusions import exclusion_relations
from pipeline.check.formulas import formula_relations
from pipeline.check.fractions import fraction_relations
from pipeline.check.gaps import difference_relations, headline_remainders
from pipeline.check.identities import sum_identity_relations
from pipeline.check.lists import (
    bullet_head_lists,
    colon_total_lists,
    inline_lists,
    opener_lists,
    paren_lists,
    weak_co_lists,
)
from pipeline.check.parts import named_rates, relations_from_list
from pipeline.check.passage import PartList, Passage
from pipeline.check.rates import per_unit_rate_relations, rate_line_relations
from pipeline.check.relation import Relation
from pipeline.check.rules import Rules, load_rules
from pipeline.check.scores import score_breakdowns
from pipeline.check.shares import (
    complement_pairs,
    complement_shares,
    headline_shares,
    nearby_share_relations,
    share_lists,
    split_shares,
)
from pipeline.check.sumrules import load_sum_rules
from pipeline.check.tables import table_rates, table_relations
from pipeline.config import config_error
from pipeline.model import Fact, NormText, Section
from pipeline.structure.layout import Layout, build_layout
from pipeline.structure.tables import Table


@dataclass
class Found:
    """What the finders have found so far in one document."""

    doc: Passage
    catalog: Sequence[CatalogRelation]
    lists: list[PartList] = field(default_factory=list)
    used_totals: set[int] = field(default_factory=set)  # figures already heading a list
    relations: list[Relation] = field(default_factory=list)
    used_pct: set[int] = field(default_factory=set)  # percents already explained by a relation
    in_lists: set[int] = field(default_factory=set)  # figures that are parts of a list
    tables: Sequence[Table] = ()  # the document structure's tables


Finder = Callable[[Found], None]
FINDERS: dict[str, Finder] = {}


def finder(name: str) -> Callable[[Finder], Finder]:
    """Register a finder under the name checks.yaml's `finders:` list uses."""

    def register(fn: Finder) -> Finder:
        FINDERS[name] = fn
        return fn

    return register


def ordered_finders(rules: Rules) -> tuple[Finder, ...]:
    """The finders in the order checks.yaml names them; an unknown or repeated name is a ConfigError."""
    unknown = [n for n in rules.finders if n not in FINDERS]
    if unknown:
        raise config_error(rules.path, "finders", f"unknown finder {unknown[0]!r} (known: {', '.join(FINDERS)})")
    repeated = sorted({n for n in rules.finders if rules.finders.count(n) > 1})
    if repeated:
        raise config_error(rules.path, "finders", f"finder {repeated[0]!r} named twice")
    return tuple(FINDERS[n] for n in rules.finders)


def find_relations(
    t: NormText,
    sections: Sequence[Section],
    facts: Sequence[Fact],
    *,
    rules: Rules | None = None,
    catalog: Sequence[CatalogRelation] | None = None,
    layout: Layout | None = None,
) -> list[Relation]:
    """Every arithmetic relation the text's structure makes checkable, in document order; `layout` is
    the text's parsed structure (built here when not given)."""
    rules = rules or load_rules()
    layout = layout if layout is not None else build_layout(t)
    found = Found(
        Passage(t, sections, facts, rules, layout),
        catalog if catalog is not None else catalog_identities(load_catalog()),
        tables=layout.tables,
    )
    for run in ordered_finders(rules):
        run(found)
    return dedupe_relations(found.relations)


# ----------------------------------------------------------------------------------------------
# Lists: a total and its parts
# ----------------------------------------------------------------------------------------------


@finder("inline_lists")
def _inline(f: Found) -> None:
    inline_lists(f.doc, f.lists)
    f.used_totals |= {lst.total.start for lst in f.lists if lst.total is not None}


@finder("opener_lists")
def _opener(f: Found) -> None:
    opener_lists(f.doc, f.lists, f.used_totals)


@finder("bullet_head_lists")
def _bullet_head(f: Found) -> None:
    bullet_head_lists(f.doc, f.lists, f.used_totals)


@finder("colon_total_lists")
def _colon_total(f: Found) -> None:
    colon_total_lists(f.doc, f.lists, f.used_totals)


@finder("weak_co_lists")
def _weak_co(f: Found) -> None:
    weak_co_lists(f.doc, f.lists, f.used_totals)


@finder("paren_lists")
def _paren(f: Found) -> None:
    paren_lists(f.doc, f.lists, f.used_totals)


@finder("dedupe_lists")
def _dedupe(f: Found) -> None:
    f.lists = dedupe_lists(f.lists)


@finder("list_relations")
def _list_relations(f: Found) -> None:
    """Sums, shares and named rates of each list; marks its parts and the percents it explains."""
    doc = f.doc
    for lst in f.lists:
        f.relations.extend(relations_from_list(doc, lst))
        for p in lst.parts + lst.excluded:
            f.in_lists.add(p.fig.start)
            if p.share:
                f.used_pct.add(p.share.start)
        for nr in named_rates(doc, lst):
            pct_start = next(g.start for g in doc.figs if g.end == nr.char_end and g.kind == "percent")
            if pct_start not in f.used_pct:
                f.relations.append(nr)
                f.used_pct.add(pct_start)


# ----------------------------------------------------------------------------------------------
# Relations outside lists
# ----------------------------------------------------------------------------------------------


@finder("amount_lists")
def _amount_lists(f: Found) -> None:
    f.relations.extend(amount_lists(f.doc, f.relations))


@finder("score_breakdowns")
def _score_breakdowns(f: Found) -> None:
    f.relations.extend(score_breakdowns(f.doc))


@finder("formulas")
def _formulas(f: Found) -> None:
    f.relations.extend(formula_relations(f.doc, f.used_pct))


@finder("tables")
def _tables(f: Found) -> None:
    f.relations.extend(table_relations(f.doc, f.tables, f.used_pct))


@finder("table_rates")
def _table_rates(f: Found) -> None:
    f.relations.extend(table_rates(f.doc, f.tables, f.used_pct))


@finder("share_lists")
def _share_lists(f: Found) -> None:
    f.relations.extend(share_lists(f.doc, f.used_pct))


@finder("fractions")
def _fractions(f: Found) -> None:
    f.relations.extend(fraction_relations(f.doc, f.used_pct))


@finder("nearby_shares")
def _nearby_shares(f: Found) -> None:
    f.relations.extend(nearby_share_relations(f.doc, f.used_pct, f.in_lists))


@finder("complement_shares")
def _complement_shares(f: Found) -> None:
    f.relations.extend(complement_shares(f.doc, f.used_pct))


@finder("split_shares")
def _split_shares(f: Found) -> None:
    f.relations.extend(split_shares(f.doc, f.used_pct))


@finder("complement_pairs")
def _complement_pairs(f: Found) -> None:
    f.relations.extend(complement_pairs(f.doc, f.relations))


@finder("headline_shares")
def _headline_shares(f: Found) -> None:
    f.relations.extend(headline_shares(f.doc, f.used_pct, f.relations))


@finder("list_counts")
def _list_counts(f: Found) -> None:
    f.relations.extend(list_count_relations(f.doc))


@finder("differences")
def _differences(f: Found) -> None:
    f.relations.extend(difference_relations(f.doc))


@finder("exclusions")
def _exclusions(f: Found) -> None:
    f.relations.extend(exclusion_relations(f.doc, load_sum_rules()))


@finder("headline_remainders")
def _headline_remainders(f: Found) -> None:
    sr = load_sum_rules()
    f.relations.extend(headline_remainders(f.doc, sr.remainder_re, sr.remainder_negation_re))


@finder("per_unit_rates")
def _per_unit_rates(f: Found) -> None:
    f.relations.extend(per_unit_rate_relations(f.doc))


@finder("rate_lines")
def _rate_lines(f: Found) -> None:
    taken = {i for r in f.relations if r.rule in ("ratio_percent", "share_of_total") for i in r.fact_ids}
    f.relations.extend(r for r in rate_line_relations(f.doc) if r.fact_ids[-1] not in taken)


@finder("parallel_breakdowns")
def _parallel_breakdowns(f: Found) -> None:
    f.relations.extend(breakdown_relations(f.doc, f.doc.rules.config.candidates.passage_lines))


@finder("breakdown_conflicts")
def _breakdown_conflicts(f: Found) -> None:
    f.relations.extend(breakdown_conflicts(f.doc, f.lists))


@finder("metric_conflicts")
def _metric_conflicts(f: Found) -> None:
    parent = {p.fig.start: lst.total for lst in f.lists if lst.total is not None for p in lst.parts}
    parent.update(
        {p.share.start: lst.total for lst in f.lists if lst.total is not None for p in lst.parts if p.share}
    )
    f.relations.extend(metric_conflicts(f.doc, parent))


@finder("identity_sums")
def _identity_sums(f: Found) -> None:
    """Identities between metrics, per-level breakdowns and totals after their parts (sums.yaml)."""
    f.relations.extend(sum_identity_relations(f.doc, load_sum_rules(), f.relations))


@finder("catalog")
def _catalog(f: Found) -> None:
    taken = {i for r in f.relations for i in r.fact_ids}
    f.relations.extend(catalog_relations(f.doc, f.catalog, taken))
