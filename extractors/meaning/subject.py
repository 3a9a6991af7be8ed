"""Subject of each figure: the unit (commune, district, agency) a figure is about.

A mention applies to the figures after it until overridden, in scopes from the nearest out (label,
tail, sentence, continuation, paragraph lead, parent lines, section, document); the issuer named as
the subject means NULL. See the package docstring.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence

from extractors.gazetteer import find_bare_communes, find_bare_units
from extractors.meaning.context import (
    _AUX_AFTER,
    _CONTINUATION,
    _DIGIT,
    _LEAD_WORDS,
    _SCOPE_PREP,
    _SUBJECT_LABELS,
    _TOTAL_ROW,
    _VERB_IN_GAP,
    ISSUER,
    _Doc,
    _Group,
    _inside,
    _Mention,
)
from extractors.meaning.issuer import _is_issuer, _is_level, _level_of, _own_unit
from extractors.meaning.layout import _heading_line_end, _parent_lines, _section_intro, _sections_at, row_cells
from extractors.meaning.metric import _footnote_anchor, _label_text, _match, _row_header
from extractors.meaning.scope import PeriodScope
from extractors.periods import PeriodMention, find_periods
from pipeline.model import DocMeta, Entity
from pipeline.vietnamese import fold_words

# ------------------------------------------------------------------------------------------------
# Subjects: mentions, issuer, defaults
# ------------------------------------------------------------------------------------------------


def _subject_mentions(text: str, entities: Sequence[Entity], law_spans: list[tuple[int, int]], meta: DocMeta,
                      issuer_level: str | None, clause_starts: list[int]) -> list[_Mention]:
    out: list[_Mention] = []
    for e in entities:
        if e.label not in _SUBJECT_LABELS or _inside(law_spans, e.char_start):
            continue
        surface = " ".join(e.text.split())
        # a level by its normalized name ("UBND các xã, thị trấn" -> "cấp xã"); anything else as written
        value = (e.normalized or surface) if e.label == "LEVEL" else surface
        start = e.char_start
        whole = _WHOLE_OF.search(text, max(0, start - 6), start) if e.label == "LOC" else None
        lvl = _UNIT_LEVEL.match(surface)
        if whole is not None and lvl is not None and _own_unit(surface[lvl.end():], meta):
            # "Toàn tỉnh Ninh Thuận có ...": the whole of the unit, as gold writes it ("toàn tỉnh")
            value, start = f"toàn {lvl.group(0).lower()}", whole.start()
        if _is_issuer(value, e.label, meta, issuer_level):
            value = ISSUER
        k = bisect.bisect_right(clause_starts, e.char_start) - 1
        cstart = clause_starts[k] if k >= 0 else 0
        topic = _is_topic(text, text[cstart:start], e.char_end)
        if _ATTRIBUTION_BEFORE.search(text, max(0, e.char_start - 12), e.char_start) \
                or _ATTRIBUTION_AFTER.match(text, e.char_end):
            continue  # "Theo Sở TT&TT", "Bộ X cho biết": the source of the figures, not what they are about
        out.append(_Mention(start, e.char_end, value, e.label, topic))
    out.extend(_bare_units(text, entities, meta, clause_starts))
    # bare self-references: "Sở có 37 TTHC", "huyện có 31.867 hộ" name the issuer
    self_word = {"sở": r"Sở", "huyện": r"[Hh]uyện", "tỉnh": r"[Tt]ỉnh", "xã": r"[Xx]ã"}.get(issuer_level or "")
    if self_word:
        for m in re.finditer(rf"(?<![\w])(?:{self_word})(?=\s+(?:đã|đang|có|được|còn|vừa|tiếp\s+tục)\b)", text):
            if not any(x.start <= m.start() < x.end for x in out):
                out.append(_Mention(m.start(), m.end(), ISSUER, "ORG", True))
    out.sort(key=lambda m: m.start)
    return _coordinate(text, out)


def _bare_units(text: str, entities: Sequence[Entity], meta: DocMeta, clause_starts: list[int]) -> list[_Mention]:
    """Provinces and districts named bare ("Nghi Xuân đạt trên 80%", "Tỷ lệ của Hà Tĩnh ..."), resolved
    by the gazetteer; not inside a recognised name, a date line ("Hà Tĩnh, ngày ...") or an attribution.
    The issuer's own place means the issuer."""
    spans = sorted((e.char_start, e.char_end) for e in entities)
    place = fold_words(meta.place or "")
    out: list[_Mention] = []
    # communes named bare only as items of a list of units ("A 100%, Xuân Hội trên 96%")
    communes = [u for u in find_bare_communes(text, meta.province)
                if _ITEM_OPEN.search(text, max(0, u.char_start - 8), u.char_start)]
    for u in sorted([*find_bare_units(text), *communes], key=lambda u: u.char_start):
        k = bisect.bisect_right(spans, (u.char_start, 1 << 60)) - 1
        if (k >= 0 and spans[k][1] > u.char_start) or (k + 1 < len(spans) and spans[k + 1][0] < u.char_end):
            continue
        if _DATE_LINE_AFTER.match(text, u.char_end) or _ATTRIBUTION_BEFORE.search(
                text, max(0, u.char_start - 12), u.char_start) or _ATTRIBUTION_AFTER.match(text, u.char_end):
            continue
        value = ISSUER if place and fold_words(u.name) == place else u.name
        c = bisect.bisect_right(clause_starts, u.char_start) - 1
        topic = _is_topic(text, text[clause_starts[c] if c >= 0 else 0:u.char_start], u.char_end)
        out.append(_Mention(u.char_start, u.char_end, value, "LOC", topic))
    return out


