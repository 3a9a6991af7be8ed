"""Parallel breakdowns: "…, vắng khoảng 2.500 em. Cụ thể, cấp A …, vắng 1.517 em. … cấp B …, vắng 257 em.
… cấp C …, vắng 881 em." A total and its parts, each part written in its own sentence with the same short
label as the total ("vắng"), after a parts connective that opens the next sentence ("Cụ thể", "Trong đó")
and the first part in that very sentence.

Why this is a sum the text makes checkable: the connective announces the breakdown and the repeated label
says which figure of each sentence belongs to it. Why cautious: the label must be a short clause of its own
(at most `MAX_LABEL_WORDS` words between the clause start and the figure, not only function words), each
part in a different sentence, all within the total's passage (no blank line, a few lines); a figure of the
same label that is larger than the total ends the reading.
"""

from __future__ import annotations

import re

from pipeline.check.parts import approx
from pipeline.check.passage import WORD_RE, Fig, Passage, clean, compatible
from pipeline.check.relation import Relation

MAX_LABEL_WORDS = 3
_CLAUSE_START = re.compile(r"[,;:()]|\n|(?<!\w)(?:và|còn)(?!\w)")


def _label(doc: Passage, f: Fig) -> tuple[str, ...] | None:
    """The words of the figure's own clause before it, qualifiers dropped ("vắng khoảng" -> vắng)."""
    lo = doc.sentence_start(f.start)
    before = clean(doc.text[lo : f.start])
    cut = [m.end() for m in _CLAUSE_START.finditer(before)]
    clause = before[cut[-1] :] if cut else before
    clause = doc.rules.qualifier_re.sub("", clause.strip()).strip()
    words = tuple(w.lower() for w in WORD_RE.findall(clause))
    if not words or len(words) > MAX_LABEL_WORDS or all(w in doc.rules.not_unit for w in words):
        return None
    return words


def breakdown_relations(doc: Passage, passage_lines: int) -> list[Relation]:
    """ "<label> T. <connective>, … <label> a. … <label> b." : T = a + b + …"""
    out: list[Relation] = []
    text = doc.text
    figs = [f for f in doc.figs if f.countlike and f.kind != "ratio"]
    labels = {f.start: _label(doc, f) for f in figs}
    for i, t in enumerate(figs):
        label = labels[t.start]
        if label is None:
            continue
        nxt = _sentence_end(doc, t.end)
        opener = clean(text[nxt : nxt + 40]).lstrip(" .\n")
        if not doc.rules.parts_re.match(opener):
            continue
        limit = _passage_end(doc, t.end, passage_lines)
        parts: list[Fig] = []
        seen_sentences = {doc.sentence_start(t.start)}
        for g in figs[i + 1 :]:
            if g.start >= limit:
                break
            if labels[g.start] != label:
                continue
            if g.value > t.value or not compatible(g.unit, t.unit):
                parts = []
                break
            s = doc.sentence_start(g.start)
            if s in seen_sentences:
                parts = []
                break  # two figures of the label in one sentence: not one part per sentence
            seen_sentences.add(s)
            parts.append(g)
        opened = nxt + len(text[nxt:]) - len(text[nxt:].lstrip())
        if len(parts) < 2 or _sentence_end(doc, opened) <= parts[0].start:
            continue  # the connective's own sentence gives the first part
        kind, word = approx(doc, [t])
        if kind is None:
            kind, word = approx(doc, parts)
            hedge_on_stated = False if kind else None
        else:
            hedge_on_stated = True
        out.append(
            Relation(
                rule="sum_parts",
                operands=tuple(p.value for p in parts),
                stated=t.value,
                char_start=t.start,
                char_end=parts[-1].end,
                fact_ids=tuple(x for f in (t, *parts) for x in f.fact_ids),
                connective=f"{' '.join(label)} … {opener.split(',')[0].split()[0].lower()} … {' '.join(label)}",
                decimals=(t.decimals,),
                approximate=kind,
                qualifier=word,
                spans=tuple(p.half for p in parts),
                stated_span=t.half,
                hedge_on_stated=hedge_on_stated,
            )
        )
    return out


def _sentence_end(doc: Passage, pos: int) -> int:
    m = re.search(r"[.!?](?=\s)|\n", doc.text[pos:])
    return pos + m.end() if m else len(doc.text)


def _passage_end(doc: Passage, pos: int, lines: int) -> int:
    """A few lines on, and never past a blank line."""
    text = doc.text
    blank = re.search(r"\n[ \t]*\n", text[pos:])
    end = pos + blank.start() if blank else len(text)
    k = pos
    for _ in range(lines):
        nl = text.find("\n", k + 1)
        if nl < 0:
            return end
        k = nl
    return min(end, k)

