"""Percents outside lists: a run of shares that split one whole ("Cơ cấu …: a%, b%, c%"), a share and its
complement ("… đạt 78,4%, … chưa … chiếm 23,1%"), and a part's share whose base is the figure just before
it ("… 4.522 hồ sơ, chiếm 36,2%").

Why after the list finders: a percent a list already explains is not explained again (`used_pct`).
"""

from __future__ import annotations

import itertools
import re
from dataclasses import replace

from pipeline.check.candidates import Candidate, headline_lines, score_of, share_candidates
from pipeline.check.clauses import bridge_ok, has_sentence_break, norm_label
from pipeline.check.parts import approx, plain_number, share_relation
from pipeline.check.passage import SHARE_WORDS, WORD_RE, Fig, Passage, clean, compatible
from pipeline.check.relation import PERCENT_RULES, Relation
from pipeline.check.select import Choice, choose
from pipeline.check.verdict import holds
from pipeline.model import section_at
from pipeline.structure.layout import bullet_marks


def share_lists(doc: Passage, used_pct: set[int]) -> list[Relation]:
    """ "Cơ cấu … theo cấp: cấp tỉnh 38,5%, cấp huyện 27,4%, cấp xã 35,6%": shares of one whole."""
    out: list[Relation] = []
    text = doc.text
    for m in doc.rules.share_list_re.finditer(text):
        colon = text.find(":", m.end(), m.end() + 150)
        # without a colon ("Về cơ cấu kinh tế, khu vực A chiếm 20%; khu vực B chiếm 45%; …") the shares
        # follow the word itself: at least three, in parallel clauses that state no change
        bare = colon < 0 or has_sentence_break(doc, text[m.end() : colon])
        pcts: list[Fig] = []
        last = m.end() if bare else colon + 1
        for f in doc.figs_between(last, last + 600):
            gap = text[last : f.start]
            if has_sentence_break(doc, gap, text[f.start : f.start + 1]) or f.kind != "percent":
                break
            if pcts and not re.search(r"[,;]|(?<!\w)và(?!\w)", gap):
                break
            if len(WORD_RE.findall(gap)) > (16 if bare and not pcts else 10 if bare else 8):
                break
            if bare and (doc.rules.change_re.search(gap) or "(" in gap):
                break
            pcts.append(f)
            last = f.end
        if len(pcts) < (3 if bare else 2) or any(p.start in used_pct for p in pcts):
            continue
        used_pct.update(p.start for p in pcts)
        kind, word = approx(doc, pcts)
        out.append(
            Relation(
                rule="shares_exceed_total",
                operands=tuple(p.value for p in pcts),
                stated=100.0,
                char_start=m.start(),
                char_end=pcts[-1].end,
                fact_ids=tuple(i for p in pcts for i in p.fact_ids),
                connective=m.group(0).lower(),
                decimals=tuple(p.decimals for p in pcts),
                approximate=kind,
                qualifier=word,
            )
        )
    return out


def complement_shares(doc: Passage, used_pct: set[int]) -> list[Relation]:
    """ "Tỷ lệ hộ có kết nối … đạt 78,4%, số hộ chưa có kết nối chiếm 23,1%": the two add to 100%."""
    out: list[Relation] = []
    text = doc.text
    figs = doc.figs
    for k in range(len(figs) - 1):
        a, b = figs[k], figs[k + 1]
        if a.kind != "percent" or b.kind != "percent" or a.start in used_pct or b.start in used_pct:
            continue
        gap = text[a.end : b.start]
        if has_sentence_break(doc, gap, "x") or ";" in gap or len(WORD_RE.findall(gap)) > 14:
            continue
        neg = doc.rules.negation_re.search(gap)
        if not neg:
            continue
        lo = doc.sentence_start(a.start)
        first = norm_label(doc, text[lo : a.start])
        if doc.rules.negation_re.search(text[lo : a.start]):
            continue
        key = norm_label(doc, " ".join(neg.group(1).split()[:2]))
        if not key or not any(first[j : j + len(key)] == key for j in range(len(first))):
            continue
        used_pct.update((a.start, b.start))
        kind, word = approx(doc, [a, b])
        out.append(
            Relation(
                rule="shares_exceed_total",
                operands=(a.value, b.value),
                stated=100.0,
                char_start=a.start,
                char_end=b.end,
                fact_ids=a.fact_ids + b.fact_ids,
                connective=f"{neg.group(0).split()[0].lower()} … (phần bù)",
                decimals=(a.decimals, b.decimals),
                approximate=kind,
                qualifier=word,
            )
        )
    return out



