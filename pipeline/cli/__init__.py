"""The `baocao` command line: a thin layer that parses options, calls the library, maps errors to exits.

Exit status (CONTRACT.md): 0 all inputs ingested; 1 some inputs failed (each recorded in
`ingest_errors`, the rest ingested); 2 bad usage. Only this package turns an exception into a message
and an exit code. The commands live by job: `build` writes a database, `audit` reads one, `dev` wraps
the dev tools; they are registered here in the order `baocao --help` lists them.
"""

from __future__ import annotations

import sys

import typer
from rich.markup import escape

from pipeline.cli import audit, build, dev
from pipeline.cli.common import err
from pipeline.errors import BaocaoError
from pipeline.read.cells import clean_text

app = typer.Typer(
    name="baocao",
    help="Vietnamese administrative reports into DuckDB, with checks of their own arithmetic.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
for command in (build.ingest, build.check, audit.mismatches, audit.query, audit.review, audit.export,
                audit.report, dev.render):
    app.command()(command)
app.command(name="eval")(dev.eval_)


def main() -> None:
    """Console entry point: library errors become messages and exit codes, never tracebacks."""
    try:
        app()
    except BaocaoError as e:
        err.print(f"[red]error:[/red] {escape(clean_text(str(e), keep_newlines=False))}", highlight=False,
                  soft_wrap=True)
        sys.exit(int(e.exit_code))
