"""Issuing bodies: composed from a header's capital lines, or found as the named source in running text.

Why its own module: the header prints the issuer over two or three lines in capitals ("ỦY BAN NHÂN
DÂN" / "TỈNH AN GIANG", or a parent body above the issuer), and a news page names its source in a
phrase ("Theo báo cáo của Sở …", "UBND tỉnh cho biết"). Both end in the same short form
(FORMAT.md: "UBND tỉnh An Giang", "Sở Thông tin và Truyền thông"), and both need the same notion of
where an agency's name starts (a head from schemas/metadata.yaml) and where it stops.
"""

from __future__ import annotations

import regex

from extractors import gazetteer as gz
from extractors.gazetteer import tone_key
from extractors.header.rules import HeaderRules

_LEVELS = tuple(sorted(gz.LEVEL_WORDS, key=len, reverse=True))
_BODY_UNIT_RE = regex.compile(
    r"(?<![\p{L}\p{M}])(?P<head>Ủy ban nhân dân|Uỷ ban nhân dân|UBND|Hội đồng nhân dân|HĐND)[ \t]+"
    r"(?P<level>tỉnh|thành phố|huyện|quận|thị xã|xã|phường|thị trấn)[ \t]+"
    r"(?P<name>\p{Lu}[\p{L}\p{M}]*(?:[ \t]+\p{Lu}[\p{L}\p{M}]*){0,3})"
)


def _title_case(words: list[str]) -> str:
    return " ".join(w[:1].upper() + w[1:].lower() for w in words)


def _head_of(words: list[str], rules: HeaderRules) -> tuple[str, bool, int] | None:
    """The agency head the words begin with: (short form, unit required, words used)."""
    for long, short, unit in rules.heads:
        n = len(long.split())
        if len(words) >= n and tone_key(" ".join(words[:n])) == tone_key(long):
            return short, unit, n
    return None


def _level_at(words: list[str]) -> tuple[str, int] | None:
    for lv in _LEVELS:
        n = len(lv.split())
        if len(words) > n and tone_key(" ".join(words[:n])) == tone_key(lv):
            return lv, n
    return None


def _recase_field(field: list[str], body: str) -> str:
    """A field name printed in capitals, in the casing the body uses for it ("THÔNG TIN VÀ TRUYỀN
    THÔNG" → "Thông tin và Truyền thông"); without a body occurrence, only its first word capitalised."""
    if not field:
        return ""
    pat = regex.compile(r"(?<![\p{L}\p{M}])" + r"[ \t]+".join(regex.escape(w) for w in field) + r"(?![\p{L}\p{M}])",
                        regex.IGNORECASE)
    for m in pat.finditer(body):
        s = m.group(0)
        if not s.isupper():
            return " ".join(s.split())
    lv = next((i for i in range(1, len(field)) if _level_at(field[i:])), None)
    head = field if lv is None else field[:lv]
    out = head[0][:1].upper() + head[0][1:].lower() + "".join(" " + w.lower() for w in head[1:])
    if lv is not None:
        level, n = _level_at(field[lv:]) or ("", 0)
        out += f" {level} {_title_case(field[lv + n:])}"
    return out


def compose_issuer(lines: list[str], body: str, rules: HeaderRules) -> tuple[str, str | None, str | None] | None:
    """The issuer from the header's capital lines, as (short form, level, unit name).

    The lowest body printed is the issuer ("UBND TỈNH NGHỆ AN" / "SỞ THÔNG TIN VÀ TRUYỀN THÔNG" → the
    Sở); its name may continue on the next line ("ỦY BAN NHÂN DÂN" / "TỈNH AN GIANG"). A head that
    needs a unit but has none returns level None, for the caller to complete."""
    start = None
    for i, ln in enumerate(lines):
        if _head_of(ln.split(), rules):
            start = i
    if start is None:
        return None
    words = " ".join(lines[start:]).split()
    head = _head_of(words, rules)
    if head is None:
        return None
    short, unit, n = head
    rest = words[n:]
    lv = _level_at(rest)
    if unit:
        if lv is None:
            return short, None, None
        level, k = lv
        name = _title_case(rest[k:])
        return f"{short} {level} {name}", level, name
    if not rest and start > 0:
        # A bare head under its parent ("UBND TỈNH THÁI BÌNH" / "VĂN PHÒNG") is the parent's office.
        parent = compose_issuer(lines[:start], body, rules)
        if parent is not None:
            return f"{short} {parent[0]}", parent[1], parent[2]
    field = _recase_field(rest, body)
    if lv is not None:
        level, k = lv
        return f"{short} {level} {_title_case(rest[k:])}".strip(), level, _title_case(rest[k:])
    return (f"{short} {field}".strip(), None, None)


