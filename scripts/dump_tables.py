"""Dump every table of a baocao database as sorted, timestamp-free JSON lines, for before/after diffs.

A refactor proves itself by giving the same rows: run this on the database of each evaluation set
before and after the change and `diff -r` the two folders. Columns that record when or how long
(`ingested_at`, `at`, `seconds`, `applied_at`) and the stored absolute path prefix are left out, so two runs of the
same code on the same files give byte-identical dumps.

    python scripts/dump_tables.py build/eval-corpus.duckdb --out /tmp/dump/corpus
"""

from __future__ import annotations

import argparse
import json
import math
from pathlib import Path

import duckdb

VOLATILE = {"ingested_at", "at", "seconds", "applied_at"}


def _plain(value: object) -> object:
    if isinstance(value, float) and not math.isfinite(value):
        return repr(value)
    if isinstance(value, float):
        return round(value, 9)
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if value is None or isinstance(value, bool | int | str):
        return value
    return str(value)


def dump(db: Path, out: Path) -> dict[str, int]:
    con = duckdb.connect(str(db), read_only=True)
    out.mkdir(parents=True, exist_ok=True)
    counts: dict[str, int] = {}
    tables = [r[0] for r in con.execute(
        "SELECT table_name FROM information_schema.tables WHERE table_type = 'BASE TABLE' ORDER BY 1").fetchall()]
    for table in tables:
        cols = [r[0] for r in con.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_name = ? ORDER BY ordinal_position",
            [table]).fetchall()]
        keep = [c for c in cols if c not in VOLATILE]
        rows = con.execute(f'SELECT {", ".join(chr(34) + c + chr(34) for c in keep)} FROM "{table}"').fetchall()
        lines = []
        for row in rows:
            rec = {c: _plain(v) for c, v in zip(keep, row, strict=True)}
            if isinstance(rec.get("path"), str) and table in {"documents", "ingest_errors"}:
                rec["path"] = Path(rec["path"]).name  # the folder the set was ingested from is not a result
            lines.append(json.dumps(rec, ensure_ascii=False, sort_keys=True))
        lines.sort()
        (out / f"{table}.jsonl").write_text("".join(line + "\n" for line in lines), encoding="utf-8")
        counts[table] = len(lines)
    con.close()
    return counts


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("db", type=Path)
    ap.add_argument("--out", type=Path, required=True)
    args = ap.parse_args()
    counts = dump(args.db, args.out)
    print(" ".join(f"{t}={n}" for t, n in counts.items()))


if __name__ == "__main__":
    main()
