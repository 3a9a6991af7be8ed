"""Score extracted fact VALUES against the gold annotations of the seed reports.

    .venv/bin/python scripts/eval_facts.py [--seeds DIR] [--gold DIR] [-v]

A gold fact is matched by a predicted fact of equal value (abs 1e-6 or rel 1e-9) whose span overlaps an
occurrence of the gold quote in the normalized text, one-to-one and nearest first. When the quote cannot
be found after normalization, an unused predicted fact of equal value anywhere in the document matches
(counted and shown separately, as "by value"). Prints per-document and overall precision/recall, the
misses and the false positives, and the extraction time.

Runs without the rest of the pipeline: if `pipeline.normalize` / `pipeline.segment` do not exist yet, the
text is NFC-normalized and stripped of markdown bold and LaTeX math (`$`, `\\`) only.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import time
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from extractors.figures import extract_figures, grammar
from pipeline.model import Fact, NormText, Section

SHARED = Path(__file__).resolve().parents[2] / "shared"


def _cleanup(s: str) -> str:
    return unicodedata.normalize("NFC", s).replace("**", "").replace("$", "").replace("\\", "")


def load_norm(path: Path) -> tuple[NormText, list[Section]]:
    """The document as the pipeline would see it, or a close stand-in while the stages are missing."""
    try:
        from pipeline.loaders import load
        from pipeline.normalize import normalize
    except ImportError:
        norm = NormText(text=_cleanup(path.read_text(encoding="utf-8")))
    else:
        norm = normalize(load(path))
    try:
        from pipeline.segment import segment
    except ImportError:
        return norm, []
    return norm, list(segment(norm))


def norm_fragment(s: str) -> str:
    try:
        from pipeline.normalize import normalize_fragment
    except ImportError:
        return _cleanup(s)
    return normalize_fragment(s)


def _close(a: float, b: float) -> bool:
    return math.isclose(float(a), float(b), rel_tol=1e-9, abs_tol=1e-6)


def _occurrences(text: str, quote: str) -> list[tuple[int, int]]:
    q = norm_fragment(quote)
    out, start = [], text.find(q) if q else -1
    while start != -1:
        out.append((start, start + len(q)))
        start = text.find(q, start + 1)
    return out


@dataclass
class DocResult:
    name: str
    tp: int = 0
    by_value: int = 0
    fp: int = 0
    fn: int = 0
    seconds: float = 0.0
    misses: list[str] = field(default_factory=list)
    extras: list[str] = field(default_factory=list)

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0


def score(name: str, text: str, gold: list[dict], facts: list[Fact]) -> DocResult:
    r = DocResult(name)
    used: set[int] = set()
    for gf in gold:
        spans = _occurrences(text, gf["quote"])
        cands = [i for i, f in enumerate(facts) if i not in used and _close(f.value, gf["value"])]
        if spans:
            hit = [i for i in cands
                   if any(facts[i].char_start < e and s < facts[i].char_end for s, e in spans)]
            hit.sort(key=lambda i: min(abs(facts[i].char_start - s) for s, _ in spans))
        else:
            hit = cands
        if hit:
            used.add(hit[0])
            r.tp += 1
            r.by_value += not spans
        else:
            r.fn += 1
            where = "quote not found" if not spans else "not extracted"
            r.misses.append(f"miss ({where}): {gf['value']:g} in {gf['quote'][:90]!r}")
    for i, f in enumerate(facts):
        if i not in used:
            r.fp += 1
            ctx = text[max(0, f.char_start - 30):f.char_end + 10].replace("\n", " ")
            r.extras.append(f"extra {f.extractor:22} {f.value:g} {f.unit!r}: ...{ctx}...")
    return r


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--seeds", type=Path, default=SHARED / "seeds")
    ap.add_argument("--gold", type=Path, default=SHARED / "gold")
    ap.add_argument("-v", "--verbose", action="store_true", help="list misses and false positives")
    args = ap.parse_args(argv)

    t0 = time.perf_counter()
    grammar()  # compiled once per process; timed apart from extraction
    compile_seconds = time.perf_counter() - t0
    results = []
    for seed in sorted(args.seeds.glob("*.txt")):
        gold_file = args.gold / (seed.stem + ".json")
        if not gold_file.exists():
            continue
        gold = json.loads(gold_file.read_text(encoding="utf-8"))
        norm, sections = load_norm(seed)
        t0 = time.perf_counter()
        facts = extract_figures(norm, sections, seed.stem)
        seconds = time.perf_counter() - t0
        r = score(seed.name, norm.text, gold.get("facts", []), facts)
        r.seconds = seconds
        results.append(r)

    total = DocResult("all")
    print(f"{'document':34} {'P':>6} {'R':>6} {'tp':>5} {'fp':>4} {'fn':>4} {'byval':>5} {'sec':>6}")
    for r in [*results, total]:
        if r is not total:
            for k in ("tp", "by_value", "fp", "fn", "seconds"):
                setattr(total, k, getattr(total, k) + getattr(r, k))
        print(f"{r.name[:34]:34} {r.precision:6.3f} {r.recall:6.3f} {r.tp:5d} {r.fp:4d} {r.fn:4d} "
              f"{r.by_value:5d} {r.seconds:6.3f}")
    print(f"(unit grammar compiled once in {compile_seconds:.3f} s, not included above)")
    if args.verbose:
        for r in results:
            print(f"--- {r.name}")
            for line in r.misses + r.extras:
                print("  " + line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
