"""Time expressions of Vietnamese reports, as the periods of the facts table (`2022`, `2023-01-01..2023-05-25`).

Why a module of its own: the same figure means different things in different periods, and reports
state periods in many ways — "Năm 2022", "từ ngày 01/01 đến 25/5" (the year comes from the sentence
before), "9 tháng đầu năm 2024", "quý IV/2024", "tính đến 24/5/2023", "đến nay" (the document's own
date), "giai đoạn 2020 đến nay". `find_periods` finds the mentions in a stretch of text and keeps
what it cannot resolve alone (a missing year, "nay") symbolic; `PeriodMention.resolve` fills it in
from the scope the annotator knows (the year in force, the document's period and date).

What is NOT a period: a date of a document ("Quyết định ... ngày 22/6/2022", "ngày 19 tháng 4 năm
2023"), a comparison baseline ("so với cùng kỳ năm 2021"), the span of a programme named in a title
("Đề án ... giai đoạn 2021-2025", "tầm nhìn đến năm 2030").
"""

from __future__ import annotations

import calendar
import itertools
import re
from dataclasses import dataclass, replace
from datetime import date

# Vietnamese month-count words ("chín tháng đầu năm").
_COUNT_WORDS = {"một": 1, "hai": 2, "ba": 3, "bốn": 4, "năm": 5, "sáu": 6, "bảy": 7, "tám": 8, "chín": 9,
                "mười": 10, "mười một": 11, "mười hai": 12}
_ROMAN_Q = {"i": 1, "ii": 2, "iii": 3, "iv": 4, "1": 1, "2": 2, "3": 3, "4": 4}

_Y = r"(?:19|20)\d\d"
_SEP = r"[/.\-]"


def _date(p: str) -> str:
    """dd/mm[/yyyy] or "dd tháng mm [năm yyyy]", groups named <p>d, <p>m, <p>y (or m2, y2)."""
    return (rf"(?:ngày\s+)?(?P<{p}d>\d{{1,2}})(?:{_SEP}(?P<{p}m>\d{{1,2}})(?:{_SEP}(?P<{p}y>{_Y}))?"
            rf"|\s+tháng\s+(?P<{p}m2>\d{{1,2}})(?:\s+năm\s+(?P<{p}y2>{_Y}))?)")


def _month(p: str) -> str:
    """"tháng 12/2023", "tháng 8 năm 2019" or "tháng 6": groups <p>mm/<p>my or <p>mo."""
    return (rf"tháng\s+(?P<{p}mm>\d{{1,2}})(?:\s*{_SEP}\s*|\s+năm\s+)(?P<{p}my>{_Y})"
            rf"|tháng\s+(?P<{p}mo>\d{{1,2}})(?![\d/.])")


_TO = r"\s*(?:đến|tới|–|—|-|~)\s*(?:hết\s+)?"
# a time of day before the date of a cut-off ("thời điểm 17h00", "15 h chiều", "trưa nay")
_CLOCK = (r"(?:thời\s+điểm\s+)?(?:\d{1,2}\s*(?:h|giờ)\s*(?:\d{1,2}\s*(?:phút|giờ)?\s*)?(?:\d{1,2}\s+)?)?"
          r"(?:(?:sáng|trưa|chiều|tối)(?:\s+nay)?\s+)?")
_NOW = r"(?:nay|hiện\s+nay|hiện\s+tại|thời\s+điểm\s+hiện\s+tại|thời\s+điểm\s+báo\s+cáo|thời\s+điểm\s+này)"


def _count(p: str) -> str:
    return rf"(?P<{p}n>\d{{1,2}}|" + "|".join(sorted(_COUNT_WORDS, key=len, reverse=True)) + ")"


