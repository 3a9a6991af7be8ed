"""`make bench`: the text path's speed and memory, printed as numbers (no pass/fail here).

On N distinct text reports made by scripts/make_bench_corpus.py (build/bench-N, made if missing):
- `baocao ingest --workers W` into a fresh database, a fresh process as a user runs it: wall
  documents/s, and documents/s per core = documents / CPU seconds of every process (user + sys of the
  CLI and its workers, from the kernel's accounting of waited-for children);
- the same command again (nothing changed: every file is skipped by its hash);
- peak memory: the largest single process (ru_maxrss) and the whole process tree (sampled);
- rows/s of the DuckDB load: stored rows of M documents written in batches as `ingest` writes them;
- where a document's time goes, in one warm process.
`--sizes 1000,10000` repeats the ingest for each size (does peak memory grow with the folder?).
OCR has its own benchmark (scripts/bench_ocr.py), which `make bench` runs when Tesseract is installed.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pipeline import store  # noqa: E402
from pipeline.ingest import BATCH_DOCUMENTS, discover, process_file, warm_up  # noqa: E402
from pipeline.model import DocResult  # noqa: E402
from scripts import make_bench_corpus  # noqa: E402

BAOCAO = str(Path(sys.executable).with_name("baocao"))


def corpus(n: int, build: Path) -> Path:
    out = build / f"bench-{n}"
    if len(list(out.glob("bench_*.txt"))) != n:
        make_bench_corpus.main([str(out), "--n", str(n)])
    return out


def _tree_rss(root: int) -> int:
    """Resident bytes of `root` and its descendants (from /proc)."""
    children: dict[int, list[int]] = defaultdict(list)
    rss: dict[int, int] = {}
    page = os.sysconf("SC_PAGE_SIZE")
    for d in Path("/proc").iterdir():
        if not d.name.isdigit():
            continue
        try:
            stat = (d / "stat").read_text().rsplit(")", 1)[1].split()
            rss[int(d.name)] = int(stat[21]) * page
            children[int(stat[1])].append(int(d.name))
        except (OSError, IndexError, ValueError):
            continue
    total, todo = 0, [root]
    while todo:
        pid = todo.pop()
        total += rss.get(pid, 0)
        todo.extend(children.get(pid, ()))
    return total


# Runs the command and prints the kernel's accounting of it and its descendants: a process of its own,
# so that the largest-process figure (ru_maxrss of children) belongs to this command alone.
_WRAP = """import resource, subprocess, sys
rc = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL).returncode
u = resource.getrusage(resource.RUSAGE_CHILDREN)
print(rc, u.ru_utime + u.ru_stime, u.ru_maxrss)"""


def run(cmd: list[str]) -> dict[str, float]:
    """Wall and CPU seconds of a command and its descendants, its largest process and its tree's peak."""
    t0 = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-c", _WRAP, *cmd], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)
    peak = [0]

    def sample() -> None:
        while proc.poll() is None:
            peak[0] = max(peak[0], _tree_rss(proc.pid))
            time.sleep(0.2)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    out, err = proc.communicate()
    wall = time.perf_counter() - t0
    sampler.join()
    rc, cpu, max_rss = out.split()
    if rc != "0":
        print(f"  {' '.join(cmd)}: exit {rc}: {err.strip()[-500:]}")
    return {"wall": wall, "cpu": float(cpu), "max_rss": int(max_rss) * 1024, "tree_rss": peak[0]}


def bench_ingest(folder: Path, n: int, workers: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "bench.duckdb"
        cmd = [BAOCAO, "ingest", str(folder), "--db", str(db), "--workers", str(workers), "--quiet"]
        first = run(cmd)
        again = run(cmd)
    print(f"  ingest --workers {workers} (fresh process, empty database): wall {first['wall']:.1f} s = "
          f"{n / first['wall']:.1f} documents/s; CPU {first['cpu']:.1f} s of all processes = "
          f"{n / first['cpu']:.1f} documents/s per core ({first['cpu'] / n * 1000:.0f} ms CPU a document)")
    print(f"  unchanged re-ingest: wall {again['wall']:.2f} s (CPU {again['cpu']:.2f} s)")
    print(f"  peak RSS: largest process {first['max_rss'] / 2**20:.0f} MB, "
          f"process tree {first['tree_rss'] / 2**20:.0f} MB (sampled every 0.2 s)")


def bench_load(files: list[Path]) -> None:
    """Rows/s of the DuckDB load: the documents analysed first, then written as `ingest` writes them."""
    results = [r for r in (process_file(f) for f in files) if isinstance(r, DocResult)]
    with tempfile.TemporaryDirectory() as tmp:
        con = store.connect(Path(tmp) / "load.duckdb")
        try:
            t0 = time.perf_counter()
            for i in range(0, len(results), BATCH_DOCUMENTS):
                store.write_documents(con, results[i:i + BATCH_DOCUMENTS])
            wall = time.perf_counter() - t0
            rows = sum(con.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in store.DOC_TABLES)
        finally:
            con.close()
    print(f"  DuckDB load: {rows} rows of {len(results)} documents in {wall:.2f} s = {rows / wall:,.0f} rows/s "
          f"({len(results) / wall:.0f} documents/s, batches of {BATCH_DOCUMENTS})")


def bench_stages(files: list[Path]) -> None:
    warm_up()
    stages: dict[str, float] = defaultdict(float)
    t0 = time.process_time()
    for f in files:
        res = process_file(f)
        for k, v in getattr(res, "timings", {}).items():
            stages[k] += v
    cpu = time.process_time() - t0
    total = sum(stages.values()) or 1.0
    print(f"  one warm process, {len(files)} documents: {len(files) / cpu:.1f} documents/s; "
          + ", ".join(f"{k} {v / total:.0%}" for k, v in sorted(stages.items(), key=lambda kv: -kv[1])))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="1000", help="comma-separated numbers of reports (default 1000)")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--sample", type=int, default=100, help="documents for the load and stage figures")
    ap.add_argument("--build", type=Path, default=ROOT / "build")
    args = ap.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    print(f"== text path (machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f})")
    for n in sizes:
        folder = corpus(n, args.build)
        size = sum(p.stat().st_size for p in folder.glob("bench_*.txt"))
        print(f"{n} reports, {size / 1e6:.1f} MB ({folder})")
        bench_ingest(folder, n, args.workers)
    sample = discover([corpus(sizes[0], args.build)])[: args.sample]
    bench_load(sample)
    bench_stages(sample)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
