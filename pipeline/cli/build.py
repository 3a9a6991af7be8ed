"""`baocao ingest` and `baocao check`: the commands that write a database."""

from __future__ import annotations

import os
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from pipeline import signals
from pipeline.check.recheck import recheck
from pipeline.cli.common import NewDbOption, RecheckDbOption, err, existing_db, fail, out
from pipeline.errors import BaocaoError, ExitCode
from pipeline.ingest import Summary
from pipeline.ingest import ingest as run_ingest
from pipeline.ingest_ray import ingest_ray
from pipeline.read.cells import clean_text
from pipeline.read.findings import open_findings, totals


class Engine(StrEnum):
    local = "local"
    ray = "ray"


class OcrMode(StrEnum):
    auto = "auto"
    always = "always"
    never = "never"


def ingest(
    paths: Annotated[list[Path], typer.Argument(metavar="PATH...", help="Files and folders (searched recursively).")],
    db: NewDbOption,
    workers: Annotated[
        int | None, typer.Option(min=1, metavar="N", help="Parallel worker processes (default: number of cores).")
    ] = None,
    ocr: Annotated[OcrMode, typer.Option(help="auto: OCR only pages without a usable text layer.")] = OcrMode.auto,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Only the summary line.")] = False,
    prune: Annotated[bool, typer.Option(help="Remove stored files that no longer exist on disk.")] = False,
    follow_symlinks: Annotated[
        bool, typer.Option(help="Follow links that point outside the folders given.")
    ] = False,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="List every entry skipped.")] = False,
    force: Annotated[bool, typer.Option(
        "--force", help="Process files again even when their content is already stored (e.g. with another --ocr).")] = (
        False
    ),
    engine: Annotated[Engine, typer.Option(
        help="local: worker processes on this machine; ray: actors on a Ray cluster (pip install 'baocao[ray]').")] = (
        Engine.local
    ),
    address: Annotated[str | None, typer.Option(
        metavar="auto|HOST:PORT",
        help="With --engine ray: the cluster's head (auto: the one `ray start` runs here); "
             "default: a Ray instance started for this run.")] = None,
    lake: Annotated[str | None, typer.Option(
        metavar="DIR|URI",
        help="With --engine ray: also write every table as Parquet under DIR/<table>/run=<id>/ "
             "(a folder, or s3://... and other pyarrow file systems).")] = None,
) -> None:
    """Ingest reports: extract figures and run the consistency checks.

    .txt, .md, .pdf (text layer or scanned), .docx, .doc and images; folders are searched recursively.
    A file already stored with the same content is skipped unless --force.

    Examples:

      baocao ingest corpus/ --db build/demo.duckdb

      baocao ingest scans/ --db build/demo.duckdb --ocr always --force

      BAOCAO_DB=build/demo.duckdb baocao ingest new_reports/ -q

      baocao ingest /mnt/archive --db archive.duckdb --engine ray --address auto --lake /mnt/lake
    """
    if engine is Engine.local and (address or lake):
        raise fail("--address and --lake go with --engine ray", ExitCode.bad_usage)
    summary = Summary()  # filled in by the run as it commits: what was stored, whenever a signal comes
    try:
        with signals.stoppable():
            _ingest(paths, db, summary, workers=workers, ocr=ocr, quiet=quiet, prune=prune,
                    follow_symlinks=follow_symlinks, verbose=verbose, force=force, engine=engine,
                    address=address, lake=lake)
    except (KeyboardInterrupt, signals.Terminated) as e:  # before the run began, or after it ended
        raise fail(f"interrupted, committed so far: {summary.line()}",
                   ExitCode(128 + signals.signal_number(e))) from None
    if summary.failures:
        raise typer.Exit(int(ExitCode.input_failed))


def _ingest(paths: list[Path], db: Path, summary: Summary, *, workers: int | None, ocr: OcrMode, quiet: bool,
            prune: bool, follow_symlinks: bool, verbose: bool, force: bool, engine: Engine, address: str | None,
            lake: str | None) -> None:
    missing = [p for p in paths if not p.exists()]
    for p in missing:
        err.print(f"[yellow]warning:[/yellow] {escape(str(p))}: no such file or folder", highlight=False)
    n_workers = workers or os.cpu_count() or 1
    progress = None
    on_progress = on_pages = None
    if err.is_terminal and not quiet:
        progress = Progress(
            TextColumn("[bold]{task.fields[what]}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
            TextColumn("{task.description}"), console=err, transient=True,
        )
        task = progress.add_task("", total=None, what="files")
        pages_task = None

        def on_progress(name: str, done: int, total: int) -> None:
            progress.update(task, completed=done, total=total, description=Path(name).name)

        def on_pages(planned: int, done: int) -> None:
            # OCR takes seconds a page: a second bar counts pages once there is OCR work at all
            nonlocal pages_task
            if pages_task is None:
                pages_task = progress.add_task("", total=0, what="OCR pages")
            progress.update(pages_task, total=progress.tasks[pages_task].total + planned, advance=done)

        progress.start()
    try:
        if engine is Engine.ray:
            ingest_ray(paths, db, address=address, workers=workers, ocr=ocr.value, lake=lake,
                       on_progress=on_progress, prune=prune, follow_symlinks=follow_symlinks, force=force,
                       summary=summary)
        else:
            run_ingest(paths, db, workers=n_workers, ocr=ocr.value, on_progress=on_progress,
                       on_pages=on_pages, prune=prune, follow_symlinks=follow_symlinks, force=force,
                       summary=summary)
    except BaocaoError as e:
        raise fail(str(e), e.exit_code) from e
    finally:
        if progress is not None:
            progress.stop()
    # The run is over and committed: a Ctrl-C now waits for the summary to be printed (then exit 130).
    with signals.critical():
        _print_summary(summary, db, verbose=verbose)


def _print_summary(summary: Summary, db: Path, *, verbose: bool) -> None:
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
    if Path(db).exists():  # the database as a whole, in reports; then what this run did (the last line)
        typer.echo(totals(db).line())
    if summary.nodes:  # the Ray engine: where the documents were processed
        per_node = ", ".join(f"{node[:12]} {n}" for node, n in sorted(summary.nodes.items()))
        typer.echo(f"ray: {sum(summary.nodes.values())} documents on {len(summary.nodes)} nodes ({per_node})")
    typer.echo(f"this run: {summary.line()}")


def check(db: RecheckDbOption) -> None:
    """Re-run metadata, the meaning of every stored figure and the checks (after a rule or catalog change).

    The stored text is re-read, not the files: a change in schemas/ (metrics, checks, header) reaches
    stored rows; figures and sections stay as ingest extracted them (`ingest --force` re-reads files).

    Example:

      baocao check --db build/demo.duckdb
    """
    before = open_findings(existing_db(db))
    summary = recheck(db).line()
    after = open_findings(db)
    out.print(summary, highlight=False)
    typer.echo(f"changed: {len(after - before)} new, {len(before - after)} resolved, "
               f"{len(after & before)} still open (open mismatches, once per report)")
    typer.echo(totals(db).line())
