"""Rows as Arrow tables, for the Ray engine: built in workers with the database's own column types,
stored by the one writer a batch of documents per transaction, and the same tables go to the lake.

The local engine binds a document's rows as a list of structs (`write.write_document`); a batch from
a cluster node is already columnar, so DuckDB scans the Arrow tables directly. Both start from
`rows.document_rows`, so the two engines store the same rows.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

import duckdb
import pyarrow as pa

from pipeline.store.schema import DOC_TABLES
from pipeline.store.write import delete_stale, transaction_failed

LAKE_TABLES = (*DOC_TABLES, "ingest_errors")


def table_schemas(con: duckdb.DuckDBPyConnection) -> dict[str, pa.Schema]:
    """The Arrow schema of each document table and of `ingest_errors`, read from the database."""
    return {t: con.sql(f"SELECT * FROM {t} LIMIT 0").to_arrow_table().schema for t in LAKE_TABLES}


def to_tables(rows: Iterable[Mapping[str, list[dict]]], schemas: Mapping[str, pa.Schema]) -> dict[str, pa.Table]:
    """Rows of several documents (`rows.document_rows` each) as one Arrow table per table that has rows,
    typed by the database's columns (only the columns the rows name: others keep their default)."""
    merged: dict[str, list[dict]] = {}
    for doc in rows:
        for table, table_rows in doc.items():
            merged.setdefault(table, []).extend(table_rows)
    return {table: from_rows(table_rows, schemas[table]) for table, table_rows in merged.items() if table_rows}


def from_rows(rows: list[dict], schema: pa.Schema) -> pa.Table:
    return pa.Table.from_pylist(rows, schema=pa.schema([schema.field(name) for name in rows[0]]))


def of_document(tables: Mapping[str, pa.Table], doc_id: str) -> dict[str, pa.Table]:
    """The rows of one document of a batch (to store it alone when its batch could not be stored)."""
    out = {}
    for table, t in tables.items():
        part = t.filter(pa.array([d == doc_id for d in t.column("doc_id").to_pylist()]))
        if part.num_rows:
            out[table] = part
    return out


def write_batch(con: duckdb.DuckDBPyConnection, docs: Sequence[tuple[str, str]],
                tables: Mapping[str, pa.Table]) -> None:
    """Store the documents (doc_id, path) of a batch, whose rows are `tables`, in one transaction,
    each replacing an older version of its path, as `write_document` does for one."""
    try:
        con.execute("BEGIN TRANSACTION")
        delete_stale(con, docs)
        for table in DOC_TABLES:
            t = tables.get(table)
            if t is None or not t.num_rows:
                continue
            con.register("_batch_rows", t)
            try:
                con.execute(f"INSERT INTO {table} BY NAME SELECT * FROM _batch_rows")
            finally:
                con.unregister("_batch_rows")
        con.execute("COMMIT")
    except Exception as e:
        path = docs[0][1] if len(docs) == 1 else None
        raise transaction_failed(con, e, f"could not store document: {e}", path) from e
