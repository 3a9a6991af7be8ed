"""Opening a baocao database: the DuckDB connection with the schema of `schemas/ddl.sql` applied.

The DDL is data shipped in the wheel and read through `pipeline.config`, so a checkout and an
installed wheel create the same tables; a missing or unreadable DDL is a configuration error (exit 2).

Who may open what (CONTRACT.md): the write path alone runs DDL, in one transaction, and only on a
database that is empty or already baocao's (its `baocao_schema` marker, or the contract tables of a
database made before the marker existed); any other DuckDB file is refused unchanged (exit 2).
Readers open read-only with DuckDB's external access off, so no query can read or write files.
A database another process holds is one line naming it and exit 3, never a traceback.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator
from pathlib import Path

import duckdb

from pipeline.config import read_text
from pipeline.errors import BusyError, ForeignDatabaseError, OutputError, StoreError
from pipeline.limits import limits
from pipeline.store.lock import hold

# Tables holding rows of one document version; `reviews` and `ingest_errors` are never replaced.
DOC_TABLES = ("documents", "pages", "text_marks", "sections", "facts", "checks", "entities")
SCHEMA_VERSION = 2
MARKER = "baocao_schema"
# A database written before the marker table existed is recognised by the contract's tables.
_LEGACY_TABLES = {"documents", "facts", "checks", "ingest_errors"}
_HELD = re.compile(r"Conflicting lock is held in (?P<cmd>.*?) \(PID (?P<pid>\d+)\)")


def _open(db_path: str | Path, read_only: bool) -> duckdb.DuckDBPyConnection:
    # The writer's buffer memory is bounded (DuckDB's default is 80 % of RAM, so its resident size would
    # grow with every document stored); past the bound, DuckDB evicts or spills to disk.
    config = {"enable_external_access": False} if read_only else {"memory_limit": f"{limits().writer_memory_mb}MB"}
    try:
        return duckdb.connect(str(db_path), read_only=read_only, config=config)
    except duckdb.Error as e:
        msg = str(e)
        held = _HELD.search(msg)
        if held:
            raise BusyError(f"database is busy: it is held by pid {held['pid']} ({held['cmd']})",
                            path=str(db_path)) from None
        if "not a valid DuckDB database" in msg:
            raise ForeignDatabaseError("not a DuckDB database (refused, left unchanged)", path=str(db_path)) from None
        if isinstance(e, duckdb.IOException) and not read_only:
            raise OutputError(f"cannot open database for writing: {_first_line(msg)}", path=str(db_path)) from None
        raise StoreError(f"cannot open database: {_first_line(msg)}", path=str(db_path)) from None


def _first_line(msg: str) -> str:
    return msg.strip().splitlines()[0] if msg.strip() else msg


def _tables(con: duckdb.DuckDBPyConnection) -> set[str]:
    return {r[0] for r in con.execute(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = 'main'").fetchall()}


def _require_ours(con: duckdb.DuckDBPyConnection, db_path: str | Path, *, empty_ok: bool) -> None:
    tables = _tables(con)
    if MARKER in tables or tables >= _LEGACY_TABLES or (empty_ok and not tables):
        return
    con.close()
    names = ", ".join(sorted(tables)[:4])
    what = f"a DuckDB database with other tables ({names})" if tables else "an empty database"
    raise ForeignDatabaseError(f"not a baocao database: {what}; refused, left unchanged", path=str(db_path))


def _apply_schema(con: duckdb.DuckDBPyConnection) -> None:
    """Every DDL statement and the marker in one transaction: a failure leaves the file as it was."""
    ddl = read_text("ddl.sql")
    con.execute("BEGIN TRANSACTION")
    try:
        con.execute(ddl)
        if not con.execute(f"SELECT 1 FROM {MARKER} WHERE version = ?", [SCHEMA_VERSION]).fetchone():
            con.execute(f"INSERT INTO {MARKER} VALUES (?, now())", [SCHEMA_VERSION])
        con.execute("COMMIT")
    except Exception:
        with contextlib.suppress(duckdb.Error):
            con.execute("ROLLBACK")
        raise


def connect(db_path: str | Path, *, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """Open a baocao database: read-only for readers, else creating it if missing with the schema applied.

    This does not take the lock file; `writer` and `reader` do, and the CLI goes through them.
    """
    con = _open(db_path, read_only)
    try:
        _require_ours(con, db_path, empty_ok=not read_only)
        if not read_only:
            _apply_schema(con)
    except ForeignDatabaseError:
        raise
    except duckdb.Error as e:
        con.close()
        raise OutputError(f"cannot prepare database: {_first_line(str(e))}", path=str(db_path)) from None
    return con


@contextlib.contextmanager
def writer(db_path: str | Path) -> Iterator[duckdb.DuckDBPyConnection]:
    """The one write connection, under the exclusive lock file, closed at the end of the block."""
    with hold(db_path, exclusive=True):
        con = connect(db_path)
        try:
            yield con
        finally:
            con.close()


@contextlib.contextmanager
def reader(db_path: str | Path) -> Iterator[duckdb.DuckDBPyConnection]:
    """A read-only connection (external access off) under the shared lock file: exit 3 while a run writes."""
    with hold(db_path, exclusive=False):
        con = connect(db_path, read_only=True)
        try:
            yield con
        finally:
            con.close()