def bridge_word(doc: Passage, gap: str) -> str:
    m = re.findall(r"(?<!\w)" + doc.rules.bridge_re + r"(?!\w)|=|\(", clean(gap), re.I)
    return " ".join(w.lower() for w in m[-2:]) or "/"


def _line_label(doc: Passage, i: int) -> str:
    s, e = doc.lines[i]
    line = clean(doc.text[s:e])
    m = bullet_marks(line)
    line = line[m.end() :].strip() if m else line.strip()
    return line.split(":", 1)[0].strip().lower() if ":" in line else ""


def _clause_label(text: str, lo: int, pos: int) -> str:
    """The words that name a figure: its clause up to the number ("Số máy tính có …: 300")."""
    return re.split(r"[,;(]", text[lo:pos])[-1]


def nearby_share_relations(doc: Passage, used_pct: set[int], in_lists: set[int]) -> list[Relation]:
    """A part with its share but no enclosing list: "<part> …, chiếm/đạt/tỷ lệ <p%>". The base is chosen
    among every plausible whole of the passage (`share_candidates`, `choose`): the reading that fits,
    else the best-supported one, a mismatch only when it is strong. Per-subject lines whose base is the
    same subject's line above ("Xã A: 5.366 người" … "Xã A: 4.676 thuê bao") come last."""
    out: list[Relation] = []
    text = doc.text
    figs = doc.figs
    for k in range(len(figs)):
        pct, part = figs[k], figs[k - 1] if k else figs[k]
        if pct.kind != "percent" or pct.start in used_pct:
            continue
        if k == 0 or not part.countlike or not bridge_ok(doc, text[part.end : pct.start], max_words=SHARE_WORDS):
            rel = _operands_after(doc, figs, k, used_pct)
            if rel is not None:
                out.append(rel)
            continue
        if _closes_aside(text, part, pct):
            continue  # "(cấp tỉnh a, cấp huyện b), đạt p%": the percent is of what precedes the aside
        lo = doc.sentence_start(part.start)
        label = _clause_label(text, lo, part.start)
        if doc.rules.change_re.search(label) or doc.rules.percent_of_other_re.match(text, pct.end):
            continue  # "tăng 150 hồ sơ (50%)", "đạt 96% kế hoạch": measured against something else
        if doc.rules.change_re.search(text[part.end : pct.start]) or _is_target(doc, lo, pct):
            continue  # "so với cùng kỳ tăng 5%", "phấn đấu đạt 90%": a change or a target, not a share
        cands = share_candidates(doc, part, pct) + _named_total_candidates(doc, figs, k, lo)
        cands.sort(key=lambda c: -c.score)  # stable: the candidates' own order breaks ties
        choice = choose(cands, lambda c: _fits(doc, c), doc.rules)
        if choice is not None:
            used_pct.add(pct.start)
            out.append(_chosen_relation(doc, choice))
            continue
        rel = _same_subject_share(doc, part, pct)
        if rel is not None:
            used_pct.add(pct.start)
            out.append(rel)
    return out


