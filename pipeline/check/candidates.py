"""Candidates: every plausible reading of a stated figure, each with the structural cues that support it.

Why candidates rather than "the nearest figure": real reports put the base of a percent in the same
clause, an earlier sentence of the paragraph ("… tiếp nhận N hồ sơ. Trong đó, có M hồ sơ trực tuyến
(đạt tỷ lệ p%)"), the headline, or just after the percent ("… (đạt p%), hồ sơ đến hạn N hồ sơ"), and
mix counted nouns (hồ sơ, văn bản, xã, máy tính). A finder proposes each reading as a `Candidate`
(its operands, the cues found, a score from the cue weights of checks.yaml `candidates.cues`);
`pipeline.check.select.choose` then keeps the reading that fits, or says how strongly the best
unfitting one is supported.

How a finder uses it (the percent finder in `shares.py` is the first user):

    cands = share_candidates(doc, part, pct)            # or build Candidate(...) of its own
    choice = choose(cands, lambda c: fits(c))           # pipeline/check/select.py
    if choice: relation = ... choice.candidate.operands, strong=choice.strong,
                              confidence=choice.confidence

For a sum, `operands` are the parts and `stated` the total; `Candidate.score` comes from `score_of`
with the finder's own cue names (each must be a key of `candidates.cues`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from functools import lru_cache

from extractors.catalog import load_catalog
from pipeline.check.clauses import bridge_ok
from pipeline.check.passage import SHARE_WORDS, Fig, Passage, clean, compatible
from pipeline.structure.layout import bullet_marks


@dataclass(frozen=True, slots=True)
class Candidate:
    """One reading of a stated figure: the operands it relates (share: part, whole), the cues found."""

    operands: tuple[Fig, ...]
    stated: Fig
    cues: tuple[str, ...]
    score: float

    @property
    def values(self) -> tuple[float, ...]:
        return tuple(f.total_value for f in self.operands)


def score_of(cues: Iterable[str], weights: Mapping[str, float]) -> float:
    """The sum of the cues' weights (not clamped, so that readings rank apart; `confidence` clamps)."""
    return sum(weights.get(c, 0.0) for c in cues)


def confidence(score: float) -> float:
    """A score as the 0–1 confidence stored on the check row."""
    return min(1.0, max(0.0, score))


@lru_cache(maxsize=4)
def _bases_by_metric(_version: int = 0) -> dict[str, frozenset[str]]:
    """metrics.yaml read as "what may a figure of metric m be a share of": the denominator of a rate
    whose numerator counts m, the broader metric m refines, the metric m is listed as a part of."""
    cat = load_catalog()
    out: dict[str, set[str]] = {}
    for m in cat.metrics.values():
        for n in m.numerator:
            if m.denominator:
                out.setdefault(n, set()).add(m.denominator)
        if m.broader:
            out.setdefault(m.key, set()).add(m.broader)
        for p in m.parts:
            out.setdefault(p, set()).add(m.key)
    return {k: frozenset(v) for k, v in out.items()}


def passage_start(doc: Passage, pos: int) -> int:
    """Where the passage holding `pos` begins: its paragraph, and the paragraph before when this one
    continues it (opens with "Trong đó", a bullet or a lower-case word); never across a heading."""
    max_lines = doc.rules.config.candidates.passage_lines
    i = doc.line_index(pos)
    first = i
    j = i - 1
    steps = 0
    while j >= 0 and steps < max_lines:
        if doc.is_heading(j):
            break
        if doc.blank(j):
            if not _continues(doc, first):
                break
        else:
            first = j
            steps += 1
        j -= 1
    return doc.lines[first][0]


def _continues(doc: Passage, i: int) -> bool:
    s, e = doc.lines[i]
    line = clean(doc.text[s:e]).lstrip(" \t")
    if bullet_marks(line) or (line[:1].islower()):
        return True
    return bool(doc.rules.parts_re.match(line))


def names_other_whole(doc: Passage, pct: Fig, whole: Fig) -> bool:
    """Whether the percent names a whole that the figure does not count ("chiếm 21,3% lực lượng lao
    động" after a total of "người"), or a plan or another period ("đạt 43% kế hoạch"): the percent is
    then of something not in the text."""
    if doc.rules.percent_of_other_re.match(doc.text, pct.end):
        return True  # "đạt 43% kế hoạch", "bằng 80% so với cùng kỳ"
    named = _named_whole(doc, pct)
    return named is not None and whole.unit is not None and not compatible(_noun(whole.unit), _noun(named))


