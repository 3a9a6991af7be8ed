"""The per-document view every relation finder reads: the text's lines, list depths, footnote
bodies and sentence starts, and the facts as figures (`Fig`) with their units, qualifiers and other
readings; plus the list records (`Part`, `PartList`) the list finders build.

Why one module: the finders only use `Passage`'s methods and the figures. Lines, sentences and list
items are not parsed here: they are read from the document's `Layout` (`pipeline.structure.layout`),
the one parse every stage shares.
"""

from __future__ import annotations

import bisect
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from extractors.catalog import load_catalog
from pipeline.check.precision import half_width, without_scale
from pipeline.check.rules import Rules
from pipeline.model import Fact, NormText, Section
from pipeline.structure.layout import Layout, build_layout

SUPERSCRIPTS = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹", "0123456789")
FOOTNOTE_LINE_RE = re.compile(r"^[ \t]*(?:([⁰¹²³⁴⁵⁶⁷⁸⁹]+)|\[\^?(\d{1,3})\])", re.M)
WORD_RE = re.compile(r"[^\W\d_]+")
SHARE_WORDS = 14  # words a part's description may run before "chiếm"/"tỷ lệ" ties it to its share
YEAR_RE = re.compile(r"(?<!\d)(?:19[5-9]\d|20\d\d)(?!\d)")


@dataclass(slots=True)
class Fig:
    kind: str  # count | money | percent | ratio
    value: float
    start: int
    end: int
    fact_ids: tuple[str, ...]
    decimals: int = 0
    unit: str | None = None
    qualifier: str | None = None
    num: float | None = None
    den: float | None = None
    confidence: float = 1.0
    alts: tuple[tuple[float, str, tuple[tuple[str, str], ...]], ...] = ()  # (value, reason, args)
    num_alts: tuple[tuple[float, str, tuple[tuple[str, str], ...]], ...] = ()
    den_alts: tuple[tuple[float, str, tuple[tuple[str, str], ...]], ...] = ()
    period: str | None = None
    section_id: str | None = None
    metric: str | None = None
    subject: str | None = None
    half: float = 0.0  # FORMAT.md: a figure with decimals or a scale word is ± half its last digit

    @property
    def countlike(self) -> bool:
        return self.kind in ("count", "money")

    @property
    def total_value(self) -> float:
        """A fraction "04/05 biên chế" heads a list by its numerator: the parts are of the 4."""
        return self.num if self.kind == "ratio" and self.num is not None else self.value


@dataclass(slots=True)
class Part:
    fig: Fig
    label: str
    share: Fig | None = None


@dataclass(slots=True)
class PartList:
    total: Fig | None
    parts: list[Part]
    connective: str
    strong: bool
    start: int
    end: int
    head: str
    sep: str | None = None
    section_id: str | None = None
    period: str | None = None
    excluded: list[Part] = field(default_factory=list)
    close: int | None = None  # the ')' closing a list written inside parentheses


def _ocr_doubt(f: Fact) -> float:
    """How sure OCR was of this figure's digits (1.0 when it was not OCR'd at all)."""
    if "ocr" not in (f.extractor or "").lower():
        return 1.0
    return f.confidence if f.confidence is not None else 1.0


