"""Errors raised by the stages, and the exit codes the CLI maps them to.

The library raises; only `pipeline.cli` turns an exception into a message and an exit code. A
`BaocaoError` carries the stage and the file so that the failure lands in `ingest_errors` with both,
and the rest of the folder goes on.
"""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    ok = 0
    input_failed = 1  # some inputs failed; each is in ingest_errors, the rest were ingested
    bad_usage = 2  # bad usage, bad configuration, or a database that is not baocao's
    busy = 3  # another process holds the database's write lock (the message names it)
    output_failed = 4  # the output could not be written (disk full, bad path)
    interrupted = 130  # SIGINT: what was committed stays
    terminated = 143  # SIGTERM


class BaocaoError(Exception):
    stage: str = "pipeline"
    exit_code: ExitCode = ExitCode.input_failed

    def __init__(self, message: str, *, path: str | None = None, stage: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.path = path
        if stage is not None:
            self.stage = stage

    def __str__(self) -> str:
        return f"{self.path}: {self.message}" if self.path else self.message


class LoadError(BaocaoError):
    stage = "load"


class OcrError(BaocaoError):
    stage = "ocr"


class NormalizeError(BaocaoError):
    stage = "normalize"


class ExtractError(BaocaoError):
    stage = "extract"


class StoreError(BaocaoError):
    stage = "store"


class ConfigError(BaocaoError):
    """A schemas/ file (catalog, heading rules, patterns) is invalid: bad usage, exit 2."""

    stage = "config"
    exit_code = ExitCode.bad_usage


class EngineError(BaocaoError):
    """`--engine ray` without Ray installed, or a cluster that cannot be started or reached: exit 2."""

    stage = "engine"
    exit_code = ExitCode.bad_usage


class BusyError(BaocaoError):
    """The database is being written (or read, for a writer) by another process: exit 3, one line."""

    stage = "store"
    exit_code = ExitCode.busy


class ForeignDatabaseError(BaocaoError):
    """`--db` names a file that is not a baocao database: refused unchanged, exit 2."""

    stage = "store"
    exit_code = ExitCode.bad_usage


class OutputError(BaocaoError):
    """An output (database, export, report) could not be written: disk full, bad path; exit 4."""

    stage = "store"
    exit_code = ExitCode.output_failed


class LimitError(BaocaoError):
    """A document past one of the bounds of `schemas/limits.yaml`; the message names the key."""

    stage = "limit"


class Interrupted(BaocaoError):
    """SIGINT (exit 130) or SIGTERM (exit 143) stopped a run; the message says what was committed."""

    stage = "interrupted"

    def __init__(self, message: str, *, signum: int) -> None:
        super().__init__(message)
        self.exit_code = ExitCode.terminated if signum == 15 else ExitCode.interrupted
