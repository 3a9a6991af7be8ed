"""`baocao export`: one table or view to CSV, Parquet or Excel for spreadsheets and other tools.

The rows are read on a read-only connection with DuckDB's external access off and written by this
module (never a `COPY ... TO` a caller could steer), every text cell neutralised for spreadsheets
(`pipeline.read.cells`), into a temporary file renamed at the end (`pipeline.read.atomic`).
"""

from __future__ import annotations

import csv
from pathlib import Path

import openpyxl
import pyarrow.parquet as pq

from pipeline import store
from pipeline.read.atomic import atomic_target
from pipeline.read.cells import spreadsheet_cell

EXPORT_SQL = {
    "facts": "SELECT f.*, d.path FROM facts f JOIN documents d USING (doc_id) ORDER BY d.path, f.char_start",
    "checks": "SELECT c.*, d.path FROM checks c JOIN documents d USING (doc_id) ORDER BY d.path, c.char_start",
    "mismatches": "SELECT * FROM mismatches ORDER BY severity DESC NULLS LAST, path, char_start",
}


def export_table(db: str | Path, table: str, fmt: str, out: Path) -> int:
    """Write one table or view to csv, parquet or xlsx; returns the number of rows."""
    sql = EXPORT_SQL[table]
    with store.reader(db) as con:
        if fmt == "parquet":
            arrow = con.sql(sql).to_arrow_table()
            n = arrow.num_rows
        else:
            cur = con.execute(sql)
            cols = [d[0] for d in cur.description]
            rows = cur.fetchall()
            n = len(rows)
    with atomic_target(Path(out)) as tmp:
        if fmt == "parquet":
            pq.write_table(arrow, tmp)
        elif fmt == "csv":
            with open(tmp, "w", newline="", encoding="utf-8") as fh:
                w = csv.writer(fh)
                w.writerow(cols)
                w.writerows([spreadsheet_cell(v) for v in r] for r in rows)
        else:
            wb = openpyxl.Workbook(write_only=True)
            ws = wb.create_sheet(table)
            ws.append(cols)
            for r in rows:
                ws.append([spreadsheet_cell(v) for v in r])
            wb.save(tmp)
    return int(n)
