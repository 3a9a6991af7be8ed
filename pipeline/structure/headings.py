"""The heading grammar of schemas/headings.yaml, and the lines of a text that match it (candidates).

Vietnamese administrative reports number their parts with a small set of label styles (Roman
``I.``, decimal ``1.``/``2.4.1.``, lettered ``a)``, named criteria ``Tiêu chí 8``/``Chỉ tiêu 8.4``,
bold-only lines, ``PHẦN I``, ``Mục 1`` ...). The label patterns are data, so that a new issuer's style
is a YAML edit; this module turns the file into compiled rules (validated once, through
`pipeline.config`) and finds every line that matches one. Whether a candidate is a heading or a list
item, and where it nests, is decided in context by `pipeline.structure.tree`.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import regex
from pydantic import Field, StrictBool, StrictInt, StrictStr

from pipeline.config import SCHEMA_DIR, Strict, config_error, load_model
from pipeline.model import NormText
from pipeline.structure.layout import line_spans as _lines

DEFAULT_RULES_PATH = SCHEMA_DIR / "headings.yaml"

# Number kinds whose next label can be written from the previous one (see tree._written).
_REPAIRABLE_NUMBERS = frozenset({"roman", "decimal", "int"})
_NEVER = "(?!)"

@dataclass(frozen=True, slots=True)
class HeadingRule:
    """One label style: how to recognise it, how to write its label, how it counts and nests."""

    name: str
    pattern: regex.Pattern[str]
    label: str
    number: str
    sequence: bool
    level: str
    rank: int | None = None
    text_start: regex.Pattern[str] | None = None
    text_may_follow: bool = False
    bold_only: bool = False


@dataclass(frozen=True, slots=True)
class OcrLabelKind:
    """How OCR misreads the labels of one heading rule (schemas/headings.yaml `ocr_labels`)."""

    end: str  # written after the number: "III" + "." -> "III."
    repeat: bool  # a repeat of the previous label may be the next one with a stroke lost
    spellings: tuple[tuple[str, tuple[str, ...]], ...]  # written run -> what OCR reads for it


@dataclass(frozen=True, slots=True)
class HeadingRules:
    """The validated contents of schemas/headings.yaml."""

    rules: tuple[HeadingRule, ...]
    max_heading_chars: int
    max_title_chars: int
    max_bold_chars: int
    max_sequence_jump: int
    letters: tuple[str, ...]
    ordinals: dict[str, int]
    not_heading: regex.Pattern[str]
    body_end: regex.Pattern[str]
    body_resume: regex.Pattern[str]
    table_line: regex.Pattern[str]
    citation: regex.Pattern[str]
    ocr_kinds: dict[str, OcrLabelKind] = field(default_factory=dict)  # by rule name
    ocr_max_edits: int = 0



# --------------------------------------------------------------------------- the file, typed


class _RuleSpec(Strict):
    name: StrictStr = Field(pattern=r"^[a-z_][a-z0-9_]*$")
    pattern: StrictStr = Field(min_length=1)
    label: StrictStr = Field(min_length=1)
    number: Literal["roman", "int", "decimal", "letter", "ordinal", "none"]
    sequence: StrictBool = False
    level: Literal["nesting", "depth"]
    rank: StrictInt | None = None
    text_start: StrictStr | None = Field(default=None, min_length=1)
    text_may_follow: StrictBool = False
    bold_only: StrictBool = False
    ignore_case: StrictBool = False


class _Limits(Strict):
    max_heading_chars: StrictInt = Field(gt=0)
    max_title_chars: StrictInt = Field(gt=0)
    max_bold_chars: StrictInt = Field(gt=0)
    max_sequence_jump: StrictInt = Field(gt=0)


class _OcrKindSpec(Strict):
    end: StrictStr = ""
    repeat: StrictBool = False
    spellings: dict[StrictStr, list[StrictStr]] = Field(min_length=1)


class _OcrLabelsSpec(Strict):
    max_edits: StrictInt = Field(ge=1, le=3)
    kinds: dict[StrictStr, _OcrKindSpec]


class _HeadingsFile(Strict):
    version: Literal[1]
    limits: _Limits
    letters: list[StrictStr] = Field(min_length=1)
    ordinals: dict[StrictStr, StrictInt] = Field(default_factory=dict)
    not_heading: list[StrictStr] = Field(default_factory=list)
    body_end: StrictStr = _NEVER
    body_resume: StrictStr = _NEVER
    table_line: StrictStr = _NEVER
    citation: StrictStr = _NEVER
    ocr_labels: _OcrLabelsSpec | None = None
    rules: list[_RuleSpec] = Field(min_length=1)


# --------------------------------------------------------------------------- loading


def _compile(path: Path, key: str, src: str, flags: int = 0) -> regex.Pattern[str]:
    try:
        return regex.compile(src, flags | regex.V0)
    except regex.error as e:
        raise config_error(path, key, f"bad regex: {e}") from e


def _rule_from(path: Path, d: _RuleSpec, i: int) -> HeadingRule:
    """One rule, with the checks its fields' types cannot say: the regexes compile, the label's
    template names only groups the pattern has, a counting rule has a number to count."""
    key = f"rules.{i} ({d.name})"
    flags = regex.IGNORECASE if d.ignore_case else 0
    pattern = _compile(path, f"{key}.pattern", d.pattern, flags)
    groups = set(pattern.groupindex)
    fields = set(regex.findall(r"\{(\w+)\}", d.label))
    if not fields <= {"num", "text"}:
        raise config_error(path, f"{key}.label", "may use only {num} and {text}")
    if not fields <= groups:
        raise config_error(path, f"{key}.label", f"uses a group the pattern lacks: {sorted(fields - groups)}")
    if d.number != "none" and "num" not in groups:
        raise config_error(path, f"{key}.pattern", f"number '{d.number}' needs a (?P<num>...) group")
    if d.level == "depth" and d.number != "decimal":
        raise config_error(path, f"{key}.level", "level 'depth' needs number 'decimal'")
    return HeadingRule(
        name=d.name,
        pattern=pattern,
        label=d.label,
        number=d.number,
        sequence=d.sequence,
        level=d.level,
        rank=d.rank,
        text_start=_compile(path, f"{key}.text_start", d.text_start) if d.text_start is not None else None,
        text_may_follow=d.text_may_follow,
        bold_only=d.bold_only,
    )


def _rules_from(path: Path, data: _HeadingsFile) -> HeadingRules:
    if not all(len(x) == 1 for x in data.letters):
        raise config_error(path, "letters", "must be a list of single letters")
    if len(set(data.letters)) != len(data.letters):
        raise config_error(path, "letters", "has duplicates")
    for i, p in enumerate(data.not_heading):
        _compile(path, f"not_heading.{i}", p)
    rules = tuple(_rule_from(path, d, i) for i, d in enumerate(data.rules))
    names = [r.name for r in rules]
    if len(set(names)) != len(names):
        raise config_error(path, "rules", "rule names must be unique")
    ocr_kinds, ocr_max_edits = _ocr_labels_from(path, data.ocr_labels, rules)
    lim = data.limits
    return HeadingRules(
        rules=rules,
        max_heading_chars=lim.max_heading_chars,
        max_title_chars=lim.max_title_chars,
        max_bold_chars=lim.max_bold_chars,
        max_sequence_jump=lim.max_sequence_jump,
        letters=tuple(x.lower() for x in data.letters),
        ordinals={k.lower(): v for k, v in data.ordinals.items()},
        not_heading=_compile(path, "not_heading", "|".join(f"(?:{p})" for p in data.not_heading) or _NEVER),
        body_end=_compile(path, "body_end", data.body_end or _NEVER),
        body_resume=_compile(path, "body_resume", data.body_resume or _NEVER),
        table_line=_compile(path, "table_line", data.table_line or _NEVER),
        citation=_compile(path, "citation", data.citation or _NEVER),
        ocr_kinds=ocr_kinds,
        ocr_max_edits=ocr_max_edits,
    )


def _ocr_labels_from(
    path: Path, d: _OcrLabelsSpec | None, rules: tuple[HeadingRule, ...]
) -> tuple[dict[str, OcrLabelKind], int]:
    if d is None:
        return {}, 0
    by_name = {r.name: r for r in rules}
    kinds: dict[str, OcrLabelKind] = {}
    for name, k in d.kinds.items():
        rule = by_name.get(name)
        if rule is None or not rule.sequence or rule.number not in _REPAIRABLE_NUMBERS:
            raise config_error(path, f"ocr_labels.kinds.{name}",
                               "not a counting rule with a roman, decimal or int number")
        if not all(k.spellings):
            raise config_error(path, f"ocr_labels.kinds.{name}.spellings", "a written run may not be empty")
        kinds[name] = OcrLabelKind(
            end=k.end,
            repeat=k.repeat,
            # longest runs first, so that "II" -> "H" is tried where "I" -> "l" also applies
            spellings=tuple(sorted(((a, tuple(b)) for a, b in k.spellings.items()), key=lambda x: -len(x[0]))),
        )
    return kinds, d.max_edits


# path -> (the validated file, its compiled rules); `load_model` caches per file version, so the
# same file object means the same version.
_COMPILED: dict[Path, tuple[_HeadingsFile, HeadingRules]] = {}


def load_heading_rules(path: Path | None = None) -> HeadingRules:
    """The validated heading grammar; a file is read and compiled once per version."""
    p = Path(path).resolve() if path is not None else DEFAULT_RULES_PATH
    data = load_model(p, _HeadingsFile)
    hit = _COMPILED.get(p)
    if hit is None or hit[0] is not data:
        hit = _COMPILED[p] = (data, _rules_from(p, data))
    return hit[1]


# --------------------------------------------------------------------------- candidates

# Markdown emphasis left in text that did not go through normalize (bold/italic markers).
_MD_STRONG = regex.compile(r"\*\*|__")
_MD_EM = regex.compile(r"(?<=\S)\*|\*(?=\S)")
_RAW_BOLD_LINE = regex.compile(r"\s*\*\*(?=\S)(.+?)\*\*\s*\Z")  # used with match(text, pos, endpos)
# A colon that ends a heading: followed by a new sentence, a value or nothing. A colon followed by
# a lower-case word is sentence-internal ("hai loại dịch vụ: cố định hoặc di động").
_HEAD_COLON = regex.compile(r":(?=\s*(?:$|[^\p{Ll}\s]))")
_SENTENCE_END = regex.compile(r"[.!?](?=\s+[\p{Lu}\d])")
_TRIM = " \t.:;,-–"

_ROMAN = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100}
_ROMAN_DIGITS = ((50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I"))
_MAX_LABEL_TOKEN = 8  # longer first tokens are words, not labels however misread


def _roman_value(s: str) -> int | None:
    s = s.upper()
    if not s or any(c not in _ROMAN for c in s):
        return None
    total = 0
    for i, c in enumerate(s):
        v = _ROMAN[c]
        total += -v if i + 1 < len(s) and _ROMAN[s[i + 1]] > v else v
    return total


def _roman_numeral(n: int) -> str:
    out = ""
    for v, s in _ROMAN_DIGITS:
        while n >= v:
            out += s
            n -= v
    return out


@dataclass(slots=True)
class _Cand:
    """A line that matched a label pattern; whether it is a heading is decided in context."""

    start: int  # first non-blank char of the line
    line_end: int
    rule: HeadingRule
    kind: str  # rule name, or "decimal.2" for depth rules
    label: str
    number: int | None
    heading: str
    prefix: str | None  # for a decimal of depth >= 2: its parent's label ("2.4" for "2.4.1")
    rank: int | None
    ends_list: bool  # ends like a list item (";")
    list_like: bool  # long, a citation, or ends like a sentence
    citation: bool  # the text is a bare citation of another document
    bold: bool = False
    title_line: int | None = None  # the next line, when it holds this heading's text ("PHẦN I" / title)
    repaired_from: str | None = None  # the label token as OCR read it, when repaired by sequence


@dataclass(slots=True)
class _OcrLine:
    """A line on an OCR page whose first token may be a misread label ("HI.", "IIL", "Z.").

    Whether it is one depends on what the numbering expects at that point, which only the tree
    being built knows; `cand` is what the line matched as read, if anything.
    """

    start: int
    line_end: int
    index: int  # of the line in _lines(text)
    token: str  # the first token as read
    rest: str  # the line after that token
    bold: bool
    cand: _Cand | None


def _bold_line_starts(t: NormText, lines: list[tuple[int, int]]) -> set[int]:
    """Line starts that are entirely bold: from normalize's bold_lines, or raw ** markers."""
    spans = sorted(getattr(t, "bold_lines", ()) or ())
    out: set[int] = set()
    if spans:
        starts = [s for s, _ in spans]
        for s, e in lines:
            body = t.text[s:e]
            stripped = body.strip()
            if not stripped:
                continue
            a = s + (len(body) - len(body.lstrip()))
            b = a + len(stripped)
            i = bisect.bisect_right(starts, a) - 1
            if i >= 0 and spans[i][0] <= a and b <= spans[i][1]:
                out.add(s)
    for s, e in lines:
        if _RAW_BOLD_LINE.match(t.text, s, e):
            out.add(s)
    return out


