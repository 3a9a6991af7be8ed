"""Every reported figure of a report as a `Fact`: counts, percents, money, fractions, table cells.

A report's text is full of numbers that are not figures: dates, document numbers, heading labels,
version numbers, years, phone numbers, norms quoted from a regulation. The rules below follow the
grammar of Vietnamese administrative writing, not particular reports:

- a number followed by `%` is a percent; by a unit noun (schemas/units.yaml) a count, or money for
  `đồng`/`đ`; `a/b` is a fraction: a ratio fact for the numerator (numerator and denominator set) and a
  count fact for the denominator when it differs ("13/16") or when the fraction is written out as a
  computation ("20/20 = 100%"); "16/16 xã" alone states one figure;
- dates (`22/6/2022`, `ngày 19 tháng 4 năm 2023`, `tháng 12/2023`, `từ 01/01`, bare years), document
  numbers (`957/BC-UBND`, `Quyết định số 1260`, `Đề án 06`, `01-NQ/TU`), labels (`1.2.`, `Chỉ tiêu 8.4`,
  `mức độ 3, 4`), versions (a dot-decimal with neither percent nor unit: `phiên bản 1.0`), codes glued
  to letters (`3G`, `COVID-19`), URLs, phone numbers, durations and ages (`9 tháng`, `4 giờ/ngày`,
  `15 tuổi`) and norms (`tối thiểu 50%`, `ít nhất 01 điểm`) are never facts. Figures inside footnote
  bodies (`NormText.asides`) are facts the report states like any other;
- in a table (tab- or pipe-separated rows) each numeric cell is a fact, except the row-number column
  (`STT`, or a first column counting 1, 2, 3 ...) and year columns; a bare cell takes its unit from
  its column header;
- a bare number takes its unit from its clause: `số hồ sơ ... 222`, `Tổng số cụm loa: 255`, or the last
  counted noun of the same clause (`12.499 hồ sơ, trong đó trực tiếp 4.522`).

Context words are matched by look-behind at the number's offset, so each test costs one anchored match.
Metric, subject and period are left to later stages.
"""

from __future__ import annotations

import bisect
import functools
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Literal

import regex
from pydantic import Field, StrictInt, StrictStr

from extractors.furniture import Furniture, furniture_spans
from extractors.numbers import MULTIPLIERS, find_numbers
from pipeline.config import SCHEMA_DIR, Strict, config_error, load_model
from pipeline.model import Fact, NormText, NumberToken, Section, section_at, stable_id
from pipeline.structure.layout import Layout, build_layout

UNITS_PATH = SCHEMA_DIR / "units.yaml"

_SP = r"[ \u00a0]"
_WORD_START = r"(?:^|(?<=[^\w]))"  # inside a look-behind: the phrase starts a word

# Spans of the whole text where no number is a figure.
_URL = regex.compile(r"<?(?:https?://|www\.)[^\s<>]+>?")
_EMAIL = regex.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_DOMAIN_END = regex.compile(r"\.(?:vn|com|net|org|gov|edu|info|io)(?![\w])")  # "abc.gov.vn", "shop.vn"
_FULL_DATE = regex.compile(r"(?<![\d/.,])(\d{1,2})([/.-])(\d{1,2})\2(?:\d{4}|\d{2})(?![\d/])")
_DOC_NUMBER = regex.compile(r"(?<![\w/])\d+(?:/\d+)*/[^\W\d_]")
_PHONE_LIKE = regex.compile(r"(?<![\w.,/])0\d{2,3}(?:[ .]?\d{2,4}){2,3}(?!\d)")

# Context just before a number (look-behind, used with .match at the number's offset).
_AT_LINE_START = regex.compile(r"(?<=(?:^|\n)[ \t]*(?:[-+*•–>#]+[ \t]*)*)")
_AFTER_CODE = regex.compile(r"(?<=[^\W\d_][-=])")  # "COVID-19", "id=34"
_AFTER_OPEN_PAREN = regex.compile(r"(?<=[(\[])")
_AFTER_DATE_WORD = regex.compile(r"(?<=(?:ngày|từ|đến|hết|tính\s+đến|trước|sau|vào|hạn)\s*)",
                                 regex.IGNORECASE)
