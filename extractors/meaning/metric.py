"""Metric of each figure (schemas/metrics.yaml via extractors.catalog), from its own words first.

The label before the number, the counted noun after it and the words up to the next figure are
matched against the catalog; a thin label (only connectives) borrows from the figure before it,
the list head, the parent line or the section headings. See the package docstring.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence

from extractors.catalog import Catalog
from extractors.meaning.context import (
    _CONTINUATION,
    _DIGIT,
    _FOOTNOTE_PARTS,
    _OBJECT_OF,
    _OPENER,
    _Doc,
    _Group,
    _TableInfo,
)
from extractors.meaning.layout import _parent_lines, _sections_at, row_cells
from pipeline.model import Fact

# ------------------------------------------------------------------------------------------------
# Metric
# ------------------------------------------------------------------------------------------------


def _unit_words(cat: Catalog, f: Fact) -> list[str] | None:
    if not f.unit or f.unit == "%":
        return None
    return cat.context(f.unit)


def _percent_head(doc: _Doc, f: Fact) -> list[str] | None:
    """The noun right after a percent ("89,61% văn bản", "100% đơn vị"), as folded words, if any."""
    m = re.match(r"\s*(?:số\s+|các\s+|tổng\s+số\s+)?([^\W\d_]+(?:\s+[^\W\d_]+){0,2})",
                 doc.text[f.char_end:f.char_end + 40])
    if not m:
        return None
    words = doc.cat.context(m.group(1))
    heads = {h for met in doc.cat.metrics.values() if met.kind in ("percent", "ratio") for h in met.heads}
    for n in (3, 2, 1):
        if tuple(words[:n]) in heads:
            return words[:n]
    first = words[:1]
    nouns = {"đơn", "cơ", "hộ", "người", "cán", "công", "xã", "thôn", "ấp", "khóm", "trường", "doanh", "sản", "dân",
             "thuê", "văn", "máy", "thủ", "dịch", "hệ", "điểm", "trung", "bộ", "ubnd", "sở", "phòng", "cụm"}
    if first and first[0] in nouns:
        return words[:2]
    return None


def _label_text(doc: _Doc, g: _Group) -> str:
    return doc.text[g.label_start:g.start]


def _label_words(doc: _Doc, g: _Group) -> str:
    return doc.words(g.label_start, g.start)


def _near_label_words(doc: _Doc, g: _Group) -> str:
    """The label from its last colon, or from a comma that opens a new clause (a capital or a time
    phrase after it: "..., Từ năm 2020 đến nay đã có 26.700 văn bản"); "đã tiếp nhận, giải quyết"
    is one predicate and stays whole."""
    return doc.words(_near_label_start(doc, g), g.start)


def _near_label_start(doc: _Doc, g: _Group) -> int:
    label = doc.text[g.label_start:g.start].rstrip(" \t:")  # "tổng số hồ sơ tiếp nhận: 35"
    k = max(label.rfind(":"), label.rfind("("))
    c = label.rfind(",")
    if c > k:
        rest = label[c + 1:].lstrip()
        at = g.label_start + c + 1 + (len(label[c + 1:]) - len(rest))
        opens = doc.periods_in(at, at + 40)
        if rest[:1].isupper() or (opens and opens[0].char_start == at):
            k = c
    return g.label_start + k + 1 if k >= 0 else g.label_start


def _tail_words(doc: _Doc, g: _Group) -> str:
    return doc.words(g.end, min(g.tail_end, g.end + 160))


def _is_thin(doc: _Doc, s: int, e: int) -> bool:
    """Is text[s:e] only connectives, subjects, periods, bullets and punctuation? Then the figure takes
    its meaning from the figure it follows or the list it belongs to."""
    chunk = list(doc.text[s:e])
    for m in doc.mentions_in(s, e):
        for i in range(m.start, m.end):
            chunk[i - s] = " "
    for p in doc.periods_in(s, e):
        for i in range(p.char_start, p.char_end):
            chunk[i - s] = " "
    words = [w for w in doc.cat.context("".join(chunk)) if not w.isdigit()]
    conn = doc.cat.grammar.connectives
    i = 0
    while i < len(words):
        for n in (4, 3, 2, 1):
            if tuple(words[i:i + n]) in conn:
                i += n
                break
        else:
            return False
    return True


def _match(doc: _Doc, text_parts: Sequence[str], kind: str, head: list[str] | None, *,
           allow_default: bool = True) -> str | None:
    m = _match_scored(doc, text_parts, kind, head, allow_default=allow_default)
    return m.key if m else None


def _match_scored(doc: _Doc, text_parts: Sequence[str], kind: str, head: list[str] | None, *,
                  allow_default: bool = True):
    words: list[str] = []
    for part in text_parts:
        if part:
            words.extend(doc.cat.context(part))
    if not words and not head:
        return None
    key = (tuple(words), kind, tuple(head) if head is not None else None, allow_default)
    if key not in doc.match_memo:
        doc.match_memo[key] = doc.cat.match(words + (head or []), kind, head, allow_default=allow_default)
    return doc.match_memo[key]


def _split_denominator(label: str) -> tuple[str, str | None]:
    """"Tỷ lệ hồ sơ trực tuyến trên tổng số hồ sơ giải quyết" -> (numerator part, denominator part)."""
    low = label.lower()
    best = None
    for marker in ("trên tổng số", "trên tổng", "so với tổng số", "trong tổng số", "/tổng số", "/ tổng số",
                   "/số", "trên số"):
        k = low.find(marker)
        if k >= 0 and (best is None or k < best[0]):
            best = (k, k + len(marker))
    if best is None:
        return label, None
    return label[:best[0]], label[best[1]:]


def _assign_metrics(doc: _Doc, g: _Group) -> None:
    if g.line in doc.tables:
        _table_metrics(doc, g)
        return
    label = _label_words(doc, g)
    near = _near_label_words(doc, g)
    tail = _tail_words(doc, g)
    main = g.facts[0]
    den_label: str | None = None
    for f in g.facts:
        key: str | None = None
        if f.kind in ("count", "money", "ratio") and not f.extractor.endswith("denominator"):
            num_label, den_label = _split_denominator(label) if len(g.facts) > 1 or f.kind == "ratio" \
                else (label, None)
            key = _count_metric(doc, g, f, num_label, near if den_label is None else num_label, tail)
            prev = doc.groups[g.index - 1] if g.index > 0 else None
            if _unnamed(doc.cat, key) and prev is not None and prev.line == g.line \
                    and re.fullmatch(r"[ \t]*/[ \t]*", doc.text[prev.end:g.start]):
                # "75.012 văn bản/231.540 văn bản": the second count is the base of the first
                key = _denominator_metric(doc, prev, f, prev.facts[0], _label_words(doc, prev), None, tail) or key
        elif f.extractor.endswith("denominator"):
            key = _denominator_metric(doc, g, f, main, label, den_label, tail)
        elif f.kind == "percent" or (f.kind == "other" and f.unit and "/" in f.unit):
            key = _percent_metric(doc, g, f, label, tail)
        else:
            key = _match(doc, [label, tail], f.kind, None, allow_default=False)
        if _unnamed(doc.cat, key) and doc.t.in_aside(g.start):
            # a footnote that breaks the figure down ("Gồm 1.043 hồ sơ ... và 244 hồ sơ ...") shares its
            # metric; one that excludes or compares ("Không tính ...", "Tăng 38 ...") does not
            anchor = _footnote_anchor(doc, g)
            ls = doc.line_starts[g.line]
            if anchor is not None and anchor.facts[0].kind == f.kind and _FOOTNOTE_PARTS.match(doc.text, ls):
                key = anchor.metric.get(anchor.facts[0].fact_id) or key
        g.metric[f.fact_id] = key


def _count_metric(doc: _Doc, g: _Group, f: Fact, label: str, near: str, tail: str) -> str | None:
    cat = doc.cat
    head = _unit_words(cat, f)
    restated = _restated(doc, g, f)
    if restated is not None:
        return restated
    predicate = _predicate_gap(doc, g, head)
    if predicate is not None:
        label = near = predicate
    # the counted noun and the words after it are one phrase ("163.107 văn bản gửi": "văn bản gửi")
    noun_tail = f"{f.unit} {tail}" if head and g.facts[-1].char_end == g.end else tail
    scored = _match_scored(doc, [near, noun_tail], f.kind, head)
    if scored is None or scored.score < 0.5:
        full = _match_scored(doc, [label, noun_tail], f.kind, head)
        if full is not None and (scored is None or full.score > scored.score):
            scored = full
    key = scored.key if scored else None
    lh = _list_head(doc, g, f)
    if (key is None or scored.score < 0.5) and lh is not None:  # type: ignore[union-attr]
        inherited = lh.metric.get(lh.facts[0].fact_id)
        if inherited and cat.head_ok(cat.metrics[inherited], head, {}):
            # unless the item's own words rule it out ("06 Đài truyền thanh bán thông minh")
            present = cat.phrases_in(cat.context(near + " " + tail + " " + (f.unit or "")))
            if not any(x in present for x in cat.metrics[inherited].excludes):
                key = inherited
    if (_unnamed(cat, key) or cat.narrower(key or "")) and g.index > 0 \
            and doc.groups[g.index - 1].line == g.line and _OBJECT_OF.search(doc.text[g.label_start:g.start]):
        prev = doc.groups[g.index - 1]
        if prev.end > g.sent_start:  # "02 lớp bồi dưỡng kỹ năng, ứng xử cho 146 lượt cán bộ": the
            # predicate before the comma governs this figure; "12 cơ quan phát sinh hồ sơ trực tuyến với
            # tổng số 1.230 hồ sơ": it narrows a total of the noun to the channel it names
            alt = _match(doc, [doc.words(prev.end, g.start), tail], f.kind, head, allow_default=False)
            if alt and (_unnamed(cat, key) or cat.metrics[alt].broader == key):
                key = alt
    if _unnamed(cat, key) and g.index > 0:
        # "đạt 97,74% (7.952/8.136 văn bản)": the figures in a parenthesis after a rate are its terms
        prev = doc.groups[g.index - 1]
        pm = prev.metric.get(prev.facts[0].fact_id)
        rate = cat.metrics.get(pm or "")
        if prev.facts[0].kind == "percent" and rate is not None and len(rate.numerator) == 1 \
                and re.fullmatch(r"\s*\(\s*", doc.text[prev.end:g.start]):
            key = rate.numerator[0]
    if _unnamed(cat, key) and not doc.t.in_aside(g.start):
        key = _match(doc, [label, tail, *_outer_context(doc, g, headings=0, headers_only=True),
                           *_named_labels(doc, g)], f.kind, head) or key
    if _unnamed(cat, key):
        # "Có 90 hồ sơ (chiếm 2,16%), các cơ quan thụ lý trả lại hồ sơ ...": the clause after the
        # parenthesis says what the figure counts
        after = _AFTER_PAREN.match(doc.text, g.end)
        if after:
            key = _match(doc, [after.group("words")], f.kind, head, allow_default=False) or key
    if key is not None:
        key = _refine(doc, g, key, lh)
    return key


_PREDICATE = re.compile(r"\s*(?:đã|đang|vừa|cùng|đều|sẽ)\s", re.IGNORECASE)


def _predicate_gap(doc: _Doc, g: _Group, head: list[str] | None) -> str | None:
    """"11 xã, thị trấn đã tiếp nhận và giải quyết 43 nghìn hồ sơ": between a count of one noun and a
    count of another, with no punctuation between, words opening with an auxiliary ("đã", "đang") are
    the predicate whose object is the second figure, all of them its label (a conjunction inside does
    not split it; one right before the figure coordinates)."""
    if g.index == 0 or not head:
        return None
    prev = doc.groups[g.index - 1]
    if prev.line != g.line or prev.end <= g.clause_start or prev.facts[0].kind not in ("count", "ratio"):
        return None
    gap = doc.text[prev.end:g.start]
    if re.search(r"[,;:()]", gap) or not _PREDICATE.match(gap) or re.search(r"\s(?:và|với|hoặc)\s*$", gap):
        return None
    pu = _unit_words(doc.cat, prev.facts[0])
    if not pu or pu[:1] == head[:1]:
        return None
    return doc.words(prev.end, g.start)


_AFTER_PAREN = re.compile(r"[ \t]*\([^()\n]{1,40}\)[ \t]*,?[ \t]*(?P<words>[^\d.;:\n()]{3,120})(?=[.;\n]|$)")


def _unnamed(cat: Catalog, key: str | None) -> bool:
    """No metric yet, or only the default of the counted noun: later cues (a rate's parenthesis, the
    predicate before a comma, a header line) may still name it."""
    return key is None or cat.metrics[key].is_default_for_heads


def _denominator_metric(doc: _Doc, g: _Group, f: Fact, main: Fact, label: str, den_label: str | None,
                        tail: str) -> str | None:
    """The base of a fraction: named after "trên tổng số", else the catalog base of the numerator's rate."""
    cat = doc.cat
    if den_label:
        key = _match(doc, [den_label], "count", _unit_words(cat, f), allow_default=False)
        if key:
            return key
    num = g.metric.get(main.fact_id) if main is not f else None
    rate = cat.metrics.get(cat.rate_of.get(num or "", ""))
    if rate is None:
        rate = cat.metrics.get(_match(doc, [label], "percent", None, allow_default=False) or "")
    if rate is not None and rate.denominator:
        return rate.denominator
    # "4.561/5.650 HS": a base named by nothing else is the total of its noun (the noun's default metric);
    # a noun with no default: the label names the whole the numerator is cut from ("Số văn bản gửi bằng
    # giấy: 87.086 văn bản/253.614 văn bản" counts documents sent, of which the paper ones)
    key = _match(doc, [tail], "count", _unit_words(cat, f))
    if key is None and num and cat.metrics[num].kind == "count" and not cat.rate_of.get(num) \
            and (_unit_words(cat, main) or [""])[:1] == (_unit_words(cat, f) or [""])[:1]:
        key = num
    return key


