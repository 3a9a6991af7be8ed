"""Score pipeline.segment against the gold headings of the seed reports.

Prints, per document and overall, precision and recall of label multisets and of (label, level)
pairs, the share of matched headings whose text agrees, the time spent segmenting, and an
aligned list of mismatches to read.

    .venv/bin/python scripts/eval_headings.py [--seeds DIR] [--gold DIR] [-q] [--raw]
"""

from __future__ import annotations

import argparse
import difflib
import json
import sys
import time
import unicodedata
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from pipeline.model import NormText
from pipeline.segment import load_heading_rules, segment

SHARED = Path(__file__).resolve().parent.parent.parent / "shared"


def to_norm(path: Path, raw_only: bool = False) -> NormText:
    """Normalize with pipeline.normalize when it exists (and raw_only is off), else NFC only."""
    raw = path.read_text(encoding="utf-8")
    if raw_only:
        return NormText(text=unicodedata.normalize("NFC", raw))
    try:
        from pipeline.model import Loaded, Page
        from pipeline.normalize import normalize

        loaded = Loaded(path=str(path), sha256="0" * 64, source_kind="text", pages=(Page(1, raw),))
        return normalize(loaded)
    except ImportError:
        return NormText(text=unicodedata.normalize("NFC", raw))


def overlap(a: Counter, b: Counter) -> int:
    return sum((a & b).values())


def squash(s: str) -> str:
    return " ".join(unicodedata.normalize("NFC", s).split()).strip(" .:;").casefold()


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--seeds", type=Path, default=SHARED / "seeds")
    ap.add_argument("--gold", type=Path, default=SHARED / "gold")
    ap.add_argument("-q", "--quiet", action="store_true", help="totals only")
    ap.add_argument("--raw", action="store_true", help="skip pipeline.normalize: NFC text only")
    args = ap.parse_args()

    rules = load_heading_rules()
    tot = Counter()
    elapsed = 0.0
    for gold_path in sorted(args.gold.glob("*.json")):
        gold = json.loads(gold_path.read_text(encoding="utf-8"))
        doc = args.seeds / gold["doc"]
        if not doc.exists():
            continue
        t = to_norm(doc, args.raw)
        t0 = time.perf_counter()
        secs = segment(t, rules)
        elapsed += time.perf_counter() - t0
        g = [(h["label"], h["level"], h["text"]) for h in gold["headings"]]
        p = [(s.label, s.level, s.heading) for s in secs]
        gl, pl = Counter(x[0] for x in g), Counter(x[0] for x in p)
        gll, pll = Counter(x[:2] for x in g), Counter(x[:2] for x in p)
        ml, mll = overlap(gl, pl), overlap(gll, pll)
        sm = difflib.SequenceMatcher(a=[x[0] for x in g], b=[x[0] for x in p], autojunk=False)
        text_ok = text_n = 0
        diffs: list[str] = []
        for op, a1, a2, b1, b2 in sm.get_opcodes():
            if op == "equal":
                for gi, pi in zip(range(a1, a2), range(b1, b2), strict=True):
                    text_n += 1
                    if squash(g[gi][2]) == squash(p[pi][2]):
                        text_ok += 1
                    else:
                        diffs.append(f"    text  {g[gi][0]!r}: gold={g[gi][2][:70]!r} got={p[pi][2][:70]!r}")
                    if g[gi][1] != p[pi][1]:
                        diffs.append(f"    level {g[gi][0]!r}: gold={g[gi][1]} got={p[pi][1]}")
                continue
            for gi in range(a1, a2):
                diffs.append(f"    miss  {g[gi][0]!r} L{g[gi][1]} {g[gi][2][:70]!r}")
            for pi in range(b1, b2):
                diffs.append(f"    extra {p[pi][0]!r} L{p[pi][1]} {p[pi][2][:70]!r}")
        tot.update(g=len(g), p=len(p), ml=ml, mll=mll, text_ok=text_ok, text_n=text_n)
        if not args.quiet:
            print(
                f"{gold['doc'][:20]}: gold {len(g)} got {len(p)} | label P {ml / max(1, len(p)):.3f} "
                f"R {ml / max(1, len(g)):.3f} | label+level P {mll / max(1, len(p)):.3f} "
                f"R {mll / max(1, len(g)):.3f} | text {text_ok}/{text_n}"
            )
            print("\n".join(diffs))
    print(
        f"TOTAL gold {tot['g']} got {tot['p']} | label P {tot['ml'] / max(1, tot['p']):.3f} "
        f"R {tot['ml'] / max(1, tot['g']):.3f} | label+level P {tot['mll'] / max(1, tot['p']):.3f} "
        f"R {tot['mll'] / max(1, tot['g']):.3f} | text {tot['text_ok']}/{tot['text_n']} "
        f"| segment {elapsed * 1000:.1f} ms"
    )


if __name__ == "__main__":
    main()