_AFTER_COLON_OR_LA = regex.compile(r"(?<=(?::|\blà)\s*)")

# Context just after a number.
_LABEL_END = regex.compile(r"[.)](?!\d)")  # "1." "2)" opening a heading or an item
_CODE_AFTER = regex.compile(r"-[^\W\d_]")  # "81-Công an"
_LETTER = regex.compile(r"[^\W\d_]")
_PER_UNIT = regex.compile(r"(?<=[^\W\d_][ \u00a0]*/[ \u00a0]*)")  # "132 máy/100 dân": the base of a rate
_INDEX_BASE = regex.compile(r"(?<==[ \u00a0]*)")  # "(Năm trước = 100)": the base of an index
_EQUALS = regex.compile(r"\s*=")
_COMMA_SP = regex.compile(r",[ \u00a0]+")
_PROPER_NAME = regex.compile(r"\s+\p{Lu}")

_CLAUSE_BREAK = regex.compile(r"[\n;]|\.\s")
_RANGE_JOIN = regex.compile(r"\s*(?:-|–|—|đến|tới)\s*(?:hơn|trên|gần|khoảng)?\s*", regex.IGNORECASE)
_LIST_JOIN = regex.compile(r"\s*(?:,|và|-|–)\s*")
_MULTIPLIER = regex.compile(r"tỷ|tỉ|triệu|nghìn|ngàn")
_WS = regex.compile(r"\s+")
_STT_HEADER = regex.compile(r"(?i)^(?:stt|tt|số\s+tt|số\s+thứ\s+tự)\.?$")
_UNIT_NOTE = regex.compile(r"(?i)(?:đơn\s+vị\s+tính|đvt)\s*[:.]?\s*(?P<u>[^\n)]+)")
_MONEY_SCALE = regex.compile(r"(?i)(?P<m>nghìn|ngàn|triệu|tỷ|tỉ)\s+(?:đồng|VNĐ|VND)")
_PERCENT_HEADER = regex.compile(r"(?i)tỷ\s+lệ|tỉ\s+lệ|%")


@dataclass(frozen=True, slots=True)
class Grammar:
    """The compiled form of schemas/units.yaml, built once per process."""

    unit: regex.Pattern[str]  # a unit phrase at a position, after at most one space
    unit_after_so: regex.Pattern[str]  # "số <unit>" / "tổng số <unit>" inside a clause
    any_unit: regex.Pattern[str]  # a unit phrase anywhere (word-bounded)
    unit_kind: dict[str, str]
    time_after: regex.Pattern[str]
    after_date_word: _Behind
    date_max: dict[str, int]
    after_label_word: _Behind
    after_doc_word: _Behind
    doc_word_next: regex.Pattern[str]
    after_norm_word: _Behind
    after_qualifier: _Behind
    qualifiers: dict[str, str]
    qualifier_after: regex.Pattern[str]
    qualifiers_after: dict[str, str]
    phone: regex.Pattern[str]
    row_label: regex.Pattern[str]  # case-sensitive: the capital is what marks a row's name


def _phrase(p: str) -> str:
    return r"\s+".join(regex.escape(w) for w in p.split())


def _alt(phrases: Sequence[str]) -> str:
    return "|".join(_phrase(p) for p in sorted(set(phrases), key=len, reverse=True))


@dataclass(frozen=True, slots=True)
class _Behind:
    """`body` ending exactly at a position, matched backwards from it (regex's REVERSE mode).

    A variable-length look-behind `(?<=body)` tried at position p costs O(p) in `regex` (it tries
    start points back to the beginning of the text), so checking every number of a long line was
    quadratic: a 5 MB line never finished. Matching in reverse from p costs only the length of what
    matches; same groups, same verdicts.
    """

    pattern: regex.Pattern[str]

    def match(self, text: str, pos: int) -> regex.Match[str] | None:
        return self.pattern.match(text, 0, pos)


def _behind(body: str) -> _Behind:
    return _Behind(regex.compile(body, regex.IGNORECASE | regex.REVERSE))


class _UnitEntry(Strict):
    text: StrictStr
    kind: Literal["count", "money", "other"] = "count"
    not_before: list[StrictStr] = Field(default_factory=list)


