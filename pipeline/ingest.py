"""Ingest orchestration: find files, run the stages per document in workers, write with one writer.

`process_file` is the whole per-document pipeline (load → normalize → segment → extract → check)
and touches no database, so it runs in worker processes. `ingest` is the main-process loop: it skips
content already stored, fans documents out, and writes each result (or its error) as it arrives, so a
failure never stops the folder and never leaves half a document behind.
"""

from __future__ import annotations

import bisect
import contextlib
import hashlib
import multiprocessing
import os
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass, field, replace
from pathlib import Path

from extractors.entities import extract_entities
from extractors.figures import extract_figures
from extractors.meaning import annotate_facts
from extractors.metadata import extract_metadata
from pipeline import limits, signals, store
from pipeline.check import run_checks
from pipeline.errors import BaocaoError, BusyError, Interrupted
from pipeline.loaders import SUPPORTED_SUFFIXES, load
from pipeline.loaders.pagepool import page_budget
from pipeline.loaders.walk import Skipped, walk
from pipeline.model import UNSURE_TAG, DocResult, Fact, Loaded, NormText, Page, doc_id_for, ocr_tag
from pipeline.normalize import normalize
from pipeline.ocr.repair import load_rules as load_ocr_rules
from pipeline.pageprogress import page_progress
from pipeline.reports import assign_report_keys
from pipeline.structure.layout import build_layout
from pipeline.structure.tree import segment


@dataclass(frozen=True, slots=True)
class Failure:
    path: str
    sha256: str | None
    stage: str
    error: str


@dataclass(slots=True)
class Summary:
    documents: int = 0  # newly stored
    unchanged: int = 0  # already stored, skipped
    renamed: int = 0  # same bytes found at a new path, the old one gone: the stored row follows
    pruned: int = 0  # stored paths gone from disk, removed (--prune)
    pages: int = 0
    facts: int = 0
    checks: int = 0
    mismatches: int = 0
    errors: int = 0
    ocr_pages: int = 0
    ocr_problems: int = 0  # pages whose OCR timed out, failed or was unavailable
    seconds: float = 0.0
    failures: list[Failure] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)  # folder entries passed over (links, FIFOs, ...)
    gone: list[str] = field(default_factory=list)  # stored paths no longer on disk, kept (no --prune)
    nodes: dict[str, int] = field(default_factory=dict)  # documents per cluster node (Ray engine only)

    def line(self) -> str:
        parts = [
            f"{self.documents} documents",
            f"{self.pages} pages",
            f"{self.facts} facts",
            f"{self.checks} checks",
            f"{self.mismatches} mismatches",
            f"{self.errors} errors",
        ]
        if self.unchanged:
            parts.insert(1, f"{self.unchanged} unchanged")
        if self.renamed:
            parts.insert(1, f"{self.renamed} renamed")
        if self.pruned:
            parts.append(f"{self.pruned} pruned")
        if self.skipped:
            parts.append(f"{len(self.skipped)} skipped")
        if self.ocr_pages:
            parts.append(f"{self.ocr_pages} OCR pages ({self.ocr_problems} with problems)")
        return ", ".join(parts) + f" in {self.seconds:.2f} s"


def discover(paths: Iterable[Path], *, follow_symlinks: bool = False) -> list[Path]:
    """Files to ingest (resolved): named files as given, folders recursively by supported suffix, sorted.

    See `pipeline.loaders.walk` for what is passed over and why; `ingest` also records what was skipped.
    """
    return list(walk(paths, SUPPORTED_SUFFIXES, follow_symlinks=follow_symlinks).files)


def _hash(path: Path) -> str | None:
    """Content hash read in chunks (a large file is not held in memory); None if unreadable."""
    try:
        with path.open("rb") as fh:
            return hashlib.file_digest(fh, "sha256").hexdigest()
    except OSError:
        return None  # the loader reports the error with its reason


def _stage(name: str, path: str, fn: Callable, *args, **kwargs):
    """Run one stage; any unexpected exception becomes a BaocaoError tagged with the stage."""
    try:
        return fn(*args, **kwargs)
    except BaocaoError as e:
        if e.path is None:
            e.path = path
        raise
    except Exception as e:  # a bug or bad input in a stage must not stop the folder
        raise BaocaoError(f"{type(e).__name__}: {e}", path=path, stage=name) from e


