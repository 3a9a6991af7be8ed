"""`baocao check`: re-run the consistency checks over stored documents without re-reading files.

Used after a rule or catalog change. Check ids are derived from the relation, not from row order, so
auditors' reviews keep pointing at the same checks. This is the one module of the check stage that
touches the database, and `pipeline.check` does not import it: the finders and the verdict stay pure.
"""

from __future__ import annotations

import time
from pathlib import Path

from pipeline import store
from pipeline.check.run import run_checks


def recheck(db: str | Path) -> str:
    """Replace every stored document's checks with freshly computed ones; a one-line summary."""
    started = time.perf_counter()
    n_docs = n_checks = n_mismatch = 0
    with store.writer(db) as con:  # the one writer: the lock file for the whole re-check
        doc_ids = [r[0] for r in con.execute("SELECT doc_id FROM documents ORDER BY path").fetchall()]
        for doc_id in doc_ids:
            norm, sections, facts = store.read_document(con, doc_id)
            checks = run_checks(norm, sections, facts, doc_id)
            store.replace_checks(con, doc_id, checks)
            n_docs += 1
            n_checks += len(checks)
            n_mismatch += sum(c.status == "mismatch" for c in checks)
    return (f"{n_docs} documents re-checked: {n_checks} checks, {n_mismatch} mismatches "
            f"in {time.perf_counter() - started:.2f} s")