def _operands_after(doc: Passage, figs: list[Fig], k: int, used_pct: set[int]) -> Relation | None:
    """ "Tỷ lệ … đúng hạn đạt 99,7%; trong đó, tổng số hồ sơ đã giải quyết là N hồ sơ, số hồ sơ giải
    quyết đúng hạn là M hồ sơ": the percent first, then its total (named by a total word) and its part."""
    pct = figs[k]
    text = doc.text
    if k + 2 >= len(figs):
        return None
    whole, part = figs[k + 1], figs[k + 2]
    lead = clean(text[pct.end : whole.start])
    if not doc.rules.parts_re.search(lead) or re.search(r"[.!?…]\s", lead) or len(WORD_RE.findall(lead)) > SHARE_WORDS:
        return None
    if not (whole.countlike and part.countlike and whole.unit and part.unit and compatible(whole.unit, part.unit)):
        return None
    if not doc.rules.total_words_re.search(lead) or part.value > whole.value:
        return None
    between = clean(text[whole.end : part.start])
    if re.search(r"[.!?…;]\s", between) or len(WORD_RE.findall(between)) > SHARE_WORDS:
        return None
    cues = ("after_percent", "parts_connective", "total_word", "same_unit")
    c = Candidate((part, whole), pct, cues, score_of(cues, doc.rules.config.candidates.cues))
    choice = choose([c], lambda c: _fits(doc, c), doc.rules)
    if choice is None:
        return None
    used_pct.add(pct.start)
    return replace(_chosen_relation(doc, choice), char_start=pct.start, char_end=part.end)


def _closes_aside(text: str, part: Fig, pct: Fig) -> bool:
    """Whether a parenthesis opened before the part closes before the percent."""
    gap = text[part.end : pct.start]
    close = gap.find(")")
    return close >= 0 and "(" not in gap[:close]


def _is_target(doc: Passage, lo: int, pct: Fig) -> bool:
    """ "phấn đấu đạt 90%", "chỉ tiêu … 95%", "không quá 3%": a target or threshold in the percent's clause."""
    clause = re.split(r"[,;(]", doc.text[lo : pct.start])[-1]
    return bool(doc.rules.percent_target_re.search(clause))


def _named_total_candidates(doc: Passage, figs: list[Fig], k: int, lo: int) -> list[Candidate]:
    """ "số hồ sơ A là a và tổng số hồ sơ B là b, chiếm p%": the figure before the percent is named as the
    total, the part is the earlier figure of the sentence counting the same noun."""
    total = figs[k - 1]
    text = doc.text
    clause = re.split(r"[,;(]|(?<!\w)và(?!\w)", text[lo : total.start])[-1]
    if not doc.rules.total_words_re.search(clause):
        return []
    out: list[Candidate] = []
    for g in reversed(figs[: k - 1]):
        if g.start < lo:
            break
        if g.countlike and g.value <= total.value and g.unit and total.unit and compatible(g.unit, total.unit):
            cues = ("same_sentence", "same_unit", "named_total", "total_word")
            out.append(Candidate((g, total), figs[k], cues, score_of(cues, doc.rules.config.candidates.cues)))
            break
    return out


def _fits(doc: Passage, c: Candidate) -> bool:
    part, whole = c.operands
    return holds(_trial(doc, part, c.stated, whole), doc.rules)


def _trial(doc: Passage, part: Fig, pct: Fig, whole: Fig, **kw: object) -> Relation:
    return share_relation(
        doc, part, pct, whole.total_value, whole, connective="base", strong=True, span_start=whole.start,
        rule="ratio_percent", **kw,  # type: ignore[arg-type]
    )


