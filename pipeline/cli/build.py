"""`baocao ingest` and `baocao check`: the commands that write a database."""

from __future__ import annotations

import os
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from pipeline.cli.common import DbOption, err, existing_db, fail, out
from pipeline.errors import BaocaoError, ExitCode
from pipeline.ingest import ingest as run_ingest
from pipeline.read.cells import clean_text
from pipeline.recheck import recheck


class OcrMode(StrEnum):
    auto = "auto"
    always = "always"
    never = "never"


def ingest(
    paths: Annotated[list[Path], typer.Argument(help="Files and folders (searched recursively).")],
    db: DbOption,
    workers: Annotated[
        int | None, typer.Option(min=1, help="Parallel worker processes (default: number of cores).")
    ] = None,
    ocr: Annotated[OcrMode, typer.Option(help="auto: OCR only pages without a usable text layer.")] = OcrMode.auto,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Only the summary line.")] = False,
    prune: Annotated[bool, typer.Option(help="Remove stored files that no longer exist on disk.")] = False,
    follow_symlinks: Annotated[
        bool, typer.Option(help="Follow links that point outside the folders given.")
    ] = False,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="List every entry skipped.")] = False,
) -> None:
    """Ingest reports: extract figures and run the consistency checks."""
    n_workers = workers or os.cpu_count() or 1
    progress = None
    on_progress = None
    if err.is_terminal and not quiet:
        progress = Progress(
            TextColumn("[bold]ingest"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
            TextColumn("{task.description}"), console=err, transient=True,
        )
        task = progress.add_task("", total=None)

        def on_progress(name: str, done: int, total: int) -> None:
            progress.update(task, completed=done, total=total, description=Path(name).name)

        progress.start()
    try:
        summary = run_ingest(paths, db, workers=n_workers, ocr=ocr.value, on_progress=on_progress, prune=prune,
                             follow_symlinks=follow_symlinks)
    except BaocaoError as e:
        raise fail(str(e), e.exit_code) from e
    finally:
        if progress is not None:
            progress.stop()
    for f in summary.failures:
        err.print(f"[red]failed[/red] {escape(clean_text(f'{f.path} [{f.stage}]: {f.error}', keep_newlines=False))}",
                  highlight=False, soft_wrap=True)
    if verbose:
        for s in summary.skipped:
            err.print(f"skipped {escape(clean_text(f'{s.path}: {s.reason}', keep_newlines=False))}",
                      highlight=False, soft_wrap=True)
    if summary.gone:
        names = ", ".join(clean_text(p, keep_newlines=False) for p in summary.gone[:5])
        more = f" and {len(summary.gone) - 5} more" if len(summary.gone) > 5 else ""
        err.print(f"[yellow]warning:[/yellow] {len(summary.gone)} stored files no longer exist "
                  f"(--prune removes them): {escape(names)}{more}", highlight=False, soft_wrap=True)
    typer.echo(summary.line())
    if summary.failures:
        raise typer.Exit(int(ExitCode.input_failed))


def check(db: DbOption) -> None:
    """Re-run the consistency checks over what is stored (after a rule or catalog change)."""
    summary = recheck(existing_db(db))
    out.print(summary, highlight=False)
