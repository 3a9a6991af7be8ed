"""What each figure is, for whom and when: metric, subject and period of every Fact.

A number alone is useless to an auditor; "2.202" has to become online dossiers received, cấp huyện,
2023-01-01..2023-05-25. Reports say this in their grammar, not in fixed sentences, so the rules below
follow that grammar:

Metric (schemas/metrics.yaml via extractors.catalog) — from the figure's own words first: the label
before the number back to the previous figure or clause start ("số tiếp nhận trực tuyến 2.202"), the
counted noun after it ("hồ sơ", "máy", "TTHC"), and the words after it up to the next figure ("26.630
văn bản được ký số"). A label that is only connectives is "thin": a percent after a count is that
count's rate ("6.186 hồ sơ, chiếm 54%" -> online_dossier_rate, the catalog rate whose numerator is
dossiers_online); a count in a list takes the metric of the list head ("527 máy. Trong đó: - Phòng
chuyên môn: 143 máy"). A fraction "373/416" splits its label at "trên tổng số" into numerator and
denominator, else the denominator is the catalog denominator of the numerator's rate. Failing that,
the parent line and the section headings add their words ("2.4.3. Hệ thống một cửa điện tử").

Subject and period — a mention applies to the figures after it until overridden, in scopes from the
nearest out: the label, the words after the figure, the sentence (a parenthesis that closed and held
figures of its own does not count), a sentence continuing the previous one ("Trong đó, ..."), the
paragraph's lead, the bullet's parent lines, the section's intro paragraph and heading, the document.
"trong đó cấp huyện ..., cấp xã ..." switches subjects because each label is nearer than the sentence.
A row of a table has its subject in the row header and its metric in the column header; a line
"Xã Phú Bình: 4.676 thuê bao" is such a row in prose. The issuer named as the subject means NULL.
"""

from __future__ import annotations

import bisect
import functools
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import date

from extractors.catalog import Catalog, fold, load_catalog
from extractors.periods import DocPeriod, PeriodMention, document_period, find_periods
from pipeline.model import STATUS_CELL, DocMeta, Entity, Fact, NormText, Section

ISSUER = "\x00issuer"  # a scope that explicitly names the issuer: the subject is NULL

_SENT_END = re.compile(r"[.!?…](?:\*\*|\*|\)|”|\")?\s+(?=[\"“(\[]?[\w\-–+*•])")
_ABBREV_END = re.compile(r"(?:\b(?:TP|Tp|TT|KT|TM|ThS|TS|PGS|GS|Q|Đ|P|St|ông|bà|v\.v)|\b[A-ZĐ])\.$")
_BULLET = re.compile(r"[ \t]*((?:(?:[-–+*•·]+|\d{1,2}[.)]|[a-zđ][.)])[ \t]+)+)")
_CONTINUATION = re.compile(r"^\s*(?:[-–+*•·]+\s*)?(?:trong\s+đó|cụ\s+thể|bao\s+gồm|gồm|chia\s+ra|chi\s+tiết|"
                           r"trong\s+số\s+đó|riêng)\b", re.IGNORECASE)
_LEAD_WORDS = re.compile(
    r"^(?:[\s,;:.()\-–+*•·]+|trong\s+đó|đến\s+nay|hiện\s+nay|hiện\s+tại|ngoài\s+ra|riêng|còn|tại|đối\s+với|ở|"
    r"cụ\s+thể|theo\s+đó|bên\s+cạnh\s+đó|đồng\s+thời|qua\s+đó|như\s+vậy|tuy\s+nhiên|nhìn\s+chung|"
    r"kết\s+quả|về|trên\s+địa\s+bàn|thời\s+điểm\s+hiện\s+tại|đến\s+thời\s+điểm\s+hiện\s+tại|có|toàn\s+bộ)",
    re.IGNORECASE,
)
_AUX_AFTER = re.compile(r"\s*(?:\([^()]{0,60}\)\s*)?(?:đã|đang|có|được|vừa|tiếp\s+tục|còn|hiện\s+có|"
                        r"đạt|tiếp\s+nhận|triển\s+khai|thực\s+hiện|lắp|ban\s+hành|phát\s+hành|cung\s+cấp|"
                        r"gồm|là|áp\s+dụng|sử\s+dụng|xây\s+dựng|đăng)\b", re.IGNORECASE)
_SCOPE_PREP = re.compile(r"(?<![\w])(?:tại|ở|của|cho|trên|đến|thuộc)(?![\w])", re.IGNORECASE)
_VERB_IN_GAP = re.compile(r"(?<![\w])(?:đã|đang|được|có|là|đạt|chiếm|sử\s+dụng|áp\s+dụng|thực\s+hiện|tham\s+gia|"
                          r"gửi|nhận|xử\s+lý|kết\s+nối|ký)(?![\w])|[.;:]", re.IGNORECASE)
_TOTAL_ROW = re.compile(r"^\s*(?:tổng\s+cộng|tổng\s+số|tổng|cộng|toàn\s+(?:huyện|tỉnh|xã|thành\s+phố))\s*:?\s*$",
                        re.IGNORECASE)