def _chosen_relation(doc: Passage, choice: Choice) -> Relation:
    c = choice.candidate
    part, whole = c.operands
    note: str | None = None
    args: tuple[tuple[str, str], ...] = ()
    conf = f"{choice.confidence:.2f}"
    if choice.fits and choice.others and choice.others[0].score > c.score:
        note, args = "base_chosen", (("y", plain_number(whole.total_value)), ("n", "=" + conf))
    elif not choice.fits and not choice.strong:
        others = ", ".join(plain_number(o.operands[1].total_value) for o in choice.others[:3]) or "-"
        note, args = "base_ambiguous", (("y", plain_number(whole.total_value)), ("x", "=" + others))
    return share_relation(
        doc,
        part,
        c.stated,
        whole.total_value,
        whole,
        connective="base: " + "+".join(c.cues),
        strong=choice.strong,
        # the quote holds the base when it is in the part's sentence; otherwise it starts at the part
        span_start=whole.start if whole.start >= doc.sentence_start(part.start) else part.start,
        note=note,
        note_args=args,
        rule="ratio_percent",
        confidence=choice.confidence,
    )


def _same_subject_share(doc: Passage, part: Fig, pct: Fig) -> Relation | None:
    """The same subject's line above in this section is the base ("Xã A: 5.366 người" … "Xã A: 4.676
    thuê bao, đạt 87,1%"); never certain, so never a mismatch."""
    li = doc.line_index(part.start)
    subj = _line_label(doc, li)
    if not subj:
        return None
    sec = section_at(doc.sections, part.start)
    floor = sec.char_start if sec else 0
    j = li - 1
    while j >= 0 and doc.lines[j][0] >= floor and li - j <= 40:
        if _line_label(doc, j) == subj:
            s, e = doc.lines[j]
            prev = [f for f in doc.figs_between(s, e) if f.countlike and f.value >= part.value]
            if prev:
                base = prev[0]
                return share_relation(
                    doc, part, pct, base.value, base, connective="base_from_subject", strong=False,
                    span_start=base.start, note="base_from_subject",
                    note_args=(("y", plain_number(base.value)),), rule="ratio_percent", confidence=0.3,
                )
            return None
        j -= 1
    return None


# "<count> <up to 14 words>[,] gồm:|là|:|(" — each word followed by a space, or by ", " before the opener


def headline_shares(doc: Passage, used_pct: set[int], found: list[Relation]) -> list[Relation]:
    """A headline restating a share the body states ("… đạt hơn 99%" over "… 4.186/4.215 hồ sơ, đạt
    99,3%"): the headline's percent, with its own hedge and precision, is checked on the body's operands.
    The body relation restated is the first whose percent the headline's rounds to (or, hedged, bounds
    or approximates within the relative band)."""
    out: list[Relation] = []
    band = doc.rules.tolerance.approximate_relative
    body = [r for r in found if r.rule in PERCENT_RULES]
    for s, e in headline_lines(doc):
        for pct in doc.figs_between(s, e):
            if pct.kind != "percent" or pct.start in used_pct or doc.rules.percent_of_other_re.match(doc.text, pct.end):
                continue
            kind, word = approx(doc, [pct])
            same = next((r for r in body if r.char_start > e and _restates(kind, pct, r.stated, band)), None)
            if same is None:
                continue
            used_pct.add(pct.start)
            out.append(
                replace(
                    same,
                    stated=pct.value,
                    char_start=pct.start,
                    char_end=pct.end,
                    fact_ids=tuple(i for i in same.fact_ids if i not in pct.fact_ids)[:-1] + pct.fact_ids,
                    connective="headline restating the body",
                    decimals=(pct.decimals,),
                    approximate=kind,
                    qualifier=word,
                    hedge_on_stated=True if kind else None,
                    readings=(),
                    confidence=min(same.confidence, 0.8),
                )
            )
    return out


def _restates(kind: str | None, pct: Fig, body: float, band: float) -> bool:
    """Whether a headline percent (hedged by `kind`) restates a body percent."""
    x = pct.value
    if kind is None:
        return abs(body - x) <= 0.5 * 10.0**-pct.decimals + 1e-9
    if kind == "lower_bound":
        return x - 1e-9 <= body <= x * (1 + band)
    if kind == "upper_bound":
        return x * (1 - band) <= body <= x + 1e-9
    return abs(body - x) <= band * abs(x) + 1e-9


