"""Segmentation of a normalized report into its heading tree.

Vietnamese administrative reports number their parts with a small set of label styles (Roman
``I.``, decimal ``1.``/``2.4.1.``, lettered ``a)``, named criteria ``Tiêu chí 8``/``Chỉ tiêu 8.4``,
bold-only lines, ``PHẦN I``, ``Mục 1`` ...). Which style sits at which depth differs from one issuer
to the next, so levels are not fixed per style: they follow the order in which styles nest in the
document itself, the way a word processor's heading styles do. The label patterns live as data in
``schemas/headings.yaml``.

The same label styles also number list items inside paragraphs (a list of documents "1. Kế hoạch
số ...;"). A line is taken as a heading unless the evidence says list item: it ends like a list
item (";"), or it breaks the running count of its siblings while looking like prose (long, a
document citation, a sentence end), or it continues a run of such list items.

On pages read by OCR a label may come out misspelled ("HI." or "IIL" for "III.", "Z." for "2.") or
lose a stroke ("II." where "III." is due). There, and only there, a line whose first token is such
a misreading of the label the numbering expects next becomes that heading when the rest of it reads
like its siblings; the section keeps the token as read (Section.repaired_from) and the text stays
as it is. The misreadings are data (``ocr_labels`` in headings.yaml).
"""

from __future__ import annotations

import bisect
import functools
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import regex
import yaml

from pipeline.errors import ConfigError
from pipeline.model import NormText, Section, stable_id

DEFAULT_RULES_PATH = Path(__file__).resolve().parent.parent / "schemas" / "headings.yaml"

_NUMBER_KINDS = frozenset({"roman", "int", "decimal", "letter", "ordinal", "none"})
_LEVEL_KINDS = frozenset({"nesting", "depth"})
_RULE_KEYS = frozenset(
    {
        "name",
        "pattern",
        "label",
        "number",
        "sequence",
        "level",
        "rank",
        "text_start",
        "text_may_follow",
        "bold_only",
        "ignore_case",
    }
)
_TOP_KEYS = frozenset(
    {
        "version",
        "limits",
        "letters",
        "ordinals",
        "not_heading",
        "body_end",
        "body_resume",
        "table_line",
        "citation",
        "bullet",
        "ocr_labels",
        "rules",
    }
)
_OCR_KIND_KEYS = frozenset({"end", "repeat", "spellings"})
# Number kinds whose next label can be written from the previous one (see _written).
_REPAIRABLE_NUMBERS = frozenset({"roman", "decimal", "int"})
_LIMIT_KEYS = ("max_heading_chars", "max_title_chars", "max_bold_chars", "max_sequence_jump")


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
    bullet: regex.Pattern[str]
    ocr_kinds: dict[str, OcrLabelKind] = field(default_factory=dict)  # by rule name
    ocr_max_edits: int = 0


# --------------------------------------------------------------------------- loading


def _compile(src: Any, where: str, flags: int = 0) -> regex.Pattern[str]:
    if not isinstance(src, str) or not src:
        raise ConfigError(f"{where}: expected a non-empty regex string")
    try:
        return regex.compile(src, flags | regex.V0)
    except regex.error as e:
        raise ConfigError(f"{where}: bad regex: {e}") from e


