"""Score every evaluation set in one table: corpus/, the seeds, and each shared dev set present.

Each set is ingested afresh into `build/eval-<set>.duckdb` with the installed `baocao`, scored with
`baocao eval --json` against its gold, and summarised on one line, so one run answers "did this change
help real text without hurting our own?". Sets whose folders are absent (a user's clone has no
../shared) are listed as skipped.

    python scripts/score_sets.py [--shared ../shared] [--only real1,real2] [--renders build/renders]

Per-document misses: `baocao eval --db build/eval-<set>.duckdb --gold <gold> -v`.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
from pathlib import Path

COLUMNS = ("fact P/R", "metric", "subject", "period", "meta", "relations R", "mismatch R/P", "head P/R")


def _sets(shared: Path, renders: Path | None) -> list[tuple[str, Path, Path]]:
    out = [("corpus", Path("corpus"), Path("corpus"))]
    if renders is not None:  # PDF, DOCX and scans of corpus/, scored against corpus/'s own gold
        out.append(("renders", renders, Path("corpus")))
    out.append(("seeds", shared / "seeds", shared / "gold"))
    for dev in sorted((shared / "dev").glob("*/docs")):
        out.append((dev.parent.name, dev, dev.parent / "gold"))
    return out


def _row(scores: dict) -> list[str]:
    a = scores["all"]

    def pr(k: str) -> str:
        return f"{a[k]['precision']:.2f}/{a[k]['recall']:.2f}"

    return [
        pr("facts"),
        f"{a['metric']['accuracy']:.2f}",
        f"{a['subject']['accuracy']:.2f}",
        f"{a['period']['accuracy']:.2f}",
        f"{a['metadata']['accuracy']:.2f}",
        f"{a['relations']['recall']:.2f}",
        f"{a['mismatches']['recall']:.2f}/{a['mismatches']['precision']:.2f}",
        pr("headings"),
    ]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--shared", type=Path, default=Path("../shared"))
    ap.add_argument("--only", default="", help="comma-separated set names")
    ap.add_argument("--build", type=Path, default=Path("build"))
    ap.add_argument("--renders", type=Path, default=None, help="folder of `baocao render corpus/` output")
    args = ap.parse_args()
    baocao = shutil.which("baocao") or str(Path(sys.executable).with_name("baocao"))
    only = {s for s in args.only.split(",") if s}
    args.build.mkdir(parents=True, exist_ok=True)
    lines = [("set", *COLUMNS)]
    fields = [("metadata", *META_FIELDS)]  # a second table: metadata accuracy per field
    for name, docs, gold in _sets(args.shared, args.renders):
        if only and name not in only:
            continue
        if not docs.is_dir() or not gold.is_dir():
            lines.append((name, "skipped: " + str(docs) + " not present", *[""] * (len(COLUMNS) - 1)))
            continue
        db = args.build / f"eval-{name}.duckdb"
        db.unlink(missing_ok=True)
        subprocess.run([baocao, "ingest", str(docs), "--db", str(db), "--quiet"], check=False,
                       stdout=subprocess.DEVNULL)
        res = subprocess.run([baocao, "eval", "--db", str(db), "--gold", str(gold), "--json"],
                             check=True, capture_output=True, text=True)
        scores = json.loads(res.stdout)
        lines.append((name, *_row(scores)))
        fields.append((name, *_field_row(scores)))
    for table in (lines, fields if len(fields) > 1 else []):
        widths = [max(len(r[i]) for r in table) for i in range(len(table[0]))] if table else []
        for r in table:
            print("  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip())
    return 0


META_FIELDS = ("doc_number", "doc_type", "issuer", "province", "place", "issued_date", "signer", "title")


def _field_row(scores: dict) -> list[str]:
    """Metadata accuracy per field (issue 18), from `baocao eval --json`'s all.metadata_fields."""
    got = scores["all"].get("metadata_fields", {})
    return [f"{got[f]['accuracy']:.2f}" if f in got else "-" for f in META_FIELDS]


if __name__ == "__main__":
    sys.exit(main())
