"""DuckDB storage: opening a database with its schema (`schema`), the one writer (`write`), the rows of
the pipeline's dataclasses (`rows`) and reading a stored document back for the checker (`load`).

`from pipeline import store; store.connect(...)` is the entry point for the CLI, notebooks and tests."""

from pipeline.store.load import known_version, read_document
from pipeline.store.schema import DOC_TABLES, connect
from pipeline.store.write import record_error, record_review, replace_checks, write_document

__all__ = [
    "DOC_TABLES", "connect", "known_version", "read_document", "record_error", "record_review", "replace_checks",
    "write_document",
]
