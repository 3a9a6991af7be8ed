"""Fields of an official document's header, read from its rebuilt cells (layout.py).

Why cells and not lines: once the header is a list of cells, each field has one shape whatever the
layout: the issuer is the capital lines before the number, the number follows "Số:", the date line
is "<Place>, ngày … tháng … năm …" (possibly broken across the cell's lines), the kind is a line
equal to a kind name, or, when a damaged PDF lost that line, the kind code in the number ("/KH-").
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import regex

from extractors.gazetteer import tone_key
from extractors.header.agency import complete_unit, compose_issuer
from extractors.header.layout import HeaderCells, is_motto
from extractors.header.rules import HeaderRules

_NUMBER_RE = regex.compile(
    r"(?<![\p{L}\p{M}])Số(?:[ \t]+hiệu)?\s*[:.]?\s*(?P<num>\d{1,6}[a-z]?(?:\s*/\s*(?:19|20)\d{2})?"
    r"\s*/\s*(?P<code>\p{Lu}[\p{L}\p{M}&.]*(?:-[\p{L}\p{M}0-9&.]+)*))"
)
_BLANK_NUMBER_RE = regex.compile(
    r"(?<![\p{L}\p{M}])Số\s*[:.]?\s*/\s*(?P<code>\p{Lu}[\p{L}\p{M}&.]*(?:-[\p{L}\p{M}]+)*)")
_TITLE_WORD = r"\p{Lu}[\p{Ll}\p{M}]*"
# The date line is a cell of its own: "<Place>, ngày … tháng … năm …" from the cell's start to its end (a
# date inside a body sentence is not the issue date).
_PLACE = (rf"(?:(?:Thành phố|Thị xã|Thị trấn|TP\.|Tp\.)[ \t]*)?{_TITLE_WORD}"
          rf"(?:[ \t]+(?:[-–][ \t]+)?{_TITLE_WORD}){{0,4}}")
_DATE_RE = regex.compile(
    rf"(?m)^[ \t]*(?:(?P<place>{_PLACE})[ \t]*,[ \t]*)?(?<![\p{{L}}\p{{M}}])[Nn]gày\s*(?:(?P<d>\d{{1,2}})?"
    r"\s*tháng\s*(?P<m>\d{1,2})?\s*năm\s*(?P<y>(?:19|20)\d{2})"
    r"|(?P<d2>\d{1,2})\s*[/.-]\s*(?P<m2>\d{1,2})\s*[/.-]\s*(?P<y2>(?:19|20)\d{2}))[ \t.]*$"
)


@dataclass(frozen=True, slots=True)
class OfficialHeader:
    doc_number: str | None = None
    kind_code: str | None = None  # the number's code ("KH-UBND"), also from a blank number
    doc_type: str | None = None
    issuer: str | None = None
    issuer_level: str | None = None
    place: str | None = None
    issued_date: date | None = None
    issued_date_text: str | None = None
    layout: str = "lines"
    found: bool = False  # a motto, a number or a kind line was seen: this is an official header


def _is_capital_line(s: str) -> bool:
    letters = [c for c in s if c.isalpha()]
    return len(letters) >= 2 and sum(c.isupper() for c in letters) >= 0.8 * len(letters)


def repair_code(code: str, rules: HeaderRules) -> str:
    """A kind code that lost its hyphen in PDF text ("QĐUBND") gets it back ("QĐ-UBND")."""
    if "-" in code:
        return code
    for c, _kind in rules.kind_by_code:
        rest = code[len(c):]
        if code.startswith(c) and len(rest) >= 2 and rest.isupper():
            return f"{c}-{rest}"
    return code


def kind_of_code(code: str | None, rules: HeaderRules) -> str | None:
    """The kind a number's code names ("KH-UBND" → KẾ HOẠCH); a code with no kind ("UBND-VP", "CV")
    is a công văn."""
    if not code:
        return None
    first = code.split("-")[0]
    for c, kind in rules.kind_by_code:
        if first == c:
            return kind
    if "-" in code or first.upper() == "CV":
        return rules.untyped_kind
    return None


def _kind_of_line(s: str, rules: HeaderRules) -> str | None:
    key = tone_key(" ".join(s.replace("\u00a0", " ").split()))
    for k in rules.kinds:
        if key == tone_key(k):
            return k
    return None


def _date(d: str | None, m: str | None, y: str) -> tuple[date | None, str]:
    if d and m:
        try:
            return date(int(y), int(m), int(d)), f"{int(y):04d}-{int(m):02d}-{int(d):02d}"
        except ValueError:
            pass
    if m and 1 <= int(m) <= 12:
        return None, f"{int(y):04d}-{int(m):02d}"
    return None, y


def read_official(hc: HeaderCells, text: str, rules: HeaderRules) -> OfficialHeader:
    """The header's fields; a field the cells do not show is None."""
    lines = [ln for c in hc.cells for ln in c.lines]
    joined = "\n".join(c.text for c in hc.cells if not is_motto(c.text, rules) or hc.layout == "lines")
    found = any(is_motto(ln, rules) for ln in lines)
    number = code = None
    m = _NUMBER_RE.search(joined)
    if m:
        code = repair_code(m.group("code"), rules)
        number = regex.sub(r"\s+", "", m.group("num"))
        number = number[: len(number) - len(m.group("code"))] + code if number.endswith(m.group("code")) else number
    else:
        b = _BLANK_NUMBER_RE.search(joined)
        code = repair_code(b.group("code"), rules) if b else None
    doc_type = None
    issuer_lines: list[str] = []
    stop = False
    for ln in lines:
        if tone_key(ln) in rules.stamp_markers:
            issuer_lines.clear()  # an incoming-document stamp: the lines above it name the receiver
            continue
        kind = _kind_of_line(ln, rules) if _is_capital_line(ln) else None  # a menu's "Thông báo" is no kind line
        if kind:
            doc_type = kind
            break
        if is_motto(ln, rules):
            stop = stop or bool(issuer_lines)
            continue
        if _NUMBER_RE.search(ln) or _BLANK_NUMBER_RE.search(ln) or ln.startswith("Số"):
            stop = True
            continue
        if not stop and _is_capital_line(ln) and not _DATE_RE.search(ln):
            issuer_lines.append(ln)
    found = found or number is not None or doc_type is not None
    dm = _DATE_RE.search(joined)
    place = value = iso = None
    if dm:
        place = dm.group("place")
        value, iso = (_date(dm.group("d"), dm.group("m"), dm.group("y")) if dm.group("y")
                      else _date(dm.group("d2"), dm.group("m2"), dm.group("y2")))
    issuer = level = None
    comp = compose_issuer(issuer_lines, text, rules) if issuer_lines else None
    if comp is not None:
        issuer, level, _name = comp
        if level is None and issuer in {h[1] for h in rules.heads if h[2]}:
            issuer = complete_unit(issuer, place, text)
            level = issuer.split()[1] if issuer else None
    return OfficialHeader(
        doc_number=number, kind_code=code, doc_type=doc_type or kind_of_code(code, rules), issuer=issuer,
        issuer_level=level, place=place, issued_date=value, issued_date_text=iso, layout=hc.layout, found=found,
    )
