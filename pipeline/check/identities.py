"""Sums the text makes checkable without a connective: accounting identities between metrics stated
in different sentences of one passage (received = carried over + new; resolved = early + on time +
late; resolved + pending = received), per-level breakdowns ("cấp tỉnh …; cấp huyện …; cấp xã …"
adding up to the whole stated before), and a total written after its parts ("lũy kế … là N").

Why candidates, then a choice: one passage often fits several identities, and a figure may fill a
part of more than one; each finder proposes every reading (`SumCandidate`, with its operands, the cues
that support it and a score), and `choose` keeps, per total, the readings that fit, or the single
unambiguous one. Only a reading with no rival and a complete identity may be a mismatch; any other
misfit is dropped or, when it is the only reading, unverifiable.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from pipeline.check.intervals import sum_fits
from pipeline.check.parts import approx
from pipeline.check.passage import Fig, Passage, clean, compatible
from pipeline.check.relation import Reading, Relation
from pipeline.check.scope import WHOLE, Placed, paragraphs, place, same_scope
from pipeline.check.sumrules import Identity, SumRules

MAX_OPTIONAL = 3
MAX_FILLERS = 10


@dataclass(frozen=True, slots=True)
class SumCandidate:
    """One reading: these parts add up to this total, for these reasons."""

    total: Fig
    parts: tuple[Fig, ...]
    source: str  # which grammar proposed it (identity:<metric> | levels | trailing)
    cues: tuple[str, ...]  # the structure behind it, for the evidence column
    complete: bool  # the parts exhaust the total (a misfit may be a mismatch)
    score: float  # higher is better supported

    @property
    def fits(self) -> bool:
        return sum_fits(self.total, self.parts)

    one_sentence: bool = False  # the total and every part stand in one sentence

    @property
    def key(self) -> tuple[int, tuple[int, ...]]:
        return (self.total.start, tuple(sorted(p.start for p in self.parts)))


# ----------------------------------------------------------------------------------------------
# Candidates
# ----------------------------------------------------------------------------------------------


def identity_candidates(placed: Sequence[Placed], sr: SumRules) -> list[SumCandidate]:
    """Within one paragraph and level: every set of figures whose metrics fit an identity."""
    out: list[SumCandidate] = []
    groups: dict[tuple[int, str], list[Placed]] = {}
    for p in placed:
        if p.measure:
            groups.setdefault((p.para, p.level), []).append(p)
    for members in groups.values():
        for ident in sr.identities:
            out.extend(_fill(ident, members))
    return out


def _fill(ident: Identity, members: list[Placed]) -> Iterable[SumCandidate]:
    totals = [p for p in members if p.measure == frozenset([ident.total])]
    for t in totals:
        pool = [
            p
            for p in members
            if p.fig is not t.fig
            and p.fig.value <= t.fig.value
            and not (p.measure == t.measure and p.fig.value == t.fig.value)  # a restatement, not a part
            and same_scope(p.fig, t.fig)
            and compatible(p.fig.unit, t.fig.unit)
            and p.fig.kind == t.fig.kind
        ]
        needed = set().union(*ident.parts)
        # each required part: the figures that fill it (a compound fills several parts at once)
        fillers = [p for p in pool if p.measure and p.measure <= needed | set(ident.optional)]
        # the nearest few only: a long passage must not make the readings explode
        fillers = sorted(fillers, key=lambda p: abs(p.fig.start - t.fig.start))[:MAX_FILLERS]
        fillers.sort(key=lambda p: p.fig.start)
        for n in range(2, min(len(fillers), len(ident.parts) + MAX_OPTIONAL) + 1):
            for combo in itertools.combinations(fillers, n):
                covered: list[str] = []
                for p in combo:
                    covered.extend(p.measure)
                if len(covered) != len(set(covered)):
                    continue  # two figures for one part
                required = [alts for alts in ident.parts if alts & set(covered)]
                if len(required) < min(2, len(ident.parts)):
                    continue  # optional parts alone do not make a reading
                if any(len(alts & set(covered)) > 1 for alts in ident.parts):
                    continue
                all_required = len(required) == len(ident.parts)
                figs = tuple(sorted((p.fig for p in combo), key=lambda f: f.start))
                score = 1.0 + 0.5 * all_required - 0.001 * _spread(t.fig, figs)
                yield SumCandidate(
                    t.fig,
                    figs,
                    f"identity:{ident.total}",
                    (f"metrics.yaml identity {ident.total}",),
                    ident.complete and all_required and not _has_optional(combo, ident),
                    score,
                    one_sentence=all(p.sentence == t.sentence for p in combo),
                )


def _has_optional(combo: Sequence[Placed], ident: Identity) -> bool:
    req = set().union(*ident.parts)
    return any(not (p.measure <= req) for p in combo)


def _spread(t: Fig, figs: Sequence[Fig]) -> float:
    return (max(f.end for f in (t, *figs)) - min(f.start for f in (t, *figs))) / 100.0


def level_candidates(placed: Sequence[Placed], sr: SumRules) -> list[SumCandidate]:
    """Figures of one measure at every level of a group add up to that measure for the whole, stated
    before them in the passage (the nearest such figure)."""
    out: list[SumCandidate] = []
    for group in sr.levels:
        by_measure: dict[frozenset[str], list[Placed]] = {}
        for p in placed:
            if p.measure and (p.level in group or p.level == WHOLE):
                by_measure.setdefault(p.measure, []).append(p)
        for members in by_measure.values():
            at_level = {lv: [p for p in members if p.level == lv] for lv in group}
            if any(not v for v in at_level.values()):
                continue
            first = min(p.fig.start for v in at_level.values() for p in v)
            wholes = [p for p in members if p.level == WHOLE and p.fig.start < first]
            if not wholes:
                continue
            t = wholes[-1].fig
            unique = all(len(v) == 1 for v in at_level.values())
            for combo in itertools.product(*at_level.values()):
                figs = tuple(p.fig for p in combo)
                if any(f.kind != t.kind or not compatible(f.unit, t.unit) for f in figs):
                    continue
                if any((f.period and t.period and f.period != t.period) for f in figs):
                    continue
                out.append(SumCandidate(t, figs, "levels", (" + ".join(group),), unique, 2.0))
    return out


def trailing_candidates(doc: Passage, placed: Sequence[Placed], sr: SumRules) -> list[SumCandidate]:
    """ "tiếp nhận mới 4.100 hồ sơ, tồn kỳ trước 2.000, lũy kế … là 6.100 hồ sơ": a figure whose own
    words say it accumulates is the sum of the figures before it in its sentence."""
    if sr.trailing_re is None:
        return []
    out: list[SumCandidate] = []
    for i, p in enumerate(placed):
        if not sr.trailing_re.search(p.label):
            continue
        lo = doc.sentence_start(p.fig.start)
        before = [
            q.fig
            for q in placed[:i]
            if q.fig.start >= lo and q.fig.kind == p.fig.kind and compatible(q.fig.unit, p.fig.unit)
        ]
        for k in range(len(before), 1, -1):
            figs = tuple(before[-k:])
            if any(f.value > p.fig.value for f in figs):
                continue
            # every figure its sentence gave before it: the whole run is what it accumulates
            whole_run = k == len(before)
            out.append(
                SumCandidate(p.fig, figs, "trailing", ("tổng viết sau các thành phần",), whole_run, 1.5 + whole_run)
            )
    return out


def whole_fraction_relations(doc: Passage) -> list[Relation]:
    """ "19/20 cơ quan xếp loại khá; 01/20 cơ quan xếp loại trung bình": fractions of one whole in one
    paragraph whose numerators exhaust the denominator. Only a fit is reported: the text does not say
    the categories are all there, so numerators that fall short are no claim."""
    paras = paragraphs(doc.text)
    groups: dict[tuple[int, float, str | None], list[Fig]] = {}
    for f in doc.figs:
        if f.kind != "ratio" or f.num is None or not f.den:
            continue
        pi = max(i for i, (s, _) in enumerate(paras) if s <= f.start)
        groups.setdefault((pi, f.den, f.unit), []).append(f)
    out = []
    for (_, den, _unit), figs in groups.items():
        if len(figs) < 2 or any(f.num == den for f in figs):
            continue
        nums = [f.num for f in figs if f.num is not None]
        if abs(sum(nums) - den) > 1e-9:
            continue
        out.append(
            Relation(
                rule="sum_parts",
                operands=tuple(nums),
                stated=den,
                char_start=figs[0].start,
                char_end=figs[-1].end,
                fact_ids=tuple(dict.fromkeys(i for f in figs for i in f.fact_ids)),
                connective="a/N …; b/N …: phần của cùng một tổng",
                strong=False,
            )
        )
    return out


def remainder_relations(doc: Passage, sr: SumRules) -> list[Relation]:
    """ "9.600 đài/10.500 xã …. Còn 900 xã chưa có đài": the numerator and the stated rest make up
    the denominator. Strong: the rest is defined as what the numerator lacks."""
    if sr.remainder_re is None or sr.remainder_negation_re is None:
        return []
    paras = paragraphs(doc.text)
    out = []
    for r in doc.figs:
        if r.kind != "ratio" or r.num is None or not r.den or r.num >= r.den:
            continue
        para_end = next((e for s, e in paras if s <= r.start <= e), len(doc.text))
        for g in doc.figs_between(r.end, min(para_end, r.end + 400)):
            if not g.countlike or g.unit is None:
                continue
            before = clean(doc.text[max(doc.sentence_start(g.start), g.start - 20) : g.start])
            after = clean(doc.text[g.end : g.end + 60])
            if not re.search(sr.remainder_re.pattern + r"\s*$", before, re.I):
                continue
            if not sr.remainder_negation_re.search(re.split(r"[,;.]", after)[0]):
                continue
            whole = doc.text[r.start : r.end].rsplit("/", 1)[-1] + doc.text[r.end : r.end + 40]
            noun = re.findall(r"[^\W\d_]+", g.unit.lower())
            if not noun or noun[0] not in re.findall(r"[^\W\d_]+", whole.lower()):
                continue  # the rest counts the denominator's things
            out.append(
                Relation(
                    rule="sum_parts",
                    operands=(r.num, g.value),
                    stated=r.den,
                    char_start=r.start,
                    char_end=g.end,
                    fact_ids=tuple(dict.fromkeys(r.fact_ids + g.fact_ids)),
                    connective="a/N …; còn M … chưa …",
                )
            )
            break
    return out


# ----------------------------------------------------------------------------------------------
# Choice
# ----------------------------------------------------------------------------------------------


def choose(cands: Sequence[SumCandidate]) -> list[SumCandidate]:
    """Per total and grammar: every reading that fits (the best-supported one first); when none fits,
    the single reading there is, if it is the only one (a rival reading makes the misfit moot)."""
    out: list[SumCandidate] = []
    by_total: dict[tuple[int, str], list[SumCandidate]] = {}
    for c in cands:
        by_total.setdefault((c.total.start, c.source), []).append(c)
    for group in by_total.values():
        fitting = [c for c in group if c.fits]
        if fitting:
            best = max(fitting, key=lambda c: (c.score, len(c.parts)))
            out.append(best)
            continue
        if len(group) == 1:
            out.append(group[0])
            continue
        # rivals: the reading held in one sentence with its total wins when it is the only one so held
        close = [c for c in group if c.one_sentence]
        if len(close) == 1:
            out.append(close[0])
    # one reading per set of figures
    seen: set[tuple[int, tuple[int, ...]]] = set()
    uniq = []
    for c in sorted(out, key=lambda c: -c.score):
        if c.key not in seen:
            seen.add(c.key)
            uniq.append(c)
    return sorted(uniq, key=lambda c: c.total.start)


def to_relation(doc: Passage, c: SumCandidate) -> Relation:
    figs = [c.total, *c.parts]
    kind, word = approx(doc, figs)
    readings = tuple(
        Reading(tuple(p.value for p in c.parts), v, reason, args) for v, reason, args in c.total.alts
    )
    return Relation(
        rule="sum_parts",
        operands=tuple(p.value for p in c.parts),
        stated=c.total.value,
        char_start=min(f.start for f in figs),
        char_end=max(f.end for f in figs),
        fact_ids=tuple(dict.fromkeys(i for f in figs for i in f.fact_ids)),
        connective=c.source + ": " + "; ".join(c.cues),
        decimals=(c.total.decimals,),
        # a misfit is a mismatch only on a complete, unambiguous reading of exact figures
        strong=c.complete and not any(f.decimals for f in figs),
        approximate=kind,
        qualifier=word,
        readings=readings,
        note=None if c.complete else "weak_structure",
    )


def sum_identity_relations(doc: Passage, sr: SumRules, known: Sequence[Relation]) -> list[Relation]:
    """The relations of the chosen readings that no earlier finder stated already."""
    placed = place(doc, sr)
    cands = identity_candidates(placed, sr) + level_candidates(placed, sr) + trailing_candidates(doc, placed, sr)
    have = {
        (round(r.stated, 6), tuple(sorted(round(x, 6) for x in r.operands)))
        for r in known
        if r.rule == "sum_parts"
    }
    used_totals = {r.fact_ids[0] for r in known if r.rule == "sum_parts" and r.fact_ids}
    out = []
    for r in whole_fraction_relations(doc) + remainder_relations(doc, sr):
        k = (round(r.stated, 6), tuple(sorted(round(x, 6) for x in r.operands)))
        if k not in have:
            have.add(k)
            out.append(r)
    for c in choose(cands):
        k = (round(c.total.value, 6), tuple(sorted(round(p.value, 6) for p in c.parts)))
        if k in have:
            continue
        if not c.fits and c.source != "levels" and c.total.fact_ids[0] in used_totals:
            continue  # the total heads a list already: a misfit here is another reading of it
        have.add(k)
        out.append(to_relation(doc, c))
    return out
