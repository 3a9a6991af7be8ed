"""Bounded work per document: the limits of `schemas/limits.yaml` and the checks that apply them.

A hostile or broken input must cost bounded time and memory and end as one `ingest_errors` row with
stage `limit` naming the bound, not stall a folder for hours or take the machine's memory. The cheap
checks (size on disk, PDF page count, a DOCX's expanded size and element count) run before a loader
reads anything heavy; the text checks run on what the loader returned, before any stage; time and
memory are bounded around the whole per-document pipeline in the worker.
"""

from __future__ import annotations

import contextlib
import io
import re
import resource
import signal
import threading
import zipfile
from collections.abc import Iterator

from pipeline.config import Strict, load_model
from pipeline.errors import LimitError
from pipeline.model import Loaded


class Limits(Strict):
    max_file_bytes: int
    max_pages: int
    max_docx_expanded_bytes: int
    max_docx_elements: int
    max_text_chars: int
    max_line_chars: int
    seconds_per_document: float
    seconds_per_ocr_page: float
    worker_memory_mb: int
    writer_memory_mb: int = 256


def limits() -> Limits:
    return load_model("limits.yaml", Limits)


def _over(key: str, got: int | float, unit: str, path: str) -> LimitError:
    bound = getattr(limits(), key)
    return LimitError(f"{key}: {got:,} {unit} exceeds the limit of {bound:,}", path=path)


def check_size(size: int, path: str) -> None:
    if size > limits().max_file_bytes:
        raise _over("max_file_bytes", size, "bytes", path)


def check_text_bytes(size: int, path: str) -> None:
    """A text file so large that even at 4 bytes a character it exceeds max_text_chars."""
    if size > 4 * limits().max_text_chars:
        raise _over("max_text_chars", size // 4, "characters at least", path)


def check_pdf_pages(n_pages: int, path: str) -> None:
    if n_pages > limits().max_pages:
        raise _over("max_pages", n_pages, "pages", path)


def check_docx_package(data: bytes, path: str) -> None:
    """Expanded size from the zip directory, then elements of the body streamed in bounded chunks."""
    lim = limits()
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError, EOFError):
        return  # not a zip: the DOCX loader says why
    with zf:
        expanded = sum(i.file_size for i in zf.infolist())
        if expanded > lim.max_docx_expanded_bytes:
            raise _over("max_docx_expanded_bytes", expanded, "bytes", path)
        try:
            fh = zf.open("word/document.xml")
        except (KeyError, zipfile.BadZipFile, NotImplementedError, RuntimeError):
            return
        elements, tail = 0, b""
        with fh:
            while chunk := _read(fh):
                buf = tail + chunk
                elements += buf.count(b"<") - buf.count(b"</") - buf.count(b"<?") - buf.count(b"<!")
                cut = buf.rfind(b"<")
                tail = buf[cut:] if cut >= 0 and b">" not in buf[cut:] else b""
                if tail:
                    elements -= 1  # counted again with the next chunk
                if elements > lim.max_docx_elements:
                    raise _over("max_docx_elements", elements, "elements", path)


def _read(fh) -> bytes:
    try:
        return fh.read(1 << 20)
    except (zipfile.BadZipFile, OSError, EOFError, ValueError):
        return b""  # a damaged member: the DOCX loader reports it


def check_text(loaded: Loaded) -> None:
    """Characters in all and per line of the loaded text (linear: one pass per page)."""
    lim = limits()
    total = sum(len(p.text) for p in loaded.pages)
    if total > lim.max_text_chars:
        raise _over("max_text_chars", total, "characters", loaded.path)
    for p in loaded.pages:
        longest = max(map(len, p.text.split("\n")), default=0)
        if longest > lim.max_line_chars:
            raise _over("max_line_chars", longest, "characters in one line", loaded.path)


# A digit run too long for a finite float (~1.8e308): refused as a number by `extractors.numbers`;
# `oversized_numbers` lets ingest say so in `ingest_errors` instead of dropping it without a word.
_HUGE_NUMBER = re.compile(r"\d(?:[.,]?\d){308,}")


def oversized_numbers(text: str) -> list[str]:
    """Digit runs of the text that no float can hold, each cut to its first 24 characters."""
    return [m.group(0)[:24] for m in _HUGE_NUMBER.finditer(text)]


@contextlib.contextmanager
def time_limit(path: str) -> Iterator[None]:
    """`LimitError(seconds_per_document)` when the block runs too long (SIGALRM; main thread only).

    Workers run each document in their main thread; a caller in another thread gets no bound here
    (signals only reach the main thread) rather than a broken one.
    """
    seconds = limits().seconds_per_document
    if seconds <= 0 or threading.current_thread() is not threading.main_thread():
        yield
        return

    def expired(signum, frame):
        raise LimitError(f"seconds_per_document: still running after {seconds:g} s", path=path)

    previous = signal.signal(signal.SIGALRM, expired)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def bound_worker_memory() -> None:
    """Cap this (worker) process's address space: a runaway document raises MemoryError, not the OOM killer."""
    mb = limits().worker_memory_mb
    if mb <= 0:
        return
    _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    want = mb << 20
    if hard != resource.RLIM_INFINITY:
        want = min(want, hard)
    with contextlib.suppress(ValueError, OSError):
        resource.setrlimit(resource.RLIMIT_AS, (want, hard))
