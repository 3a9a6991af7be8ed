"""Interrupt an ingest at random moments and check what is left: the fault trials of issue 17.

Each trial starts `python -m pipeline ingest FOLDER --db NEW.duckdb --workers 2` in a process group
of its own, waits a seeded random delay (from 0 to a little past the length of an uninterrupted run,
so some signals land in the start-up, some in the middle, some after the end), then sends

- `sigint`: SIGINT to the whole group, as Ctrl-C in a terminal does (`--to main`: the main process only);
- `sigterm`: SIGTERM likewise;
- `kill9`: SIGKILL to the main process only (`--to group`: the whole group), so that a worker left
  alive is an orphan.

Then it counts what went wrong: a traceback on stdout or stderr, a hang (still running 60 s after the
signal), an orphan (a process of the group alive after the main one ended), stored rows that differ
from what the interrupted run's summary line said (or any `ingest_errors` row: every input is a good
report), and, after a rerun of the same ingest to completion, a database whose tables differ from
those of an uninterrupted run (`scripts/dump_tables.py`, canonical and timestamp-free).

    python scripts/trials.py --kind sigint --n 50
    python scripts/trials.py --kind kill9 --n 50 --seed 7
"""

from __future__ import annotations

import argparse
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

sys.path.insert(0, str(Path(__file__).resolve().parent))
from dump_tables import dump  # a sibling script, not a package

ROOT = Path(__file__).resolve().parent.parent
HANG_SECONDS = 60.0
ORPHAN_GRACE = 5.0


@dataclass
class Trial:
    delay: float
    rc: int | None = None
    traceback: bool = False
    hang: bool = False
    orphans: list[int] = field(default_factory=list)
    summary_docs: int | None = None  # what the interrupted run said it committed
    stored_docs: int | None = None  # what its database holds
    errors: int = 0  # ingest_errors rows after the interrupted run (none expected)
    rows_match_summary: bool = True
    equal_to_uninterrupted: bool | None = None
    stderr: str = ""

    def ok(self) -> bool:
        return (not self.traceback and not self.hang and not self.orphans and self.rows_match_summary
                and self.errors == 0 and self.equal_to_uninterrupted is not False)


def make_folder(folder: Path, copies: int = 2) -> Path:
    """Copies of corpus/'s UTF-8 text reports, each with a line of its own (so every file is a version
    of its own), enough for a two-worker run of a few seconds."""
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(copies):
        for p in sorted((ROOT / "corpus").glob("*.txt")):
            data = p.read_bytes()
            try:
                data.decode("utf-8")
            except UnicodeDecodeError:
                continue
            (folder / f"{i}_{p.name}").write_bytes(data + f"\n{i}\n".encode())
    return folder


def _command(folder: Path, db: Path, workers: int) -> list[str]:
    return [sys.executable, "-m", "pipeline", "ingest", str(folder), "--db", str(db), "--workers", str(workers),
            "--quiet"]


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT) + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    return env


def _group(pgid: int) -> list[int]:
    """Live (non-zombie) processes of process group `pgid`."""
    pids = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if fields[0] != "Z" and int(fields[2]) == pgid:
            pids.append(int(entry.name))
    return pids


def _snapshot(db: Path) -> dict[str, bytes]:
    with tempfile.TemporaryDirectory() as tmp:
        dump(db, Path(tmp))
        return {p.name: p.read_bytes() for p in sorted(Path(tmp).iterdir())}


def _counts(db: Path) -> tuple[int, int]:
    if not db.exists():
        return 0, 0
    con = duckdb.connect(str(db), read_only=True)
    try:
        tables = {r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()}
        if "documents" not in tables:
            return 0, 0
        docs = con.execute("SELECT count(*) FROM documents").fetchone()[0]
        errors = con.execute("SELECT count(*) FROM ingest_errors").fetchone()[0]
        return docs, errors
    finally:
        con.close()


