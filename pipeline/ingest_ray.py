"""The Ray engine of `baocao ingest`: the same stages on a cluster's cores, one writer here.

The driver (this process) walks the paths, skips unchanged files by hash and applies renames exactly as
the local engine (`ingest.plan_files`), and holds the database's lock file from the first scan to the
last commit. Batches of files go to actors, one per CPU of the cluster; each builds the stages' caches
(catalog, grammars, spaCy, Tesseract's settings) once (`ingest.warm_up`) and runs `ingest.process_file`
on every file of a batch. A batch comes back as Arrow tables typed by the database's own columns
(`store.arrow`), with a small record per document; the driver stores it in one transaction, then adds
it to the lake (`--lake`, `pipeline.lake`). At most two batches per actor are in flight, so memory stays
flat on any number of files. A failing file is an `ingest_errors` row, as in the local engine; a batch
whose worker process died is split and its files retried one by one, so only the file that kills a
worker fails.

Ray is an optional extra (`pip install 'baocao[ray]'`): it is imported only when this engine runs.
The actors read each file by the path the driver found, so on a cluster of several machines the files
live on a file system that every node mounts at the same path.
"""

from __future__ import annotations

import contextlib
import importlib.util
import logging
import math
import os
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import pyarrow as pa

from pipeline import signals, store
from pipeline.errors import BaocaoError, EngineError, Interrupted, OutputError
from pipeline.ingest import (
    Failure,
    Summary,
    add_counts,
    doc_counts,
    doc_notes,
    plan_files,
    process_file,
    record_failure,
    warm_up,
)
from pipeline.lake import Lake
from pipeline.loaders import SUPPORTED_SUFFIXES
from pipeline.loaders.walk import walk
from pipeline.reports import assign_report_keys
from pipeline.store.arrow import from_rows, of_document, table_schemas
from pipeline.store.rows import document_rows
from pipeline.store.write import write_tables

MAX_BATCH = 16  # files per task: few enough for steady progress, enough to amortise a task's overhead
IN_FLIGHT_PER_ACTOR = 2  # one running, one queued: an actor never waits for the driver


@dataclass(frozen=True, slots=True)
class StoredDoc:
    """What the writer needs of one processed document besides its rows."""

    doc_id: str
    path: str
    sha256: str
    counts: dict[str, int]
    notes: tuple[tuple[str, str], ...]  # (stage, message) for ingest_errors: see `ingest.doc_notes`


@dataclass(slots=True)
class Batch:
    """A batch's results, as the actor hands them back (picklable; the tables travel as Arrow)."""

    docs: list[StoredDoc] = field(default_factory=list)
    failures: list[Failure] = field(default_factory=list)
    tables: dict[str, pa.Table] = field(default_factory=dict)
    node: str = ""


def run_batch(files: Iterable[tuple[str, str | None]], ocr: str, schemas: dict[str, pa.Schema],
              node: str = "") -> Batch:
    """`process_file` on each (path, doc_key), its rows as Arrow tables: the work of one task."""
    batch = Batch(node=node)
    parts: dict[str, list[pa.Table]] = {}
    for path, key in files:
        res = process_file(path, ocr=ocr, doc_key=key)
        if isinstance(res, Failure):
            batch.failures.append(res)
            continue
        try:
            tables = {t: from_rows(rows, schemas[t]) for t, rows in document_rows(res, datetime.now()).items() if rows}
        except Exception as e:  # a value the column cannot hold: this document's failure, as in the writer
            batch.failures.append(Failure(res.loaded.path, res.loaded.sha256, "store",
                                          f"could not store document: {type(e).__name__}: {e}"))
            continue
        for t, part in tables.items():
            parts.setdefault(t, []).append(part)
        batch.docs.append(StoredDoc(res.doc_id, res.loaded.path, res.loaded.sha256, doc_counts(res),
                                    tuple(doc_notes(res))))
    batch.tables = {t: pa.concat_tables(ps) for t, ps in parts.items()}
    return batch


