"""The lock file beside a database: one writer for a whole run, readers never in the middle of one.

DuckDB locks its file only while a connection is open, and ingest must close its connection while it
forks workers (a child must not inherit DuckDB's threads). A reader opening in that gap used to make
the writer's reconnect fail and the whole run's work be lost. So every baocao process also takes an
advisory `flock` on `<db>.lock` before opening the database: the writer exclusive, from the first
scan to the last commit; readers shared, for as long as they read. Conflicts fail at once (no
waiting) with one line naming the holder, found in /proc/locks where the kernel lists every flock.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
from collections.abc import Iterator
from pathlib import Path

from pipeline.errors import BusyError


def lock_path(db: str | Path) -> Path:
    p = Path(db)
    return p.with_name(p.name + ".lock")


def holder(fd: int) -> tuple[str, bool]:
    """('pid 123 (baocao ingest ...)', is_writer) for the processes holding a flock on `fd`'s file."""
    st = os.fstat(fd)
    pids: list[int] = []
    writer = False
    with contextlib.suppress(OSError):
        for line in Path("/proc/locks").read_text().splitlines():
            fields = line.split()
            # "1: FLOCK  ADVISORY  WRITE 1234 08:01:5678 0 EOF" (a "->" marks a waiter)
            if "->" in fields or len(fields) < 6 or fields[1] != "FLOCK":
                continue
            dev_inode = fields[5].split(":")
            if len(dev_inode) == 3 and dev_inode[2] == str(st.st_ino) and fields[4].isdigit():
                pids.append(int(fields[4]))
                writer = writer or fields[3] == "WRITE"
    pids = sorted(set(pids) - {os.getpid()})
    if not pids:
        return "another process", writer
    return ", ".join(f"pid {pid}{_command(pid)}" for pid in pids[:3]), writer


def _command(pid: int) -> str:
    try:
        raw = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return ""
    cmd = " ".join(part.decode("utf-8", "replace") for part in raw.split(b"\0") if part)
    cmd = " ".join(cmd.split())  # an argument with newlines (python -c '...') stays one line
    return f" ({cmd[:120]}{'…' if len(cmd) > 120 else ''})" if cmd else ""


@contextlib.contextmanager
def hold(db: str | Path, *, exclusive: bool) -> Iterator[None]:
    """Hold the lock of `db` for the block; `BusyError` (exit 3) at once when it is taken.

    A reader whose lock file does not exist (no writer ever ran here, or a read-only folder) goes on:
    there is nobody to exclude and creating the file is not a reader's business. The writer creates
    the database when missing, and so its folder (`--db build/x.duckdb` on a fresh clone).
    """
    path = lock_path(db)
    if exclusive:
        with contextlib.suppress(OSError):  # a folder that cannot be made is reported by the open below
            Path(db).parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644) if exclusive else os.open(path, os.O_RDONLY)
    except OSError:  # a folder we cannot create files in: DuckDB's own lock still guards the file
        yield
        return
    try:
        try:
            fcntl.flock(fd, (fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH) | fcntl.LOCK_NB)
        except BlockingIOError:
            who, writer = holder(fd)
            doing = "written" if writer or not exclusive else "read"
            raise BusyError(f"database is busy: it is being {doing} by {who}", path=str(db)) from None
        yield
    finally:
        os.close(fd)
