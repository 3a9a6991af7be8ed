"""Period of each figure: the nearest period mention in scope, else the period of the document."""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from datetime import date

from extractors.meaning.context import _Doc, _Group
from extractors.meaning.layout import _depth, _heading_line_end, _parent_lines, _section_intro, _sections_at, row_cells
from extractors.meaning.metric import _footnote_anchor
from extractors.meaning.scope import PeriodScope, period_rules
from extractors.meaning.subject import _closed_parens, _strip_lead, _visible
from extractors.periods import Period, PeriodMention, find_periods

# ------------------------------------------------------------------------------------------------
# Period
# ------------------------------------------------------------------------------------------------


def _resolve_period(doc: _Doc, g: _Group, scope: PeriodScope) -> str | None:
    if doc.t.in_aside(g.start):
        anchor = _footnote_anchor(doc, g)
        if anchor is not None:
            return anchor.period if anchor.period is not None else _resolve_period(doc, anchor, scope)
    if g.start in scope.columns:
        return scope.columns[g.start]  # a figure under a year-headed column
    in_force = scope.at(g.start)
    fallback = in_force or doc.doc_period.period
    prior = _same_period_of_year(doc, g)
    if prior is not None and fallback is not None:
        return _moved(fallback, prior).value
    cands = _period_candidates(doc, g)
    first = next(cands, None)
    if first is None:
        return fallback.value if fallback else None
    if first.kind == "this_period" and in_force is not None:
        return in_force.value  # "trong kỳ" is the period in force
    year = first.explicit_year
    if year is None and first.kind not in ("now",):
        for c in cands:
            if c.explicit_year:
                year = c.explicit_year
                break
        else:
            year = in_force.year if in_force is not None else doc.doc_period.year
    p = first.resolve(year, doc.doc_period)
    if p is None:
        return fallback.value if fallback else None
    return scope.as_window(p, first.kind).value


@functools.lru_cache(maxsize=1)
def _same_period_re() -> re.Pattern[str] | None:
    pat = period_rules().same_period_pattern
    return re.compile(pat, re.IGNORECASE) if pat else None


def _same_period_of_year(doc: _Doc, g: _Group) -> int | None:
    """The year of a "cùng kỳ năm Y" that names this figure: before it in its sentence, not inside a
    closed parenthesis, with no other period between."""
    pat = _same_period_re()
    if pat is None:
        return None
    hits = list(pat.finditer(doc.text, g.sent_start, g.start))
    if not hits:
        return None
    m = hits[-1]
    closed = _closed_parens(doc, g.sent_start, g.start, with_figures=True)
    if not _visible(m.start(), closed) or any(p.char_start >= m.end() for p in doc.periods_in(m.end(), g.start)):
        return None
    return int(m.group("year"))


def _moved(p: Period, year: int) -> Period:
    """The same span of another year (29 February becomes the 28th)."""
    def move(d: date) -> date:
        try:
            return d.replace(year=d.year + year - p.end.year)
        except ValueError:
            return d.replace(year=d.year + year - p.end.year, day=28)
    return Period(move(p.start), move(p.end))


_OWN_PAREN = re.compile(r"[ \t]*\(([^()\d]{0,12}(?:19|20)\d\d)\)")


def _period_candidates(doc: _Doc, g: _Group) -> Iterator[PeriodMention]:
    """Period mentions in scope of a figure, nearest first."""
    text = doc.text
    if g.line in doc.tables:
        info = doc.tables[g.line]
        s, e = doc.line_span(g.line)
        cells = row_cells(doc, g.line)
        col = next((c for c, (cs, ce, _) in enumerate(cells) if cs <= g.start <= ce), -1)
        header = info.headers[col] if 0 <= col < len(info.headers) else ""
        yield from find_periods(header)
    # "94,63% (năm 2020) còn 92,75% (năm 2023)": a period in the parenthesis right after a figure is its own
    m = _OWN_PAREN.match(text, g.end)
    if m:
        yield from doc.periods_in(m.start(1), m.end(1))
    # the label, nearest first (a range in a parenthesis qualifies the year before it)
    yield from reversed(doc.periods_in(g.label_start, g.start))
    yield from doc.periods_in(g.end, min(g.tail_end, g.end + 120))
    closed = _closed_parens(doc, g.sent_start, g.label_start, with_figures=True)
    for p in reversed(doc.periods_in(g.sent_start, g.label_start)):
        if _visible(p.char_start, closed):
            yield p
    # earlier sentences of the paragraph (nearest first)
    ls, _ = doc.line_span(g.para)
    if g.sent_start > ls:
        closed = _closed_parens(doc, ls, g.sent_start, with_figures=True)
        for p in reversed(doc.periods_in(ls, g.sent_start)):
            if _visible(p.char_start, closed):
                yield p
    # the previous bullet of the same list, when it opens with a period ("+ Từ ngày 01/01/2024 đến
    # ngày 31/5/2024, ... tiếp nhận" then "+ Đã giải quyết ...")
    if g.para > 0:
        ps, pe = doc.line_span(g.para - 1)
        d = _depth(doc, g.para)
        if d > 0 and _depth(doc, g.para - 1) == d:
            figs = doc.groups_in(ps, pe)
            lead = doc.periods_in(ps, figs[0].start if figs else pe)
            if lead and _strip_lead(text[ps:lead[0].char_start]) == "":
                yield lead[0]
    for pl in _parent_lines(doc, g.para):
        s, e = doc.line_span(pl)
        yield from reversed(doc.periods_in(s, e))
    if g.line in doc.tables:
        yield from reversed(find_periods(doc.tables[g.line].caption))
    for sec in _sections_at(doc, g.start):
        intro = _section_intro(doc, sec)
        if intro is not None and intro[1] <= g.start:
            yield from doc.periods_in(*intro)[:1]
        hs = sec.char_start
        he = min(_heading_line_end(doc, sec), hs + 200)
        yield from doc.periods_in(hs, he)