_STT_CELL = re.compile(r"^\s*(?:stt|tt|số\s+tt|\d{1,3}|[ivxlc]+|[a-zđ])\.?\s*$", re.IGNORECASE)
_TABLE_SEP_ROW = re.compile(r"^\s*\|?\s*:?-{2,}")
_TITLE_TAI = re.compile(r"\btại\s+(?P<org>(?:Trung\s+tâm|Bộ\s+phận|Văn\s+phòng|Sở|Phòng|Ban|Cổng)\s+[^,;:]+?)"
                        r"(?=\s+(?:năm|quý|tháng|\d|từ|giai)|\s*$|[,;:])")
# Where the words between two figures stop describing the first and start labelling the second
_GAP_SPLIT = re.compile(r"[,;:(]|\s(?:trong\s+đó|và|với|gồm)\s", re.IGNORECASE)
_DIGIT = re.compile(r"\d")
_FOOTNOTE_PARTS = re.compile(
    r"\s*(?:\[\^?\d{1,3}\]|[⁰¹²³⁴⁵⁶⁷⁸⁹]+|\d{1,3}[.)]?)?\s*(?:gồm|bao\s+gồm|trong\s+đó|cụ\s+thể)\b", re.IGNORECASE)
_OBJECT_OF = re.compile(r"(?:cho|với|tại|của|đối\s+với)(?:\s+các)?\s*$", re.IGNORECASE)
_OPENER = re.compile(r"trong\s+đó|cụ\s+thể|bao\s+gồm|gồm|chia\s+ra|:", re.IGNORECASE)
_CUT_LINE = re.compile(r"[^\s.:;!?…)\]”\"*]\n$")
_LOWER_OR_DIGIT = re.compile(r"[^\W_A-ZÀ-ỸĐ]")
_SUBJECT_LABELS = ("ORG", "LOC", "LEVEL", "MEDIA")


# ------------------------------------------------------------------------------------------------
# Document structure
# ------------------------------------------------------------------------------------------------


@dataclass
class _Group:
    """Facts written as one figure ("373/416 hồ sơ" is a ratio fact and its denominator)."""

    facts: list[Fact]
    start: int
    end: int
    line: int = 0
    para: int = 0  # the line its sentence starts on (a paragraph cut by a page break spans two lines)
    sent_start: int = 0
    clause_start: int = 0
    clause_end: int = 0
    label_start: int = 0
    tail_end: int = 0
    index: int = 0
    metric: dict[str, str | None] = field(default_factory=dict)  # fact_id -> metric
    subject: str | None = None
    period: str | None = None

    @property
    def main(self) -> Fact:
        return self.facts[0]


@dataclass(frozen=True, slots=True)
class _Mention:
    start: int
    end: int
    value: str  # normalized subject, or ISSUER
    label: str
    topic: bool  # at the head of its clause or followed by a verb: the clause is about it


@dataclass
class _Doc:
    t: NormText
    text: str
    sections: list[Section]
    meta: DocMeta
    cat: Catalog
    line_starts: list[int]
    sent_starts: list[int]
    clause_starts: list[int]
    groups: list[_Group]
    group_starts: list[int]
    mentions: list[_Mention]
    mention_starts: list[int]
    periods: list[PeriodMention]
    period_starts: list[int]
    law_spans: list[tuple[int, int]]
    doc_period: DocPeriod
    default_subject: str | None
    issuer_level: str | None
    masks: list[tuple[int, int]] = field(default_factory=list)  # names: not evidence of a metric
    parents: dict[int, list[int]] = field(default_factory=dict)
    tables: dict[int, _TableInfo] = field(default_factory=dict)

    def words(self, s: int, e: int) -> str:
        """text[s:e] with the names of agencies, places and documents blanked ("Bộ phận Tiếp nhận và
        Trả kết quả huyện tiếp nhận" must not read as "trả kết quả")."""
        s, e = max(0, s), min(len(self.text), e)
        if s >= e:
            return ""
        chunk = list(self.text[s:e])
        k = bisect.bisect_left(self.masks, (s - 400, 0))
        while k < len(self.masks) and self.masks[k][0] < e:
            a, b = self.masks[k]
            for i in range(max(a, s), min(b, e)):
                chunk[i - s] = " "
            k += 1
        return "".join(chunk)

    def line_of(self, pos: int) -> int:
        return bisect.bisect_right(self.line_starts, pos) - 1

    def line_span(self, i: int) -> tuple[int, int]:
        s = self.line_starts[i]
        e = self.line_starts[i + 1] - 1 if i + 1 < len(self.line_starts) else len(self.text)
        return s, e

    def sent_start(self, pos: int) -> int:
        k = bisect.bisect_right(self.sent_starts, pos) - 1
        return self.sent_starts[k] if k >= 0 else 0

    def next_sent(self, pos: int) -> int:
        k = bisect.bisect_right(self.sent_starts, pos)
        return self.sent_starts[k] if k < len(self.sent_starts) else len(self.text)

    def clause_start(self, pos: int) -> int:
        k = bisect.bisect_right(self.clause_starts, pos) - 1
        return self.clause_starts[k] if k >= 0 else 0

    def next_clause(self, pos: int) -> int:
        k = bisect.bisect_right(self.clause_starts, pos)
        return self.clause_starts[k] if k < len(self.clause_starts) else len(self.text)

    def mentions_in(self, s: int, e: int) -> list[_Mention]:
        lo = bisect.bisect_left(self.mention_starts, s)
        hi = bisect.bisect_left(self.mention_starts, e)
        return [m for m in self.mentions[lo:hi] if m.end <= e]

    def periods_in(self, s: int, e: int) -> list[PeriodMention]:
        lo = bisect.bisect_left(self.period_starts, s)
        hi = bisect.bisect_left(self.period_starts, e)
        return [p for p in self.periods[lo:hi] if p.char_end <= e]

    def groups_in(self, s: int, e: int) -> list[_Group]:
        lo = bisect.bisect_left(self.group_starts, s)
        hi = bisect.bisect_left(self.group_starts, e)
        return self.groups[lo:hi]