def _is_topic(text: str, head: str, end: int) -> bool:
    """Whether the clause is about the unit ending at `end`, `head` being the clause before it: nothing but
    lead words before it, a verb after it, or a unit named as the predicate before its figure ("Đứng cuối
    bảng là tỉnh A, đạt 78%"). A parenthesis and "thì" open a clause ("(huyện A giảm ...)", "Theo kết quả
    xếp hạng thì tỉnh A ...")."""
    head = head[head.rfind("(") + 1:]
    ends = [m.end() for m in _THEN.finditer(head)]  # after the last "thì" (`.*thì` backtracks: quadratic)
    if ends:
        head = head[ends[-1]:]
    return _strip_lead(head, periods_masked=True) == "" or bool(_AUX_AFTER.match(text, end)) \
        or (bool(_IS_BEFORE.search(head)) and bool(_FIGURE_NEXT.match(text, end)))


_THEN = re.compile(r"(?<![\w])thì\s+", re.IGNORECASE)
_IS_BEFORE = re.compile(r"(?<![\w])là\s+$", re.IGNORECASE)
_FIGURE_NEXT = re.compile(r"\s*,\s*(?:(?:đạt|với|chiếm|có)\s+)?(?:(?:tỷ|tỉ)\s+lệ\s+)?\d")
_WHOLE_OF = re.compile(r"(?<![\w])toàn\s+$", re.IGNORECASE)
_UNIT_LEVEL = re.compile(r"^(?:tỉnh|huyện|xã|thành\s+phố|thị\s+xã)(?=\s)", re.IGNORECASE)
_DATE_LINE_AFTER = re.compile(r"\s*,\s*(?:ngày|\d)", re.IGNORECASE)
# "Theo Sở Tư pháp, ...", "Bộ Thông tin và Truyền thông cho biết, ...": an attribution
_ATTRIBUTION_BEFORE = re.compile(r"(?<![\w])(?:theo|nguồn|thống\s+kê\s+của)\s*:?\s*$", re.IGNORECASE)
_ATTRIBUTION_AFTER = re.compile(r"\s*(?:vừa\s+|đã\s+)?(?:cho\s+biết|cho\s+hay|thông\s+tin|thông\s+báo|nhận\s+định)\b",
                                re.IGNORECASE)
_COORD_GAP = re.compile(r"\s*(?:,|và|,\s*và)\s*")


