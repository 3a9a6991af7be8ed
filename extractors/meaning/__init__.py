"""The meaning of figures: metric, subject and period of every Fact (`annotate_facts`).

A number alone is useless to an auditor; "2.202" has to become online dossiers received, cấp huyện,
2023-01-01..2023-05-25. Reports say this in their grammar, not in fixed sentences, so the rules below
follow that grammar:

Metric (schemas/metrics.yaml via extractors.catalog) — from the figure's own words first: the label
before the number back to the previous figure or clause start ("số tiếp nhận trực tuyến 2.202"), the
counted noun after it ("hồ sơ", "máy", "TTHC"), and the words after it up to the next figure ("26.630
văn bản được ký số"). A label that is only connectives is "thin": a percent after a count is that
count's rate ("6.186 hồ sơ, chiếm 54%" -> online_dossier_rate, the catalog rate whose numerator is
dossiers_online); a count in a list takes the metric of the list head ("527 máy. Trong đó: - Phòng
chuyên môn: 143 máy"). A fraction "373/416" splits its label at "trên tổng số" into numerator and
denominator, else the denominator is the catalog denominator of the numerator's rate. Failing that,
the parent line and the section headings add their words ("2.4.3. Hệ thống một cửa điện tử").

Subject and period — a mention applies to the figures after it until overridden, in scopes from the
nearest out: the label, the words after the figure, the sentence (a parenthesis that closed and held
figures of its own does not count), a sentence continuing the previous one ("Trong đó, ..."), the
paragraph's lead, the bullet's parent lines, the section's intro paragraph and heading, the document.
"trong đó cấp huyện ..., cấp xã ..." switches subjects because each label is nearer than the sentence.
A row of a table has its subject in the row header and its metric in the column header; a line
"Xã Phú Bình: 4.676 thuê bao" is such a row in prose. The issuer named as the subject means NULL.

Modules: `context` (the private document view), `layout` (tables and line nesting), `metric`,
`restate` (metrics from figures stated twice or named by the rate after them),
`subject`, `period`, `criteria` (status cells of criterion tables, not wired into ingest).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace
from datetime import date

from extractors.catalog import Catalog, load_catalog
from extractors.meaning.context import (
    _GAP_SPLIT,
    ISSUER,
    _attribute_year,
    _Doc,
    _Group,
    _inside,
)
from extractors.meaning.criteria import criterion_facts
from extractors.meaning.issuer import _default_subject, _issuer_level
from extractors.meaning.layout import _find_tables
from extractors.meaning.metric import _assign_metrics
from extractors.meaning.period import _resolve_period
from extractors.meaning.restate import restate_figures
from extractors.meaning.scope import build_period_scope
from extractors.meaning.subject import (
    _mask_periods,
    _resolve_subject,
    _subject_mentions,
)
from extractors.periods import document_period, find_periods, page_date
from pipeline.model import DocMeta, Entity, Fact, NormText, Section
from pipeline.structure.layout import Layout, build_layout, reading_sentence_starts

__all__ = ["ISSUER", "annotate_facts", "criterion_facts"]

# ------------------------------------------------------------------------------------------------
# Entry point
# ------------------------------------------------------------------------------------------------


def annotate_facts(t: NormText, sections: Sequence[Section], facts: Sequence[Fact], meta: DocMeta,
                   entities: Sequence[Entity], *, catalog: Catalog | None = None,
                   layout: Layout | None = None) -> list[Fact]:
    """The facts with metric, subject and period set (dataclasses.replace; order and ids kept);
    `layout` is the text's parsed structure (built here when not given)."""
    if not facts:
        return list(facts)
    cat = catalog or load_catalog()
    doc = _build_doc(t, sections, facts, meta, entities, cat, layout if layout is not None else build_layout(t))
    scope = build_period_scope(doc)
    for g in doc.groups:
        _assign_metrics(doc, g)
        g.subject = _resolve_subject(doc, g, scope)
        g.period = _resolve_period(doc, g, scope)
    restate_figures(doc)
    by_id: dict[str, tuple[_Group, Fact]] = {f.fact_id: (g, f) for g in doc.groups for f in g.facts}
    out: list[Fact] = []
    for f in facts:
        g, _ = by_id[f.fact_id]
        subject = None if g.subject in (None, ISSUER) else g.subject
        out.append(replace(f, metric=g.metric.get(f.fact_id), subject=subject, period=g.period))
    return out


# ------------------------------------------------------------------------------------------------
# Building the index
# ------------------------------------------------------------------------------------------------