def _rule_from(d: Any, i: int) -> HeadingRule:
    where = f"headings.yaml rules[{i}]"
    if not isinstance(d, dict):
        raise ConfigError(f"{where}: expected a mapping")
    unknown = set(d) - _RULE_KEYS
    if unknown:
        raise ConfigError(f"{where}: unknown keys {sorted(unknown)}")
    for key in ("name", "pattern", "label", "number", "level"):
        if key not in d:
            raise ConfigError(f"{where}: missing '{key}'")
    name = d["name"]
    if not isinstance(name, str) or not regex.fullmatch(r"[a-z_][a-z0-9_]*", name):
        raise ConfigError(f"{where}: name must be a lower-case identifier")
    flags = regex.IGNORECASE if d.get("ignore_case", False) else 0
    pattern = _compile(d["pattern"], f"{where} ({name}) pattern", flags)
    groups = set(pattern.groupindex)
    label = d["label"]
    if not isinstance(label, str) or not label:
        raise ConfigError(f"{where} ({name}): label must be a non-empty template")
    fields = set(regex.findall(r"\{(\w+)\}", label))
    if not fields <= {"num", "text"}:
        raise ConfigError(f"{where} ({name}): label may use only {{num}} and {{text}}")
    if not fields <= groups:
        raise ConfigError(
            f"{where} ({name}): label uses a group the pattern lacks: {sorted(fields - groups)}"
        )
    if d["number"] not in _NUMBER_KINDS:
        raise ConfigError(f"{where} ({name}): number must be one of {sorted(_NUMBER_KINDS)}")
    if d["number"] != "none" and "num" not in groups:
        raise ConfigError(f"{where} ({name}): number '{d['number']}' needs a (?P<num>...) group")
    if d["level"] not in _LEVEL_KINDS:
        raise ConfigError(f"{where} ({name}): level must be one of {sorted(_LEVEL_KINDS)}")
    if d["level"] == "depth" and d["number"] != "decimal":
        raise ConfigError(f"{where} ({name}): level 'depth' needs number 'decimal'")
    rank = d.get("rank")
    if rank is not None and (not isinstance(rank, int) or isinstance(rank, bool)):
        raise ConfigError(f"{where} ({name}): rank must be an integer")
    for key in ("sequence", "text_may_follow", "bold_only", "ignore_case"):
        if key in d and not isinstance(d[key], bool):
            raise ConfigError(f"{where} ({name}): {key} must be true or false")
    text_start = d.get("text_start")
    return HeadingRule(
        name=name,
        pattern=pattern,
        label=label,
        number=d["number"],
        sequence=bool(d.get("sequence", False)),
        level=d["level"],
        rank=rank,
        text_start=_compile(text_start, f"{where} ({name}) text_start") if text_start is not None else None,
        text_may_follow=bool(d.get("text_may_follow", False)),
        bold_only=bool(d.get("bold_only", False)),
    )