def _coordinate(text: str, ms: list[_Mention]) -> list[_Mention]:
    """"cấp huyện, cấp xã", "cấp tỉnh và cấp huyện": coordinated levels are one subject, written
    as a list ("cấp huyện, cấp xã")."""
    out: list[_Mention] = []
    for m in ms:
        prev = out[-1] if out else None
        if prev is not None and prev.label == m.label == "LEVEL" and _is_level(prev.value) \
                and m.value.startswith("cấp") \
                and m.value not in prev.value.split(", ") and _COORD_GAP.fullmatch(text[prev.end:m.start]):
            out[-1] = _Mention(prev.start, m.end, f"{prev.value}, {m.value}", "LEVEL", prev.topic or m.topic)
            continue
        out.append(m)
    return out


def _mask_periods(text: str, periods: Sequence[PeriodMention]) -> str:
    """The text with every time phrase blanked (same length), for tests on what is left around it."""
    chunk = list(text)
    for p in periods:
        for i in range(p.char_start, p.char_end):
            if chunk[i] != "\n":
                chunk[i] = " "
    return "".join(chunk)


def _strip_lead(s: str, *, periods_masked: bool = False) -> str:
    """What is left of a clause head after bullets, time phrases and lead words."""
    s = re.sub(r"\*\*|__", "", s)
    s = re.sub(r"^\s*(?:[-–+*•·]+\s*)*(?:(?:\d{1,2}(?:\.\d{1,2})*|[a-zđ]|[IVX]+)[.)]\s+)?", "", s)
    for p in ([] if periods_masked else find_periods(s)):
        s = s[:p.char_start] + " " * (p.char_end - p.char_start) + s[p.char_end:]
    prev = None
    while prev != s:
        prev = s
        s = s.strip()
        m = _LEAD_WORDS.match(s)
        if m and m.end() > 0:
            s = s[m.end():]
    return s.strip(" ,;:.()-–+*•·\t")



# ------------------------------------------------------------------------------------------------
# Subject
# ------------------------------------------------------------------------------------------------


def _resolve_subject(doc: _Doc, g: _Group, scope: PeriodScope) -> str | None:
    v = _resolve_subject_raw(doc, g, scope)
    if v == ISSUER and doc.issuer_level:
        # "thuộc UBND huyện" inside a section "1. Cấp huyện" is the level, which gold keeps
        sec = _section_subject(doc, g)
        if sec and fold_words(sec) == fold_words(f"cấp {doc.issuer_level}"):
            return sec
    return v


def _resolve_subject_raw(doc: _Doc, g: _Group, scope: PeriodScope) -> str | None:
    if doc.t.in_aside(g.start):
        anchor = _footnote_anchor(doc, g)
        if anchor is not None:
            return anchor.subject if anchor.subject is not None else _resolve_subject(doc, anchor, scope)
    if g.line in doc.tables:
        info = doc.tables[g.line]
        _, e = doc.line_span(g.line)
        row = _row_header(info, row_cells(doc, g.line))
        if row and not _TOTAL_ROW.match(row) and _match(doc, [row], "percent", None, allow_default=False) is None \
                and _match(doc, [row], "count", None, allow_default=False) is None:
            ms = doc.mentions_in(doc.line_starts[g.line], e)
            whole = next((m for m in ms if fold_words(doc.text[m.start:m.end]) == fold_words(row)), None)
            if whole is not None and whole.value == ISSUER:
                return ISSUER
            return row
        if row and _TOTAL_ROW.match(row):
            return _outer_subject(doc, g, scope)
    for step in (_bracketed_subject, _listed_unit_subject, _named_unit_subject, _row_label_subject, _framed_subject,
                 _label_subject, _tail_subject, _unit_level_subject, _sentence_subject):
        v = step(doc, g)
        if v is not None:
            if step in (_named_unit_subject, _unit_level_subject) and _is_level(v):
                # "10.599 xã" counted under "cả nước ..." or "toàn tỉnh ...": the units counted lie
                # inside the whole the passage is about, and the figure is the whole's
                whole = _sentence_subject(doc, g) or scope.subject_at(g.start)
                if whole is not None and _WHOLE.match(whole):
                    return whole
            return v
    v = _tail_subject(doc, g, weak=True)
    if v is not None:
        return v
    return _outer_subject(doc, g, scope)


