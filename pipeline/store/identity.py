"""Which stored row is which file: identity is the resolved path, version is the content hash.

`plan` decides, before any work, what each file found on disk means for the database (CONTRACT.md):
same path + same bytes = unchanged; same path + new bytes = a new version replacing the old one;
a new path whose bytes are stored under a path that no longer exists = a rename (the row keeps its
doc_id, so its checks and their reviews stay); anything else = a new document. Stored paths that are
gone from disk are listed, and removed only when asked (`--prune`). `plan` is pure; the functions
below it apply its decisions, each in one transaction.
"""

from __future__ import annotations

import contextlib
import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import duckdb

from pipeline.errors import StoreError
from pipeline.model import doc_id_for
from pipeline.store.schema import DOC_TABLES


@dataclass(frozen=True, slots=True)
class Stored:
    doc_id: str
    path: str
    sha256: str


@dataclass(frozen=True, slots=True)
class Plan:
    todo: tuple[tuple[str, str | None], ...]  # (path, doc_id to use or None for the content's own), in order
    unchanged: tuple[str, ...]
    renames: tuple[tuple[str, str], ...]  # (doc_id, new path)
    gone: tuple[str, ...]  # stored paths no longer on disk (after renames)


def plan(found: Iterable[tuple[str, str | None]], stored: Iterable[Stored], exists: Callable[[str], bool]) -> Plan:
    """Decide for each `(resolved path, sha256 or None if unreadable)` found; see the module docstring."""
    by_path = {s.path: s for s in stored}
    found = list(found)
    found_paths = {p for p, _ in found}
    orphans: dict[str, list[Stored]] = {}  # sha -> stored versions whose path is gone
    for s in sorted(by_path.values(), key=lambda s: s.path):
        if s.path not in found_paths and not exists(s.path):
            orphans.setdefault(s.sha256, []).append(s)
    todo, unchanged, renames = [], [], []
    renamed: set[str] = set()
    # ids held by other paths: a new version of a path frees its own old id, nothing else does
    taken = {s.doc_id: s.path for s in by_path.values()}
    for path, sha in found:
        old = by_path.get(path)
        if sha is not None and old is not None and old.sha256 == sha:
            unchanged.append(path)
        elif sha is not None and old is None and orphans.get(sha):
            src = orphans[sha].pop(0)
            renames.append((src.doc_id, path))
            renamed.add(src.path)
        else:
            own = doc_id_for(sha) if sha else None
            doc_id = None if own is None or taken.get(own, path) == path else salted_doc_id(sha, path)
            if own is not None:
                taken[doc_id or own] = path
            todo.append((path, doc_id))
    gone = tuple(s.path for group in orphans.values() for s in group if s.path not in renamed)
    return Plan(tuple(todo), tuple(unchanged), tuple(renames), tuple(sorted(gone)))


def salted_doc_id(sha256: str, path: str) -> str:
    """The doc_id of the same bytes at a second path: content and path, so two documents."""
    return hashlib.sha256(f"{path}\0{sha256}".encode()).hexdigest()[:16]


def stored_versions(con: duckdb.DuckDBPyConnection) -> list[Stored]:
    return [Stored(*r) for r in con.execute("SELECT doc_id, path, sha256 FROM documents").fetchall()]


def _in_transaction(con: duckdb.DuckDBPyConnection, what: str, fn: Callable[[], None]) -> None:
    """Run `fn` in one transaction; the first error is the one raised (a failed ROLLBACK never hides it)."""
    con.execute("BEGIN TRANSACTION")
    try:
        fn()
        con.execute("COMMIT")
    except Exception as e:
        with contextlib.suppress(duckdb.Error):
            con.execute("ROLLBACK")
        raise StoreError(f"could not {what}: {e}") from e


def rename(con: duckdb.DuckDBPyConnection, doc_id: str, new_path: str) -> None:
    """Point a stored version at its new path; its doc_id, checks and reviews stay as they are."""
    _in_transaction(con, f"record the rename to {new_path}",
                    lambda: con.execute("UPDATE documents SET path = ? WHERE doc_id = ?", [new_path, doc_id]))


def prune(con: duckdb.DuckDBPyConnection, paths: Iterable[str]) -> int:
    """Delete every row of the versions stored under `paths`, in one transaction; reviews are kept."""
    paths = list(paths)

    def run() -> None:
        for table in sorted(DOC_TABLES, key=lambda t: t == "documents"):  # documents last: the others find ids there
            con.execute(f"DELETE FROM {table} WHERE doc_id IN (SELECT doc_id FROM documents WHERE path IN "
                        f"(SELECT unnest($p)))" if table != "documents" else
                        "DELETE FROM documents WHERE path IN (SELECT unnest($p))", {"p": paths})

    if paths:
        _in_transaction(con, "prune stored paths", run)
    return len(paths)