@dataclass
class _TableInfo:
    headers: list[str]  # per column
    caption: str
    first_col: int  # index of the row-header column (after STT), or -1


# ------------------------------------------------------------------------------------------------
# Entry point
# ------------------------------------------------------------------------------------------------


def annotate_facts(t: NormText, sections: Sequence[Section], facts: Sequence[Fact], meta: DocMeta,
                   entities: Sequence[Entity], *, catalog: Catalog | None = None) -> list[Fact]:
    """The facts with metric, subject and period set (dataclasses.replace; order and ids kept)."""
    if not facts:
        return list(facts)
    cat = catalog or load_catalog()
    doc = _build_doc(t, sections, facts, meta, entities, cat)
    for g in doc.groups:
        _assign_metrics(doc, g)
        g.subject = _resolve_subject(doc, g)
        g.period = _resolve_period(doc, g)
    by_id: dict[str, tuple[_Group, Fact]] = {f.fact_id: (g, f) for g in doc.groups for f in g.facts}
    out: list[Fact] = []
    for f in facts:
        g, _ = by_id[f.fact_id]
        subject = None if g.subject in (None, ISSUER) else g.subject
        out.append(replace(f, metric=g.metric.get(f.fact_id), subject=subject, period=g.period))
    return out


# ------------------------------------------------------------------------------------------------
# Building the index
# ------------------------------------------------------------------------------------------------


def _build_doc(t: NormText, sections: Sequence[Section], facts: Sequence[Fact], meta: DocMeta,
               entities: Sequence[Entity], cat: Catalog) -> _Doc:
    text = t.text
    line_starts = [0] + [m.end() for m in re.finditer(r"\n", text)]
    # a line that starts with a figure or a lowercase word after a line without closing punctuation
    # continues the sentence (a paragraph cut by a page break: "Số hồ sơ đã giải quyết\n10.991 hồ sơ")
    breaks = [s for s in line_starts
              if s == 0 or not (_CUT_LINE.search(text, max(0, s - 3), s) and _LOWER_OR_DIGIT.match(text, s))]
    sent_starts = sorted(set(breaks) | {m.end() for m in _SENT_END.finditer(text)
                                        if not _ABBREV_END.search(text[max(0, m.start() - 6):m.start() + 1])})
    clause_starts = sorted(set(sent_starts) | {m.end() for m in re.finditer(r";\s*", text)})
    masks = sorted((e.char_start, e.char_end) for e in entities if e.label in ("ORG", "LOC", "LAW", "LEVEL"))
    law_spans = sorted((e.char_start, e.char_end) for e in entities if e.label == "LAW")

    groups = _group_facts(facts)
    issuer_level = _issuer_level(meta.issuer)
    all_periods = find_periods(text)
    mentions = _subject_mentions(_mask_periods(text, all_periods), entities, law_spans, meta, issuer_level,
                                 clause_starts)
    periods = [p for p in all_periods if not p.programme and not _inside(law_spans, p.char_start)]
    periods = [p for p in periods if not _attribute_year(text, p, entities)]

    preamble_end = min((s.char_start for s in sections), default=min(len(text), 3000))
    issued = meta.issued_date if isinstance(meta.issued_date, date) else None
    dperiod = document_period(meta.title, text[:preamble_end], issued=issued, issued_text=meta.issued_date_text)

    doc = _Doc(t=t, text=text, sections=list(sections), meta=meta, cat=cat, line_starts=line_starts,
               sent_starts=sent_starts, clause_starts=clause_starts, groups=groups,
               group_starts=[g.start for g in groups], mentions=mentions,
               mention_starts=[m.start for m in mentions], periods=periods,
               period_starts=[p.char_start for p in periods], law_spans=law_spans, doc_period=dperiod,
               default_subject=_default_subject(meta, issuer_level), issuer_level=issuer_level, masks=masks)
    _place_groups(doc)
    _find_tables(doc)
    return doc


def _group_facts(facts: Sequence[Fact]) -> list[_Group]:
    ordered = sorted(facts, key=lambda f: (f.char_start, -f.char_end))
    groups: list[_Group] = []
    for f in ordered:
        if groups and f.char_start < groups[-1].end:
            g = groups[-1]
            g.facts.append(f)
            g.end = max(g.end, f.char_end)
        else:
            groups.append(_Group(facts=[f], start=f.char_start, end=f.char_end))
    for i, g in enumerate(groups):
        g.index = i
        # the ratio (numerator) fact first, then the denominator, then anything else
        g.facts.sort(key=lambda f: (0 if f.kind == "ratio" else 1 if f.extractor.endswith("denominator") else 2,
                                    f.char_start))
    return groups


