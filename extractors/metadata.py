"""Document metadata (số hiệu, kind, trích yếu, issuer, province, place, date, signer) from the text.

Why rules and not a model: a Vietnamese administrative document follows a fixed layout (Nghị định
30/2020/NĐ-CP): a header block with the issuing body and "Số: 957/BC-UBND", the date line
"<Place>, ngày 19 tháng 4 năm 2023", the kind in capitals ("BÁO CÁO") with the trích yếu under it,
an opening sentence "..., <issuer> báo cáo ...", a closing "Trên đây là báo cáo ... của <issuer>",
and the signature block ("TM. ỦY BAN NHÂN DÂN / KT. CHỦ TỊCH / PHÓ CHỦ TỊCH / <name>"). Text
extraction scrambles the two-column header, drops parts of it and pastes in incoming-document
stamps, so every field has several sources, tried in order of reliability, and a field that no
source settles is None rather than a guess.

The vocabulary (kinds, agency heads, signature roles, family names) is data in schemas/metadata.yaml.
"""

from __future__ import annotations

import unicodedata
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any

import regex
import yaml

from extractors import gazetteer as gz
from pipeline.errors import ConfigError
from pipeline.model import DocMeta, NormText, Section
from pipeline.vietnamese import tone_key

SCHEMA_PATH = Path(__file__).resolve().parent.parent / "schemas" / "metadata.yaml"

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


# ----------------------------------------------------------------------------------------------- rules


@dataclass(frozen=True, slots=True)
class AgencyHead:
    long: str
    short: str
    unit_required: bool
    n_words: int
    key: str  # tone_key(long)


@dataclass(frozen=True, slots=True)
class MetaRules:
    doc_types: tuple[str, ...]  # longest first
    kind_by_code: dict[str, str]  # casefolded number code -> kind
    untyped_number_kind: str
    heads: tuple[AgencyHead, ...]  # longest first
    stopwords: frozenset[str]
    field_max_lower_run: int
    report_verb: str
    opening_verbs: tuple[str, ...]
    verb_adverbs: tuple[str, ...]
    closing_markers: tuple[str, ...]
    closing_refs: tuple[regex.Pattern[str], ...]
    motto: tuple[regex.Pattern[str], ...]
    stamp_markers: frozenset[str]
    stamp_prefixes: tuple[str, ...]
    stamp_window: int
    title_stops: tuple[str, ...]
    title_max_lines: int
    title_max_chars: int
    header_max_lines: int
    header_max_chars: int
    header_block_lines: int
    type_line_within: int
    tail_max_lines: int
    signature_re: regex.Pattern[str]
    signature_any_re: regex.Pattern[str]
    signature_ignore: tuple[regex.Pattern[str], ...]
    non_name_words: frozenset[str]
    surnames: frozenset[str]


