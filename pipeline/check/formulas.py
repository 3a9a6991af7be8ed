"""Arithmetic written out in the text: "(a + b) / c × 100% = p%" and "a + b + c = s".

Why its own finder: a written formula states its operands explicitly, so it is a strong relation
whatever words surround it.
"""

from __future__ import annotations

import re

from extractors.numbers import parse_vi_number
from pipeline.check.passage import Passage
from pipeline.check.relation import Relation

_NUM_RE = r"\d{1,3}(?:\.\d{3})+(?:,\d+)?|\d+(?:,\d+)?"
_FORMULA_RATIO = re.compile(
    rf"\(?\s*((?:{_NUM_RE})(?:\s*\+\s*(?:{_NUM_RE}))+)\s*\)\s*/\s*({_NUM_RE})"
    rf"(?:\s*[x×*.]\s*100\s*%?)?\s*=\s*({_NUM_RE})\s*%"
)
_FORMULA_SUM = re.compile(
    rf"(?<![\d.,/])((?:{_NUM_RE})(?:\s*\+\s*(?:{_NUM_RE}))+)\s*=\s*({_NUM_RE})(?!\s*%|[\d/])"
)


def formula_relations(doc: Passage, used_pct: set[int]) -> list[Relation]:
    """Arithmetic written out: "(4.918 + 1.262)/6.227 = 99,25%", "120 + 80 = 200"."""

    out: list[Relation] = []
    text = doc.text

    def ids(a: int, b: int) -> tuple[str, ...]:
        return tuple(i for f in doc.figs_between(a, b) for i in f.fact_ids)

    # the patterns backtrack; run them only around a written "+"
    windows: list[tuple[int, int]] = []
    for p in re.finditer(r"\d\s*\+\s*\d", text):
        a, b = max(0, p.start() - 40), min(len(text), p.end() + 80)
        if windows and a <= windows[-1][1]:
            windows[-1] = (windows[-1][0], b)
        else:
            windows.append((a, b))
    ratio_hits = [m for a, b in windows for m in _FORMULA_RATIO.finditer(text, a, b)]
    sum_hits = [m for a, b in windows for m in _FORMULA_SUM.finditer(text, a, b)]
    for m in ratio_hits:
        try:
            terms = [parse_vi_number(x)[0] for x in re.split(r"\s*\+\s*", m.group(1))]
            den = parse_vi_number(m.group(2))[0]
            pct, k = parse_vi_number(m.group(3))
        except ValueError:
            continue
        pfig = next((f for f in doc.figs_between(m.start(3), m.end() + 1) if f.kind == "percent"), None)
        if pfig is not None:
            used_pct.add(pfig.start)
        out.append(
            Relation(
                rule="ratio_percent",
                operands=(float(sum(terms)), den),
                stated=pct,
                char_start=m.start(),
                char_end=m.end(),
                fact_ids=ids(m.start(), m.end()),
                connective="(a + b)/c =",
                decimals=(k,),
            )
        )
    for m in sum_hits:
        try:
            terms = [parse_vi_number(x)[0] for x in re.split(r"\s*\+\s*", m.group(1))]
            total = parse_vi_number(m.group(2))[0]
        except ValueError:
            continue
        out.append(
            Relation(
                rule="sum_parts",
                operands=tuple(terms),
                stated=total,
                char_start=m.start(),
                char_end=m.end(),
                fact_ids=ids(m.start(), m.end()),
                connective="a + b =",
            )
        )
    return out