def _rules_from(data: Any) -> HeadingRules:
    if not isinstance(data, dict):
        raise ConfigError("headings.yaml: expected a mapping at the top")
    unknown = set(data) - _TOP_KEYS
    if unknown:
        raise ConfigError(f"headings.yaml: unknown keys {sorted(unknown)}")
    if data.get("version") != 1:
        raise ConfigError("headings.yaml: version must be 1")
    limits = data.get("limits")
    if not isinstance(limits, dict):
        raise ConfigError("headings.yaml: 'limits' must be a mapping")
    for key in _LIMIT_KEYS:
        v = limits.get(key)
        if not isinstance(v, int) or isinstance(v, bool) or v <= 0:
            raise ConfigError(f"headings.yaml: limits.{key} must be a positive integer")
    letters = data.get("letters")
    if (
        not isinstance(letters, list)
        or not letters
        or not all(isinstance(x, str) and len(x) == 1 for x in letters)
    ):
        raise ConfigError("headings.yaml: 'letters' must be a list of single letters")
    if len(set(letters)) != len(letters):
        raise ConfigError("headings.yaml: 'letters' has duplicates")
    ordinals = data.get("ordinals", {})
    if not isinstance(ordinals, dict) or not all(
        isinstance(k, str) and isinstance(v, int) for k, v in ordinals.items()
    ):
        raise ConfigError("headings.yaml: 'ordinals' must map words to integers")
    not_heading = data.get("not_heading", [])
    if not isinstance(not_heading, list) or not all(isinstance(p, str) for p in not_heading):
        raise ConfigError("headings.yaml: 'not_heading' must be a list of regexes")
    for i, p in enumerate(not_heading):
        _compile(p, f"headings.yaml not_heading[{i}]")
    never = "(?!)"
    rules_raw = data.get("rules")
    if not isinstance(rules_raw, list) or not rules_raw:
        raise ConfigError("headings.yaml: 'rules' must be a non-empty list")
    rules = tuple(_rule_from(d, i) for i, d in enumerate(rules_raw))
    names = [r.name for r in rules]
    if len(set(names)) != len(names):
        raise ConfigError("headings.yaml: rule names must be unique")
    ocr_kinds, ocr_max_edits = _ocr_labels_from(data.get("ocr_labels"), rules)
    return HeadingRules(
        rules=rules,
        max_heading_chars=limits["max_heading_chars"],
        max_title_chars=limits["max_title_chars"],
        max_bold_chars=limits["max_bold_chars"],
        max_sequence_jump=limits["max_sequence_jump"],
        letters=tuple(x.lower() for x in letters),
        ordinals={k.lower(): v for k, v in ordinals.items()},
        not_heading=_compile("|".join(f"(?:{p})" for p in not_heading) or never, "not_heading"),
        body_end=_compile(data.get("body_end", never), "headings.yaml body_end"),
        body_resume=_compile(data.get("body_resume", never), "headings.yaml body_resume"),
        table_line=_compile(data.get("table_line", never), "headings.yaml table_line"),
        citation=_compile(data.get("citation", never), "headings.yaml citation"),
        bullet=_compile(data.get("bullet", never), "headings.yaml bullet"),
        ocr_kinds=ocr_kinds,
        ocr_max_edits=ocr_max_edits,
    )


def _ocr_labels_from(d: Any, rules: tuple[HeadingRule, ...]) -> tuple[dict[str, OcrLabelKind], int]:
    where = "headings.yaml ocr_labels"
    if d is None:
        return {}, 0
    if not isinstance(d, dict) or set(d) - {"max_edits", "kinds"}:
        raise ConfigError(f"{where}: expected a mapping with 'max_edits' and 'kinds'")
    max_edits = d.get("max_edits")
    if not isinstance(max_edits, int) or isinstance(max_edits, bool) or not 0 < max_edits <= 3:
        raise ConfigError(f"{where}.max_edits must be an integer from 1 to 3")
    kinds_raw = d.get("kinds")
    if not isinstance(kinds_raw, dict):
        raise ConfigError(f"{where}.kinds must map rule names to their misreadings")
    by_name = {r.name: r for r in rules}
    kinds: dict[str, OcrLabelKind] = {}
    for name, k in kinds_raw.items():
        w = f"{where}.kinds.{name}"
        rule = by_name.get(name)
        if rule is None or not rule.sequence or rule.number not in _REPAIRABLE_NUMBERS:
            raise ConfigError(f"{w}: not a counting rule with a roman, decimal or int number")
        if not isinstance(k, dict) or set(k) - _OCR_KIND_KEYS or "spellings" not in k:
            raise ConfigError(f"{w}: expected keys {sorted(_OCR_KIND_KEYS)} ('spellings' required)")
        end = k.get("end", "")
        if not isinstance(end, str) or not isinstance(k.get("repeat", False), bool):
            raise ConfigError(f"{w}: 'end' must be a string and 'repeat' true or false")
        sp = k["spellings"]
        if not isinstance(sp, dict) or not sp or not all(
            isinstance(a, str) and a and isinstance(b, list) and all(isinstance(x, str) for x in b)
            for a, b in sp.items()
        ):
            raise ConfigError(f"{w}.spellings must map written characters to lists of readings")
        kinds[name] = OcrLabelKind(
            end=end,
            repeat=bool(k.get("repeat", False)),
            # longest runs first, so that "II" -> "H" is tried where "I" -> "l" also applies
            spellings=tuple(sorted(((a, tuple(b)) for a, b in sp.items()), key=lambda x: -len(x[0]))),
        )
    return kinds, max_edits


