"""Rows as Arrow tables typed by the database's own columns: what the one writer inserts (both
engines, `write.write_tables`), what Ray workers send back, and what goes to the lake. Every table
starts from `rows.document_rows`, so the two engines store the same rows.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import duckdb
import pyarrow as pa

from pipeline.store.schema import DOC_TABLES

LAKE_TABLES = (*DOC_TABLES, "ingest_errors")


def table_schemas(con: duckdb.DuckDBPyConnection) -> dict[str, pa.Schema]:
    """The Arrow schema of each document table and of `ingest_errors`, read from the database."""
    return {t: table_schema(con, t) for t in LAKE_TABLES}


def table_schema(con: duckdb.DuckDBPyConnection, table: str) -> pa.Schema:
    """One table's Arrow schema, from the database (≈ 1 ms: read once per INSERT of a batch)."""
    return con.sql(f"SELECT * FROM {table} LIMIT 0").to_arrow_table().schema


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
