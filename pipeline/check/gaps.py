"""Stated differences: "đạt 35,1%, thấp hơn 0,4% so với chỉ tiêu giao (35,5%)" states a figure, the
figure it is compared with (in parentheses after "so với …") and their difference.

Why its own rule (`difference`): the gap is the text's own arithmetic claim, like a sum or a share,
and it is checkable only when both compared figures are written next to it. The compared figure is
taken only from the parentheses that close the "so với" phrase and the first figure from the nearest
earlier one of the same kind in the clause; a direction word ("cao hơn", "thấp hơn") that disagrees
with the figures makes the reading weak (never a mismatch).
"""

from __future__ import annotations

import re

from pipeline.check.candidates import headline_lines
from pipeline.check.clauses import matching_paren
from pipeline.check.passage import WORD_RE, Fig, Passage, clean
from pipeline.check.relation import Relation

# direction word, the gap figure, then "so với" within a few words
_UP = ("cao hơn", "nhiều hơn", "tăng", "vượt")
_DOWN = ("thấp hơn", "ít hơn", "giảm", "kém")
_DIRECTION = re.compile(r"(?<!\w)(" + "|".join(_UP + _DOWN) + r")(?:\s+(?:thêm|được))?\s*$", re.IGNORECASE)
_SO_VOI = re.compile(r"^\s*(?:\S+\s+){0,2}?so\s+với\b", re.IGNORECASE)
_MAX_LABEL = 120  # characters between "so với" and the parenthesis holding the compared figure
_MAX_BACK = 160  # characters back to the first compared figure


def _same_kind(a: Fig, b: Fig) -> bool:
    """Percents compare with percents, money with money; counts and per-unit rates of one noun
    ("2,5 tiêu chí" and "13,5 tiêu chí/xã") with each other."""
    if "percent" in (a.kind, b.kind) or "money" in (a.kind, b.kind):
        return a.kind == b.kind
    return _noun(a) == _noun(b) or not _noun(a) or not _noun(b)


def _noun(f: Fig) -> str:
    return (f.unit or "").split("/")[0].strip().lower()


def difference_relations(doc: Passage) -> list[Relation]:
    """ "A …, cao hơn D so với <nhãn> (B)": D is stated as |A − B|."""
    out: list[Relation] = []
    text = doc.text
    figs = sorted([*doc.figs, *doc.rate_figs], key=lambda g: g.start)
    for i, d in enumerate(figs):
        dm = _DIRECTION.search(text[max(0, d.start - 24) : d.start])
        if dm is None:
            continue
        sm = _SO_VOI.match(text[d.end : d.end + 60])
        if sm is None:
            continue
        label_start = d.end + sm.end()
        open_at = text.find("(", label_start, label_start + _MAX_LABEL)
        if open_at < 0 or re.search(r"[.;\n]", text[label_start:open_at]):
            continue
        close = matching_paren(text, open_at, open_at + 120)
        if close < 0:
            continue
        inner = [g for g in figs if open_at < g.start and g.end <= close]
        if not inner or not _same_kind(inner[0], d):
            continue
        b = inner[0]
        if any(label_start <= g.start < open_at for g in figs):
            continue  # another figure in the label: not clearly the compared one
        a = _first_operand(doc, figs[:i], d, max(0, d.start - 24) + dm.start())
        if a is None or not _same_kind(a, d):
            continue
        up = dm.group(1).lower() in _UP
        agrees = (a.value >= b.value) if up else (a.value <= b.value)
        hi, lo = (a, b) if a.value >= b.value else (b, a)
        k = max(a.decimals, b.decimals, d.decimals)
        out.append(
            Relation(
                rule="difference",
                operands=(hi.value, lo.value),
                stated=d.value,
                char_start=a.start,
                char_end=close + 1,
                fact_ids=tuple(x for f in (a, d, b) for x in f.fact_ids),
                connective=f"{dm.group(1)} … so với ( )",
                decimals=(k,),
                strong=agrees,  # "cao hơn" reads as a qualifier "hơn" on D; the direction word is checked here
                note=None if agrees else "gap_direction",
                spans=(hi.half, lo.half),
                stated_span=d.half,
            )
        )
    return out


def _first_operand(doc: Passage, before: list[Fig], d: Fig, clause_end: int) -> Fig | None:
    """The nearest earlier figure of the gap's kind in the same sentence, skipping other gaps."""
    text = doc.text
    for g in reversed(before):
        if g.end > clause_end:
            continue
        if clause_end - g.end > _MAX_BACK or re.search(r"[.\n]", text[g.end : clause_end]):
            return None
        if _DIRECTION.search(text[max(0, g.start - 24) : g.start]):
            continue  # itself a stated change ("tăng 5,5 … so với năm 2010")
        if _same_kind(g, d) and not re.fullmatch(r"(?:19|20)\d\d", text[g.start : g.end]):
            return g
    return None


def headline_remainders(doc: Passage, remainder_re: re.Pattern[str] | None,
                        negation_re: re.Pattern[str] | None) -> list[Relation]:
    """A headline stating the rest ("Còn 06 xã nông thôn chưa có điểm bưu điện") of a fraction the body
    states ("78/82 xã nông thôn có điểm bưu điện"): the rest is the denominator less the numerator. The
    body fraction must count the headline's noun with the same words and be followed by the predicate the
    headline negates (its first three words), so the two speak of one thing."""
    if remainder_re is None or negation_re is None:
        return []
    out: list[Relation] = []
    text = doc.text
    for s, e in headline_lines(doc):
        for g in doc.figs_between(s, e):
            if not g.countlike or not g.unit or g.kind == "ratio":
                continue
            if not re.search(remainder_re.pattern + r"\s*$", clean(text[max(s, g.start - 20) : g.start]), re.I):
                continue
            after = clean(text[g.end : e])
            neg = negation_re.search(after)
            if neg is None:
                continue
            between = [w.lower() for w in WORD_RE.findall(after[: neg.start()])]
            predicate = [w.lower() for w in WORD_RE.findall(after[neg.end() :])][:3]
            if len(between) > 3 or len(predicate) < 3:
                continue
            want = [*g.unit.lower().split(), *between, *predicate]
            for r in doc.figs:
                if r.start <= e or r.kind != "ratio" or r.num is None or not r.den or r.num >= r.den:
                    continue
                words = [w.lower() for w in WORD_RE.findall(clean(text[r.end - len(r.unit or "") : r.end + 80]))]
                if words[: len(want)] != want:
                    continue
                out.append(
                    Relation(
                        rule="difference",
                        operands=(r.den, r.num),
                        stated=g.value,
                        char_start=g.start,
                        char_end=r.end,
                        fact_ids=tuple(dict.fromkeys(g.fact_ids + r.fact_ids)),
                        connective="còn … chưa … (tiêu đề) / a/N",
                    )
                )
                break
    return out
