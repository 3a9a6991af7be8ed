"""The commands an auditor runs on a database: mismatches, named queries, reviews, exports, the report."""

from __future__ import annotations

import json
import os
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from pipeline import store
from pipeline.cli.common import DbOption, Format, emit, existing_db, fail, num, out
from pipeline.read import queries, reviews
from pipeline.read.cells import clean_text
from pipeline.read.export import export_table
from pipeline.read.report import write_report


class ExportTable(StrEnum):
    facts = "facts"
    checks = "checks"
    mismatches = "mismatches"


class ExportFormat(StrEnum):
    csv = "csv"
    parquet = "parquet"
    xlsx = "xlsx"


def mismatches(
    db: DbOption,
    format: Annotated[Format, typer.Option("--format", help="Output format.")] = Format.table,
    include_dismissed: Annotated[bool, typer.Option(help="Also list mismatches an auditor dismissed.")] = False,
) -> None:
    """List inconsistencies, worst first."""
    rows = reviews.mismatch_rows(existing_db(db), include_dismissed=include_dismissed)
    if format is not Format.table:
        emit(rows, format)
        return
    table = Table(title=f"{len(rows)} mismatches", show_lines=True)
    for col in ("document", "section", "rule", "stated", "expected", "message", "quote", "review"):
        table.add_column(col, overflow="fold")
    for r in rows:
        table.add_row(*(escape(clean_text(v)) for v in (
            Path(r["path"]).name, r["section_path"] or "", r["rule"], num(r["stated"]),
            num(r["expected"]), r["message_vi"], r["quote"], r["review_decision"] or "",
        )))
    out.print(table)


def query(
    name: Annotated[str | None, typer.Argument(help="A named query of the cookbook; omit to list them.")] = None,
    db: Annotated[Path | None, typer.Option("--db", help="DuckDB database file.")] = None,
    param: Annotated[list[str] | None, typer.Option("--param", "-p", help="NAME=VALUE (JSON or text).")] = None,
    format: Annotated[Format, typer.Option("--format", help="Output format.")] = Format.table,
) -> None:
    """Run a named query of the SQL cookbook (schemas/queries/*.sql)."""
    if name is None:
        for q in queries.named_queries():
            params = " ".join(f"--param {k}={json.dumps(v, ensure_ascii=False)}" for k, v in q.params.items())
            out.print(f"[bold]{q.name}[/bold]  {q.title}  [dim]{params}[/dim]", highlight=False)
        return
    if db is None:
        raise fail("give --db FILE")
    values: dict[str, object] = {}
    for item in param or []:
        key, sep, raw = item.partition("=")
        if not sep:
            raise fail(f"--param {item!r}: expected NAME=VALUE")
        try:
            values[key] = json.loads(raw)
        except json.JSONDecodeError:
            values[key] = raw
    try:
        with store.reader(existing_db(db)) as con:
            rows = queries.run_named(con, name, **values)
    except KeyError as e:  # an unknown query or parameter
        raise fail(str(e.args[0])) from e
    emit(rows, format, title=name)


def review(
    check_id: Annotated[str, typer.Argument(help="The check's id (see `baocao mismatches`).")],
    db: DbOption,
    confirm: Annotated[bool, typer.Option("--confirm", help="The mismatch is real.")] = False,
    dismiss: Annotated[bool, typer.Option("--dismiss", help="The mismatch is a false alarm.")] = False,
    note: Annotated[str | None, typer.Option(help="Why.")] = None,
    by: Annotated[str | None, typer.Option(help="Who decided.")] = None,
) -> None:
    """Record an auditor's decision on a check; it survives re-ingest and `check`."""
    if confirm == dismiss:
        raise fail("give exactly one of --confirm or --dismiss")
    try:
        store.record_review(existing_db(db), check_id, "confirmed" if confirm else "dismissed", note,
                            by or os.environ.get("USER"))
    except KeyError as e:
        raise fail(str(e.args[0])) from e
    out.print(f"{check_id}: {'confirmed' if confirm else 'dismissed'}", highlight=False)


def export(
    db: DbOption,
    table: Annotated[ExportTable, typer.Option(help="What to export.")],
    format: Annotated[ExportFormat, typer.Option("--format", help="File format.")],
    out_path: Annotated[Path, typer.Option("--out", help="Output file.")],
) -> None:
    """Export facts, checks or mismatches for spreadsheets and other tools."""
    n = export_table(existing_db(db), table.value, format.value, out_path)
    out.print(f"{n} rows → {out_path}", highlight=False)


def report(
    db: DbOption,
    out_path: Annotated[Path, typer.Option("--out", help="HTML file to write.")],
) -> None:
    """Write a self-contained HTML audit report."""
    write_report(existing_db(db), out_path)
    out.print(f"report → {out_path}", highlight=False)
