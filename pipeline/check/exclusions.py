"""A total with a part set aside: "Thu nội địa đạt 16.186 tỷ đồng. Không tính số thu từ đất (5.056 tỷ
đồng) thì thu nội địa đạt 11.104 tỷ đồng" states that the earlier total is the excluded figure plus
the rest.

Why its own finder: the total is not in the sentence. It is the nearest earlier figure of the passage
stated under the same label as the rest (the words after "thì" up to the verb, sums.yaml
`label_verbs`) with the same unit; without that label match the sentence is only a statement of the
rest (nothing to check). Only counts and money: a percent after "thì" is a rate of the rest.
"""

from __future__ import annotations

import re

from pipeline.check.candidates import passage_start
from pipeline.check.parts import approx
from pipeline.check.passage import WORD_RE, Fig, Passage, clean
from pipeline.check.relation import Relation
from pipeline.check.sumrules import SumRules

_MAX_CLAUSE = 200  # characters from the exclusion word to "thì"
_MAX_REST = 120  # characters from "thì" to the rest's figure
_CLAUSE_END = re.compile(r"[;:!?\n]|[.,](?!\d)")
_SENTENCE_END = re.compile(r"[;\n]|\.(?!\d)")


def exclusion_relations(doc: Passage, sr: SumRules) -> list[Relation]:
    """ "không tính X (A) thì M … B": the earlier figure labelled M is A + B."""
    if sr.exclusion_re is None or sr.label_verb_re is None:
        return []
    out: list[Relation] = []
    text = doc.text
    for m in sr.exclusion_re.finditer(text):
        then = re.search(r"(?<!\w)thì(?!\w)", text[m.end() : m.end() + _MAX_CLAUSE])
        if then is None:
            continue
        then_at, rest_from = m.end() + then.start(), m.end() + then.end()
        if _SENTENCE_END.search(text, m.end(), then_at):
            continue
        excluded = [f for f in doc.figs_between(m.end(), then_at) if f.countlike]
        if len(excluded) != 1:
            continue  # several figures set aside, or none: not one part
        part = excluded[0]
        rest = next((f for f in doc.figs_between(rest_from, rest_from + _MAX_REST) if f.countlike), None)
        if rest is None or _SENTENCE_END.search(text, rest_from, rest.start) or not _same_unit(rest, part):
            continue
        label = _label(text[rest_from : rest.start], sr.label_verb_re)
        if not label:
            continue
        total = _labelled_total(doc, label, rest, m.start())
        if total is None:
            continue
        kind, word = approx(doc, [total])
        hedge_on_stated: bool | None = True if kind else None
        if kind is None:
            kind, word = approx(doc, [part, rest])
            hedge_on_stated = False if kind else None
        out.append(
            Relation(
                rule="sum_parts",
                operands=(part.value, rest.value),
                stated=total.value,
                char_start=total.start,
                char_end=rest.end,
                fact_ids=tuple(x for f in (total, part, rest) for x in f.fact_ids),
                connective=f"{m.group(0).lower()} … thì {' '.join(label)}",
                decimals=(total.decimals,),
                approximate=kind,
                qualifier=word,
                spans=(part.half, rest.half),
                stated_span=total.half,
                hedge_on_stated=hedge_on_stated,
            )
        )
    return out


def _same_unit(a: Fig, b: Fig) -> bool:
    return a.kind == b.kind and (a.unit or "").lower() == (b.unit or "").lower()


def _label(between: str, verb_re: re.Pattern[str]) -> tuple[str, ...]:
    """The words naming the rest, before its verb ("thu nội địa thực hiện" -> thu nội địa); none when
    no verb closes them (the words may then be anything)."""
    v = verb_re.search(between)
    if v is None:
        return ()
    return tuple(w.lower() for w in WORD_RE.findall(clean(between[: v.start()])))


def _labelled_total(doc: Passage, label: tuple[str, ...], rest: Fig, before: int) -> Fig | None:
    """The nearest earlier figure of the passage with the rest's unit, larger than it, whose own clause
    names the label; a figure of another period is another total."""
    text = doc.text
    lo = passage_start(doc, before)
    if lo > 1 and len(WORD_RE.findall(text[lo:before])) <= 1:
        lo = passage_start(doc, lo - 2)  # the exclusion opens its paragraph: it looks back at the last one
    for f in reversed(doc.figs_between(lo, before)):
        if not _same_unit(f, rest) or f.value <= rest.value:
            continue
        if f.period and rest.period and f.period != rest.period:
            continue
        since = max((m.end() for m in _CLAUSE_END.finditer(text, max(0, f.start - 160), f.start)),
                    default=max(0, f.start - 160))
        words = tuple(w.lower() for w in WORD_RE.findall(clean(text[since : f.start])))
        if any(words[i : i + len(label)] == label for i in range(len(words) - len(label) + 1)):
            return f
    return None