class IngestWorker:
    """A Ray actor (made one with `ray.remote` at run time): warm once, then batch after batch."""

    def __init__(self, schemas: dict[str, pa.Schema]) -> None:
        import ray  # here, not at the top: Ray is an optional extra

        self.schemas = schemas
        self.node = ray.get_runtime_context().get_node_id()
        warm_up()

    def run(self, files: list[tuple[str, str | None]], ocr: str) -> Batch:
        return run_batch(files, ocr, self.schemas, self.node)


_NO_RAY = "--engine ray needs Ray: pip install 'baocao[ray]' (or pip install ray)"


def require_ray() -> None:
    """A usage error (exit 2) saying how to install Ray where it is missing; imports nothing (fast)."""
    if importlib.util.find_spec("ray") is None:
        raise EngineError(_NO_RAY)


def import_ray():
    """The `ray` module (a few seconds: imported only when there are files to process), or the usage error."""
    try:
        import ray  # here, not at the top: only `--engine ray` needs it
    except ImportError:
        raise EngineError(_NO_RAY) from None
    return ray


def ingest_ray(
    paths: Iterable[str | Path],
    db: str | Path,
    *,
    address: str | None = None,
    workers: int | None = None,
    ocr: str = "auto",
    lake: str | Path | None = None,
    on_progress: Callable[[str, int, int], None] | None = None,
    prune: bool = False,
    follow_symlinks: bool = False,
    force: bool = False,
    summary: Summary | None = None,
) -> Summary:
    """`ingest.ingest` on Ray: `address` of a running cluster ("auto": the one started on this machine
    by `ray start`), or None for a Ray instance of `workers` CPUs started (and stopped) for this run;
    `summary`, as in `ingest.ingest`, the caller's object filled in as documents commit."""
    require_ray()
    started = time.perf_counter()
    summary = Summary() if summary is None else summary
    found = walk([Path(p) for p in paths], SUPPORTED_SUFFIXES, follow_symlinks=follow_symlinks)
    summary.skipped = list(found.skipped)
    with store.hold(db, exclusive=True):
        con = store.connect(db)
        try:
            schemas = table_schemas(con)
            sink = Lake(lake) if lake is not None else None
            run_started = datetime.now()
            for bad in found.errors:
                record_failure(con, summary, Failure(bad.path, None, "load", bad.reason))
            todo = [(str(p), key) for p, key in plan_files(con, found.files, summary, prune=prune, force=force,
                                                                 ocr=ocr)]
            with signals.stoppable():
                try:
                    if todo:
                        ray = import_ray()
                        with _cluster(ray, address, workers):
                            done = 0
                            for batch in _batches(ray, todo, ocr, schemas, workers):
                                with signals.critical():  # stored and counted, or neither
                                    stored = store_batch(con, summary, batch)
                                    if sink is not None:
                                        sink.write(stored)
                                done += len(batch.docs) + len(batch.failures)
                                if on_progress:
                                    on_progress(_last_path(batch), done, len(todo))
                    with signals.critical():
                        assign_report_keys(con)
                        if sink is not None:
                            sink.write({"ingest_errors": _errors_since(con, run_started, schemas)})
                except (KeyboardInterrupt, signals.Terminated, RuntimeError) as e:
                    if not signals.is_interrupt(e):
                        raise
                    with contextlib.suppress(Exception):
                        con.execute("ROLLBACK")
                    summary.seconds = time.perf_counter() - started
                    raise Interrupted(f"interrupted, committed so far: {summary.line()}",
                                      signum=signals.signal_number(e)) from None
        finally:
            con.close()
    summary.seconds = time.perf_counter() - started
    return summary


@contextlib.contextmanager
def _cluster(ray, address: str | None, workers: int | None) -> Iterator[None]:
    """Connected to the cluster at `address`, or to a Ray instance started here; left as found."""
    if ray.is_initialized():  # the caller's own session (a notebook, a test): use it, leave it running
        yield
        return
    options = {"include_dashboard": False, "logging_level": logging.WARNING, "log_to_driver": False}
    try:
        if address:
            ray.init(address=address, **options)
        else:  # "local": a new instance, even where `ray start` left a cluster (or its address file)
            ray.init(address="local", num_cpus=workers or os.cpu_count() or 1, **options)
    except (ConnectionError, RuntimeError, ValueError) as e:
        raise EngineError(f"cannot start or reach a Ray cluster{f' at {address}' if address else ''}: {e}") from None
    try:
        yield
    finally:
        ray.shutdown()


