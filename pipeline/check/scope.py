"""Where a figure stands for the sum finders: its passage (paragraph), the level of administration
it is about ("cấp tỉnh … ; cấp huyện … ; cấp xã …", carried forward until another is named), its own
words, and what it measures (its metric, or the several metrics a compound part covers).

Why apart from the finders: the identity, per-level and trailing-total finders must agree on which
figures share a passage and a scope, or they would pair figures the others keep apart.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from pipeline.check.passage import Fig, Passage, clean
from pipeline.check.sumrules import SumRules

PARA_BREAK_RE = re.compile(r"\n[ \t\u00a0*]*\n")
WHOLE = "*"  # the level of a figure about the whole the levels split


@dataclass(frozen=True, slots=True)
class Placed:
    """A count figure with its passage, level and measure."""

    fig: Fig
    para: int  # index of its paragraph
    level: str  # a level phrase of sums.yaml `unit_levels`, or WHOLE
    measure: frozenset[str]  # metric keys it fills (one, or several for a compound part)
    label: str  # its own words: from the previous figure (or clause start) to it
    sentence: int = 0  # where its sentence starts


def paragraphs(text: str) -> list[tuple[int, int]]:
    """Blocks of text between blank lines: the passage a scope is carried in."""
    out, pos = [], 0
    for m in PARA_BREAK_RE.finditer(text):
        out.append((pos, m.start()))
        pos = m.end()
    out.append((pos, len(text)))
    return out


def own_words(doc: Passage, f: Fig, prev_end: int) -> str:
    """The words that describe f: back to the previous figure or the start of its clause."""
    lo = max(prev_end, doc.sentence_start(f.start))
    words = clean(doc.text[lo : f.start])
    return re.split(r"[;]", words)[-1]


def measure_of(sr: SumRules, f: Fig, label: str) -> frozenset[str]:
    for rx, metrics in sr.compounds:
        if rx.search(label):
            return metrics
    if f.metric:
        return frozenset([f.metric])
    # no metric: the stage its own words name, the phrase nearest the figure
    best: tuple[int, str] | None = None
    for rx, key in sr.stages:
        for m in rx.finditer(label):
            if best is None or m.end() > best[0]:
                best = (m.end(), key)
    return frozenset([best[1]]) if best and f.unit else frozenset()


def place(doc: Passage, sr: SumRules) -> list[Placed]:
    """Every count figure with its paragraph, level and measure, in document order."""
    paras = paragraphs(doc.text)
    starts = [s for s, _ in paras]
    level_marks = [(m.start(), m.group(0).lower()) for m in sr.level_re.finditer(doc.text)] if sr.level_re else []
    level_marks = [(p, re.sub(r"\s+", " ", w)) for p, w in level_marks]
    whole_marks = [m.start() for m in sr.whole_re.finditer(doc.text)] if sr.whole_re else []
    out: list[Placed] = []
    prev_end = 0
    for fig in doc.figs:
        sides = _fraction_sides(doc, sr, fig, own_words(doc, fig, prev_end)) if fig.kind == "ratio" else []
        if not fig.countlike and not sides:
            prev_end = fig.end
            continue
        for f, measure in sides or [(fig, None)]:
            out.append(_placed(doc, sr, f, measure, prev_end, starts, level_marks, whole_marks))
        prev_end = fig.end
    return out


def _fraction_sides(doc: Passage, sr: SumRules, f: Fig, label: str) -> list[tuple[Fig, frozenset[str]]]:
    """ "đã giải quyết 4.561/5.650 hồ sơ": the numerator is the stage its words name, the denominator
    the total that stage is a part of (the identity that lists it), so the fraction takes part in
    the identities like two figures."""
    if f.num is None or f.den is None or f.num > f.den:
        return []
    stage = measure_of(sr, Fig("count", f.num, f.start, f.end, f.fact_ids, unit=f.unit), label)
    if len(stage) != 1:
        return []
    whole = next((i.total for i in sr.identities if any(stage <= alts for alts in i.parts)), None)
    if whole is None:
        return []
    common = dict(unit=f.unit, period=f.period, subject=f.subject, section_id=f.section_id)
    num = Fig("count", f.num, f.start, f.end, f.fact_ids, **common)
    den = Fig("count", f.den, f.start, f.end, f.fact_ids, **common)
    return [(num, stage), (den, frozenset([whole]))]


def _placed(
    doc: Passage,
    sr: SumRules,
    f: Fig,
    measure: frozenset[str] | None,
    prev_end: int,
    starts: list[int],
    level_marks: list[tuple[int, str]],
    whole_marks: list[int],
) -> Placed:
    """One figure with its paragraph, level (carried forward) and measure."""
    pi = max(i for i, s in enumerate(starts) if s <= f.start)
    ps = starts[pi]
    lv = [(p, w) for p, w in level_marks if ps <= p < f.start]
    level = WHOLE
    if lv:
        at, level = lv[-1]
        # "… cấp xã … . Toàn tỉnh đã …": a whole named in a later sentence ends the level
        later = [p for p in whole_marks if at < p < f.start and doc.sentence_start(p) > at]
        if later:
            level = WHOLE
    label = own_words(doc, f, prev_end)
    m = measure if measure is not None else measure_of(sr, f, label)
    return Placed(f, pi, level, m, label, _sentence(doc, f.start))


def _sentence(doc: Passage, pos: int) -> int:
    """The start of pos's sentence, reaching out of a parenthesis (its aside belongs to the sentence)."""
    lo = doc.sentence_start(pos)
    while lo > 0 and doc.text[lo - 1] == "(":
        lo = doc.sentence_start(lo - 1)
    return lo


def same_scope(a: Fig, b: Fig) -> bool:
    """Same subject and period, where an unstated one does not disagree."""
    return (a.subject is None or b.subject is None or a.subject == b.subject) and (
        a.period is None or b.period is None or a.period == b.period
    )
