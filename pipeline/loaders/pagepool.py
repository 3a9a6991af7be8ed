"""OCR of one document's pages on several cores: a small thread pool, results in page order.

Why threads: the heavy work of a page runs in a tesseract subprocess (and PIL/numpy release the GIL
for the big image operations), so threads of one process keep several cores busy without pickling
pages to other processes. Why a budget: the ingest already spreads documents over worker
processes; pages of a document get extra threads only when fewer documents than workers are in
flight (one big scan alone gets every core), so the total stays ≈ `--workers` tesseract processes.

The budget is a context variable set by the caller (`page_budget`) and read by the loaders: it
rides along the call `ingest → load → loader` without widening the loaders' signatures.
Each task renders or receives its own page image, and only `workers` tasks run at once, so at most
`workers` page images are held in memory at a time; queued tasks hold only a page index or frame.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from contextvars import ContextVar
from typing import TypeVar

T = TypeVar("T")
R = TypeVar("R")

# How many pages of the current document may be OCR'd at the same time (1 = one after another).
PAGE_WORKERS: ContextVar[int] = ContextVar("baocao_ocr_page_workers", default=1)

# Told of OCR work as it happens, for progress that counts pages (the slow unit), not documents:
# `(planned, done)` deltas. Set once per process by the ingest driver (`pipeline.pageprogress`);
# a forked worker inherits it. None: nobody is listening.
_listener: Callable[[int, int], None] | None = None


def set_page_listener(listener: Callable[[int, int], None] | None) -> None:
    """Route `(pages planned, pages done)` deltas of every later OCR call in this process to `listener`."""
    global _listener
    _listener = listener


def _tell(planned: int, done: int) -> None:
    if _listener is not None:
        with contextlib.suppress(Exception):  # progress is a courtesy: it must never fail a page
            _listener(planned, done)


@contextmanager
def page_budget(workers: int) -> Iterator[None]:
    """Let loaders called inside this block OCR up to `workers` pages of a document at once."""
    token = PAGE_WORKERS.set(max(1, int(workers)))
    try:
        yield
    finally:
        PAGE_WORKERS.reset(token)


def map_in_order(fn: Callable[[T], R], items: Sequence[T], workers: int | None = None) -> list[R]:
    """`[fn(x) for x in items]` with up to `workers` (default: the page budget) calls at once.

    Results come back in item order whatever order the calls finish in. The first exception (in
    item order) is raised after the calls not yet started are cancelled, as the plain loop would
    stop there; calls already running finish first (a tesseract process is never left behind).
    """
    n = min(PAGE_WORKERS.get() if workers is None else max(1, workers), len(items))
    _tell(len(items), 0)
    if n <= 1:
        out = []
        for x in items:
            out.append(fn(x))
            _tell(0, 1)
        return out
    with ThreadPoolExecutor(max_workers=n, thread_name_prefix="ocr-page") as pool:
        futures: list[Future[R]] = [pool.submit(fn, x) for x in items]
        for f in futures:
            f.add_done_callback(lambda _f: _tell(0, 1))
        try:
            return [f.result() for f in futures]
        except BaseException:
            for f in futures:
                f.cancel()
            raise