_WHOLE = re.compile(r"^(?:toàn|cả)\s", re.IGNORECASE)


def _outer_subject(doc: _Doc, g: _Group, scope: PeriodScope) -> str | None:
    for step in (_continuation_subject, _paragraph_subject, _parent_subject):
        v = step(doc, g)
        if v is not None:
            return v
    # the unit stated last in the passage (an earlier paragraph: "Cấp huyện tiếp nhận ..." then
    # "Đã giải quyết ..."), before the section heading and the document's default
    v = scope.subject_at(g.start) if g.line not in doc.tables else None  # a table's rows name their own
    if v is not None:
        return v
    v = _section_subject(doc, g)
    if v is None and doc.default_subject is None and _in_headline(doc, g):
        # a headline restates the body: its figure is about what the body is first about
        # (a whole it names first of all: a photo caption may name a place before the body begins)
        body = [st.value for st in scope.subjects if st.pos > doc.line_span(g.line)[1]]
        v = next((x for x in body if _WHOLE.match(x)), body[0] if body else None)
        v = None if v == ISSUER else v
    return v if v is not None else doc.default_subject


def _in_headline(doc: _Doc, g: _Group) -> bool:
    """The figure stands in the page's headline: the first line of the text, which is the title."""
    first = next((i for i in range(len(doc.line_starts)) if doc.text[slice(*doc.line_span(i))].strip()), None)
    if first is None or g.line != first or not doc.meta.title:
        return False
    return fold_words(doc.text[slice(*doc.line_span(first))]) == fold_words(doc.meta.title)


_OPEN_BEFORE = re.compile(r"\s*\(\s*(?:(?:đạt|chiếm|với|là|có)\s+)?$")
_CLOSE_AFTER = re.compile(r"[^()\d]{0,24}\)")
_NAME_SEG = re.compile(r"(?:^|[,;:(]|\s(?:là|gồm|như|và))\s*(?P<name>[A-ZÀ-ỸĐ][^,;:()\d]{1,60}?)\s*\(\s*$")


def _bracketed_subject(doc: _Doc, g: _Group) -> str | None:
    """"UBND huyện A (1.234 hồ sơ), UBND huyện B (567 hồ sơ)", "Đà Nẵng (58,89%)": a figure alone in
    a parenthesis after a name is that name's figure."""
    text = doc.text
    ls = doc.line_starts[g.line]
    head = text[max(ls, g.start - 90):g.start]
    if not _OPEN_BEFORE.search(head) or not _CLOSE_AFTER.match(text, g.end):
        return None
    opened = head.rfind("(") + max(ls, g.start - 90)
    ms = [m for m in doc.mentions_in(max(ls, opened - 90), opened) if not text[m.end:opened].strip()]
    if ms:
        return ms[-1].value
    m = _NAME_SEG.search(head[:head.rfind("(") + 1])
    if m is None or len(m.group("name").split()) > 8:
        return None
    return " ".join(m.group("name").split())


# "gồm: thị trấn A 100%, B trên 96%, C đạt gần 97%": an item of a list of units, each named right
# before its figure (at most a verb and a hedge between), the item opened by a list mark
_ITEM_GAP = re.compile(r"\s*(?:(?:đạt|là|có|với|được)\s+)?(?:(?:tỷ|tỉ)\s+lệ\s+)?"
                       r"(?:(?:trên|gần|hơn|khoảng|dưới|xấp\s+xỉ|chưa\s+đến|gần\s+như)\s+)?$", re.IGNORECASE)
_ITEM_OPEN = re.compile(r"(?:[,;:]|\s(?:gồm|là|như))\s*$", re.IGNORECASE)


def _listed_unit_subject(doc: _Doc, g: _Group) -> str | None:
    text = doc.text
    ms = [m for m in doc.mentions_in(max(doc.line_starts[g.line], g.start - 80), g.start) if m.label in ("LOC", "ORG")]
    if not ms or ms[-1].value == ISSUER or not _ITEM_GAP.fullmatch(text, ms[-1].end, g.start):
        return None
    m = ms[-1]
    if not _ITEM_OPEN.search(text, max(0, m.start - 8), m.start):
        return None
    return m.value


