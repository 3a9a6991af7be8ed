"""The layout of a normalized text, parsed once right after normalization: its lines, sentences,
list items with their nesting, tables and asides. Every later stage reads it instead of parsing
the text again.

Why one parse: the figure extractor, the meaning stage and the relation finders each used to find
tables, sentences and bullets with their own patterns, and the copies had drifted apart (a table
for one was not a table for the other). The definitions, where they disagreed, are settled here:

- **lines** are the text split at "\\n" (a normalized paragraph is one line);
- **sentences** end at ".", "!", "?" or "…" (a closing "**", "*", ")" or quote may follow) before
  the next sentence's first word, bullet or quote, unless the mark closes an abbreviation ("TP.",
  "v.v."), or at the end of a line; table rows and asides hold no sentences. Across lines
  (`reading_sentence_starts`), a line that opens with a lower-case word or a figure after a line
  without closing punctuation continues the sentence a page break cut;
- **list items** are lines opening with bullet marks ("-", "–", "+", "*", "•", "·") or an item
  label ("1.", "2)", "a)", "đ."), possibly several ("- a) ...", each mark a level in turn). Their
  depth follows the order in which marker styles nest in the running list, as a word processor's
  list levels do: a new style goes one deeper, a style already open returns to its level. A
  non-item line closes the list unless it ends with ":" (it introduces the next items, which then
  hang under it: `intro`), or unless it only interrupts the list: the rest of a paragraph a page
  break cut (its first letter is lower case: "10.991 hồ sơ …"), a footnote body ("⁵ …", "[3] …"),
  a page number or running header; an item right after such lines continues the interrupted list;
- **tables**: see `pipeline.structure.tables` (and `pipeline.structure.stacked`, one cell a line);
- **asides** are lines that carry no figure of the report: running headers and page numbers typed
  into the body of a DOCX or a text file (`page_number`, `running_header`), and the spans
  normalization already set aside (`note`: footnote bodies moved to the end, running headers it
  kept). Figures skip `page_number` and `running_header` lines; footnote bodies state figures like
  any other text, so `note` asides are marked for the stages that care, not skipped.

    layout = build_layout(norm)
    layout.table_cell_at(pos)        # (table, cell) holding a character, or None
    layout.sentence_at(pos), layout.sentence_floor(pos), layout.item_at(pos), layout.is_debris(pos)
    item_marks(line), bullet_marks(line), SENT_BREAK   # the same patterns, for fragments of text
"""

from __future__ import annotations

import bisect
from collections import Counter
from dataclasses import dataclass

import regex

from pipeline.model import NormText
from pipeline.structure.numtab import find_numeric
from pipeline.structure.stacked import find_stacked
from pipeline.structure.tables import Cell, Table, find_tables, row_style

_SENT_BREAK = regex.compile(r"[.!?…](?:\*\*|\*)?(?=\s)")
SENT_BREAK = _SENT_BREAK  # public: whether a fragment of text holds a sentence break (`.search`)
# Where a sentence ends inside a line: end punctuation (and a closing mark) before the next sentence's
# first word, bullet or quote, unless the punctuation closes an abbreviation ("TP. Huế", "v.v. và")
_SENT_END = regex.compile(r"([.!?…](?:\*\*|\*|\)|”|\")?)\s+(?=[\"“(\[]?[\w\-–+*•])")
_ABBREV_END = regex.compile(r"(?:\b(?:TP|Tp|TT|KT|TM|ThS|TS|PGS|GS|Q|Đ|P|St|ông|bà|v\.v)|\b[A-ZĐ])\.$")
# A line that continues the sentence of the line before (a paragraph a page break cut: "Số hồ sơ đã
# giải quyết\n10.991 hồ sơ"): the line before ends without closing punctuation, this one opens with a
# lower-case word or a figure
_CUT_LINE = regex.compile(r"[^\s.:;!?…)\]”\"*]\n$")
_LOWER_OR_DIGIT = regex.compile(r"[^\W_A-ZÀ-ỸĐ]")
_BULLETS = r"[-–+*•·]+"
_ITEM_MARKS = regex.compile(r"[ \t]*((?:(?:" + _BULLETS + r"|\d{1,2}[.)]|[a-zđ][.)])[ \t]+)+)")
_BULLET_MARKS = regex.compile(r"[ \t]*((?:" + _BULLETS + r"[ \t]+)+)")
_ONE_MARK = regex.compile(r"[-–+*•·]+|\d{1,2}[.)]|[a-zđ][.)]")
# A line that is only a page number: "3", "- 3 -", "Trang 3", "Trang 3/10", "3/10".
_PAGE_NUMBER = regex.compile(
    r"[ \t]*(?:[-–—][ \t]*(?P<n>\d{1,3})[ \t]*[-–—]|(?i:trang|page)[ \t]+(?P<n>\d{1,3})(?:[ \t]*/[ \t]*\d{1,3})?"
    r"|(?P<n>\d{1,3})(?:[ \t]*/[ \t]*\d{1,3})?)[ \t]*")
