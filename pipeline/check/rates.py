"""Per-unit rates: "có 1.200 cán bộ, … 960 máy tính, bình quân 0,8 máy/người" states 960/1.200.

Why its own rule (`per_unit_rate`): a rate written with a compound unit "A/B" is the text's own claim
that the count of A divided by the count of B gives it, like a percent of a base. Both counts are taken
only from the rate's own sentence, each the nearest earlier figure counting its noun (a person word such
as "người" counts any noun of people listed in checks.yaml `per_unit.person_nouns`); when another figure
of the same noun stands in the sentence, the other pairings are alternative readings, so a reading that
fits makes the rate unverifiable rather than a mismatch.
"""

from __future__ import annotations

import re

from pipeline.check.parts import approx
from pipeline.check.passage import Fig, Passage, compatible
from pipeline.check.relation import Reading, Relation


def _counts(doc: Passage, fig: Fig, noun: str) -> bool:
    if not fig.countlike or not fig.unit:
        return False
    unit = fig.unit.lower()
    persons = doc.rules.config.per_unit.person_nouns
    if noun in doc.rules.config.per_unit.person_words:
        nouns = [n.strip() for n in re.split(r",|/|(?<!\w)và(?!\w)", unit) if n.strip()]
        return any(n == p or n.startswith(p + " ") for n in nouns for p in persons)
    return compatible(unit, noun)


def per_unit_rate_relations(doc: Passage) -> list[Relation]:
    """ "<a> A …, <b> B …, bình quân <r> A/B": r is stated as a/b."""
    out: list[Relation] = []
    cfg = doc.rules.config.per_unit
    for r in doc.rate_figs:
        num_noun, _, den_noun = (r.unit or "").lower().partition("/")
        num_noun, den_noun = num_noun.strip(), den_noun.strip()
        if not num_noun or not den_noun or _compatible_nouns(num_noun, den_noun):
            continue
        lo = doc.sentence_start(r.start)
        before = [g for g in doc.figs if lo <= g.start and g.end <= r.start]
        nums = [g for g in reversed(before) if _counts(doc, g, num_noun)]
        dens = [g for g in reversed(before) if _counts(doc, g, den_noun)]
        pairs = [(a, b) for a in nums for b in dens if a is not b and b.value]
        if not pairs:
            continue
        a, b = pairs[0]
        kind, word = approx(doc, [a, b, r])
        if word and word.lower() in cfg.average_words:
            kind, word = None, None  # "trung bình 0,8 máy/người": the average is the rate itself
        readings = tuple(
            Reading((x.value, y.value), r.value, "base_nearby", (("y", f"={y.value:g}"),)) for x, y in pairs[1:4]
        )
        out.append(
            Relation(
                rule="per_unit_rate",
                operands=(a.value, b.value),
                stated=r.value,
                char_start=min(a.start, b.start),
                char_end=r.end,
                fact_ids=tuple(dict.fromkeys(a.fact_ids + b.fact_ids + r.fact_ids)),
                connective=f"{num_noun}/{den_noun}",
                decimals=(r.decimals,),
                approximate=kind,
                qualifier=word,
                readings=readings,
                spans=(a.half, b.half),
                stated_span=r.half,
                hedge_on_stated=bool(kind) and word == r.qualifier if kind else None,
            )
        )
    return out


def _compatible_nouns(a: str, b: str) -> bool:
    return compatible(a, b)