_Phrases = Annotated[list[StrictStr], Field(min_length=1)]


class _UnitsFile(Strict):
    """schemas/units.yaml: the unit nouns and the context words around numbers."""

    units: list[_UnitEntry]
    time_units: _Phrases
    date_words: Annotated[dict[str, StrictInt], Field(min_length=1)]
    label_words: _Phrases
    doc_words: _Phrases
    doc_words_with_so: _Phrases
    norm_words: _Phrases
    qualifiers: Annotated[dict[str, StrictStr], Field(min_length=1)]
    qualifiers_after: Annotated[dict[str, StrictStr], Field(min_length=1)]
    phone_words: _Phrases
    row_label_words: _Phrases
    furniture: Furniture  # read by extractors.furniture; validated with the rest of the file


@functools.lru_cache(maxsize=4)
def grammar(path: Path = UNITS_PATH) -> Grammar:
    """Load and compile the unit vocabulary and context words; a malformed file is a ConfigError."""
    data = load_model(path, _UnitsFile)
    for i, entry in enumerate(data.units):
        if not entry.text.strip():
            raise config_error(path, f"units.{i}.text", "must be a non-empty phrase")
    for key in ("time_units", "label_words", "doc_words", "doc_words_with_so", "norm_words", "phone_words"):
        if not all(x.strip() for x in getattr(data, key)):
            raise config_error(path, key, "must be a non-empty list of phrases")

    def words(key: str) -> list[str]:
        return list(getattr(data, key))

    def mapping(key: str) -> dict[str, str]:
        return {k.casefold(): str(x) for k, x in getattr(data, key).items()}

    alts: list[tuple[int, str]] = []
    kinds: dict[str, str] = {}
    for entry in data.units:
        text, kind = entry.text, entry.kind
        guard = r"(?!\w)"
        if entry.not_before:
            guard += r"(?!\s+(?:" + _alt(entry.not_before) + r")(?!\w))"
        if len(text) == 1:
            guard += r"(?!\))"  # "đ)" opens an enumerated item, it is not a currency
        alts.append((len(text), _phrase(text) + guard))
        kinds[text.casefold()] = kind
    unit_alt = "|".join(a for _, a in sorted(alts, key=lambda x: -x[0]))
    date_max = mapping("date_words")
    qualifiers, qualifiers_after = mapping("qualifiers"), mapping("qualifiers_after")
    word_q = [q for q in qualifiers if q[0].isalpha()]
    sym_q = [regex.escape(q) for q in qualifiers if not q[0].isalpha()]
    return Grammar(
        unit=regex.compile(_SP + r"?(?P<u>" + unit_alt + ")", regex.IGNORECASE),
        unit_after_so=regex.compile(r"(?<!\w)(?:tổng\s+số|số\s+lượng|số)\s+(?P<u>" + unit_alt + ")",
                                    regex.IGNORECASE),
        any_unit=regex.compile(r"(?<!\w)(?P<u>" + unit_alt + ")", regex.IGNORECASE),
        unit_kind=kinds,
        time_after=regex.compile(_SP + r"?(?:\(\w+\)\s*)?(?:" + _alt(words("time_units")) + r")(?!\w)",
                                 regex.IGNORECASE),
        after_date_word=_behind(_WORD_START + r"(?P<w>" + _alt(list(date_max)) + ")" + _SP + "+"),
        date_max={k: int(v) for k, v in date_max.items()},
        after_label_word=_behind(_WORD_START + r"(?:" + _alt(words("label_words")) + r")(?:" + _SP + r"+số)?"
                                 + _SP + "*"),
        after_doc_word=_behind(
            _WORD_START + r"(?:(?:" + _alt(words("doc_words")) + r")(?:" + _SP + r"+số)?"
            + r"|(?:" + _alt(words("doc_words_with_so")) + r")" + _SP + r"+số"
            + r"|(?:^|\n)[ \t]*Số)" + _SP + r"*:?" + _SP + "*"),
        doc_word_next=regex.compile(_SP + r"+(?:" + _alt(words("doc_words")) + r")(?!\w)", regex.IGNORECASE),
        after_norm_word=_behind(_WORD_START + r"(?:" + _alt(words("norm_words")) + r")" + _SP + "*"),
        after_qualifier=_behind(r"(?P<q>" + "|".join([_WORD_START + r"(?:" + _alt(word_q) + ")", *sym_q])
                                + r")" + _SP + "*"),
        qualifiers=qualifiers,
        qualifier_after=regex.compile(_SP + r"*(?P<q>" + _alt(list(qualifiers_after)) + r")(?!\w)",
                                      regex.IGNORECASE),
        qualifiers_after=qualifiers_after,
        phone=regex.compile(r"(?<!\w)(?:" + _alt(words("phone_words")) + r")\s*:?\s*[\d\s.()+\-]{6,}",
                            regex.IGNORECASE),
        row_label=regex.compile(_SP + r"(?:" + _alt(words("row_label_words")) + r")(?!\w)"),
    )


