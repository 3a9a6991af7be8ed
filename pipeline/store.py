"""DuckDB storage: the only module that writes the database.

One process writes (DuckDB has one writer); workers hand back `DocResult`s. Each document is written
in one transaction: the rows of its old version (same path, other content) are deleted, then each
table gets one set-based INSERT. Rows are bound as a single list-of-structs parameter and unnested by
DuckDB: row-by-row `executemany` is ~100x slower, and an Arrow table costs a pandas import (~0.3 s)
on first use, which dominates a short run; per-document batches are small enough (~70k rows/s) that
the struct path is the fastest end to end.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import asdict
from datetime import datetime
from pathlib import Path

import duckdb

from pipeline.errors import StoreError
from pipeline.model import Check, DocResult, Fact, FootnoteRef, NormText, OcrMark, Section

SCHEMA_DIR = Path(__file__).resolve().parent.parent / "schemas"
DDL_PATH = SCHEMA_DIR / "ddl.sql"

# Tables holding rows of one document version; `reviews` and `ingest_errors` are never replaced.
DOC_TABLES = ("documents", "pages", "text_marks", "sections", "facts", "checks", "entities")

_FACT_COLUMNS = (
    "fact_id", "section_id", "metric", "value", "unit", "kind", "numerator", "denominator", "subject", "period",
    "quote", "char_start", "char_end", "page", "extractor", "confidence", "decimals", "qualifier", "status",
)
_CHECK_COLUMNS = (
    "check_id", "rule", "status", "stated", "expected", "tolerance", "operands", "message_vi", "message_en", "quote",
    "char_start", "char_end", "page", "fact_ids", "reason", "section_id", "severity",
)
_SECTION_COLUMNS = (
    "section_id", "parent_id", "level", "label", "heading", "path", "char_start", "char_end", "page", "kind",
    "repaired_from",
)


def connect(db_path: str | Path, *, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """Open (creating if missing) a baocao database with the schema applied."""
    try:
        con = duckdb.connect(str(db_path), read_only=read_only)
    except duckdb.Error as e:
        raise StoreError(f"cannot open database: {e}", path=str(db_path)) from e
    if not read_only:
        con.execute(DDL_PATH.read_text(encoding="utf-8"))
    return con


def known_version(con: duckdb.DuckDBPyConnection, doc_id: str) -> str | None:
    """Path under which this exact content is stored, or None."""
    row = con.execute("SELECT path FROM documents WHERE doc_id = ?", [doc_id]).fetchone()
    return row[0] if row else None


def _insert(con: duckdb.DuckDBPyConnection, table: str, rows: list[dict]) -> None:
    if rows:
        con.execute(f"INSERT INTO {table} BY NAME SELECT unnest($rows, recursive := true)", {"rows": rows})


def fact_rows(doc_id: str, facts: Iterable[Fact]) -> list[dict]:
    return [{"doc_id": doc_id, **{c: getattr(f, c) for c in _FACT_COLUMNS}} for f in facts]


def check_rows(doc_id: str, checks: Iterable[Check]) -> list[dict]:
    rows = []
    for c in checks:
        row = {"doc_id": doc_id, **{k: getattr(c, k) for k in _CHECK_COLUMNS}}
        row["operands"] = [float(x) for x in c.operands]
        row["fact_ids"] = list(c.fact_ids)
        rows.append(row)
    return rows


def _delete_doc(con: duckdb.DuckDBPyConnection, doc_id: str) -> None:
    for table in DOC_TABLES:
        con.execute(f"DELETE FROM {table} WHERE doc_id = ?", [doc_id])


def write_document(con: duckdb.DuckDBPyConnection, result: DocResult) -> None:
    """Store one document in a single transaction, replacing an older version of the same path."""
    loaded, doc_id, meta = result.loaded, result.doc_id, result.meta
    doc_row = {
        "doc_id": doc_id,
        "path": loaded.path,
        "sha256": loaded.sha256,
        "source_kind": loaded.source_kind,
        **asdict(meta),
        "n_pages": len(loaded.pages),
        "text": result.norm.text,
        "ingested_at": datetime.now(),
    }
    starts = list(result.norm.page_starts)
    page_rows = []
    for i, p in enumerate(loaded.pages):
        s = starts[i] if i < len(starts) else len(result.norm.text)
        e = starts[i + 1] if i + 1 < len(starts) else len(result.norm.text)
        page_rows.append({
            "doc_id": doc_id, "page": p.number, "source": p.source, "chars": e - s,
            "ocr_confidence": p.ocr_confidence, "seconds": p.seconds, "status": p.status,
            "char_start": s, "char_end": e,
        })
    section_rows = [{"doc_id": doc_id, **{c: getattr(s, c) for c in _SECTION_COLUMNS}} for s in result.sections]
    entity_rows = [{"doc_id": doc_id, **asdict(e)} for e in result.entities]
    mark_rows = text_mark_rows(doc_id, result.norm)
    try:
        con.execute("BEGIN TRANSACTION")
        # The old version of this path, and any rows of this version, go first (usually none: skip
        # the deletes then, each is a scan of every table).
        stale = con.execute(
            "SELECT doc_id FROM documents WHERE path = ? OR doc_id = ?", [loaded.path, doc_id]
        ).fetchall()
        for (old_id,) in stale:
            _delete_doc(con, old_id)
        _insert(con, "documents", [doc_row])
        _insert(con, "pages", page_rows)
        _insert(con, "text_marks", mark_rows)
        _insert(con, "sections", section_rows)
        _insert(con, "facts", fact_rows(doc_id, result.facts))
        _insert(con, "checks", check_rows(doc_id, result.checks))
        _insert(con, "entities", entity_rows)
        con.execute("COMMIT")
    except Exception as e:
        con.execute("ROLLBACK")
        raise StoreError(f"could not store document: {e}", path=loaded.path) from e


def text_mark_rows(doc_id: str, norm: NormText) -> list[dict]:
    rows = [{"doc_id": doc_id, "kind": "footnote", "char_start": f.char_start, "char_end": f.char_end,
             "label": f.number} for f in norm.footnotes]
    rows += [{"doc_id": doc_id, "kind": "aside", "char_start": s, "char_end": e, "label": None}
             for s, e in norm.asides]
    rows += [{"doc_id": doc_id, "kind": "bold_line", "char_start": s, "char_end": e, "label": None}
             for s, e in norm.bold_lines]
    rows += [{"doc_id": doc_id, "kind": "ocr_repair" if m.rule else "ocr_doubt", "char_start": m.char_start,
              "char_end": m.char_end, "label": _ocr_mark_label(m)} for m in norm.ocr_marks]
    return rows


def _ocr_mark_label(m: OcrMark) -> str:
    """`letter_digit: S12 (0.41)` for a repair, `0.32` for a token the recognizer was unsure of."""
    return f"{m.rule}: {m.original} ({m.confidence:.2f})" if m.rule else f"{m.confidence:.2f}"


def _ocr_mark(kind: str, s: int, e: int, label: str) -> OcrMark:
    rule, _, rest = label.partition(": ") if kind == "ocr_repair" else ("", "", label)
    original, _, conf = rest.rpartition(" (") if kind == "ocr_repair" else ("", "", rest)
    try:
        confidence = float(conf.rstrip(")"))
    except ValueError:
        confidence = 0.0
    return OcrMark(s, e, confidence, original or None, rule or None)


def record_error(
    con: duckdb.DuckDBPyConnection, path: str, sha256: str | None, stage: str, error: str
) -> None:
    con.execute(
        "INSERT INTO ingest_errors VALUES (?, ?, ?, ?, ?)", [path, sha256, stage, error, datetime.now()]
    )


def replace_checks(con: duckdb.DuckDBPyConnection, doc_id: str, checks: Sequence[Check]) -> None:
    """Swap a document's checks for a fresh run (`baocao check`); reviews stay, keyed by check_id."""
    con.execute("BEGIN TRANSACTION")
    try:
        con.execute("DELETE FROM checks WHERE doc_id = ?", [doc_id])
        _insert(con, "checks", check_rows(doc_id, checks))
        con.execute("COMMIT")
    except Exception as e:
        con.execute("ROLLBACK")
        raise StoreError(f"could not store checks of {doc_id}: {e}") from e


