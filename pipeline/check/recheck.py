"""`baocao check`: re-run the meaning of stored figures and the consistency checks, without re-reading files.

Used after a rule, catalog or header-grammar change (`schemas/metrics.yaml`, `checks.yaml`,
`header.yaml` …): the stored text is the normalized text every stage read at ingest, so metadata,
entities, the metric, subject and period of each figure and the checks are recomputed from it exactly
as ingest computes them, and a change in `schemas/` reaches stored rows. Figures themselves (values,
spans, pages) and sections are not re-extracted: they depend on the loaders, which need the files.
Check ids are derived from the relation, not from row order, so auditors' reviews keep pointing at
the same checks. This is the one module of the check stage that touches the database, and
`pipeline.check` does not import it: the finders and the verdict stay pure.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

from extractors.entities import extract_entities
from extractors.meaning import annotate_facts
from extractors.metadata import extract_metadata
from pipeline import store
from pipeline.check.run import run_checks
from pipeline.reports import assign_report_keys
from pipeline.structure.layout import build_layout


@dataclass(frozen=True, slots=True)
class Recheck:
    documents: int
    checks: int
    mismatches: int
    figures_changed: int  # figures whose metric, subject or period differs from what was stored
    seconds: float

    def line(self) -> str:
        return (f"{self.documents} documents re-analysed: {self.figures_changed} figures got a new metric, "
                f"subject or period; {self.checks} checks, {self.mismatches} mismatches in {self.seconds:.2f} s")


def _meaning(f) -> tuple:
    return f.fact_id, f.metric, f.subject, f.period


def recheck(db: str | Path) -> Recheck:
    """Recompute metadata, figure meaning and checks of every stored document; what was done."""
    started = time.perf_counter()
    n_docs = n_checks = n_mismatch = n_changed = 0
    with store.writer(db) as con:  # the one writer: the lock file for the whole re-check
        doc_ids = [r[0] for r in con.execute("SELECT doc_id FROM documents ORDER BY path").fetchall()]
        for doc_id in doc_ids:
            norm, sections, facts = store.read_document(con, doc_id)
            meta = extract_metadata(norm, sections)
            entities = extract_entities(norm, sections)
            layout = build_layout(norm)  # parsed once, as in ingest
            annotated = annotate_facts(norm, sections, facts, meta, entities, layout=layout)
            checks = run_checks(norm, sections, annotated, doc_id, layout)
            store.replace_analysis(con, doc_id, meta, annotated, entities, checks)
            n_docs += 1
            n_changed += len(set(map(_meaning, annotated)) - set(map(_meaning, facts)))
            n_checks += len(checks)
            n_mismatch += sum(c.status == "mismatch" for c in checks)
        assign_report_keys(con)  # new metadata may join (or split) reports
    return Recheck(n_docs, n_checks, n_mismatch, n_changed, time.perf_counter() - started)