def process_file(path: str | Path, *, ocr: str = "auto", page_workers: int = 1,
                 doc_key: str | None = None) -> DocResult | Failure:
    """The whole per-document pipeline, pure of any database access (runs in workers).

    `page_workers`: how many pages of this document may be OCR'd at once (threads in this process);
    `doc_key`: the doc_id ingest assigned when the content's own is taken by another path.
    The whole document runs under the bounds of schemas/limits.yaml (`pipeline.limits`).
    """
    p = str(path)
    loaded = None
    try:
        with limits.time_limit(p):
            t0 = time.perf_counter()
            with page_budget(page_workers):
                loaded = _stage("load", p, load, Path(p), ocr=ocr)
            load_seconds = time.perf_counter() - t0
            if doc_key is not None:
                loaded = replace(loaded, doc_key=doc_key)
            limits.check_text(loaded)
            result = analyze(loaded)
    except BaocaoError as e:
        stage, message = e.stage, e.message
        if isinstance(e.__cause__, MemoryError):
            stage, message = "limit", f"worker_memory_mb: out of memory in stage {e.stage}"
        return Failure(path=p, sha256=loaded.sha256 if loaded else None, stage=stage, error=message)
    except MemoryError:
        return Failure(path=p, sha256=loaded.sha256 if loaded else None, stage="limit",
                       error="worker_memory_mb: out of memory")
    result.timings["load"] = load_seconds
    return result


def analyze(loaded: Loaded) -> DocResult:
    """normalize → segment → extract → meaning → check for one loaded document; raises BaocaoError."""
    p = loaded.path
    t1 = time.perf_counter()
    norm = _stage("normalize", p, normalize, loaded)
    t2 = time.perf_counter()
    layout = _stage("structure", p, build_layout, norm)  # parsed once; every later stage reads it
    sections = tuple(_stage("segment", p, segment, norm))
    t3 = time.perf_counter()
    meta = _stage("metadata", p, extract_metadata, norm, sections)
    facts = tuple(_stage("extract", p, extract_figures, norm, sections, loaded.doc_id, layout))
    facts = mark_ocr_facts(facts, loaded, norm)
    t4 = time.perf_counter()
    entities = tuple(_stage("entities", p, extract_entities, norm, sections))
    facts = tuple(_stage("annotate", p, annotate_facts, norm, sections, facts, meta, entities, layout=layout))
    t5 = time.perf_counter()
    checks = tuple(_stage("check", p, run_checks, norm, sections, facts, loaded.doc_id, layout))
    t6 = time.perf_counter()
    timings = {"normalize": t2 - t1, "segment": t3 - t2, "extract": t4 - t3, "meaning": t5 - t4,
               "check": t6 - t5}
    return DocResult(loaded=loaded, norm=norm, meta=meta, sections=sections, facts=facts,
                     checks=checks, entities=entities, timings=timings)


# A short report in our own words that touches every stage's lazily built state (grammars, the
# gazetteer, the spaCy pipeline, check rules), so that forked workers start warm.
_WARM_UP_TEXT = """Số: 01/BC-UBND
Châu Thành, ngày 02 tháng 01 năm 2024
BÁO CÁO
Kết quả cải cách hành chính năm 2023
Ủy ban nhân dân huyện Châu Thành báo cáo như sau:
I. KẾT QUẢ
1. Tiếp nhận hồ sơ
Năm 2023 tiếp nhận 1.200 hồ sơ, trong đó trực tuyến 900 hồ sơ, chiếm 75%; trực tiếp 300 hồ sơ.
"""


def warm_up() -> None:
    """Build every stage's caches in this process (before forking workers that inherit them)."""
    sample = Loaded(path="<warm-up>", sha256="0" * 64, source_kind="text", pages=(Page(1, _WARM_UP_TEXT),))
    with contextlib.suppress(BaocaoError):  # a broken stage shows up, with its file, on real documents
        analyze(sample)