_NOTE_START = regex.compile(r"[ \t]*(?:[⁰¹²³⁴⁵⁶⁷⁸⁹]+|\[\^?\d{1,3}\])")  # a footnote body's marker
_FIRST_LETTER = regex.compile(r"\p{L}")
_MIN_PAGE_RUN = 3  # bare numbers counting up (1, 2, 3 ... with text between): page numbers
_MIN_HEADER_REPEATS = 3
_MAX_HEADER_CHARS = 120


@dataclass(frozen=True, slots=True)
class Line:
    start: int
    end: int  # before the "\n"
    body: int  # first non-blank character (== end for a blank line)

    @property
    def blank(self) -> bool:
        return self.body >= self.end


@dataclass(frozen=True, slots=True)
class Sentence:
    start: int
    end: int  # after its closing punctuation, or at the end of its line
    line: int


@dataclass(frozen=True, slots=True)
class ListItem:
    """A line opening with list marks: `marker` as written ("-", "+", "1.", "a)", "- a)"), `style`
    the kind of its last mark ("-", "+", "*", "number", "letter"), `depth` from 1, `parent` the index
    (into Layout.items) of the item it hangs under, `intro` the line index of the ":" line that
    introduces its list (None if none)."""

    line: int
    start: int  # the line's first non-blank character
    end: int
    text_start: int  # after the marks
    marker: str
    style: str
    depth: int
    parent: int | None
    intro: int | None


@dataclass(frozen=True, slots=True)
class Aside:
    start: int
    end: int
    kind: str  # "page_number" | "running_header" | "note"


@dataclass(frozen=True, slots=True)
class Layout:
    """Lines, sentences, list items, tables and asides of one normalized text (see the module)."""

    lines: tuple[Line, ...]
    sentences: tuple[Sentence, ...]
    items: tuple[ListItem, ...]
    tables: tuple[Table, ...]
    asides: tuple[Aside, ...]
    line_starts: tuple[int, ...]
    sentence_starts: tuple[int, ...]

    def line_at(self, pos: int) -> int:
        """Index of the line holding a character offset."""
        return max(0, bisect.bisect_right(self.line_starts, pos) - 1)

    def sentence_at(self, pos: int) -> Sentence | None:
        k = bisect.bisect_right(self.sentence_starts, pos) - 1
        return self.sentences[k] if k >= 0 and pos < self.sentences[k].end else None

    def item_at(self, pos: int) -> ListItem | None:
        """The list item whose line holds `pos`."""
        line = self.line_at(pos)
        return next((it for it in self.items if it.line == line), None)

    def cells(self) -> list[tuple[Table, Cell]]:
        """Every cell of every table, in text order."""
        return [(t, c) for t in self.tables for row in t.rows for c in row.cells]

    def table_cell_at(self, pos: int) -> tuple[Table, Cell] | None:
        """The table cell holding `pos` (its edges included), or None."""
        for t in self.tables:
            if t.start <= pos <= t.end:
                for row in t.rows:
                    if row.start <= pos <= row.end:
                        for c in row.cells:
                            if c.start <= pos <= c.end:
                                return t, c
        return None

    def sentence_floor(self, pos: int) -> int:
        """Where the sentence holding `pos` starts, looking back no further than its line: the start
        of the last sentence of the line that starts at or before `pos`, else the line's start (table
        rows and asides hold no sentences)."""
        line = self.line_at(pos)
        k = bisect.bisect_right(self.sentence_starts, pos) - 1
        if k >= 0 and self.sentences[k].line == line:
            return self.sentences[k].start
        return self.lines[line].start if self.lines else 0

    def is_debris(self, pos: int) -> bool:
        """Whether `pos` lies on a page number or running header line (no figure there)."""
        return any(a.start <= pos < a.end for a in self.asides if a.kind != "note")


def reading_sentence_starts(layout: Layout, text: str) -> list[int]:
    """Sentence starts as a reader sees them across lines: every line's start, but for a line that
    continues a paragraph a page break cut, and every later sentence start within a line (table
    rows and asides count one sentence a line). Sorted."""
    out = {ln.start for ln in layout.lines
           if ln.start == 0 or not (_CUT_LINE.search(text, max(0, ln.start - 3), ln.start)
                                    and _LOWER_OR_DIGIT.match(text, ln.start))}
    out.update(s.start for s in layout.sentences if s.start != layout.lines[s.line].body)
    return sorted(out)


