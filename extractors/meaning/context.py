"""The private view of one document that the meaning rules read: figures grouped as written,
sentence and clause starts, subject mentions, periods, and the patterns several rules share.

Why one view: every rule asks "what is near this figure?" many times, so the offsets are indexed
once (bisect over sorted starts) instead of re-scanned by each rule.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from extractors.catalog import Catalog
from extractors.periods import DocPeriod, PeriodMention
from pipeline.model import DocMeta, Entity, Fact, NormText, Section
from pipeline.structure.layout import Layout
from pipeline.structure.tables import Cell

ISSUER = "\x00issuer"  # a scope that explicitly names the issuer: the subject is NULL

_CONTINUATION = re.compile(r"^\s*(?:[-–+*•·]+\s*)?(?:trong\s+đó|cụ\s+thể|bao\s+gồm|gồm|chia\s+ra|chi\s+tiết|"
                           r"trong\s+số\s+đó|riêng)\b", re.IGNORECASE)
_LEAD_WORDS = re.compile(
    r"^(?:[\s,;:.()\-–+*•·]+|trong\s+đó|đến\s+nay|hiện\s+nay|hiện\s+tại|ngoài\s+ra|riêng|còn|tại|đối\s+với|ở|"
    r"cụ\s+thể|theo\s+đó|bên\s+cạnh\s+đó|đồng\s+thời|qua\s+đó|như\s+vậy|tuy\s+nhiên|nhìn\s+chung|"
    r"trong\s+khi\s+đó|đặc\s+biệt|đáng\s+chú\s+ý|mặt\s+khác|"
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
_TITLE_TAI = re.compile(r"\btại\s+(?P<org>(?:Trung\s+tâm|Bộ\s+phận|Văn\s+phòng|Sở|Phòng|Ban|Cổng)\s+[^,;:]+?)"
                        r"(?=\s+(?:năm|quý|tháng|\d|từ|giai)|\s*$|[,;:])")
# Where the words between two figures stop describing the first and start labelling the second
_GAP_SPLIT = re.compile(r"[,;:(]|\s(?:trong\s+đó|và|với|gồm)\s", re.IGNORECASE)
_DIGIT = re.compile(r"\d")
_PAREN = re.compile(r"[()]")
_FOOTNOTE_PARTS = re.compile(
    r"\s*(?:\[\^?\d{1,3}\]|[⁰¹²³⁴⁵⁶⁷⁸⁹]+|\d{1,3}[.)]?)?\s*(?:gồm|bao\s+gồm|trong\s+đó|cụ\s+thể)\b", re.IGNORECASE)
_OBJECT_OF = re.compile(r"(?:cho|với|tại|của|đối\s+với)(?:\s+các)?(?:\s+(?:tổng\s+số|tổng\s+cộng|tổng|số))?\s*$",
                        re.IGNORECASE)
_OPENER = re.compile(r"trong\s+đó|cụ\s+thể|bao\s+gồm|gồm|chia\s+ra|:", re.IGNORECASE)
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
    layout: Layout
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
    tables: dict[int, _TableInfo] = field(default_factory=dict)  # line -> its table (body rows only)
    rows: dict[int, tuple[Cell, ...]] = field(default_factory=dict)  # line -> the cells of its row
    depths: dict[int, int] = field(default_factory=dict)  # line -> its list depth (`Layout.items`)
    _parens: list[int] | None = field(default=None, repr=False)
    # catalog matches asked for again within the document (a list's items share their label): ~4 in 10
    match_memo: dict[tuple, object] = field(default_factory=dict, repr=False)

    def parens_in(self, s: int, e: int) -> list[int]:
        """Offsets of "(" and ")" in [s, e), in order, from one index of the text: the rules that pair
        parentheses walk these instead of every character back to a line start (quadratic on a long
        line)."""
        if self._parens is None:
            self._parens = [m.start() for m in _PAREN.finditer(self.text)]
        return self._parens[bisect.bisect_left(self._parens, s):bisect.bisect_left(self._parens, e)]

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
    # line -> (start, end, text) of each cell, for tables whose cells no separator marks (numeric)
    cells: dict[int, list[tuple[int, int, str]]] = field(default_factory=dict)

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
