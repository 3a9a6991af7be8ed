"""Amounts split an amount: "phê duyệt 2.450 triệu đồng để thực hiện 5 dự án. Trong đó dự án A (10 điểm
tại 10 xã) 300 triệu đồng; dự án B 250 triệu đồng, …": after a parts connective, the sums of money of
its sentence are the parts of the sum of money just before it, whatever counts the parts' descriptions
hold, provided the first amount comes in the connective's first clause (before any ";").

Why its own finder: the list walk takes the figures after a connective in order, so counts inside the
descriptions ("10 điểm", "5 huyện") read as parts of the nearest count. Money figures only compare with
money; written with a scale word they are intervals (FORMAT.md), and a hedged part ("khoảng 600 triệu")
only bounds the sum (never a mismatch).
"""

from __future__ import annotations

import re

from pipeline.check.clauses import has_sentence_break
from pipeline.check.parts import approx
from pipeline.check.passage import Fig, Passage
from pipeline.check.relation import Relation

MAX_PARTS_CHARS = 1500


def amount_lists(doc: Passage, known: list[Relation]) -> list[Relation]:
    """Money parts after a connective, of the money total of the connective's or the previous sentence."""
    out: list[Relation] = []
    text = doc.text
    stated = {(r.stated, r.fact_ids[0] if r.fact_ids else "") for r in known if r.rule == "sum_parts"}
    for m in doc.rules.parts_re.finditer(text):
        lo = doc.sentence_start(m.start())
        head = [f for f in doc.figs_between(doc.sentence_start(max(lo - 2, 0)), m.start()) if f.kind == "money"]
        if not head:
            continue
        total = head[-1]
        if any(r[0] == total.value and r[1] in total.fact_ids for r in stated):
            continue  # a list finder has read this total's parts already
        parts: list[Fig] = []
        last = m.end()
        for f in doc.figs_between(m.end(), m.end() + MAX_PARTS_CHARS):
            if has_sentence_break(doc, text[last : f.start], text[f.start : f.start + 1]):
                break
            if f.kind != "money":
                continue
            if parts and not re.search(r"[,;](?!\d)|(?<!\w)và(?!\w)", text[parts[-1].start : f.start]):
                break
            parts.append(f)
            last = f.end
        if len(parts) < 2 or any(p.value > total.value for p in parts):
            continue
        if ";" in text[m.end() : parts[0].start]:
            continue  # the connective's first clause breaks down something else ("trong đó, 7/16 khoản …;")
        kind, word = approx(doc, [total])
        hedge_on_stated: bool | None = True if kind else None
        if kind is None:
            kind, word = approx(doc, parts)
            hedge_on_stated = False if kind else None
        out.append(
            Relation(
                rule="sum_parts",
                operands=tuple(p.value for p in parts),
                stated=total.value,
                char_start=total.start,
                char_end=parts[-1].end,
                fact_ids=tuple(x for f in (total, *parts) for x in f.fact_ids),
                connective=m.group(0).lower() + " … (số tiền)",
                decimals=(total.decimals,),
                approximate=kind,
                qualifier=word,
                spans=tuple(p.half for p in parts),
                stated_span=total.half,
                hedge_on_stated=hedge_on_stated,
            )
        )
    return out