def _topic_start(doc: Passage, lo: int, sent_lo: int) -> int:
    """ "Trong khi đó, …", "Ngoài ra, …": a sentence opening a new topic ends the search for a base."""
    pat = doc.rules.topic_breakers_re
    last = lo
    for m in pat.finditer(doc.text, lo, sent_lo + 40):
        if m.start() > sent_lo:
            break
        before = clean(doc.text[max(lo, m.start() - 3) : m.start()])
        if m.start() == lo or re.search(r"[.!?…:;]\s*$|\n\s*$|^\s*$", before):
            last = m.start()
    return last


def headline_lines(doc: Passage) -> list[tuple[int, int]]:
    """The headline lines of a page: among its first few non-blank lines, the short ones that do not
    end a sentence (a news title, a kicker with a date line before it)."""
    cfg = doc.rules.config.candidates
    out: list[tuple[int, int]] = []
    seen = 0
    for s, e in doc.lines:
        line = doc.text[s:e].strip()
        if not line:
            continue
        seen += 1
        if seen > cfg.headline_lines:
            break
        if len(line) <= cfg.headline_chars and not line.endswith((".", ":", ";")):
            out.append((s, e))
    return out


def headline_figs(doc: Passage, before: int) -> list[Fig]:
    """The figures of the headline lines that end before `before`."""
    return [f for s, e in headline_lines(doc) if e <= before for f in doc.figs_between(s, e)]


def _wholes_of(doc: Passage, f: Fig) -> list[Fig]:
    """The wholes a figure offers: itself, and for a fraction "9.690 đài/10.599 xã" its denominator too,
    counted in the noun written after it."""
    if f.kind != "ratio" or f.den is None:
        return [f]
    seg = doc.text[f.start : f.end + 40]
    slash = re.search(r"/\s*\d[\d.,]*", seg)
    m = _NOUN_LIST.match(seg, slash.end()) if slash else None
    unit = m.group(1).lower() if m else None
    # the denominator first: the nearest figure, the head of a "trong đó", stays the fraction itself
    return [replace(f, kind="count", value=f.den, num=None, den=None, unit=unit, metric=None), f]


_NOUN_LIST = re.compile(r"[ \t]*([^\W\d_]+(?:[ \t]*,?[ \t]*[^\W\d_]+){0,3})")


def _whole_ok(f: Fig, part: Fig) -> bool:
    if f is part or f.kind == "percent" or not (f.countlike or (f.kind == "ratio" and f.num is not None)):
        return False
    return f.total_value >= part.value and f.total_value > 0


def _unit_cue(a: str | None, b: str | None) -> str:
    if a is None or b is None:
        return "unit_unknown"
    return "same_unit" if compatible(_noun(a), _noun(b)) else "other_unit"


def _noun(unit: str) -> str:
    """A counted noun with the catalog's abbreviations expanded ("HS" -> "hồ sơ")."""
    return " ".join(load_catalog().expand(unit.lower().split()))


def _named_whole(doc: Passage, pct: Fig) -> str | None:
    """ "chiếm 85% số xã", "đạt 60% tổng số hồ sơ", "chiếm 35% lực lượng lao động": the noun the
    percent names as its whole (a function word after the percent names none)."""
    after = doc.text[pct.end : pct.end + 40]
    m = _NAMED_WHOLE.match(after)
    if m:
        return m.group(1).lower()
    m = _NOUN_AFTER.match(after)
    if not m:
        return None
    words = m.group(1).lower().split()
    if words[0] in doc.rules.not_unit or doc.rules.percent_of_other_re.match(after):
        return None
    if doc.rules.total_words_re.match(m.group(1)) or doc.rules.base_words_re.match(m.group(1)):
        return None  # "chiếm 40% tổng số": the whole is the total itself
    return words[0] if len(words) == 1 or words[1] in doc.rules.not_unit else " ".join(words)


_NAMED_WHOLE = re.compile(r"[\s*]*(?:của\s+)?(?:tổng\s+)?số\s+(?:lượng\s+)?([^\W\d_]+(?:[ \t]+[^\W\d_]+)?)", re.I)
_NOUN_AFTER = re.compile(r"[ \t]+([^\W\d_]+(?:[ \t]+[^\W\d_]+)?)")


