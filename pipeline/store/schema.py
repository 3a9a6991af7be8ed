"""Opening a baocao database: the DuckDB connection with the schema of `schemas/ddl.sql` applied.

The DDL is data shipped in the wheel and read through `pipeline.config`, so a checkout and an
installed wheel create the same tables; a missing or unreadable DDL is a configuration error (exit 2).
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from pipeline.config import read_text
from pipeline.errors import StoreError

# Tables holding rows of one document version; `reviews` and `ingest_errors` are never replaced.
DOC_TABLES = ("documents", "pages", "text_marks", "sections", "facts", "checks", "entities")


def connect(db_path: str | Path, *, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """Open (creating if missing) a baocao database with the schema applied."""
    ddl = None if read_only else read_text("ddl.sql")
    try:
        con = duckdb.connect(str(db_path), read_only=read_only)
    except duckdb.Error as e:
        raise StoreError(f"cannot open database: {e}", path=str(db_path)) from e
    if ddl is not None:
        con.execute(ddl)
    return con
