"""OCR page progress from worker processes to the ingest driver, through one pipe.

Why a pipe and not a multiprocessing queue: a queue's writers share a lock, and a worker killed while
holding it (Ctrl-C, kill -9 of the pool) would block every other worker's next page. Writes of a few
bytes to a pipe are atomic (POSIX: up to PIPE_BUF), so many forked writers need no lock; the write end
is non-blocking, and a message that does not fit a full pipe is dropped: progress is a courtesy and
must never slow or stop OCR.
"""

from __future__ import annotations

import contextlib
import os
import struct
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from pipeline.loaders.pagepool import set_page_listener

_RECORD = struct.Struct("<ii")  # (pages planned, pages done): deltas


class PagePipe:
    """The driver's end: `drain()` returns the pages planned and done since the last call."""

    def __init__(self, on_pages: Callable[[int, int], None]) -> None:
        self._on_pages = on_pages
        self._driver = os.getpid()
        self._read, self._write = os.pipe()
        os.set_blocking(self._read, False)
        os.set_blocking(self._write, False)
        self._rest = b""

    def tell(self, planned: int, done: int) -> None:
        """Called by OCR in this process (told at once: its main thread is busy with the document) or
        in any process forked after this pipe was made (written to the pipe, read by `drain`)."""
        if os.getpid() == self._driver:
            self._on_pages(planned, done)
            return
        with contextlib.suppress(BlockingIOError, BrokenPipeError, OSError):
            os.write(self._write, _RECORD.pack(planned, done))

    def drain(self) -> tuple[int, int]:
        planned = done = 0
        while True:
            try:
                chunk = os.read(self._read, 65536)
            except BlockingIOError:
                break
            if not chunk:
                break
            self._rest += chunk
        whole = len(self._rest) - len(self._rest) % _RECORD.size
        for p, d in _RECORD.iter_unpack(self._rest[:whole]):
            planned += p
            done += d
        self._rest = self._rest[whole:]
        return planned, done

    def close(self) -> None:
        for fd in (self._read, self._write):
            with contextlib.suppress(OSError):
                os.close(fd)


@contextmanager
def page_progress(on_pages: Callable[[int, int], None] | None) -> Iterator[Callable[[], None]]:
    """While the block runs, OCR in this process and its forked workers reports pages to `on_pages`
    (planned and done deltas); the block calls the yielded `poll()` whenever it can report."""
    if on_pages is None:
        yield lambda: None
        return
    pipe = PagePipe(on_pages)
    set_page_listener(pipe.tell)

    def poll() -> None:
        planned, done = pipe.drain()
        if planned or done:
            on_pages(planned, done)

    try:
        yield poll
    finally:
        set_page_listener(None)
        poll()
        pipe.close()
