"""Long-lived tesseract processes, fed one page image at a time (Tesseract's `stream_filelist`).

Why: starting `tesseract` and loading the `vie` model costs about 160 ms of a 1.5 s page (18 bench
pages: 1.65 s each, one process per page; 1.49 s each, one process for all). With
`-c stream_filelist=1` Tesseract reads image paths from stdin as they arrive and writes each page's
TSV to stdout as soon as the page is done, so one process per configuration serves every page a
worker reads, and the model is loaded once. The words and confidences are the ones the per-page
command gives (LSTM recognition, `--oem 1`, keeps no state between pages; compared row for row).

Tesseract marks no end of a page in its output, so a blank 8×8 sentinel image is fed after each page:
its page row (`1\\t<n>\\t0…`) arrives only after every row of the page before it.

- A process serves one call at a time; `StreamPool` keeps idle ones per configuration and starts
  another when every one is busy (pages read on several threads each get their own).
- A call that passes its time limit kills its process (Tesseract cannot be interrupted mid-page);
  the next call starts a fresh one. A process that dies (an image it cannot read) is dropped, with
  the tail of its stderr in the error.
- After a fork (worker processes), the child never touches the parent's processes: the pool is
  keyed by process id and a child starts its own.

Not tesserocr (which also keeps the model loaded): it bundles its own libtesseract, a second
Tesseract beside Debian's, whose results would differ from the `tesseract` command we measure against.
"""

from __future__ import annotations

import atexit
import logging
import os
import select
import shutil
import subprocess
import tempfile
import threading
import time
from collections.abc import Sequence
from itertools import count
from pathlib import Path

from PIL import Image

from pipeline.errors import OcrError
from pipeline.ocr.types import OcrTimeout

# Tesseract's OpenMP threads give no speed-up on 2 cores and fight the per-document worker processes,
# so `OMP_THREAD_LIMIT=1` is set for every tesseract subprocess (at import of the lowest module that
# starts one, unless the caller already chose a value). Parallelism is one process per core.
os.environ.setdefault("OMP_THREAD_LIMIT", "1")

log = logging.getLogger(__name__)

TSV_HEADER = "level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext"


class StreamDied(OcrError):
    """The tesseract process ended while a page was being read."""


