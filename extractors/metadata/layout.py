"""Where each header field may stand: the lines of the front matter (up to the first section), the
kind line, the closing region and the incoming-document stamps pasted into the header.

Why apart: text extraction scrambles the two-column header, so every field reader first needs the
same map of which lines belong to the header, the closing and the signature.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import regex

from extractors.metadata.rules import MetaRules
from pipeline.model import Section
from pipeline.vietnamese import tone_key

_CAP = r"\p{Lu}[\p{L}\p{M}]*"  # a capitalised or all-caps word
_TITLE = r"\p{Lu}[\p{Ll}\p{M}]*"  # a capitalised word, rest lowercase
# "957/BC-UBND", "12/2023/QĐ-UBND", "15/TTr-UBND", "123/UBND-VP": digits, optional year, then codes.
# A blank number ("Số: /BC-UBND") and a stamp's "Số: 04/11/19" do not match.
_NUMBER_RE = regex.compile(
    r"(?<![\p{L}\p{M}])Số(?:\s+hiệu)?[ \t]*[:.]?[ \t]*(?P<num>\d{1,6}[a-z]?"
    r"(?:[ \t]*/[ \t]*(?:19|20)\d{2})?[ \t]*/[ \t]*\p{Lu}[\p{L}\p{M}&.]*(?:-[\p{L}\p{M}0-9&.]+)*)"
)
_PLACE = (
    rf"(?:(?:Quận|Phường)[ \t]+\d{{1,2}}|(?:(?:Thành phố|Thị xã|Thị trấn|TP\.|Tp\.)[ \t]*)?"
    rf"{_TITLE}(?:[ \t]+{_TITLE}){{0,4}})"
)
_DATE_RE = regex.compile(
    rf"(?:(?<![\p{{L}}\p{{M}}\d/-])(?P<place>{_PLACE})[ \t]*,[ \t]*)?(?<![\p{{L}}\p{{M}}])[Nn]gày"
    r"(?:[ \t]*(?P<d1>\d{1,2})[ \t]*[/.-][ \t]*(?P<m1>\d{1,2})[ \t]*[/.-][ \t]*(?P<y1>\d{4})"
    r"|[ \t]*(?P<d>\d{1,2})?[ \t]*tháng[ \t]*(?P<m>\d{1,2})?[ \t]*năm(?:[ \t]*(?P<y>(?:19|20)\d{2}))?)"
    r"(?=[ \t.]*$)"
)
_YEAR_LINE_RE = regex.compile(r"^(?:19|20)\d{2}$")
_YEAR_TAIL_RE = regex.compile(r"(?<![\d/.,-])((?:19|20)\d{2})$")
_HEADING_RE = regex.compile(r"^(?:[IVXLC]+|\d{1,2})[.)][ \t]+\p{Lu}|^PHẦN[ \t]")
_MD_RE = regex.compile(r"\*\*|__|(?<![\p{L}\d])\*(?=\S)|(?<=\S)\*(?![\p{L}\d])|^#+[ \t]+")
_PAREN_RE = regex.compile(r"[ \t]*\([^()\n]{0,40}\)")
_SEPARATOR_RE = regex.compile(r"^[-_=*.\s]{3,}$")
_TOKEN_RE = regex.compile(r"[\p{L}\p{M}]+(?:'[\p{L}\p{M}]+)?(?:\.(?=\s|$))?|[,&\-–]|\S")
_VV_RE = regex.compile(r"^(?:V/v|Về việc)(?![\p{L}\p{M}])")
_LABEL_RE = regex.compile(r"^[\p{L}\p{M} ]{1,20}:")  # "Ngày: ...", "Kính gửi: ...", "Chuyển: ..."
_WARD_LEVELS = ("xã", "phường", "thị trấn")
_CITY_PROVINCES = frozenset({"Hà Nội", "Hồ Chí Minh", "Hải Phòng", "Đà Nẵng", "Cần Thơ"})

# ----------------------------------------------------------------------------------------------- layout


@dataclass(frozen=True, slots=True)
class _Line:
    start: int
    end: int
    text: str  # emphasis markup removed, whitespace collapsed


def _lines(text: str) -> list[_Line]:
    out: list[_Line] = []
    pos = 0
    for raw in text.split("\n"):
        out.append(_Line(pos, pos + len(raw), " ".join(_MD_RE.sub("", raw).split())))
        pos += len(raw) + 1
    return out


def _is_upper_line(s: str) -> bool:
    letters = [c for c in s if c.isalpha()]
    return len(letters) >= 2 and all(c.isupper() for c in letters)


def _doc_type_of(s: str, rules: MetaRules) -> str | None:
    """The kind a capitals line announces ("BÁO CÁO", "BÁO CÁO TÓM TẮT" → "BÁO CÁO")."""
    if not _is_upper_line(s):
        return None
    key = tone_key(s.rstrip(":. "))
    for k in rules.doc_types:
        kk = tone_key(k)
        if key == kk or key.startswith(kk + " "):
            return k
    return None


@dataclass(frozen=True, slots=True)
class _Layout:
    """Where the parts of the document are: header and preamble, stamp, kind line, closing."""

    lines: list[_Line]
    front: int  # lines[:front] are header and preamble (up to the first body heading)
    stamp: frozenset[int]  # line indexes of an incoming-document stamp
    type_idx: int | None
    doc_type: str | None
    close_start: int  # lines[close_start:close_end] hold the closing sentence and signature block
    close_end: int

    def front_lines(self) -> list[int]:
        return [i for i in range(self.front) if i not in self.stamp]

    def span_text(self, text: str, a: int, b: int) -> str:
        return text[self.lines[a].start : self.lines[b - 1].end] if b > a else ""


def _layout(text: str, sections: Sequence[Section], rules: MetaRules) -> _Layout:
    lines = _lines(text)
    limit = min(len(lines), rules.header_max_lines)
    while limit > 1 and lines[limit - 1].start - lines[0].start > rules.header_max_chars:
        limit -= 1
    stamp = _stamp_lines(lines, limit, rules)
    type_idx = _find_type_line(lines, limit, stamp, rules)
    # The body begins at the first heading after the kind line (or the first section the segmenter
    # found there); a heading-looking line above the kind line belongs to the header.
    after = type_idx + 1 if type_idx is not None else 0
    first_section = next((s.char_start for s in sections if s.char_start >= lines[after].start), None) \
        if sections and after < len(lines) else None
    front = limit
    for i in range(after, limit):
        ln = lines[i]
        if (first_section is not None and ln.start >= first_section) or (
            first_section is None and _HEADING_RE.match(ln.text)
        ):
            front = i
            break
    close_start, close_end = _closing_region(lines, after, rules)
    return _Layout(lines, front, frozenset(stamp), type_idx,
                   _doc_type_of(lines[type_idx].text, rules) if type_idx is not None else None,
                   close_start, close_end)


def _find_type_line(lines: list[_Line], limit: int, stamp: set[int], rules: MetaRules) -> int | None:
    """The kind line: among the first non-empty lines of the header, above any body heading (a body
    heading in capitals such as "KẾ HOẠCH TRIỂN KHAI" of a công văn is not a kind line)."""
    seen = 0
    for i in range(limit):
        s = lines[i].text
        if not s or i in stamp:
            continue
        seen += 1
        if seen > rules.type_line_within or _HEADING_RE.match(s):
            return None
        if _doc_type_of(s, rules):
            return i
    return None


def _closing_region(lines: list[_Line], front: int, rules: MetaRules) -> tuple[int, int]:
    """The closing sentence, recipients and signature: around the last "Nơi nhận" line, else the last
    "Trên đây" sentence, else the end of the document. Appendices after the signature are left out.
    `front` is the first line after the header (a short document's body may be all preamble)."""
    anchor = None
    for i in range(len(lines) - 1, front - 1, -1):
        if regex.match(r"(?i:nơi\s+nhận)", lines[i].text):
            anchor = i
            break
    if anchor is None:
        for i in range(len(lines) - 1, front - 1, -1):
            if lines[i].text.startswith(rules.closing_markers):
                anchor = i
                break
    if anchor is None:
        return max(front, len(lines) - rules.tail_max_lines), len(lines)
    return max(front, anchor - rules.tail_max_lines // 3), min(len(lines), anchor + rules.tail_max_lines)


def _stamp_lines(lines: list[_Line], end: int, rules: MetaRules) -> set[int]:
    """Lines of an incoming-document stamp: the marker line ("ĐẾN"), the receiver's name in capitals
    just above it and the "Số:/Ngày:/Chuyển:" lines under it."""
    out: set[int] = set()
    for i in range(end):
        key = tone_key(lines[i].text)
        words = f" {key} "
        if key not in rules.stamp_markers and not (
            _is_upper_line(lines[i].text) and any(f" {m} " in words for m in rules.stamp_markers)
        ):
            continue
        out.add(i)
        for j in range(max(0, i - rules.stamp_window), i):
            if _is_upper_line(lines[j].text) and _doc_type_of(lines[j].text, rules) is None:
                out.add(j)
        for j in range(i + 1, min(end, i + 4 * rules.stamp_window)):
            if lines[j].text.casefold().startswith(rules.stamp_prefixes):
                out.add(j)
    return out
