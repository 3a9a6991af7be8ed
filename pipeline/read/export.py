"""`baocao export`: a table, a view or a named query to CSV, Parquet or Excel for other tools.

Rows are read here on a read-only connection with DuckDB's external access off (never a `COPY ... TO`
a caller could steer) and written by `pipeline.read.sheets` (CSV with a BOM, XLSX with a frozen,
filterable header, every text cell neutralised for spreadsheets) into a temporary file renamed at the
end (`pipeline.read.atomic`). Exported mismatches follow `baocao mismatches`: a report stored as several
files has the rows of its best-read file, and dismissed ones are left out, unless asked for.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pipeline import store
from pipeline.read import sheets
from pipeline.read.atomic import atomic_target
from pipeline.read.queries import named_query, parse_named_query

EXPORT_SQL = {
    "facts": "SELECT f.*, d.path FROM facts f JOIN documents d USING (doc_id) ORDER BY d.path, f.char_start",
    "checks": "SELECT c.*, d.path FROM checks c JOIN documents d USING (doc_id) ORDER BY d.path, c.char_start",
    # as `baocao mismatches` lists them: a report's findings from its best-read file (report_primary,
    # which every count uses) unless every file's own rows are asked for
    "mismatches": "SELECT * FROM mismatches WHERE ($include_dismissed OR coalesce(review_decision, '') <> 'dismissed') "
                  "AND (NOT $per_report OR doc_id IN (SELECT doc_id FROM report_primary)) "
                  "ORDER BY severity DESC NULLS LAST, path, char_start",
}


def export_table(db: str | Path, table: str, fmt: str, out: Path, *, include_dismissed: bool = False,
                 every_file: bool = False) -> int:
    """Write one table or view to csv, parquet or xlsx; returns the number of rows."""
    sql = EXPORT_SQL[table]
    params = {k: v for k, v in (("include_dismissed", include_dismissed), ("per_report", not every_file))
              if f"${k}" in sql}
    return _export(db, sql, params, fmt, Path(out), table)


def export_query(db: str | Path, name: str, params: dict[str, Any], fmt: str, out: Path) -> int:
    """Write the rows of a named query (parameters not given take the header's defaults)."""
    q = parse_named_query(name, named_query(name))
    unknown = set(params) - set(q.params)
    if unknown:
        raise KeyError(f"{name}.sql has no parameter {', '.join(sorted(unknown))}")
    return _export(db, q.sql, {**q.params, **params}, fmt, Path(out), name)


def _export(db: str | Path, sql: str, params: dict[str, Any], fmt: str, out: Path, sheet: str) -> int:
    if fmt not in sheets.FORMATS:
        raise ValueError(f"unknown export format {fmt!r}")
    with store.reader(db) as con:
        if fmt == "parquet":
            table = con.sql(sql, params=params).to_arrow_table()
            n = table.num_rows
        else:
            cur = con.execute(sql, params)
            cols = [d[0] for d in cur.description]
            rows = cur.fetchall()
            n = len(rows)
    with atomic_target(out) as tmp:
        if fmt == "parquet":
            sheets.write_parquet(table, tmp)
        elif fmt == "csv":
            sheets.write_csv(cols, rows, tmp)
        else:
            sheets.write_xlsx(cols, rows, tmp, sheet)
    return int(n)
