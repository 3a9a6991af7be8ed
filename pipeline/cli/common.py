"""What every `baocao` command shares: the consoles, the option types, and the one way a command fails
(a red message on stderr and an exit code from CONTRACT.md)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape

from pipeline.cli.show import Format
from pipeline.cli.show import emit as show_emit
from pipeline.errors import ExitCode
from pipeline.read.cells import clean_text

err = Console(stderr=True)
out = Console()

__all__ = ["DbOption", "Format", "NewDbOption", "RecheckDbOption", "ReviewDbOption", "emit", "err", "existing_db",
           "fail", "num", "out"]

# Readers need a database that exists; `ingest` creates one; `check` and `review` change one that exists,
# so their help must not promise that it is only read. $BAOCAO_DB stands in for --db in all of them.
DbOption = Annotated[Path, typer.Option(
    "--db", envvar="BAOCAO_DB", show_envvar=True, metavar="FILE",
    help="The baocao database to read (made by `baocao ingest`).")]
NewDbOption = Annotated[Path, typer.Option(
    "--db", envvar="BAOCAO_DB", show_envvar=True, metavar="FILE",
    help="The baocao database to write (created if missing).")]
RecheckDbOption = Annotated[Path, typer.Option(
    "--db", envvar="BAOCAO_DB", show_envvar=True, metavar="FILE",
    help="The baocao database to update: its metadata, meanings and checks are recomputed in place "
         "(made by `baocao ingest`).")]
ReviewDbOption = Annotated[Path, typer.Option(
    "--db", envvar="BAOCAO_DB", show_envvar=True, metavar="FILE",
    help="The baocao database to record the decision in (made by `baocao ingest`).")]


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
    """Rows as JSON, CSV, Markdown or a terminal table that fits the width (see pipeline.cli.show)."""
    show_emit(out, rows, format, title)



def num(x: float | None) -> str:
    return "" if x is None else f"{x:g}"