def mark_ocr_facts(facts: tuple[Fact, ...], loaded: Loaded, norm: NormText) -> tuple[Fact, ...]:
    """Tag figures read by OCR so checks can try digit readings and never call them a sure mismatch.

    A figure gets `+ocr` and the confidence of the least sure word it rests on (the page mean when no
    word of it was marked); a figure built on a repaired or flagged token names it (`+letter_digit:S12`),
    and one resting on a guessed digit or a word below the low-confidence line is `+unsure`: the checker
    never calls it a mismatch.
    """
    ocr_pages = {p.number: p for p in loaded.pages if p.source == "ocr"}
    if not ocr_pages:
        return facts
    starts = [m.char_start for m in norm.ocr_marks]
    unsure_below = load_ocr_rules().low_confidence
    out = []
    for f in facts:
        page = ocr_pages.get(f.page)
        if page is None:
            out.append(f)
            continue
        conf = page.ocr_confidence if page.ocr_confidence is not None else 0.9
        i = bisect.bisect_left(starts, f.char_start - 64)  # a mark starts at most a token before the figure
        marks = [m for m in norm.ocr_marks[i:] if m.char_start < f.char_end and f.char_start < m.char_end]
        extractor = f"{f.extractor}+ocr"
        if marks:
            conf = min(conf, *(m.confidence for m in marks))
            extractor += "".join(ocr_tag(m.rule, m.original or "") for m in marks if m.rule)
            if any(m.confidence < unsure_below for m in marks):
                extractor += UNSURE_TAG
        out.append(replace(f, extractor=extractor, confidence=round(f.confidence * min(conf, 1.0), 4)))
    return tuple(out)


