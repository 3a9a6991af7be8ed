"""What every `baocao` command shares: the consoles, the option types, and the one way a command fails
(a red message on stderr and an exit code from CONTRACT.md)."""

from __future__ import annotations

import csv
import json
import math
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from pipeline.errors import ExitCode
from pipeline.read.cells import clean_text, spreadsheet_cell

err = Console(stderr=True)
out = Console()

DbOption = Annotated[Path, typer.Option("--db", help="DuckDB database file (created if missing).")]


class Format(StrEnum):
    table = "table"
    csv = "csv"
    json = "json"


def fail(message: str, code: ExitCode = ExitCode.bad_usage) -> typer.Exit:
    """The exit to raise: prints the message (one line, control characters replaced); bad usage (2)
    unless told otherwise."""
    err.print(f"[red]error:[/red] {escape(clean_text(message, keep_newlines=False))}", highlight=False,
              soft_wrap=True)
    return typer.Exit(int(code))


def existing_db(db: Path) -> Path:
    if not db.exists():
        raise fail(f"{db}: no such database (run `baocao ingest ... --db {db}` first)")
    return db


def emit(rows: list[dict], format: Format, title: str = "") -> None:
    """Rows as JSON, CSV or a terminal table (lists and long text folded)."""
    if format is Format.json:
        sys.stdout.write(json.dumps(json_safe(rows), ensure_ascii=False, indent=2, default=str, allow_nan=False)
                         + "\n")
    elif format is Format.csv:
        w = csv.DictWriter(sys.stdout, fieldnames=list(rows[0]) if rows else [])
        w.writeheader()
        w.writerows({k: spreadsheet_cell(v) for k, v in r.items()} for r in rows)
    else:
        table = Table(title=title or f"{len(rows)} rows")
        for col in rows[0] if rows else []:
            table.add_column(col, overflow="fold")
        for r in rows:
            table.add_row(*("" if v is None else escape(clean_text(str(v))) for v in r.values()))
        out.print(table)


def json_safe(v: Any) -> Any:
    """`v` with every non-finite float as null: bare `Infinity`/`NaN` is not JSON (RFC 8259)."""
    if isinstance(v, float):
        return v if math.isfinite(v) else None
    if isinstance(v, dict):
        return {k: json_safe(x) for k, x in v.items()}
    if isinstance(v, list | tuple):
        return [json_safe(x) for x in v]
    return v


def num(x: float | None) -> str:
    return "" if x is None else f"{x:g}"