def _restated(doc: _Doc, g: _Group, f: Fact) -> str | None:
    """A figure repeated inside a computation ("(4.918 + 1.262)/6.227 = 99,25%") is the figure stated
    earlier with the same value in the section: it keeps that figure's metric."""
    around = doc.text[max(g.clause_start, g.start - 24):min(g.clause_end, g.end + 24)]
    if not re.search(r"[=+]|\)\s*/|/\s*\(", around):
        return None
    secs = _sections_at(doc, g.start)
    lo = secs[0].char_start if secs else max(0, g.start - 2000)
    family = {"count": "n", "ratio": "n", "percent": "p", "money": "m"}
    for h in reversed(doc.groups_in(lo, g.clause_start)):
        for hf in h.facts:
            if family.get(hf.kind) == family.get(f.kind) and abs(hf.value - f.value) < 1e-9 \
                    and h.metric.get(hf.fact_id):
                return h.metric[hf.fact_id]
    return None


def _percent_metric(doc: _Doc, g: _Group, f: Fact, label: str, tail: str) -> str | None:
    cat = doc.cat
    prev = doc.groups[g.index - 1] if g.index > 0 else None
    same_clause = prev is not None and prev.end > g.clause_start and prev.line == g.line
    head = _percent_head(doc, f)
    thin = _is_thin(doc, g.label_start, g.start)
    if thin and same_clause and prev is not None and head is not None and prev.facts[0].kind == "count" \
            and (_unit_words(cat, prev.facts[0]) or [""])[:1] != head[:1]:
        # "có 8.512 hộp thư với 85% cán bộ thường xuyên sử dụng": a percent of another noun is no rate
        # of the count before it; the clause names it
        key = _match(doc, [doc.words(g.sent_start, g.start), tail], "percent", head, allow_default=False)
        if key is not None:
            return key
    if thin and same_clause and prev is not None:
        # "20 máy tính/20 CBCC, đạt 100%": the rate of the count before the slash
        if doc.text[prev.label_start:prev.start].strip() == "/" and prev.index > 0:
            first = doc.groups[prev.index - 1]
            fm = first.metric.get(first.facts[0].fact_id)
            if fm and cat.rate_of.get(fm):
                return cat.rate_of[fm]
        pm = prev.metric.get(prev.facts[0].fact_id)
        pm = None if _unnamed(cat, pm) else pm  # a count named only by its noun leaves the rate unnamed
        pf = prev.facts[0]
        if pf.kind == "percent" or (pf.kind == "other" and pm):
            return pm
        if pm:
            rate = cat.rate_of.get(pm)
            if rate:
                return rate
            if cat.metrics[pm].kind in ("percent", "ratio"):
                return pm
        if pm and prev.index > 0 and re.search(r"(?i)\btổng\b", _label_text(doc, prev)):
            # "A là 115.665 và tổng số B là 168.746, chiếm 68,54%": the share of the count before the
            # named total, when that count has a rate
            first = doc.groups[prev.index - 1]
            fm = first.metric.get(first.facts[0].fact_id)
            if first.start >= g.sent_start and fm and cat.rate_of.get(fm):
                return cat.rate_of[fm]
        if pm:
            return None  # the share of a metric the catalog has no rate for ("chiếm 99,6%" of direct ones)
        # the count is unnamed: the words of the count and of the clause may name the rate
        key = _match(doc, [_label_words(doc, prev), prev.facts[0].unit or "", _tail_words(doc, prev), label, tail],
                     "percent", None, allow_default=False)
        if key is None:
            key = _match(doc, [doc.words(g.sent_start, g.start), tail], "percent", None, allow_default=False)
        if key is None:
            key = _rate_of_same_noun(doc, prev)
        return key
    key = _match(doc, [label, tail], "percent", head, allow_default=False)
    if key is None and _label_is_row(doc, g):
        # an item of a list of rates ("Tỉ lệ ... sử dụng hộp thư: Lãnh đạo cấp tỉnh: 93,6%; lãnh đạo
        # cấp huyện: 84%"): the rate of the list's first item
        for h in reversed(doc.groups_in(g.sent_start, g.start)):
            hf = h.facts[0]
            if hf.kind == "percent" and h.metric.get(hf.fact_id):
                return h.metric[hf.fact_id]
        key = _match(doc, [doc.words(g.sent_start, g.start), tail], "percent", head, allow_default=False)
    if key is None and thin:
        key = _match(doc, [label, tail, *_outer_context(doc, g, headers_only=True)], "percent", head,
                     allow_default=False)
    if key is None:
        key = _rate_in_force(doc, g)
    return key