# Alternatives in priority order: the first that matches at a position wins (longest forms first).
# Each is a function of the group-name prefix, so that one alternation can hold them all.
_PATTERNS: list[tuple[str, object]] = [
    # từ ngày 01/01/2023 đến ngày 25/5/2023 ; (số liệu) tính từ 15/12/2021 đến 14/6/2022 ; từ 01/01 – 08/8/2024
    ("range", lambda p: rf"(?:(?:số\s+liệu\s+)?tính\s+)?từ\s+{_date(p + 'a')}{_TO}(?:ngày\s+)?{_date(p + 'b')}"),
    # từ ngày 01/01/2023 đến nay ; từ tháng 12/2018 đến nay ; từ năm 2020 đến nay ; giai đoạn 2020 đến nay
    ("since", lambda p: rf"(?:tính\s+)?từ\s+{_date(p + 'a')}\s+(?:đến|tới)\s+{_NOW}"),
    ("since_month", lambda p: rf"từ\s+(?:{_month(p + 'a')})\s+(?:đến|tới)\s+{_NOW}"),
    ("since_year", lambda p: rf"(?:từ|giai\s+đoạn(?:\s+từ)?)\s+(?:năm\s+)?(?P<{p}ay>{_Y})\s+(?:đến|tới)\s+{_NOW}"),
    ("since_year_start", lambda p: rf"từ\s+đầu\s+năm(?:\s+(?P<{p}ay>{_Y}))?\s+(?:đến|tới)\s+{_NOW}"),
    # từ năm 2016 đến 31/10/2019
    ("year_to_date", lambda p: rf"từ\s+(?:năm\s+)?(?P<{p}ay>{_Y})\s+(?:đến|tới)\s+(?:ngày\s+)?{_date(p + 'b')}"),
    # (từ) đầu năm 2019 đến tháng 8/2019 ; từ tháng 1 đến tháng 6/2024
    ("month_range", lambda p: rf"(?:từ\s+)?(?:đầu\s+năm(?:\s+(?P<{p}ay>{_Y}))?|{_month(p + 'a')}){_TO}"
                              rf"(?:{_month(p + 'b')})"),
    # (hết) học kỳ I năm học 2008 – 2009 ; năm học 2022-2023: a school year runs 1/9 to 31/8, its first
    # term to the end of January
    ("school_year", lambda p: rf"(?:(?:đến\s+)?(?:hết\s+)?học\s+kỳ\s+(?P<{p}term>I|1)\s+)?(?:năm\s+học|niên\s+khóa)\s+"
                              rf"(?P<{p}ay>{_Y})\s*[-–—]\s*(?P<{p}by>{_Y})"),
    # giai đoạn 2021-2025 ; từ năm 2020 đến năm 2022 ; năm 2021 - 2022
    ("year_range", lambda p: rf"(?:giai\s+đoạn|từ\s+năm|từ|các\s+năm|năm)\s+(?P<{p}ay>{_Y})\s*"
                             rf"(?:-|–|—|đến\s+năm|đến|tới)\s*(?P<{p}by>{_Y})"),
    # 9 tháng đầu năm 2024 ; 6 tháng cuối năm ; sáu tháng đầu năm 2022
    # 9 tháng năm 2019 ; 9 tháng năm nay (the first months, side unstated)
    ("part", lambda p: rf"{_count(p)}\s+tháng\s+(?:(?P<{p}side>đầu|cuối)\s+)?năm(?:\s+(?P<{p}ay>{_Y})|\s+nay)?"
                       rf"(?![\w])"),
    # "Kết quả 6 tháng", "trong 9 tháng": the first months of the year in force
    ("part_bare", lambda p: rf"(?:kết\s+quả|trong|thực\s+hiện)\s+{_count(p)}\s+tháng(?!\s+(?:đầu|cuối|qua|tới))"
                            rf"(?:\s+năm\s+(?P<{p}ay>{_Y}))?"),
    # quý IV/2024 ; quý I năm 2024 ; quý 3
    ("quarter", lambda p: rf"quý\s+(?P<{p}q>IV|III|II|I|[1-4])(?![\w])(?:(?:\s*[/\-]\s*|\s+năm\s+)(?P<{p}ay>{_Y}))?"),
    # tính đến (hết) ngày 24/5/2023 ; đến 31/10/2019 ; tính đến 01/7/2024
    # tính đến thời điểm 17h00 ngày 05/4/2019 ; tính đến 15 h chiều 2/4 ; đến trưa nay 12/4/2019
    ("asof", lambda p: rf"(?:tính\s+)?(?:đến|tới)\s+(?:hết\s+)?{_CLOCK}(?:ngày\s+)?{_date(p + 'b')}"),
    # đến hết năm 2022 ; cuối năm 2022 ; đến năm 2025 (a target year) ; ĐẾN 2025
    # tính đến đầu năm 2019 ; tính đến cuối năm 2021: as of that day (1/1 or 31/12)
    ("year_edge", lambda p: rf"(?:tính\s+)?(?:đến|tới)\s+(?P<{p}edge>đầu|cuối)\s+năm\s+(?P<{p}ay>{_Y})"),
    ("year", lambda p: rf"(?:(?:tính\s+)?(?:đến|tới)\s+(?:hết\s+|cuối\s+)?|cuối\s+|đầu\s+)năm\s+(?P<{p}ay>{_Y})"),
    ("year", lambda p: rf"(?:tính\s+)?(?:đến|tới)\s+(?P<{p}ay>{_Y})(?![\d/])"),
    # tháng 12/2023 ; trong tháng 8 năm 2019
    ("month", lambda p: rf"(?:trong\s+)?(?:{_month(p + 'a')})"),
    # tính đến nay ; đến nay ; hiện nay ; thời điểm hiện tại
    ("now", lambda p: rf"(?:tính\s+)?(?:đến|tới)\s+{_NOW}|hiện\s+nay|hiện\s+tại|thời\s+điểm\s+hiện\s+tại"),
    # trong năm ; năm nay ; trong kỳ
    ("this_year", lambda p: r"trong\s+năm(?!\s+(?:19|20)\d\d)(?!\s+(?:học|qua|trước|tới))|năm\s+nay"),
    ("this_period", lambda p: r"trong\s+kỳ(?!\s+(?:trước|tới|sau))|kỳ\s+báo\s+cáo"),
    # năm 2022 ; Năm 2022 ; (năm 2023, ...)
    ("year", lambda p: rf"năm\s+(?P<{p}ay>{_Y})(?![\d/])"),
]