_FRAME = re.compile(r"(?:^|,\s*)(?:với|đối\s+với|riêng)\s+$", re.IGNORECASE)


def _strip_bullets(s: str) -> str:
    return re.sub(r"^\s*(?:[-–+*•·]+\s*)*", "", s)


def _framed_subject(doc: _Doc, g: _Group) -> str | None:
    """"Với cấp xã, toàn tỉnh tiếp nhận ...", "Riêng cấp huyện, ...": the unit the sentence is framed
    by is its subject, whatever other unit the clause names."""
    s = g.sent_start
    for m in reversed(doc.mentions_in(s, g.start)):
        if m.value == ISSUER:
            continue
        before = _strip_bullets(doc.text[s:m.start])
        if _FRAME.search(before) and doc.text[m.end:m.end + 2].lstrip().startswith(","):
            return m.value
    return None


def _named_unit_subject(doc: _Doc, g: _Group) -> str | None:
    """"01 xã Tân Trung", "11 đài truyền thanh cấp xã": a count of named units, or of things of a level,
    is about those units or that level, whatever the sentence is about."""
    f = g.facts[0]
    if f.kind not in ("count", "ratio"):
        return None
    for m in doc.mentions_in(g.start, g.end + 40):
        if m.value == ISSUER or m.start > g.end + 1:
            continue
        if m.label == "LOC" or (m.label == "LEVEL" and m.start >= f.char_end and f.unit):
            return m.value
    return None


def _unit_level_subject(doc: _Doc, g: _Group) -> str | None:
    """"39/39 xã, thị trấn áp dụng ...": in a district's report a count of its communes is about the
    commune level (in a province's report it is about the province as a whole)."""
    if doc.issuer_level not in ("huyện", None):
        return None
    for m in doc.mentions_in(g.start, g.end):
        if m.label == "LEVEL" and _level_of(m.value) == "cấp xã":
            return m.value
    return None


_ENUM_LEAD = re.compile(r"^[\s\-–+*•·;,]*(?:(?:\d{1,2}|[a-zđ]|[ivx]+)[.)]\s*)?", re.IGNORECASE)


def _row_label_subject(doc: _Doc, g: _Group) -> str | None:
    """"Xã Phú Bình: 4.676 thuê bao", "- Phòng chuyên môn: 143 máy": the label before the colon is the
    row header of a table written in prose, when it names a unit and not a metric."""
    label = _label_text(doc, g)
    if not label.rstrip().endswith(":"):
        return None
    body = label.rstrip()[:-1]
    k = max(body.rfind(":"), body.rfind(";"))
    seg_start = g.label_start + k + 1
    seg = body[k + 1:]
    lead = _ENUM_LEAD.match(seg.replace("**", "  "))
    off = lead.end() if lead else 0
    np_text = " ".join(seg[off:].replace("**", "").split()).strip(" ,;")
    if not np_text or len(np_text.split()) > 14 or _DIGIT.search(np_text):
        return None
    ctx = doc.cat.context(doc.words(seg_start + off, g.start))
    if any(tuple(ctx[:len(w)]) == w for w in doc.cat.grammar.measure_words):
        return None  # "Kinh phí ...:", "Tổng số ...:" name a quantity, not a unit
    for kind in ("count", "percent", "money"):
        if doc.cat.match(ctx, kind, None, allow_default=False) is not None:
            return None
    ms = doc.mentions_in(seg_start + off, g.start)
    if not ms:
        return None
    if len(ms) == 1 and fold_words(doc.text[ms[0].start:ms[0].end]) == fold_words(np_text):
        return ms[0].value
    if len(ms) == 1 and ms[0].value == ISSUER and ms[0].start - (seg_start + off) < 3:
        return ISSUER
    return np_text