def item_marks(line: str) -> regex.Match | None:
    """The list marks opening a line or fragment ("- ", "+ a) ", "2. "), as `Layout.items` reads them."""
    return _ITEM_MARKS.match(line)


def bullet_marks(line: str) -> regex.Match | None:
    """The bullet marks ("-", "+", "*", "•" ... each followed by a space) opening a line or fragment;
    group 1 holds them."""
    return _BULLET_MARKS.match(line)


def line_spans(text: str) -> list[tuple[int, int]]:
    """[start, end) of every line ("\\n" excluded); a text ending in "\\n" ends with an empty line."""
    out: list[tuple[int, int]] = []
    pos = 0
    for raw in text.split("\n"):
        out.append((pos, pos + len(raw)))
        pos += len(raw) + 1
    return out


def _lines(text: str) -> list[Line]:
    return [Line(s, e, s + (e - s) - len(text[s:e].lstrip())) for s, e in line_spans(text)]


def _key(text: str, ln: Line) -> str:
    return " ".join(text[ln.body:ln.end].casefold().split())


def _page_numbers(text: str, lines: list[Line]) -> list[int]:
    """Indices of lines that are page numbers typed into the body: bare numbers counting up by one
    (the first at most 3) with other text between them, at least _MIN_PAGE_RUN of them, or two
    when a copy of one short line stands right beside each (a running header: "… 2", "… 3")."""
    nonblank = [i for i, ln in enumerate(lines) if not ln.blank]
    nums: list[tuple[int, int]] = []  # (index into nonblank, value)
    for k, i in enumerate(nonblank):
        m = _PAGE_NUMBER.fullmatch(text, lines[i].start, lines[i].end)
        if m:
            nums.append((k, int(m.group("n"))))

    def beside(k: int) -> set[tuple[str, int]]:
        near = [nonblank[j] for j in (k - 1, k + 1) if 0 <= j < len(nonblank)]
        return {(_key(text, lines[i]), i) for i in near if len(text[lines[i].body:lines[i].end]) <= _MAX_HEADER_CHARS}

    def shared(run: list[int]) -> bool:
        """One short line's copies stand beside every number of the run, a different copy at each."""
        sides = [beside(j) for j in run]
        keys = set.intersection(*({key for key, _ in side} for side in sides))
        return any(len({i for side in sides for key2, i in side if key2 == key}) == len(run) for key in keys)

    out: list[int] = []
    used: set[int] = set()
    for n, (k, v) in enumerate(nums):
        if k in used or v > 3:
            continue
        run, want = [k], v + 1
        for j, w in nums[n + 1:]:
            if w == want and j > run[-1] + 1:
                run.append(j)
                want += 1
        if len(run) >= _MIN_PAGE_RUN or (len(run) == 2 and shared(run)):
            out += [nonblank[j] for j in run]
            used.update(run)
    return sorted(out)


def _running_headers(text: str, lines: list[Line], page_lines: list[int], page_starts: tuple[int, ...]) -> list[int]:
    """Short lines repeated at least _MIN_HEADER_REPEATS times, most of them within two non-blank
    lines of a page number or of a page start (a header typed at the top of each page), or
    repeated twice, each right beside a page number."""
    nonblank = [i for i, ln in enumerate(lines) if not ln.blank]
    where = {i: k for k, i in enumerate(nonblank)}
    anchors = [where[i] for i in page_lines]
    starts = set(page_starts[1:])
    page_anchors = list(anchors)
    anchors += [k for k, i in enumerate(nonblank) if lines[i].start in starts or lines[i].body in starts]
    edges: set[int] = set()
    for a in anchors:
        edges.update(nonblank[b] for b in range(max(0, a - 2), min(len(nonblank), a + 3)))
    beside = {nonblank[b] for a in page_anchors for b in (a - 1, a + 1) if 0 <= b < len(nonblank)}
    keys: dict[int, str] = {}
    for i in nonblank:
        s = text[lines[i].body:lines[i].end].strip()
        if len(s) <= _MAX_HEADER_CHARS and not row_style(s):  # a header row repeated per page stays a row
            keys[i] = _key(text, lines[i])
    seen = Counter(keys.values())
    out = []
    for key, n in seen.items():
        members = [i for i, k in keys.items() if k == key]
        at_edges = n >= _MIN_HEADER_REPEATS and 2 * sum(i in edges for i in members) > len(members)
        if at_edges or (n == 2 and all(i in beside for i in members)):
            out += members
    return sorted(set(out) - set(page_lines))


