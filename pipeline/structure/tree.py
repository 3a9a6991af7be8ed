"""The heading tree of a report: which candidate lines are headings, how they nest, OCR label repair.

Which label style sits at which depth differs from one issuer to the next, so levels are not fixed
per style: they follow the order in which styles nest in the document itself, the way a word
processor's heading styles do.

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

import functools
from dataclasses import dataclass, field

from pipeline.model import NormText, Section, stable_id
from pipeline.structure.headings import (
    HeadingRule,
    HeadingRules,
    OcrLabelKind,
    _Cand,
    _candidates,
    _make_cand,
    _OcrLine,
    _roman_numeral,
    load_heading_rules,
)
from pipeline.structure.layout import line_spans as _lines


@dataclass(slots=True)
class _Node:
    cand: _Cand
    level: int
    parent: int | None  # index into accepted nodes
    children: list[int] = field(default_factory=list)


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
