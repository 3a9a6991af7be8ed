"""Stopping a run cleanly: SIGINT and SIGTERM end it with what was committed kept, workers gone.

The main process turns SIGTERM into an exception like Ctrl-C's KeyboardInterrupt, so both unwind
the same way: the document being written commits or rolls back (one transaction), the pool's
workers are terminated rather than waited for (an OCR page can take a minute), and ingest reports
what was stored. Workers ignore SIGINT (a Ctrl-C reaches the whole process group; the parent decides)
and ask the kernel to kill them when their parent dies (`PR_SET_PDEATHSIG`), so a `kill -9` of
the parent leaves no orphan.
"""

from __future__ import annotations

import contextlib
import ctypes
import signal
import threading
from collections.abc import Iterator

import duckdb

from pipeline.limits import bound_worker_memory

_PR_SET_PDEATHSIG = 1


class Terminated(BaseException):
    """SIGTERM in the main process, raised where Python is, like KeyboardInterrupt for SIGINT."""


def worker_init() -> None:
    """Initializer of every pool worker: no SIGINT tracebacks, death with the parent, bounded memory."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    bound_worker_memory()


def is_interrupt(e: BaseException) -> bool:
    """Ctrl-C as DuckDB reports it when it arrives during a query (it handles SIGINT itself then)."""
    return isinstance(e, KeyboardInterrupt | Terminated) or (
        isinstance(e, RuntimeError | duckdb.Error) and "interrupted" in str(e).lower())


_received: list[int] = []  # signals seen inside `stoppable`
_critical = [0]  # depth of `critical` blocks: a signal there waits for the block's end


def signal_number(e: BaseException) -> int:
    """15 when the run was stopped by SIGTERM (however DuckDB reported it), else 2 (SIGINT)."""
    return 15 if isinstance(e, Terminated) or signal.SIGTERM in _received else 2


def _raise_now(signum: int) -> None:
    raise Terminated() if signum == signal.SIGTERM else KeyboardInterrupt()


def _on_signal(signum, frame) -> None:
    _received.append(signum)
    if not _critical[0]:
        _raise_now(signum)


def check() -> None:
    """Raise the stop a signal asked for, at a point the caller knows to be safe."""
    if _received:
        _raise_now(_received[-1])


@contextlib.contextmanager
def critical() -> Iterator[None]:
    """A block a signal must not cut (write one document and count it): the stop comes after it.

    Without this a stop could land between a COMMIT and the count of what was committed, or inside
    DuckDB as a "query interrupted" that looked like a failed document.
    """
    _critical[0] += 1
    try:
        yield
    finally:
        _critical[0] -= 1
    if not _critical[0] and _received:
        _raise_now(_received[-1])


@contextlib.contextmanager
def stoppable() -> Iterator[None]:
    """SIGINT raises KeyboardInterrupt and SIGTERM `Terminated` in the block, except inside `critical`
    (main thread only; elsewhere nothing changes)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    _received.clear()
    previous = {s: signal.signal(s, _on_signal) for s in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for s, handler in previous.items():
            signal.signal(s, handler)


def stop_pool(pool) -> None:
    """Terminate a ProcessPoolExecutor's workers now and drop its queue (no waiting on running work)."""
    processes = list((getattr(pool, "_processes", None) or {}).values())
    manager = getattr(pool, "_executor_manager_thread", None)  # forgotten by shutdown(wait=False)
    for p in processes:
        with contextlib.suppress(Exception):
            p.terminate()
    with contextlib.suppress(Exception):
        pool.shutdown(wait=False, cancel_futures=True)
    for p in processes:
        with contextlib.suppress(Exception):
            p.join(timeout=5)
    if manager is not None:  # it notices the dead workers and cleans up; not waited for at exit then
        with contextlib.suppress(Exception):
            manager.join(timeout=5)
