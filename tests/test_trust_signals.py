"""Signals (issue 17 item 8): SIGINT or SIGTERM during a parallel ingest ends it with exit 130/143,
one line saying what was committed, no traceback, no worker left behind, and the rows stored are
exactly the documents that line counts."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest
from conftest import CORPUS


def _children(pid: int) -> set[int]:
    kids = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                kids.add(int(entry.name))
    return kids


def _utf8(p: Path) -> bool:
    try:
        p.read_bytes().decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.mark.parametrize("signum, code", [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
def test_a_signal_stops_a_parallel_ingest_cleanly(tmp_path: Path, signum: int, code: int) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    reports = [p for p in sorted(CORPUS.glob("*.txt")) if _utf8(p)]  # a line is appended to each
    for i in range(4):  # enough documents that the run is still going when the signal comes
        for p in reports:
            (folder / f"{i}_{p.name}").write_bytes(p.read_bytes() + f"\n{i}\n".encode())
    db = tmp_path / "a.duckdb"
    proc = subprocess.Popen([sys.executable, "-m", "pipeline", "ingest", str(folder), "--db", str(db),
                             "--workers", "2", "--quiet"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    workers: set[int] = set()
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and len(workers) < 2 and proc.poll() is None:
        workers |= _children(proc.pid)
        time.sleep(0.05)
    if proc.poll() is not None:
        pytest.skip("the run ended before the workers were seen (a very fast machine)")
    time.sleep(0.5)
    os.kill(proc.pid, signum)
    _out, err = proc.communicate(timeout=60)
    if proc.returncode == 0:
        pytest.skip("the run finished before the signal arrived")
    assert proc.returncode == code, err
    assert "Traceback" not in err and "Error" not in err.replace("error:", ""), err
    assert len([ln for ln in err.splitlines() if ln.strip()]) == 1, err
    m = re.search(r"(\d+) documents", err)
    assert m, err
    deadline = time.monotonic() + 10
    while any(_alive(w) for w in workers) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not any(_alive(w) for w in workers), "a worker outlived its parent"
    con = duckdb.connect(str(db), read_only=True)
    try:
        stored = con.execute("SELECT count(*) FROM documents").fetchone()[0]
        failed = con.execute("SELECT path, stage, error FROM ingest_errors").fetchall()
    finally:
        con.close()
    assert stored == int(m.group(1)) and not failed, failed
