"""Time and peak memory of `baocao ingest` on hostile inputs made at run time (none is committed).

Each input is ingested alone into a fresh database under `/usr/bin/time -v`; the table says how long
it took, the peak resident memory of the whole run (workers included: GNU time reports the largest
process), and how the document ended: stored, or its `ingest_errors` row (stage `limit` names the
bound of schemas/limits.yaml it went past).

    python scripts/measure_bounds.py                      # all inputs
    python scripts/measure_bounds.py --only pdf2000,line5m
    python scripts/measure_bounds.py --lines 5000,10000,20000   # meaning stage vs line length
"""

from __future__ import annotations

import argparse
import hashlib
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import duckdb
import pypdfium2 as pdfium

from pipeline.ingest import analyze, warm_up
from pipeline.model import Loaded, Page

ROOT = Path(__file__).resolve().parent.parent

CLAUSES = ["Năm 2024 toàn huyện có {a} hộ, trong đó {b} hộ nghèo, chiếm {p}%",
           "tổng kinh phí thực hiện là {a} triệu đồng, tăng {b} triệu đồng so với cùng kỳ",
           "đã cấp {a} thẻ bảo hiểm y tế cho người dân, đạt {p}% kế hoạch năm"]


def prose(n_chars: int, sep: str = "; ") -> str:
    """One line of report-like prose with figures, `n_chars` long (clauses joined by `sep`)."""
    out, size, i = [], 0, 0
    while size < n_chars:
        a, b = 1000 + 7 * i, 100 + i
        clause = CLAUSES[i % 3].format(a=f"{a:,}".replace(",", "."), b=b, p=f"{100 * b / a:.1f}".replace(".", ","))
        out.append(clause)
        size += len(clause) + len(sep)
        i += 1
    return sep.join(out)[:n_chars]


def blank_pdf(path: Path, pages: int = 2000) -> None:
    doc = pdfium.PdfDocument.new()
    for _ in range(pages):
        doc.new_page(595, 842)
    doc.save(str(path))
    doc.close()


def one_line(path: Path, n_bytes: int = 5_000_000) -> None:
    """A 5 MB line (under max_text_chars in characters, so the line bound is the one that decides)."""
    line = prose(n_bytes).encode()[:n_bytes].decode("utf-8", "ignore")
    path.write_text("BÁO CÁO\n" + line + "\n", encoding="utf-8")


def short_lines(path: Path, n: int = 1_000_000) -> None:
    """A million lines of one number each (under max_text_chars: the whole pipeline runs on it)."""
    with path.open("w", encoding="utf-8") as fh:
        fh.write("BÁO CÁO\nSố liệu năm 2024\n")
        for i in range(n):
            fh.write(f"{i % 997 + 1}\n")


def big_text(path: Path, n_bytes: int = 200_000_000) -> None:
    """200 MB of prose (under max_file_bytes: refused from its size for max_text_chars, unread)."""
    block = ("Năm 2024 toàn xã có 1.250 hộ, trong đó 125 hộ nghèo, chiếm 10%.\n" * 1024).encode()
    with path.open("wb") as fh:
        for _ in range(n_bytes // len(block)):
            fh.write(block)
        fh.write(block[: n_bytes % len(block)])


INPUTS: dict[str, tuple[str, Callable[[Path], None]]] = {
    "pdf2000": ("blank.pdf", blank_pdf),
    "line5m": ("line5m.txt", one_line),
    "lines1m": ("lines1m.txt", short_lines),
    "text200m": ("text200m.txt", big_text),
}


def ingest_measured(path: Path, work: Path) -> dict[str, object]:
    db = work / f"{path.stem}.duckdb"
    cmd = ["/usr/bin/time", "-v", sys.executable, "-m", "pipeline", "ingest", str(path), "--db", str(db),
           "--workers", "1", "--quiet"]
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    t0 = time.monotonic()
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env)
    seconds = time.monotonic() - t0
    rss = re.search(r"Maximum resident set size \(kbytes\): (\d+)", proc.stderr)
    con = duckdb.connect(str(db), read_only=True)
    try:
        docs = con.execute("SELECT count(*) FROM documents").fetchone()[0]
        errors = con.execute("SELECT stage, error FROM ingest_errors").fetchall()
    finally:
        con.close()
    return {"seconds": seconds, "rss_mb": int(rss.group(1)) // 1024 if rss else None, "rc": proc.returncode,
            "documents": docs, "errors": errors}


def measure_lines(lengths: list[int]) -> None:
    """Seconds of each stage for one line of `n` characters (figures in clauses, no full stop)."""
    warm_up()
    print("chars   sep  total  meaning  check  extract  facts")
    for sep in ("; ", ". "):
        for n in lengths:
            text = "BÁO CÁO\nKết quả năm 2024\n" + prose(n, sep) + ".\n"
            loaded = Loaded(path="<line>", sha256=hashlib.sha256(text.encode()).hexdigest(), source_kind="text",
                            pages=(Page(1, text),))
            t0 = time.perf_counter()
            r = analyze(loaded)
            total = time.perf_counter() - t0
            print(f"{n:<7} {sep.strip():<4} {total:6.2f}  {r.timings['meaning']:7.2f}  {r.timings['check']:5.2f}"
                  f"  {r.timings['extract']:7.2f}  {len(r.facts)}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--only", default=",".join(INPUTS), help="comma-separated: " + ", ".join(INPUTS))
    ap.add_argument("--lines", default=None, help="measure the analysis of single lines of these lengths instead")
    args = ap.parse_args()
    if args.lines:
        measure_lines([int(x) for x in args.lines.split(",")])
        return
    work = Path(tempfile.mkdtemp(prefix="baocao-bounds-"))
    try:
        for key in args.only.split(","):
            name, make = INPUTS[key]
            path = work / name
            make(path)
            r = ingest_measured(path, work)
            ended = "stored" if r["documents"] else "not stored"
            rows = "; ".join(f"[{stage}] {error[:90]}" for stage, error in r["errors"]) or "no ingest_errors row"
            print(f"{key:<9} {path.stat().st_size / 2**20:8.1f} MiB  {r['seconds']:7.1f} s  "
                  f"{r['rss_mb']} MB peak RSS  rc {r['rc']}  {ended}: {rows}", flush=True)
            path.unlink()
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