def _place_groups(doc: _Doc) -> None:
    """Clause, sentence, label and tail of every group (see the module docstring)."""
    text = doc.text
    groups = doc.groups
    for i, g in enumerate(groups):
        g.line = doc.line_of(g.start)
        g.sent_start = doc.sent_start(g.start)
        g.para = doc.line_of(g.sent_start)
        g.clause_start = doc.clause_start(g.start)
        g.clause_end = min(doc.next_clause(g.start), doc.line_span(g.line)[1])
        g.label_start = g.clause_start
        if i > 0 and groups[i - 1].end > g.clause_start and groups[i - 1].line == g.line:
            prev = groups[i - 1]
            gap = text[prev.end:g.start]
            m = _GAP_SPLIT.search(gap)
            cut = prev.end + (m.start() if m else 0)
            prev.tail_end = cut
            g.label_start = cut
        g.tail_end = g.clause_end
    for g in groups:
        if g.tail_end < g.end:
            g.tail_end = g.end


def _find_tables(doc: _Doc) -> None:
    """Header cells and caption of every tab- or pipe-separated block that holds a figure."""
    text = doc.text
    lines = [doc.line_span(i) for i in range(len(doc.line_starts))]

    def style(i: int) -> str:
        s, e = lines[i]
        ln = text[s:e]
        if ln.lstrip().startswith("|") and ln.count("|") >= 3:
            return "pipe"
        return "tab" if "\t" in ln.strip("\t ") else ""

    fig_lines = {g.line for g in doc.groups}
    i = 0
    n = len(lines)
    while i < n:
        st = style(i)
        if not st:
            i += 1
            continue
        j = i
        while j < n and style(j) == st:
            j += 1
        rows = [r for r in range(i, j) if not _TABLE_SEP_ROW.match(text[lines[r][0]:lines[r][1]])]
        header_rows = []
        for r in rows:
            if r in fig_lines:
                break
            header_rows.append(r)
        ncols = max((len(_cells(text, *lines[r])) for r in rows), default=0)
        headers = [""] * ncols
        for r in header_rows:
            for c, (_, _, cell) in enumerate(_cells(text, *lines[r])):
                if c < ncols and cell.strip():
                    headers[c] = (headers[c] + " " + cell.strip()).strip()
        # carry a spanning header ("Tiêu chí" over 8.1 .. 8.4) to the empty columns after it
        caption_start = lines[i - 1][0] if i > 0 else 0
        caption = text[lines[i - 2][0] if i > 1 else caption_start:lines[i][0]].strip()
        first_col = -1
        for c in range(ncols):
            h = headers[c] if c < len(headers) else ""
            if h and _STT_CELL.match(h):
                continue
            first_col = c
            break
        info = _TableInfo(headers=headers, caption=caption, first_col=first_col)
        for r in rows:
            if r not in header_rows:
                doc.tables[r] = info
        i = j


def _cells(text: str, s: int, e: int) -> list[tuple[int, int, str]]:
    line = text[s:e]
    out, start = [], 0
    for m in re.finditer(r"\t|\|", line):
        out.append((s + start, s + m.start(), line[start:m.start()]))
        start = m.end()
    out.append((s + start, e, line[start:]))
    if line.lstrip().startswith("|"):
        out = out[1:]
        if out and not out[-1][2].strip():
            out = out[:-1]
    return out


def _inside(spans: list[tuple[int, int]], pos: int) -> bool:
    k = bisect.bisect_right(spans, (pos, 1 << 60)) - 1
    return k >= 0 and spans[k][0] <= pos < spans[k][1]


def _attribute_year(text: str, p: PeriodMention, entities: Sequence[Entity]) -> bool:
    """"Xã Phú Bình năm 2020" (the year the commune was recognised): a year glued to a proper name
    is an attribute of that name, not the period of a figure."""
    if p.kind != "year":
        return False
    before = text[max(0, p.char_start - 40):p.char_start]
    return bool(re.search(r"(?:[Xx]ã|[Pp]hường|[Tt]hị\s+trấn)\s+(?:[A-ZÀ-ỸĐ][\w]*\s+){1,4}$", before))


# ------------------------------------------------------------------------------------------------
# Subjects: mentions, issuer, defaults
# ------------------------------------------------------------------------------------------------


def _issuer_level(issuer: str | None) -> str | None:
    if not issuer:
        return None
    low = issuer.lower()
    if low.startswith("sở") or " sở " in low:
        return "sở"
    for level in ("xã", "phường", "thị trấn", "huyện", "quận", "thị xã", "thành phố", "tỉnh"):
        if re.search(rf"(?:ubnd|ủy\s+ban\s+nhân\s+dân|hđnd)\s+{level}\b", low):
            return {"phường": "xã", "thị trấn": "xã", "quận": "huyện", "thị xã": "huyện"}.get(level, level)
    return None


def _default_subject(meta: DocMeta, issuer_level: str | None) -> str | None:
    """Who a report's figures are about when nothing nearer says: a provincial department reports on
    the province ("toàn tỉnh"); a title "... tại Trung tâm Phục vụ hành chính công tỉnh" names its unit;
    otherwise the issuer itself (NULL)."""
    if meta.title:
        m = _TITLE_TAI.search(meta.title)
        if m:
            return " ".join(m.group("org").split())
    if issuer_level == "sở":
        return "toàn tỉnh"
    return None


@functools.lru_cache(maxsize=8192)
def _fold_name(s: str) -> str:
    return " ".join(re.findall(r"[a-z0-9]+", fold(s)))


