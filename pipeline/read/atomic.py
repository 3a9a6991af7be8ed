"""Writing an output file whole or not at all: a temporary file beside it, then a rename.

A report or an export cut short by a full disk must not leave half a file that looks finished, and a
bad output path must be one line and exit 4 (CONTRACT.md), not a traceback. The temporary file is in
the target's folder so the final `os.replace` is atomic on the same file system.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

from pipeline.errors import OutputError


@contextlib.contextmanager
def atomic_target(out: Path) -> Iterator[Path]:
    """A temporary path to write to; renamed to `out` when the block succeeds, removed when it fails."""
    out = Path(out)
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{out.name}.", suffix=".tmp", dir=out.parent)
        os.close(fd)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # mkstemp makes it private; an output is an ordinary file
    except OSError as e:
        raise OutputError(f"cannot write: {e.strerror or e}", path=str(out)) from None
    try:
        yield Path(tmp)
        os.replace(tmp, out)
    except OSError as e:
        raise OutputError(f"cannot write: {e.strerror or e}", path=str(out)) from None
    finally:
        with contextlib.suppress(OSError):
            os.unlink(tmp)


def write_atomically(out: Path, data: bytes) -> None:
    with atomic_target(out) as tmp, open(tmp, "wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())
