"""News and portal pages: the publication date line, the headline and the named source.

Why: a page copied from a news site or a provincial portal has no official header. Its date is a line
of furniture near the headline ("Ngày đăng: 18/03/2023 22:32", "Thứ Tư, 26/01/2022", "06:03,
18/03/2020", "Cập nhật: …"), often beside a site banner that shows today's date; its title is the
headline line, without the date and time furniture that follows it; its issuer is the body the text
makes the source of its figures ("Theo báo cáo của Sở …", "UBND tỉnh cho biết").
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import date

import regex

from extractors.header.agency import attributed_source
from extractors.header.rules import HeaderRules

_DMY_RE = regex.compile(r"(?<![\d/.-])(?P<d>\d{1,2})[/.-](?P<m>\d{1,2})[/.-](?P<y>(?:19|20)\d{2})(?![\d/.-])")
_ISO_RE = regex.compile(r"(?<![\d/.-])(?P<y>(?:19|20)\d{2})-(?P<m>\d{2})(?:-(?P<d>\d{2}))?(?![\d/.-])")
_TIME_RE = regex.compile(r"(?<!\d)\d{1,2}(?::|h)\d{2}(?::\d{2})?(?!\d)")
_FURNITURE_WORDS_RE = regex.compile(
    r"\(?GMT[ \t]*[+-][ \t]*\d{1,2}\)?|(?<![\p{L}\p{M}])(?:Thứ[ \t]+(?:[2-7]|[Hh]ai|[Bb]a|[Tt]ư|[Nn]ăm|[Ss]áu|[Bb]ảy)"
    r"|Chủ[ \t]+[Nn]hật|CN|[Nn]gày|SA|CH|AM|PM|lúc)(?![\p{L}\p{M}])"
)
_WORD_RE = regex.compile(r"[\p{L}\p{M}]{2,}")


@dataclass(frozen=True, slots=True)
class DateLine:
    line: int  # index among the scanned lines
    value: date | None
    iso: str
    labelled: bool
    timed: bool


@dataclass(frozen=True, slots=True)
class PageFields:
    title: str | None = None
    issued_date: date | None = None
    issued_date_text: str | None = None
    issuer: str | None = None


@functools.lru_cache(maxsize=8)
def _label_patterns(labels: tuple[str, ...]) -> tuple[regex.Pattern, ...]:
    return tuple(regex.compile(rf"(?<![\p{{L}}\p{{M}}]){regex.escape(lab)}(?![\p{{L}}\p{{M}}])[ \t]*[:.,]?")
                 for lab in labels)


def _label_at(s: str, rules: HeaderRules) -> tuple[int, int] | None:
    for pat in _label_patterns(tuple(rules.sec.publication_labels)):
        m = pat.search(s)
        if m:
            return m.start(), m.end()
    return None


def date_line(s: str, i: int, rules: HeaderRules) -> DateLine | None:
    """A line that is a publication date: one date, perhaps a weekday, a time, a label and a few words
    of furniture; or a labelled date at the very start of a line whatever follows it."""
    s = s.strip()
    lab = _label_at(s, rules)
    if lab and lab[0] == 0:
        rest = s[lab[1]:].lstrip()
        m = _ISO_RE.match(rest) or _DMY_RE.match(rest)
        t = _TIME_RE.match(rest)
        if t and not m:
            m = _DMY_RE.match(rest[t.end():].lstrip(" \t|,-"))
        if m:
            return _make(m, i, True, bool(_TIME_RE.search(s)))
    dates = list(_DMY_RE.finditer(s))
    if len(dates) != 1 or len(s) > 90:
        return None
    residue = _TIME_RE.sub(" ", _DMY_RE.sub(" ", s))
    if lab:
        residue = residue.replace(s[lab[0]:lab[1]], " ")
    residue = _FURNITURE_WORDS_RE.sub(" ", residue)
    if len(_WORD_RE.findall(residue)) > rules.sec.date_line_max_words:
        return None
    return _make(dates[0], i, lab is not None, bool(_TIME_RE.search(s)))


def _make(m: regex.Match[str], i: int, labelled: bool, timed: bool) -> DateLine | None:
    y, mo, d = int(m.group("y")), int(m.group("m")), m.group("d")
    if not 1 <= mo <= 12:
        return None
    if d is None:
        return DateLine(i, None, f"{y:04d}-{mo:02d}", labelled, timed)
    try:
        return DateLine(i, date(y, mo, int(d)), f"{y:04d}-{mo:02d}-{int(d):02d}", labelled, timed)
    except ValueError:
        return None


def _headline(lines: list[str], dates: dict[int, DateLine], rules: HeaderRules) -> tuple[int, str] | None:
    """The first line that reads as a headline; None once the lead paragraph or prose has begun."""
    sec = rules.sec
    for i, raw in enumerate(lines):
        s = " ".join(raw.split())
        bare = s.lstrip("•·-–+* ")  # a widget's bulleted line ("• Hôm nay: 1206")
        if i in dates and len(_WORD_RE.findall(s)) > 2 * sec.date_line_max_words + 2:
            return None  # a date label opening the text itself ("date 2023-05 Theo đó, …"): no headline
        if not s or i in dates or any(p.search(bare) for p in rules.furniture):
            continue
        if rules.lead.match(s):
            return None
        words = [w for w in s.split() if _WORD_RE.search(w)]
        if len(words) < sec.headline_min_words:
            continue
        if s.endswith("."):
            if len(words) > sec.headline_period_max_words or regex.search(r"[.;!?]\s+\p{Lu}", s[:-1]):
                return None
            return i, s.rstrip(". ")
        if len(words) > sec.headline_max_words:
            return None
        return i, s
    return None


def read_page(text: str, rules: HeaderRules) -> PageFields:
    """A page's title, publication date and source body; each None when the page does not show it."""
    lines = text.splitlines()[: rules.sec.page_scan_lines]
    dates = {i: dl for i, s in enumerate(lines) if (dl := date_line(s, i, rules)) is not None}
    head = _headline(lines, dates, rules)
    best: DateLine | None = None
    best_score = -1
    for dl in dates.values():
        score = 3 * dl.labelled + 2 * dl.timed + 2 * (head is not None and dl.line > head[0])
        # A date line above the headline with neither label nor time is the site's banner (today's date).
        if score > best_score and score > 0:
            best, best_score = dl, score
    start = sum(len(s) + 1 for s in lines[: head[0] + 1]) if head else 0
    source = attributed_source(text[start : start + 2500], rules, text[start : start + rules.sec.lead_chars])
    return PageFields(
        title=head[1] if head else None,
        issued_date=best.value if best else None,
        issued_date_text=best.iso if best else None,
        issuer=source,
    )