def _rate_in_force(doc: _Doc, g: _Group) -> str | None:
    """A percent that names no rate of its own and shares no count's clause: the rate of the percent
    before it in the paragraph, when it continues that list of rates ("vượt huyện A (58,9%), huyện B
    (55,7%)"), points back to it ("Tỷ lệ này ...") or says only "tỷ lệ" ("Các huyện còn lại đạt tỷ lệ
    dưới 40%"). A change ("tăng 2,1%") is another quantity."""
    cat, gram = doc.cat, doc.cat.grammar
    near = _near_label_start(doc, g)
    if cat.has_phrase(cat.context(doc.words(near, g.start) + " " + _tail_words(doc, g)), gram.change_words):
        return None
    earlier = doc.groups_in(doc.line_starts[g.para], g.start)
    if any(h.facts[0].kind != "percent" for h in earlier if h.start >= g.sent_start):
        return None
    prev = next((h for h in reversed(earlier) if h.facts[0].kind == "percent"), None)
    pm = prev.metric.get(prev.facts[0].fact_id) if prev is not None else None
    if prev is None or pm is None:
        return None
    label = doc.text[g.label_start:g.start]
    item = g.label_start + 1 + max(label.rfind(","), label.rfind("("), label.rfind(":"), label.rfind(";"))
    if prev.index == g.index - 1 and prev.start >= g.sent_start and _is_thin(doc, max(near, item), g.start):
        return pm  # the next item of a list of rates
    before = cat.context(doc.words(g.sent_start, g.start))
    if cat.has_phrase(before, gram.rate_anaphora):
        return pm
    text = doc.text[g.clause_start:g.start]
    low = text.lower()
    at = max(low.rfind(" ".join(p)) for p in gram.rate_words)
    if at < 0 or not _is_thin(doc, g.clause_start + at, g.start):
        return None
    lead = cat.context(doc.words(g.clause_start, g.clause_start + at))
    return None if cat.has_phrase(lead, gram.measure_words) else pm


