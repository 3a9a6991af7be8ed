"""`run_checks`: the check stage of one document — find the relations, judge each, keep one row per id.

Why it never raises on a finder or rule bug: the document's facts are still worth storing, so a
crashing finder loses the relations (none are found) and a crashing evaluation becomes an
`unverifiable` row with the error. A bad checks.yaml is different: it is a ConfigError before any
document is judged (exit 2).
"""

from __future__ import annotations

from collections.abc import Sequence

from pipeline.check.finders import find_relations, ordered_finders
from pipeline.check.rules import load_rules
from pipeline.check.verdict import error_check, evaluate, ocr_unsure
from pipeline.model import Check, Fact, NormText, Section
from pipeline.structure.layout import Layout


def run_checks(t: NormText, sections: Sequence[Section], facts: Sequence[Fact], doc_id: str,
               layout: Layout | None = None) -> list[Check]:
    """All checks of one document, in text order; `layout` is the text's parsed structure (built by
    the finders when not given)."""
    rules = load_rules()
    ordered_finders(rules)  # an unknown finder name is a configuration error, not a finder bug
    try:
        relations = find_relations(t, sections, facts, rules=rules, layout=layout)
    except Exception:  # a finder bug must not lose the document; its facts are still stored
        return []
    checks: list[Check] = []
    seen: set[str] = set()
    unsure = ocr_unsure(facts)
    for rel in relations:
        try:
            c = evaluate(t, sections, rel, doc_id, rules, unsure)
        except Exception as e:  # a crashing check becomes a result, not a lost document
            c = error_check(t, sections, rel, doc_id, rules, e)
        if c.check_id in seen:
            continue
        seen.add(c.check_id)
        checks.append(c)
    return checks
