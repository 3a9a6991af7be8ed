"""The DOCX rendering: bold headings, grid tables, fixed timestamps so re-renders give the same bytes."""

from __future__ import annotations

import io
import zipfile
from datetime import datetime
from typing import Any

from pipeline.devtools.render.model import Block, Layout
from pipeline.devtools.render.source import SUPER_RUN, SUPERSCRIPTS, plain_digits


def render_docx(blocks: list[Block], layout: Layout) -> bytes:
    """A Word file as offices produce them: Times New Roman 13, bold headings, grid tables."""
    # python-docx is heavy and needed only when rendering: loaded on first use.
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Mm, Pt

    doc = Document()
    sec = doc.sections[0]
    sec.page_width, sec.page_height = Mm(210), Mm(297)
    sec.top_margin, sec.bottom_margin = Mm(20), Mm(20)
    sec.left_margin, sec.right_margin = Mm(30), Mm(15)
    normal = doc.styles["Normal"]
    normal.font.name = "Times New Roman"
    normal.font.size = Pt(layout.font_size)
    for b in blocks:
        if b.kind == "para":
            p = doc.add_paragraph()
            _add_runs(p, b.text, b.bold)
            if b.centered:
                p.alignment = WD_ALIGN_PARAGRAPH.CENTER
            elif not b.bold:
                p.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
                p.paragraph_format.first_line_indent = Mm(10)
        else:
            ncol = max(len(r) for r in b.rows)
            t = doc.add_table(rows=len(b.rows), cols=ncol)
            t.style = "Table Grid"
            for i, row in enumerate(b.rows):
                for j in range(ncol):
                    _add_runs(t.cell(i, j).paragraphs[0], row[j] if j < len(row) else "", i == 0)
    cp = doc.core_properties

    fixed = datetime(2000, 1, 1)
    cp.created = cp.modified = fixed
    cp.author = cp.last_modified_by = "baocao render"
    cp.revision = 1
    buf = io.BytesIO()
    doc.save(buf)
    return _fixed_zip_times(buf.getvalue())


def _add_runs(paragraph: Any, text: str, bold: bool) -> None:
    """Text as runs; superscript digits become superscript-formatted plain digits, as Word stores them."""
    for part in SUPER_RUN.split(text):
        if part:
            run = paragraph.add_run(plain_digits(part))
            run.bold = bold
            if part[0] in SUPERSCRIPTS:
                run.font.superscript = True


def _fixed_zip_times(data: bytes) -> bytes:
    """python-docx stamps zip members with the current time; rewrite them so output is reproducible."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            zi = zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0))
            zi.compress_type = zipfile.ZIP_DEFLATED
            dst.writestr(zi, src.read(info.filename))
    return out.getvalue()


