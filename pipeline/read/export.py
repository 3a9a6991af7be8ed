"""`baocao export`: one table or view to CSV, Parquet or Excel for spreadsheets and other tools."""

from __future__ import annotations

from pathlib import Path

from pipeline import store


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


def _sql_str(p: Path) -> str:
    return str(p).replace("'", "''")
