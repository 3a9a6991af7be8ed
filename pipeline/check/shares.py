"""Percents outside lists: a run of shares that split one whole ("Cơ cấu …: a%, b%, c%"), a share and its
complement ("… đạt 78,4%, … chưa … chiếm 23,1%"), and a part's share whose base is the figure just before
it ("… 4.522 hồ sơ, chiếm 36,2%").

Why after the list finders: a percent a list already explains is not explained again (`used_pct`).
"""

from __future__ import annotations

import re

from pipeline.check.clauses import bridge_ok, has_sentence_break, norm_label
from pipeline.check.parts import approx, plain_number, share_relation
from pipeline.check.passage import BULLET_RE, SHARE_WORDS, WORD_RE, Fig, Passage, clean, compatible
from pipeline.check.relation import Relation
from pipeline.model import section_at


def share_lists(doc: Passage, used_pct: set[int]) -> list[Relation]:
    """ "Cơ cấu … theo cấp: cấp tỉnh 38,5%, cấp huyện 27,4%, cấp xã 35,6%": shares of one whole."""
    out: list[Relation] = []
    text = doc.text
    for m in doc.rules.share_list_re.finditer(text):
        colon = text.find(":", m.end(), m.end() + 150)
        if colon < 0 or has_sentence_break(doc, text[m.end() : colon]):
            continue
        pcts: list[Fig] = []
        last = colon + 1
        for f in doc.figs_between(colon, colon + 600):
            gap = text[last : f.start]
            if has_sentence_break(doc, gap, text[f.start : f.start + 1]) or f.kind != "percent":
                break
            if pcts and not re.search(r"[,;]|(?<!\w)và(?!\w)", gap):
                break
            if len(WORD_RE.findall(gap)) > 8:
                break
            pcts.append(f)
            last = f.end
        if len(pcts) < 2 or any(p.start in used_pct for p in pcts):
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
    m = BULLET_RE.match(line)
    line = line[m.end() :].strip() if m else line.strip()
    return line.split(":", 1)[0].strip().lower() if ":" in line else ""


def _clause_label(text: str, lo: int, pos: int) -> str:
    """The words that name a figure: its clause up to the number ("Số máy tính có …: 300")."""
    return re.split(r"[,;(]", text[lo:pos])[-1]


def nearby_share_relations(doc: Passage, used_pct: set[int], in_lists: set[int]) -> list[Relation]:
    """A part with its share but no enclosing total: "Số lượng máy tính: 406 máy; Số máy tính có …:
    300 máy đạt tỷ lệ: 75%" (the base is the figure before it in the same unit) or per-subject lines
    whose base is the same subject's line above."""
    out: list[Relation] = []
    text = doc.text
    figs = doc.figs
    for k in range(1, len(figs)):
        pct, part = figs[k], figs[k - 1]
        if pct.kind != "percent" or pct.start in used_pct or not part.countlike or part.start in in_lists:
            continue
        if not bridge_ok(doc, text[part.end : pct.start], max_words=SHARE_WORDS):
            continue
        lo = doc.sentence_start(part.start)
        label = _clause_label(text, lo, part.start)
        if doc.rules.change_re.search(label) or doc.rules.percent_of_other_re.match(text, pct.end):
            continue  # "tăng 150 hồ sơ (50%)", "đạt 96% kế hoạch": measured against something else
        cands: list[tuple[Fig, str, bool]] = []
        # (1) an earlier figure of the same sentence, same unit, larger
        for f in reversed(doc.figs_between(lo, part.start)):
            if (
                f.countlike
                and f.unit is not None
                and part.unit is not None
                and compatible(f.unit, part.unit)
                and f.value >= part.value
            ):
                fw = [
                    w
                    for w in norm_label(doc, _clause_label(text, lo, f.start))
                    if w not in ("số", "lượng", "tổng")
                ]
                pw = norm_label(doc, label)
                contained = bool(fw) and any(pw[j : j + len(fw)] == tuple(fw) for j in range(len(pw)))
                # "tiếp nhận 500 hồ sơ, đã giải quyết 480 hồ sơ, đạt 96%": the figure just before, same noun
                adjacent = f is figs[k - 2] and len(re.findall(r"[,;]", text[f.end : part.start])) <= 1
                cands.append((f, "base_nearby", contained or adjacent))
                break
        if not cands:
            # "486 người; tổng số máy tính … 471 máy, tỷ lệ 96,91%": a rate across units, base unsure
            prev = [f for f in doc.figs_between(lo, part.start) if f.countlike and f.value >= part.value]
            if prev:
                cands.append((prev[-1], "base_nearby", False))
        # (2) the same subject's line above in this section ("Xã A: 5.366 người" … "Xã A: 4.676 thuê bao")
        li = doc.line_index(part.start)
        subj = _line_label(doc, li)
        if subj and not cands:
            sec = section_at(doc.sections, part.start)
            floor = sec.char_start if sec else 0
            j = li - 1
            while j >= 0 and doc.lines[j][0] >= floor and li - j <= 40:
                if _line_label(doc, j) == subj:
                    s, e = doc.lines[j]
                    prev = [f for f in doc.figs_between(s, e) if f.countlike and f.value >= part.value]
                    if prev:
                        cands.append((prev[0], "base_from_subject", False))
                        break
                j -= 1
        if not cands:
            continue
        base, why, strong = cands[0]
        used_pct.add(pct.start)
        out.append(
            share_relation(
                doc,
                part,
                pct,
                base.value,
                base,
                connective=why,
                strong=strong,
                span_start=base.start,
                note=None if strong else why,
                note_args=(("y", plain_number(base.value)),),
                rule="ratio_percent",
            )
        )
    return out


# "<count> <up to 14 words>[,] gồm:|là|:|(" — each word followed by a space, or by ", " before the opener
