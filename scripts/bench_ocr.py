"""Benchmark the OCR path on rendered scans whose text we know.

For sample pages of the rendered corpus (`pipeline.devtools.render`: `<stem>.scan-<level>.pdf` plus
`<stem>.truth`) this prints, per scan level:
- CER: Levenshtein distance between whitespace-folded NFC texts / length of the truth;
- numeric-token accuracy: share of the truth's number tokens (`1.234`, `89,66`, `2024`) found in the
  OCR text (multiset match, so order and line breaks do not matter);
- mean word confidence and seconds per page.

Options add: a preprocessing ablation (`--ablation`), a language comparison (`--langs vie,vie+Vietnamese`),
throughput with 1 process and `--workers N` (N processes over pages; and one multi-page scanned PDF read
by the PDF loader with 1 and N page threads), and the plain `tesseract IMG stdout -l vie` command on the
same page images, saved as PNG with their dpi (`--raw`: wall and CPU time ratios, ms per step).

Targets (issue 5): clean and mild CER ≤ 0.5 %, numeric accuracy ≥ 99.5 %; ≥ 25 pages/min per core;
2 workers ≥ 1.8× one; our engine within 10 % of the raw command's time.

    .venv/bin/python scripts/bench_ocr.py --src corpus --pages 6 --ablation --langs vie,vie+Vietnamese \
        --workers 2 --raw
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import os
import re
import resource
import sys
import tempfile
import time
import unicodedata
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pypdfium2 as pdfium
from PIL import Image
from rapidfuzz.distance import Levenshtein

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from pipeline.devtools import render
from pipeline.loaders import load
from pipeline.loaders.pagepool import page_budget
from pipeline.ocr import page as ocr_page
from pipeline.ocr import preprocess as ocr_preprocess
from pipeline.ocr import stream as ocr_stream
from pipeline.ocr import tesseract
from pipeline.ocr.types import OcrEngine

NUMBER = re.compile(r"\d+(?:[.,]\d+)*")


SUPERSCRIPT_RUN = re.compile("[⁰¹²³⁴⁵⁶⁷⁸⁹]+")


def fold(text: str) -> str:
    """NFC, whitespace runs as one space; footnote superscripts as the plain digits that are printed."""
    return " ".join(render.plain_digits(unicodedata.normalize("NFC", text)).split())


def numbers(text: str) -> Counter[str]:
    """Number tokens of the body: footnote reference markers (superscripts in the truth) are not counted,
    but a number with a marker glued on by OCR (`1.287⁹` read as `1.2879`) counts as a miss."""
    return Counter(NUMBER.findall(SUPERSCRIPT_RUN.sub(" ", unicodedata.normalize("NFC", text))))


@dataclass
class Sample:
    stem: str
    page: int  # 1-based
    truth: str
    pdf: dict[str, bytes]  # level -> scan PDF bytes
    table: bool = False  # the page holds a table (reading order of cells is ambiguous)


@dataclass
class Score:
    edits: int = 0
    chars: int = 0
    num_found: int = 0
    num_total: int = 0
    conf_sum: float = 0.0
    conf_n: int = 0
    seconds: float = 0.0
    pages: int = 0

    def add(self, truth: str, got: str, conf: float | None, seconds: float) -> None:
        t, g = fold(truth), fold(got)
        self.edits += Levenshtein.distance(t, g)
        self.chars += len(t)
        tn, gn = numbers(truth), numbers(got)
        self.num_total += sum(tn.values())
        self.num_found += sum((tn & gn).values())
        if conf is not None:
            self.conf_sum += conf
            self.conf_n += 1
        self.seconds += seconds
        self.pages += 1

    def row(self) -> str:
        cer = 100 * self.edits / max(self.chars, 1)
        num = 100 * self.num_found / max(self.num_total, 1)
        conf = self.conf_sum / self.conf_n if self.conf_n else float("nan")
        spp = self.seconds / max(self.pages, 1)
        return f"{cer:6.2f}% {num:7.2f}% ({self.num_found}/{self.num_total}) conf {conf:.3f} {spp:5.2f}s/p"


def ensure_renders(src: Path | None, renders: Path, levels: Sequence[str]) -> Path:
    if src is not None:
        out = Path(tempfile.mkdtemp(prefix="bench-renders-"))
        print(f"rendering {src} into {out} ...", file=sys.stderr)
        render.render_corpus(src, out, levels=levels, docx=False)
        return out
    if not (renders / "renders.json").exists():
        sys.exit(f"{renders}/renders.json not found: run `baocao render` or pass --src corpus")
    return renders


def load_samples(renders: Path, n_pages: int, levels: Sequence[str], min_chars: int = 300) -> list[Sample]:
    """Up to n_pages pages, taken round-robin over the reports so several layouts are covered."""
    manifest = json.loads((renders / "renders.json").read_text("utf-8"))
    tables = {e["stem"]: set(e.get("table_pages", ())) for e in manifest["files"] if e["kind"] == "truth"}
    per_stem: dict[str, list[Sample]] = {}
    for stem in tables:
        truths = (renders / f"{stem}.truth").read_text("utf-8").rstrip("\n").split("\f")
        pdfs = {lv: (renders / f"{stem}.scan-{lv}.pdf").read_bytes() for lv in levels}
        # the page number printed at the top of pages 2+ is not body text (Tesseract often skips it)
        truths = [re.sub(r"\A\d{1,3}\n", "", t) if i else t for i, t in enumerate(truths)]
        per_stem[stem] = [
            Sample(stem, i + 1, t, pdfs, (i + 1) in tables[stem])
            for i, t in enumerate(truths)
            if len(fold(t)) >= min_chars
        ]
    out: list[Sample] = []
    k = 0
    while len(out) < n_pages and any(len(v) > k for v in per_stem.values()):
        for v in per_stem.values():
            if len(v) > k and len(out) < n_pages:
                out.append(v[k])
        k += 1
    return out


RENDER_SECONDS: list[float] = []  # per page rasterized, for the --raw cost breakdown


def rasterize(samples: Sequence[Sample], levels: Sequence[str]) -> dict[tuple[str, int, str], Image.Image]:
    images = {}
    for s in samples:
        for lv in levels:
            t0 = time.perf_counter()
            images[(s.stem, s.page, lv)] = ocr_page.render_pdf_page(s.pdf[lv], s.page - 1)
            RENDER_SECONDS.append(time.perf_counter() - t0)
    return images


def evaluate(
    samples: Sequence[Sample],
    images: dict[tuple[str, int, str], Image.Image],
    levels: Sequence[str],
    engine: OcrEngine,
    steps: Sequence[str],
    clean: bool = True,
    per_page: bool = False,
) -> dict[str, tuple[Score, Score]]:
    """Per level: (score over all pages, score over pages without a table)."""
    scores = {lv: (Score(), Score()) for lv in levels}
    for lv in levels:
        for s in samples:
            im = images[(s.stem, s.page, lv)]
            page = ocr_page.ocr_image(im, s.page, engine=engine, steps=steps, clean=clean)
            scores[lv][0].add(s.truth, page.text, page.ocr_confidence, page.seconds)
            if not s.table:
                scores[lv][1].add(s.truth, page.text, page.ocr_confidence, page.seconds)
            if per_page:
                one = Score()
                one.add(s.truth, page.text, page.ocr_confidence, page.seconds)
                print(f"    {lv:<6} {s.stem[:34]:<34} p{s.page} {'T' if s.table else ' '} {one.row()}")
    return scores


def print_scores(label: str, scores: dict[str, tuple[Score, Score]]) -> None:
    for lv, (every, prose) in scores.items():
        print(f"  {label:<30} {lv:<6} all {every.row()} | no-table {prose.row()[:30]}")


def cpu_seconds() -> float:
    """CPU time of this process, its finished children and its long-lived tesseract processes
    (`pipeline.ocr.stream`): unlike wall time, barely moved by other jobs sharing the cores, so ratios
    measured on a busy machine still mean something."""
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + kids.ru_utime + kids.ru_stime + sum(map(_live_cpu, ocr_stream.pool().pids()))


def _live_cpu(pid: int) -> float:
    """User + system CPU seconds of a running process, from /proc (0 when it is gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def compare_raw(
    samples: Sequence[Sample],
    images: dict[tuple[str, int, str], Image.Image],
    levels: Sequence[str],
    engine: OcrEngine,
    steps: Sequence[str],
) -> None:
    """Our image → text path (preprocessing, then recognition, table layout, the second reading of
    doubtful figures and number repair: all of `ocr_image`) against `tesseract IMG stdout -l vie` on the same
    page image, saved as PNG carrying the page's dpi so both runs see the same resolution (without it
    Tesseract guesses one, which changes its work). Prints wall and CPU time ratios and where our
    extra time goes. Rasterizing the PDF page is shown apart: the raw command gets an image file."""
    print("\nplain `tesseract IMG stdout -l vie` (PNG with the page's dpi) vs our engine on the same images")
    cost: Counter[str] = Counter()
    n = 0
    totals = {"raw wall": 0.0, "ours wall": 0.0, "raw cpu": 0.0, "ours cpu": 0.0}
    with tempfile.TemporaryDirectory() as tmp:
        for lv in levels:
            raw, ours = Score(), Score()
            raw_cpu = ours_cpu = 0.0
            for s in samples:
                im = images[(s.stem, s.page, lv)]
                p = Path(tmp) / f"{s.stem}-{s.page}-{lv}.png"
                dpi = im.info.get("dpi")
                im.save(p, **({"dpi": dpi} if dpi else {}))
                c0, t0 = cpu_seconds(), time.perf_counter()
                txt = tesseract.tesseract_command(p)
                raw.add(s.truth, txt, None, time.perf_counter() - t0)
                raw_cpu += cpu_seconds() - c0
                c0, t0 = cpu_seconds(), time.perf_counter()
                prepared = im
                for name in steps:
                    t1 = time.perf_counter()
                    prepared = ocr_preprocess.STEPS[name](prepared)
                    cost[name] += time.perf_counter() - t1
                t1 = time.perf_counter()
                r = ocr_page.ocr_image(prepared, s.page, engine=engine, steps=())  # recognize, layout, reread, repair
                cost["read"] += time.perf_counter() - t1
                ours.add(s.truth, r.text, r.ocr_confidence, time.perf_counter() - t0)
                ours_cpu += cpu_seconds() - c0
                n += 1
            print(f"  raw tesseract  {lv:<6} {raw.row()}")
            print(f"  ours           {lv:<6} {ours.row()}  time ratio {ours.seconds / raw.seconds:.2f}"
                  f"  cpu ratio {ours_cpu / raw_cpu:.2f}")
            totals["raw wall"] += raw.seconds
            totals["ours wall"] += ours.seconds
            totals["raw cpu"] += raw_cpu
            totals["ours cpu"] += ours_cpu
    print(f"  all levels: time ratio {totals['ours wall'] / totals['raw wall']:.2f}"
          f"  cpu ratio {totals['ours cpu'] / totals['raw cpu']:.2f}")
    render_ms = 1000 * sum(RENDER_SECONDS) / max(len(RENDER_SECONDS), 1)
    parts = [f"{k} {1000 * v / max(n, 1):.0f}" for k, v in cost.items()]
    print(f"  ms/page: render {render_ms:.0f} (not in the ratio) | " + ", ".join(parts)
          + f" | raw tesseract {1000 * totals['raw wall'] / max(n, 1):.0f}")


def _ocr_pdf_page(args: tuple[bytes, int]) -> float:
    data, idx = args
    t0 = time.perf_counter()
    ocr_page.ocr_pdf_page(data, idx)
    return time.perf_counter() - t0


def throughput(samples: Sequence[Sample], level: str, workers: int) -> tuple[float, float]:
    """Pages per minute for the full page path (render + preprocess + OCR) with 1 and N processes.

    Both runs are fresh worker processes, so each starts its own tesseract processes as an ingest
    does (the bench's own process has them running already from the sections before)."""
    jobs = [(s.pdf[level], s.page - 1) for s in samples]
    ctx = mp.get_context("fork")
    rates = []
    for n in (1, workers):
        with ctx.Pool(n) as pool:
            t0 = time.perf_counter()
            pool.map(_ocr_pdf_page, jobs, chunksize=1)
            rates.append(len(jobs) / (time.perf_counter() - t0) * 60)
    return rates[0], rates[1]


def lone_document(samples: Sequence[Sample], level: str, workers: int) -> tuple[int, float, float]:
    """(pages, pages/min with 1 page thread, with `workers`) for ONE scanned PDF made of the sample
    pages, read by the PDF loader: the case of a single large scan, whose pages the loader spreads
    over threads (`pipeline.loaders.pagepool`) when given a page budget, as the ingest does."""
    doc = pdfium.PdfDocument.new()
    for s in samples:
        src = pdfium.PdfDocument(s.pdf[level])
        doc.import_pages(src, [s.page - 1])
        src.close()
    rates = []
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "lone-scan.pdf"
        doc.save(path)
        doc.close()
        for n in (1, workers):
            ocr_stream.pool().close()  # each run starts its own tesseract processes, as an ingest does
            t0 = time.perf_counter()
            with page_budget(n):
                loaded = load(path)
            rates.append(len(loaded.pages) / (time.perf_counter() - t0) * 60)
    return len(samples), rates[0], rates[1]


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--renders", type=Path, default=Path("build/renders"))
    ap.add_argument("--src", type=Path, help="render this folder first (into a temp dir)")
    ap.add_argument("--pages", type=int, default=6)
    ap.add_argument("--levels", default=",".join(render.LEVELS))
    ap.add_argument("--steps", default=",".join(ocr_preprocess.DEFAULT_STEPS), help="preprocessing steps to score")
    ap.add_argument("--ablation", action="store_true", help="score each preprocessing step on and off")
    ap.add_argument("--langs", default="", help="compare Tesseract languages, e.g. vie,vie+Vietnamese")
    ap.add_argument("--workers", type=int, default=0, help="also measure N worker processes")
    ap.add_argument("--raw", action="store_true", help="compare with the plain tesseract command")
    ap.add_argument("--show-errors", action="store_true", help="print a diff excerpt per page")
    ap.add_argument("--per-page", action="store_true", help="print the score of each page")
    ap.add_argument("--no-clean", action="store_true", help="also score without clean_ocr_text")
    a = ap.parse_args(argv)

    reason = tesseract.unavailable_reason()
    if reason:
        sys.exit(reason)
    levels = [x for x in a.levels.split(",") if x]
    renders = ensure_renders(a.src, a.renders, levels)
    samples = load_samples(renders, a.pages, levels)
    if not samples:
        sys.exit("no sample pages found")
    n_chars = sum(len(fold(s.truth)) for s in samples)
    n_reports = len({s.stem for s in samples})
    print(f"{len(samples)} pages ({n_chars} chars) from {n_reports} reports; levels {levels}")
    images = rasterize(samples, levels)
    steps = [x for x in a.steps.split(",") if x]
    engine = tesseract.TesseractEngine()

    print("\nCER, numeric-token accuracy, mean confidence, seconds/page (recognize incl. preprocessing)")
    base = evaluate(samples, images, levels, engine, steps, per_page=a.per_page)
    print_scores(f"vie {'+'.join(steps) or 'none'}", base)

    if a.no_clean:
        print_scores("raw text (no clean_ocr_text)", evaluate(samples, images, levels, engine, steps, False))

    if a.show_errors:
        from difflib import SequenceMatcher

        for lv in levels:
            for s in samples:
                got = ocr_page.ocr_image(images[(s.stem, s.page, lv)], s.page, engine=engine, steps=steps).text
                t, g = fold(s.truth), fold(got)
                ops = [o for o in SequenceMatcher(None, t, g, autojunk=False).get_opcodes() if o[0] != "equal"]
                print(f"-- {lv} {s.stem} p{s.page}: {len(ops)} diffs")
                for _, i1, i2, j1, j2 in ops[:25]:
                    print(f"   {t[max(0, i1 - 12) : i2 + 12]!r} -> {g[max(0, j1 - 12) : j2 + 12]!r}")

    if a.ablation:
        print("\npreprocessing ablation")
        configs = [
            ("gray",),
            ("gray", "flatten"),
            ("gray", "deskew"),
            ("gray", "levels"),
            ("gray", "flatten", "deskew"),
            ("gray", "flatten", "deskew", "levels"),
            ("gray", "flatten", "levels", "deskew"),
            ("gray", "flatten", "levels", "deskew", "denoise"),
            ("gray", "flatten", "levels", "deskew", "binarize"),
            ("gray", "flatten", "levels", "deskew", "unrule"),
        ]
        for cfg in configs:
            print_scores("+".join(cfg), evaluate(samples, images, levels, engine, cfg))

    for lang in [x for x in a.langs.split(",") if x]:
        if tesseract.unavailable_reason(lang):
            print(f"  {lang}: skipped ({tesseract.unavailable_reason(lang)})")
            continue
        print_scores(f"lang {lang}", evaluate(samples, images, levels, tesseract.TesseractEngine(lang=lang), steps))

    if a.raw:
        compare_raw(samples, images, levels, engine, steps)

    if a.workers:
        lv = "mild" if "mild" in levels else levels[0]
        one, many = throughput(samples, lv, a.workers)
        print(f"\nthroughput ({lv}, full page path incl. PDF rasterization)")
        print(f"  1 process : {one:6.1f} pages/min")
        print(f"  {a.workers} workers : {many:6.1f} pages/min  speed-up {many / one:.2f}x")
        n, one, many = lone_document(samples, lv, a.workers)
        print(f"one {n}-page scanned PDF through the PDF loader (pages spread over threads)")
        print(f"  1 page thread : {one:6.1f} pages/min")
        print(f"  {a.workers} page threads: {many:6.1f} pages/min  speed-up {many / one:.2f}x")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
