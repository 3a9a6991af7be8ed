"""Criterion tables (communes x criteria 8.1-8.4, "Đ" / "Không đạt") read as status facts.

Optional: not wired into ingest (see `criterion_facts`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from extractors.meaning.context import _STT_CELL
from extractors.periods import document_period
from pipeline.model import STATUS_CELL, DocMeta, Fact, NormText, Section, section_at, stable_id
from pipeline.structure.layout import Layout, build_layout

# ------------------------------------------------------------------------------------------------
# Criterion tables (optional: not wired into ingest, see criterion_facts)
# ------------------------------------------------------------------------------------------------

_CRITERION_HEADER = re.compile(r"(?:(?:Chỉ\s+tiêu|Tiêu\s+chí)\s*(?:số\s*)?)?\b(\d{1,2}(?:\.\d{1,2})?)\b", re.IGNORECASE)


def criterion_facts(t: NormText, sections: Sequence[Section], doc_id: str, meta: DocMeta | None = None,
                    layout: Layout | None = None) -> list[Fact]:
    """Status cells of criterion tables (communes x criteria 8.1-8.4, "Đ" / "Không đạt") as facts of
    kind other: value 1.0 met / 0.0 not met, `status` "Đạt" / "Không đạt", subject = the row header,
    unit = the criterion ("tiêu chí 8.2"), metric ntm_criterion_status, period from the scope.

    Separate from figures because a status is not a number a report writes; the gold annotations do not
    list these cells, so wiring them into ingest lowers the measured fact precision unless the
    evaluator skips facts with a status.
    """
    text = t.text
    out: list[Fact] = []
    dperiod = document_period((meta.title if meta else None), text[:3000],
                              issued=meta.issued_date if meta else None,
                              issued_text=meta.issued_date_text if meta else None)
    header: list[str] | None = None
    # a table's rows in order; None where a table starts or a section row interrupts it (no header yet)
    rows = [r for tb in (layout if layout is not None else build_layout(t)).tables for r in (None, *tb.rows)]
    for row in rows:
        if row is None or row.section:
            header = None
            continue
        if row.separator:
            continue
        cells = [(c.start, c.end, text[c.start:c.end]) for c in row.cells]
        statuses = [(c, cs, ce, m) for c, (cs, ce, cell) in enumerate(cells) if (m := STATUS_CELL.match(cell))]
        if not statuses:
            header = [cell.strip() for _, _, cell in cells]
            continue
        if header is None:
            continue
        row = next((cell.strip() for _, _, cell in cells if cell.strip() and not _STT_CELL.match(cell)
                    and not STATUS_CELL.match(cell)), None)
        for c, cs, _ce, m in statuses:
            label = header[c] if c < len(header) else ""
            crit = _CRITERION_HEADER.search(label)
            if not crit:
                continue
            word = m.group("s")
            met = word.lower() in ("đạt", "đ", "x")
            s = cs + m.start("s")
            e = cs + m.end("s")
            sec = section_at(sections, s)
            out.append(Fact(
                fact_id=stable_id(doc_id, s, e, "other"), value=1.0 if met else 0.0, kind="other",
                char_start=s, char_end=e, quote=text[s:e], page=t.page_at(s),
                section_id=sec.section_id if sec else None, metric="ntm_criterion_status",
                unit=f"tiêu chí {crit.group(1)}", subject=row,
                period=dperiod.period.value if dperiod.period else None,
                extractor="table.criterion", confidence=0.9, status="Đạt" if met else "Không đạt",
            ))
    return out