def _run_all(files: list[tuple[Path, str | None]], workers: int, ocr: str,
             poll: Callable[[], None] = lambda: None) -> Iterator[DocResult | Failure]:
    """Results of `process_file` over `files` with `workers` cores.

    Documents are spread over worker processes; the pages of a scanned document are spread over
    threads when fewer documents than workers are in flight, so the total stays ≈ `workers` OCR
    processes: a single document gets every worker, k < workers documents get workers // k each.
    """
    if workers <= 1 or len(files) <= 1:
        for f, key in files:
            yield process_file(f, ocr=ocr, page_workers=max(1, workers), doc_key=key)
        return
    page_workers = max(1, workers // min(workers, len(files)))
    # Workers are forked from a warmed-up parent: the imports and caches (spaCy, grammars, the
    # gazetteer, ~1 s) are built once instead of once per worker on a machine with few cores.
    # A signal is deferred here and while results are awaited, and acted on at `signals.check()`:
    # raised at an arbitrary point (a `__del__`) it would be printed and swallowed.
    with signals.critical():
        warm_up()
    context = multiprocessing.get_context("fork")
    # Bounded in-flight work keeps memory flat on large folders of scans.
    with ProcessPoolExecutor(max_workers=min(workers, len(files)), mp_context=context,
                             initializer=signals.worker_init) as pool:
        try:
            with signals.critical():
                yield from _pool_results(pool, files, workers, ocr, page_workers, poll)
        except BaseException:  # interrupted, or the consumer stopped: do not wait for running work
            signals.stop_pool(pool)
            raise


def _pool_results(pool: ProcessPoolExecutor, files: list[tuple[Path, str | None]], workers: int, ocr: str,
                  page_workers: int, poll: Callable[[], None]) -> Iterator[DocResult | Failure]:
    """Results as they complete, with at most 2 × workers documents in flight (`poll`: report the
    workers' OCR page progress, between waits of at most 0.2 s)."""
    pending: set[Future] = set()
    queue = iter(files)
    for f, key in queue:
        pending.add(pool.submit(process_file, f, ocr=ocr, page_workers=page_workers, doc_key=key))
        if len(pending) >= workers * 2:
            break
    while pending:
        signals.check()
        done, pending = wait(pending, timeout=0.2, return_when=FIRST_COMPLETED)
        poll()
        for fut in done:
            yield fut.result()
            nxt = next(queue, None)
            if nxt is not None:
                pending.add(pool.submit(process_file, nxt[0], ocr=ocr, page_workers=page_workers,
                                        doc_key=nxt[1]))


def ingest(
    paths: Iterable[str | Path],
    db: str | Path,
    *,
    workers: int | None = None,
    ocr: str = "auto",
    on_progress: Callable[[str, int, int], None] | None = None,
    on_pages: Callable[[int, int], None] | None = None,
    prune: bool = False,
    follow_symlinks: bool = False,
    force: bool = False,
    summary: Summary | None = None,
) -> Summary:
    """Ingest files and folders into the database at `db`; returns what happened (`force`: process
    files whose content is already stored again, e.g. with another OCR mode; `on_progress(name, done,
    total)` after each document, `on_pages(planned, done)` as OCR pages are planned and read).

    The run is the database's one writer from the first scan to the last commit: the lock file is held
    throughout, and the DuckDB connection is closed only while the worker pool forks. `summary`: the
    object to fill in as documents are committed (the caller's, so that it knows what was stored
    whenever a signal stops it).
    """
    started = time.perf_counter()
    summary = Summary() if summary is None else summary
    workers = workers or os.cpu_count() or 1
    # The signal handlers cover the whole run, walk and lock included: a stop at any moment is one
    # `Interrupted` saying what was committed, never a traceback or a KeyboardInterrupt out of here.
    with signals.stoppable():
        con = None
        try:
            found = walk([Path(p) for p in paths], SUPPORTED_SUFFIXES, follow_symlinks=follow_symlinks)
            summary.skipped = list(found.skipped)
            with store.hold(db, exclusive=True), page_progress(on_pages) as poll:
                con = store.connect(db)
                try:
                    for bad in found.errors:
                        record_failure(con, summary, Failure(bad.path, None, "load", bad.reason))
                    todo = plan_files(con, found.files, summary, prune=prune, force=force, ocr=ocr)
                    if workers > 1 and len(todo) > 1:
                        # Closed before workers are forked: a child must not inherit DuckDB's threads and locks.
                        con.close()
                        con = None
                    total = len(todo)
                    batch = _Batch()
                    results = _run_all(todo, workers, ocr, poll)
                    try:
                        for i, res in enumerate(results, 1):
                            with signals.critical():  # stored and counted, or neither
                                if con is None:  # the pool has forked by the time the first result arrives
                                    con = _reconnect(db)
                                batch.take(con, summary, res)
                            if on_progress:
                                name = res.path if isinstance(res, Failure) else res.loaded.path
                                on_progress(name, i, total)
                            poll()
                    finally:  # a stop or an error here stops the pool now, not when the generator is collected
                        results.close()
                    if con is not None:
                        with signals.critical():
                            batch.flush(con, summary)
                            if summary.documents or summary.renamed or summary.pruned or force \
                                    or _keys_missing(con):
                                # a new file may join (or found) a report of several files; with no stored
                                # document changed the keys stand (grouping reads every stored text)
                                assign_report_keys(con)
                except (KeyboardInterrupt, signals.Terminated, RuntimeError) as e:
                    if signals.is_interrupt(e) and con is not None:  # a transaction cut short is not committed
                        with contextlib.suppress(Exception):
                            con.execute("ROLLBACK")
                    raise
                finally:
                    if con is not None:
                        with signals.critical():
                            con.close()
        except (KeyboardInterrupt, signals.Terminated, RuntimeError) as e:
            if not signals.is_interrupt(e):
                raise
            summary.seconds = time.perf_counter() - started
            signum = signals.signal_number(e)
            raise Interrupted(f"interrupted, committed so far: {summary.line()}", signum=signum) from None
    summary.seconds = time.perf_counter() - started
    return summary


def _keys_missing(con) -> bool:
    """A stored document without a report key (a database written before keys existed)."""
    return con.execute("SELECT count(*) FROM documents WHERE report_key IS NULL").fetchone()[0] > 0


# The stored readings an --ocr mode would change: a file read from its text layer is read again under
# `always`, one that was OCR'd under `never` (a mode that cannot change a file's reading forces nothing).
_READ_AGAIN_UNDER = {"always": ("pdf",), "never": ("pdf-ocr",)}


def plan_files(con, files: Iterable[Path], summary: Summary, *, prune: bool,
               force: bool = False, ocr: str = "auto") -> list[tuple[Path, str | None]]:
    """Apply renames and (with `prune`) removals; the files that need the pipeline, in order
    (`force`: unchanged files too, each under the doc_id it is stored with; unchanged files stored
    under another reading than `ocr` asks for are processed again as if forced)."""
    stored = store.stored_versions(con)
    decided = store.plan([(str(f), _hash(f)) for f in files], stored, os.path.exists)
    for doc_id, new_path in decided.renames:
        store.rename(con, doc_id, new_path)
    todo = [(Path(p), key) for p, key in decided.todo]
    again = set(decided.unchanged)
    if not force:
        kinds = _READ_AGAIN_UNDER.get(ocr, ())
        read_as = dict(con.execute("SELECT path, source_kind FROM documents").fetchall()) if kinds else {}
        again = {p for p in decided.unchanged if read_as.get(p) in kinds}
    by_path = {v.path: v for v in stored}
    for p in decided.unchanged:
        if p in again:
            v = by_path[p]
            todo.append((Path(p), None if v.doc_id == doc_id_for(v.sha256) else v.doc_id))
    summary.unchanged = 0 if force else len(decided.unchanged) - len(again)
    summary.renamed = len(decided.renames)
    if prune:
        summary.pruned = store.prune(con, decided.gone)
    else:
        summary.gone = list(decided.gone)
    return todo


def _reconnect(db: str | Path, attempts: int = 50):
    """The write connection again after the fork; a foreign process that opened the file in that
    moment (not one of ours: they honour the lock file) is waited for a few seconds, then exit 3."""
    for attempt in range(attempts):
        try:
            return store.connect(db)
        except BusyError:
            if attempt == attempts - 1:
                raise
            time.sleep(0.1)
    raise AssertionError("unreachable")


def _store(con, summary: Summary, res: DocResult | Failure) -> None:
    """Write one result on its own (`_Batch` writes several in one transaction)."""
    batch = _Batch()
    batch.take(con, summary, res)
    batch.flush(con, summary)


# Documents stored per transaction: a commit costs about as much as a document's rows, and the one
# writer must keep up with every worker. A batch is also written once its first document has waited
# this long, so a slow folder (scans) is committed steadily; an interrupted run keeps what was committed.
BATCH_DOCUMENTS = 32
BATCH_SECONDS = 2.0


@dataclass(slots=True)
class _Batch:
    """Results waiting to be written together; a failure is recorded at once."""

    pending: list[DocResult] = field(default_factory=list)
    since: float = 0.0

    def take(self, con, summary: Summary, res: DocResult | Failure) -> None:
        if isinstance(res, Failure):
            record_failure(con, summary, res)
            return
        if any(p.loaded.path == res.loaded.path or p.doc_id == res.doc_id for p in self.pending):
            self.flush(con, summary)  # one batch holds one version of a path or a doc_id
        if not self.pending:
            self.since = time.monotonic()
        self.pending.append(res)
        if len(self.pending) >= BATCH_DOCUMENTS or time.monotonic() - self.since >= BATCH_SECONDS:
            self.flush(con, summary)

    def flush(self, con, summary: Summary) -> None:
        """Write the pending results (a document that cannot be stored is recorded as failed); a database
        that cannot be written at all (disk full) stops the run with exit 4."""
        pending, self.pending = self.pending, []
        for res, err in store.write_documents(con, pending) if pending else ():
            if err is not None:
                record_failure(con, summary, Failure(res.loaded.path, res.loaded.sha256, err.stage, err.message))
            else:
                _stored(con, summary, res)


def _stored(con, summary: Summary, res: DocResult) -> None:
    """Count a stored document and record what a person should know about it."""
    add_counts(summary, doc_counts(res))
    for stage, message in doc_notes(res):
        store.record_error(con, res.loaded.path, res.loaded.sha256, stage, message)


def doc_notes(res: DocResult) -> list[tuple[str, str]]:
    """(stage, message) of what a stored document lost, for `ingest_errors`: figures refused as
    numbers, pages whose OCR failed (stored, but a person should know)."""
    notes = [("extract", f"figure {digits}... does not fit a number: not stored as a figure")
             for digits in limits.oversized_numbers(res.norm.text)]
    # stored, but a person should know what was not read (a DOCX part, an embedded object)
    notes += [("load", f"warning: {warning}") for warning in res.loaded.warnings]
    for page in res.loaded.pages:  # stored, but a person should know what was lost
        if page.status not in ("ok", "empty"):
            # a page past seconds_per_ocr_page is stored without text, the rest of the document kept
            stage, bound = ("limit", "seconds_per_ocr_page: ") if page.status == "ocr_timeout" else ("ocr", "")
            notes.append((stage, f"{bound}page {page.number}: {page.status}"
                          + (f" ({page.error})" if page.error else "")))
    return notes


def record_failure(con, summary: Summary, failure: Failure) -> None:
    store.record_error(con, failure.path, failure.sha256, failure.stage, failure.error)
    summary.errors += 1
    summary.failures.append(failure)


def doc_counts(res: DocResult) -> dict[str, int]:
    """What one stored document adds to the run's `Summary`."""
    return {
        "documents": 1,
        "pages": len(res.loaded.pages),
        "facts": len(res.facts),
        "checks": len(res.checks),
        "mismatches": sum(c.status == "mismatch" for c in res.checks),
        "ocr_pages": sum(p.source == "ocr" for p in res.loaded.pages),
        "ocr_problems": sum(p.status not in ("ok", "empty") for p in res.loaded.pages),
    }


def add_counts(summary: Summary, counts: dict[str, int]) -> None:
    for name, n in counts.items():
        setattr(summary, name, getattr(summary, name) + n)