def _batches(ray, todo: list[tuple[str, str | None]], ocr: str, schemas: dict[str, pa.Schema],
             workers: int | None) -> Iterator[Batch]:
    """Batches as they complete, from one actor per CPU of the cluster (at most `workers`)."""
    cpus = max(1, int(ray.cluster_resources().get("CPU", 1)))
    n_actors = max(1, min(cpus, workers or cpus, len(todo)))
    size = max(1, min(MAX_BATCH, math.ceil(len(todo) / (n_actors * IN_FLIGHT_PER_ACTOR * 2))))
    queue = deque(todo[i:i + size] for i in range(0, len(todo), size))
    remote = ray.remote(num_cpus=1, max_restarts=-1)(IngestWorker)
    actors = [remote.remote(schemas) for _ in range(n_actors)]
    pending: dict = {}  # object ref -> (actor, files)
    try:
        def submit(actor) -> None:
            files = queue.popleft()
            pending[actor.run.remote(files, ocr)] = (actor, files)

        for actor in actors:
            for _ in range(IN_FLIGHT_PER_ACTOR):
                if queue:
                    submit(actor)
        while pending:
            signals.check()
            ready, _ = ray.wait(list(pending), num_returns=1, timeout=0.2)
            for ref in ready:
                actor, files = pending.pop(ref)
                try:
                    yield ray.get(ref)
                except (ray.exceptions.RayActorError, ray.exceptions.RayTaskError) as e:
                    if len(files) > 1:  # retried one by one: only a file that kills a worker fails
                        queue.extendleft([f] for f in reversed(files))
                    else:
                        yield _lost(files, e)
                if queue:
                    submit(actor)
    finally:
        for actor in actors:
            with contextlib.suppress(Exception):
                ray.kill(actor)


def _lost(files: list[tuple[str, str | None]], e: Exception) -> Batch:
    reason = str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
    return Batch(failures=[Failure(path, None, "worker", f"{type(e).__name__}: {reason}")
                           for path, _ in files])


def store_batch(con, summary: Summary, batch: Batch) -> dict[str, pa.Table]:
    """A batch's documents in one transaction (each alone if that fails), then its failures and notes;
    returns the rows stored (for the lake)."""
    for failure in batch.failures:
        record_failure(con, summary, failure)
    if not batch.docs:
        return {}
    try:
        write_tables(con, [(d.doc_id, d.path) for d in batch.docs], batch.tables)
        stored, tables = batch.docs, batch.tables
    except OutputError:
        raise
    except BaocaoError:  # one bad document must not cost the batch: store them one by one
        stored, parts = [], {}
        for d in batch.docs:
            rows = of_document(batch.tables, d.doc_id)
            try:
                write_tables(con, [(d.doc_id, d.path)], rows)
            except OutputError:
                raise
            except BaocaoError as e:
                record_failure(con, summary, Failure(d.path, d.sha256, e.stage, e.message))
                continue
            stored.append(d)
            for t, part in rows.items():
                parts.setdefault(t, []).append(part)
        tables = {t: pa.concat_tables(ps) for t, ps in parts.items()}
    for d in stored:
        add_counts(summary, d.counts)
        summary.nodes[batch.node] = summary.nodes.get(batch.node, 0) + 1
        for stage, message in d.notes:
            store.record_error(con, d.path, d.sha256, stage, message)
    return tables


def _last_path(batch: Batch) -> str:
    if batch.docs:
        return batch.docs[-1].path
    return batch.failures[-1].path if batch.failures else ""


def _errors_since(con, since: datetime, schemas: dict[str, pa.Schema]) -> pa.Table:
    """This run's `ingest_errors` rows, for the lake."""
    rows = con.sql('SELECT * FROM ingest_errors WHERE "at" >= $since', params={"since": since})
    return rows.to_arrow_table().cast(schemas["ingest_errors"])