def _heading_text(rest: str, max_title: int) -> str:
    """The heading proper: what precedes the colon that opens its body, else the first sentence."""
    rest = rest.strip()
    m = _HEAD_COLON.search(rest)
    if m:
        rest = rest[: m.start()]
    elif len(rest) > max_title:
        s = _SENTENCE_END.search(rest)
        if s:
            rest = rest[: s.start()]
    return rest.strip(_TRIM + "*")


def _number_of(rule: HeadingRule, num: str, rules: HeadingRules) -> int | None:
    kind = rule.number
    if kind == "none":
        return None
    if kind == "decimal":
        return int(num.rsplit(".", 1)[-1])
    if kind == "int":
        return int(num) if num.isdigit() else None
    if kind == "roman":
        return _roman_value(num)
    if kind == "letter":
        low = num.lower()
        return rules.letters.index(low) + 1 if low in rules.letters else None
    # ordinal: a digit, a Roman numeral, or "thứ nhất"
    if num.isdigit():
        return int(num)
    r = _roman_value(num)
    if r is not None:
        return r
    word = num.lower().split()[-1]
    return rules.ordinals.get(word)


def _norm_num(rule: HeadingRule, num: str) -> str:
    num = " ".join(num.split()).strip(".")
    if rule.number == "roman":
        return num.upper()
    if rule.number == "letter":
        return num if rule.name.startswith("upper") else num.lower()
    if rule.number == "ordinal":
        return num.upper() if _roman_value(num) is not None else num.lower()
    return num


