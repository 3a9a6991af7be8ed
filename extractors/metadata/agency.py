"""The issuing body: parsed from the header, the opening sentence ("..., <issuer> báo cáo"), the closing
("Trên đây là báo cáo ... của <issuer>") and the signature block, then completed from each other and
from the place and province.

Why several sources: each is often damaged by extraction; a source that names head, field, level and
unit wins, and a partial one borrows the missing parts from the others.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import regex

from extractors import gazetteer as gz
from extractors.metadata.layout import (
    _CAP,
    _CITY_PROVINCES,
    _DATE_RE,
    _NUMBER_RE,
    _PAREN_RE,
    _SEPARATOR_RE,
    _TITLE,
    _TOKEN_RE,
    _WARD_LEVELS,
    _is_upper_line,
    _Layout,
)
from extractors.metadata.rules import AgencyHead, MetaRules
from pipeline.vietnamese import tone_key

# ----------------------------------------------------------------------------------------------- agency


@dataclass(frozen=True, slots=True)
class Agency:
    """An issuing body as parsed: head ("UBND", "Sở"), field ("Thông tin và Truyền thông"), unit."""

    head: str
    field: str = ""
    level: str | None = None  # "huyện", "tỉnh", ...
    name: str | None = None  # "Phú Tân"
    unit_required: bool = True

    @property
    def complete(self) -> bool:
        if self.unit_required:
            return self.level is not None and self.name is not None
        if self.level is not None:  # "Sở Y tế tỉnh Long An", "Công an huyện X"
            return self.name is not None
        return bool(self.field)

    def render(self) -> str:
        return " ".join(p for p in (self.head, self.field, self.level, self.name) if p)


_LEVELS = tuple(sorted((*gz.LEVEL_WORDS, "tp.", "tp"), key=len, reverse=True))
_LEVEL_KEYS = tuple(
    (tone_key(lv), len(lv.split()), "thành phố" if lv.startswith("tp") else lv) for lv in _LEVELS
)


def _level_at(words: list[str], i: int) -> tuple[str, int] | None:
    for key, n, level in _LEVEL_KEYS:
        if i + n <= len(words) and tone_key(" ".join(words[i : i + n])) == key:
            return level, n
    return None


def _head_at(words: list[str], i: int, rules: MetaRules) -> AgencyHead | None:
    if i >= len(words) or not words[i][:1].isupper():
        return None
    for h in rules.heads:
        if i + h.n_words <= len(words) and tone_key(" ".join(words[i : i + h.n_words])) == h.key:
            return h
    return None


def _is_cap(w: str) -> bool:
    return bool(regex.fullmatch(_CAP, w))


def _words(s: str) -> list[str]:
    return _TOKEN_RE.findall(_PAREN_RE.sub("", s))


def parse_agency(words: list[str], rules: MetaRules, start: int = 0) -> tuple[Agency, int] | None:
    """Parse an agency name at words[start]; returns it and the index just after it.

    Grammar: HEAD, then for UBND/HĐND [LEVEL [NAME]], for other heads FIELD [LEVEL NAME], where FIELD
    is capitalised words joined by "và", ",", "-" and short runs of lowercase words that are not
    function words ("Thông tin và Truyền thông", "Văn hóa, Thể thao và Du lịch", "Giao thông vận tải").
    """
    head = _head_at(words, start, rules)
    if head is None:
        return None
    i = start + head.n_words
    field: list[str] = []
    if not head.unit_required:
        lower_run = 0
        while i < len(words):
            w = words[i]
            if _level_at(words, i) or (field and w.isupper() and _head_at(words, i, rules)):
                break
            joiner = w in (",", "-", "–", "&") and field and i + 1 < len(words) and _is_cap(words[i + 1])
            if _is_cap(w) or joiner:
                lower_run = 0
            elif field and w.isalpha() and w.islower() and tone_key(w) not in rules.stopwords \
                    and lower_run < rules.field_max_lower_run:
                lower_run += w != "và"
            else:
                break
            field.append(w)
            i += 1
        while field and field[-1] in ("và", ",", "-", "–", "&"):
            field.pop()
            i -= 1
    level = name = None
    lv = _level_at(words, i)
    if lv is not None:
        level, n = lv
        i += n
        name_start = i
        while i < len(words) and i - name_start < 5 and _is_cap(words[i]):
            if i > name_start and words[i].isupper() and _head_at(words, i, rules) is not None:
                break
            i += 1
        name_words = words[name_start:i]
        if name_words and all(w.isupper() for w in name_words):
            name_words = _known_prefix(name_words, level)
            i = name_start + len(name_words)
        name = " ".join(name_words) or None
    field_s = " ".join(field).replace(" ,", ",")
    return Agency(head.short, field_s, level, name, head.unit_required), i


def parse_agency_text(s: str, rules: MetaRules) -> Agency | None:
    """An agency name that is the whole of `s` (parentheses such as "(UBND)" ignored), else None."""
    words = _words(s)
    parsed = parse_agency(words, rules)
    return parsed[0] if parsed and parsed[1] == len(words) else None


def _known_prefix(words: list[str], level: str) -> list[str]:
    """For an all-caps name ("AN GIANG SỞ"), the longest prefix the gazetteer knows, spelled as the
    gazetteer does; unknown names are title-cased whole."""
    for n in range(len(words), 0, -1):
        cand = " ".join(words[:n])
        prov = gz.province_named(cand) if level in ("tỉnh", "thành phố") else None
        if prov and len(prov.split()) == n:
            return prov.split()
        dists = gz.districts_named(cand) if level in gz.DISTRICT_LEVELS else ()
        if dists and len(dists[0].name.split()) == n:
            return dists[0].name.split()
    return [w.capitalize() for w in words]


def _header_agency(lay: _Layout, rules: MetaRules) -> Agency | None:
    """The issuing body from the capitals of the header block (the first run of uppercase lines above
    the kind line, national motto removed); the lowest body when two are stacked ("UBND TỈNH X /
    SỞ Y" → Sở Y)."""
    block: list[str] = []
    stop = lay.type_idx if lay.type_idx is not None else min(lay.front, rules.header_block_lines)
    for i in range(min(stop, rules.header_block_lines)):
        raw = lay.lines[i].text
        s = raw
        for p in rules.motto:
            s = p.sub(" ", s)
        s = " ".join(s.split())
        if not s or _SEPARATOR_RE.match(s):
            if block and not raw:
                break
            continue
        if i in lay.stamp or _NUMBER_RE.search(s) or _DATE_RE.search(s) or not _is_upper_line(s):
            if block:
                break
            continue
        block.append(s)
    words = _words(" ".join(block))
    best: Agency | None = None
    i = 0
    while i < len(words):
        parsed = parse_agency(words, rules, i)
        if parsed is None:
            i += 1
            continue
        best, i = parsed[0], max(parsed[1], i + 1)
    return best


def _clause_candidates(text: str, verb_at: int) -> list[str]:
    """The text before a verb back to the 1st, 2nd and 3rd clause boundary (nearest first)."""
    out: list[str] = []
    pos = verb_at
    for _ in range(3):
        b = max(text.rfind(c, 0, pos) for c in ".;:\n,")
        clause = text[b + 1 : verb_at].strip()
        if clause:
            out.append(clause)
        if b < 0:
            break
        pos = b
    return out


def _agency_before_verb(text: str, rules: MetaRules, verbs: Sequence[str] = ()) -> Agency | None:
    """The agency that is the subject of the verb in the first clause that has one ("..., UBND
    huyện X báo cáo", "Sở Y xin báo cáo"); verbs are tried in order over the whole text."""
    for v in verbs or (rules.report_verb,):
        agency = _subject_of(text, v, rules)
        if agency is not None:
            return agency
    return None


def _subject_of(text: str, verb_text: str, rules: MetaRules) -> Agency | None:
    verb = r"(?<![\p{L}\p{M}])" + regex.escape(verb_text) + r"(?![\p{L}\p{M}])"
    for m in regex.finditer(verb, text):
        for clause in _clause_candidates(text, m.start()):
            ck = tone_key(clause)
            for adv in rules.verb_adverbs:
                if ck.endswith(" " + tone_key(adv)):
                    clause = " ".join(clause.split()[: -len(adv.split())])
                    break
            agency = parse_agency_text(clause, rules)
            if agency is not None:
                return agency
    return None


def _closing_agency(text: str, rules: MetaRules) -> Agency | None:
    """From "Trên đây là báo cáo ... của <agency>./." or "..., <agency> trân trọng báo cáo./."."""
    pat = "|".join(regex.escape(m) for m in rules.closing_markers)
    hits = list(regex.finditer(rf"(?:{pat})(?![\p{{L}}\p{{M}}])", text))
    if not hits:
        return None
    start = hits[-1].start()
    end_m = regex.compile(r"\./\.|\n").search(text, start)
    sentence = text[start : end_m.start() if end_m else len(text)]
    first_verb = sentence.casefold().find(rules.report_verb)
    if first_verb >= 0:
        agency = _agency_before_verb(sentence[first_verb + len(rules.report_verb) :], rules)
        if agency is not None:
            return agency
    for m in reversed(list(regex.finditer(r"(?<![\p{L}\p{M}])của\s+", sentence))):
        before = sentence[max(0, m.start() - 40) : m.start()]
        if any(p.search(before) for p in rules.closing_refs):
            continue
        agency = parse_agency_text(sentence[m.end() :].rstrip(" ./"), rules)
        if agency is not None:
            return agency
    return None


def _signature_agency(lay: _Layout, rules: MetaRules) -> Agency | None:
    """"TM. ỦY BAN NHÂN DÂN" names the head (and sometimes the level) when nothing else does."""
    for ln in lay.lines[lay.close_start : lay.close_end]:
        m = regex.match(r"^(?:TM|T/M)\.?\s+(.+)$", ln.text)
        if m:
            parsed = parse_agency(_words(m.group(1)), rules)
            if parsed:
                return parsed[0]
    return None


def _recase(head: str, field: str, text: str) -> str:
    """An all-caps field name spelled as the body writes the whole name ("SỞ Y TẾ" → "Y tế" from
    "Sở Y tế"); capitalised like a sentence when the body never writes it."""
    if not field or not field.isupper():
        return field
    pat = r"\s+".join(regex.escape(w) for w in (*head.split(), *field.split()))
    for m in regex.finditer(rf"(?<![\p{{L}}\p{{M}}]){pat}(?![\p{{L}}\p{{M}}])", text, regex.IGNORECASE):
        if not m.group(0).isupper():
            return " ".join(m.group(0).split()[len(head.split()) :])
    return field.capitalize()


def _place_unit(place: str | None, text: str) -> tuple[str | None, tuple[str, ...]] | None:
    """(level, provinces) of the place-line name, if the gazetteer knows it and the text does not
    present it as a commune ("xã Tân An" is not the city Tân An). The level is None when the name
    is both a town and a rural district ("Cao Lãnh")."""
    if not place or _level_before(place, text) in _WARD_LEVELS:
        return None
    prov = gz.province_named(place)
    if prov:
        return ("thành phố" if prov in _CITY_PROVINCES else "tỉnh"), (prov,)
    dists = gz.districts_named(place)
    if dists:
        kinds = {d.kind for d in dists}
        return (kinds.pop() if len(kinds) == 1 else None), tuple(dict.fromkeys(d.province for d in dists))
    return None


def _unit_matches(place: str, level: str, text: str) -> bool:
    """Whether `place` is a unit of this level (district kinds interchange: a thị xã of one year is
    a thành phố of the next)."""
    unit = _place_unit(place, text)
    if unit is None or unit[0] is None:
        return False
    if level == "tỉnh" or unit[0] == "tỉnh":
        return unit[0] == level
    return level in gz.DISTRICT_LEVELS


def _level_before(name: str, text: str) -> str | None:
    """The level word most often written right before `name` ("huyện Tháp Mười" → "huyện")."""
    levels = "|".join(regex.escape(lv) for lv in gz.LEVEL_WORDS)
    pat = rf"(?<![\p{{L}}\p{{M}}])({levels})\s+" + r"\s+".join(regex.escape(w) for w in name.split()) \
        + r"(?![\p{L}\p{M}])"
    found = Counter(m.group(1).casefold() for m in regex.finditer(pat, text, regex.IGNORECASE))
    return found.most_common(1)[0][0] if found else None


def _frequent_name(level: str, text: str) -> str | None:
    """The unit of this level the text names most often ("huyện Tháp Mười" ×3 → "Tháp Mười")."""
    names = Counter(m.name for m in gz.find_admin_units(text) if m.level == level)
    if names:
        return names.most_common(1)[0][0]
    if level in _WARD_LEVELS:
        pat = rf"(?<![\p{{L}}\p{{M}}]){regex.escape(level)}\s+({_TITLE}(?:\s+{_TITLE}){{0,3}})"
        raw = Counter(m.group(1) for m in regex.finditer(pat, text))
        if raw:
            return raw.most_common(1)[0][0]
    return None


def _complete(
    agency: Agency, others: Sequence[Agency], place: str | None, province: str | None, text: str
) -> Agency:
    """Fill in a name the issuer left out ("Ủy ban nhân dân huyện báo cáo"): from a fuller mention of
    the same body, the place line, or the unit of that level the text names most often."""
    if agency.complete:
        return agency
    for o in others:
        if o.complete and o.head == agency.head and agency.level in (None, o.level) and (
            not agency.field or tone_key(o.field) == tone_key(agency.field)
        ):
            return o
    if not agency.unit_required:
        return agency
    level = agency.level
    if level is None and place:
        level = _level_before(place, text)
        unit = _place_unit(place, text)
        if level is None and unit is not None:
            level = unit[0]
    if level is None:
        return agency
    name = None
    if place and (_level_before(place, text) == level or _unit_matches(place, level, text)):
        name = place
    elif level == "tỉnh" or (level == "thành phố" and province in _CITY_PROVINCES):
        name = province
    if name is None:
        name = _frequent_name(level, text)
    return Agency(agency.head, agency.field, level, name, agency.unit_required)
