"""Rows into the files spreadsheets open: CSV that Excel reads as UTF-8, XLSX with a frozen header
and a filter, Parquet for other tools.

Why each: Excel takes a CSV without a byte-order mark for the local code page and shows Vietnamese as
mojibake, so CSV is written with the BOM; an auditor scrolling 2,000 findings wants the header to
stay and each column filterable, so XLSX freezes row 1 and sets an auto-filter over the table. Lists
(operands, fact ids, files) become comma-joined text, which both formats can hold.
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

import openpyxl
import pyarrow as pa
import pyarrow.parquet as pq
from openpyxl.utils import get_column_letter

from pipeline.read.cells import spreadsheet_cell

FORMATS = ("csv", "parquet", "xlsx")


def format_for(out: Path, given: str | None) -> str:
    """The format to write `out` in: the one given, which must match the extension, or the extension's.

    A ValueError says what is wrong (an .xlsx name with --format csv, a name without a known extension).
    """
    ext = out.suffix.lower().lstrip(".")
    if given is not None:
        if ext in FORMATS and ext != given:
            raise ValueError(f"{out.name}: the extension says {ext} but --format is {given}; "
                             f"name the file .{given} or drop --format")
        return given
    if ext not in FORMATS:
        raise ValueError(f"{out.name}: cannot tell the format from the extension; name the file "
                         f".csv, .xlsx or .parquet, or give --format")
    return ext


def plain(v: Any) -> Any:
    """A value a spreadsheet cell holds: lists joined, time zones dropped, text that a spreadsheet
    would run as a formula neutralised and control characters replaced (`pipeline.read.cells`)."""
    if isinstance(v, datetime) and v.tzinfo is not None:
        return v.replace(tzinfo=None)
    return spreadsheet_cell(v)


def write_csv(cols: Sequence[str], rows: Sequence[Sequence[Any]], out: Path) -> None:
    with open(out, "w", newline="", encoding="utf-8-sig") as fh:
        w = csv.writer(fh)
        w.writerow(cols)
        w.writerows([plain(v) for v in r] for r in rows)


def write_xlsx(cols: Sequence[str], rows: Sequence[Sequence[Any]], out: Path, sheet: str) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = sheet[:31]  # Excel's limit on a sheet name
    ws.append(list(cols))
    for r in rows:
        ws.append([plain(v) for v in r])
    ws.freeze_panes = "A2"
    if cols:
        ws.auto_filter.ref = f"A1:{get_column_letter(len(cols))}{max(len(rows) + 1, 1)}"
    wb.save(out)


def write_parquet(table: pa.Table, out: Path) -> None:
    pq.write_table(table, out)
