"""The running scope of a passage: the period and the subject stated last hold for the sentences and
lines after it, until another is stated.

Why a forward pass and not a search per figure: reports state the period once ("Trong quý I năm
2023, ...", "Tháng 9/2021, ...") and then list figures over several sentences and paragraphs; FORMAT.md
says a stated period carries to the following sentences and lines of the same passage until another
one is stated. One walk over the period mentions in document order, resolving each with the year in
force, gives every position its period; a figure reads the scope where it stands. The per-figure
rules in `period` still decide the nearer scopes (its label, its sentence, its table header); this
scope answers when they find nothing, and gives "trong kỳ" its meaning.

A passage is the innermost section around a position (the whole text when the document has no
headings, as news pages); a list item is a passage nested in it: a period stated in an item holds
for that item and the lines under it, not for its siblings (the item's head states what they share).
A period inside a parenthesis that holds figures of its own is a
digression ("(năm 2021 đã tiếp nhận 12.499 hồ sơ)") and does not carry on after it.

The subject works the same way: a unit a clause is about ("Cấp huyện tiếp nhận ...", "Toàn tỉnh
có ...") carries from the next sentence on (within its own sentence the per-figure rules in `subject`
decide); a unit a figure counts ("460/460 xã") is not a topic.

A named reporting period and its data window are one period: "quý I năm 2020 (tính từ 1/12/2019
đến 29/2/2020)" or a monthly bulletin "từ ngày 21/7 đến 20/8/2021" that later says "tháng 8/2021"
— the window stands for the month or quarter whose end it falls in, when the lengths agree.
"""

from __future__ import annotations

import bisect
import itertools
import re
from dataclasses import dataclass, field
from typing import TypeVar

from extractors.meaning.columns import column_periods
from extractors.meaning.context import _Doc
from extractors.meaning.layout import _depth
from extractors.periods import Period, PeriodMention
from pipeline.config import Strict, load_model


class PeriodScopeRules(Strict):
    readers: list[str]
    named: list[str]
    window_kinds: list[str]
    window_length_tolerance: float
    same_period_pattern: str = ""


def period_rules() -> PeriodScopeRules:
    return load_model("scope.yaml", PeriodScopeRules, section="period")


@dataclass(frozen=True, slots=True)
class ScopeStep:
    """From `pos` on, within the passage starting at `passage`, the period in force is `period`."""

    pos: int
    passage: int
    period: Period
    until: int = 1 << 60  # a step stated in a list item ends with the item


@dataclass(frozen=True, slots=True)
class SubjectStep:
    """From `pos` on, within the passage starting at `passage`, the subject in force is `value`."""

    pos: int
    passage: int
    value: str
    until: int = 1 << 60


_Step = TypeVar("_Step", ScopeStep, SubjectStep)


def _last_step(steps: tuple[_Step, ...], passage: int, pos: int) -> _Step | None:
    k = bisect.bisect_right([s.pos for s in steps], pos) - 1
    while k >= 0:
        st = steps[k]
        if st.passage == passage and pos < st.until:
            return st
        if st.pos < passage:
            return None
        k -= 1
    return None


@dataclass(frozen=True, slots=True)
class PeriodScope:
    steps: tuple[ScopeStep, ...]
    windows: tuple[Period, ...]
    passages: tuple[int, ...]  # sorted starts of the innermost sections (0 for the text before any)
    columns: dict[int, str] = field(default_factory=dict)  # group start -> period of its year column
    subjects: tuple[SubjectStep, ...] = ()

    def passage_of(self, pos: int) -> int:
        k = bisect.bisect_right(self.passages, pos) - 1
        return self.passages[k] if k >= 0 else 0

    def at(self, pos: int) -> Period | None:
        """The period stated last before `pos` in the passage of `pos`, else None."""
        st = _last_step(self.steps, self.passage_of(pos), pos)
        return st.period if isinstance(st, ScopeStep) else None

    def subject_at(self, pos: int) -> str | None:
        """The subject stated last before `pos` in the passage of `pos` (ISSUER included), else None."""
        st = _last_step(self.subjects, self.passage_of(pos), pos)
        return st.value if isinstance(st, SubjectStep) else None

    def as_window(self, p: Period, kind: str) -> Period:
        """The data window a named period stands for ("quý I" -> 1/12..29/2), else the period itself."""
        rules = period_rules()
        if kind not in rules.named:
            return p
        length = (p.end - p.start).days + 1
        for w in self.windows:
            wl = (w.end - w.start).days + 1
            if w != p and p.start <= w.end <= p.end and abs(wl - length) <= rules.window_length_tolerance * length:
                return w
        return p