def _is_issuer(value: str, label: str, meta: DocMeta, issuer_level: str | None) -> bool:
    f = _fold_name(value)
    issuer = _fold_name(meta.issuer or "")
    if not f:
        return False
    if label == "MEDIA":
        return False  # a portal or page is never the issuer itself
    if issuer and (f == issuer or (len(f) > 6 and issuer.endswith(" " + f))):
        return True
    place = _fold_name(meta.place or "")
    if place and f.endswith(" " + place) and re.match(
            r"^(?:don vi|dia phuong|ubnd|uy ban nhan dan|huyen|tinh|xa|thanh pho|thi xa)\b", f):
        head = f[: -len(place)].strip()
        level = {"huyen": "huyện", "tinh": "tỉnh", "xa": "xã", "thanh pho": "huyện", "thi xa": "huyện"}
        lv = next((v for k, v in level.items() if head.endswith(k)), None)
        if lv is None or lv == issuer_level:
            return True
    if label == "LEVEL":
        return (issuer_level == "xã" and f in ("cap xa", "toan xa")) or \
            (issuer_level == "huyện" and f == "toan huyen")
    if label == "ORG":
        m = re.match(r"^(?:ubnd|uy ban nhan dan)\s+(tinh|huyen|xa|thanh pho|thi xa)(?:\s+(.+))?$", f)
        if m:
            lvl = {"tinh": "tỉnh", "huyen": "huyện", "xa": "xã", "thanh pho": "huyện", "thi xa": "huyện"}[m.group(1)]
            place = m.group(2)
            return lvl == issuer_level and (not place or place in issuer)
        if issuer_level == "sở" and (f in ("so",) or (f.startswith("so ") and issuer.startswith(f))):
            return True
    if label == "LOC":
        place = _fold_name(meta.place or "")
        m = re.match(r"^(tinh|huyen|xa|thanh pho|thi xa|thi tran|phuong)\s+(.+)$", f)
        if m and place and m.group(2) == place:
            lvl = {"tinh": "tỉnh", "huyen": "huyện", "xa": "xã", "phuong": "xã", "thi tran": "xã"}.get(
                m.group(1), "huyện")
            return lvl == issuer_level
    return False


def _subject_mentions(text: str, entities: Sequence[Entity], law_spans: list[tuple[int, int]], meta: DocMeta,
                      issuer_level: str | None, clause_starts: list[int]) -> list[_Mention]:
    out: list[_Mention] = []
    for e in entities:
        if e.label not in _SUBJECT_LABELS or _inside(law_spans, e.char_start):
            continue
        surface = " ".join(e.text.split())
        # a level by its normalized name ("UBND các xã, thị trấn" -> "cấp xã"); anything else as written
        value = (e.normalized or surface) if e.label == "LEVEL" else surface
        if _is_issuer(value, e.label, meta, issuer_level):
            value = ISSUER
        k = bisect.bisect_right(clause_starts, e.char_start) - 1
        cstart = clause_starts[k] if k >= 0 else 0
        head = text[cstart:e.char_start]
        topic = _strip_lead(head, periods_masked=True) == "" or bool(_AUX_AFTER.match(text, e.char_end))
        out.append(_Mention(e.char_start, e.char_end, value, e.label, topic))
    # bare self-references: "Sở có 37 TTHC", "huyện có 31.867 hộ" name the issuer
    self_word = {"sở": r"Sở", "huyện": r"[Hh]uyện", "tỉnh": r"[Tt]ỉnh", "xã": r"[Xx]ã"}.get(issuer_level or "")
    if self_word:
        for m in re.finditer(rf"(?<![\w])(?:{self_word})(?=\s+(?:đã|đang|có|được|còn|vừa|tiếp\s+tục)\b)", text):
            if not any(x.start <= m.start() < x.end for x in out):
                out.append(_Mention(m.start(), m.end(), ISSUER, "ORG", True))
    out.sort(key=lambda m: m.start)
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
    label = doc.text[g.label_start:g.start].rstrip(" \t:")  # "tổng số hồ sơ tiếp nhận: 35"
    k = max(label.rfind(":"), label.rfind("("))
    c = label.rfind(",")
    if c > k:
        rest = label[c + 1:].lstrip()
        at = g.label_start + c + 1 + (len(label[c + 1:]) - len(rest))
        opens = doc.periods_in(at, at + 40)
        if rest[:1].isupper() or (opens and opens[0].char_start == at):
            k = c
    return doc.words(g.label_start + k + 1, g.start) if k >= 0 else doc.words(g.label_start, g.start)


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
    return doc.cat.match(words + (head or []), kind, head, allow_default=allow_default)


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
        elif f.extractor.endswith("denominator"):
            key = _denominator_metric(doc, g, f, main, label, den_label, tail)
        elif f.kind == "percent" or (f.kind == "other" and f.unit and "/" in f.unit):
            key = _percent_metric(doc, g, f, label, tail)
        else:
            key = _match(doc, [label, tail], f.kind, None, allow_default=False)
        if key is None and doc.t.in_aside(g.start):
            # a footnote that breaks the figure down ("Gồm 1.043 hồ sơ ... và 244 hồ sơ ...") shares its
            # metric; one that excludes or compares ("Không tính ...", "Tăng 38 ...") does not
            anchor = _footnote_anchor(doc, g)
            ls = doc.line_starts[g.line]
            if anchor is not None and anchor.facts[0].kind == f.kind and _FOOTNOTE_PARTS.match(doc.text, ls):
                key = anchor.metric.get(anchor.facts[0].fact_id)
        g.metric[f.fact_id] = key