# Every alternative starts with one of these words (or a digit); checking them first with a lookahead
# makes the scan ~10x faster on long texts than trying each alternative at every position.
_FIRST_WORDS = (r"học|niên|từ|giai|tính|đầu|năm|quý|tháng|đến|tới|cuối|hiện|trong|kỳ|kết|thực|số|các|thời|một|hai|"
                r"ba|bốn|sáu|bảy|tám|chín|mười|\d")
_ALT = re.compile(
    rf"(?<![\w])(?=(?:{_FIRST_WORDS}))(?:"
    + "|".join(rf"(?P<k{i}>{fn(f'k{i}_')})" for i, (_, fn) in enumerate(_PATTERNS))  # type: ignore[operator]
    + ")",
    re.IGNORECASE,
)
_KINDS = [k for k, _ in _PATTERNS]

# Context that disqualifies a mention (looked at just before it).
_DATE_BEFORE = re.compile(r"(?:ngày|tháng)\s+\d{1,2}\s+(?:tháng\s+\d{1,2}\s+)?$", re.IGNORECASE)
_BASELINE_BEFORE = re.compile(r"(?:so\s+với|cùng\s+kỳ|so\s+cùng\s+kỳ|bằng\s+cùng\s+kỳ)(?:\s+(?:các\s+)?kỳ\s+báo\s+cáo)?"
                              r"(?:\s+\S+){0,2}\s*$",
                              re.IGNORECASE)
