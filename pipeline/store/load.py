"""What the pipeline reads back of its own rows: whether a content is stored, and a stored document as
the checker needs it (`baocao check`). It sits with the writer, not in `pipeline.read`, because it is
the writer's inverse and shares its column lists; `pipeline.read` answers an auditor's questions."""

from __future__ import annotations

import duckdb

from pipeline.model import Fact, FootnoteRef, NormText, Section
from pipeline.store.rows import FACT_COLUMNS, SECTION_COLUMNS, ocr_mark


def known_version(con: duckdb.DuckDBPyConnection, doc_id: str) -> str | None:
    """Path under which this exact content is stored, or None."""
    row = con.execute("SELECT path FROM documents WHERE doc_id = ?", [doc_id]).fetchone()
    return row[0] if row else None


def read_document(con: duckdb.DuckDBPyConnection, doc_id: str) -> tuple[NormText, list[Section], list[Fact]]:
    """What the checker needs of a stored document: its text, sections and facts."""
    text, = con.execute("SELECT text FROM documents WHERE doc_id = ?", [doc_id]).fetchone()
    page_starts = tuple(
        r[0] for r in con.execute(
            "SELECT char_start FROM pages WHERE doc_id = ? ORDER BY page", [doc_id]
        ).fetchall()
    ) or (0,)
    sections = [
        Section(**dict(zip(SECTION_COLUMNS, r, strict=True)))
        for r in con.execute(
            f"SELECT {', '.join(SECTION_COLUMNS)} FROM sections WHERE doc_id = ? ORDER BY char_start, level",
            [doc_id],
        ).fetchall()
    ]
    facts = [
        Fact(**dict(zip(FACT_COLUMNS, r, strict=True)))
        for r in con.execute(
            # the checks work on the catalog's key, of which facts.metric keeps only the vocabulary's
            f"SELECT {', '.join('coalesce(metric_key, metric)' if c == 'metric' else c for c in FACT_COLUMNS)} "
            "FROM facts WHERE doc_id = ? ORDER BY char_start", [doc_id]
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
        ocr_marks=tuple(ocr_mark(k, s, e, lbl) for k, s, e, lbl in marks if k in ("ocr_repair", "ocr_doubt")),
    )
    return norm, sections, facts