@lru_cache(maxsize=4)
def load_rules(path: Path = SCHEMA_PATH) -> MetaRules:
    """Read and validate schemas/metadata.yaml once per process; a bad file is a ConfigError (exit 2)."""
    try:
        d: dict[str, Any] = yaml.safe_load(Path(path).read_text("utf-8"))
        kinds = [(str(k["name"]), [str(c) for c in k.get("codes", [])]) for k in d["doc_types"]]
        heads = [
            AgencyHead(str(h["long"]), str(h["short"]), h["unit"] == "required", len(str(h["long"]).split()),
                       tone_key(str(h["long"])))
            for h in d["agency_heads"]
        ]
        if any(h["unit"] not in ("required", "optional") for h in d["agency_heads"]):
            raise ValueError("agency_heads[].unit must be 'required' or 'optional'")
        markers = "|".join(d["signature_markers"])
        return MetaRules(
            doc_types=tuple(sorted((k for k, _ in kinds), key=len, reverse=True)),
            kind_by_code={c.casefold(): k for k, codes in kinds for c in codes},
            untyped_number_kind=str(d["untyped_number_kind"]),
            heads=tuple(sorted(heads, key=lambda h: h.n_words, reverse=True)),
            stopwords=frozenset(tone_key(str(w)) for w in d["agency_stopwords"]),
            field_max_lower_run=int(d["field_max_lower_run"]),
            report_verb=str(d["report_verb"]),
            opening_verbs=tuple(str(v) for v in d["opening_verbs"]),
            verb_adverbs=tuple(sorted((str(a) for a in d["report_verb_adverbs"]), key=len, reverse=True)),
            closing_markers=tuple(str(m) for m in d["closing_markers"]),
            closing_refs=tuple(regex.compile(p) for p in d["closing_reference_patterns"]),
            motto=tuple(regex.compile(p, regex.IGNORECASE) for p in d["motto_patterns"]),
            stamp_markers=frozenset(tone_key(str(m)) for m in d["stamp_markers"]),
            stamp_prefixes=tuple(str(p).casefold() for p in d["stamp_line_prefixes"]),
            stamp_window=int(d["stamp_window_lines"]),
            title_stops=tuple(str(p) for p in d["title_stop_prefixes"]),
            title_max_lines=int(d["title_max_lines"]),
            title_max_chars=int(d["title_max_chars"]),
            header_max_lines=int(d["header_max_lines"]),
            header_max_chars=int(d["header_max_chars"]),
            header_block_lines=int(d["header_block_lines"]),
            type_line_within=int(d["type_line_within"]),
            tail_max_lines=int(d["tail_max_lines"]),
            signature_re=regex.compile(rf"^(?:{markers})"),
            signature_any_re=regex.compile(rf"(?<!\S)(?:{markers})"),
            signature_ignore=tuple(regex.compile(p) for p in d["signature_ignore"]),
            non_name_words=frozenset(tone_key(str(w)) for w in d["non_name_words"]),
            surnames=frozenset(tone_key(str(w)) for w in d["surnames"]),
        )
    except (OSError, yaml.YAMLError, KeyError, TypeError, ValueError, AttributeError, regex.error) as e:
        raise ConfigError(f"invalid metadata schema: {e}", path=str(path)) from e


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


def decide_province(agency: Agency | None, place: str | None, text: str, front_end_char: int) -> str | None:
    """The province by weight of evidence: the issuer's own unit, then the place line, then explicit
    province mentions (those in the header and preamble count more), then districts named in the
    text. A district name shared by several provinces ("Phú Tân") only narrows the choice."""
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
    unit = _place_unit(place, text)
    if unit is not None:
        if len(unit[1]) == 1:
            score[unit[1][0]] += 5
        else:
            restrict = (restrict & set(unit[1])) or restrict if restrict else set(unit[1])
    for m in gz.find_admin_units(text):
        if m.is_province:
            score[m.provinces[0]] += 3 if m.char_start < front_end_char else 1
        elif len(m.provinces) == 1:
            score[m.provinces[0]] += 0.5
    if restrict is not None:
        ranked = sorted(((score[p], p) for p in restrict if score[p] > 0), reverse=True)
        if ranked:
            return ranked[0][1]
        return next(iter(restrict)) if len(restrict) == 1 else None
    return score.most_common(1)[0][0] if score else None


# ----------------------------------------------------------------------------------------------- API


def extract_metadata(t: NormText, sections: Sequence[Section] = ()) -> DocMeta:
    """All metadata fields of one document; a field that the text does not settle is None."""
    rules = load_rules()
    text = unicodedata.normalize("NFC", t.text)
    if not text.strip():
        return DocMeta()
    lay = _layout(text, sections, rules)
    number = find_doc_number(lay)
    dl = find_date_line(lay)
    front_text = lay.span_text(text, 0, lay.front)
    front_end_char = lay.lines[lay.front - 1].end if lay.front else 0

    sources = [
        a
        for a in (
            _header_agency(lay, rules),
            _agency_before_verb(front_text, rules, rules.opening_verbs),
            _closing_agency(lay.span_text(text, lay.close_start, lay.close_end), rules),
            _signature_agency(lay, rules),
        )
        if a is not None
    ]
    agency = next((a for a in sources if a.complete), sources[0] if sources else None)
    province = decide_province(agency, dl.place, text, front_end_char)
    issuer = None
    if agency is not None:
        agency = _complete(agency, sources, dl.place, province, text)
        province = province or decide_province(agency, dl.place, text, front_end_char)
        if agency.complete:
            field = _recase(agency.head, agency.field, text)
            issuer = Agency(agency.head, field, agency.level, agency.name).render()

    return DocMeta(
        doc_number=number,
        doc_type=lay.doc_type or _kind_from_number(number, rules),
        title=find_title(lay, text, rules),
        issuer=issuer,
        province=province,
        place=dl.place,
        issued_date=dl.value,
        issued_date_text=dl.text,
        signer=find_signer(lay, rules),
    )
