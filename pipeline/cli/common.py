"""What every `baocao` command shares: the consoles, the option types, and the one way a command fails
(a red message on stderr and an exit code from CONTRACT.md)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.markup import escape

from pipeline.cli.show import Format
from pipeline.cli.show import emit as show_emit
from pipeline.errors import ExitCode
from pipeline.read.cells import clean_text

if TYPE_CHECKING:  # typer 0.29 carries its own copy of click: its classes, not the click package's
    from typer._click.formatting import HelpFormatter

err = Console(stderr=True)
out = Console()

__all__ = ["Command", "DbOption", "Format", "NewDbOption", "RecheckDbOption", "ReviewDbOption", "emit", "err",
           "existing_db", "fail", "num", "out"]

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


class Command(typer.core.TyperCommand):
    """A command whose help names each argument as its metavar says, the way click names options.

    Typer's plain help puts the Python type after an argument (`CHECK_ID <str>`, `PATH... <list[Path]>`),
    which tells a user nothing the metavar does not; the usage line repeats it as `{PATH...}...`. Every
    command is registered with this class, so no argument needs its own fix.
    """

    def format_options(self, ctx: typer.Context, formatter: HelpFormatter) -> None:
        args, opts = [], []
        for param in self.get_params(ctx):
            record = param.get_help_record(ctx)
            if record is None:
                continue
            if isinstance(param, typer.core.TyperArgument):
                args.append((_argument_name(param), record[1]))
            else:
                opts.append(record)
        for title, rows in (("Arguments", args), ("Options", opts)):
            if rows:
                with formatter.section(title):
                    formatter.write_dl(rows)

    def collect_usage_pieces(self, ctx: typer.Context) -> list[str]:
        pieces = [self.options_metavar] if self.options_metavar else []
        for param in self.get_params(ctx):
            if isinstance(param, typer.core.TyperArgument):
                pieces.append(_argument_name(param) if param.required else f"[{_argument_name(param)}]")
            else:
                pieces.extend(param.get_usage_pieces(ctx))
        return pieces


def _argument_name(param: typer.core.TyperArgument) -> str:
    """The metavar (or the upper-cased name), with `...` when the argument takes several values."""
    name = param.metavar or (param.name or "").upper()
    return name if param.nargs == 1 or name.endswith("...") else f"{name}..."


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
