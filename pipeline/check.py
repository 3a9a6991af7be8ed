"""Consistency checks over a document's facts (issue 4 replaces this placeholder).

`run_checks` never raises for a bad relation: a rule that errors yields an `unverifiable` check.
"""

from __future__ import annotations

from collections.abc import Sequence

from pipeline.model import Check, Fact, NormText, Section


def run_checks(t: NormText, sections: Sequence[Section], facts: Sequence[Fact], doc_id: str) -> list[Check]:
    return []
