"""Find the arithmetic relations a report's own wording makes checkable.

Why a separate stage: a figure only means something arithmetically through the words around it.
"527 máy. Trong đó: - 143 máy - 72 máy - 312 máy" is a total and its parts because of "Trong đó"
and the bullets under it, not because of any metric name. So relations are found from the Facts
plus the text between them, independent of the metric catalog:

- lists: a total, a connective ("trong đó", "gồm", …) and its parts, inline (commas, semicolons, a
  parenthesis) or one per line under a total line (bullets, nested bullets); a blank total is the sum
  of the parts; shares attached to parts ("…, chiếm 43,1%") and whether they add past 100 %;
- fractions with their percent ("a/b = p%", "a/b …, đạt p%", "p% (a/b)"), written-out arithmetic,
  rates and shares named after listed parts, a part's share whose base is the figure before it;
- tables (a totals row is the sum of its column; a percent column the ratio of two others), counts of
  listed names, a breakdown restated for the same period with another total;
- from the catalog (schemas/metrics.yaml), when facts carry a `metric`: parents = sum of children,
  rates = numerators / denominator, and one metric, subject and period stated with two values.

Each `Relation` keeps its evidence (`connective`), how sure the structure is (`strong`: a weak one
may be "ok" or "unverifiable", never a mismatch) and the other readings a careful auditor would try
(a footnote marker glued to a number, an OCR-doubtful digit, another base for a share). Verdicts and
messages are `pipeline.check`'s job; this module only reads structure. The words it relies on live in
schemas/checks.yaml.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from pipeline.errors import ConfigError
from pipeline.model import Fact, NormText, Section, section_at

SCHEMA_DIR = Path(__file__).resolve().parent.parent / "schemas"
CHECKS_PATH = SCHEMA_DIR / "checks.yaml"
METRICS_PATH = SCHEMA_DIR / "metrics.yaml"

RULES = (
    "ratio_percent",
    "share_of_total",
    "sum_parts",
    "shares_exceed_total",
    "conflicting_values",
    "list_count",
)
STATUSES = ("ok", "mismatch", "unverifiable")


# ----------------------------------------------------------------------------------------------
# Records handed to the checker
# ----------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Reading:
    """Another way to read a relation's numbers, and why it is plausible."""

    operands: tuple[float, ...]
    stated: float
    reason: str  # key of checks.yaml `reasons`
    args: tuple[tuple[str, str], ...] = ()  # placeholders for the reason text; "=…" is kept as written
    reportable: bool = False  # a mismatch may be reported on this reading when it is the closest


@dataclass(frozen=True, slots=True)
class Relation:
    rule: str
    operands: tuple[float, ...]
    stated: float
    char_start: int
    char_end: int
    fact_ids: tuple[str, ...]
    connective: str  # evidence: which words or structure made the relation
    decimals: tuple[int, ...] = (0,)  # percent rules: (k of stated,); shares: k of each share
    strong: bool = True  # False: the wording may not mean this relation -> never a mismatch
    approximate: str | None = None  # lower_bound | upper_bound | approximate (a qualifier applies)
    qualifier: str | None = None  # the qualifier word as written
    complete: bool = True  # shares_exceed_total: every part carries a share
    readings: tuple[Reading, ...] = ()  # alternatives to the primary reading
    note: str | None = None  # reason key that qualifies the primary reading (e.g. total_not_stated)
    note_args: tuple[tuple[str, str], ...] = ()


# ----------------------------------------------------------------------------------------------
# Rules (schemas/checks.yaml), loaded once
# ----------------------------------------------------------------------------------------------


def _words_re(words: Sequence[str]) -> str:
    alts = sorted({re.escape(w.strip()) for w in words if w.strip()}, key=len, reverse=True)
    return "(?:" + "|".join(a.replace(r"\ ", r"\s+") for a in alts) + ")"


@dataclass(frozen=True)
class Rules:
    raw: dict[str, Any]
    parts_re: re.Pattern[str]
    weak_parts_re: re.Pattern[str]
    share_list_re: re.Pattern[str]
    negation_re: re.Pattern[str]
    bridge_re: str  # alternation of percent bridge words
    strong_bridge_re: str
    total_words_re: re.Pattern[str]
    breakers_re: re.Pattern[str]
    label_before_re: re.Pattern[str]
    not_part_re: re.Pattern[str]
    umbrella_units: frozenset[str]
    attribute_groups: tuple[tuple[str, re.Pattern[str]], ...]
    change_re: re.Pattern[str]
    percent_of_other_re: re.Pattern[str]
    not_unit: frozenset[str]
    qualifier_kind: dict[str, str]
    qualifier_re: re.Pattern[str]
    stopwords: frozenset[str]
    synonyms: tuple[tuple[re.Pattern[str], str], ...]
    ratio_bridge_max_words: int
    tolerance: dict[str, Any]
    messages: dict[str, Any]
    reasons: dict[str, Any]


