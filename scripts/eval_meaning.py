"""Score the meaning of facts (metric, subject, period) against gold, and time the stages that add it.

    .venv/bin/python scripts/eval_meaning.py [--seeds DIR] [--gold DIR] [--corpus DIR] [-v] [--only NAME]

Runs load -> normalize -> segment -> figures -> metadata -> entities -> annotate over the seed reports
(gold in --gold) and over corpus/*.txt|*.md (gold JSON beside each file). A gold fact is matched to a
predicted fact as `baocao eval` does (pipeline/evaluate.py): equal value and a span overlapping an
occurrence of the gold quote, one-to-one. Then, on matched facts: metric accuracy where gold has a
metric, subject accuracy where gold has a subject (case- and tone-insensitive), period accuracy where
gold has a period (exact). With -v every miss is listed with its quote.

Timing: the time of extract_entities + annotate_facts per document, the one-off construction of the
spaCy pipeline (including the spaCy import) and catalog load, printed separately.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from pipeline.evaluate import _close, _fold, _occurrences
from pipeline.loaders import load
from pipeline.model import Fact

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"


@dataclass
class Score:
    name: str
    facts_tp: int = 0
    facts_fp: int = 0
    facts_fn: int = 0
    metric: list[int] = field(default_factory=lambda: [0, 0])
    subject: list[int] = field(default_factory=lambda: [0, 0])
    period: list[int] = field(default_factory=lambda: [0, 0])
    seconds: float = 0.0
    misses: list[str] = field(default_factory=list)

    def add(self, o: Score) -> None:
        self.facts_tp += o.facts_tp
        self.facts_fp += o.facts_fp
        self.facts_fn += o.facts_fn
        for k in ("metric", "subject", "period"):
            a, b = getattr(self, k), getattr(o, k)
            a[0] += b[0]
            a[1] += b[1]
        self.seconds += o.seconds

    @staticmethod
    def acc(x: list[int]) -> str:
        return f"{x[0] / x[1]:.3f} ({x[0]}/{x[1]})" if x[1] else "   -   "


def _import_stages():
    """The real stage modules; they are written concurrently, so wait for them (up to ~15 min)."""
    for attempt in range(16):
        try:
            from extractors.annotate import annotate_facts
            from extractors.entities import build_nlp, extract_entities
            from extractors.figures import extract_figures
            from extractors.metadata import extract_metadata
            from pipeline.normalize import normalize
            from pipeline.segment import segment
            return normalize, segment, extract_figures, extract_metadata, build_nlp, extract_entities, annotate_facts
        except ImportError as e:
            if attempt == 15:
                raise
            print(f"waiting for a stage module ({e}); retrying in 60 s", file=sys.stderr)
            time.sleep(60)
    raise RuntimeError("unreachable")


def score_doc(path: Path, gold: dict, stages, verbose: bool) -> Score:
    normalize, segment, extract_figures, extract_metadata, _, extract_entities, annotate_facts = stages
    loaded = load(path)
    norm = normalize(loaded)
    sections = list(segment(norm))
    facts = extract_figures(norm, sections, loaded.doc_id)
    meta = extract_metadata(norm, sections)
    t0 = time.perf_counter()
    entities = extract_entities(norm, sections)
    facts = annotate_facts(norm, sections, facts, meta, entities)
    seconds = time.perf_counter() - t0
    s = Score(path.name, seconds=seconds)
    text = norm.text
    used: set[int] = set()
    for g in gold.get("facts", []):
        spans = _occurrences(text, g["quote"])
        best = None
        for i, f in enumerate(facts):
            if i in used or not _close(f.value, g["value"]):
                continue
            if any(f.char_start < e and st < f.char_end for st, e in spans):
                best = i
                break
        if best is None:
            s.facts_fn += 1
            continue
        used.add(best)
        s.facts_tp += 1
        f: Fact = facts[best]
        q = g["quote"][:70].replace("\n", " ")
        if g.get("metric"):
            ok = f.metric == g["metric"]
            s.metric[0] += ok
            s.metric[1] += 1
            if not ok:
                s.misses.append(f"metric  gold={g['metric']!s:24} ours={f.metric!s:24} {g['value']:g} {q!r}")
        if g.get("subject"):
            ok = _fold(f.subject) == _fold(g["subject"])
            s.subject[0] += ok
            s.subject[1] += 1
            if not ok:
                s.misses.append(f"subject gold={g['subject']!s:24} ours={f.subject!s:24} {g['value']:g} {q!r}")
        if g.get("period"):
            ok = (f.period or "") == g["period"]
            s.period[0] += ok
            s.period[1] += 1
            if not ok:
                s.misses.append(f"period  gold={g['period']!s:24} ours={f.period!s:24} {g['value']:g} {q!r}")
    s.facts_fp = len(facts) - len(used)
    return s


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--seeds", type=Path, default=SHARED / "seeds")
    ap.add_argument("--gold", type=Path, default=SHARED / "gold")
    ap.add_argument("--corpus", type=Path, default=ROOT / "corpus")
    ap.add_argument("--only", default="", help="score only documents whose name contains this")
    ap.add_argument("-v", "--verbose", action="store_true", help="list every metric/subject/period miss")
    args = ap.parse_args(argv)

    stages = _import_stages()
    t0 = time.perf_counter()
    stages[4]()  # build the spaCy pipeline (spaCy import included)
    from extractors.catalog import load_catalog

    load_catalog()
    setup = time.perf_counter() - t0

    sets: list[tuple[str, list[tuple[Path, dict]]]] = []
    seeds = [(p, json.loads((args.gold / f"{p.stem}.json").read_text(encoding="utf-8")))
             for p in sorted(args.seeds.glob("*.txt")) if (args.gold / f"{p.stem}.json").exists()]
    corpus = []
    for p in sorted([*args.corpus.glob("*.txt"), *args.corpus.glob("*.md")]):
        gj = p.with_suffix(".json")
        if gj.exists():
            corpus.append((p, json.loads(gj.read_text(encoding="utf-8"))))
    sets = [("seeds", seeds), ("corpus", corpus)]

    print(f"setup (spaCy import + pipeline + catalog): {setup:.3f} s")
    header = f"{'document':40} {'facts P/R':>11} {'metric':>16} {'subject':>16} {'period':>16} {'sec':>6}"
    for set_name, docs in sets:
        print(f"== {set_name}")
        print(header)
        total = Score("all " + set_name)
        for path, gold in docs:
            if args.only and args.only not in path.name:
                continue
            s = score_doc(path, gold, stages, args.verbose)
            total.add(s)
            print(_row(s))
            if args.verbose:
                for m in s.misses:
                    print("    " + m)
        print(_row(total))
    return 0


def _row(s: Score) -> str:
    p = s.facts_tp / (s.facts_tp + s.facts_fp) if s.facts_tp + s.facts_fp else 1.0
    r = s.facts_tp / (s.facts_tp + s.facts_fn) if s.facts_tp + s.facts_fn else 1.0
    return (f"{s.name[:40]:40} {p:5.2f}/{r:<5.2f} {Score.acc(s.metric):>16} {Score.acc(s.subject):>16} "
            f"{Score.acc(s.period):>16} {s.seconds:6.3f}")


if __name__ == "__main__":
    sys.exit(main())