@functools.lru_cache(maxsize=1)
def _default_rules() -> HeadingRules:
    return _load(DEFAULT_RULES_PATH)


def _load(path: Path) -> HeadingRules:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as e:
        raise ConfigError(f"cannot read heading rules: {e}", path=str(path)) from e
    except yaml.YAMLError as e:
        raise ConfigError(f"heading rules are not valid YAML: {e}", path=str(path)) from e
    try:
        return _rules_from(data)
    except ConfigError as e:
        raise ConfigError(e.message, path=str(path)) from e


def load_heading_rules(path: Path | None = None) -> HeadingRules:
    """Read and validate the heading grammar; the default file is read once per process."""
    if path is None or Path(path).resolve() == DEFAULT_RULES_PATH:
        return _default_rules()
    return _load(Path(path))


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


@dataclass(slots=True)
class _Node:
    cand: _Cand
    level: int
    parent: int | None  # index into accepted nodes
    children: list[int] = field(default_factory=list)


def _lines(text: str) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    pos = 0
    n = len(text)
    while pos <= n:
        nl = text.find("\n", pos)
        end = n if nl < 0 else nl
        out.append((pos, end))
        if nl < 0:
            break
        pos = nl + 1
    return out


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


# --------------------------------------------------------------------------- the tree


def _place(stack: list[_Cand], c: _Cand) -> int:
    """Index in the stack of open headings at which c goes (its level - 1)."""
    for i, o in enumerate(stack):
        if o.kind == c.kind:
            return i
    if c.rank is not None:
        for i, o in enumerate(stack):
            if o.rank is not None and o.rank > c.rank:
                return i
    return len(stack)


def _continues(
    c: _Cand, parent: int | None, nodes: list[_Node], last_num: dict[tuple[int, str], int], jump: int
) -> bool:
    """Whether c's number carries on the count of its siblings (True for styles that do not count)."""
    if not c.rule.sequence or c.number is None:
        return True
    prev = last_num.get((parent if parent is not None else -1, c.kind))
    # A new count opens with a small number; one that opens on a bare citation is a list of
    # documents rather than a run of headings.
    continues = c.number <= jump and not c.citation if prev is None else prev < c.number <= prev + jump
    if c.prefix is not None and parent is not None:
        pc = nodes[parent].cand
        if pc.rule is c.rule and pc.label != c.prefix:
            continues = False
    return continues


def _build(
    items: list[_Cand | _OcrLine],
    rules: HeadingRules,
    dropped: set[int],
    text: str = "",
    lines: list[tuple[int, int]] | None = None,
) -> list[_Node]:
    """Decide heading vs list item for each candidate and nest the headings.

    A stack holds the open headings; a candidate whose style is open returns to that depth, a new
    style goes one deeper (or above styles of a higher rank). Per parent and style the last number
    is kept, so that a label that breaks the count can be told from one that continues it. A line
    read by OCR whose label does not carry on a count may be a misreading of the label that does
    (see _repair).
    """
    nodes: list[_Node] = []
    stack: list[int] = []  # indices into nodes
    last_num: dict[tuple[int, str], int] = {}
    # Per style, the last number of a run of list items, and whether the run is a list nested in
    # a deeper section (then the items that follow on in the run are list items whatever they read).
    list_run: dict[str, tuple[int, bool]] = {}
    jump = rules.max_sequence_jump
    for k, item in enumerate(items):
        if item.start in dropped:
            continue
        if isinstance(item, _OcrLine):
            c = item.cand
            if c is None or not _continues(
                c, _parent_of(c, stack, nodes), nodes, last_num, jump
            ):
                c = _repair(items, k, nodes, stack, rules, text, lines or []) or c
            if c is None:
                continue
        else:
            c = item
        pos = _place([nodes[j].cand for j in stack], c)
        parent = stack[pos - 1] if pos > 0 else None
        run = list_run.get(c.kind)
        in_run = run is not None and c.number is not None and c.number == run[0] + 1
        nested = bool(in_run and run and run[1])
        continues = _continues(c, parent, nodes, last_num, jump)
        if c.rule.sequence and c.number is not None and (parent if parent is not None else -1, c.kind) in last_num:
            # "1." again while a deeper section is open: a list nested in that section.
            nested = nested or (c.number == 1 and pos < len(stack) - 1)
        if (
            nested
            or c.ends_list
            or (not continues and c.list_like)
            or (in_run and (c.list_like or not continues))
        ):
            if c.number is not None:
                list_run[c.kind] = (c.number, nested)
            continue
        idx = len(nodes)
        nodes.append(_Node(cand=c, level=pos + 1, parent=parent))
        if parent is not None:
            nodes[parent].children.append(idx)
        del stack[pos:]
        stack.append(idx)
        if c.rule.sequence and c.number is not None:
            last_num[(parent if parent is not None else -1, c.kind)] = c.number
        list_run.clear()
    return nodes


