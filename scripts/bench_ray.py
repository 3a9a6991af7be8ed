"""`make bench`, Ray part: the same folder ingested by the local engine and by Ray, both as a user runs
them (a fresh `baocao ingest` process, start-up included), into fresh databases.

Prints documents/s per core for each engine and the ratio of their times (Ray's overhead on one
machine; the goal is ≤ 1.3 on 2 cores). The folder is FOLDER, or, without one, corpus/ copied
--copies times with a small edit per copy (each copy is a distinct file: its own hash and doc_id).

    python scripts/bench_ray.py [FOLDER] [--copies 18] [--workers 2]
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BAOCAO = str(Path(sys.executable).with_name("baocao"))
_THIS_RUN = re.compile(r"this run: (\d+) documents")


def copies_of(src: Path, out: Path, n: int) -> int:
    """corpus/ n times: copy k of each UTF-8 report ends with its own closing line, so no two files are
    equal (a report in another encoding is copied once, as it is)."""
    out.mkdir(parents=True, exist_ok=True)
    written = 0
    for f in sorted(p for p in src.iterdir() if p.suffix in {".txt", ".md"}):
        try:
            text = f.read_text(encoding="utf-8").rstrip("\n")
        except UnicodeDecodeError:
            shutil.copyfile(f, out / f.name)
            written += 1
            continue
        for k in range(n):
            (out / f"{f.stem}-{k:04d}{f.suffix}").write_text(f"{text}\n\n(Bản lưu {k + 1}.)\n", encoding="utf-8")
            written += 1
    return written


def run(folder: Path, db: Path, *extra: str) -> tuple[float, int]:
    """Wall time of one `baocao ingest` and the documents it stored."""
    t0 = time.perf_counter()
    proc = subprocess.run([BAOCAO, "ingest", str(folder), "--db", str(db), "--quiet", *extra],
                          capture_output=True, text=True, check=False)
    wall = time.perf_counter() - t0
    m = _THIS_RUN.search(proc.stdout)
    if proc.returncode not in (0, 1) or not m:
        sys.exit(f"baocao ingest {' '.join(extra)} failed ({proc.returncode}):\n{proc.stdout}{proc.stderr}")
    return wall, int(m.group(1))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("folder", type=Path, nargs="?")
    ap.add_argument("--copies", type=int, default=18, help="copies of corpus/ when no FOLDER is given")
    ap.add_argument("--workers", type=int, default=os.cpu_count() or 1, help="cores for either engine")
    args = ap.parse_args()
    try:
        import ray  # noqa: F401  (only to say clearly why this benchmark is skipped)
    except ImportError:
        print("ray not installed (pip install '.[ray]'): Ray benchmark skipped")
        return
    with tempfile.TemporaryDirectory(prefix="bench-ray-") as tmp:
        folder = args.folder
        if folder is None:
            folder = Path(tmp) / "docs"
            copies_of(ROOT / "corpus", folder, args.copies)
        cores = args.workers
        local_s, local_n = run(folder, Path(tmp) / "local.duckdb", "--workers", str(cores))
        ray_s, ray_n = run(folder, Path(tmp) / "ray.duckdb", "--engine", "ray", "--workers", str(cores),
                           "--lake", str(Path(tmp) / "lake"))
        again_s, _ = run(folder, Path(tmp) / "ray.duckdb", "--engine", "ray", "--workers", str(cores))
        shutil.rmtree(Path(tmp) / "lake", ignore_errors=True)
    print(f"== Ray engine vs local engine: {local_n} documents, {cores} cores "
          "(fresh `baocao ingest`, start-up included)")
    print(f"  local: {local_s:.1f} s, {local_n / local_s / cores:.2f} documents/s per core")
    print(f"  ray:   {ray_s:.1f} s, {ray_n / ray_s / cores:.2f} documents/s per core (with --lake)")
    print(f"  ratio ray/local time: {ray_s / local_s:.2f} (goal ≤ 1.3 on 2 cores)")
    print(f"  ray, unchanged re-ingest: {again_s:.1f} s")


if __name__ == "__main__":
    main()