class Passage:
    """The text with its lines, bullets and figures indexed for the finders."""

    def __init__(self, t: NormText, sections: Sequence[Section], facts: Sequence[Fact], rules: Rules,
                 layout: Layout | None = None):
        self.t = t
        self.text = t.text
        self.rules = rules
        self.layout = layout if layout is not None else build_layout(t)
        self.sections = list(sections)
        self.heading_starts = {s.char_start for s in sections}
        self.footnote_numbers = self._footnote_numbers()
        self.lines: list[tuple[int, int]] = [(ln.start, ln.end) for ln in self.layout.lines]
        self.line_starts = list(self.layout.line_starts)
        self._depth = [0] * len(self.lines)
        for it in self.layout.items:
            self._depth[it.line] = it.depth
        # footnote bodies printed inside a paragraph ("…2.911 hồ sơ,\n⁹ Gồm …\nđúng hạn 748 …")
        notes = [(s, e) for s, e in self.lines if FOOTNOTE_LINE_RE.match(self.text, s, e)]
        notes += [a for a in t.asides if a not in notes]
        self.note_lines = sorted({self._note_end(s, e) for s, e in notes})
        self.figs = self._figures(facts)
        # per-unit rates ("0,8 máy/người", "14 tiêu chí/xã"): not counts, so kept apart from `figs`
        self.rate_figs = [
            Fig("rate", float(f.value), f.char_start, f.char_end, (f.fact_id,), decimals=int(f.decimals or 0),
                unit=f.unit, half=half_width(self.text[f.char_start : f.char_end], int(f.decimals or 0)))
            for f in sorted(facts, key=lambda f: f.char_start)
            if f.kind == "other" and f.unit and "/" in f.unit and 0 <= f.char_start < f.char_end <= len(self.text)
        ]
        self.fig_starts = [f.start for f in self.figs]
        # indexed once, so that `sentence_start` costs the length of a sentence's parentheses, not of
        # its line (a line of thousands of characters made every figure rescan it)
        self._parens = [m.start() for m in re.finditer(r"[()]", self.text)]

    # --- text helpers ---------------------------------------------------------------------------

    def _footnote_numbers(self) -> set[str]:
        nums = {fn.number.translate(SUPERSCRIPTS) for fn in self.t.footnotes}
        for m in FOOTNOTE_LINE_RE.finditer(self.text):
            nums.add((m.group(1) or m.group(2)).translate(SUPERSCRIPTS))
        return {n for n in nums if n.isdigit()}

    def line_index(self, pos: int) -> int:
        return self.layout.line_at(pos)

    def depth(self, i: int) -> int:
        """The list depth of line i (`Layout.items`), 0 for a line that is not a list item."""
        return self._depth[i]

    def blank(self, i: int) -> bool:
        s, e = self.lines[i]
        return not self.text[s:e].strip(" \t*")

    def is_heading(self, i: int) -> bool:
        return self.lines[i][0] in self.heading_starts

    def sentence_start(self, pos: int) -> int:
        """Start of the sentence (or parenthetical) holding pos: after '. ', a line start, or '('."""
        lo = self.layout.sentence_floor(pos)
        depth = 0
        parens = self._parens
        for j in range(bisect.bisect_left(parens, pos) - 1, bisect.bisect_left(parens, lo) - 1, -1):
            i = parens[j]
            c = self.text[i]
            if c == ")":
                depth += 1
            elif c == "(":
                if depth == 0:
                    return i + 1
                depth -= 1
        return lo

    def _note_end(self, s: int, e: int) -> tuple[int, int]:
        """A footnote body glued to the rest of the sentence it interrupted ("… thành phố. đúng hạn 748
        hồ sơ …") ends at the full stop followed by a lower-case word."""
        for m in re.finditer(r"\.\s+(?=[^\W\d_])", self.text[s:e]):
            if self.text[s + m.end()].islower():
                return (s, s + m.end())
        return (s, e)

    def in_note(self, pos: int) -> tuple[int, int] | None:
        for s, e in self.note_lines:
            if s <= pos < e:
                return (s, e)
        return None

    def without_notes(self, a: int, b: int) -> str:
        """text[a:b] with footnote bodies cut out, so a note printed mid-sentence does not end it."""
        out, pos = [], a
        for s, e in sorted(self.note_lines):
            if e <= pos or s >= b:
                continue
            out.append(self.text[pos:s])
            pos = max(pos, e)
        out.append(self.text[pos:b])
        return "".join(out)

    def figs_between(self, a: int, b: int) -> list[Fig]:
        i = bisect.bisect_left(self.fig_starts, a)
        out = []
        while i < len(self.figs) and self.figs[i].start < b:
            if self.figs[i].end <= b:
                out.append(self.figs[i])
            i += 1
        return out

    def next_fig(self, pos: int) -> Fig | None:
        i = bisect.bisect_left(self.fig_starts, pos)
        return self.figs[i] if i < len(self.figs) else None

    # --- figures --------------------------------------------------------------------------------

    def _figures(self, facts: Sequence[Fact]) -> list[Fig]:
        text = self.text
        ordered = sorted(facts, key=lambda f: (f.char_start, -f.char_end))
        ratio_spans = [
            (f.char_start, f.char_end)
            for f in ordered
            if f.kind == "ratio" and f.numerator is not None and f.denominator is not None
        ]
        figs: list[Fig] = []
        for f in ordered:
            if f.char_start < 0 or f.char_end > len(text) or f.char_end <= f.char_start:
                continue
            q = self._qualifier(f)
            common = dict(
                start=f.char_start,
                end=f.char_end,
                fact_ids=(f.fact_id,),
                qualifier=q,
                confidence=f.confidence if f.confidence is not None else 1.0,
                period=f.period,
                section_id=f.section_id,
                metric=f.metric,
                subject=f.subject,
            )
            if f.kind == "ratio" and f.numerator is not None and f.denominator is not None:
                num_t, den_t = self._ratio_texts(f)
                fig = Fig(
                    "ratio",
                    float(f.value),
                    num=float(f.numerator),
                    den=float(f.denominator),
                    unit=self._unit(f),
                    **common,
                )
                fig.num_alts = self._alt_readings(num_t, float(f.numerator), _ocr_doubt(f), last=False)
                fig.den_alts = self._alt_readings(den_t, float(f.denominator), _ocr_doubt(f), last=True)
                figs.append(fig)
            elif f.kind == "percent":
                figs.append(
                    Fig("percent", float(f.value), decimals=int(f.decimals or 0), unit="%", **common)
                )
            elif f.kind in ("count", "money"):
                if any(
                    s <= f.char_start and f.char_end <= e and (s, e) != (f.char_start, f.char_end)
                    for s, e in ratio_spans
                ):
                    continue  # the number is one side of a fraction already seen as a whole
                if self._is_label_or_year(f):
                    continue
                fig = Fig(
                    f.kind, float(f.value), decimals=int(f.decimals or 0), unit=self._unit(f), **common
                )
                fig.alts = self._alt_readings(
                    self._digits(f.char_start, f.char_end), fig.value, _ocr_doubt(f), last=True
                )
                fig.half = half_width(text[f.char_start : f.char_end], int(f.decimals or 0))
                figs.append(fig)
        return self._join_fractions(figs)

    def _digits(self, s: int, e: int) -> str:
        m = re.search(r"\d[\d.,]*", self.text[s:e])
        return m.group(0) if m else ""

    def _ratio_texts(self, f: Fact) -> tuple[str, str]:
        q = self.text[f.char_start : f.char_end]
        m = re.search(r"(\d[\d.,]*)\D{0,30}?/\s*(\d[\d.,]*)", q)
        return (m.group(1), m.group(2)) if m else ("", "")

    def _alt_readings(
        self, digits: str, value: float, ocr_confidence: float, *, last: bool
    ) -> tuple[tuple[float, str, tuple[tuple[str, str], ...]], ...]:
        """Other values the written digits may stand for: a glued footnote marker, an OCR slip."""
        out: list[tuple[float, str, tuple[tuple[str, str], ...]]] = []
        if not digits or not digits.isdigit():
            return ()
        if last and len(digits) >= 3:
            for n in sorted(self.footnote_numbers, key=len, reverse=True):
                if len(n) < len(digits) and digits.endswith(n) and n != "0":
                    y = digits[: -len(n)]
                    out.append(
                        (
                            float(int(y)),
                            "footnote_reading",
                            (("x", "=" + digits), ("y", "=" + y), ("n", "=" + n)),
                        )
                    )
        if ocr_confidence < self.rules.tolerance.ocr_doubtful_confidence:
            conf = self.rules.tolerance.ocr_confusions
            for i, d in enumerate(digits):
                for r in str(conf.get(d, "")):
                    if i == 0 and r == "0":
                        continue
                    y = digits[:i] + r + digits[i + 1 :]
                    out.append((float(int(y)), "ocr_reading", (("x", "=" + digits), ("y", "=" + y))))
        return tuple(out)

    def _qualifier(self, f: Fact) -> str | None:
        if f.qualifier:
            return f.qualifier.strip().lower()
        before = self.text[max(0, f.char_start - 16) : f.char_start].replace("*", "")
        m = self.rules.qualifier_re.search(before.lower())
        return re.sub(r"\s+", " ", m.group(0)).strip() if m else None

    def _is_label_or_year(self, f: Fact) -> bool:
        before = self.text[max(0, f.char_start - 16) : f.char_start].lower().replace("*", "")
        v = f.value
        if float(v).is_integer() and 1950 <= v <= 2100 and re.search(r"năm\s*$", before):
            return True
        # "mức độ 2, 109 thủ tục": the 2 names the level
        return f.kind == "count" and not f.unit and bool(self.rules.label_before_re.search(before))

    def _unit(self, f: Fact) -> str | None:
        """The counted noun: the word written right after the number, else the extractor's unit (which
        may be inherited from the clause: "12.499 hồ sơ, trong đó trực tiếp 4.522")."""
        if f.kind == "money":
            return "đồng"
        m = re.match(
            r"[ \t]*(?:\*\*)?[ \t]*([^\W\d_]+(?:[ \t]+[^\W\d_]+)?)", self.text[f.char_end : f.char_end + 40]
        )
        written = None
        # "4,52 ngàn HS": the scale word is part of the number, the noun after it is the unit
        quoted = without_scale(self.text[f.char_start : f.char_end])
        quoted_unit = bool(re.search(r"\d[^\W\d_]*[\s,]*[^\W\d_]", quoted))
        if m and not quoted_unit and self.text[f.char_end : f.char_end + 1] in " \t*":
            w = m.group(1).lower().split()
            if w[0] not in self.rules.not_unit:
                written = w[0] if len(w) == 1 or w[1] in self.rules.not_unit else " ".join(w)
        declared = re.sub(r"\s+", " ", f.unit.strip().lower()) if f.unit else None
        if declared and (written is None or compatible(declared, written)):
            return declared
        return written or declared

    def _join_fractions(self, figs: list[Fig]) -> list[Fig]:
        """Two counts joined by '/' ("20 máy tính/20 CBCC") are a fraction."""
        out: list[Fig] = []
        i = 0
        while i < len(figs):
            f = figs[i]
            if i + 1 < len(figs) and f.kind == "count" and figs[i + 1].kind == "count":
                g = figs[i + 1]
                gap = self.text[f.end : g.start]
                n = self.rules.config.connectives.fraction_noun_words
                if re.fullmatch(rf"[ \t]*(?:[^\W\d_]+[ \t]*){{0,{n}}}/[ \t]*", gap) and not re.search(
                    r"/[\w-]*[A-ZĐ]", self.text[g.start - 1 : g.end + 3]
                ):
                    r = Fig(
                        "ratio",
                        f.value / g.value if g.value else math.nan,
                        f.start,
                        g.end,
                        f.fact_ids + g.fact_ids,
                        num=f.value,
                        den=g.value,
                        qualifier=f.qualifier,
                        confidence=min(f.confidence, g.confidence),
                        unit=f.unit,
                        period=f.period,
                        section_id=f.section_id,
                        num_alts=f.alts,
                        den_alts=g.alts,
                    )
                    out.append(r)
                    i += 2
                    continue
            out.append(f)
            i += 1
        return out