def _parent_of(c: _Cand, stack: list[int], nodes: list[_Node]) -> int | None:
    pos = _place([nodes[j].cand for j in stack], c)
    return stack[pos - 1] if pos > 0 else None


# --------------------------------------------------------------------------- OCR label repair


@functools.lru_cache(maxsize=1024)
def _misspellings(
    written: str, spellings: tuple[tuple[str, tuple[str, ...]], ...], max_edits: int
) -> dict[str, int]:
    """Every way OCR may read `written` ("III."), with the fewest substitutions for each reading."""
    out: dict[str, int] = {}

    def walk(i: int, acc: str, edits: int) -> None:
        if i == len(written):
            if out.get(acc, max_edits + 1) > edits:
                out[acc] = edits
            return
        walk(i + 1, acc + written[i], edits)
        if edits < max_edits:
            for run, readings in spellings:
                if written.startswith(run, i):
                    for r in readings:
                        walk(i + len(run), acc + r, edits + 1)

    walk(0, "", 0)
    return out


def _edits(token: str, written: str, spec: OcrLabelKind, max_edits: int) -> int | None:
    """Substitutions that turn the label as written into the token as read, None if beyond reach."""
    return _misspellings(written, spec.spellings, max_edits).get(token)


def _written(sib: _Cand, n: int) -> str:
    """The label of sibling number n of `sib` (same style and parent)."""
    if sib.rule.number == "roman":
        return _roman_numeral(n)
    if sib.rule.number == "decimal" and sib.prefix:
        return f"{sib.prefix}.{n}"
    return str(n)


def _capitals(s: str) -> bool:
    letters = [ch for ch in s if ch.isalpha()]
    return len(letters) >= 2 and sum(ch.isupper() for ch in letters) >= 0.8 * len(letters)


def _relabel(
    read: _OcrLine, rule: HeadingRule, written: str, rules: HeadingRules, text: str, lines: list[tuple[int, int]]
) -> _Cand | None:
    """The line as a heading of `rule` labelled `written`, when the rest of it reads as a heading."""
    fixed = f"{written} {read.rest}"
    m = rule.pattern.match(fixed)
    if m is None:
        return None
    c = _make_cand(rule, m, fixed, read.start, read.line_end, text, lines, read.index, read.bold, rules)
    if c is None or c.ends_list or c.list_like or c.citation or c.title_line is not None:
        return None
    c.repaired_from = read.token
    return c


