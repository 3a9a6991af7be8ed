"""The findings an auditor filters: the `mismatches` named query with its filters, read-only.

Why here and not in the CLI: the same filtered list feeds `baocao mismatches`, `baocao export` and
notebooks, so the filters are parameters of one named query (schemas/queries/mismatches.sql) and this
module only opens the database for reading and passes them on.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from pipeline import store
from pipeline.read.queries import column_named, run_named


@dataclass(frozen=True, slots=True)
class Filters:
    """What narrows the list; the empty value of each means "every" (see mismatches.sql)."""

    doc: str = ""
    province: str = ""
    rule: str = ""
    status: str = "mismatch"
    review: str = ""
    include_dismissed: bool = False
    per_report: bool = True  # a report stored as several files has each finding once
    limit: int = 0


def finding_rows(db: str | Path, filters: Filters = Filters()) -> list[dict[str, Any]]:
    """The checks `filters` selects, worst first, each with its section trail and latest review."""
    with store.reader(db) as con:
        return run_named(con, "mismatches", **asdict(filters))


def count_findings(db: str | Path, filters: Filters = Filters()) -> int:
    """How many checks `filters` selects, its limit aside (counted by DuckDB, not fetched)."""
    with store.reader(db) as con:
        return column_named(con, "mismatches", "count(*)", **{**asdict(filters), "limit": 0})[0]


@dataclass(frozen=True, slots=True)
class Totals:
    """What the whole database holds, counted the way an auditor counts: reports, not files."""

    reports: int
    files: int
    open_findings: int  # mismatches not dismissed, once per report

    def line(self) -> str:
        return (f"database now: {self.reports} reports in {self.files} files, "
                f"{self.open_findings} open mismatches (each counted once per report)")


def totals(db: str | Path) -> Totals:
    with store.reader(db) as con:
        reports, files = con.execute(
            "SELECT count(DISTINCT coalesce(report_key, doc_id)), count(*) FROM documents").fetchone()
        return Totals(int(reports), int(files), column_named(con, "mismatches", "count(*)")[0])


def open_findings(db: str | Path) -> set[str]:
    """The check_ids of the open (not dismissed) mismatches, once per report: what `check` compares."""
    with store.reader(db) as con:
        return set(column_named(con, "mismatches", "check_id"))