@dataclass(frozen=True, slots=True)
class _Unit:
    text: str
    start: int
    end: int
    kind: str  # count | money | other


@dataclass(frozen=True, slots=True)
class _Cell:
    column: int
    header: str  # text of this column's header cell ("" if none)
    first_column_is_counter: bool
    unit_note: str  # the table's "Đơn vị tính: ..." (in the lines just above it), "" if none
    value_cell: bool = False  # a value cell of a numeric table's body row: a bare 4-digit number is a count


@dataclass(slots=True)
class _Draft:
    """A figure before it becomes a Fact (its unit may still come from the clause)."""

    start: int
    end: int
    value: float
    kind: str
    extractor: str
    confidence: float
    decimals: int
    number_end: int  # end of the digits themselves, where a footnote marker would stand
    unit: str | None = None
    numerator: float | None = None
    denominator: float | None = None
    qualifier: str | None = None


def extract_figures(t: NormText, sections: Sequence[Section], doc_id: str,
                    layout: Layout | None = None) -> list[Fact]:
    """Every figure of the document, in text order, with its value, kind, unit, precision and quote.

    `layout` is the text's parsed structure (`pipeline.structure.layout.build_layout(t)`, built here
    when not given): its tables give the cells, its page-number and running-header lines hold none.
    """
    g = grammar()
    text = t.text
    layout = layout if layout is not None else build_layout(t)
    debris = [(a.start, a.end) for a in layout.asides if a.kind != "note"]
    excluded = _Spans(_excluded_spans(text, g) + debris)
    cells = _table_cells(text, layout)
    cell_starts = [s for s, _, _ in cells]
    tokens = find_numbers(text, [(s, e) for s, e, _ in cells])
    drafts: list[_Draft] = []
    label_end = -1  # end of the last label number, so that "mức độ 3, 4" drops the 4 too

    i = 0
    while i < len(tokens):
        tok = tokens[i]
        den = tokens[i + 1] if i + 1 < len(tokens) else None
        if not (den is not None and not tok.is_percent and not den.is_percent
                and den.char_start == tok.char_end + 1 and text[tok.char_end] == "/"):
            den = None
        last = den or tok
        i += 2 if den else 1
        if excluded.hits(tok.char_start, last.char_end):
            continue
        cell = _cell_at(cells, cell_starts, tok.char_start)
        unit = _unit_after(text, last.char_end, g)
        reason = _non_figure(text, tok, den, unit, cell, g, label_end)
        if reason:
            if reason == "label":
                label_end = last.char_end
            continue
        drafts.extend(_drafts_for(text, tok, den, unit, cell, g))

    _inherit_units(text, drafts, g)
    footnote_at = {f.char_start for f in t.footnotes}
    facts = []
    for d in drafts:
        sec = section_at(sections, d.start)
        facts.append(Fact(
            fact_id=stable_id(doc_id, d.start, d.end, d.kind), value=d.value, kind=d.kind,
            char_start=d.start, char_end=d.end, quote=text[d.start:d.end], page=t.page_at(d.start),
            section_id=sec.section_id if sec else None, unit=d.unit, numerator=d.numerator,
            denominator=d.denominator, extractor=d.extractor,
            # a footnote marker glued to the digits ("215¹²") may have merged into them when OCR'd
            confidence=round(d.confidence * (0.5 if d.number_end in footnote_at else 1.0), 3),
            decimals=d.decimals, qualifier=d.qualifier,
        ))
    return facts