def _next_siblings(
    items: list[_Cand | _OcrLine], k: int, sib: _Cand, outer: set[str], spec: OcrLabelKind, max_edits: int
) -> list[tuple[int | None, str]]:
    """The next two siblings of `sib` after items[k], as (number read, heading text), up to the end
    of sib's parent section (a style of an outer level, or of a higher rank).

    An OCR line whose token misspells the label due next or the one after counts as that label.
    """
    out: list[tuple[int | None, str]] = []
    want = (sib.number or 0) + 1
    for item in items[k + 1 :]:
        c = item.cand if isinstance(item, _OcrLine) else item
        found: tuple[int | None, str] | None = None
        if isinstance(item, _OcrLine) and (c is None or c.kind != sib.kind):
            for n in (want, want + 1):
                if _edits(item.token, _written(sib, n) + spec.end, spec, max_edits):
                    found = (n, item.rest)
                    break
        if found is None and c is not None:
            if c.kind == sib.kind:
                found = (c.number, c.heading)
            elif c.kind in outer or (c.rank is not None and sib.rank is not None and c.rank < sib.rank):
                break
        if found is not None:
            out.append(found)
            if len(out) == 2:
                break
            want = (found[0] or want) + 1
    return out


def _repair(
    items: list[_Cand | _OcrLine],
    k: int,
    nodes: list[_Node],
    stack: list[int],
    rules: HeadingRules,
    text: str,
    lines: list[tuple[int, int]],
) -> _Cand | None:
    """items[k], an OCR line, as the label the numbering expects there, when it is a misreading.

    For each open heading whose style counts, the next sibling's label is expected (III after II,
    2.3 after 2.2). The line takes it when its first token is a misspelling of it (schemas/
    headings.yaml ocr_labels: "HI.", "IIL", "Z.") or, where the style allows, a repeat of the
    sibling's own label ("II." for "III.", a stroke lost) that the next sibling confirms (IV) or
    nothing contradicts; and when the rest reads like the sibling's heading (capitals under
    capitals). A later sibling with the expected label vetoes the repair unless it can itself be
    the repeat that the one after it confirms. A style not yet open may start here with a
    misspelled first label ("IL" for "I.") when its second label follows.
    """
    read = items[k]
    assert isinstance(read, _OcrLine)
    me = rules.ocr_max_edits
    options: list[tuple[tuple[int, int], _Cand]] = []
    for p, j in enumerate(stack):
        sib = nodes[j].cand
        spec = rules.ocr_kinds.get(sib.rule.name)
        if spec is None or sib.number is None:
            continue
        want = sib.number + 1
        written = _written(sib, want) + spec.end
        edits = _edits(read.token, written, spec, me)  # 0: as written, yet the rule refused the line
        repeat = not edits and spec.repeat and _edits(read.token, sib.label + spec.end, spec, me) is not None
        if not edits and not repeat:
            continue
        c = _relabel(read, sib.rule, written, rules, text, lines)
        if c is None or c.kind != sib.kind or _capitals(c.heading) != _capitals(sib.heading):
            continue
        after = [n for n, _ in _next_siblings(items, k, sib, {nodes[q].cand.kind for q in stack[:p]}, spec, me)]
        if after[:1] == [want] and not (spec.repeat and after[1:] in ([], [want + 2])):
            continue  # the expected label is still to come
        if repeat:
            if after and after[0] != want + 1:
                continue
            edits = me + 1  # weaker evidence than a misspelling
        options.append(((edits or 0, 0), c))
    opening = _opening(read, k, items, nodes, stack, rules, text, lines)
    if opening is not None:
        options.append(opening)
    if not options:
        return None
    options.sort(key=lambda o: o[0])
    if len(options) > 1 and options[0][0] == options[1][0] and options[0][1].label != options[1][1].label:
        return None
    return options[0][1]