def _label_subject(doc: _Doc, g: _Group) -> str | None:
    closed = _closed_parens(doc, g.label_start, g.start)
    # a mention may begin inside the previous figure's span ("3.412 máy, cấp huyện 2.785 máy" when the
    # unit was read as "máy, cấp")
    for m in reversed(doc.mentions_in(max(0, g.label_start - 30), g.start)):
        if m.end <= g.label_start or not _visible(m.start, closed) or _counted_level(doc, m):
            continue
        before = doc.text[max(0, m.start - 6):m.start]
        if m.label == "LEVEL" or m.topic or (m.label == "MEDIA" and re.search(r"\bvào\s*$", before)) \
                or (m.label in ("ORG", "LOC") and re.search(r"\bcủa\s*$", before, re.IGNORECASE)):
            return m.value
    return None


_PEOPLE_GAP = re.compile(r"^[\s,]*(?:(?:cán\s+bộ|công\s+chức|viên\s+chức|người\s+lao\s+động|lãnh\s+đạo|"
                         r"CBCC|CCVC|CBCCVC|các|của|thuộc|trong|tại)[\s,]*)*$", re.IGNORECASE)


def _tail_subject(doc: _Doc, g: _Group, weak: bool = False) -> str | None:
    """A unit named after the figure: "... trên toàn tỉnh", "143 chứng thư số cho ..., UBND các xã, thị
    trấn", "11 đài truyền thanh cấp xã", "100% cán bộ ngành Giáo dục và Đào tạo", a parenthesis after
    the figure. "đến <level>" ("kết nối 100% đến các xã") only when nothing before the figure names a
    subject (weak)."""
    text = doc.text
    f = g.facts[0]
    ms = [m for m in doc.mentions_in(g.end, g.tail_end)]
    for m in ms:
        between = text[f.char_end:m.start]
        preps = list(_SCOPE_PREP.finditer(between))
        if preps and not _VERB_IN_GAP.search(between[preps[-1].end():]):
            if preps[-1].group(0).strip().lower() == "đến" and not weak:
                continue
            return m.value
    if weak:
        return None
    for m in ms:
        gap = text[f.char_end:m.start]
        if m.label not in ("ORG", "LEVEL", "MEDIA") or _VERB_IN_GAP.search(gap) or len(gap.split()) > 5:
            continue
        if gap.strip() == "" or (f.kind == "percent" and (m.label != "ORG" or _PEOPLE_GAP.match(gap))):
            return m.value
    after = text[g.end:g.end + 3]
    if after.lstrip().startswith("("):
        close = text.find(")", g.end, g.end + 160)
        if close > 0:
            inner = [m for m in doc.mentions_in(g.end, close) if m.label in ("LEVEL", "ORG", "LOC")]
            if inner:
                return inner[-1].value
    # "20 Trang thông tin điện tử cho 20 xã, thị trấn": the next figure counts the units served
    nxt = doc.groups[g.index + 1] if g.index + 1 < len(doc.groups) else None
    if nxt is not None and nxt.start - g.end < 8 and re.match(r"\s*(?:cho|của|tại)\s*$", text[g.end:nxt.start]):
        for m in doc.mentions_in(nxt.start, nxt.end + 2):
            if m.label == "LEVEL":
                return m.value
    return None


def _visible(pos: int, closed: list[tuple[int, int]]) -> bool:
    return not any(a <= pos < b for a, b in closed)


def _closed_parens(doc: _Doc, s: int, e: int, *, with_figures: bool = False) -> list[tuple[int, int]]:
    """Parentheses opened and closed within [s, e): a digression whose subject does not carry on after
    it. For periods only those holding a figure ("(năm 2021 đã tiếp nhận 12.499 hồ sơ, ...)") count:
    a parenthesis without one qualifies the words before it ("Năm 2023 (từ ngày 01/01 đến 25/5)")."""
    text = doc.text
    out, stack = [], []
    for i in doc.parens_in(s, e):
        if text[i] == "(":
            stack.append(i)
        elif text[i] == ")" and stack:
            o = stack.pop()
            if not with_figures or doc.groups_in(o, i):
                out.append((o, i + 1))
    return out


def _sentence_subject(doc: _Doc, g: _Group) -> str | None:
    s = g.sent_start
    closed = _closed_parens(doc, s, g.label_start)
    for m in reversed(doc.mentions_in(s, g.label_start)):
        if (m.label == "LEVEL" or m.topic) and _visible(m.start, closed) and not _counted_level(doc, m):
            return m.value
    return None