def _count_metric(doc: _Doc, g: _Group, f: Fact, label: str, near: str, tail: str) -> str | None:
    cat = doc.cat
    head = _unit_words(cat, f)
    restated = _restated(doc, g, f)
    if restated is not None:
        return restated
    scored = _match_scored(doc, [near, tail], f.kind, head)
    if scored is None or scored.score < 0.5:
        full = _match_scored(doc, [label, tail], f.kind, head)
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
    if key is None and g.index > 0 and doc.groups[g.index - 1].line == g.line \
            and _OBJECT_OF.search(doc.text[g.label_start:g.start]):
        prev = doc.groups[g.index - 1]
        if prev.end > g.sent_start:  # "02 lớp bồi dưỡng kỹ năng, ứng xử cho 146 lượt cán bộ": the
            # predicate before the comma governs this figure
            key = _match(doc, [doc.words(prev.end, g.start), tail], f.kind, head, allow_default=False)
    if key is None and g.index > 0:
        # "đạt 97,74% (7.952/8.136 văn bản)": the figures in a parenthesis after a rate are its terms
        prev = doc.groups[g.index - 1]
        pm = prev.metric.get(prev.facts[0].fact_id)
        rate = cat.metrics.get(pm or "")
        if prev.facts[0].kind == "percent" and rate is not None and len(rate.numerator) == 1 \
                and re.fullmatch(r"\s*\(\s*", doc.text[prev.end:g.start]):
            key = rate.numerator[0]
    if key is None and not doc.t.in_aside(g.start):
        key = _match(doc, [label, tail, *_outer_context(doc, g, headings=0, headers_only=True),
                           *_named_labels(doc, g)], f.kind, head)
    if key is not None:
        key = _refine(doc, g, key, lh)
    return key


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
    return _match(doc, [tail], "count", _unit_words(cat, f), allow_default=False)


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
    if thin and same_clause and prev is not None:
        # "20 máy tính/20 CBCC, đạt 100%": the rate of the count before the slash
        if doc.text[prev.label_start:prev.start].strip() == "/" and prev.index > 0:
            first = doc.groups[prev.index - 1]
            fm = first.metric.get(first.facts[0].fact_id)
            if fm and cat.rate_of.get(fm):
                return cat.rate_of[fm]
        pm = prev.metric.get(prev.facts[0].fact_id)
        pf = prev.facts[0]
        if pf.kind == "percent" or (pf.kind == "other" and pm):
            return pm
        if pm:
            rate = cat.rate_of.get(pm)
            if rate:
                return rate
            if cat.metrics[pm].kind in ("percent", "ratio"):
                return pm
        if pm:
            return None  # the share of a metric the catalog has no rate for ("chiếm 99,6%" of direct ones)
        # the count is unnamed: the words of the count and of the clause may name the rate
        key = _match(doc, [_label_words(doc, prev), prev.facts[0].unit or "", _tail_words(doc, prev), label, tail],
                     "percent", None, allow_default=False)
        if key is None:
            key = _match(doc, [doc.words(g.sent_start, g.start), tail], "percent", None, allow_default=False)
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
    return key


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
    for pl in _parent_lines(doc, g.para):
        s, e = doc.line_span(pl)
        for h in reversed(doc.groups_in(s, e)):
            if fits(h):
                return h
    return None


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
    s, e = doc.line_span(g.line)
    cells = _cells(doc.text, s, e)
    col = next((c for c, (cs, ce, _) in enumerate(cells) if cs <= g.start <= ce), -1)
    header = info.headers[col] if 0 <= col < len(info.headers) else ""
    row_header = _row_header(info, cells)
    for f in g.facts:
        kind = "percent" if f.kind == "percent" else f.kind
        head = None if f.kind == "percent" else _unit_words(doc.cat, f)
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


# ------------------------------------------------------------------------------------------------
# Scopes: parent lines, sections
# ------------------------------------------------------------------------------------------------


def _depth(line: str) -> int:
    m = _BULLET.match(line)
    if not m:
        return 0
    marks = re.findall(r"[-–+*•·]+|\d{1,2}[.)]|[a-zđ][.)]", m.group(1))
    depth = 0
    for mk in marks:
        if mk[0] in "-–":
            depth = max(depth + 1, 1)
        elif mk[0] == "+":
            depth = max(depth + 1, 1 + len(mk))
        elif mk[0] in "*•·":
            depth = max(depth + 1, 3)
        else:
            depth = max(depth + 1, 1)
    return depth


def _parent_lines(doc: _Doc, line: int) -> list[int]:
    """The lines a line hangs under, nearest first: lines of lower bullet depth above it, and a line
    ending with ":" right above a paragraph; within the innermost section."""
    if line in doc.parents:
        return doc.parents[line]
    text = doc.text
    s, e = doc.line_span(line)
    sec = _sections_at(doc, s)
    floor = sec[0].char_start if sec else 0
    d = _depth(text[s:e])
    out: list[int] = []
    cur = line
    cur_depth = d
    steps = 0
    while cur > 0 and steps < 25:
        cur -= 1
        steps += 1
        ps, pe = doc.line_span(cur)
        if ps < floor:
            break
        pl = text[ps:pe]
        if not pl.strip():
            continue
        pd = _depth(pl)
        if pd < cur_depth:
            out.append(cur)
            cur_depth = pd
            if pd == 0:
                break
        elif cur_depth == 0:
            if pl.rstrip().endswith(":") and cur == line - 1 - (steps - 1):
                out.append(cur)
            break
    doc.parents[line] = out
    return out