class _Spans:
    """Sorted, possibly overlapping spans with a fast 'does [s, e) touch any' test."""

    def __init__(self, spans: list[tuple[int, int]]) -> None:
        self.spans = sorted(spans)
        self.starts = [s for s, _ in self.spans]
        self.max_len = max((e - s for s, e in self.spans), default=0)

    def hits(self, s: int, e: int) -> bool:
        k = bisect.bisect_left(self.starts, s - self.max_len)
        while k < len(self.spans) and self.spans[k][0] < e:
            if self.spans[k][1] > s:
                return True
            k += 1
        return False


def _excluded_spans(text: str, g: Grammar) -> list[tuple[int, int]]:
    """URLs, e-mail addresses, domains, full dates, document numbers, phone numbers, and the dates, times
    and page furniture of `extractors.furniture`."""
    spans = [m.span() for m in _URL.finditer(text)] + furniture_spans(text)
    spans += [m.span() for m in g.phone.finditer(text)]
    if "@" in text:
        spans += [m.span() for m in _EMAIL.finditer(text)]
    for m in _DOMAIN_END.finditer(text):
        start = m.start()
        while start > 0 and not text[start - 1].isspace() and text[start - 1] not in "<(\"'":
            start -= 1
        spans.append((start, m.end()))
    for m in _FULL_DATE.finditer(text):
        if 1 <= int(m.group(1)) <= 31 and 1 <= int(m.group(3)) <= 12:
            spans.append(m.span())
    spans += [(m.start(), m.end() - 1) for m in _DOC_NUMBER.finditer(text)]
    spans += [m.span() for m in _PHONE_LIKE.finditer(text) if sum(c.isdigit() for c in m.group()) >= 9]
    return spans


def _table_cells(text: str, layout: Layout) -> list[tuple[int, int, _Cell]]:
    """(start, end, cell) for every cell of every table of the layout, with what a bare number in
    it needs: its column's header, whether the first column counts rows, the table's unit note."""
    out: list[tuple[int, int, _Cell]] = []
    for table in layout.tables:
        top = table.rows[0].cells[0].start
        above = text.rfind("\n", 0, max(0, text.rfind("\n", 0, max(0, top - 1))))  # the two lines above
        note = _UNIT_NOTE.search(text, max(0, above), top) or _UNIT_NOTE.search(" ".join(table.header))
        unit_note = note.group("u").strip() if note else ""
        for r, row in enumerate(table.rows):
            for c in row.cells:
                value = table.style == "numeric" and r >= table.header_rows and c.column > 0 \
                    and not _YEAR_HEADER.search(table.header_of(c.column))
                out.append((c.start, c.end,
                            _Cell(c.column, table.header_of(c.column), table.counter_column, unit_note, value)))
    return out


def _cell_at(cells: list[tuple[int, int, _Cell]], starts: list[int], pos: int) -> _Cell | None:
    k = bisect.bisect_right(starts, pos) - 1
    if k >= 0 and cells[k][0] <= pos <= cells[k][1]:
        return cells[k][2]
    return None


def _unit_after(text: str, pos: int, g: Grammar) -> _Unit | None:
    m = g.unit.match(text, pos)
    if not m:
        return None
    start, end = m.start("u"), m.end("u")
    kind = g.unit_kind.get(_WS.sub(" ", m.group("u")).casefold(), "count")
    # "người/máy": a unit per unit is a rate, not a count
    per = g.unit.match(text, end + 1) if text[end:end + 1] == "/" else None
    if per and per.start("u") == end + 1:
        return _Unit(text[start:per.end("u")], start, per.end("u"), "other")
    # "xã, thị trấn", "tin, bài": comma-joined units name one group; a proper name after ends it
    while (comma := _COMMA_SP.match(text, end, end + 3)) is not None:
        nxt = g.any_unit.match(text, comma.end())
        if not nxt or _PROPER_NAME.match(text, nxt.end(), nxt.end() + 3):
            break
        end = nxt.end()
    return _Unit(text[start:end], start, end, kind)