def _next_text_line(
    text: str, lines: list[tuple[int, int]], i: int, max_title: int
) -> tuple[str, int | None]:
    """The first non-blank line after line i, and its index, when it is short enough to be a title."""
    for j in range(i + 1, min(i + 4, len(lines))):
        s, e = lines[j]
        line = text[s:e].strip()
        if line:
            line = _MD_EM.sub("", _MD_STRONG.sub("", line)).strip()
            return (line, j) if len(line) <= max_title and "\t" not in line else ("", None)
    return "", None


def _candidates(t: NormText, rules: HeadingRules) -> list[_Cand | _OcrLine]:
    text = t.text
    lines = _lines(text)
    bold = _bold_line_starts(t, lines)
    asides = sorted(t.asides)
    ocr_pages = frozenset(getattr(t, "ocr_pages", ()) or ()) if rules.ocr_kinds else frozenset()
    out: list[_Cand | _OcrLine] = []
    body_started = False
    skip_to = -1  # a title line already taken by the label line above it
    in_closing = False  # inside the distribution list and signature, until an appendix starts
    for i, (s, e) in enumerate(lines):
        if i <= skip_to:
            continue
        raw = text[s:e]
        stripped = raw.strip()
        if not stripped:
            continue
        start = s + (len(raw) - len(raw.lstrip()))
        if in_closing:
            if not rules.body_resume.match(stripped):
                continue
            in_closing = False
        elif rules.body_end.match(stripped):
            in_closing = True
            continue
        if any(a <= start < b for a, b in asides):
            continue
        if rules.table_line.search(stripped):
            continue
        line = _MD_EM.sub("", _MD_STRONG.sub("", stripped)).strip()
        if not line or rules.not_heading.match(line):
            # The preamble ("Căn cứ ...", "Thực hiện ...") opens the body.
            body_started = body_started or len(line) > 80
            continue
        is_bold = s in bold
        cand = None
        for rule in rules.rules:
            if rule.bold_only and (not is_bold or not body_started):
                continue
            m = rule.pattern.match(line)
            if m is None:
                continue
            cand = _make_cand(rule, m, line, start, e, text, lines, i, is_bold, rules)
            if cand is not None:
                break
        if cand is not None:
            body_started = True
            if cand.title_line is not None:
                skip_to = cand.title_line
        elif len(line) > 80 and not is_bold:
            body_started = True
        parts = line.split(None, 1)
        if body_started and len(parts) == 2 and len(parts[0]) <= _MAX_LABEL_TOKEN and t.page_at(start) in ocr_pages:
            out.append(_OcrLine(start, e, i, parts[0], parts[1].strip(), is_bold, cand))
        elif cand is not None:
            out.append(cand)
    return out


