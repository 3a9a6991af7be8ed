"""Fractions with their percent: "a/b = p%", "16/16 xã đạt …, tỷ lệ 100%", "p% (a/b)".

Why strict about the words between: a fraction and a percent in the same sentence are related only when
a bridge word ("đạt", "tỷ lệ", "=") ties them.
"""

from __future__ import annotations

import re

from pipeline.check.clauses import bridge_ok
from pipeline.check.parts import approx
from pipeline.check.passage import Fig, Passage, clean
from pipeline.check.relation import Reading, Relation
from pipeline.check.shares import bridge_word


def fraction_relations(doc: Passage, used_pct: set[int]) -> list[Relation]:
    """ "a/b = p%", "a/b …, đạt p%", "p% (a/b …)"."""
    out: list[Relation] = []
    text = doc.text
    figs = doc.figs
    for k, f in enumerate(figs):
        if f.kind != "ratio" or f.num is None or f.den is None:
            continue
        pct: Fig | None = None
        if k + 1 < len(figs) and figs[k + 1].kind == "percent":
            g = figs[k + 1]
            n = doc.rules.ratio_bridge_max_words
            if bridge_ok(doc, text[f.end : g.start], max_words=n, weak_words=n):
                pct = g
        if pct is None and k > 0 and figs[k - 1].kind == "percent":
            g = figs[k - 1]
            if re.fullmatch(r"\s*\(\s*", clean(text[g.end : f.start])):
                pct = g
        if pct is None or pct.start in used_pct:
            continue
        if pct.start > f.end and _threshold(doc, f, pct):
            continue
        used_pct.add(pct.start)
        alts: list[Reading] = []
        for v, reason, args in f.num_alts:
            alts.append(Reading((v, f.den), pct.value, reason, args, reportable=reason == "footnote_reading"))
        for v, reason, args in f.den_alts:
            alts.append(Reading((f.num, v), pct.value, reason, args, reportable=reason == "footnote_reading"))
        kind, word = approx(doc, [pct, f])
        out.append(
            Relation(
                rule="ratio_percent",
                operands=(f.num, f.den),
                stated=pct.value,
                char_start=min(f.start, pct.start),
                char_end=max(f.end, pct.end),
                fact_ids=tuple(dict.fromkeys(f.fact_ids + pct.fact_ids)),
                connective=bridge_word(doc, text[min(f.end, pct.end) : max(f.start, pct.start)]),
                decimals=(pct.decimals,),
                approximate=kind,
                qualifier=word,
                readings=tuple(alts),
                hedge_on_stated=bool(pct.qualifier) and not f.qualifier if kind else None,
            )
        )
    return out




def _threshold(doc: Passage, f: Fig, pct: Fig) -> bool:
    """ "9/9 huyện đạt tỷ lệ dưới 10%": units counted by the fraction each meet a bound on their own rate;
    the bound is a threshold, not the share the fraction gives (no punctuation between them, the rate
    named, the percent a bound)."""
    gap = clean(doc.text[f.end : pct.start])
    if re.search(r"[,;(:=]", gap) or not re.search(r"(?<!\w)(?:tỷ|tỉ)\s+lệ(?!\w)", gap, re.I):
        return False
    kind, _ = approx(doc, [pct])
    return kind in ("lower_bound", "upper_bound")