# "quý I năm 2020 (tính từ 1/12/2019 đến 29/2/2020)", "tháng 8/2021: từ 21/7 đến 20/8": the window
# written right after the named period defines it
_WINDOW_GAP = re.compile(r"[\s(:,\-–]*(?:số\s+liệu\s*)?")


def _passages(doc: _Doc) -> tuple[int, ...]:
    """Start of the innermost section at every point: a section's start, and the point its body
    resumes after a subsection ends."""
    bounds = {0}
    for s in doc.sections:
        bounds.add(s.char_start)
        bounds.add(s.char_end)
    return tuple(sorted(b for b in bounds if b <= len(doc.text)))


def _in_digression(doc: _Doc, start: int, end: int) -> bool:
    """Inside a parenthesis (on its line) that holds a figure of its own."""
    text = doc.text
    ls, le = doc.line_span(doc.line_of(start))
    depth, open_at = 0, -1
    for i in reversed(doc.parens_in(ls, start)):
        c = text[i]
        if c == ")":
            depth += 1
        elif c == "(":
            if depth == 0:
                open_at = i
                break
            depth -= 1
    if open_at < 0:
        return False
    close = text.find(")", end, le)
    close = le if close < 0 else close
    return bool(doc.groups_in(open_at, close))


def build_period_scope(doc: _Doc) -> PeriodScope:
    """Every stated period of the document, resolved with the year in force, as steps of the scope."""
    rules = period_rules()
    passages = _passages(doc)
    year = doc.doc_period.year
    resolved: list[tuple[PeriodMention, Period]] = []
    for m in doc.periods:
        if m.kind in rules.readers or doc.line_of(m.char_start) in doc.tables:
            continue
        y = m.explicit_year or year
        p = m.resolve(y, doc.doc_period)
        if p is None:
            continue
        if m.explicit_year:
            year = m.explicit_year
        resolved.append((m, p))
    windows = tuple(p for (a, _), (m, p) in itertools.pairwise(resolved)
                    if m.kind in rules.window_kinds and a.kind in rules.named
                    and _WINDOW_GAP.fullmatch(doc.text[a.char_end:m.char_start]))
    if doc.doc_period.period is not None and doc.doc_period.period not in windows:
        windows = (doc.doc_period.period, *windows)
    scope = PeriodScope((), windows, passages)
    steps: list[ScopeStep] = []
    for m, p in resolved:
        if _in_digression(doc, m.char_start, m.char_end):
            continue
        k = bisect.bisect_right(passages, m.char_start) - 1
        steps.append(ScopeStep(m.char_end, passages[k] if k >= 0 else 0, scope.as_window(p, m.kind),
                               _item_end(doc, doc.line_of(m.char_start))))
    return PeriodScope(tuple(steps), windows, passages, column_periods(doc), _subject_steps(doc, passages))


def _counted(doc: _Doc, pos: int) -> bool:
    """"19 sở, ban, ngành", "460/460 xã": units right after a figure are what it counts, not a topic."""
    before = doc.groups_in(max(0, pos - 40), pos)
    return bool(before) and re.fullmatch(r"[\s/]*(?:các\s+)?", doc.text[before[-1].end:pos]) is not None


def _subject_steps(doc: _Doc, passages: tuple[int, ...]) -> tuple[SubjectStep, ...]:
    """Every unit a clause is about ("Cấp huyện tiếp nhận ...", "Toàn tỉnh có ...", "Với cấp xã, ..."),
    outside tables and digressions, as steps of the running subject."""
    out: list[SubjectStep] = []
    for m in doc.mentions:
        if not (m.topic or m.label == "LEVEL") or doc.line_of(m.start) in doc.tables:
            continue
        if _in_digression(doc, m.start, m.end) or _counted(doc, m.start):
            continue
        k = bisect.bisect_right(passages, m.start) - 1
        # it carries from the next sentence on: within its own sentence the nearer rules decide
        out.append(SubjectStep(doc.next_sent(m.end), passages[k] if k >= 0 else 0, m.value,
                               _item_end(doc, doc.line_of(m.start))))
    return tuple(out)

def _item_end(doc: _Doc, line: int) -> int:
    """Where the list item holding `line` ends (the next line at its depth or shallower); no limit
    for a line that is not a list item."""
    d = _depth(doc, line)
    if d == 0:
        return 1 << 60
    n = len(doc.line_starts)
    for j in range(line + 1, n):
        js, je = doc.line_span(j)
        body = doc.text[js:je]
        if body.strip() and _depth(doc, j) <= d:
            return js
    return len(doc.text)