def _interrupts(text: str, ln: Line) -> bool:
    """Whether a non-item line only interrupts the list around it (see the module docstring)."""
    if _NOTE_START.match(text, ln.body, ln.end):
        return True
    first = _FIRST_LETTER.search(text, ln.body, ln.end)  # "10.991 hồ sơ …" continues; "2.1. Kết quả" does not
    return first is not None and first.group().islower()


def _items(text: str, lines: list[Line], skip: set[int], debris: set[int]) -> list[ListItem]:
    out: list[ListItem] = []
    stack: list[tuple[str, int]] = []  # open styles, each with the index of its last item
    intro: int | None = None
    paused: tuple[list[tuple[str, int]], int | None] | None = None  # a list an interruption may resume
    for i, ln in enumerate(lines):
        if ln.blank:
            continue
        m = _ITEM_MARKS.match(text, ln.start, ln.end) if i not in skip else None
        if m is None:
            if stack:
                paused = (list(stack), intro)
            if i not in debris and not (i not in skip and _interrupts(text, ln)):
                paused = None
            stack.clear()
            body = text[ln.body:ln.end].rstrip()
            intro = i if body.endswith(":") and i not in skip else None
            continue
        if paused is not None:
            stack, intro = paused
            paused = None
        marks = _ONE_MARK.findall(m.group(1))
        for mark in marks:  # "- + …" stands at the "+" level under a "-"
            style = "number" if mark[0].isdigit() else "letter" if mark[0].isalpha() else mark[0]
            if style == "–":
                style = "-"
            styles = [s for s, _ in stack]
            if style in styles:
                del stack[styles.index(style) + 1:]
            else:
                stack.append((style, -1))
            stack[-1] = (style, len(out))
        depth = len(stack)
        parent = next((k for _, k in reversed(stack[:-1]) if 0 <= k < len(out)), None)
        out.append(ListItem(i, ln.body, ln.end, m.end(), " ".join(marks), style, depth, parent, intro))
    return out


def _sentences(text: str, lines: list[Line], skip: set[int]) -> list[Sentence]:
    out: list[Sentence] = []
    for i, ln in enumerate(lines):
        if ln.blank or i in skip:
            continue
        start = ln.body
        for m in _SENT_END.finditer(text, ln.body, ln.end):
            if _ABBREV_END.search(text[max(0, m.start() - 6):m.start() + 1]):
                continue
            out.append(Sentence(start, m.start() + len(m.group(1)), i))
            start = m.end()
        if start < ln.end and text[start:ln.end].strip():
            out.append(Sentence(start, len(text[:ln.end].rstrip()), i))
    return out


def build_layout(t: NormText) -> Layout:
    """The layout of a normalized text (see the module docstring); a pure function of `t`."""
    text = t.text
    lines = _lines(text)
    pages = _page_numbers(text, lines)
    headers = _running_headers(text, lines, pages, t.page_starts)
    asides = [Aside(lines[i].start, lines[i].end, "page_number") for i in pages]
    asides += [Aside(lines[i].start, lines[i].end, "running_header") for i in headers]
    asides += [Aside(s, e, "note") for s, e in t.asides]
    asides.sort(key=lambda a: (a.start, a.end))
    debris = set(pages) | set(headers)
    spans = [(ln.start, ln.end) for ln in lines]
    tables = find_tables(text, spans, frozenset(debris))
    taken = frozenset(debris) | {i for i, (s, _) in enumerate(spans) if any(t.start <= s <= t.end for t in tables)}
    stacked = find_stacked(text, spans, taken)
    taken |= {i for i, (s, _) in enumerate(spans) if any(t.start <= s <= t.end for t in stacked)}
    tables = sorted([*tables, *stacked, *find_numeric(text, spans, taken)], key=lambda t: t.start)
    starts = tuple(ln.start for ln in lines)
    rows = {k for tb in tables for r in tb.rows
            for k in range(bisect.bisect_right(starts, r.start) - 1, bisect.bisect_right(starts, r.end))}
    sentences = _sentences(text, lines, debris | rows)
    return Layout(
        lines=tuple(lines),
        sentences=tuple(sentences),
        items=tuple(_items(text, lines, debris | rows, debris)),
        tables=tuple(tables),
        asides=tuple(asides),
        line_starts=starts,
        sentence_starts=tuple(s.start for s in sentences),
    )