def share_candidates(doc: Passage, part: Fig, pct: Fig) -> list[Candidate]:
    """Every plausible (part, whole) reading of "<part> … chiếm/đạt/tỷ lệ <pct>", best first.

    Wholes come from the part's sentence, the earlier sentences of its passage, the headline and the
    rest of the sentence after the percent; each is typed by its counted noun and metric family."""
    weights = doc.rules.config.candidates.cues
    text = doc.text
    bases = _bases_by_metric()
    sent_lo = doc.sentence_start(part.start)
    lo = _topic_start(doc, passage_start(doc, part.start), sent_lo)
    named = _named_whole(doc, pct)
    sent_end = _sentence_end(doc, pct.end)
    before = [g for f in doc.figs_between(lo, part.start) for g in _wholes_of(doc, f) if _whole_ok(g, part)]
    after = [f for f in doc.figs_between(pct.end, sent_end) if _whole_ok(f, part)]
    head = [f for f in headline_figs(doc, lo) if _whole_ok(f, part)]
    nearest = next((f for f in reversed(before) if _unit_cue(f.unit, part.unit) == "same_unit"), None)
    adjacent = before[-1] if before and before[-1].start >= sent_lo and _next_count(doc, before[-1]) is part else None
    head_of_parts = _connective_head(doc, before, lo, part)
    out: list[Candidate] = []
    seen: set[tuple[int, float]] = set()
    for where, figs in (("before", before), ("after", after), ("headline", head)):
        for f in figs:
            if (f.start, f.total_value) in seen:
                continue
            seen.add((f.start, f.total_value))
            cues: list[str] = []
            if where == "before":
                cues.append("same_sentence" if f.start >= sent_lo else "same_passage")
                if f is adjacent:
                    cues.append("adjacent")
                if f is head_of_parts:
                    cues.append("parts_connective")
            else:
                cues.append("after_percent" if where == "after" else "headline")
            if f is nearest:
                cues.append("nearest")
            cues.append(_unit_cue(f.unit, part.unit))
            if named is not None:
                if f.unit is not None and not compatible(_noun(f.unit), _noun(named)):
                    continue  # "85% số xã" is a share of a count of xã
                cues.append("named_whole")
            floor = sent_lo if where == "before" and f.start >= sent_lo else 0
            clause = re.split(r"[,;(:\n]|[.!?…]\s", text[max(floor, f.start - 60) : f.start])[-1]
            if doc.rules.base_words_re.search(clause):
                cues.append("total_word")
            if doc.rules.change_re.search(clause):
                cues.append("change")
            if part.metric and f.metric:
                if f.metric in bases.get(part.metric, ()):
                    cues.append("metric_base")
                elif f.metric == part.metric:
                    cues.append("metric_same")
            is_den = f.kind == "count" and f.end > f.start and any(
                g.kind == "ratio" and g.start == f.start for g in doc.figs_between(f.start, f.end)
            )
            linked = "metric_base" in cues or "parts_connective" in cues
            if not is_den and not linked and _has_own_share(doc, f, pct):
                cues.append("own_share")  # a total may carry its own share of a larger one
            if f.period and part.period and not _same_period(f.period, part.period):
                cues.append("other_period")
            out.append(Candidate((part, f), pct, tuple(cues), score_of(cues, weights)))
    # best first; between equals the closer whole (the later one before the part, the earlier after it)
    out.sort(key=lambda c: (-c.score, abs(c.operands[1].start - part.start)))
    return out


def _connective_head(doc: Passage, before: list[Fig], lo: int, part: Fig) -> Fig | None:
    """ "X …, trong đó … <part>": the figure a parts connective hangs on is the last one before it."""
    conn = None
    for m in doc.rules.parts_re.finditer(doc.text, lo, part.start):
        conn = m
    if conn is None:
        return None
    heads = [f for f in before if f.end <= conn.start()]
    return heads[-1] if heads else None


def _next_count(doc: Passage, f: Fig) -> Fig | None:
    """The next figure after f that is not a percent."""
    i = doc.figs.index(f) + 1
    while i < len(doc.figs) and doc.figs[i].kind == "percent":
        i += 1
    return doc.figs[i] if i < len(doc.figs) else None


def _has_own_share(doc: Passage, f: Fig, pct: Fig) -> bool:
    """A figure followed by its own percent ("4.157 hồ sơ (đạt 99,71%)") is a part, not the base."""
    nxt = doc.next_fig(f.end)
    if nxt is None or nxt.kind != "percent" or nxt is pct:
        return False
    return bridge_ok(doc, doc.text[f.end : nxt.start], max_words=SHARE_WORDS)


def _sentence_end(doc: Passage, pos: int) -> int:
    """The end of the clause run after `pos`: the next full stop or semicolon, else the line's end."""
    e = doc.lines[doc.line_index(pos)][1]
    m = re.search(r"[.!?…;](?=\s|$)", doc.text[pos:e])
    return pos + m.start() if m else e


def _same_period(a: str, b: str) -> bool:
    return a.startswith(b) or b.startswith(a) or a[:4] == b[:4]
