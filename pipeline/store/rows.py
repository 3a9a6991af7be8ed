"""Rows of the document tables from the pipeline's dataclasses, and back: the column lists live here once,
so the writer and `load.read_document` cannot drift apart. Pure functions, no database."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict
from datetime import datetime

from extractors.catalog import load_catalog
from pipeline.model import Check, DocResult, Fact, NormText, OcrMark

FACT_COLUMNS = (
    "fact_id", "section_id", "metric", "value", "unit", "kind", "numerator", "denominator", "subject", "period",
    "quote", "char_start", "char_end", "page", "extractor", "confidence", "decimals", "qualifier", "status",
)
CHECK_COLUMNS = (
    "check_id", "rule", "status", "stated", "expected", "tolerance", "operands", "message_vi", "message_en", "quote",
    "char_start", "char_end", "page", "fact_ids", "reason", "section_id", "severity",
    "confidence",
)
SECTION_COLUMNS = (
    "section_id", "parent_id", "level", "label", "heading", "path", "char_start", "char_end", "page", "kind",
    "repaired_from",
)


def document_rows(result: DocResult, ingested_at: datetime) -> dict[str, list[dict]]:
    """Every row one document adds, by table (the tables of `schema.DOC_TABLES`, in that order):
    what the writer inserts, whether it gets them as dicts (local engine) or as Arrow tables (Ray)."""
    loaded, doc_id, meta = result.loaded, result.doc_id, result.meta
    doc_row = {
        "doc_id": doc_id,
        "path": loaded.path,
        "sha256": loaded.sha256,
        "source_kind": loaded.source_kind,
        **asdict(meta),
        "n_pages": len(loaded.pages),
        "text": result.norm.text,
        "ingested_at": ingested_at,
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
    return {
        "documents": [doc_row],
        "pages": page_rows,
        "text_marks": text_mark_rows(doc_id, result.norm),
        "sections": [{"doc_id": doc_id, **{c: getattr(s, c) for c in SECTION_COLUMNS}} for s in result.sections],
        "facts": fact_rows(doc_id, result.facts),
        "checks": check_rows(doc_id, result.checks),
        "entities": [{"doc_id": doc_id, **asdict(e)} for e in result.entities],
    }


def fact_rows(doc_id: str, facts: Iterable[Fact]) -> list[dict]:
    """`metric` holds only FORMAT.md's vocabulary (schemas/metrics.yaml `vocabulary`, a refining key as
    the metric it `reports_as`, any other as NULL); `metric_key` keeps the catalog's own key, which the
    checks distinguish and `read_document` hands back to them."""
    reported = load_catalog().reported
    return [{"doc_id": doc_id, **{c: getattr(f, c) for c in FACT_COLUMNS}, "metric": reported(f.metric),
             "metric_key": f.metric} for f in facts]


def check_rows(doc_id: str, checks: Iterable[Check]) -> list[dict]:
    rows = []
    for c in checks:
        row = {"doc_id": doc_id, **{k: getattr(c, k) for k in CHECK_COLUMNS}}
        row["operands"] = [float(x) for x in c.operands]
        row["fact_ids"] = list(c.fact_ids)
        rows.append(row)
    return rows


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


def ocr_mark(kind: str, s: int, e: int, label: str) -> OcrMark:
    """The `OcrMark` a `text_marks` row of kind ocr_repair / ocr_doubt was written from."""
    rule, _, rest = label.partition(": ") if kind == "ocr_repair" else ("", "", label)
    original, _, conf = rest.rpartition(" (") if kind == "ocr_repair" else ("", "", rest)
    try:
        confidence = float(conf.rstrip(")"))
    except ValueError:
        confidence = 0.0
    return OcrMark(s, e, confidence, original or None, rule or None)
