"""The list finders: where a total and its parts start — a connective ("trong đó", "gồm"), a bullet head,
a colon after a total word, a parenthesis after a figure, a weak "có" — each appending `PartList`s.

Why several: each is one written form of the same structure; `dedupe.dedupe_lists` keeps one list per
set of parts, the strong reading first.
"""

from __future__ import annotations

import re

from pipeline.check.clauses import matching_paren, unit_heads
from pipeline.check.passage import PartList, Passage, clean, compatible
from pipeline.check.walk import block_list, head_total, pick_total, walk_inline


def inline_lists(doc: Passage, lists: list[PartList]) -> None:
    text = doc.text
    for m in doc.rules.parts_re.finditer(text):
        if re.search(r"(?<!\w)không\s*$", text[max(0, m.start() - 8) : m.start()], re.I):
            continue  # "không bao gồm": explicitly not part
        total, head, lo = head_total(doc, m.start())
        rest_of_line = text[m.end() : text.find("\n", m.end()) if "\n" in text[m.end() :] else len(text)]
        if not clean(rest_of_line).strip(" \t:*"):
            lst = block_list(doc, doc.line_index(m.start()), total, head, conn=m.group(0).lower())
            if lst:
                lst.start = total.start if total else m.start()
                lists.append(lst)
            continue
        limit = min(len(text), m.end() + 3000)
        lst = walk_inline(doc, m.end(), total, head, limit=limit)
        if lst is None:
            continue
        # "gồm 272 thủ tục, trong đó: ...": the first figure heads the next connective, it is no part
        first = lst.parts[0]
        nxt = doc.rules.parts_re.search(text, first.fig.end, first.fig.end + 60)
        if first.share is None and nxt and not re.search(r"[\d;.()\n]", text[first.fig.end : nxt.start()]):
            continue
        if total is not None and lst.parts and lst.parts[0].fig.unit is not None:
            total = pick_total(total, doc, lo, m.start(), lst.parts[0].fig)
            lst.total = total
        if total is not None and not unit_heads(doc, total, lst.parts[0].fig.unit):
            lst.strong = False
        lst.connective = m.group(0).lower()
        lst.start = total.start if total else m.start()
        lst.head = head
        lists.append(lst)


def bullet_head_lists(doc: Passage, lists: list[PartList], used_totals: set[int]) -> None:
    """A line ending in a figure ("- Năm 2020: 2.050.000.000 đồng") with deeper bullets under it;
    and, weakly, a "Tổng số …: N" line followed by sibling lines."""
    for i, (s, e) in enumerate(doc.lines):
        figs = [f for f in doc.figs_between(s, e) if f.countlike or f.kind == "ratio"]
        if not figs:
            continue
        last = figs[-1]
        tail = clean(doc.text[last.end : e]).strip()
        if not re.fullmatch(r"(?:[^\W\d_]+\s*){0,3}[.:]?", tail):
            continue
        if last.start in used_totals:
            continue
        label = doc.text[s : last.start]
        lst = block_list(doc, i, last, label, conn="")
        if lst and len(lst.parts) >= 1:
            lst.connective = "dòng tổng + gạch đầu dòng"
            lists.append(lst)
            used_totals.add(last.start)
            continue
        if doc.rules.total_words_re.search(clean(label)) and doc.depth(i) > 0:
            lst = block_list(doc, i, last, label, conn="", siblings=True)
            if lst and len(lst.parts) >= 2:
                lst.connective = "tổng số + các dòng cùng cấp"
                lst.strong = False
                lists.append(lst)
                used_totals.add(last.start)


def colon_total_lists(doc: Passage, lists: list[PartList], used_totals: set[int]) -> None:
    """ "tổng số hồ sơ tiếp nhận: 35; đã giải quyết: 34; đang giải quyết: 01" (weak: ';' may just
    separate unrelated figures)."""
    text = doc.text
    for m in re.finditer(
        r"(?<!\w)(?:tổng số|tổng cộng)[^.;:\n]{0,80}?(?::|(?<!\w)là(?!\w))[ \t*]*", text, re.I
    ):
        f = doc.next_fig(m.end())
        if f is None or f.start != m.end() or not f.countlike or f.start in used_totals:
            continue
        lo = doc.sentence_start(m.start())
        lst = walk_inline(
            doc, f.end, f, text[lo : f.start], limit=min(len(text), f.end + 1500), stop_at_total_words=True
        )
        if lst is None or len(lst.parts) < 2 or lst.sep != ";":
            continue
        if any(p.fig.total_value > f.total_value for p in lst.parts):
            continue
        lst.connective = "tổng số …: + ';'"
        lst.strong = False
        lst.start = f.start
        lists.append(lst)
        used_totals.add(f.start)


def paren_lists(doc: Passage, lists: list[PartList], used_totals: set[int]) -> None:
    """ "6.482 hồ sơ (kỳ trước chuyển sang 137 hồ sơ, tiếp nhận mới 6.345 hồ sơ)": a breakdown in
    parentheses without a connective, all parts in the total's unit. Weak when the parenthesis may as
    well compare with another year ("năm trước", "tăng")."""
    text = doc.text
    for f in doc.figs:
        if not f.countlike or f.start in used_totals:
            continue
        m = re.match(r"[ \t*]*(?:[^\W\d_]+[ \t*]+){0,4}?\(", text[f.end : f.end + 60])
        if not m:
            continue
        open_at = f.end + m.end() - 1
        close = matching_paren(text, open_at, open_at + 600)
        if close < 0 or doc.rules.parts_re.search(text[open_at:close]):
            continue
        lo = doc.sentence_start(f.start)
        lst = walk_inline(doc, open_at, f, text[lo : f.start], limit=close + 1)
        if lst is None or len(lst.parts) < 2:
            continue
        if any(
            p.fig.unit is None or not compatible(p.fig.unit, f.unit) or p.fig.value > f.value
            for p in lst.parts
        ):
            continue
        lst.connective = "( … )"
        inside = text[open_at:close]
        # strong unless the parenthesis may compare (another year, a change) rather than break down
        lst.strong = not (doc.rules.change_re.search(inside) or re.search(r"(?<!\w)năm(?!\w)", inside, re.I))
        lst.start = f.start
        lists.append(lst)
        used_totals.add(f.start)


def weak_co_lists(doc: Passage, lists: list[PartList], used_totals: set[int]) -> None:
    """ "đạt 24/30 chỉ tiêu, có 11 chỉ tiêu vượt và 13 chỉ tiêu đạt": parts may follow "có"."""
    for m in doc.rules.weak_parts_re.finditer(doc.text):
        total, head, _lo = head_total(doc, m.start())
        if total is None or total.start in used_totals or total.unit is None:
            continue
        lst = walk_inline(doc, m.end(), total, head, limit=min(len(doc.text), m.end() + 600))
        if lst is None or len(lst.parts) < 2:
            continue
        if any(
            p.fig.unit is None
            or not compatible(p.fig.unit, total.unit)
            or p.fig.total_value > total.total_value
            for p in lst.parts
        ):
            continue
        lst.connective = m.group(0).lower()
        lst.strong = False
        lst.start = total.start
        lists.append(lst)
        used_totals.add(total.start)


# ----------------------------------------------------------------------------------------------
# Relations from lists, fractions and nearby bases
# ----------------------------------------------------------------------------------------------
