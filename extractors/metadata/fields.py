"""The other header fields: số hiệu, trích yếu (title), the date line (place and date), the signer,
and the province decided from agency, place and the gazetteer.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date

import regex

from extractors import gazetteer as gz
from extractors.metadata.agency import Agency, _place_unit
from extractors.metadata.layout import (
    _DATE_RE,
    _HEADING_RE,
    _LABEL_RE,
    _NUMBER_RE,
    _SEPARATOR_RE,
    _VV_RE,
    _YEAR_LINE_RE,
    _YEAR_TAIL_RE,
    _doc_type_of,
    _is_upper_line,
    _Layout,
    _Line,
)
from extractors.metadata.rules import MetaRules
from pipeline.vietnamese import tone_key

# ----------------------------------------------------------------------------------------------- fields


def find_doc_number(lay: _Layout) -> str | None:
    """The số hiệu in the header ("957/BC-UBND"); None when blank ("Số: /BC-UBND") or absent.
    Lines above the kind line are read first: that is where the layout puts it."""
    order = lay.front_lines()
    if lay.type_idx is not None:
        order = [i for i in order if i < lay.type_idx] + [i for i in order if i > lay.type_idx]
    for i in order:
        m = _NUMBER_RE.search(lay.lines[i].text)
        if m:
            return regex.sub(r"\s+", "", m.group("num")).rstrip(".")
    return None


def _kind_from_number(number: str | None, rules: MetaRules) -> str | None:
    """"45/UBND-VP" (no kind code) is a công văn; "12/KH-UBND" a kế hoạch."""
    if not number:
        return None
    code = number.split("/")[-1].split("-")[0].casefold()
    return rules.kind_by_code.get(code, rules.untyped_number_kind)


def _title_like(s: str, rules: MetaRules, *, upper_ok: bool = False) -> bool:
    return (
        bool(s)
        and s[:1].isupper()
        and not s.startswith(rules.title_stops)
        and not _HEADING_RE.match(s)
        and (upper_ok or not _is_upper_line(s))
        and _doc_type_of(s, rules) is None
        and len(s) <= rules.title_max_chars
        and not _DATE_RE.match(s)
        and not _NUMBER_RE.search(s)
        and not _LABEL_RE.match(s)
    )


def _collect_title(
    lines: list[_Line], i: int, end: int, skip: frozenset[int], rules: MetaRules, *, upper_ok: bool = False
) -> str | None:
    """The title starting at line i (blank lines skipped), with the lines it wraps onto.

    A wrapped line continues the title when it starts in lowercase or with a digit, or when the
    title so far ends in a lowercase word and the line is short and is not a sentence of its own
    ("... tỉnh" + "An Giang năm 2023"). Normalized text usually has the wrap joined already.
    """
    while i < end and not lines[i].text:
        i += 1
    if i >= end or i in skip or not _title_like(lines[i].text, rules, upper_ok=upper_ok):
        return None
    parts = [lines[i].text]
    j = i + 1
    while j < end and len(parts) < rules.title_max_lines:
        nxt = lines[j].text
        if not nxt:
            k = j
            while k < end and not lines[k].text:
                k += 1
            if k < end and lines[k].text[:1].islower() and len(lines[k].text) < 120:
                j = k
                continue
            break
        if j in skip or _SEPARATOR_RE.match(nxt) or nxt.startswith(rules.title_stops) or _LABEL_RE.match(nxt):
            break
        last = parts[-1].split()[-1]
        continues = nxt[:1].islower() or nxt[:1].isdigit() or (
            last.isalpha() and last.islower() and len(nxt) <= 100 and nxt[-1:] not in ":.;"
            and _title_like(nxt, rules, upper_ok=_is_upper_line(parts[0]))
        )
        if not continues:
            break
        parts.append(nxt)
        j += 1
    title = " ".join(parts)
    return title if len(title) <= rules.title_max_chars else None


def find_title(lay: _Layout, text: str, rules: MetaRules) -> str | None:
    """The trích yếu: under the kind line; else a "V/v ..." line; else a sentence-case block in the
    header (layouts that put it above the kind line); else the subject of the closing sentence."""
    lines = lay.lines
    if lay.type_idx is not None:
        line = lines[lay.type_idx].text.rstrip(":. ")
        under = _collect_title(lines, lay.type_idx + 1, lay.front, lay.stamp, rules, upper_ok=True)
        if under:
            return under
        kind = lay.doc_type or ""
        if tone_key(line) != tone_key(kind):  # "BÁO CÁO KẾT QUẢ ..." on one line
            return line[len(kind) :].strip()
    stop = lay.type_idx if lay.type_idx is not None else lay.front
    for i in lay.front_lines():
        if i < stop and _VV_RE.match(lines[i].text):
            return _collect_title(lines, i, lay.front, lay.stamp, rules)
    for i in lay.front_lines():
        s = lines[i].text
        if i >= stop or len(s) < 20 or ":" in s[:25] or not s[1:2].islower():
            continue
        t = _collect_title(lines, i, stop, lay.stamp, rules)
        if t:
            return t
    return _closing_subject(lay.span_text(text, lay.close_start, lay.close_end), rules)


def _closing_subject(text: str, rules: MetaRules) -> str | None:
    """"Trên đây là báo cáo <subject> của UBND ..." → "<Subject>", the last resort for the title."""
    pat = "|".join(regex.escape(m) for m in rules.closing_markers)
    m = regex.search(rf"(?:{pat})\s+(?i:báo\s+cáo)\s+(.+?)(?:\s+của\s+|,|\./\.|\n|$)", text)
    if not m or len(m.group(1)) < 10:
        return None
    s = m.group(1).strip(" .")
    return s[:1].upper() + s[1:]


@dataclass(frozen=True, slots=True)
class _DateLine:
    place: str | None
    text: str | None  # "2023-04-19" | "2023-05" | "2023"
    value: date | None


def find_date_line(lay: _Layout) -> _DateLine:
    """The "<Place>, ngày .. tháng .. năm ...." line: in the header, else near the signature. A year
    that layout moved off the line is looked for on the neighbouring lines."""
    lines = lay.lines
    for i in [*lay.front_lines(), *range(max(lay.front, lay.close_start), lay.close_end)]:
        ln = lines[i]
        m = _DATE_RE.search(ln.text)
        if not m:
            continue
        # A whole line (or its tail after the number or the header capitals) is a date line; the end
        # of a body sentence is not.
        before = ln.text[: m.start()].strip()
        if before and not (_NUMBER_RE.search(before) or _is_upper_line(before)):
            continue
        if m.group("d1"):
            d, mo, y = int(m.group("d1")), int(m.group("m1")), int(m.group("y1"))
        else:
            d = int(m.group("d")) if m.group("d") else None
            mo = int(m.group("m")) if m.group("m") else None
            y = int(m.group("y")) if m.group("y") else _displaced_year(lines, i)
        return _DateLine(m.group("place"), *_date_parts(y, mo, d))
    return _DateLine(None, None, None)


def _displaced_year(lines: list[_Line], i: int) -> int | None:
    """A year pushed off the date line: a line of its own (else a short line's last word) within
    three lines, nearest first, below before above."""
    near = [j for k in range(1, 4) for j in (i + k, i - k) if 0 <= j < len(lines)]
    for j in near:
        if _YEAR_LINE_RE.match(lines[j].text):
            return int(lines[j].text)
    for j in near:
        s = lines[j].text
        m = _YEAR_TAIL_RE.search(s)
        if m and len(s) <= 60 and "năm" not in s.casefold() and not _DATE_RE.search(s):
            return int(m.group(1))
    return None


def _date_parts(y: int | None, mo: int | None, d: int | None) -> tuple[str | None, date | None]:
    if y is None:
        return None, None
    if mo is None or not 1 <= mo <= 12:
        return f"{y:04d}", None
    if d is None:
        return f"{y:04d}-{mo:02d}", None
    try:
        value = date(y, mo, d)
    except ValueError:
        return f"{y:04d}-{mo:02d}", None
    return value.isoformat(), value


def _name_shape(s: str, rules: MetaRules) -> tuple[str, bool] | None:
    """(name, was_all_caps) when the line looks like a person's name: 2-5 capitalised syllables."""
    words = s.split()
    if not 2 <= len(words) <= 5:
        return None
    caps = all(w.isupper() for w in words)
    if caps:
        words = [w.capitalize() for w in words]
    if not all(regex.fullmatch(r"\p{Lu}[\p{Ll}\p{M}]*(?:'\p{L}+)?", w) for w in words):
        return None
    if any(tone_key(w) in rules.non_name_words for w in words):
        return None
    return " ".join(words), caps


def _is_role(s: str, rules: MetaRules) -> bool:
    return bool(rules.signature_re.match(s) or (_is_upper_line(s) and rules.signature_any_re.search(s)))


def find_signer(lay: _Layout, rules: MetaRules) -> str | None:
    """The name under the capacity lines of the last signature block; None if none is printed.

    The first line of text under the block is taken as a name without a known family name (unless
    in capitals, like a heading); further down (past a recipient list the layout put in between) a
    name needs a known family name.
    """
    lines = lay.lines
    roles = [i for i in range(lay.close_start, lay.close_end) if _is_role(lines[i].text, rules)]
    if not roles:
        return None
    seen_text = False
    for j in range(roles[-1] + 1, min(len(lines), roles[-1] + 25)):
        s = lines[j].text
        if not s or any(p.search(s) for p in rules.signature_ignore):
            continue
        shaped = _name_shape(s, rules)
        if shaped:
            name, caps = shaped
            if (not seen_text and not caps) or tone_key(name.split()[0]) in rules.surnames:
                return name
        seen_text = True
    return None


# ----------------------------------------------------------------------------------------------- province


def decide_province(agency: Agency | None, place: str | None, text: str, front_end_char: int,
                    national: regex.Pattern[str] | None = None) -> str | None:
    """The province by weight of evidence: the issuer's own unit, then the place line, then explicit
    province mentions (those in the header and preamble count more), then districts named in the
    text. A district name shared by several provinces ("Phú Tân") only narrows the choice. In a text
    about the whole country (`national`: "cả nước"), one body mention is an example, not evidence."""
    restrict: set[str] | None = None
    if agency is not None and agency.name and agency.level:
        if agency.level in ("tỉnh", "thành phố"):
            prov = gz.province_named(agency.name)
            if prov:
                return prov
        if agency.level in gz.DISTRICT_LEVELS:
            cands = gz.provinces_of_district(agency.name)
            if len(cands) == 1:
                return cands[0]
            if cands:
                restrict = set(cands)
    score: Counter[str] = Counter()
    named: Counter[str] = Counter()  # how often each province is named in the text
    unit = _place_unit(place, text)
    if unit is not None:
        if len(unit[1]) == 1:
            score[unit[1][0]] += 5
        else:
            restrict = (restrict & set(unit[1])) or restrict if restrict else set(unit[1])
    units = gz.find_admin_units(text)
    for m in units:
        if m.is_province:
            score[m.provinces[0]] += 3 if m.char_start < front_end_char else 1
            named[m.provinces[0]] += 1
        elif len(m.provinces) == 1:
            score[m.provinces[0]] += 0.5
    for b in gz.find_bare_units(text):
        # "Quảng Nam nâng cấp ...", "HĐND tỉnh thống nhất ...": a page names its own province bare
        prov = gz.province_named(b.name) if b.is_province else None
        if prov and not any(m.char_start <= b.char_start < m.char_end for m in units):
            score[prov] += 0.5
            named[prov] += 1
    if restrict is not None:
        ranked = sorted(((score[p], p) for p in restrict if score[p] > 0), reverse=True)
        if ranked:
            return ranked[0][1]
        return next(iter(restrict)) if len(restrict) == 1 else None
    if not score:
        return None
    best = score.most_common(1)[0][0]
    if unit is None and named[best] <= 1 and national is not None and national.search(text):
        return None
    return best
