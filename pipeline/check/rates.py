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
from pipeline.check.passage import Fig, Passage, clean, compatible
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


_RATE_LINE = re.compile(r"^\W*(?:tỷ|tỉ)\s+lệ\b[^:\d]{0,60}:\s*$", re.I)


def rate_line_relations(doc: Passage) -> list[Relation]:
    """ "• Tổng số hộ điều tra: 1272 hộ / • Số hộ đã phỏng vấn: 695 hộ / • Tỷ lệ hoàn thành: 54,64%": a
    line that only names a rate and gives its percent, right under a total line (a total word) and a
    line of a part counting the same noun: the percent is the part over the total."""
    out: list[Relation] = []
    text = doc.text
    lines = [(s, e) for s, e in doc.lines if text[s:e].strip()]
    for k in range(2, len(lines)):
        s, e = lines[k]
        figs = doc.figs_between(s, e)
        if len(figs) != 1 or figs[0].kind != "percent" or not _RATE_LINE.match(clean(text[s : figs[0].start])):
            continue
        pct = figs[0]
        (ts, te), (ps, pe) = lines[k - 2], lines[k - 1]
        tf, pf = doc.figs_between(ts, te), doc.figs_between(ps, pe)
        if len(tf) != 1 or len(pf) != 1 or not tf[0].countlike or not pf[0].countlike:
            continue
        whole, part = tf[0], pf[0]
        if not doc.rules.total_words_re.search(clean(text[ts : whole.start])) or doc.rules.total_words_re.search(
            clean(text[ps : part.start])
        ):
            continue
        if not (whole.unit and part.unit and compatible(whole.unit, part.unit)) or part.value > whole.value:
            continue
        out.append(
            Relation(
                rule="ratio_percent",
                operands=(part.value, whole.value),
                stated=pct.value,
                char_start=whole.start,
                char_end=pct.end,
                fact_ids=tuple(dict.fromkeys(part.fact_ids + whole.fact_ids + pct.fact_ids)),
                connective="dòng tổng số / dòng thành phần / dòng tỷ lệ",
                decimals=(pct.decimals,),
                spans=(part.half, whole.half),
            )
        )
    return out
