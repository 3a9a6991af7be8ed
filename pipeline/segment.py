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
        "rules",
    }
)
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
    )


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


def _roman_value(s: str) -> int | None:
    s = s.upper()
    if not s or any(c not in _ROMAN for c in s):
        return None
    total = 0
    for i, c in enumerate(s):
        v = _ROMAN[c]
        total += -v if i + 1 < len(s) and _ROMAN[s[i + 1]] > v else v
    return total


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


def _candidates(t: NormText, rules: HeadingRules) -> list[_Cand]:
    text = t.text
    lines = _lines(text)
    bold = _bold_line_starts(t, lines)
    asides = sorted(t.asides)
    out: list[_Cand] = []
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
            out.append(cand)
            body_started = True
            if cand.title_line is not None:
                skip_to = cand.title_line
        elif len(line) > 80 and not is_bold:
            body_started = True
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


def _build(cands: list[_Cand], rules: HeadingRules, dropped: set[int]) -> list[_Node]:
    """Decide heading vs list item for each candidate and nest the headings.

    A stack holds the open headings; a candidate whose style is open returns to that depth, a new
    style goes one deeper (or above styles of a higher rank). Per parent and style the last number
    is kept, so that a label that breaks the count can be told from one that continues it.
    """
    nodes: list[_Node] = []
    stack: list[int] = []  # indices into nodes
    last_num: dict[tuple[int, str], int] = {}
    # Per style, the last number of a run of list items, and whether the run is a list nested in
    # a deeper section (then the items that follow on in the run are list items whatever they read).
    list_run: dict[str, tuple[int, bool]] = {}
    jump = rules.max_sequence_jump
    for c in cands:
        if c.start in dropped:
            continue
        pos = _place([nodes[j].cand for j in stack], c)
        parent = stack[pos - 1] if pos > 0 else None
        run = list_run.get(c.kind)
        in_run = run is not None and c.number is not None and c.number == run[0] + 1
        continues = True
        nested = bool(in_run and run and run[1])
        if c.rule.sequence and c.number is not None:
            prev = last_num.get((parent if parent is not None else -1, c.kind))
            if prev is None:
                # A new count opens with a small number; one that opens on a bare citation is a
                # list of documents rather than a run of headings.
                continues = c.number <= jump and not c.citation
            else:
                continues = prev < c.number <= prev + jump
                # "1." again while a deeper section is open: a list nested in that section.
                nested = nested or (c.number == 1 and pos < len(stack) - 1)
            if c.prefix is not None and parent is not None:
                pc = nodes[parent].cand
                if pc.rule is c.rule and pc.label != c.prefix:
                    continues = False
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
    nodes = _build(cands, rules, dropped)
    for _ in range(3):
        more = _false_duplicates(nodes) - dropped
        if not more:
            break
        dropped |= more
        nodes = _build(cands, rules, dropped)

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
            )
        )
    return sections