def _build_doc(t: NormText, sections: Sequence[Section], facts: Sequence[Fact], meta: DocMeta,
               entities: Sequence[Entity], cat: Catalog, layout: Layout) -> _Doc:
    text = t.text
    line_starts = list(layout.line_starts)
    sent_starts = _bounded_sentences(text, reading_sentence_starts(layout, text))
    clause_starts = sorted(set(sent_starts) | {m.end() for m in re.finditer(r";\s*", text)})
    masks = sorted((e.char_start, e.char_end) for e in entities if e.label in ("ORG", "LOC", "LAW", "LEVEL"))
    law_spans = sorted((e.char_start, e.char_end) for e in entities if e.label == "LAW")

    groups = _group_facts(facts)
    issuer_level = _issuer_level(meta.issuer)
    all_periods = find_periods(text)
    mentions = _subject_mentions(_mask_periods(text, all_periods), entities, law_spans, meta, issuer_level,
                                 clause_starts)
    periods = [p for p in all_periods if not p.programme and not _inside(law_spans, p.char_start)]
    periods = [p for p in periods if not _attribute_year(text, p, entities)]

    preamble_end = min((s.char_start for s in sections), default=min(len(text), 3000))
    issued = meta.issued_date if isinstance(meta.issued_date, date) else None
    if issued is None and not meta.issued_date_text:
        issued = page_date(text)  # a news page's date line: the year in force, never a period itself
    dperiod = replace(document_period(meta.title, text[:preamble_end], issued=issued,
                                      issued_text=meta.issued_date_text), report=meta.doc_type is not None)

    doc = _Doc(t=t, layout=layout, text=text, sections=list(sections), meta=meta, cat=cat, line_starts=line_starts,
               sent_starts=sent_starts, clause_starts=clause_starts, groups=groups,
               group_starts=[g.start for g in groups], mentions=mentions,
               mention_starts=[m.start for m in mentions], periods=periods,
               period_starts=[p.char_start for p in periods], law_spans=law_spans, doc_period=dperiod,
               default_subject=_default_subject(meta, issuer_level), issuer_level=issuer_level, masks=masks,
               depths={it.line: it.depth for it in layout.items})
    _place_groups(doc)
    _find_tables(doc)
    return doc


# Longest "sentence" a figure looks back over (characters). A real sentence is far shorter (a long
# enumeration joined by ";" is a few thousand); a line of tens of thousands of characters without a
# full stop would otherwise make every figure's context the whole line: quadratic work.
_MAX_SENTENCE = 4000
_SPACE = re.compile(r"\s+")


def _bounded_sentences(text: str, starts: list[int], longest: int = _MAX_SENTENCE) -> list[int]:
    """`starts` with a start added after the first space past every `longest` characters of a
    sentence that runs longer (only such sentences change)."""
    out: list[int] = []
    for s, e in zip(starts, [*starts[1:], len(text)], strict=True):
        out.append(s)
        cut = s + longest
        while cut < e:
            m = _SPACE.search(text, cut, e)
            if m is None or m.end() >= e:
                break
            out.append(m.end())
            cut = m.end() + longest
    return out


def _group_facts(facts: Sequence[Fact]) -> list[_Group]:
    ordered = sorted(facts, key=lambda f: (f.char_start, -f.char_end))
    groups: list[_Group] = []
    for f in ordered:
        if groups and f.char_start < groups[-1].end:
            g = groups[-1]
            g.facts.append(f)
            g.end = max(g.end, f.char_end)
        else:
            groups.append(_Group(facts=[f], start=f.char_start, end=f.char_end))
    for i, g in enumerate(groups):
        g.index = i
        # the ratio (numerator) fact first, then the denominator, then anything else
        g.facts.sort(key=lambda f: (0 if f.kind == "ratio" else 1 if f.extractor.endswith("denominator") else 2,
                                    f.char_start))
    return groups


def _place_groups(doc: _Doc) -> None:
    """Clause, sentence, label and tail of every group (see the module docstring)."""
    text = doc.text
    groups = doc.groups
    for i, g in enumerate(groups):
        g.line = doc.line_of(g.start)
        g.sent_start = doc.sent_start(g.start)
        g.para = doc.line_of(g.sent_start)
        g.clause_start = doc.clause_start(g.start)
        g.clause_end = min(doc.next_clause(g.start), doc.line_span(g.line)[1])
        g.label_start = g.clause_start
        if i > 0 and groups[i - 1].end > g.clause_start and groups[i - 1].line == g.line:
            prev = groups[i - 1]
            gap = text[prev.end:g.start]
            # words between two figures belong to the first up to the first punctuation mark
            # ("3.150 hồ sơ giải quyết đúng và trước hạn, có 60 hồ sơ ..."): a "và" before it joins
            # the first figure's own words; without punctuation the first conjunction splits
            splits = list(_GAP_SPLIT.finditer(gap))
            marks = [x for x in splits if x.group()[0] in ",;:("]
            m = marks[0] if marks else (splits[0] if splits else None)
            cut = prev.end + (m.start() if m else 0)
            prev.tail_end = cut
            g.label_start = cut
        g.tail_end = g.clause_end
    for g in groups:
        if g.tail_end < g.end:
            g.tail_end = g.end