def _default_sigint() -> None:
    """In the child: SIGINT as in a terminal. A shell starts background jobs with SIGINT ignored, and a
    Python started with it ignored never installs its Ctrl-C handler: the trials would test nothing."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def reference(folder: Path, work: Path, workers: int = 2) -> tuple[dict[str, bytes], float]:
    """The tables of an uninterrupted run, and how long it took."""
    db = work / "reference.duckdb"
    t0 = time.monotonic()
    subprocess.run(_command(folder, db, workers), env=_env(), check=True, capture_output=True, text=True)
    return _snapshot(db), time.monotonic() - t0


def run_trial(kind: str, folder: Path, work: Path, ref: dict[str, bytes], delay: float, *,
              to: str | None = None, workers: int = 2) -> Trial:
    """One interrupted run (fresh database), its checks, then the rerun compared with `ref`."""
    to = to or ("main" if kind == "kill9" else "group")
    signum = {"sigint": signal.SIGINT, "sigterm": signal.SIGTERM, "kill9": signal.SIGKILL}[kind]
    db = work / f"trial-{time.monotonic_ns()}.duckdb"
    t = Trial(delay=round(delay, 3))
    proc = subprocess.Popen(_command(folder, db, workers), env=_env(), stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, start_new_session=True, preexec_fn=_default_sigint)
    pgid = proc.pid
    try:
        out, errtext = proc.communicate(timeout=delay)
    except subprocess.TimeoutExpired:
        with _suppress():
            (os.killpg if to == "group" else os.kill)(pgid, signum)
        try:
            out, errtext = proc.communicate(timeout=HANG_SECONDS)
        except subprocess.TimeoutExpired:
            t.hang = True
            with _suppress():
                os.killpg(pgid, signal.SIGKILL)
            out, errtext = proc.communicate()
    t.rc = proc.returncode
    t.stderr = errtext.strip()
    t.traceback = "Traceback" in out or "Traceback" in errtext
    deadline = time.monotonic() + ORPHAN_GRACE
    while (left := _group(pgid)) and time.monotonic() < deadline:
        time.sleep(0.1)
    t.orphans = left
    with _suppress():
        os.killpg(pgid, signal.SIGKILL)
    t.stored_docs, t.errors = _counts(db)
    said = re.search(r"committed so far: (\d+) documents", errtext) or re.search(r"this run: (\d+) documents", out)
    if said:
        t.summary_docs = int(said.group(1))
    elif "nothing was read or stored" in errtext or "nothing was stored" in errtext:  # stopped before the run
        t.summary_docs = 0
    if kind != "kill9":  # a killed run says nothing; an interrupted or finished one must be right
        t.rows_match_summary = t.summary_docs is not None and t.summary_docs == t.stored_docs
    rerun = subprocess.run(_command(folder, db, workers), env=_env(), capture_output=True, text=True)
    t.equal_to_uninterrupted = rerun.returncode == 0 and _snapshot(db) == ref
    for p in work.glob(db.name + "*"):
        p.unlink()
    return t


class _suppress:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return exc[0] is not None and issubclass(exc[0], ProcessLookupError | PermissionError)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--kind", choices=["sigint", "sigterm", "kill9"], required=True)
    ap.add_argument("--n", type=int, default=50)
    ap.add_argument("--seed", type=int, default=17)
    ap.add_argument("--to", choices=["group", "main"], default=None,
                    help="who gets the signal (default: the group for sigint/sigterm, the main process for kill9)")
    ap.add_argument("--copies", type=int, default=2, help="copies of corpus/ in the input folder")
    ap.add_argument("-v", "--verbose", action="store_true", help="one line per trial")
    args = ap.parse_args()
    rng = random.Random(args.seed)
    work = Path(tempfile.mkdtemp(prefix="baocao-trials-"))
    try:
        folder = make_folder(work / "in", args.copies)
        ref, seconds = reference(folder, work)
        print(f"uninterrupted run: {seconds:.1f} s; {args.n} {args.kind} trials, delays 0..{1.1 * seconds:.1f} s")
        trials = []
        for i in range(args.n):
            t = run_trial(args.kind, folder, work, ref, rng.uniform(0, 1.1 * seconds), to=args.to)
            trials.append(t)
            if args.verbose or not t.ok():
                print(f"  #{i + 1} delay {t.delay:.2f} s rc {t.rc} stored {t.stored_docs} said {t.summary_docs}"
                      f" errors {t.errors} tb {t.traceback} hang {t.hang} orphans {len(t.orphans)}"
                      f" equal {t.equal_to_uninterrupted}" + ("" if t.ok() else f"\n    {t.stderr[-600:]}"))
        print(f"trials: {len(trials)}")
        print(f"finished before the signal (rc 0): {sum(t.rc == 0 for t in trials)}")
        print(f"tracebacks seen: {sum(t.traceback for t in trials)}")
        print(f"hangs (>{HANG_SECONDS:g} s): {sum(t.hang for t in trials)}")
        print(f"orphan workers: {sum(len(t.orphans) for t in trials)} in {sum(bool(t.orphans) for t in trials)} trials")
        print(f"rows equal to the summary line: {sum(t.rows_match_summary for t in trials)}/{len(trials)}"
              + ("" if args.kind != "kill9" else " (kill9: no summary)"))
        print(f"runs with ingest_errors rows: {sum(t.errors > 0 for t in trials)}")
        equal = sum(bool(t.equal_to_uninterrupted) for t in trials)
        print(f"rerun equal to the uninterrupted run: {equal}/{len(trials)}")
        codes: dict[int | None, int] = {}
        for t in trials:
            codes[t.rc] = codes.get(t.rc, 0) + 1
        print("exit codes: " + ", ".join(f"{k}: {v}" for k, v in sorted(codes.items(), key=lambda kv: str(kv[0]))))
        sys.exit(0 if all(t.ok() for t in trials) else 1)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