def _sections_at(doc: _Doc, pos: int) -> list[Section]:
    """Sections containing pos, innermost first."""
    out = [s for s in doc.sections if s.char_start <= pos < s.char_end]
    out.sort(key=lambda s: -s.level)
    return out


def _heading_line_end(doc: _Doc, sec: Section) -> int:
    s = sec.char_start
    e = doc.text.find("\n", s)
    return len(doc.text) if e < 0 else e


def _section_intro(doc: _Doc, sec: Section) -> tuple[int, int] | None:
    """The body of a section before its first subsection, when it has subsections."""
    children = [s for s in doc.sections if s.parent_id == sec.section_id]
    if not children:
        return None
    start = _heading_line_end(doc, sec)
    end = min(c.char_start for c in children)
    return (start, end) if end > start else None


# ------------------------------------------------------------------------------------------------
# Subject
# ------------------------------------------------------------------------------------------------


def _resolve_subject(doc: _Doc, g: _Group) -> str | None:
    v = _resolve_subject_raw(doc, g)
    if v == ISSUER and doc.issuer_level:
        # "thuộc UBND huyện" inside a section "1. Cấp huyện" is the level, which gold keeps
        sec = _section_subject(doc, g)
        if sec and _fold_name(sec) == _fold_name(f"cấp {doc.issuer_level}"):
            return sec
    return v


def _resolve_subject_raw(doc: _Doc, g: _Group) -> str | None:
    if doc.t.in_aside(g.start):
        anchor = _footnote_anchor(doc, g)
        if anchor is not None:
            return anchor.subject if anchor.subject is not None else _resolve_subject(doc, anchor)
    if g.line in doc.tables:
        info = doc.tables[g.line]
        s, e = doc.line_span(g.line)
        row = _row_header(info, _cells(doc.text, s, e))
        if row and not _TOTAL_ROW.match(row) and _match(doc, [row], "percent", None, allow_default=False) is None \
                and _match(doc, [row], "count", None, allow_default=False) is None:
            ms = doc.mentions_in(doc.line_starts[g.line], e)
            whole = next((m for m in ms if _fold_name(doc.text[m.start:m.end]) == _fold_name(row)), None)
            if whole is not None and whole.value == ISSUER:
                return ISSUER
            return row
        if row and _TOTAL_ROW.match(row):
            return _outer_subject(doc, g)
    for step in (_named_unit_subject, _row_label_subject, _label_subject, _tail_subject, _unit_level_subject,
                 _sentence_subject):
        v = step(doc, g)
        if v is not None:
            return v
    v = _tail_subject(doc, g, weak=True)
    if v is not None:
        return v
    return _outer_subject(doc, g)


def _outer_subject(doc: _Doc, g: _Group) -> str | None:
    for step in (_continuation_subject, _paragraph_subject, _parent_subject, _section_subject):
        v = step(doc, g)
        if v is not None:
            return v
    return doc.default_subject


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
        if m.label == "LEVEL" and m.value == "cấp xã":
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
    if len(ms) == 1 and _fold_name(doc.text[ms[0].start:ms[0].end]) == _fold_name(np_text):
        return ms[0].value
    if len(ms) == 1 and ms[0].value == ISSUER and ms[0].start - (seg_start + off) < 3:
        return ISSUER
    return np_text


def _label_subject(doc: _Doc, g: _Group) -> str | None:
    closed = _closed_parens(doc, g.label_start, g.start)
    # a mention may begin inside the previous figure's span ("3.412 máy, cấp huyện 2.785 máy" when the
    # unit was read as "máy, cấp")
    for m in reversed(doc.mentions_in(max(0, g.label_start - 30), g.start)):
        if m.end <= g.label_start or not _visible(m.start, closed):
            continue
        before = doc.text[max(0, m.start - 6):m.start]
        if m.label == "LEVEL" or m.topic or (m.label == "MEDIA" and re.search(r"\bvào\s*$", before)) \
                or (m.label in ("ORG", "LOC") and re.search(r"\bcủa\s*$", before)):
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
    for i in range(s, e):
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
        if (m.label == "LEVEL" or m.topic) and _visible(m.start, closed):
            return m.value
    return None


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
        if _fold_name(np) == _fold_name(doc.text[ms[0].start:ms[0].end]):
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


# ------------------------------------------------------------------------------------------------
# Period
# ------------------------------------------------------------------------------------------------


def _resolve_period(doc: _Doc, g: _Group) -> str | None:
    if doc.t.in_aside(g.start):
        anchor = _footnote_anchor(doc, g)
        if anchor is not None:
            return anchor.period if anchor.period is not None else _resolve_period(doc, anchor)
    cands = _period_candidates(doc, g)
    first = next(cands, None)
    if first is None:
        return doc.doc_period.period.value if doc.doc_period.period else None
    year = first.explicit_year
    if year is None and first.kind not in ("now",):
        for c in cands:
            if c.explicit_year:
                year = c.explicit_year
                break
        else:
            year = doc.doc_period.year
    p = first.resolve(year, doc.doc_period)
    if p is None:
        return doc.doc_period.period.value if doc.doc_period.period else None
    return p.value