_PROGRAMME_BEFORE = re.compile(
    r"(?:Kế\s+hoạch|Chương\s+trình|Đề\s+án|Dự\s+án|Chiến\s+lược|Quyết\s+định|Nghị\s+quyết|Nghị\s+định|"
    r"Thông\s+tư|Chỉ\s+thị|Công\s+văn|tiêu\s+chí|lộ\s+trình|Kiến\s+trúc|tầm\s+nhìn|định\s+hướng|"
    r"nhiệm\s+kỳ|khóa|chuẩn\s+nghèo)[^;:\n]*$", re.IGNORECASE)
# "có đến", "lên đến", "là đến": "đến" marks an amount reached, not a point in time
_AMOUNT_BEFORE = re.compile(r"(?:có|lên|là|tăng|giảm)\s*$", re.IGNORECASE)
_HORIZON_BEFORE = re.compile(r"(?:tầm\s+nhìn|định\s+hướng)\s*$", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Period:
    start: date
    end: date

    @property
    def value(self) -> str:
        """`2022` for a whole calendar year, else `YYYY-MM-DD..YYYY-MM-DD` (the contract's format)."""
        if self.start.year == self.end.year and (self.start.month, self.start.day) == (1, 1) \
                and (self.end.month, self.end.day) == (12, 31):
            return str(self.start.year)
        if self.start == self.end:
            return self.start.isoformat()  # a figure as of one day ("tính đến ngày 30/6/2023")
        return f"{self.start.isoformat()}..{self.end.isoformat()}"

    @property
    def year(self) -> int:
        return self.end.year

    @staticmethod
    def of_year(y: int) -> Period:
        return Period(date(y, 1, 1), date(y, 12, 31))


@dataclass(frozen=True, slots=True)
class DocPeriod:
    """What the document itself covers, for "đến nay", "trong năm", a missing year."""

    period: Period | None = None
    end: date | None = None  # the date "nay" stands for
    cumulative_start: date | None = None  # the title says "từ năm 2020 đến nay/đến <date>"
    report: bool = True  # an official report (not a news item): a cut-off inside its period is its year to date

    @property
    def year(self) -> int | None:
        if self.period is not None:
            return self.period.year
        return self.end.year if self.end else None


@dataclass(frozen=True, slots=True)
class PeriodMention:
    """One time expression; fields left None are filled from the scope by `resolve`."""

    char_start: int
    char_end: int
    kind: str
    text: str
    start: tuple[int | None, int, int] | None = None  # (year, month, day)
    end: tuple[int | None, int, int] | None = None
    end_is_now: bool = False
    month_end: bool = False  # end day is the last of its month
    programme: bool = False  # a programme's span, not a figure's period

    @property
    def explicit_year(self) -> int | None:
        for part in (self.end, self.start):
            if part and part[0]:
                return part[0]
        return None

    def resolve(self, year: int | None, doc: DocPeriod) -> Period | None:
        """The period this mention stands for, given the year in force and the document's period."""
        k = self.kind
        if k == "now":
            if doc.cumulative_start and doc.end:
                return Period(doc.cumulative_start, doc.end)
            if doc.period is not None:
                return doc.period
            return Period.of_year(doc.end.year) if doc.end else None
        if k == "this_year":
            y = year or doc.year
            return Period.of_year(y) if y else None
        if k == "this_period":
            return doc.period or (Period.of_year(year) if year else None)
        if k == "asof":
            d = _mkdate(self.end, year or doc.year)
            if d is None:
                return None
            if doc.cumulative_start and doc.cumulative_start <= d:
                return Period(doc.cumulative_start, d)
            if doc.report and doc.period is not None and doc.period.start <= d < doc.period.end:
                # a cut-off inside the report's own period ("Báo cáo năm 2020 ... đến ngày 30/11/2020"):
                # the figure is the report year's to date
                return Period.of_year(d.year)
            return Period(d, d)  # "tính đến ngày X": the one-day period X (FORMAT.md)
        s = _mkdate(self.start, year or doc.year) if self.start else None
        if self.end_is_now:
            e = doc.end
        else:
            ey = self.end[0] if self.end and self.end[0] else (s.year if s else (year or doc.year))
            e = _mkdate(self.end, ey, last_day=self.month_end) if self.end else None
        if s is None or e is None:
            return None
        if self.start and self.start[0] is None and e < s and self.end and self.end[0]:
            s = s.replace(year=e.year)  # "từ 01/01 đến 25/5/2023"
        if e < s:
            return None
        return Period(s, e)

    def with_year(self, year: int) -> PeriodMention:
        """A copy with the missing years set (for mentions such as "6 tháng đầu năm")."""
        def fill(p: tuple[int | None, int, int] | None) -> tuple[int | None, int, int] | None:
            return (p[0] or year, p[1], p[2]) if p else None
        return replace(self, start=fill(self.start), end=fill(self.end))


def _mkdate(p: tuple[int | None, int, int] | None, year: int | None, *, last_day: bool = False) -> date | None:
    if p is None:
        return None
    y = p[0] or year
    if not y:
        return None
    m, d = p[1], p[2]
    if not 1 <= m <= 12:
        return None
    if last_day or d == 0:
        d = calendar.monthrange(y, m)[1]
    try:
        return date(y, m, d)
    except ValueError:
        return None


def _int(v: str | None) -> int | None:
    return int(v) if v else None


def _date_parts(g: dict[str, str | None], p: str) -> tuple[int | None, int, int] | None:
    d = _int(g.get(f"{p}d"))
    if d is None:
        return None
    m = _int(g.get(f"{p}m") or g.get(f"{p}m2"))
    y = _int(g.get(f"{p}y") or g.get(f"{p}y2"))
    if m is None or not 1 <= d <= 31 or not 1 <= m <= 12:
        return None
    return (y, m, d)


def _month_parts(g: dict[str, str | None], p: str) -> tuple[int | None, int] | None:
    m = _int(g.get(f"{p}mm") or g.get(f"{p}mo"))
    if m is None or not 1 <= m <= 12:
        return None
    return (_int(g.get(f"{p}my")), m)


def find_periods(text: str, start: int = 0, end: int | None = None) -> list[PeriodMention]:
    """Every time expression in text[start:end], in order, offsets into `text`."""
    end = len(text) if end is None else end
    out: list[PeriodMention] = []
    for m in _ALT.finditer(text, start, end):
        idx = next(i for i in range(len(_KINDS)) if m.group(f"k{i}") is not None)
        k = _KINDS[idx]
        prefix = f"k{idx}_"
        g = {name[len(prefix):]: m.group(name) for name in _GROUPS[idx]}
        mention = _build(k, g, m.start(), m.end(), m.group(0))
        if mention is None:
            continue
        before = text[max(0, m.start() - 80):m.start()]
        if k in ("year", "month") and _DATE_BEFORE.search(before):
            continue  # "ngày 19 tháng 4 năm 2023" is a date
        if k == "asof" and _AMOUNT_BEFORE.search(before) and not mention.end[0]:
            continue  # "có đến 5/9 huyện" is a fraction counted up to, not a date
        if _BASELINE_BEFORE.search(before):
            continue  # "so với cùng kỳ năm 2021"
        # the span of a programme named before it in the clause ("Đề án ... giai đoạn 2021-2025",
        # "định hướng đến năm 2030"); a plain "năm 2024" after a plan's name is kept (it is the year)
        if k in ("year_range", "since_year", "year") and _PROGRAMME_BEFORE.search(_clause_before(text, m.start())) \
                and (k != "year" or _HORIZON_BEFORE.search(before) or re.match(r"đến|tới", m.group(0), re.I)):
            mention = replace(mention, programme=True)
        out.append(mention)
    return out


def _collect_groups() -> list[list[str]]:
    names = list(_ALT.groupindex)
    return [[n for n in names if n.startswith(f"k{i}_")] for i in range(len(_PATTERNS))]


def _clause_before(text: str, pos: int) -> str:
    lo = max(0, pos - 200)
    chunk = text[lo:pos]
    cut = max(chunk.rfind(c) for c in ";\n")
    return chunk[cut + 1:] if cut >= 0 else chunk


def _build(kind: str, g: dict[str, str | None], s: int, e: int, text: str) -> PeriodMention | None:
    def mk(**kw: object) -> PeriodMention:
        return PeriodMention(char_start=s, char_end=e, kind=kind, text=text, **kw)  # type: ignore[arg-type]

    if kind == "range":
        a, b = _date_parts(g, "a"), _date_parts(g, "b")
        if a is None or b is None:
            return None
        return mk(start=a, end=b)
    if kind == "since":
        a = _date_parts(g, "a")
        return mk(start=a, end_is_now=True) if a else None
    if kind == "since_month":
        a = _month_parts(g, "a")
        return mk(start=(a[0], a[1], 1), end_is_now=True) if a else None
    if kind in ("since_year", "since_year_start"):
        return mk(start=(_int(g.get("ay")), 1, 1), end_is_now=True)
    if kind == "year_to_date":
        b = _date_parts(g, "b")
        return mk(start=(_int(g.get("ay")), 1, 1), end=b) if b else None
    if kind == "month_range":
        b = _month_parts(g, "b")
        if b is None:
            return None
        a = _month_parts(g, "a")
        start = (a[0], a[1], 1) if a else (_int(g.get("ay")), 1, 1)
        return mk(start=start, end=(b[0], b[1], 0), month_end=True)
    if kind == "year_range":
        ay, by = _int(g.get("ay")), _int(g.get("by"))
        if not ay or not by or by < ay:
            return None
        return mk(start=(ay, 1, 1), end=(by, 12, 31))
    if kind in ("part", "part_bare"):
        n_raw = (g.get("n") or "").lower()
        n = int(n_raw) if n_raw.isdigit() else _COUNT_WORDS.get(n_raw)
        if not n or not 1 <= n <= 12:
            return None
        y = _int(g.get("ay"))
        if (g.get("side") or "đầu").lower() == "đầu":
            return mk(start=(y, 1, 1), end=(y, n, 0), month_end=True)
        return mk(start=(y, 13 - n, 1), end=(y, 12, 31))
    if kind == "quarter":
        q = _ROMAN_Q.get((g.get("q") or "").lower())
        if not q:
            return None
        y = _int(g.get("ay"))
        return mk(start=(y, 3 * q - 2, 1), end=(y, 3 * q, 0), month_end=True)
    if kind == "asof":
        b = _date_parts(g, "b")
        return mk(end=b) if b else None
    if kind == "school_year":
        ay, by = _int(g.get("ay")), _int(g.get("by"))
        if not ay or by != ay + 1:
            return None
        return mk(start=(ay, 9, 1), end=(by, 1, 31) if g.get("term") else (by, 8, 31))
    if kind == "year_edge":
        y = _int(g.get("ay"))
        day = (y, 1, 1) if (g.get("edge") or "").lower() == "đầu" else (y, 12, 31)
        return mk(start=day, end=day) if y else None
    if kind == "year":
        y = _int(g.get("ay"))
        return mk(start=(y, 1, 1), end=(y, 12, 31)) if y else None
    if kind == "month":
        a = _month_parts(g, "a")
        if a is None:
            return None
        return mk(start=(a[0], a[1], 1), end=(a[0], a[1], 0), month_end=True)
    if kind in ("now", "this_year", "this_period"):
        return mk()
    return None


def parse_period(phrase: str, *, year: int | None = None, doc: DocPeriod | None = None) -> str | None:
    """The contract value of the first period in a phrase ("quý IV/2024" -> "2024-10-01..2024-12-31")."""
    for m in find_periods(phrase):
        if m.programme:
            continue
        p = m.resolve(year, doc or DocPeriod())
        if p is not None:
            return p.value
    return None


def document_period(title: str | None, preamble: str = "", *, issued: date | None = None,
                    issued_text: str | None = None) -> DocPeriod:
    """The period a report covers, from its title (refined by "(số liệu tính từ ... đến ...)" in the
    preamble) and the date "nay" stands for (the title's end date, else the issue date)."""
    end = issued or _partial_end(issued_text)
    first: PeriodMention | None = None
    for source in (title or "", preamble):
        ms = [m for m in find_periods(source) if not m.programme and m.kind not in ("this_year", "this_period")]
        if not ms:
            continue
        if first is None:
            first = ms[0]
        # "6 tháng đầu năm 2022 (số liệu tính từ ngày 15/12/2021 đến ngày 14/6/2022)": the data window
        for a, b in itertools.pairwise(ms):
            if b.kind == "range" and source[a.char_end:b.char_start].strip(" (:,") in ("", "số liệu") \
                    and a.kind == first.kind and a.text.lower() == first.text.lower():
                first = b
                break
        if first.kind == "range":
            break
    if first is None:
        return DocPeriod(None, end, None)
    cumulative = None
    if first.kind in ("since", "since_month", "since_year", "since_year_start", "year_to_date"):
        s = _mkdate(first.start, end.year if end else None)
        cumulative = s
        if first.kind == "year_to_date":
            e = _mkdate(first.end, s.year if s else None)
            if e:
                end = e
    year = end.year if end else None
    period = first.resolve(first.explicit_year or year, DocPeriod(None, end, cumulative))
    if period is not None and first.kind == "year_to_date":
        end = period.end
    return DocPeriod(period, end, cumulative)


_PAGE_DATE = re.compile(r"(?<![\d/.])(\d{1,2})[/.\-](\d{1,2})[/.\-]((?:19|20)\d\d)(?![\d/])"
                        r"|(?<![\d\-])((?:19|20)\d\d)-(\d\d)(?:-(\d\d))?(?![\d\-])")


def page_date(text: str, *, lines: int = 6) -> date | None:
    """The date on a page's first lines ("06:03, 18/03/2020", "Ngày đăng: 18/03/2023", "date 2024-06"):
    a news item's publication date. Not a period of its figures (FORMAT.md), only the year in force
    when the page states none and the day "nay" stands for."""
    head = "\n".join(text.splitlines()[:lines])
    for m in _PAGE_DATE.finditer(head):
        try:
            if m.group(3):
                return date(int(m.group(3)), int(m.group(2)), int(m.group(1)))
            y, mo = int(m.group(4)), int(m.group(5))
            if m.group(6):
                return date(y, mo, int(m.group(6)))
            return date(y, mo, calendar.monthrange(y, mo)[1]) if 1 <= mo <= 12 else None
        except ValueError:
            continue
    return None


def _partial_end(text: str | None) -> date | None:
    """"2023-05" -> 2023-05-31; "2023" -> 2023-12-31: the latest day a partial issue date allows."""
    if not text:
        return None
    m = re.match(r"^((?:19|20)\d\d)(?:-(\d\d))?(?:-(\d\d))?$", text.strip())
    if not m:
        return None
    y = int(m.group(1))
    if m.group(3):
        try:
            return date(y, int(m.group(2)), int(m.group(3)))
        except ValueError:
            return None
    if m.group(2):
        mo = int(m.group(2))
        return date(y, mo, calendar.monthrange(y, mo)[1]) if 1 <= mo <= 12 else None
    return date(y, 12, 31)


_GROUPS = _collect_groups()