# ----------------------------------------------------------------------------------------------
# Small text predicates
# ----------------------------------------------------------------------------------------------


def clean(s: str) -> str:
    return s.replace("**", "").replace("\\", "")


def compatible(a: str | None, b: str | None) -> bool:
    """Same counted noun: "thủ tục" and "bộ thủ tục", "máy" and "máy tính" count the same things; a
    compound unit ("tin, bài, ảnh") admits each of its nouns."""
    if a is None or b is None or a == b:
        return True
    a, b = _expanded(a), _expanded(b)  # "HS" counts "hồ sơ" (metrics.yaml abbreviations)
    return any(_same_noun(x, y) for x in _UNIT_ALTS.split(a) for y in _UNIT_ALTS.split(b) if x and y)


_UNIT_ALTS = re.compile(r"\s*(?:,|/|\bvà\b)\s*")


def _expanded(unit: str) -> str:
    """A unit with its abbreviation written out, so an abbreviated unit is the same noun as the full one."""
    abbr = load_catalog().abbreviations
    words = unit.split()
    return " ".join(" ".join(abbr.get(w, (w,))) for w in words) if any(w in abbr for w in words) else unit


def _same_noun(a: str, b: str) -> bool:
    return (
        a == b or a.endswith(" " + b) or b.endswith(" " + a) or a.startswith(b + " ") or b.startswith(a + " ")
    )