def _non_figure(text: str, tok: NumberToken, den: NumberToken | None, unit: _Unit | None,
                cell: _Cell | None, g: Grammar, label_end: int) -> str | None:
    """Why the number (or fraction) at `tok` is not a figure, or None if it is one."""
    s, e = tok.char_start, (den or tok).char_end
    if g.after_norm_word.match(text, s):
        return "norm"
    if tok.is_percent:
        return None
    if den is None and not tok.decimals and tok.value in _POWERS_OF_TEN and _PER_UNIT.match(text, s):
        return "rate-base"  # "6,88 máy tính/100 dân", "14 tiêu chí/1 xã": the rate is the figure
    if den is None and tok.value == 100 and _INDEX_BASE.match(text, s) and text[e:e + 1] == ")":
        return "index-base"
    if unit is None and den is None and not tok.decimals and g.row_label.match(text, e):
        return "row-number"
    if unit is None and _LETTER.match(text, e):
        return "code"  # letters glued to the digits: 3G, 200b
    if _AFTER_CODE.match(text, s) or _CODE_AFTER.match(text, e):
        return "code"
    if g.time_after.match(text, e):
        return "duration"
    if g.after_doc_word.match(text, s):
        return "document"
    if _AT_LINE_START.match(text, s) and (_LABEL_END.match(text, e) or g.doc_word_next.match(text, e)):
        return "label"  # "1.", "2)" open a heading or an item; "1 Quyết định ..." opens a footnote
    if _AFTER_OPEN_PAREN.match(text, s) and text[e:e + 1] in ")]" and den is None and tok.value < 100:
        return "label"  # "(1)", "[2]": references and enumerations
    if g.after_label_word.match(text, s) and not (unit and unit.kind == "money"):
        return "label"
    if label_end >= 0 and unit is None and _LIST_JOIN.fullmatch(text, label_end, s):
        return "label"
    m = g.after_date_word.match(text, s)
    if m and tok.decimals == 0 and tok.value <= g.date_max.get(m.group("w").casefold(), 0):
        return "date"
    if cell is not None and (_STT_HEADER.match(cell.header)
                             or (cell.column == 0 and cell.first_column_is_counter)):
        return "row-number"  # year columns need no rule: a bare year is never a figure
    if unit is None and den is None and _is_year(tok) and not (cell is not None and cell.value_cell):
        return "date"
    if den is not None and unit is None and _is_day_month(text, tok, den):
        return "date"
    if "." in tok.text and "," not in tok.text and tok.decimals and unit is None \
            and not _MULTIPLIER.search(tok.text):
        return "version"  # "phiên bản 1.0", "công nghệ 4.0": a Vietnamese decimal is written with a comma
    return None


_POWERS_OF_TEN = frozenset({1, 10, 100, 1000, 10000, 100000})


_YEAR_HEADER = regex.compile(r"(?<!\d)(?:19|20)\d\d(?!\d)|năm|year", regex.IGNORECASE)


def _is_year(tok: NumberToken) -> bool:
    return tok.text.isdigit() and len(tok.text) == 4 and 1900 <= tok.value <= 2100


def _is_day_month(text: str, a: NumberToken, b: NumberToken) -> bool:
    """`tháng 12/2023`, or `01/01`, `25/5` after "ngày", "từ", "đến": dates, not fractions."""
    if a.decimals or b.decimals or len(a.text) > 2:
        return False
    if _is_year(b):
        return 1 <= a.value <= 12
    return len(b.text) <= 2 and 1 <= a.value <= 31 and 1 <= b.value <= 12 \
        and bool(_AFTER_DATE_WORD.match(text, a.char_start))