def read_document(con: duckdb.DuckDBPyConnection, doc_id: str) -> tuple[NormText, list[Section], list[Fact]]:
    """What the checker needs of a stored document: its text, sections and facts."""
    text, = con.execute("SELECT text FROM documents WHERE doc_id = ?", [doc_id]).fetchone()
    page_starts = tuple(
        r[0] for r in con.execute(
            "SELECT char_start FROM pages WHERE doc_id = ? ORDER BY page", [doc_id]
        ).fetchall()
    ) or (0,)
    sections = [
        Section(**dict(zip(_SECTION_COLUMNS, r, strict=True)))
        for r in con.execute(
            f"SELECT {', '.join(_SECTION_COLUMNS)} FROM sections WHERE doc_id = ? ORDER BY char_start, level",
            [doc_id],
        ).fetchall()
    ]
    facts = [
        Fact(**dict(zip(_FACT_COLUMNS, r, strict=True)))
        for r in con.execute(
            f"SELECT {', '.join(_FACT_COLUMNS)} FROM facts WHERE doc_id = ? ORDER BY char_start", [doc_id]
        ).fetchall()
    ]
    marks = con.execute(
        "SELECT kind, char_start, char_end, label FROM text_marks WHERE doc_id = ? ORDER BY char_start",
        [doc_id],
    ).fetchall()
    norm = NormText(
        text=text,
        page_starts=page_starts,
        footnotes=tuple(FootnoteRef(s, e, lbl) for k, s, e, lbl in marks if k == "footnote"),
        asides=tuple((s, e) for k, s, e, _ in marks if k == "aside"),
        bold_lines=tuple((s, e) for k, s, e, _ in marks if k == "bold_line"),
        ocr_pages=tuple(
            r[0] for r in con.execute(
                "SELECT page FROM pages WHERE doc_id = ? AND source = 'ocr' ORDER BY page", [doc_id]
            ).fetchall()
        ),
        ocr_marks=tuple(_ocr_mark(k, s, e, lbl) for k, s, e, lbl in marks if k in ("ocr_repair", "ocr_doubt")),
    )
    return norm, sections, facts