def _rate_of_same_noun(doc: _Doc, g: _Group) -> str | None:
    """"Đã cấp 120.400 tài khoản định danh. Chỉ có 30.240 tài khoản được kích hoạt, đạt 25,1%": an unnamed
    count of a noun named earlier in the paragraph counts the same things; a percent after it is that
    metric's rate."""
    unit = _unit_words(doc.cat, g.facts[0])
    if not unit:
        return None
    for h in reversed(doc.groups_in(doc.line_starts[g.para], g.start)):
        hf = h.facts[0]
        hm = h.metric.get(hf.fact_id)
        if hf.kind in ("count", "ratio") and _unit_words(doc.cat, hf) == unit and not _unnamed(doc.cat, hm):
            return doc.cat.rate_of.get(hm or "")
    return None


def _label_is_row(doc: _Doc, g: _Group) -> bool:
    """"Lãnh đạo các cơ quan cấp huyện: 84%": a short label ending with a colon."""
    label = doc.text[g.label_start:g.start].rstrip()
    return label.endswith(":") and len(label.split()) <= 12


def _list_head(doc: _Doc, g: _Group, f: Fact) -> _Group | None:
    """The figure a list item distributes: the count of the same noun that an opener ("trong đó",
    "gồm", ":") follows, earlier in the sentence (or the sentence it continues) — siblings in between
    are skipped ("9.846 máy, trong đó cấp tỉnh 3.412 máy, cấp huyện 2.785 máy"); else the nearest such
    count in the same clause; else the last such count of the parent line."""
    head = _unit_words(doc.cat, f)

    def fits(h: _Group) -> bool:
        hf = h.facts[0]
        if hf.kind not in ("count", "ratio", "money") or (hf.kind == "money") != (f.kind == "money"):
            return False
        hu = _unit_words(doc.cat, hf)
        return head is None or hu is None or hu[:1] == head[:1]

    start = g.sent_start
    if _CONTINUATION.match(doc.text[start:g.start]) and start > 0:
        start = doc.sent_start(start - 1)
    earlier = [h for h in doc.groups_in(max(start, doc.line_starts[doc.line_of(start)]), g.start)
               if h is not g and fits(h)]
    for h in reversed(earlier):
        nxt = next((x for x in doc.groups if x.index == h.index + 1), None)
        stop = nxt.start if nxt is not None and nxt.start <= g.start else g.start
        if _OPENER.search(doc.text[h.end:stop]):
            return h
    if _is_thin(doc, g.label_start, g.start) and doc.mentions_in(g.label_start, g.start):
        # "của cấp huyện là 271 thủ tục, của cấp xã là 118 thủ tục": an item named only by its subject
        for h in reversed(earlier):
            if h.end > g.clause_start:
                return h
    if len(earlier) >= 2 and earlier[-1].index == g.index - 1 and earlier[-2].index == g.index - 2 \
            and _series_gap(doc, earlier[-1].end, g.start) and _series_gap(doc, earlier[-2].end, earlier[-1].start):
        # "712 dịch vụ công cấp tỉnh, 1.024 dịch vụ công cấp huyện, 38 dịch vụ công cho mỗi xã": the third
        # item of a comma series of the same noun continues it
        return earlier[-1]
    if earlier and earlier[-1].index == g.index - 1 and _is_thin(doc, g.label_start, g.start) \
            and g.tail_end > g.end and _is_thin(doc, g.end, g.tail_end) and doc.mentions_in(g.end, g.tail_end):
        # "788 dịch vụ công cấp tỉnh, 1.068 dịch vụ công cấp huyện": the same noun counted for another
        # unit, named after the number, is the next item of the list the previous figure opens
        return earlier[-1]
    for pl in _parent_lines(doc, g.para):
        s, e = doc.line_span(pl)
        for h in reversed(doc.groups_in(s, e)):
            if fits(h):
                return h
    return None