class TesseractStream:
    """One `tesseract stdin - … -c stream_filelist=1` process and the pages it has been sent."""

    def __init__(self, args: Sequence[str]) -> None:
        self._dir = Path(tempfile.mkdtemp(prefix="baocao-tess-"))
        self._sentinel = self._dir / "end.pgm"
        Image.new("L", (8, 8), 255).save(self._sentinel)
        self._stderr = tempfile.TemporaryFile(dir=self._dir)  # noqa: SIM115 (lives as long as the process)
        self._sent = 0  # images written to stdin, sentinels included (Tesseract's page_num counts them)
        self._names = count()
        cmd = ["tesseract", "stdin", "-", *args, "-c", "stream_filelist=1"]
        try:
            self._proc = subprocess.Popen(
                cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self._stderr, bufsize=0,
            )
        except OSError as e:
            self.close()
            raise OcrError(f"tesseract could not start: {e}", stage="ocr") from e
        self._buffer = b""

    @property
    def pid(self) -> int | None:
        return self._proc.pid if self._proc is not None else None

    @property
    def alive(self) -> bool:
        return self._proc is not None and self._proc.poll() is None

    def read_tsv(self, image: Image.Image, *, timeout: float) -> str:
        """The TSV (header and the rows of this page, page_num 1) of `image`; `timeout` 0: no limit."""
        path = self._dir / f"p{next(self._names)}.{'ppm' if image.mode == 'RGB' else 'pgm'}"
        image.save(path)
        try:
            page = self._sent + 1
            self._write(f"{path}\n{self._sentinel}\n")
            self._sent += 2
            rows = self._rows_until(page + 1, time.monotonic() + timeout if timeout > 0 else None, timeout)
        finally:
            path.unlink(missing_ok=True)
        self._stderr.seek(0)
        self._stderr.truncate()
        prefix = f"{page}\t"
        out = [TSV_HEADER]
        for row in rows:
            level, _, rest = row.partition("\t")
            if rest.startswith(prefix):
                out.append(f"{level}\t1\t{rest[len(prefix):]}")
        return "\n".join(out) + "\n"

    def _write(self, text: str) -> None:
        if self._proc is None or self._proc.stdin is None:
            raise StreamDied("tesseract is no longer running", stage="ocr")
        try:
            self._proc.stdin.write(text.encode("utf-8"))
        except (BrokenPipeError, ValueError) as e:
            raise StreamDied(self._died("tesseract is no longer running"), stage="ocr") from e

    def _rows_until(self, end_page: int, deadline: float | None, timeout: float) -> list[str]:
        """Rows read until the page row of `end_page` (the sentinel) has arrived in full."""
        assert self._proc is not None and self._proc.stdout is not None
        fd = self._proc.stdout.fileno()
        marker = f"\n1\t{end_page}\t".encode()
        while True:
            at = self._buffer.find(marker)
            if at >= 0 and self._buffer.find(b"\n", at + 1) >= 0:
                head, self._buffer = self._buffer[: at + 1], b""  # rows after the sentinel's: its own
                return head.decode("utf-8", errors="replace").splitlines()
            wait = None if deadline is None else deadline - time.monotonic()
            if wait is not None and wait <= 0:
                self.close(kill=True)
                raise OcrTimeout(f"OCR did not finish within {timeout:g} s", stage="ocr")
            ready, _, _ = select.select([fd], [], [], wait)
            if not ready:
                continue
            chunk = os.read(fd, 1 << 16)
            if not chunk:
                raise StreamDied(self._died("tesseract stopped"), stage="ocr")
            # A leading newline lets the marker match the first row too.
            self._buffer = (self._buffer or b"\n") + chunk

    def _died(self, what: str) -> str:
        self._stderr.seek(0)
        tail = self._stderr.read()[-600:].decode("utf-8", errors="replace").strip()
        self.close()
        return f"{what}: {tail}" if tail else what

    def close(self, *, kill: bool = False) -> None:
        """End the process and remove its files: killed when `kill` (it is busy on a page we gave
        up on), else EOF on stdin lets it finish, and it is killed if it lingers."""
        proc, self._proc = getattr(self, "_proc", None), None
        if proc is not None:
            try:
                if kill:
                    proc.kill()
                if proc.stdin:
                    proc.stdin.close()
                proc.wait(timeout=2)
            except (OSError, subprocess.TimeoutExpired):
                proc.kill()
                proc.wait()
            if proc.stdout:
                proc.stdout.close()
        if not self._stderr.closed:
            self._stderr.close()
        shutil.rmtree(self._dir, ignore_errors=True)


class StreamPool:
    """Idle tesseract processes per argument list, for the threads of this process."""

    def __init__(self) -> None:
        self._pid = os.getpid()
        self._lock = threading.Lock()
        self._idle: dict[tuple[str, ...], list[TesseractStream]] = {}

    def read_tsv(self, args: Sequence[str], image: Image.Image, *, timeout: float) -> str:
        key = tuple(args)
        stream = self._take(key)
        try:
            tsv = stream.read_tsv(image, timeout=timeout)
        except BaseException:
            stream.close(kill=True)
            raise
        with self._lock:
            self._idle.setdefault(key, []).append(stream)
        return tsv

    def _take(self, key: tuple[str, ...]) -> TesseractStream:
        with self._lock:
            idle = self._idle.get(key, [])
            while idle:
                stream = idle.pop()
                if stream.alive:
                    return stream
                stream.close()
        return TesseractStream(key)

    def pids(self) -> list[int]:
        """Process ids of the idle tesseract processes (benchmarks add up their CPU time)."""
        with self._lock:
            return [s.pid for group in self._idle.values() for s in group if s.pid is not None]

    def close(self) -> None:
        """End every idle process (only in the process that started them)."""
        if os.getpid() != self._pid:
            return
        with self._lock:
            streams = [s for group in self._idle.values() for s in group]
            self._idle.clear()
        for s in streams:
            s.close()


_pool: StreamPool | None = None
_pool_lock = threading.Lock()


def pool() -> StreamPool:
    """This process's pool of tesseract processes."""
    global _pool
    with _pool_lock:
        if _pool is None:
            _pool = StreamPool()
        return _pool


def _forget_parent_pool() -> None:
    """In a forked child: a pool of its own, and a lock no parent thread can be holding."""
    global _pool, _pool_lock
    _pool, _pool_lock = None, threading.Lock()


os.register_at_fork(after_in_child=_forget_parent_pool)


@atexit.register
def _close_pool() -> None:
    if _pool is not None:
        _pool.close()