def _opening(
    read: _OcrLine,
    k: int,
    items: list[_Cand | _OcrLine],
    nodes: list[_Node],
    stack: list[int],
    rules: HeadingRules,
    text: str,
    lines: list[tuple[int, int]],
) -> tuple[tuple[int, int], _Cand] | None:
    """The line as the first label of a style that would open below the open headings ("IL" for
    "I."), confirmed by that style's second label following in the same style of text."""
    open_kinds = {nodes[j].cand.kind for j in stack}
    deepest = max((r for j in stack if (r := nodes[j].cand.rank) is not None), default=None)
    me = rules.ocr_max_edits
    best: tuple[tuple[int, int], _Cand] | None = None
    for rule in rules.rules:
        spec = rules.ocr_kinds.get(rule.name)
        if spec is None:
            continue
        first = "I" if rule.number == "roman" else "1"
        if stack and rule.level == "depth" and nodes[stack[-1]].cand.rule is rule:
            first = f"{nodes[stack[-1]].cand.label}.1"
        edits = _edits(read.token, first + spec.end, spec, me)
        if not edits:
            continue
        c = _relabel(read, rule, first + spec.end, rules, text, lines)
        if c is None or c.kind in open_kinds or (deepest is not None and (c.rank is None or c.rank <= deepest)):
            continue
        after = _next_siblings(items, k, c, open_kinds, spec, me)
        if not after or after[0][0] != 2 or _capitals(after[0][1]) != _capitals(c.heading):
            continue
        if best is None or edits < best[0][0]:
            best = ((edits, 1), c)
    return best


def _has_numbered_child(nodes: list[_Node], i: int) -> bool:
    want = nodes[i].cand.label + "."
    todo = list(nodes[i].children)
    while todo:
        j = todo.pop()
        if nodes[j].cand.label.startswith(want):
            return True
        todo.extend(nodes[j].children)
    return False


def _false_duplicates(nodes: list[_Node]) -> set[int]:
    """Starts of decimal headings that repeat a sibling's label without owning its sub-numbering.

    "3." twice under one parent, where only the second has "3.1" below it: the first is a numbered
    line inside the text (an evaluation line, a stray item), not the section 3.
    """
    groups: dict[tuple[int | None, str, str], list[int]] = {}
    for i, nd in enumerate(nodes):
        if nd.cand.rule.level == "depth":
            groups.setdefault((nd.parent, nd.cand.kind, nd.cand.label), []).append(i)
    drop: set[int] = set()
    for members in groups.values():
        if len(members) < 2:
            continue
        owners = [i for i in members if _has_numbered_child(nodes, i)]
        if owners:
            drop.update(nodes[i].cand.start for i in members if i not in owners)
    return drop


def segment(t: NormText, rules: HeadingRules | None = None) -> list[Section]:
    """The heading tree of a document as a flat list of sections in document order."""
    rules = rules or load_heading_rules()
    cands = _candidates(t, rules)
    dropped: set[int] = set()
    lines = _lines(t.text) if any(isinstance(c, _OcrLine) for c in cands) else []
    nodes = _build(cands, rules, dropped, t.text, lines)
    for _ in range(3):
        more = _false_duplicates(nodes) - dropped
        if not more:
            break
        dropped |= more
        nodes = _build(cands, rules, dropped, t.text, lines)

    n = len(t.text)
    sections: list[Section] = []
    ids: list[str] = []
    paths: list[str] = []
    for i, nd in enumerate(nodes):
        c = nd.cand
        end = n
        for nxt in nodes[i + 1 :]:
            if nxt.level <= nd.level:
                end = nxt.cand.start
                break
        sid = stable_id(c.start, c.label)
        parent_id = ids[nd.parent] if nd.parent is not None else None
        path = f"{paths[nd.parent]} > {c.label}" if nd.parent is not None else c.label
        ids.append(sid)
        paths.append(path)
        sections.append(
            Section(
                section_id=sid,
                parent_id=parent_id,
                level=nd.level,
                label=c.label,
                heading=c.heading,
                path=path,
                char_start=c.start,
                char_end=end,
                page=t.page_at(c.start),
                kind=c.rule.name,
                repaired_from=c.repaired_from,
            )
        )
    return sections