def complete_unit(short: str, place: str | None, body: str) -> str | None:
    """An issuer head whose unit line was dropped ("ỦY BAN NHÂN DÂN" alone): the unit the body names
    with that head (the place line's unit first), else the province the place line names."""
    found = [(m.group("level"), m.group("name")) for m in _BODY_UNIT_RE.finditer(body[:6000])]
    if place:
        for level, name in found:
            if tone_key(name).startswith(tone_key(place)):
                return f"{short} {level} {place}"
    if found:
        level, name = found[0]
        return f"{short} {level} {name}"
    if place and gz.province_named(place):
        return f"{short} tỉnh {place}"
    return None


def trim_agency(s: str, rules: HeaderRules) -> str:
    """An agency's name out of the words that follow it in a sentence: cut at the first stop phrase,
    and at a comma unless a capitalised word continues the name."""
    cut = len(s)
    for stop in rules.sec.agency_stops:
        if stop == ",":
            for m in regex.finditer(r",(?![ \t]*\p{Lu})", s):
                cut = min(cut, m.start())
                break
            continue
        m = regex.search(regex.escape(stop.strip()).join((r"(?:^|\s)" if stop[0] == " " else "",
                                                          r"(?=\s|$)" if stop[-1] == " " else "")), s)
        if m and m.start() > 0:
            cut = min(cut, m.start())
    return s[:cut].strip(" \t,.-–")


def _drop_person(name: str, rules: HeaderRules) -> str:
    """A person's name after the body's ("Tổng Kiểm toán Nhà nước Nguyễn Văn A cho biết") is not part
    of it: three or four capitalised words opened by a family name, that are not a place."""
    words = name.split()
    for n in (4, 3):
        tail = words[-n:]
        if len(words) > n + 1 and tail[0] in rules.surnames and all(w[:1].isupper() for w in tail) \
                and gz.province_named(" ".join(tail)) is None and not gz.districts_named(" ".join(tail)):
            return " ".join(words[:-n])
    return name


def _named_body(words: list[str], rules: HeaderRules) -> bool:
    """A named body, not a common noun ("Bộ phận một cửa") or a generic level ("UBND cấp huyện"): after
    its head comes a capitalised word, or a level word for a head that needs a unit."""
    head = _head_of(words, rules)
    if head is None or len(words) <= head[2]:
        return head is not None
    nxt = words[head[2]]
    if nxt.casefold() in rules.sec.generic_after_head:
        return False
    rest = " ".join(words[head[2]:])
    return nxt[:1].isupper() or any(f"{tone_key(rest)} ".startswith(f"{tone_key(lv)} ") for lv in _LEVELS)


def attributed_source(text: str, rules: HeaderRules, lead: str = "") -> str | None:
    """The body a page names as the source of its figures ("Theo báo cáo số … của X", "Thống kê của X
    cho biết", "X cho biết"), the earliest in the text; else the subject of the lead's reporting verb
    (in `lead`); as written."""
    return _first_source(text, rules.attributions, rules) or _first_source(lead, rules.lead_subjects, rules)


def _first_source(text: str, patterns: tuple[regex.Pattern[str], ...], rules: HeaderRules) -> str | None:
    best: tuple[int, str] | None = None
    for pat in patterns:
        m = pat.search(text)
        if m is None:
            continue
        name = _drop_person(trim_agency(m.group("agency"), rules), rules)
        words = name.split()
        if len(words) < 2 and not name.isupper():
            continue
        if not _named_body(words, rules):
            continue
        if best is None or m.start("agency") < best[0]:
            best = (m.start("agency"), name)
    return best[1] if best else None


def is_central(issuer: str, rules: HeaderRules) -> bool:
    """A central body (Chính phủ, a Bộ, Kiểm toán Nhà nước …) with no unit of a province in its name."""
    key = tone_key(issuer)
    if not any(key == tone_key(h) or key.startswith(tone_key(h) + " ") for h in rules.sec.central_heads):
        return False
    return not any(f" {tone_key(lv)} " in f" {key} " for lv in gz.LEVEL_WORDS)
