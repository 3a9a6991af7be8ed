"""The `baocao` command line: a thin layer that parses options, calls the library, maps errors to exits.

Exit status (CONTRACT.md): 0 all inputs ingested; 1 some inputs failed (each recorded in
`ingest_errors`, the rest ingested); 2 bad usage. This module is the only place that turns an
exception into a message and an exit code.
"""

from __future__ import annotations

import json
import os
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape

from pipeline.errors import BaocaoError, ExitCode

app = typer.Typer(
    name="baocao",
    help="Vietnamese administrative reports into DuckDB, with checks of their own arithmetic.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
err = Console(stderr=True)
out = Console()

DbOption = Annotated[Path, typer.Option("--db", help="DuckDB database file (created if missing).")]


class OcrMode(StrEnum):
    auto = "auto"
    always = "always"
    never = "never"


class Format(StrEnum):
    table = "table"
    csv = "csv"
    json = "json"


class ExportTable(StrEnum):
    facts = "facts"
    checks = "checks"
    mismatches = "mismatches"


class ExportFormat(StrEnum):
    csv = "csv"
    parquet = "parquet"
    xlsx = "xlsx"


def _fail(message: str, code: ExitCode = ExitCode.bad_usage) -> typer.Exit:
    err.print(f"[red]error:[/red] {escape(message)}", highlight=False)
    return typer.Exit(int(code))


def _existing_db(db: Path) -> Path:
    if not db.exists():
        raise _fail(f"{db}: no such database (run `baocao ingest ... --db {db}` first)")
    return db


@app.command()
def ingest(
    paths: Annotated[list[Path], typer.Argument(help="Files and folders (searched recursively).")],
    db: DbOption,
    workers: Annotated[
        int | None, typer.Option(min=1, help="Parallel worker processes (default: number of cores).")
    ] = None,
    ocr: Annotated[OcrMode, typer.Option(help="auto: OCR only pages without a usable text layer.")] = OcrMode.auto,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Only the summary line.")] = False,
) -> None:
    """Ingest reports: extract figures and run the consistency checks."""
    from pipeline.ingest import ingest as run_ingest

    missing = [p for p in paths if not p.exists()]
    for p in missing:
        err.print(f"[yellow]warning:[/yellow] {escape(str(p))}: no such file or folder", highlight=False)
    n_workers = workers or os.cpu_count() or 1
    progress = None
    on_progress = None
    if err.is_terminal and not quiet:
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

        progress = Progress(
            TextColumn("[bold]ingest"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
            TextColumn("{task.description}"), console=err, transient=True,
        )
        task = progress.add_task("", total=None)

        def on_progress(name: str, done: int, total: int) -> None:
            progress.update(task, completed=done, total=total, description=Path(name).name)

        progress.start()
    try:
        summary = run_ingest(paths, db, workers=n_workers, ocr=ocr.value, on_progress=on_progress)
    except BaocaoError as e:
        raise _fail(str(e), e.exit_code) from e
    finally:
        if progress is not None:
            progress.stop()
    for f in summary.failures:
        err.print(f"[red]failed[/red] {escape(f'{f.path} [{f.stage}]: {f.error}')}", highlight=False, soft_wrap=True)
    typer.echo(summary.line())
    if summary.failures:
        raise typer.Exit(int(ExitCode.input_failed))


@app.command()
def check(db: DbOption) -> None:
    """Re-run the consistency checks over what is stored (after a rule or catalog change)."""
    from pipeline.check.recheck import recheck

    summary = recheck(_existing_db(db))
    out.print(summary, highlight=False)


@app.command()
def mismatches(
    db: DbOption,
    format: Annotated[Format, typer.Option("--format", help="Output format.")] = Format.table,
    include_dismissed: Annotated[bool, typer.Option(help="Also list mismatches an auditor dismissed.")] = False,
) -> None:
    """List inconsistencies, worst first."""
    from pipeline.queries import mismatch_rows

    rows = mismatch_rows(_existing_db(db), include_dismissed=include_dismissed)
    if format is not Format.table:
        _emit(rows, format)
        return
    from rich.table import Table

    table = Table(title=f"{len(rows)} mismatches", show_lines=True)
    for col in ("document", "section", "rule", "stated", "expected", "message", "quote", "review"):
        table.add_column(col, overflow="fold")
    for r in rows:
        table.add_row(
            Path(r["path"]).name, r["section_path"] or "", r["rule"], _num(r["stated"]),
            _num(r["expected"]), r["message_vi"], r["quote"], r["review_decision"] or "",
        )
    out.print(table)


def _emit(rows: list[dict], format: Format, title: str = "") -> None:
    """Rows as JSON, CSV or a terminal table (lists and long text folded)."""
    if format is Format.json:
        sys.stdout.write(json.dumps(rows, ensure_ascii=False, indent=2, default=str) + "\n")
    elif format is Format.csv:
        import csv

        w = csv.DictWriter(sys.stdout, fieldnames=list(rows[0]) if rows else [])
        w.writeheader()
        w.writerows(rows)
    else:
        from rich.table import Table

        table = Table(title=title or f"{len(rows)} rows")
        for col in rows[0] if rows else []:
            table.add_column(col, overflow="fold")
        for r in rows:
            table.add_row(*("" if v is None else str(v) for v in r.values()))
        out.print(table)


@app.command()
def query(
    name: Annotated[str | None, typer.Argument(help="A named query of the cookbook; omit to list them.")] = None,
    db: Annotated[Path | None, typer.Option("--db", help="DuckDB database file.")] = None,
    param: Annotated[list[str] | None, typer.Option("--param", "-p", help="NAME=VALUE (JSON or text).")] = None,
    format: Annotated[Format, typer.Option("--format", help="Output format.")] = Format.table,
) -> None:
    """Run a named query of the SQL cookbook (schemas/queries/*.sql)."""
    from pipeline import queries, store

    if name is None:
        for q in queries.named_queries():
            params = " ".join(f"--param {k}={json.dumps(v, ensure_ascii=False)}" for k, v in q.params.items())
            out.print(f"[bold]{q.name}[/bold]  {q.title}  [dim]{params}[/dim]", highlight=False)
        return
    if db is None:
        raise _fail("give --db FILE")
    values: dict[str, object] = {}
    for item in param or []:
        key, sep, raw = item.partition("=")
        if not sep:
            raise _fail(f"--param {item!r}: expected NAME=VALUE")
        try:
            values[key] = json.loads(raw)
        except json.JSONDecodeError:
            values[key] = raw
    con = store.connect(_existing_db(db), read_only=True)
    try:
        rows = queries.run_named(con, name, **values)
    except FileNotFoundError as e:
        raise _fail(f"no query named {name!r} (run `baocao query` to list them)") from e
    except KeyError as e:
        raise _fail(str(e.args[0])) from e
    finally:
        con.close()
    _emit(rows, format, title=name)


def _num(x: float | None) -> str:
    return "" if x is None else f"{x:g}"


@app.command()
def review(
    check_id: Annotated[str, typer.Argument(help="The check's id (see `baocao mismatches`).")],
    db: DbOption,
    confirm: Annotated[bool, typer.Option("--confirm", help="The mismatch is real.")] = False,
    dismiss: Annotated[bool, typer.Option("--dismiss", help="The mismatch is a false alarm.")] = False,
    note: Annotated[str | None, typer.Option(help="Why.")] = None,
    by: Annotated[str | None, typer.Option(help="Who decided.")] = None,
) -> None:
    """Record an auditor's decision on a check; it survives re-ingest and `check`."""
    from pipeline.queries import record_review

    if confirm == dismiss:
        raise _fail("give exactly one of --confirm or --dismiss")
    try:
        record_review(_existing_db(db), check_id, "confirmed" if confirm else "dismissed", note,
                      by or os.environ.get("USER"))
    except KeyError as e:
        raise _fail(str(e.args[0])) from e
    out.print(f"{check_id}: {'confirmed' if confirm else 'dismissed'}", highlight=False)


@app.command()
def export(
    db: DbOption,
    table: Annotated[ExportTable, typer.Option(help="What to export.")],
    format: Annotated[ExportFormat, typer.Option("--format", help="File format.")],
    out_path: Annotated[Path, typer.Option("--out", help="Output file.")],
) -> None:
    """Export facts, checks or mismatches for spreadsheets and other tools."""
    from pipeline.queries import export_table

    n = export_table(_existing_db(db), table.value, format.value, out_path)
    out.print(f"{n} rows → {out_path}", highlight=False)


@app.command()
def report(
    db: DbOption,
    out_path: Annotated[Path, typer.Option("--out", help="HTML file to write.")],
) -> None:
    """Write a self-contained HTML audit report."""
    from pipeline.report import write_report

    write_report(_existing_db(db), out_path)
    out.print(f"report → {out_path}", highlight=False)


@app.command()
def render(
    src: Annotated[Path, typer.Argument(help="A report or a folder of .txt/.md reports.")] = Path("corpus"),
    out_dir: Annotated[Path, typer.Option("--out", help="Folder to write into.")] = Path("build/renders"),
    levels: Annotated[str, typer.Option(help="Scan levels, comma-separated: clean,mild,harsh ('' for none).")] = (
        "clean,mild,harsh"
    ),
    png: Annotated[str | None, typer.Option(help="Also write PNG pages of this scan level.")] = None,
    docx: Annotated[bool, typer.Option(help="Also write a DOCX.")] = True,
) -> None:
    """Render reports to a text-layer PDF, scanned-like PDFs and a DOCX, with their truth text (test material)."""
    from pipeline.render import LEVELS, render_corpus

    chosen = [x for x in levels.split(",") if x]
    bad = [x for x in [*chosen, *([png] if png else [])] if x not in LEVELS]
    if bad:
        raise _fail(f"unknown scan level {', '.join(bad)}; choose from {', '.join(LEVELS)}")
    if not src.exists():
        raise _fail(f"{src}: no such file or folder")
    entries = render_corpus(src, out_dir, levels=chosen, png_level=png, docx=docx)
    typer.echo(f"rendered {len({e.source for e in entries})} reports into {len(entries)} files under {out_dir}/")


@app.command(name="eval")
def eval_(
    db: DbOption,
    gold: Annotated[Path, typer.Option("--gold", help="Folder of gold JSON files.")],
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="List misses and false positives.")] = False,
    json_out: Annotated[bool, typer.Option("--json", help="Print scores as JSON.")] = False,
) -> None:
    """Score stored results against gold files and print precision/recall."""
    from pipeline.evaluate import evaluate, format_scores

    if not gold.is_dir():
        raise _fail(f"{gold}: not a folder of gold files")
    scores = evaluate(_existing_db(db), gold)
    if json_out:
        sys.stdout.write(json.dumps(scores.as_dict(), ensure_ascii=False, indent=2) + "\n")
    else:
        out.print(format_scores(scores, verbose=verbose), highlight=False, soft_wrap=True)


def main() -> None:
    """Console entry point: library errors become messages and exit codes, never tracebacks."""
    try:
        app()
    except BaocaoError as e:
        err.print(f"[red]error:[/red] {escape(str(e))}", highlight=False)
        sys.exit(int(e.exit_code))