def _counted_level(doc: _Doc, m: _Mention) -> bool:
    """"9.690 đài/10.599 xã, phường, thị trấn, đạt 91,4%": units of a level right after a figure are what
    it counts; they are not what the figures after them are about."""
    if m.label != "LEVEL" or m.topic:
        return False
    before = doc.groups_in(max(0, m.start - 60), m.start)
    if not before:
        return False
    g = before[-1]
    if g.end >= m.end:
        return True  # the level is the unit of the figure ("10.599 xã, phường, thị trấn")
    return g.end <= m.start and not g.facts[0].unit and re.fullmatch(r"[ \t]*", doc.text[g.end:m.start]) is not None


def _continuation_subject(doc: _Doc, g: _Group) -> str | None:
    s = g.sent_start
    hops = 0
    while _CONTINUATION.match(doc.text[s:g.start]) and s > doc.line_starts[g.para] and hops < 3:
        prev_s = doc.sent_start(s - 1)
        closed = _closed_parens(doc, prev_s, s)
        for m in reversed(doc.mentions_in(prev_s, s)):
            if (m.label == "LEVEL" or m.topic) and _visible(m.start, closed):
                return m.value
        s = prev_s
        hops += 1
    return None


def _paragraph_subject(doc: _Doc, g: _Group) -> str | None:
    """The topic of the paragraph's first sentence, before its first figure."""
    ls, le = doc.line_span(g.para)
    first_sent_end = doc.next_sent(ls)
    if first_sent_end > g.sent_start or ls == g.sent_start:
        return None
    first_fig = doc.groups_in(ls, le)
    lim = min(first_sent_end, first_fig[0].start if first_fig else le)
    for m in doc.mentions_in(ls, lim):
        if (m.topic and m.label != "LEVEL") or (m.label == "LEVEL" and m.topic):
            return m.value
    return None


def _line_subject(doc: _Doc, line: int) -> str | None:
    s, e = doc.line_span(line)
    text = doc.text[s:e]
    figs = doc.groups_in(s, e)
    lim = figs[0].start if figs else e
    ms = doc.mentions_in(s, lim)
    if not ms:
        return None
    body = text.strip()
    if body.endswith(":") and len(ms) == 1:
        np = _strip_lead(body[:-1])
        if fold_words(np) == fold_words(doc.text[ms[0].start:ms[0].end]):
            return ms[0].value
    for m in reversed(ms):
        if m.label == "LEVEL" or m.topic:
            return m.value
    return None


def _parent_subject(doc: _Doc, g: _Group) -> str | None:
    for pl in _parent_lines(doc, g.para):
        v = _line_subject(doc, pl)
        if v is not None:
            return v
    return None


def _section_subject(doc: _Doc, g: _Group) -> str | None:
    for sec in _sections_at(doc, g.start):
        intro = _section_intro(doc, sec)
        if intro is not None and intro[1] <= g.start:
            locs = []
            for m in doc.mentions_in(*intro):
                if m.label == "LOC" and m.value != ISSUER and _below_issuer(doc, m.value) and m.value not in locs:
                    locs.append(m.value)
            if locs:
                return ", ".join(locs)
        hs = sec.char_start
        he = min(_heading_line_end(doc, sec), hs + 160)
        colon = doc.text.find(":", hs, he)
        if colon > 0:
            he = colon
        ms = [m for m in doc.mentions_in(hs, he)]
        if ms:
            return ms[0].value if ms[0].label == "LEVEL" or len(ms) == 1 else ms[-1].value
    return None


def _below_issuer(doc: _Doc, value: str) -> bool:
    low = value.lower()
    if doc.issuer_level == "huyện":
        return low.startswith(("xã", "thị trấn", "phường", "ấp", "thôn"))
    if doc.issuer_level in ("tỉnh", "sở"):
        return low.startswith(("huyện", "thành phố", "thị xã", "xã", "phường", "thị trấn", "quận"))
    if doc.issuer_level == "xã":
        return low.startswith(("ấp", "thôn", "buôn", "bản", "khóm"))
    return True