@lru_cache(maxsize=4)
def load_rules(path: str | None = None) -> Rules:
    """Read and validate checks.yaml; a bad file is a ConfigError (exit 2)."""
    p = Path(path) if path else CHECKS_PATH
    try:
        raw = yaml.safe_load(p.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as e:
        raise ConfigError(f"cannot read check rules: {e}", path=str(p)) from e
    try:
        con = raw["connectives"]
        bridge = list(con["percent_bridge"])
        strong_bridge = [
            w for w in bridge if w.split()[0] in ("chiếm", "tỷ", "tỉ") or "tỷ lệ" in w or "tỉ lệ" in w
        ]
        quals: dict[str, str] = {}
        for kind, words in raw["qualifiers"].items():
            for w in words:
                quals[w] = kind
        aspect = raw["not_a_part_aspect"]
        rules = Rules(
            raw=raw,
            parts_re=re.compile(r"(?<!\w)" + _words_re(con["parts"]) + r"(?!\w)", re.I),
            weak_parts_re=re.compile(r"(?<=[,;]\s)" + _words_re(con["parts_weak"]) + r"(?!\w)", re.I),
            share_list_re=re.compile(r"(?<!\w)" + _words_re(con["share_list"]) + r"(?!\w)", re.I),
            negation_re=re.compile(
                r"(?<!\w)" + _words_re(con["negation"]) + r"\s+((?:[^\W\d_]+\s+){0,2}[^\W\d_]+)", re.I
            ),
            bridge_re=_words_re(bridge),
            strong_bridge_re=_words_re(strong_bridge),
            total_words_re=re.compile(r"(?<!\w)" + _words_re(con["total_words"]) + r"(?!\w)", re.I),
            breakers_re=re.compile(r"(?<!\w)" + _words_re(raw["list_breakers"]) + r"(?!\w)", re.I),
            label_before_re=re.compile(r"(?<!\w)" + _words_re(raw["label_words"]) + r"\s*$", re.I),
            not_part_re=re.compile(
                r"^\W*(?:số\s+)?(?:hồ\s+sơ\s+)?" + _words_re(aspect["part"]) + r"\s+(\w+(?:\s+\w+)?)", re.I
            ),
            umbrella_units=frozenset(raw.get("umbrella_units") or ()),
            attribute_groups=tuple(
                (name, re.compile(r"(?<!\w)" + _words_re(words) + r"(?!\w)", re.I))
                for name, words in raw["attribute_groups"].items()
            ),
            change_re=re.compile(r"(?<!\w)" + _words_re(raw["change_words"]) + r"(?!\w)", re.I),
            percent_of_other_re=re.compile(r"[\s*]*" + _words_re(raw["percent_of_other"]) + r"(?!\w)", re.I),
            not_unit=frozenset(raw["not_unit_words"]),
            qualifier_kind=quals,
            qualifier_re=re.compile(r"(?<!\w)" + _words_re(list(quals)) + r"\s*$", re.I),
            stopwords=frozenset(raw["label_stopwords"]),
            synonyms=tuple(
                (re.compile(r"(?<!\w)" + re.escape(k) + r"(?!\w)"), v)
                for k, v in sorted(raw["label_synonyms"].items(), key=lambda kv: -len(kv[0]))
            ),
            ratio_bridge_max_words=int(con.get("ratio_bridge_max_words", 16)),
            tolerance=dict(raw["tolerance"]),
            messages=dict(raw["messages"]),
            reasons=dict(raw["reasons"]),
        )
    except (KeyError, TypeError, AttributeError, re.error) as e:
        raise ConfigError(f"invalid check rules: {e!r}", path=str(p)) from e
    for rule in RULES:
        for status in STATUSES:
            msg = rules.messages.get(rule, {}).get(status, {})
            if not (isinstance(msg, dict) and msg.get("vi") and msg.get("en")):
                raise ConfigError(f"no vi/en message for {rule}/{status}", path=str(p))
    return rules


def percent_fits(stated: float, computed: float, decimals: int, rules: Rules | None = None) -> bool:
    """FORMAT.md's rule: within half a unit of the last written digit, or equal to the truncated value."""
    tol = (rules or load_rules()).tolerance
    eps = float(tol.get("float_epsilon", 1e-9))
    half = float(tol.get("percent_half_unit", 0.5)) * 10**-decimals
    if abs(stated - computed) <= half + eps:
        return True
    if tol.get("accept_truncation", True):
        scale = 10**decimals
        truncated = math.floor(computed * scale + 1e-7) / scale
        return abs(stated - truncated) <= eps
    return False


# ----------------------------------------------------------------------------------------------
# Catalog relations (schemas/metrics.yaml): optional
# ----------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CatalogRelation:
    kind: str  # sum | ratio
    total: str  # sum: the parent metric; ratio: the percent metric
    parts: tuple[str, ...]  # sum: child metrics; ratio: numerator metrics
    denominator: str | None = None


def load_catalog(path: str | None = None) -> tuple[CatalogRelation, ...]:
    """Parent/child and rate definitions from metrics.yaml; () when the catalog is absent.

    Accepted shapes (the catalog is owned by another module, so both are read):
      relations: [{kind: sum, total: M, parts: [..]}, {kind: ratio, percent: M, numerator: [..],
                  denominator: M}]
      metrics: {M: {parts: [..]}, M: {numerator: [..], denominator: M}}
    """
    p = Path(path) if path else METRICS_PATH
    if not p.exists():
        return ()
    return _load_catalog_cached(str(p), p.stat().st_mtime)


@lru_cache(maxsize=4)
def _load_catalog_cached(path: str, _mtime: float) -> tuple[CatalogRelation, ...]:
    try:
        raw = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as e:
        raise ConfigError(f"cannot read metric catalog: {e}", path=path) from e
    out: list[CatalogRelation] = []
    for r in raw.get("relations", None) or []:
        if not isinstance(r, dict):
            continue
        if r.get("kind") == "sum" and r.get("total") and r.get("parts"):
            out.append(CatalogRelation("sum", str(r["total"]), tuple(map(str, r["parts"]))))
        elif r.get("kind") == "ratio" and r.get("numerator") and r.get("denominator"):
            num = r["numerator"] if isinstance(r["numerator"], list) else [r["numerator"]]
            out.append(
                CatalogRelation(
                    "ratio",
                    str(r.get("percent") or r.get("total")),
                    tuple(map(str, num)),
                    str(r["denominator"]),
                )
            )
    metrics = raw.get("metrics", None) or {}
    if isinstance(metrics, dict):
        for key, spec in metrics.items():
            if not isinstance(spec, dict):
                continue
            if spec.get("parts"):
                out.append(CatalogRelation("sum", str(key), tuple(map(str, spec["parts"]))))
            if spec.get("numerator") and spec.get("denominator"):
                num = spec["numerator"] if isinstance(spec["numerator"], list) else [spec["numerator"]]
                out.append(CatalogRelation("ratio", str(key), tuple(map(str, num)), str(spec["denominator"])))
    return tuple(out)


# ----------------------------------------------------------------------------------------------
# Figures: the facts as the relation finder sees them
# ----------------------------------------------------------------------------------------------

_SUPERSCRIPTS = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹", "0123456789")
_FOOTNOTE_LINE_RE = re.compile(r"^[ \t]*(?:([⁰¹²³⁴⁵⁶⁷⁸⁹]+)|\[\^?(\d{1,3})\])", re.M)
_SENT_BREAK_RE = re.compile(r"[.!?…](?:\*\*|\*)?\s")
_BULLET_RE = re.compile(r"[ \t]*((?:[-–+*•·][ \t]+)+)")  # used with .match at a line start
_MARK_RANK = {"-": 1, "–": 1, "+": 2, "*": 3, "•": 3, "·": 3}
_WORD_RE = re.compile(r"[^\W\d_]+")
_SHARE_WORDS = 14  # words a part's description may run before "chiếm"/"tỷ lệ" ties it to its share
_YEAR_RE = re.compile(r"(?<!\d)(?:19[5-9]\d|20\d\d)(?!\d)")


@dataclass(slots=True)
class _Fig:
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

    @property
    def countlike(self) -> bool:
        return self.kind in ("count", "money")

    @property
    def total_value(self) -> float:
        """A fraction "04/05 biên chế" heads a list by its numerator: the parts are of the 4."""
        return self.num if self.kind == "ratio" and self.num is not None else self.value


@dataclass(slots=True)
class _Part:
    fig: _Fig
    label: str
    share: _Fig | None = None


@dataclass(slots=True)
class _List:
    total: _Fig | None
    parts: list[_Part]
    connective: str
    strong: bool
    start: int
    end: int
    head: str
    sep: str | None = None
    section_id: str | None = None
    period: str | None = None
    excluded: list[_Part] = field(default_factory=list)
    close: int | None = None  # the ')' closing a list written inside parentheses


def _ocr_doubt(f: Fact) -> float:
    """How sure OCR was of this figure's digits (1.0 when it was not OCR'd at all)."""
    if "ocr" not in (f.extractor or "").lower():
        return 1.0
    return f.confidence if f.confidence is not None else 1.0


class _Doc:
    """The text with its lines, bullets and figures indexed for the finders."""

    def __init__(self, t: NormText, sections: Sequence[Section], facts: Sequence[Fact], rules: Rules):
        self.t = t
        self.text = t.text
        self.rules = rules
        self.sections = list(sections)
        self.heading_starts = {s.char_start for s in sections}
        self.footnote_numbers = self._footnote_numbers()
        self.lines: list[tuple[int, int]] = []
        pos = 0
        for line in self.text.split("\n"):
            self.lines.append((pos, pos + len(line)))
            pos += len(line) + 1
        self.line_starts = [s for s, _ in self.lines]
        self._depth = [self._line_depth(s, e) for s, e in self.lines]
        # footnote bodies printed inside a paragraph ("…2.911 hồ sơ,\n⁹ Gồm …\nđúng hạn 748 …")
        notes = [(s, e) for s, e in self.lines if _FOOTNOTE_LINE_RE.match(self.text, s, e)]
        notes += [a for a in t.asides if a not in notes]
        self.note_lines = sorted({self._note_end(s, e) for s, e in notes})
        self.figs = self._figures(facts)
        self.fig_starts = [f.start for f in self.figs]

    # --- text helpers ---------------------------------------------------------------------------

    def _footnote_numbers(self) -> set[str]:
        nums = {fn.number.translate(_SUPERSCRIPTS) for fn in self.t.footnotes}
        for m in _FOOTNOTE_LINE_RE.finditer(self.text):
            nums.add((m.group(1) or m.group(2)).translate(_SUPERSCRIPTS))
        return {n for n in nums if n.isdigit()}

    def line_index(self, pos: int) -> int:
        import bisect

        return max(0, bisect.bisect_right(self.line_starts, pos) - 1)

    def _line_depth(self, s: int, e: int) -> int:
        m = _BULLET_RE.match(self.text, s, e)
        if not m:
            return 0
        marks = [c for c in m.group(1) if c in _MARK_RANK]
        return 10 * len(marks) + _MARK_RANK[marks[-1]]

    def depth(self, i: int) -> int:
        return self._depth[i]

    def blank(self, i: int) -> bool:
        s, e = self.lines[i]
        return not self.text[s:e].strip(" \t*")

    def is_heading(self, i: int) -> bool:
        return self.lines[i][0] in self.heading_starts

    def sentence_start(self, pos: int) -> int:
        """Start of the sentence (or parenthetical) holding pos: after '. ', a line start, or '('."""
        ls = self.lines[self.line_index(pos)][0]
        seg = self.text[ls:pos]
        lo = ls
        for m in _SENT_BREAK_RE.finditer(seg):
            lo = ls + m.end()
        depth = 0
        for i in range(pos - 1, lo - 1, -1):
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

    def figs_between(self, a: int, b: int) -> list[_Fig]:
        import bisect

        i = bisect.bisect_left(self.fig_starts, a)
        out = []
        while i < len(self.figs) and self.figs[i].start < b:
            if self.figs[i].end <= b:
                out.append(self.figs[i])
            i += 1
        return out

    def next_fig(self, pos: int) -> _Fig | None:
        import bisect

        i = bisect.bisect_left(self.fig_starts, pos)
        return self.figs[i] if i < len(self.figs) else None

    # --- figures --------------------------------------------------------------------------------

    def _figures(self, facts: Sequence[Fact]) -> list[_Fig]:
        text = self.text
        ordered = sorted(facts, key=lambda f: (f.char_start, -f.char_end))
        ratio_spans = [
            (f.char_start, f.char_end)
            for f in ordered
            if f.kind == "ratio" and f.numerator is not None and f.denominator is not None
        ]
        figs: list[_Fig] = []
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
                fig = _Fig(
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
                    _Fig("percent", float(f.value), decimals=int(f.decimals or 0), unit="%", **common)
                )
            elif f.kind in ("count", "money"):
                if any(
                    s <= f.char_start and f.char_end <= e and (s, e) != (f.char_start, f.char_end)
                    for s, e in ratio_spans
                ):
                    continue  # the number is one side of a fraction already seen as a whole
                if self._is_label_or_year(f):
                    continue
                fig = _Fig(
                    f.kind, float(f.value), decimals=int(f.decimals or 0), unit=self._unit(f), **common
                )
                fig.alts = self._alt_readings(
                    self._digits(f.char_start, f.char_end), fig.value, _ocr_doubt(f), last=True
                )
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
        if ocr_confidence < float(self.rules.tolerance.get("ocr_doubtful_confidence", 0.9)):
            conf = self.rules.tolerance.get("ocr_confusions", {}) or {}
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
        quoted_unit = bool(re.search(r"\d[^\W\d_]*[\s,]*[^\W\d_]", self.text[f.char_start : f.char_end]))
        if m and not quoted_unit and self.text[f.char_end : f.char_end + 1] in " \t*":
            w = m.group(1).lower().split()
            if w[0] not in self.rules.not_unit:
                written = w[0] if len(w) == 1 or w[1] in self.rules.not_unit else " ".join(w)
        declared = re.sub(r"\s+", " ", f.unit.strip().lower()) if f.unit else None
        if declared and (written is None or _compatible(declared, written)):
            return declared
        return written or declared

    def _join_fractions(self, figs: list[_Fig]) -> list[_Fig]:
        """Two counts joined by '/' ("20 máy tính/20 CBCC") are a fraction."""
        out: list[_Fig] = []
        i = 0
        while i < len(figs):
            f = figs[i]
            if i + 1 < len(figs) and f.kind == "count" and figs[i + 1].kind == "count":
                g = figs[i + 1]
                gap = self.text[f.end : g.start]
                if re.fullmatch(r"[ \t]*(?:[^\W\d_]+[ \t]*){0,3}/[ \t]*", gap) and not re.search(
                    r"/[\w-]*[A-ZĐ]", self.text[g.start - 1 : g.end + 3]
                ):
                    r = _Fig(
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


def _clean(s: str) -> str:
    return s.replace("**", "").replace("\\", "")


def _compatible(a: str | None, b: str | None) -> bool:
    """Same counted noun: "thủ tục" and "bộ thủ tục", "máy" and "máy tính" count the same things; a
    compound unit ("tin, bài, ảnh") admits each of its nouns."""
    if a is None or b is None or a == b:
        return True
    return any(_same_noun(x, y) for x in _UNIT_ALTS.split(a) for y in _UNIT_ALTS.split(b) if x and y)


_UNIT_ALTS = re.compile(r"\s*(?:,|/|\bvà\b)\s*")


def _same_noun(a: str, b: str) -> bool:
    return (
        a == b or a.endswith(" " + b) or b.endswith(" " + a) or a.startswith(b + " ") or b.startswith(a + " ")
    )


def _has_sentence_break(doc: _Doc, gap: str, next_char: str = "") -> bool:
    g = _clean(gap)
    if _SENT_BREAK_RE.search(g + (" " if next_char else "")):
        return True
    if "\n" in g:
        before, _, after = g.partition("\n")
        if before.rstrip().endswith((".", ";", ":", "!", "?")):
            return True
        rest = after.lstrip("\n \t")
        if _BULLET_RE.match(rest) or re.match(r"[-–+•·]\s", rest):
            return True
    return False


def _bridge_ok(doc: _Doc, gap: str, *, max_words: int, weak_words: int = 3) -> bool:
    """The words between a part (or fraction) and a percent tie them: "... hồ sơ, chiếm 12,5%"."""
    g = _clean(gap)
    if ";" in g or "\n" in g.strip(" \t") or _SENT_BREAK_RE.search(g):
        return False
    # "đạt trên 85%": the qualifier belongs to the number, not to the bridge
    g = doc.rules.qualifier_re.sub("", g.strip()).strip()
    if not g:
        return False
    bridge = doc.rules.bridge_re
    m = re.search(r"(?:(?<!\w)" + bridge + r"(?!\w)[\s:=]*)+\(?\s*$|\(\s*$|=\s*$", g, re.I)
    if not m:
        return False
    words = _WORD_RE.findall(g[: m.start()])
    strong = re.search(r"(?<!\w)" + doc.rules.strong_bridge_re + r"(?!\w)|=|\(", g[m.start() :], re.I)
    limit = max_words if strong else min(max_words, weak_words)
    return len(words) <= limit


def _norm_label(doc: _Doc, s: str) -> tuple[str, ...]:
    s = unicodedata.normalize("NFC", _clean(s).lower())
    for pat, rep in doc.rules.synonyms:
        s = pat.sub(rep, s)
    return tuple(w for w in _WORD_RE.findall(s) if w not in doc.rules.stopwords)


def _period_of(doc: _Doc, fig: _Fig | None, head: str) -> str | None:
    if fig is not None and fig.period:
        return fig.period
    m = re.findall(r"(?:đến|tới)\s+(?:ngày\s+)?(\d{1,2}/\d{1,2}/\d{4})", head)
    if m:
        return "..".join(re.findall(r"\d{1,2}/\d{1,2}/\d{4}", head)) or m[-1]
    years = re.findall(r"(?<!\w)năm\s+(\d{4})", head, re.I)
    return years[-1] if years else None


# ----------------------------------------------------------------------------------------------
# Lists: a total and its parts
# ----------------------------------------------------------------------------------------------


def _matching_paren(text: str, open_pos: int, limit: int) -> int:
    depth = 0
    for i in range(open_pos, min(limit, len(text))):
        if text[i] == "(":
            depth += 1
        elif text[i] == ")":
            depth -= 1
            if depth == 0:
                return i
    return -1


def _part_excluded(doc: _Doc, label: str, head: str) -> bool:
    """ "đã giải quyết 100 hồ sơ, trong đó ... đang giải quyết 4": a stage, not a part."""
    m = doc.rules.not_part_re.match(_clean(label).strip().lower())
    if not m:
        return False
    verb = m.group(1).split()[0]
    totals = doc.rules.raw["not_a_part_aspect"]["total"]
    return any(
        re.search(rf"(?<!\w){re.escape(t)}\s+(?:[\w,]+\s+){{0,2}}{re.escape(verb)}", head.lower())
        for t in totals
    )


def _in_unit_phrase(doc: _Doc, unit: str | None, total: _Fig) -> bool:
    """ "13 thôn, buôn, trong đó 10 thôn và 04 buôn": the nouns written after a total name its parts."""
    if unit is None:
        return True
    m = re.match(r"[^\d;.(:\n]{0,60}", doc.text[total.end :])
    phrase = m.group(0) if m else ""
    cut = doc.rules.parts_re.search(phrase)
    words = set(_WORD_RE.findall((phrase[: cut.start()] if cut else phrase).lower()))
    return unit.split()[0] in words


def _umbrella(doc: _Doc, unit: str | None) -> bool:
    return unit is not None and unit in doc.rules.umbrella_units


def _unit_heads(doc: _Doc, total: _Fig, unit: str | None) -> bool:
    """Can a total counted in its noun have a part counted in `unit`?"""
    return _compatible(total.unit, unit) or _in_unit_phrase(doc, unit, total) or _umbrella(doc, total.unit)


def _walk_inline(
    doc: _Doc,
    start: int,
    total: _Fig | None,
    head: str,
    *,
    limit: int,
    first_sep: str | None = None,
    stop_at_total_words: bool = False,
) -> _List | None:
    """Collect the parts that follow a connective in running text, up to the clause that ends them."""
    text = doc.text
    pos = start
    m = re.match(r"[\s:*]*", text[pos:limit])
    pos += m.end() if m else 0
    container_end = limit
    if pos < limit and text[pos] == "(":
        close = _matching_paren(text, pos, limit)
        if close > 0:
            container_end = close
            pos += 1
    parts: list[_Part] = []
    excluded: list[_Part] = []
    sep = first_sep
    last_end = pos
    end = pos
    i_figs = doc.figs_between(pos, container_end)
    skip_until = -1
    home = doc.in_note(start)
    for f in i_figs:
        if f.start < skip_until:
            continue
        if doc.in_note(f.start) != home:
            continue  # a footnote body printed inside the sentence is not part of it
        gap = doc.without_notes(last_end, f.start) if home is None else text[last_end : f.start]
        if _has_sentence_break(doc, gap, text[f.start : f.start + 1]):
            break
        opened = gap.count("(") - gap.count(")")
        if opened < 0:
            break  # a parenthesis opened before the list closes: the list is over
        if (
            opened > 0
            and f.kind == "percent"
            and parts
            and parts[-1].share is None
            and parts[-1].fig.end == last_end
            and re.fullmatch(r"[^()]*\(\s*", gap)
            and _bridge_ok(doc, gap, max_words=_SHARE_WORDS)
        ):
            parts[-1].share = f  # "trực tuyến 12.361 hồ sơ (62,5%)"
            close = text.find(")", f.end, f.end + 6)
            last_end = end = close + 1 if close >= 0 and not text[f.end : close].strip() else f.end
            continue
        if opened > 0:
            o = text.rfind("(", last_end, f.start)
            close = _matching_paren(text, o, container_end)
            if close < 0:
                break
            skip_until = close  # a parenthetical aside with its own figures (a nested list)
            last_end = close + 1
            continue
        if doc.rules.breakers_re.search(_clean(gap)):
            break
        if f.kind == "percent":
            if (
                parts
                and parts[-1].share is None
                and parts[-1].fig.end == last_end
                and _bridge_ok(doc, gap, max_words=_SHARE_WORDS)
            ):
                parts[-1].share = f
                last_end = end = f.end
                continue
            if not parts:
                return None  # percents of their own: rates of subgroups, not parts
            continue
        if f.kind == "ratio":
            break
        # a count or an amount
        if ";" in gap:
            if sep == ",":
                break
            sep = sep or ";"
        elif parts or first_sep:
            if "," in gap or re.search(r"(?<!\w)và(?!\w)", gap):
                sep = sep or ","
            elif parts and not re.search(r"\w", gap):
                break
        label = re.split(r"[,;(]", gap)[-1]
        if stop_at_total_words and doc.rules.total_words_re.match(_clean(label).strip()):
            break
        if parts:
            same = _compatible(f.unit, parts[0].fig.unit) or (
                total is not None and (_compatible(f.unit, total.unit) or _in_unit_phrase(doc, f.unit, total))
            )
            # a total in a generic noun ("12 đơn vị, trong đó 09 xã và 03 cơ quan") admits mixed parts;
            # such a list is weak anyway (its first part is not in the total's unit)
            mixed = total is not None and (
                not _unit_heads(doc, total, parts[0].fig.unit) or _umbrella(doc, total.unit)
            )
            if (not same and sep != ";" and not mixed) or f.kind != parts[0].fig.kind:
                break
        if total is not None and f.kind == "money" and total.kind not in ("money",):
            break
        part = _Part(f, label)
        if _part_excluded(doc, label, head):
            excluded.append(part)
        else:
            parts.append(part)
        last_end = end = f.end
    if not parts:
        return None
    return _List(
        total=total,
        parts=parts,
        connective="",
        strong=True,
        start=start,
        end=end,
        head=head,
        sep=sep,
        excluded=excluded,
        close=container_end if container_end < limit else None,
    )


def _head_total(doc: _Doc, conn_start: int) -> tuple[_Fig | None, str, int]:
    """The figure a connective refers back to: the last count or fraction in its sentence, or in the
    previous sentence when the connective opens one ("... 527 máy. Trong đó: ...")."""
    lo = doc.sentence_start(conn_start)
    before = _clean(doc.text[lo:conn_start]).strip(" \t-+*•·")
    note = _FOOTNOTE_LINE_RE.match(before)
    if note and not before[note.end() :].strip():
        # "⁹ Gồm 1.043 … và 244 …": a footnote breaking down the figure that carries marker 9
        return _noted_figure(doc, (note.group(1) or note.group(2)).translate(_SUPERSCRIPTS)), "", lo
    if not before and doc.text[lo - 1 : lo] == "(":
        # "tiếp nhận 9.418 hồ sơ (trong đó ...)": the head is the sentence before the parenthesis
        hi = lo - 1
        lo = doc.sentence_start(hi)
        head = doc.text[lo:hi]
        cands = [f for f in doc.figs_between(lo, hi) if f.countlike or f.kind == "ratio"]
        return (cands[-1] if cands else None), head, lo
    if not before or not re.search(r"[^\W\d_]", before):
        j = lo - 1
        while j > 0 and doc.text[j] in " \t\n.:;*":
            j -= 1
        if j <= 0:
            return None, "", lo
        lo = doc.sentence_start(j + 1)
        if doc.text[lo - 1 : lo] == "(":  # the previous sentence is a parenthetical: not our head
            return None, "", lo
    head = doc.text[lo:conn_start]
    cands = [f for f in doc.figs_between(lo, conn_start) if f.countlike or f.kind == "ratio"]
    # figures inside a closed parenthetical belong to it, not to the head
    cands = [
        f for f in cands if doc.text[f.end : conn_start].count(")") <= doc.text[f.end : conn_start].count("(")
    ]
    if not cands:
        return None, head, lo
    return cands[-1], head, lo


def _noted_figure(doc: _Doc, number: str) -> _Fig | None:
    """The figure a footnote marker was glued to: from NormText.footnotes, or the marker still in the text."""
    for fn in doc.t.footnotes:
        if fn.number.translate(_SUPERSCRIPTS) == number:
            for f in reversed(doc.figs_between(max(0, fn.char_start - 60), fn.char_start + 80)):
                if (
                    f.countlike
                    and f.start < fn.char_start <= f.end
                    and re.fullmatch(r"[\d.,]+\s*", doc.text[f.start : fn.char_start])
                ):
                    return f
    sup = number.translate(str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹"))
    for m in re.finditer(re.escape(sup) + r"(?![⁰¹²³⁴⁵⁶⁷⁸⁹])", doc.text):
        for f in reversed(doc.figs_between(max(0, m.start() - 40), m.start() + 1)):
            if f.countlike and f.end == m.start():
                return f
    return None


def _pick_total(
    cands_head: _Fig | None, doc: _Doc, lo: int, conn_start: int, first: _Fig | None
) -> _Fig | None:
    """Among head figures prefer the last one in the parts' unit ("20 Đài ... của 20 xã, trong đó 14 Đài")."""
    if cands_head is None or first is None or first.unit is None:
        return cands_head
    cands = [f for f in doc.figs_between(lo, conn_start) if f.countlike or f.kind == "ratio"]
    for f in reversed(cands):
        if f.unit is not None and _compatible(f.unit, first.unit):
            return f
    return cands_head


def _inline_lists(doc: _Doc, lists: list[_List]) -> None:
    text = doc.text
    for m in doc.rules.parts_re.finditer(text):
        if re.search(r"(?<!\w)không\s*$", text[max(0, m.start() - 8) : m.start()], re.I):
            continue  # "không bao gồm": explicitly not part
        total, head, lo = _head_total(doc, m.start())
        rest_of_line = text[m.end() : text.find("\n", m.end()) if "\n" in text[m.end() :] else len(text)]
        if not _clean(rest_of_line).strip(" \t:*"):
            lst = _block_list(doc, doc.line_index(m.start()), total, head, conn=m.group(0).lower())
            if lst:
                lst.start = total.start if total else m.start()
                lists.append(lst)
            continue
        limit = min(len(text), m.end() + 3000)
        lst = _walk_inline(doc, m.end(), total, head, limit=limit)
        if lst is None:
            continue
        # "gồm 272 thủ tục, trong đó: ...": the first figure heads the next connective, it is no part
        first = lst.parts[0]
        nxt = doc.rules.parts_re.search(text, first.fig.end, first.fig.end + 60)
        if first.share is None and nxt and not re.search(r"[\d;.()\n]", text[first.fig.end : nxt.start()]):
            continue
        if total is not None and lst.parts and lst.parts[0].fig.unit is not None:
            total = _pick_total(total, doc, lo, m.start(), lst.parts[0].fig)
            lst.total = total
        if total is not None and not _unit_heads(doc, total, lst.parts[0].fig.unit):
            lst.strong = False
        lst.connective = m.group(0).lower()
        lst.start = total.start if total else m.start()
        lst.head = head
        lists.append(lst)


def _fig_on_line(doc: _Doc, i: int, unit: str | None, kind: str | None) -> tuple[_Fig | None, _Fig | None]:
    """The part a bullet line states (its first count in the total's unit) and the share after it."""
    s, e = doc.lines[i]
    figs = doc.figs_between(s, e)
    part = None
    for f in figs:
        if (
            f.countlike
            and _compatible(f.unit, unit)
            and (kind is None or (f.kind == "money") == (kind == "money"))
        ):
            part = f
            break
    if part is None:
        return None, None
    share = None
    for f in figs:
        if f.start >= part.end:
            if f.kind == "percent" and _bridge_ok(doc, doc.text[part.end : f.start], max_words=_SHARE_WORDS):
                share = f
            break
    return part, share


def _block_list(
    doc: _Doc, head_line: int, total: _Fig | None, head: str, *, conn: str, siblings: bool = False
) -> _List | None:
    """Parts stated one per line under a head line: bullets deeper than the head, or plain lines."""
    n = len(doc.lines)
    hd = doc.depth(head_line)
    i = head_line + 1
    while i < n and doc.blank(i):
        i += 1
    if i >= n or doc.is_heading(i):
        return None
    d = doc.depth(i)
    plain = False
    if siblings:
        if d != hd or d == 0:
            return None
    elif d <= hd:
        if not (hd == 0 and d == 0 and conn):
            return None
        plain = True
    unit = total.unit if total else None
    kind = total.kind if total else None
    parts: list[_Part] = []
    excluded: list[_Part] = []
    end = doc.lines[head_line][1]
    while i < n:
        if doc.blank(i):
            i += 1
            continue
        if doc.is_heading(i):
            break
        di = doc.depth(i)
        if di < d:
            break
        if di == d:
            part, share = _fig_on_line(doc, i, unit, kind)
            s, e = doc.lines[i]
            if part is None:
                if plain:
                    break
                i += 1
                continue
            label = doc.text[s : part.start]
            if total is not None and part.total_value > total.total_value and siblings:
                break
            if plain and (e - s > 200 or ":" not in label):
                break
            p = _Part(part, label, share)
            (excluded if _part_excluded(doc, label, head) else parts).append(p)
            unit = unit or part.unit
            kind = kind or part.kind
            end = (share or part).end
        i += 1
    if not parts:
        return None
    return _List(
        total=total,
        parts=parts,
        connective=(conn + " + dòng liệt kê").strip(),
        strong=not siblings,
        start=total.start if total else doc.lines[head_line][0],
        end=end,
        head=head,
        sep="\n",
        excluded=excluded,
    )


def _bullet_head_lists(doc: _Doc, lists: list[_List], used_totals: set[int]) -> None:
    """A line ending in a figure ("- Năm 2020: 2.050.000.000 đồng") with deeper bullets under it;
    and, weakly, a "Tổng số …: N" line followed by sibling lines."""
    for i, (s, e) in enumerate(doc.lines):
        figs = [f for f in doc.figs_between(s, e) if f.countlike or f.kind == "ratio"]
        if not figs:
            continue
        last = figs[-1]
        tail = _clean(doc.text[last.end : e]).strip()
        if not re.fullmatch(r"(?:[^\W\d_]+\s*){0,3}[.:]?", tail):
            continue
        if last.start in used_totals:
            continue
        label = doc.text[s : last.start]
        lst = _block_list(doc, i, last, label, conn="")
        if lst and len(lst.parts) >= 1:
            lst.connective = "dòng tổng + gạch đầu dòng"
            lists.append(lst)
            used_totals.add(last.start)
            continue
        if doc.rules.total_words_re.search(_clean(label)) and doc.depth(i) > 0:
            lst = _block_list(doc, i, last, label, conn="", siblings=True)
            if lst and len(lst.parts) >= 2:
                lst.connective = "tổng số + các dòng cùng cấp"
                lst.strong = False
                lists.append(lst)
                used_totals.add(last.start)


def _colon_total_lists(doc: _Doc, lists: list[_List], used_totals: set[int]) -> None:
    """ "tổng số hồ sơ tiếp nhận: 35; đã giải quyết: 34; đang giải quyết: 01" (weak: ';' may just
    separate unrelated figures)."""
    text = doc.text
    for m in re.finditer(
        r"(?<!\w)(?:tổng số|tổng cộng)[^.;:\n]{0,80}?(?::|(?<!\w)là(?!\w))[ \t*]*", text, re.I
    ):
        f = doc.next_fig(m.end())
        if f is None or f.start != m.end() or not f.countlike or f.start in used_totals:
            continue
        lo = doc.sentence_start(m.start())
        lst = _walk_inline(
            doc, f.end, f, text[lo : f.start], limit=min(len(text), f.end + 1500), stop_at_total_words=True
        )
        if lst is None or len(lst.parts) < 2 or lst.sep != ";":
            continue
        if any(p.fig.total_value > f.total_value for p in lst.parts):
            continue
        lst.connective = "tổng số …: + ';'"
        lst.strong = False
        lst.start = f.start
        lists.append(lst)
        used_totals.add(f.start)


def _paren_lists(doc: _Doc, lists: list[_List], used_totals: set[int]) -> None:
    """ "6.482 hồ sơ (kỳ trước chuyển sang 137 hồ sơ, tiếp nhận mới 6.345 hồ sơ)": a breakdown in
    parentheses without a connective, all parts in the total's unit. Weak when the parenthesis may as
    well compare with another year ("năm trước", "tăng")."""
    text = doc.text
    for f in doc.figs:
        if not f.countlike or f.start in used_totals:
            continue
        m = re.match(r"[ \t*]*(?:[^\W\d_]+[ \t*]+){0,4}?\(", text[f.end : f.end + 60])
        if not m:
            continue
        open_at = f.end + m.end() - 1
        close = _matching_paren(text, open_at, open_at + 600)
        if close < 0 or doc.rules.parts_re.search(text[open_at:close]):
            continue
        lo = doc.sentence_start(f.start)
        lst = _walk_inline(doc, open_at, f, text[lo : f.start], limit=close + 1)
        if lst is None or len(lst.parts) < 2:
            continue
        if any(
            p.fig.unit is None or not _compatible(p.fig.unit, f.unit) or p.fig.value > f.value
            for p in lst.parts
        ):
            continue
        lst.connective = "( … )"
        inside = text[open_at:close]
        # strong unless the parenthesis may compare (another year, a change) rather than break down
        lst.strong = not (doc.rules.change_re.search(inside) or re.search(r"(?<!\w)năm(?!\w)", inside, re.I))
        lst.start = f.start
        lists.append(lst)
        used_totals.add(f.start)


def _weak_co_lists(doc: _Doc, lists: list[_List], used_totals: set[int]) -> None:
    """ "đạt 24/30 chỉ tiêu, có 11 chỉ tiêu vượt và 13 chỉ tiêu đạt": parts may follow "có"."""
    for m in doc.rules.weak_parts_re.finditer(doc.text):
        total, head, _lo = _head_total(doc, m.start())
        if total is None or total.start in used_totals or total.unit is None:
            continue
        lst = _walk_inline(doc, m.end(), total, head, limit=min(len(doc.text), m.end() + 600))
        if lst is None or len(lst.parts) < 2:
            continue
        if any(
            p.fig.unit is None
            or not _compatible(p.fig.unit, total.unit)
            or p.fig.total_value > total.total_value
            for p in lst.parts
        ):
            continue
        lst.connective = m.group(0).lower()
        lst.strong = False
        lst.start = total.start
        lists.append(lst)
        used_totals.add(total.start)


# ----------------------------------------------------------------------------------------------
# Relations from lists, fractions and nearby bases
# ----------------------------------------------------------------------------------------------


def _approx(doc: _Doc, figs: Sequence[_Fig]) -> tuple[str | None, str | None]:
    for f in figs:
        if f.qualifier:
            kind = doc.rules.qualifier_kind.get(f.qualifier)
            if kind is None:
                kind = next(
                    (k for w, k in doc.rules.qualifier_kind.items() if f.qualifier.startswith(w)),
                    "approximate",
                )
            return kind, f.qualifier
    return None, None


def _share_relation(
    doc: _Doc,
    part: _Fig,
    share: _Fig,
    base: float,
    base_fig: _Fig | None,
    *,
    connective: str,
    strong: bool,
    span_start: int,
    readings: tuple[Reading, ...] = (),
    note: str | None = None,
    note_args: tuple[tuple[str, str], ...] = (),
    rule: str = "share_of_total",
) -> Relation:
    ids = part.fact_ids + share.fact_ids + (base_fig.fact_ids if base_fig else ())
    alts = list(readings)
    for v, reason, args in part.alts:
        alts.append(Reading((v, base), share.value, reason, args, reportable=reason == "footnote_reading"))
    if base_fig is not None:
        for v, reason, args in base_fig.alts:
            alts.append(
                Reading((part.value, v), share.value, reason, args, reportable=reason == "footnote_reading")
            )
    kind, word = _approx(doc, [share] if share.qualifier else [part] + ([base_fig] if base_fig else []))
    if kind and not share.qualifier:
        kind = "approximate"
    return Relation(
        rule=rule,
        operands=(part.value, base),
        stated=share.value,
        char_start=min(span_start, part.start),
        char_end=max(share.end, part.end),
        fact_ids=tuple(dict.fromkeys(ids)),
        connective=connective,
        decimals=(share.decimals,),
        strong=strong,
        approximate=kind,
        qualifier=word,
        readings=tuple(alts),
        note=note,
        note_args=note_args,
    )


def _attribute_groups(doc: _Doc, lst: _List) -> set[str]:
    """Which attribute groups ("giới tính", "trình độ", …) the parts' labels belong to."""
    return {
        name for p in lst.parts for name, pat in doc.rules.attribute_groups if pat.search(_clean(p.label))
    }


def _relations_from_list(doc: _Doc, lst: _List) -> list[Relation]:
    if len(_attribute_groups(doc, lst)) >= 2:
        lst.strong = False  # overlapping subsets (women, party members, graduates), not a partition
    out: list[Relation] = []
    parts = lst.parts
    total = lst.total
    values = [p.fig.value for p in parts]
    psum = float(sum(values))
    conn = lst.connective
    if total is not None and len(parts) >= 2:
        ids = total.fact_ids + tuple(i for p in parts for i in p.fig.fact_ids)
        kind, word = _approx(doc, [total] + [p.fig for p in parts])
        alts: list[Reading] = []
        for v, reason, args in total.alts:
            alts.append(Reading(tuple(values), v, reason, args, reportable=reason == "footnote_reading"))
        for j, p in enumerate(parts):
            for v, reason, args in p.fig.alts:
                vals = list(values)
                vals[j] = v
                alts.append(Reading(tuple(vals), total.total_value, reason, args))
        out.append(
            Relation(
                rule="sum_parts",
                operands=tuple(values),
                stated=total.total_value,
                char_start=min(total.start, parts[0].fig.start),
                char_end=max(total.end, parts[-1].fig.end),
                fact_ids=tuple(dict.fromkeys(ids)),
                connective=conn,
                decimals=(total.decimals,),
                strong=lst.strong,
                approximate=kind,
                qualifier=word,
                readings=tuple(alts),
            )
        )
    shares = [p for p in parts if p.share is not None]
    if shares:
        for p in shares:
            assert p.share is not None
            if total is not None:
                readings: tuple[Reading, ...] = ()
                if len(parts) >= 2 and abs(psum - total.total_value) > 1e-9:
                    readings = (
                        Reading(
                            (p.fig.value, psum),
                            p.share.value,
                            "base_sum_of_parts",
                            (("x", _plain(total.total_value)), ("y", _plain(psum))),
                        ),
                    )
                out.append(
                    _share_relation(
                        doc,
                        p.fig,
                        p.share,
                        total.total_value,
                        total,
                        connective=conn,
                        strong=lst.strong,
                        span_start=total.start,
                        readings=readings,
                    )
                )
            elif len(parts) >= 2:
                out.append(
                    _share_relation(
                        doc,
                        p.fig,
                        p.share,
                        psum,
                        None,
                        connective=conn,
                        strong=lst.strong,
                        span_start=lst.start,
                        note="total_not_stated",
                        note_args=(("y", _plain(psum)),),
                    )
                )
        if len(shares) >= 2:
            ids = tuple(i for p in shares for i in p.share.fact_ids)  # type: ignore[union-attr]
            kind, word = _approx(doc, [p.share for p in shares if p.share])
            out.append(
                Relation(
                    rule="shares_exceed_total",
                    operands=tuple(p.share.value for p in shares if p.share),
                    stated=100.0,
                    char_start=lst.start,
                    char_end=max(p.share.end for p in shares if p.share),
                    fact_ids=ids,
                    connective=conn,
                    decimals=tuple(p.share.decimals for p in shares if p.share),
                    strong=lst.strong,
                    approximate=kind,
                    qualifier=word,
                    complete=len(shares) == len(parts),
                )
            )
    return out


def _plain(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else repr(x)


_RATE_AFTER = re.compile(r"[\s,;.*]*(?:(?:và|với)\s+)?(tỷ lệ|tỉ lệ)\s+(.{3,100}?)\s*(?:đạt|là|:|=)", re.I)
_SHARE_AFTER = re.compile(r"[\s,;.*]*((?:[^\W\d_]+[ \t]+){1,10}?)chiếm(?:\s+(?:tỷ|tỉ)\s+lệ)?\s*:?\s*", re.I)


def _named_rates(doc: _Doc, lst: _List) -> list[Relation]:
    """A rate or share right after a list that names some of its parts:
    "(trước hạn 50, đúng hạn 40, quá hạn 10), tỷ lệ giải quyết sớm và đúng hạn đạt 90%" (numerator = the
    parts named, base = the total), "…; hồ sơ trực tuyến chiếm 33,55% tổng số hồ sơ tiếp nhận"."""
    if lst.total is None or len(lst.parts) < 2:
        return []
    text = doc.text
    end = max([lst.end] + [p.fig.end for p in lst.excluded])
    if lst.close is not None and lst.close >= end:
        end = lst.close + 1
    window = text[end : end + 200]
    out: list[Relation] = []
    for pattern, rule in ((_RATE_AFTER, "ratio_percent"), (_SHARE_AFTER, "share_of_total")):
        m = pattern.match(window)
        if not m:
            continue
        label = m.group(2) if rule == "ratio_percent" else m.group(1)
        pct = doc.next_fig(end + m.end())
        if (
            pct is None
            or pct.kind != "percent"
            or not _bridge_ok(doc, text[end + m.start(1) : pct.start], max_words=20, weak_words=20)
        ):
            continue
        chosen = _parts_named(doc, lst, label)
        if not chosen:
            continue
        num = float(sum(p.fig.value for p in chosen))
        ids = tuple(i for p in chosen for i in p.fig.fact_ids) + lst.total.fact_ids + pct.fact_ids
        kind, word = _approx(doc, [pct])
        out.append(
            Relation(
                rule=rule,
                operands=(num, lst.total.total_value),
                stated=pct.value,
                char_start=lst.total.start,
                char_end=pct.end,
                fact_ids=tuple(dict.fromkeys(ids)),
                connective=("tỷ lệ " if rule == "ratio_percent" else "chiếm: ")
                + " và ".join(_clean(p.label).strip(" ,;(") for p in chosen),
                decimals=(pct.decimals,),
                strong=True,
                approximate=kind,
                qualifier=word,
            )
        )
        break
    return out


def _parts_named(doc: _Doc, lst: _List, label: str) -> list[_Part]:
    """The parts whose labels a rate's name lists ("sớm và đúng hạn" -> trước hạn, đúng hạn); [] unless
    every term names exactly one part."""
    labels = [(_norm_label(doc, p.label), p) for p in lst.parts]
    chosen: list[_Part] = []
    for term in (t for t in re.split(r",|\s+và\s+|\s+hoặc\s+", label) if t.strip()):
        tw = _norm_label(doc, term)
        hits = [
            p
            for lw, p in labels
            if lw and any(tw[j : j + len(lw)] == lw for j in range(len(tw) - len(lw) + 1))
        ]
        if len(hits) != 1 or hits[0] in chosen:
            return []
        chosen.append(hits[0])
    return chosen


_NUM_RE = r"\d{1,3}(?:\.\d{3})+(?:,\d+)?|\d+(?:,\d+)?"
_FORMULA_RATIO = re.compile(
    rf"\(?\s*((?:{_NUM_RE})(?:\s*\+\s*(?:{_NUM_RE}))+)\s*\)\s*/\s*({_NUM_RE})"
    rf"(?:\s*[x×*.]\s*100\s*%?)?\s*=\s*({_NUM_RE})\s*%"
)
_FORMULA_SUM = re.compile(
    rf"(?<![\d.,/])((?:{_NUM_RE})(?:\s*\+\s*(?:{_NUM_RE}))+)\s*=\s*({_NUM_RE})(?!\s*%|[\d/])"
)


def _formula_relations(doc: _Doc, used_pct: set[int]) -> list[Relation]:
    """Arithmetic written out: "(4.918 + 1.262)/6.227 = 99,25%", "120 + 80 = 200"."""
    from extractors.numbers import parse_vi_number

    out: list[Relation] = []
    text = doc.text

    def ids(a: int, b: int) -> tuple[str, ...]:
        return tuple(i for f in doc.figs_between(a, b) for i in f.fact_ids)

    # the patterns backtrack; run them only around a written "+"
    windows: list[tuple[int, int]] = []
    for p in re.finditer(r"\d\s*\+\s*\d", text):
        a, b = max(0, p.start() - 40), min(len(text), p.end() + 80)
        if windows and a <= windows[-1][1]:
            windows[-1] = (windows[-1][0], b)
        else:
            windows.append((a, b))
    ratio_hits = [m for a, b in windows for m in _FORMULA_RATIO.finditer(text, a, b)]
    sum_hits = [m for a, b in windows for m in _FORMULA_SUM.finditer(text, a, b)]
    for m in ratio_hits:
        try:
            terms = [parse_vi_number(x)[0] for x in re.split(r"\s*\+\s*", m.group(1))]
            den = parse_vi_number(m.group(2))[0]
            pct, k = parse_vi_number(m.group(3))
        except ValueError:
            continue
        pfig = next((f for f in doc.figs_between(m.start(3), m.end() + 1) if f.kind == "percent"), None)
        if pfig is not None:
            used_pct.add(pfig.start)
        out.append(
            Relation(
                rule="ratio_percent",
                operands=(float(sum(terms)), den),
                stated=pct,
                char_start=m.start(),
                char_end=m.end(),
                fact_ids=ids(m.start(), m.end()),
                connective="(a + b)/c =",
                decimals=(k,),
            )
        )
    for m in sum_hits:
        try:
            terms = [parse_vi_number(x)[0] for x in re.split(r"\s*\+\s*", m.group(1))]
            total = parse_vi_number(m.group(2))[0]
        except ValueError:
            continue
        out.append(
            Relation(
                rule="sum_parts",
                operands=tuple(terms),
                stated=total,
                char_start=m.start(),
                char_end=m.end(),
                fact_ids=ids(m.start(), m.end()),
                connective="a + b =",
            )
        )
    return out


@dataclass(slots=True)
class _Table:
    rows: list[list[tuple[int, int, str]]]  # cells: (start, end, text)
    header: list[str]
    body: list[int]  # indices of body rows
    total: int | None  # index of the totals row


_TOTAL_ROW = re.compile(
    r"^\W*(?:tổng\s+cộng|tổng\s+số|tổng|cộng|toàn\s+(?:huyện|tỉnh|xã|thành\s+phố|thị\s+xã))\W*$", re.I
)


def _tables(doc: _Doc) -> list[_Table]:
    """Tab- or pipe-separated blocks of at least three rows, with their header and totals row."""
    out: list[_Table] = []
    block: list[list[tuple[int, int, str]]] = []
    for s, e in [*doc.lines, (len(doc.text) + 1, len(doc.text) + 1)]:
        line = doc.text[s:e] if s <= len(doc.text) else ""
        cells = _cells(line, s)
        if cells is not None:
            if not all(re.fullmatch(r"[\s:|-]*", c[2]) for c in cells):  # skip |---|---|
                block.append(cells)
            continue
        if len(block) >= 3:
            out.append(_make_table(doc, block))
        block = []
    return out


def _cells(line: str, off: int) -> list[tuple[int, int, str]] | None:
    if "\t" in line:
        sep = "\t"
    elif line.strip().startswith("|") and line.count("|") >= 3:
        sep = "|"
    else:
        return None
    cells, pos = [], 0
    for part in line.split(sep):
        cells.append((off + pos, off + pos + len(part), _clean(part).strip()))
        pos += len(part) + 1
    if sep == "|":
        cells = cells[1:-1] if not cells[-1][2] else cells[1:]
    return cells


def _make_table(doc: _Doc, block: list[list[tuple[int, int, str]]]) -> _Table:
    first = block[0]
    has_fig = any(doc.figs_between(a, b) for a, b, _ in first)
    header = [] if has_fig else [c[2].lower() for c in first]
    rows = block
    total = next((i for i, r in enumerate(rows) if i > 0 and any(_TOTAL_ROW.match(c[2]) for c in r)), None)
    start = 0 if has_fig else 1
    body = [i for i in range(start, total if total is not None else len(rows))]
    return _Table(rows=rows, header=header, body=body, total=total)


def _cell_fig(doc: _Doc, cell: tuple[int, int, str]) -> _Fig | None:
    figs = [f for f in doc.figs_between(cell[0], cell[1] + 1) if f.start < cell[1]]
    return figs[0] if len(figs) == 1 else None


def _table_relations(doc: _Doc, used_pct: set[int]) -> list[Relation]:
    """A totals row must be the sum of its column; a percent column the ratio of two others."""
    out: list[Relation] = []
    for tb in _tables(doc):
        width = max(len(r) for r in tb.rows)
        grid = [[_cell_fig(doc, r[c]) if c < len(r) else None for c in range(width)] for r in tb.rows]
        pct_cols = [
            c
            for c in range(width)
            if (c < len(tb.header) and re.search(r"tỷ lệ|tỉ lệ|%", tb.header[c]))
            or any(grid[i][c] is not None and grid[i][c].kind == "percent" for i in tb.body)
        ]
        if tb.total is not None and len(tb.body) >= 2:
            for c in range(width):
                t = grid[tb.total][c]
                col = [grid[i][c] for i in tb.body]
                if (
                    c in pct_cols
                    or t is None
                    or not t.countlike
                    or any(x is None or not x.countlike for x in col)
                ):
                    continue
                figs = [x for x in col if x is not None]
                out.append(
                    Relation(
                        rule="sum_parts",
                        operands=tuple(x.value for x in figs),
                        stated=t.value,
                        char_start=figs[0].start,
                        char_end=t.end,
                        fact_ids=tuple(i for x in [*figs, t] for i in x.fact_ids),
                        connective="bảng: dòng tổng cộng"
                        + (f" / {tb.header[c]}" if c < len(tb.header) else ""),
                        decimals=(t.decimals,),
                    )
                )
        rows = tb.body + ([tb.total] if tb.total is not None else [])
        for c in pct_cols:
            best: tuple[int, int, int] | None = None
            for a in range(width):
                for b in range(width):
                    if a == b or a in pct_cols or b in pct_cols:
                        continue
                    n = sum(1 for i in rows if _cell_ratio_fits(grid[i][a], grid[i][b], grid[i][c]))
                    if best is None or n > best[0]:
                        best = (n, a, b)
            if best is None or best[0] < max(2, math.ceil(2 * len(rows) / 3)):
                continue
            _, a, b = best
            for i in rows:
                x, y, p = grid[i][a], grid[i][b], grid[i][c]
                if x is None or y is None or p is None or not x.countlike or not y.countlike:
                    continue
                used_pct.add(p.start)
                out.append(
                    Relation(
                        rule="ratio_percent",
                        operands=(x.value, y.value),
                        stated=p.value,
                        char_start=min(x.start, y.start),
                        char_end=p.end,
                        fact_ids=x.fact_ids + y.fact_ids + p.fact_ids,
                        connective="bảng: cột tỷ lệ",
                        decimals=(p.decimals,),
                    )
                )
    return out


_RATE_PHRASE = re.compile(
    r"(?:tỷ|tỉ)\s+lệ\s+([^.;:%\d]{3,90}?)\s*(?:đạt|là|:|=)\s*(?:(?:tỷ|tỉ)\s+lệ\s*)?", re.I
)


def _table_rates(doc: _Doc, used_pct: set[int]) -> list[Relation]:
    """ "Như vậy, tỷ lệ máy tính trên cán bộ, công chức đạt 95,2%" after a table: a rate of the totals
    row, its columns named by their headers (also as initials: "CBCC" = cán bộ, công chức)."""
    out: list[Relation] = []
    for tb in _tables(doc):
        if tb.total is None or not tb.header:
            continue
        row = tb.rows[tb.total]
        totals = {c: f for c in range(len(row)) if (f := _cell_fig(doc, row[c])) is not None and f.countlike}
        heads = {c: _norm_label(doc, tb.header[c]) for c in totals if c < len(tb.header)}
        after = row[-1][1]
        stop = len(doc.text)
        for h in doc.heading_starts:
            if after < h < stop:
                stop = h
        window_end = min(stop, after + 600)
        for m in _RATE_PHRASE.finditer(doc.text, after, window_end):
            pct = doc.next_fig(m.end())
            if pct is None or pct.kind != "percent" or pct.start in used_pct or pct.start > m.end() + 3:
                continue
            label = m.group(1)
            if re.search(r"\s+trên\s+", label):
                x, y = re.split(r"\s+trên\s+", label, maxsplit=1)
                a = [c for c, hw in heads.items() if _names(doc, hw, x)]
                b = [c for c, hw in heads.items() if _names(doc, hw, y)]
                if len(a) != 1 or len(b) != 1 or a == b:
                    continue
                num, den = totals[a[0]], totals[b[0]]
            else:
                named = [c for c, hw in heads.items() if _names(doc, hw, label)]
                if len(named) != 2:
                    continue
                num, den = sorted((totals[c] for c in named), key=lambda f: f.value)
            used_pct.add(pct.start)
            out.append(
                Relation(
                    rule="ratio_percent",
                    operands=(num.value, den.value),
                    stated=pct.value,
                    char_start=row[0][0],
                    char_end=pct.end,
                    fact_ids=num.fact_ids + den.fact_ids + pct.fact_ids,
                    connective="bảng: tỷ lệ theo dòng tổng cộng",
                    decimals=(pct.decimals,),
                )
            )
    return out


def _names(doc: _Doc, header: tuple[str, ...], term: str) -> bool:
    """Does a rate's term name this column? All header words in the term, or the header an acronym of
    consecutive words of the term."""
    tw = _norm_label(doc, term)
    if not header or not tw:
        return False
    if set(header) <= set(tw):
        return True
    if len(header) == 1 and len(header[0]) >= 2:
        initials = "".join(w[0] for w in tw)
        return header[0] in initials
    return False


def _cell_ratio_fits(x: _Fig | None, y: _Fig | None, p: _Fig | None) -> bool:
    if x is None or y is None or p is None or not x.countlike or not y.countlike or not y.value:
        return False
    return percent_fits(p.value, 100.0 * x.value / y.value, p.decimals)


def _share_lists(doc: _Doc, used_pct: set[int]) -> list[Relation]:
    """ "Cơ cấu … theo cấp: cấp tỉnh 38,5%, cấp huyện 27,4%, cấp xã 35,6%": shares of one whole."""
    out: list[Relation] = []
    text = doc.text
    for m in doc.rules.share_list_re.finditer(text):
        colon = text.find(":", m.end(), m.end() + 150)
        if colon < 0 or _has_sentence_break(doc, text[m.end() : colon]):
            continue
        pcts: list[_Fig] = []
        last = colon + 1
        for f in doc.figs_between(colon, colon + 600):
            gap = text[last : f.start]
            if _has_sentence_break(doc, gap, text[f.start : f.start + 1]) or f.kind != "percent":
                break
            if pcts and not re.search(r"[,;]|(?<!\w)và(?!\w)", gap):
                break
            if len(_WORD_RE.findall(gap)) > 8:
                break
            pcts.append(f)
            last = f.end
        if len(pcts) < 2 or any(p.start in used_pct for p in pcts):
            continue
        used_pct.update(p.start for p in pcts)
        kind, word = _approx(doc, pcts)
        out.append(
            Relation(
                rule="shares_exceed_total",
                operands=tuple(p.value for p in pcts),
                stated=100.0,
                char_start=m.start(),
                char_end=pcts[-1].end,
                fact_ids=tuple(i for p in pcts for i in p.fact_ids),
                connective=m.group(0).lower(),
                decimals=tuple(p.decimals for p in pcts),
                approximate=kind,
                qualifier=word,
            )
        )
    return out


def _complement_shares(doc: _Doc, used_pct: set[int]) -> list[Relation]:
    """ "Tỷ lệ hộ có kết nối … đạt 78,4%, số hộ chưa có kết nối chiếm 23,1%": the two add to 100%."""
    out: list[Relation] = []
    text = doc.text
    figs = doc.figs
    for k in range(len(figs) - 1):
        a, b = figs[k], figs[k + 1]
        if a.kind != "percent" or b.kind != "percent" or a.start in used_pct or b.start in used_pct:
            continue
        gap = text[a.end : b.start]
        if _has_sentence_break(doc, gap, "x") or ";" in gap or len(_WORD_RE.findall(gap)) > 14:
            continue
        neg = doc.rules.negation_re.search(gap)
        if not neg:
            continue
        lo = doc.sentence_start(a.start)
        first = _norm_label(doc, text[lo : a.start])
        if doc.rules.negation_re.search(text[lo : a.start]):
            continue
        key = _norm_label(doc, " ".join(neg.group(1).split()[:2]))
        if not key or not any(first[j : j + len(key)] == key for j in range(len(first))):
            continue
        used_pct.update((a.start, b.start))
        kind, word = _approx(doc, [a, b])
        out.append(
            Relation(
                rule="shares_exceed_total",
                operands=(a.value, b.value),
                stated=100.0,
                char_start=a.start,
                char_end=b.end,
                fact_ids=a.fact_ids + b.fact_ids,
                connective=f"{neg.group(0).split()[0].lower()} … (phần bù)",
                decimals=(a.decimals, b.decimals),
                approximate=kind,
                qualifier=word,
            )
        )
    return out


def _fraction_relations(doc: _Doc, used_pct: set[int]) -> list[Relation]:
    """ "a/b = p%", "a/b …, đạt p%", "p% (a/b …)"."""
    out: list[Relation] = []
    text = doc.text
    figs = doc.figs
    for k, f in enumerate(figs):
        if f.kind != "ratio" or f.num is None or f.den is None:
            continue
        pct: _Fig | None = None
        if k + 1 < len(figs) and figs[k + 1].kind == "percent":
            g = figs[k + 1]
            n = doc.rules.ratio_bridge_max_words
            if _bridge_ok(doc, text[f.end : g.start], max_words=n, weak_words=n):
                pct = g
        if pct is None and k > 0 and figs[k - 1].kind == "percent":
            g = figs[k - 1]
            if re.fullmatch(r"\s*\(\s*", _clean(text[g.end : f.start])):
                pct = g
        if pct is None or pct.start in used_pct:
            continue
        used_pct.add(pct.start)
        alts: list[Reading] = []
        for v, reason, args in f.num_alts:
            alts.append(Reading((v, f.den), pct.value, reason, args, reportable=reason == "footnote_reading"))
        for v, reason, args in f.den_alts:
            alts.append(Reading((f.num, v), pct.value, reason, args, reportable=reason == "footnote_reading"))
        kind, word = _approx(doc, [pct, f])
        out.append(
            Relation(
                rule="ratio_percent",
                operands=(f.num, f.den),
                stated=pct.value,
                char_start=min(f.start, pct.start),
                char_end=max(f.end, pct.end),
                fact_ids=tuple(dict.fromkeys(f.fact_ids + pct.fact_ids)),
                connective=_bridge_word(doc, text[min(f.end, pct.end) : max(f.start, pct.start)]),
                decimals=(pct.decimals,),
                approximate=kind,
                qualifier=word,
                readings=tuple(alts),
            )
        )
    return out


def _bridge_word(doc: _Doc, gap: str) -> str:
    m = re.findall(r"(?<!\w)" + doc.rules.bridge_re + r"(?!\w)|=|\(", _clean(gap), re.I)
    return " ".join(w.lower() for w in m[-2:]) or "/"


def _line_label(doc: _Doc, i: int) -> str:
    s, e = doc.lines[i]
    line = _clean(doc.text[s:e])
    m = _BULLET_RE.match(line)
    line = line[m.end() :].strip() if m else line.strip()
    return line.split(":", 1)[0].strip().lower() if ":" in line else ""


def _clause_label(text: str, lo: int, pos: int) -> str:
    """The words that name a figure: its clause up to the number ("Số máy tính có …: 300")."""
    return re.split(r"[,;(]", text[lo:pos])[-1]


def _nearby_share_relations(doc: _Doc, used_pct: set[int], in_lists: set[int]) -> list[Relation]:
    """A part with its share but no enclosing total: "Số lượng máy tính: 406 máy; Số máy tính có …:
    300 máy đạt tỷ lệ: 75%" (the base is the figure before it in the same unit) or per-subject lines
    whose base is the same subject's line above."""
    out: list[Relation] = []
    text = doc.text
    figs = doc.figs
    for k in range(1, len(figs)):
        pct, part = figs[k], figs[k - 1]
        if pct.kind != "percent" or pct.start in used_pct or not part.countlike or part.start in in_lists:
            continue
        if not _bridge_ok(doc, text[part.end : pct.start], max_words=_SHARE_WORDS):
            continue
        lo = doc.sentence_start(part.start)
        label = _clause_label(text, lo, part.start)
        if doc.rules.change_re.search(label) or doc.rules.percent_of_other_re.match(text, pct.end):
            continue  # "tăng 150 hồ sơ (50%)", "đạt 96% kế hoạch": measured against something else
        cands: list[tuple[_Fig, str, bool]] = []
        # (1) an earlier figure of the same sentence, same unit, larger
        for f in reversed(doc.figs_between(lo, part.start)):
            if (
                f.countlike
                and f.unit is not None
                and part.unit is not None
                and _compatible(f.unit, part.unit)
                and f.value >= part.value
            ):
                fw = [
                    w
                    for w in _norm_label(doc, _clause_label(text, lo, f.start))
                    if w not in ("số", "lượng", "tổng")
                ]
                pw = _norm_label(doc, label)
                contained = bool(fw) and any(pw[j : j + len(fw)] == tuple(fw) for j in range(len(pw)))
                # "tiếp nhận 500 hồ sơ, đã giải quyết 480 hồ sơ, đạt 96%": the figure just before, same noun
                adjacent = f is figs[k - 2] and len(re.findall(r"[,;]", text[f.end : part.start])) <= 1
                cands.append((f, "base_nearby", contained or adjacent))
                break
        if not cands:
            # "486 người; tổng số máy tính … 471 máy, tỷ lệ 96,91%": a rate across units, base unsure
            prev = [f for f in doc.figs_between(lo, part.start) if f.countlike and f.value >= part.value]
            if prev:
                cands.append((prev[-1], "base_nearby", False))
        # (2) the same subject's line above in this section ("Xã A: 5.366 người" … "Xã A: 4.676 thuê bao")
        li = doc.line_index(part.start)
        subj = _line_label(doc, li)
        if subj and not cands:
            sec = section_at(doc.sections, part.start)
            floor = sec.char_start if sec else 0
            j = li - 1
            while j >= 0 and doc.lines[j][0] >= floor and li - j <= 40:
                if _line_label(doc, j) == subj:
                    s, e = doc.lines[j]
                    prev = [f for f in doc.figs_between(s, e) if f.countlike and f.value >= part.value]
                    if prev:
                        cands.append((prev[0], "base_from_subject", False))
                        break
                j -= 1
        if not cands:
            continue
        base, why, strong = cands[0]
        used_pct.add(pct.start)
        out.append(
            _share_relation(
                doc,
                part,
                pct,
                base.value,
                base,
                connective=why,
                strong=strong,
                span_start=base.start,
                note=None if strong else why,
                note_args=(("y", _plain(base.value)),),
                rule="ratio_percent",
            )
        )
    return out


# "<count> <up to 14 words>[,] gồm:|là|:|(" — each word followed by a space, or by ", " before the opener
_LIST_OPENER = re.compile(
    r"[ \t]*(?:[^\s,;:()]+(?:[ \t]+|,[ \t]*(?=gồm|bao gồm|là))){0,14}?"
    r"(?:(?:gồm|bao gồm|gồm có|là)[ \t]*:?|:|\()[ \t]*"
)
_LIST_ITEM_SPLIT = re.compile(r"\s*[,;]\s*|\s+và\s+")


def _list_count_relations(doc: _Doc) -> list[Relation]:
    """ "13/16 (A, B, …, và M)", "02 đơn vị … gồm: A năm 2020, B năm 2022": the count of names listed."""
    out: list[Relation] = []
    text = doc.text
    for f in doc.figs:
        if not (f.countlike or f.kind == "ratio") or f.kind == "money":
            continue
        n = f.total_value
        if not float(n).is_integer() or not 2 <= n <= 60:
            continue
        after = text[f.end : f.end + 600]
        m = _LIST_OPENER.match(after)
        if not m:
            continue
        opener = m.group(0).strip()
        body_start = f.end + m.end()
        if doc.figs_between(f.end, body_start):
            continue
        if opener.endswith("("):
            close = _matching_paren(text, body_start - 1, body_start + 600)
            if close < 0:
                continue
            body = text[body_start:close]
        else:
            stop = re.search(r"[.\n]|;\s*[^\W\d_]+\s+\d", text[body_start : body_start + 600])
            body = text[body_start : body_start + (stop.start() if stop else 0)]
        if not body.strip() or doc.figs_between(body_start, body_start + len(body)):
            continue  # figures inside: a list of parts, not of names
        if re.search(r"\d", _YEAR_RE.sub("", body)):
            continue
        items = [x for x in _LIST_ITEM_SPLIT.split(body.strip(" .:")) if x.strip()]
        if len(items) < 2 or any(len(_WORD_RE.findall(x)) > 8 or not _WORD_RE.search(x) for x in items):
            continue
        if not (";" in body or "," in body or re.search(r"\s và\s", body)):
            continue
        alt_counts = {
            len([x for x in re.split(r"\s*[,;]\s*", body.strip(" .:")) if x.strip()]),
            len([x for x in re.split(r"\s*;\s*", body.strip(" .:")) if x.strip()]),
        }
        alt_counts.discard(len(items))
        readings = tuple(
            Reading(tuple([1.0] * c), n, "list_split", (("y", str(c)),)) for c in sorted(alt_counts) if c >= 1
        )
        kind, word = _approx(doc, [f])
        end = body_start + len(body)
        out.append(
            Relation(
                rule="list_count",
                operands=tuple([1.0] * len(items)),
                stated=n,
                char_start=f.start,
                char_end=min(len(text), end + (1 if opener.endswith("(") else 0)),
                fact_ids=f.fact_ids,
                connective=opener or ":",
                strong=True,
                approximate=kind,
                qualifier=word,
                readings=readings,
            )
        )
    return out


def _conflicts(doc: _Doc, lists: list[_List]) -> list[Relation]:
    """The same breakdown restated for the same period and section with a different total."""
    out: list[Relation] = []
    keyed: list[tuple[tuple[str, str, str | None], set[tuple[str, ...]], _List]] = []
    for lst in lists:
        t = lst.total
        if t is None or not lst.strong or t.qualifier or len(lst.parts) < 2:
            continue
        sec = section_at(doc.sections, t.start)
        period = _period_of(doc, t, lst.head)
        if sec is None or period is None:
            continue
        labels = {_norm_label(doc, p.label) for p in lst.parts} - {()}
        keyed.append(((sec.section_id, period, t.unit), labels, lst))
    for a in range(len(keyed)):
        for b in range(a + 1, len(keyed)):
            ka, la, A = keyed[a]
            kb, lb, B = keyed[b]
            if ka != kb or len(la & lb) < 2:
                continue
            ta, tb = A.total, B.total
            assert ta is not None and tb is not None
            if abs(ta.total_value - tb.total_value) < 1e-9:
                continue
            out.append(
                Relation(
                    rule="conflicting_values",
                    operands=(ta.total_value,),
                    stated=tb.total_value,
                    char_start=tb.start,
                    char_end=tb.end,
                    fact_ids=ta.fact_ids + tb.fact_ids,
                    connective="cùng kỳ, cùng cơ cấu: " + ka[1],
                    decimals=(max(ta.decimals, tb.decimals),),
                    note="scope_may_differ",
                )
            )
    return out


def _metric_conflicts(doc: _Doc, parent: dict[int, _Fig]) -> list[Relation]:
    """Facts tagged with the same metric, subject and period but different values, in different sections.

    A report restates a figure elsewhere: the summary against the detail, the text against its table,
    the results against "tồn tại, hạn chế". Two figures of one metric inside the same section are
    nearly always siblings of one enumeration (37 TTHC of which 4 TTHC ..., the adult smartphone rate
    next to the subscriber smartphone rate) that the metric catalog does not tell apart, so they are
    not compared here; a breakdown restated within a section is `_conflicts`' job. The units as written
    must agree ("73 ảnh sự kiện" is not "04 ảnh thiết kế"); the subjects agree by the grouping (none on
    either is the issuer as a whole).
    Parts of a breakdown (`parent`: part position -> its total) are compared only when tagged more
    finely than their total ("quá hạn 319" is dossiers_late, its total dossiers_resolved), and two parts
    not at all when their totals already differ (a restated breakdown conflicts once, on its total)."""
    out: list[Relation] = []
    groups: dict[tuple[str, str | None, str, str], list[_Fig]] = {}
    for f in doc.figs:
        p = parent.get(f.start)
        if (
            f.metric
            and f.period
            and not f.qualifier
            and f.kind in ("count", "money", "percent", "ratio")  # "19/20 xã" states 19 xã
            and (p is None or p.metric != f.metric)
        ):
            kind = "count" if f.kind == "ratio" else f.kind  # the numerator of "19/20 xã" is a count of xã
            groups.setdefault((f.metric, f.subject, f.period, kind), []).append(f)
    for figs in groups.values():
        first = figs[0]
        seen = {first.value}
        for g in figs[1:]:
            if any(abs(g.value - v) <= 0.5 * 10 ** -max(g.decimals, first.decimals) for v in seen):
                continue
            pa, pb = parent.get(first.start), parent.get(g.start)
            if pa is not None and pb is not None and pa.total_value != pb.total_value:
                continue
            sa, sb = section_at(doc.sections, first.start), section_at(doc.sections, g.start)
            if sa == sb or (first.unit or "").casefold() != (g.unit or "").casefold():
                continue
            seen.add(g.value)
            out.append(
                Relation(
                    rule="conflicting_values",
                    operands=(first.value,),
                    stated=g.value,
                    char_start=g.start,
                    char_end=g.end,
                    fact_ids=first.fact_ids + g.fact_ids,
                    connective=f"metric {first.metric}",
                    decimals=(max(g.decimals, first.decimals),),
                    strong=True,
                    note="scope_may_differ",
                )
            )
    return out


def _catalog_relations(doc: _Doc, catalog: Sequence[CatalogRelation], taken: set[str]) -> list[Relation]:
    """Parent = sum of children, rate = numerators / denominator, for facts tagged with metrics.

    Weak by design: a report may list a part the catalog does not name (rejected dossiers inside
    "resolved"), so a catalog relation can confirm a figure but never raise a mismatch on its own."""
    if not catalog:
        return []
    out: list[Relation] = []
    groups: dict[tuple[str | None, str | None, str | None], dict[str, list[_Fig]]] = {}
    for f in doc.figs:
        if f.metric:
            sec = section_at(doc.sections, f.start)
            key = (f.subject, f.period, sec.section_id if sec else None)
            groups.setdefault(key, {}).setdefault(f.metric, []).append(f)
    for by_metric in groups.values():
        for rel in catalog:
            totals = by_metric.get(rel.total, [])
            if len(totals) != 1 or totals[0].fact_ids[0] in taken:
                continue
            t = totals[0]
            if rel.kind == "sum":
                parts = [by_metric.get(m, []) for m in rel.parts]
                if any(len(p) != 1 for p in parts):
                    continue
                figs = [p[0] for p in parts]
                kind, word = _approx(doc, [t, *figs])
                out.append(
                    Relation(
                        rule="sum_parts",
                        operands=tuple(f.value for f in figs),
                        stated=t.value,
                        char_start=min(f.start for f in [t, *figs]),
                        char_end=max(f.end for f in [t, *figs]),
                        fact_ids=tuple(i for f in [t, *figs] for i in f.fact_ids),
                        connective=f"catalog:{rel.total}",
                        strong=False,
                        approximate=kind,
                        qualifier=word,
                    )
                )
            elif rel.kind == "ratio" and rel.denominator:
                nums = [by_metric.get(m, []) for m in rel.parts]
                dens = by_metric.get(rel.denominator, [])
                if any(len(p) != 1 for p in nums) or len(dens) != 1 or t.kind != "percent":
                    continue
                figs = [p[0] for p in nums] + dens
                kind, word = _approx(doc, [t])
                out.append(
                    Relation(
                        rule="ratio_percent",
                        operands=(sum(p[0].value for p in nums), dens[0].value),
                        stated=t.value,
                        char_start=min(f.start for f in [t, *figs]),
                        char_end=max(f.end for f in [t, *figs]),
                        fact_ids=tuple(i for f in [*figs, t] for i in f.fact_ids),
                        connective=f"catalog:{rel.total}",
                        decimals=(t.decimals,),
                        strong=False,
                        approximate=kind,
                        qualifier=word,
                    )
                )
    return out


# ----------------------------------------------------------------------------------------------
# Entry point
# ----------------------------------------------------------------------------------------------


def find_relations(
    t: NormText,
    sections: Sequence[Section],
    facts: Sequence[Fact],
    *,
    rules: Rules | None = None,
    catalog: Sequence[CatalogRelation] | None = None,
) -> list[Relation]:
    """Every arithmetic relation the text's structure makes checkable, in document order."""
    rules = rules or load_rules()
    doc = _Doc(t, sections, facts, rules)
    lists: list[_List] = []
    _inline_lists(doc, lists)
    used_totals = {lst.total.start for lst in lists if lst.total is not None}
    _bullet_head_lists(doc, lists, used_totals)
    _colon_total_lists(doc, lists, used_totals)
    _weak_co_lists(doc, lists, used_totals)
    _paren_lists(doc, lists, used_totals)
    lists = _dedupe_lists(lists)

    rels: list[Relation] = []
    used_pct: set[int] = set()
    in_lists: set[int] = set()
    for lst in lists:
        rels.extend(_relations_from_list(doc, lst))
        for p in lst.parts + lst.excluded:
            in_lists.add(p.fig.start)
            if p.share:
                used_pct.add(p.share.start)
        for nr in _named_rates(doc, lst):
            pct_start = next(f.start for f in doc.figs if f.end == nr.char_end and f.kind == "percent")
            if pct_start not in used_pct:
                rels.append(nr)
                used_pct.add(pct_start)
    rels.extend(_formula_relations(doc, used_pct))
    rels.extend(_table_relations(doc, used_pct))
    rels.extend(_table_rates(doc, used_pct))
    rels.extend(_share_lists(doc, used_pct))
    rels.extend(_fraction_relations(doc, used_pct))
    rels.extend(_nearby_share_relations(doc, used_pct, in_lists))
    rels.extend(_complement_shares(doc, used_pct))
    rels.extend(_list_count_relations(doc))
    rels.extend(_conflicts(doc, lists))
    parent = {p.fig.start: lst.total for lst in lists if lst.total is not None for p in lst.parts}
    parent.update(
        {p.share.start: lst.total for lst in lists if lst.total is not None for p in lst.parts if p.share}
    )
    rels.extend(_metric_conflicts(doc, parent))
    taken = {i for r in rels for i in r.fact_ids}
    rels.extend(_catalog_relations(doc, catalog if catalog is not None else load_catalog(), taken))
    return _dedupe_relations(rels)


def _dedupe_lists(lists: list[_List]) -> list[_List]:
    """One list per set of parts: a strong reading wins over a weak one, the earlier over the later."""
    out: list[_List] = []
    seen: dict[tuple[int, ...], int] = {}
    for lst in sorted(lists, key=lambda x: (not x.strong, x.start)):
        key = tuple(p.fig.start for p in lst.parts)
        if key in seen:
            continue
        # a list whose parts are all inside another list with the same total is the same list
        if any(o.total is lst.total and set(key) <= {p.fig.start for p in o.parts} for o in out):
            continue
        seen[key] = len(out)
        out.append(lst)
    return sorted(out, key=lambda x: x.start)


def _dedupe_relations(rels: list[Relation]) -> list[Relation]:
    out: list[Relation] = []
    seen: set[tuple[str, tuple[float, ...], float, tuple[str, ...]]] = set()
    for r in sorted(rels, key=lambda r: (r.char_start, r.char_end, r.rule)):
        fam = "percent_of" if r.rule in ("ratio_percent", "share_of_total") else r.rule
        key = (fam, tuple(round(x, 9) for x in r.operands), round(r.stated, 9), r.fact_ids[-1:])
        if key in seen:
            continue
        seen.add(key)
        out.append(r)
    return out


__all__ = [
    "RULES",
    "STATUSES",
    "CatalogRelation",
    "Reading",
    "Relation",
    "Rules",
    "find_relations",
    "load_catalog",
    "load_rules",
    "percent_fits",
]
