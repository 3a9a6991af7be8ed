"""`make bench`: wall times of the main jobs, printed as numbers (no pass/fail here).

- ingest of the five seed reports (text path) into a fresh database, 1 worker and all cores;
- time per stage (load, normalize, segment, extract, check) summed over the seeds;
- `baocao check` over the stored seeds;
- the same for corpus/.
OCR has its own benchmark (scripts/bench_ocr.py), which `make bench` runs when Tesseract is installed.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pipeline.check.recheck import recheck  # noqa: E402
from pipeline.ingest import discover, ingest, process_file  # noqa: E402


def bench_folder(name: str, folder: Path) -> None:
    files = discover([folder])
    if not files:
        print(f"{name}: no files in {folder}")
        return
    stages: dict[str, float] = defaultdict(float)
    for f in files:
        res = process_file(f)
        for k, v in getattr(res, "timings", {}).items():
            stages[k] += v
    print(f"{name}: {len(files)} files, {sum(f.stat().st_size for f in files) / 1024:.0f} KiB")
    print("  stages (1 process, warm): " + ", ".join(f"{k} {v * 1000:.0f} ms" for k, v in stages.items()))
    for workers in sorted({1, os.cpu_count() or 1}):
        with tempfile.TemporaryDirectory() as tmp:
            db = Path(tmp) / "bench.duckdb"
            t0 = time.perf_counter()
            s = ingest([folder], db, workers=workers)
            wall = time.perf_counter() - t0
            print(f"  in-process ingest --workers {workers}: {wall:.2f} s ({s.line()})")
            t0 = time.perf_counter()
            recheck(db)
            print(f"  in-process check: {time.perf_counter() - t0:.2f} s")
    # What a user waits for: a fresh `baocao` process, imports and worker start-up included.
    ingest_walls, check_walls = [], []
    for _ in range(3):
        with tempfile.TemporaryDirectory() as tmp:
            db = Path(tmp) / "bench.duckdb"
            ingest_walls.append(_wall([BAOCAO, "ingest", str(folder), "--db", str(db), "--quiet"]))
            check_walls.append(_wall([BAOCAO, "check", "--db", str(db)]))
    print(f"  `baocao ingest` (fresh process, default workers): median {statistics.median(ingest_walls):.2f} s, "
          f"best {min(ingest_walls):.2f} s of 3")
    print(f"  `baocao check` (fresh process): median {statistics.median(check_walls):.2f} s, "
          f"best {min(check_walls):.2f} s of 3")


BAOCAO = str(Path(sys.executable).with_name("baocao"))


def _wall(cmd: list[str]) -> float:
    t0 = time.perf_counter()
    subprocess.run(cmd, check=False, capture_output=True)
    return time.perf_counter() - t0


def main() -> None:
    seeds = ROOT.parent / "shared" / "seeds"
    if seeds.is_dir():
        bench_folder("seeds (text path)", seeds)
    else:
        print(f"{seeds} not present: seed benchmark skipped")
    bench_folder("corpus/", ROOT / "corpus")


if __name__ == "__main__":
    main()