def _series_gap(doc: _Doc, s: int, e: int) -> bool:
    """Between two items of a comma series: one comma, and only subjects and connectives."""
    return doc.text.count(",", s, e) == 1 and not re.search(r"[;:()]", doc.text[s:e]) and _is_thin(doc, s, e)


def _refine(doc: _Doc, g: _Group, key: str, lh: _Group | None) -> str:
    """A broader metric becomes a narrower one when the list it is an item of, or the header line
    above, says so ("Tổng số hồ sơ tiếp nhận: 14.195" under a line about BCCI -> dossiers_postal)."""
    cat = doc.cat
    narrower = cat.narrower(key)
    if not narrower:
        return key
    if lh is not None and _OPENER.search(doc.text[lh.end:g.start]):
        hm = lh.metric.get(lh.facts[0].fact_id)
        if hm and cat.metrics[hm].broader == key:
            return hm
    words: list[str] = []
    parts = [doc.words(*doc.line_span(pl)) for pl in _parent_lines(doc, g.para)[:2]]
    for part in parts:
        if part.rstrip().endswith(":"):  # a header line announcing the list
            words.extend(cat.context(part))
    present = cat.phrases_in(words)
    fits = [n for n in narrower
            if n.cues and all(any(p in present for p in grp) for grp in n.cues)
            and not any(x in present for x in n.excludes)]
    return fits[0].key if len(fits) == 1 else key


