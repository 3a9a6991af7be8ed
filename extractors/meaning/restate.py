"""Second pass over the metrics of a document: figures stated twice, and counts named by the rate after them.

Runs after every figure has its own metric (extractors.meaning.metric), because both rules read the
metrics of other figures: a headline restating a body figure, a body figure restating the lead, and
"đã phát sinh 22.800 hồ sơ (...), đạt tỷ lệ 29,1%" where 29,1% is named elsewhere.
"""

from __future__ import annotations

import re

from extractors.catalog import Catalog
from extractors.meaning.context import _Doc, _Group
from extractors.meaning.metric import _unit_words, _unnamed
from pipeline.model import Fact


def restate_figures(doc: _Doc) -> None:
    """After every figure has its own metric: a figure restated elsewhere (a headline or lead over the
    body that says the same, "Tỷ lệ giải quyết hồ sơ cấp xã đạt 99,98%" over the on-time rate 99,98%)
    is named the way the other statement names it — an unnamed figure takes the one metric of the
    figures with the same value, kind, unit and precision. Round figures (whole percents, small counts)
    repeat by chance and are left alone, and so are table cells: a column names its cells, and one
    value in two columns of a row (1.500 TTHC at two service levels) is not one figure stated twice.
    Then a count named only by its noun takes the numerator of the
    rate stated right after it ("đã phát sinh 22.800 hồ sơ (...), đạt tỷ lệ 29,1%")."""
    cat = doc.cat
    named: dict[tuple, set[str]] = {}
    prose = [g for g in doc.groups if g.line not in doc.tables]
    for g in prose:
        for f in g.facts:
            m = g.metric.get(f.fact_id)
            if _distinctive(f) and not _unnamed(cat, m):
                named.setdefault(_restate_key(cat, f), set()).add(m or "")
    for g in prose:
        for f in g.facts:
            if _distinctive(f) and _unnamed(cat, g.metric.get(f.fact_id)):
                found = named.get(_restate_key(cat, f), set())
                if len(found) == 1:
                    g.metric[f.fact_id] = next(iter(found))
    for g in doc.groups:
        _count_of_rate(doc, g)


def _restate_key(cat: Catalog, f: Fact) -> tuple:
    return f.kind, f.value, f.decimals, tuple(_unit_words(cat, f) or ())


def _distinctive(f: Fact) -> bool:
    if f.kind == "percent":
        return f.decimals > 0
    return f.kind in ("count", "money") and f.value >= 100


_RATE_AFTER = re.compile(r"\s*(?:\([^()]*\))?\s*,?\s*(?:đạt|chiếm|bằng)(?:\s+(?:tỷ|tỉ)\s+lệ)?\s*$", re.IGNORECASE)


def _count_of_rate(doc: _Doc, g: _Group) -> None:
    """"N hồ sơ (trong đó cấp tỉnh a hồ sơ, ...), đạt tỷ lệ p%" with p% a named rate: N and the counts of
    the same noun in its parenthesis are the rate's numerator."""
    cat = doc.cat
    f = g.facts[0]
    own = g.metric.get(f.fact_id)
    if f.kind != "count":
        return
    unit = (_unit_words(cat, f) or [])[:2]
    after = [h for h in doc.groups_in(g.end, g.clause_end) if h.line == g.line]
    rate = next((h for h in after if h.facts[0].kind == "percent"), None)
    if rate is None or not unit:
        return
    between = [h for h in after if h.start < rate.start]
    if any((_unit_words(cat, h.facts[0]) or [])[:2] != unit for h in between):
        return
    gap = doc.text[g.end:rate.start]
    if not _RATE_AFTER.match(gap):
        return
    rm = cat.metrics.get(rate.metric.get(rate.facts[0].fact_id) or "")
    if rm is None or len(rm.numerator) != 1 or not cat.head_ok(cat.metrics[rm.numerator[0]], unit, {}):
        return
    num = rm.numerator[0]
    if not (_unnamed(cat, own) or cat.metrics[num].broader == own):
        return  # the count names another stage: the rate is not its share
    for h in (g, *between):
        if h.metric.get(h.facts[0].fact_id) in (own, None) or _unnamed(cat, h.metric.get(h.facts[0].fact_id)):
            h.metric[h.facts[0].fact_id] = num
