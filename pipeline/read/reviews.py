"""The mismatch list with each check's review state, and the log of auditors' decisions (read side;
`pipeline.store.record_review` writes a decision)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pipeline import store
from pipeline.read.queries import rows, run_named


def mismatch_rows(db: str | Path, *, include_dismissed: bool = False) -> list[dict[str, Any]]:
    """The `mismatches` named query: every mismatch worst first, with its latest review."""
    with store.reader(db) as con:
        return run_named(con, "mismatches", include_dismissed=include_dismissed)


def review_history(db: str | Path, check_id: str | None = None) -> list[dict[str, Any]]:
    """Every decision recorded, latest first (optionally for one check); reviews are never deleted."""
    with store.reader(db) as con:
        return rows(con, "SELECT * FROM reviews WHERE $cid IS NULL OR check_id = $cid ORDER BY \"at\" DESC",
                    {"cid": check_id})