def _outer_context(doc: _Doc, g: _Group, headings: int = 2, headers_only: bool = False) -> list[str]:
    """Words of the parent lines (only lines announcing a list with ":" if `headers_only`) and of the
    innermost section headings, nearest first."""
    parts: list[str] = []
    for pl in _parent_lines(doc, g.para)[:2]:
        words = doc.words(*doc.line_span(pl))
        if not headers_only or words.rstrip().endswith(":"):
            parts.append(words)
    for sec in _sections_at(doc, g.start)[:headings]:
        parts.append(sec.heading)
    return parts


def _named_labels(doc: _Doc, g: _Group) -> list[str]:
    """Labels of the enclosing sections that name what they count ("Chỉ tiêu 8.2", "Tiêu chí 8"), unlike
    "2.4.3": a count under "- Chỉ tiêu 8.2: Xã có dịch vụ viễn thông" is a count for that indicator."""
    return [s.label for s in _sections_at(doc, g.start) if " " in s.label and any(c.isalpha() for c in s.label)]


def _table_metrics(doc: _Doc, g: _Group) -> None:
    info = doc.tables[g.line]
    cells = row_cells(doc, g.line)
    col = next((c for c, (cs, ce, _) in enumerate(cells) if cs <= g.start <= ce), -1)
    header = info.headers[col] if 0 <= col < len(info.headers) else ""
    row_header = _row_header(info, cells)
    noun = doc.cat.grammar.table_noun(doc.cat.context(" ".join([info.caption, *info.headers])))
    for f in g.facts:
        kind = "percent" if f.kind == "percent" else f.kind
        head = None if f.kind == "percent" else _unit_words(doc.cat, f)
        if head is None and noun and f.kind == "count":
            head = doc.cat.context(noun)  # "Kết quả giải quyết thủ tục hành chính": its counts are dossiers
        key = None
        if row_header:
            key = _match(doc, [row_header], kind, head, allow_default=False)
        if key is None:
            key = _match(doc, [header], kind, head)
        if key is None:
            key = _match(doc, [header, info.caption], kind, head)
        g.metric[f.fact_id] = key


def _row_header(info: _TableInfo, cells: list[tuple[int, int, str]]) -> str | None:
    c = info.first_col
    if c < 0 or c >= len(cells):
        return None
    cell = cells[c][2].strip()
    if not cell or not re.search(r"[^\W\d_]", cell) or _DIGIT.match(cell):
        return None
    return cell


def _footnote_anchor(doc: _Doc, g: _Group) -> _Group | None:
    """The figure a footnote hangs on: its marker's offset, found by the number the note starts with."""
    s, _ = doc.line_span(g.line)
    m = re.match(r"\s*(?:\[\^?(\d{1,3})\]|([⁰¹²³⁴⁵⁶⁷⁸⁹]+)|(\d{1,3})[.)]?\s)", doc.text[s:s + 8])
    if not m:
        return None
    num = m.group(1) or m.group(3) or (m.group(2) or "").translate(str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹", "0123456789"))
    ref = next((r for r in doc.t.footnotes if r.number == num and not doc.t.in_aside(r.char_start)), None)
    if ref is None:
        return None
    k = bisect.bisect_right(doc.group_starts, ref.char_start) - 1
    if k < 0:
        return None
    cand = doc.groups[k]
    return cand if ref.char_start - cand.end <= 12 and cand.line != g.line else None
