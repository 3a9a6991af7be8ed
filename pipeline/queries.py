"""Read-side operations on a stored database: named queries, reviews and exports.

Named SQL lives in `schemas/queries/*.sql` (title, description and example in a comment header) so the
CLI, the HTML report, notebooks and auditors share one definition of each question.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

from pipeline import store

QUERY_DIR = store.SCHEMA_DIR / "queries"


def named_query(name: str) -> str:
    return (QUERY_DIR / f"{name}.sql").read_text(encoding="utf-8")


def _rows(con, sql: str, params: dict[str, Any] | None = None) -> list[dict[str, Any]]:
    cur = con.execute(sql, params or {})
    cols = [d[0] for d in cur.description]
    return [dict(zip(cols, r, strict=True)) for r in cur.fetchall()]


def mismatch_rows(db: str | Path, *, include_dismissed: bool = False) -> list[dict[str, Any]]:
    con = store.connect(db)
    try:
        return _rows(con, named_query("mismatches"), {"include_dismissed": include_dismissed})
    finally:
        con.close()


def record_review(db: str | Path, check_id: str, decision: str, note: str | None, by: str | None) -> None:
    """Append a decision; the latest one per check wins (see view latest_reviews)."""
    con = store.connect(db)
    try:
        if not con.execute("SELECT 1 FROM checks WHERE check_id = ?", [check_id]).fetchone():
            raise KeyError(f"{check_id}: no such check in {db}")
        con.execute("INSERT INTO reviews VALUES (?, ?, ?, ?, ?)", [check_id, decision, note, by, datetime.now()])
    finally:
        con.close()


def export_table(db: str | Path, table: str, fmt: str, out: Path) -> int:
    """Write one table or view to csv, parquet or xlsx; returns the number of rows."""
    con = store.connect(db)
    try:
        sql = {
            "facts": "SELECT f.*, d.path FROM facts f JOIN documents d USING (doc_id) ORDER BY d.path, f.char_start",
            "checks": "SELECT c.*, d.path FROM checks c JOIN documents d USING (doc_id) ORDER BY d.path, c.char_start",
            "mismatches": "SELECT * FROM mismatches ORDER BY severity DESC NULLS LAST, path, char_start",
        }[table]
        out.parent.mkdir(parents=True, exist_ok=True)
        n = con.execute(f"SELECT count(*) FROM ({sql})").fetchone()[0]
        if fmt in ("csv", "parquet"):
            opts = "FORMAT csv, HEADER" if fmt == "csv" else "FORMAT parquet"
            sel = sql
            if fmt == "csv":  # lists (operands, fact_ids) do not fit CSV cells: render them as text
                cols = [d[0] for d in con.execute(f"SELECT * FROM ({sql}) LIMIT 0").description]
                types = [r[1] for r in con.execute(f"DESCRIBE ({sql})").fetchall()]
                parts = [f'CAST("{c}" AS VARCHAR) AS "{c}"' if t.endswith("[]") else f'"{c}"'
                         for c, t in zip(cols, types, strict=True)]
                sel = f"SELECT {', '.join(parts)} FROM ({sql})"
            con.execute(f"COPY ({sel}) TO '{_sql_str(out)}' ({opts})")
        else:
            df = con.execute(sql).df()
            for col in df.columns:  # Excel cannot hold lists or tz-aware times
                if df[col].map(lambda v: isinstance(v, list | tuple)).any():
                    df[col] = df[col].map(lambda v: ", ".join(map(str, v)) if v is not None else None)
            df.to_excel(out, index=False, sheet_name=table)
        return int(n)
    finally:
        con.close()


def _sql_str(p: Path) -> str:
    return str(p).replace("'", "''")