def _make_cand(
    rule: HeadingRule,
    m: regex.Match[str],
    line: str,
    start: int,
    line_end: int,
    text: str,
    lines: list[tuple[int, int]],
    i: int,
    is_bold: bool,
    rules: HeadingRules,
) -> _Cand | None:
    groups = m.groupdict()
    num = groups.get("num") or ""
    rest = (groups.get("text") or "").strip()
    if rule.bold_only and (len(line) > rules.max_bold_chars or len(line.split()) < 2 or line[-1] in ".;,"):
        return None
    title_line = None
    if not rest:
        if not rule.text_may_follow:
            return None
        rest, title_line = _next_text_line(text, lines, i, rules.max_title_chars)
    elif rule.text_start is not None and not rule.text_start.match(rest):
        return None
    # Issue 18: a heading line broken after its first word ("Điều 1. Ban" / "hành kèm theo …") keeps
    # its full text: the lower-case line that continues it is part of the heading.
    if rule.text_may_follow and title_line is None and len(rest.split()) == 1 and rest[-1].isalpha() \
            and _continues_lower(text, lines, i):
        nxt, title_line = _next_text_line(text, lines, i, rules.max_title_chars)
        rest = f"{rest} {nxt}".strip()
    heading = _heading_text(rest, rules.max_title_chars)
    if not heading and not rule.text_may_follow:
        return None
    n = _norm_num(rule, num) if num else ""
    label = rule.label.format(num=n, text=heading).strip()
    kind = rule.name
    prefix = None
    rank = rule.rank
    if rule.level == "depth":
        parts = n.split(".")
        kind = f"{rule.name}.{len(parts)}"
        prefix = ".".join(parts[:-1]) or None
        rank = None if rank is None else rank + len(parts)
    ends_list = line.endswith(";") or (line.endswith(",") and not _continues_lower(text, lines, i))
    # "Heading: body" or "Heading:" introduces what follows; a bare citation of another document
    # ("Kế hoạch số 12/KH-UBND ngày ... về ...") is an item of a list of documents.
    introduces = _HEAD_COLON.search(rest) is not None
    citation = not introduces and bool(rules.citation.match(rest))
    list_like = (
        ends_list
        or citation
        or len(line) > rules.max_heading_chars
        or (line.endswith(".") and len(line) > 120 and not introduces)
    )
    return _Cand(
        start=start,
        line_end=line_end,
        rule=rule,
        kind=kind,
        label=label,
        number=_number_of(rule, num, rules) if num else None,
        heading=heading,
        prefix=prefix,
        rank=rank,
        ends_list=ends_list,
        list_like=list_like,
        citation=citation,
        bold=is_bold,
        title_line=title_line,
    )


def _continues_lower(text: str, lines: list[tuple[int, int]], i: int) -> bool:
    """True when the next non-blank line starts lower-case: a line wrapped mid-sentence."""
    for s, e in lines[i + 1 : i + 3]:
        nxt = text[s:e].strip()
        if nxt:
            return nxt[0].islower()
    return False