def complement_pairs(doc: Passage, found: list[Relation]) -> list[Relation]:
    """ "a/N …, đạt p%. Còn b … chưa …, chiếm q%": the only two shares of one base, the second of what the
    first lacks (a negation or "còn" in its clause) and their parts covering the base (within 5 %), add up
    to 100 %."""
    out: list[Relation] = []
    shares = sorted((r for r in found if r.rule in PERCENT_RULES and len(r.operands) == 2), key=lambda r: r.char_end)
    bases = [r.operands[1] for r in shares]
    for a, b in itertools.pairwise(shares):
        base = a.operands[1]
        if b.operands[1] != base or bases.count(base) != 2:
            continue  # a third share of the base: the two need not be complements
        if not 0.95 * base <= a.operands[0] + b.operands[0] <= 1.05 * base:
            continue  # the two parts do not cover the base
        gap = doc.text[a.char_end : b.char_end]
        if doc.text.count("\n\n", a.char_end, b.char_end) or len(WORD_RE.findall(gap)) > 30:
            continue
        if doc.rules.negation_re.search(doc.text[a.char_start : a.char_end]):
            continue
        if not (doc.rules.negation_re.search(gap) or re.search(r"(?<!\w)còn(?!\w)", gap, re.I)):
            continue
        out.append(
            Relation(
                rule="shares_exceed_total",
                operands=(a.stated, b.stated),
                stated=100.0,
                char_start=a.char_start,
                char_end=b.char_end,
                fact_ids=tuple(dict.fromkeys(a.fact_ids + b.fact_ids)),
                connective="cùng mẫu số … chưa/còn (phần bù)",
                decimals=(a.decimals[0] if a.decimals else 0, b.decimals[0] if b.decimals else 0),
            )
        )
    return out


def split_shares(doc: Passage, used_pct: set[int]) -> list[Relation]:
    """ "kinh phí 428 triệu đồng, trong đó tỉnh hỗ trợ 80%, huyện đối ứng 20%": after a figure and a parts
    connective, a run of percents only, each after a short label, splits that figure. Never a mismatch:
    the labels may overlap ("nữ 40%, đảng viên 30%"), so only a fit is a finding."""
    out: list[Relation] = []
    text = doc.text
    for m in doc.rules.parts_re.finditer(text):
        before = doc.figs_between(doc.sentence_start(m.start()), m.start())
        if not before or not (before[-1].countlike or before[-1].kind == "money"):
            continue
        if WORD_RE.findall(clean(text[before[-1].end : m.start()]))[3:]:
            continue  # the connective follows the whole it splits
        pcts: list[Fig] = []
        last = m.end()
        for f in doc.figs_between(m.end(), m.end() + 400):
            gap = clean(text[last : f.start])
            if f.kind != "percent" or has_sentence_break(doc, gap, "x") or len(WORD_RE.findall(gap)) > 6:
                break
            if pcts and not re.search(r"[,;]|(?<!\w)và(?!\w)", gap):
                break
            pcts.append(f)
            last = f.end
        if len(pcts) < 2 or any(p.start in used_pct for p in pcts):
            continue
        nxt = doc.next_fig(last)
        if nxt is not None and not has_sentence_break(doc, text[last : nxt.start], "x"):
            continue  # the run goes on with other figures: not a split of shares only
        used_pct.update(p.start for p in pcts)
        out.append(
            Relation(
                rule="shares_exceed_total",
                operands=tuple(p.value for p in pcts),
                stated=100.0,
                char_start=before[-1].start,
                char_end=pcts[-1].end,
                fact_ids=tuple(i for p in pcts for i in p.fact_ids),
                connective=m.group(0).lower() + " … p%, q%",
                decimals=tuple(p.decimals for p in pcts),
                strong=False,
            )
        )
    return out
