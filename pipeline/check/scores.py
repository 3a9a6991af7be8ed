"""Score breakdowns: "đạt 85,78/100 điểm … - Điểm A: 54,2/61,5 điểm … - Điểm B: 31,59/38,5 điểm": a score
out of its maximum, and the lines after it giving the scores of its components out of theirs. When the
components' maxima add up exactly to the whole's maximum, they are its parts, and their scores must add up
to its score (figures with decimals are intervals, FORMAT.md).

Why the maxima decide: a maximum is fixed by the method, so an exact sum of maxima is the structure's own
evidence that the lines split the whole; the scores' sum is then the text's checkable claim.
"""

from __future__ import annotations

import re

from pipeline.check.passage import Fig, Passage, clean, compatible
from pipeline.check.precision import half_width
from pipeline.check.relation import Relation

MAX_LINES = 12  # non-blank lines after the whole that may hold its components


def score_breakdowns(doc: Passage) -> list[Relation]:
    out: list[Relation] = []
    ratios = [f for f in doc.figs if f.kind == "ratio" and f.num is not None and f.den]
    for i, whole in enumerate(ratios):
        line = doc.line_index(whole.start)
        after = [r for r in ratios[i + 1 :] if doc.line_index(r.start) > line]
        after = [r for r in after if _nonblank_between(doc, line, doc.line_index(r.start)) <= MAX_LINES]
        run: list[Fig] = []
        total = 0.0
        for r in after:
            same_line = bool(run) and doc.line_index(r.start) == doc.line_index(run[-1].start)
            if not compatible(r.unit, whole.unit) or (r.num or 0) > r.den or same_line:
                break
            run.append(r)
            total += r.den
            if abs(total - whole.den) <= 1e-9 or total > whole.den + 1e-9:
                break
        if len(run) < 2 or abs(total - whole.den) > 1e-9:
            continue
        ids = tuple(x for f in (whole, *run) for x in f.fact_ids)
        out.append(
            Relation(
                rule="sum_parts",
                operands=tuple(float(r.num or 0) for r in run),
                stated=float(whole.num or 0),
                char_start=whole.start,
                char_end=run[-1].end,
                fact_ids=ids,
                connective="điểm thành phần, các điểm tối đa cộng đúng",
                spans=tuple(_halves(doc, r)[0] for r in run),
                stated_span=_halves(doc, whole)[0],
            )
        )
        out.append(
            Relation(
                rule="sum_parts",
                operands=tuple(r.den for r in run),
                stated=whole.den,
                char_start=whole.start,
                char_end=run[-1].end,
                fact_ids=ids,
                connective="điểm tối đa của các thành phần",
                spans=tuple(_halves(doc, r)[1] for r in run),
                stated_span=_halves(doc, whole)[1],
            )
        )
    return out


def _halves(doc: Passage, f: Fig) -> tuple[float, float]:
    """FORMAT.md's interval half-widths of a fraction's numerator and denominator ("54,2/61,5")."""
    num, _, den = clean(doc.text[f.start : f.end]).partition("/")
    out = []
    for s in (num, den):
        m = re.search(r"\d[\d.]*(?:,(\d+))?", s)
        out.append(half_width(m.group(0), len(m.group(1) or "")) if m else 0.0)
    return out[0], out[1]


def _nonblank_between(doc: Passage, a: int, b: int) -> int:
    return sum(1 for s, e in doc.lines[a + 1 : b + 1] if doc.text[s:e].strip())
