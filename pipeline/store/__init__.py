"""DuckDB storage: opening a database with its schema (`schema`), the one writer (`write`), the rows of
the pipeline's dataclasses (`rows`) and reading a stored document back for the checker (`load`).

`from pipeline import store; store.connect(...)` is the entry point for the CLI, notebooks and tests."""

from pipeline.store.identity import Plan, Stored, plan, prune, rename, stored_versions
from pipeline.store.load import known_version, read_document
from pipeline.store.lock import hold
from pipeline.store.schema import DOC_TABLES, connect, reader, writer
from pipeline.store.write import (
    record_error,
    record_review,
    replace_analysis,
    replace_checks,
    write_document,
    write_documents,
)

__all__ = [
    "DOC_TABLES", "Plan", "Stored", "connect", "hold", "known_version", "plan", "prune", "read_document", "reader",
    "record_error", "record_review", "rename", "replace_analysis", "replace_checks", "stored_versions",
    "write_document", "write_documents", "writer",
]
