"""The `baocao` command line: a thin layer that parses options, calls the library, maps errors to exits.

Exit status (CONTRACT.md): 0 all inputs ingested; 1 some inputs failed (each recorded in
`ingest_errors`, the rest ingested); 2 bad usage. Only this package turns an exception into a message
and an exit code. The commands live by job: `build` writes a database, `audit` reads one, `dev` wraps
the dev tools; they are registered here in the order `baocao --help` lists them.
"""

from __future__ import annotations

import os
import signal
import sys
from importlib.metadata import PackageNotFoundError
from importlib.metadata import version as _dist_version
from typing import Annotated

import duckdb
import typer
from rich.markup import escape

from pipeline import signals
from pipeline.cli import audit, build, dev
from pipeline.cli.common import Command, err
from pipeline.errors import BaocaoError, ExitCode
from pipeline.read.cells import clean_text

app = typer.Typer(
    name="baocao",
    help="Vietnamese administrative reports into DuckDB, with checks of their own arithmetic.\n\n"
         "Start with `baocao ingest corpus/ --db build/demo.duckdb`, then `baocao mismatches --db "
         "build/demo.duckdb` (or set BAOCAO_DB once instead of giving --db).",
    no_args_is_help=True,
    rich_markup_mode=None,  # plain help: flags without `<bool>` metavars, examples kept as written;
    # the commands' class (cli.common.Command) drops the types typer adds after arguments
    add_completion=False,
    pretty_exceptions_enable=False,
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"baocao {package_version()}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True,
                                          help="Print the version and exit.")] = False,
) -> None:
    """The options of `baocao` itself."""


for command in (build.ingest, build.check, audit.mismatches, audit.review, audit.export,
                audit.report, dev.render):
    app.command(cls=Command)(command)
# `query NAME --help` shows the query's own parameters, so the command handles --help itself.
app.command(cls=Command, context_settings={"help_option_names": []})(audit.query)
app.command(cls=Command, name="eval")(dev.eval_)


def package_version() -> str:
    try:
        return _dist_version("baocao")
    except PackageNotFoundError:  # a checkout without an install
        return "unknown"


def main() -> None:
    """Console entry point: library errors become messages and exit codes, never tracebacks."""
    try:
        _main()
    except SystemExit as e:
        # The command has said its last line: a Ctrl-C now changes nothing (raised while the interpreter
        # shuts down it only turned exit 0 into death by SIGINT). An interrupted run leaves at once: a
        # worker pool stopped mid-work must not keep the interpreter's exit handlers waiting on it.
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        if e.code in (ExitCode.interrupted, ExitCode.terminated):
            sys.stdout.flush()
            sys.stderr.flush()
            os._exit(int(e.code))
        raise


def _main() -> None:
    try:
        app()
    except BaocaoError as e:
        err.print(f"[red]error:[/red] {escape(clean_text(str(e), keep_newlines=False))}", highlight=False,
                  soft_wrap=True)
        sys.exit(int(e.exit_code))
    except (KeyboardInterrupt, signals.Terminated) as e:  # a stop outside a run that reports its own
        # `ingest` reports what it committed once its body runs: a stop that reaches here came before
        what = ": nothing was stored" if "ingest" in sys.argv[1:2] else ""
        err.print(f"[red]error:[/red] interrupted before the command began{what}" if what
                  else "[red]error:[/red] interrupted", highlight=False)
        sys.exit(128 + signals.signal_number(e))
    except (duckdb.BinderException, duckdb.CatalogException) as e:  # a reader on a database of an older schema
        first = str(e).splitlines()[0]
        err.print(f"[red]error:[/red] {escape(first)}\nThe database may predate this version of baocao: "
                  "`baocao check --db FILE` brings its schema up to date.", highlight=False)
        sys.exit(2)
