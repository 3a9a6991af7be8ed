"""Score extractors.metadata against the gold metadata of the seed reports.

Usage: .venv/bin/python scripts/eval_metadata.py [--seeds DIR] [--gold DIR] [-v]

Runs the pipeline's own normalize and segment stages when they exist (NFC only otherwise), then
prints per-field accuracy three ways: exact (gold string as written), tone (case, spacing and tone-mark
placement ignored, as `baocao eval` compares: the normalizer writes "Hòa" where gold has "Hoà") and
folded (every diacritic ignored: shows whether a miss is only a spelling).
"""

from __future__ import annotations

import argparse
import json
import sys
import unicodedata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from extractors.gazetteer import strip_marks  # noqa: E402
from extractors.metadata import extract_metadata  # noqa: E402
from pipeline.model import DocMeta, Loaded, NormText, Page, Section  # noqa: E402

FIELDS = ("doc_number", "doc_type", "title", "issuer", "province", "place", "issued_date", "signer")


def prepare(raw: str, path: str) -> tuple[NormText, tuple[Section, ...]]:
    """The pipeline's normalize and segment stages when they exist; NFC and no sections otherwise."""
    try:
        from pipeline.normalize import normalize
    except ImportError:
        return NormText(text=unicodedata.normalize("NFC", raw)), ()
    nt = normalize(Loaded(path=path, sha256="0" * 64, source_kind="text", pages=(Page(1, raw),)))
    try:
        from pipeline.segment import segment
    except ImportError:
        return nt, ()
    return nt, tuple(segment(nt))


def _fold_tone(s: str) -> str:
    try:
        from pipeline.normalize import fold_tone
    except ImportError:
        return s
    return fold_tone(s)


def predicted(meta: DocMeta, name: str) -> str | None:
    return meta.issued_date_text if name == "issued_date" else getattr(meta, name)


def tone_folded(v: str | None) -> str | None:
    return None if v is None else " ".join(_fold_tone(unicodedata.normalize("NFC", v)).casefold().split())


def folded(v: str | None) -> str | None:
    return None if v is None else strip_marks(v)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seeds", type=Path, default=ROOT.parent / "shared" / "seeds")
    ap.add_argument("--gold", type=Path, default=ROOT.parent / "shared" / "gold")
    ap.add_argument("-v", "--verbose", action="store_true", help="print every value, not only misses")
    args = ap.parse_args(argv)

    exact = dict.fromkeys(FIELDS, 0)
    tone = dict.fromkeys(FIELDS, 0)
    loose = dict.fromkeys(FIELDS, 0)
    n_docs = 0
    for gold_path in sorted(args.gold.glob("*.json")):
        gold = json.loads(gold_path.read_text("utf-8"))
        txt = args.seeds / gold.get("doc", gold_path.stem + ".txt")
        if not txt.exists():
            continue
        n_docs += 1
        meta = extract_metadata(*prepare(txt.read_text("utf-8"), str(txt)))
        for f in FIELDS:
            want, got = gold["metadata"].get(f), predicted(meta, f)
            ok = want == got
            ok_tone = tone_folded(want) == tone_folded(got)
            ok_loose = folded(want) == folded(got)
            exact[f] += ok
            tone[f] += ok_tone
            loose[f] += ok_loose
            if args.verbose or not ok:
                mark = "ok  " if ok else ("tone" if ok_tone else ("~   " if ok_loose else "MISS"))
                print(f"{mark} {txt.name[:3]} {f:12} gold={want!r} got={got!r}")
    if n_docs == 0:
        print("no seed documents found", file=sys.stderr)
        return 2
    print(f"\n{'field':12} {'exact':>7} {'tone':>7} {'folded':>7}   ({n_docs} documents)")
    for f in FIELDS:
        print(f"{f:12} {exact[f]:>3}/{n_docs:<3} {tone[f]:>3}/{n_docs:<3} {loose[f]:>3}/{n_docs:<3}")
    n = n_docs * len(FIELDS)
    tots = [sum(exact.values()), sum(tone.values()), sum(loose.values())]
    print(f"{'all':12} " + " ".join(f"{t:>3}/{n:<3}" for t in tots) + "  = "
          + " / ".join(f"{100 * t / n:.1f} %" for t in tots))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