def _period_candidates(doc: _Doc, g: _Group) -> Iterator[PeriodMention]:
    """Period mentions in scope of a figure, nearest first."""
    text = doc.text
    if g.line in doc.tables:
        info = doc.tables[g.line]
        s, e = doc.line_span(g.line)
        cells = _cells(text, s, e)
        col = next((c for c, (cs, ce, _) in enumerate(cells) if cs <= g.start <= ce), -1)
        header = info.headers[col] if 0 <= col < len(info.headers) else ""
        yield from find_periods(header)
    # the label, nearest first (a range in a parenthesis qualifies the year before it)
    yield from reversed(doc.periods_in(g.label_start, g.start))
    yield from doc.periods_in(g.end, min(g.tail_end, g.end + 120))
    closed = _closed_parens(doc, g.sent_start, g.label_start, with_figures=True)
    for p in reversed(doc.periods_in(g.sent_start, g.label_start)):
        if _visible(p.char_start, closed):
            yield p
    # earlier sentences of the paragraph (nearest first)
    ls, _ = doc.line_span(g.para)
    if g.sent_start > ls:
        closed = _closed_parens(doc, ls, g.sent_start, with_figures=True)
        for p in reversed(doc.periods_in(ls, g.sent_start)):
            if _visible(p.char_start, closed):
                yield p
    # the previous bullet of the same list, when it opens with a period ("+ Từ ngày 01/01/2024 đến
    # ngày 31/5/2024, ... tiếp nhận" then "+ Đã giải quyết ...")
    if g.para > 0:
        ps, pe = doc.line_span(g.para - 1)
        d = _depth(text[ls:doc.line_span(g.para)[1]])
        if d > 0 and _depth(text[ps:pe]) == d:
            figs = doc.groups_in(ps, pe)
            lead = doc.periods_in(ps, figs[0].start if figs else pe)
            if lead and _strip_lead(text[ps:lead[0].char_start]) == "":
                yield lead[0]
    for pl in _parent_lines(doc, g.para):
        s, e = doc.line_span(pl)
        yield from reversed(doc.periods_in(s, e))
    if g.line in doc.tables:
        yield from reversed(find_periods(doc.tables[g.line].caption))
    for sec in _sections_at(doc, g.start):
        intro = _section_intro(doc, sec)
        if intro is not None and intro[1] <= g.start:
            yield from doc.periods_in(*intro)[:1]
        hs = sec.char_start
        he = min(_heading_line_end(doc, sec), hs + 200)
        yield from doc.periods_in(hs, he)


# ------------------------------------------------------------------------------------------------
# Criterion tables (optional: not wired into ingest, see criterion_facts)
# ------------------------------------------------------------------------------------------------

_CRITERION_HEADER = re.compile(r"(?:(?:Chỉ\s+tiêu|Tiêu\s+chí)\s*(?:số\s*)?)?\b(\d{1,2}(?:\.\d{1,2})?)\b", re.IGNORECASE)


def criterion_facts(t: NormText, sections: Sequence[Section], doc_id: str, meta: DocMeta | None = None) -> list[Fact]:
    """Status cells of criterion tables (communes x criteria 8.1-8.4, "Đ" / "Không đạt") as facts of
    kind other: value 1.0 met / 0.0 not met, `status` "Đạt" / "Không đạt", subject = the row header,
    unit = the criterion ("tiêu chí 8.2"), metric ntm_criterion_status, period from the scope.

    Separate from figures because a status is not a number a report writes; the gold annotations do not
    list these cells, so wiring them into ingest lowers the measured fact precision unless the
    evaluator skips facts with a status.
    """
    from pipeline.model import section_at, stable_id

    text = t.text
    out: list[Fact] = []
    dperiod = document_period((meta.title if meta else None), text[:3000],
                              issued=meta.issued_date if meta else None,
                              issued_text=meta.issued_date_text if meta else None)
    header: list[str] | None = None
    pos = 0
    for line in text.split("\n"):
        start = pos
        pos += len(line) + 1
        tabular = "\t" in line.strip("\t ") or (line.lstrip().startswith("|") and line.count("|") >= 3)
        if not tabular:
            header = None
            continue
        cells = _cells(text, start, start + len(line))
        if _TABLE_SEP_ROW.match(line):
            continue
        statuses = [(c, cs, ce, m) for c, (cs, ce, cell) in enumerate(cells) if (m := STATUS_CELL.match(cell))]
        if not statuses:
            header = [cell.strip() for _, _, cell in cells]
            continue
        if header is None:
            continue
        row = next((cell.strip() for _, _, cell in cells if cell.strip() and not _STT_CELL.match(cell)
                    and not STATUS_CELL.match(cell)), None)
        for c, cs, _ce, m in statuses:
            label = header[c] if c < len(header) else ""
            crit = _CRITERION_HEADER.search(label)
            if not crit:
                continue
            word = m.group("s")
            met = word.lower() in ("đạt", "đ", "x")
            s = cs + m.start("s")
            e = cs + m.end("s")
            sec = section_at(sections, s)
            out.append(Fact(
                fact_id=stable_id(doc_id, s, e, "other"), value=1.0 if met else 0.0, kind="other",
                char_start=s, char_end=e, quote=text[s:e], page=t.page_at(s),
                section_id=sec.section_id if sec else None, metric="ntm_criterion_status",
                unit=f"tiêu chí {crit.group(1)}", subject=row,
                period=dperiod.period.value if dperiod.period else None,
                extractor="table.criterion", confidence=0.9, status="Đạt" if met else "Không đạt",
            ))
    return out