def _drafts_for(text: str, tok: NumberToken, den: NumberToken | None, unit: _Unit | None,
                cell: _Cell | None, g: Grammar) -> list[_Draft]:
    num_end = (den or tok).char_end
    end = unit.end if unit else num_end
    qualifier = _qualifier(text, tok.char_start, end, g)
    unit_text = unit.text if unit else None
    if den is not None:
        out = [_Draft(tok.char_start, end, tok.value, "ratio", "rx.ratio", 0.9 if unit else 0.75,
                      tok.decimals, tok.char_end, unit_text, tok.value, den.value, qualifier)]
        if den.value != tok.value or _EQUALS.match(text, den.char_end):
            out.append(_Draft(den.char_start, end, den.value, unit.kind if unit else "count",
                              "rx.ratio.denominator", 0.85 if unit else 0.7, den.decimals, den.char_end,
                              unit_text))
        return out
    if tok.is_percent:
        return [_Draft(tok.char_start, tok.char_end, tok.value, "percent", "rx.percent", 0.95, tok.decimals,
                       tok.char_end, "%", qualifier=qualifier)]
    if unit is not None:
        name = {"money": "rx.money", "other": "rx.measure"}.get(unit.kind, "rx.count")
        return [_Draft(tok.char_start, end, tok.value, unit.kind, name, 0.9, tok.decimals, tok.char_end,
                       unit_text, qualifier=qualifier)]
    if cell is not None:
        return [_table_draft(tok, cell, g)]
    return [_Draft(tok.char_start, end, tok.value, "count", "rx.bare", 0.6, tok.decimals, tok.char_end,
                   qualifier=qualifier)]


def _table_draft(tok: NumberToken, cell: _Cell, g: Grammar) -> _Draft:
    """A bare table cell: its unit is its column header's, else the table's "Đơn vị tính"."""
    def draft(value: float, kind: str, unit: str | None) -> _Draft:
        return _Draft(tok.char_start, tok.char_end, value, kind, "rx.table", 0.8, tok.decimals, tok.char_end,
                      unit)

    if _PERCENT_HEADER.search(cell.header):
        return draft(tok.value, "percent", "%")
    for source in (cell.header, cell.unit_note):
        m = g.any_unit.search(source)
        if not m:
            continue
        unit = m.group("u")
        kind = g.unit_kind.get(_WS.sub(" ", unit).casefold(), "count")
        scale = _MONEY_SCALE.search(source) if kind == "money" else None
        factor = MULTIPLIERS[scale.group("m").casefold()] if scale else 1.0
        return draft(round(tok.value * factor, 6), kind, unit)
    return draft(tok.value, "count", None)


_PHRASE_WINDOW = 200  # characters: longer than any phrase of units.yaml


def _qualifier(text: str, start: int, end: int, g: Grammar) -> str | None:
    m = g.after_qualifier.match(text, start)
    if m:
        return g.qualifiers.get(m.group("q").casefold())
    # Bounded end: `regex` looks for the phrase's literal up to `endpos`, which unbounded made every
    # call O(rest of the text) and a long line quadratic. Spaces, then at most one phrase's length.
    j = end
    while j < len(text) and text[j] in " \u00a0":
        j += 1
    m = g.qualifier_after.match(text, end, j + _PHRASE_WINDOW)
    if m:
        return g.qualifiers_after.get(_WS.sub(" ", m.group("q")).casefold())
    return None


def _inherit_units(text: str, drafts: list[_Draft], g: Grammar) -> None:
    """Give each unit-less number the unit its clause names (see the module docstring)."""
    for k, d in enumerate(drafts):
        if d.unit is not None:
            continue
        nxt = drafts[k + 1] if k + 1 < len(drafts) else None
        if nxt is not None and nxt.unit and nxt.kind != "percent" \
                and _RANGE_JOIN.fullmatch(text, d.end, nxt.start):
            d.unit = nxt.unit  # "từ 350 đến hơn 2.300 lượt"
            continue
        lo = max(0, d.start - 300)
        breaks = list(_CLAUSE_BREAK.finditer(text, lo, d.start))
        clause_start = breaks[-1].end() if breaks else lo
        named = list(g.unit_after_so.finditer(text, clause_start, d.start))
        if named:
            d.unit = named[-1].group("u")
            continue
        prev = next((p for p in reversed(drafts[:k]) if p.start >= clause_start and p.unit
                     and p.kind in {"count", "ratio"}), None)
        if prev is not None:
            d.unit = prev.unit
        elif _AFTER_COLON_OR_LA.match(text, d.start):
            first = g.any_unit.search(text, clause_start, d.start)
            if first:
                d.unit = first.group("u")
