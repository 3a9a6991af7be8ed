"""Tables and line nesting as the meaning rules see them: the header cells and caption of each
table, list depth, the lines a line hangs under, the sections around a position.

Why kept together: these read the document's `Layout` (`pipeline.structure.layout`, the one parse
of lines, list items and tables) and give it the shape the meaning rules ask about.
"""

from __future__ import annotations

from extractors.meaning.context import _STT_CELL, _Doc, _TableInfo
from pipeline.model import Section


def _find_tables(doc: _Doc) -> None:
    """Header cells and caption of every table of the document's `Layout` that holds a figure: the
    rows before the first row with a figure are its header (their cells joined per column); the two
    lines above it its caption. Rule rows ("|---|") and section rows carry no cells of their own."""
    text = doc.text
    fig_lines = {g.line for g in doc.groups}
    for tb in doc.layout.tables:
        if tb.style == "numeric":  # their header is read by alignment: `_numeric_tables`
            continue
        rows = [(r, range(doc.line_of(r.start), doc.line_of(r.end) + 1)) for r in tb.rows
                if not r.separator and not r.section]
        if not rows:
            continue
        header_rows = []
        for r, lines in rows:
            if any(i in fig_lines for i in lines):
                break
            header_rows.append(r)
        ncols = max(len(r.cells) for r, _ in rows)
        headers = [""] * ncols
        for r in header_rows:
            for c, cell in enumerate(r.cells):
                if c < ncols and cell.text:
                    headers[c] = (headers[c] + " " + cell.text).strip()
        first = doc.line_of(tb.start)
        caption_start = doc.line_span(first - 1)[0] if first > 0 else 0
        caption = text[doc.line_span(first - 2)[0] if first > 1 else caption_start:doc.line_span(first)[0]].strip()
        first_col = next((c for c, h in enumerate(headers) if not (h and _STT_CELL.match(h))), -1)
        info = _TableInfo(headers=headers, caption=caption, first_col=first_col)
        for r, lines in rows[len(header_rows):]:
            for i in lines:
                doc.tables[i] = info
                doc.rows[i] = r.cells
    _numeric_tables(doc)


def _numeric_tables(doc: _Doc) -> None:
    """Header names and cells of the numeric tables of the one layout (rows "label n1 n2 …" whose
    cells single spaces separate, `pipeline.structure.numtab`): the label is the row header."""
    text = doc.text
    for tb in doc.layout.tables:
        if tb.style != "numeric":
            continue
        width = max(len(r.cells) for r in tb.rows)
        headers = list(tb.header) if len(tb.header) == width else [""] * width
        first = doc.line_of(tb.start)
        cap_from = doc.line_span(max(0, first - 2))[0] if first > 0 else tb.start
        info = _TableInfo(headers=headers, caption=text[cap_from:tb.start].strip(), first_col=int(tb.counter_column))
        for row in tb.rows[tb.header_rows:]:
            line = doc.line_of(row.start)
            info.cells[line] = [(c.start, c.end, c.text) for c in row.cells]
            doc.tables[line] = info
            doc.rows[line] = row.cells


def row_cells(doc: _Doc, line: int) -> list[tuple[int, int, str]]:
    """The cells of a table row of the document, as (start, end, text)."""
    info = doc.tables.get(line)
    if info is not None and line in info.cells:
        return info.cells[line]
    return _cells(doc, line)


def _cells(doc: _Doc, line: int) -> list[tuple[int, int, str]]:
    """The cells of the table row holding a line, as (start, end, text)."""
    return [(c.start, c.end, c.text) for c in doc.rows.get(line, ())]


def _depth(doc: _Doc, line: int) -> int:
    """The list depth of a line (`Layout.items`), 0 for a line that is not a list item."""
    return doc.depths.get(line, 0)


def _parent_lines(doc: _Doc, line: int) -> list[int]:
    """The lines a line hangs under, nearest first: lines of lower bullet depth above it, and a line
    ending with ":" right above a paragraph; within the innermost section."""
    if line in doc.parents:
        return doc.parents[line]
    text = doc.text
    s, _ = doc.line_span(line)
    sec = _sections_at(doc, s)
    floor = sec[0].char_start if sec else 0
    d = _depth(doc, line)
    out: list[int] = []
    cur = line
    cur_depth = d
    steps = 0
    while cur > 0 and steps < 25:
        cur -= 1
        steps += 1
        ps, pe = doc.line_span(cur)
        if ps < floor:
            break
        pl = text[ps:pe]
        if not pl.strip():
            continue
        pd = _depth(doc, cur)
        if pd < cur_depth:
            out.append(cur)
            cur_depth = pd
            if pd == 0:
                break
        elif cur_depth == 0:
            if pl.rstrip().endswith(":") and cur == line - 1 - (steps - 1):
                out.append(cur)
            break
    doc.parents[line] = out
    return out


def _sections_at(doc: _Doc, pos: int) -> list[Section]:
    """Sections containing pos, innermost first."""
    out = [s for s in doc.sections if s.char_start <= pos < s.char_end]
    out.sort(key=lambda s: -s.level)
    return out


def _heading_line_end(doc: _Doc, sec: Section) -> int:
    s = sec.char_start
    e = doc.text.find("\n", s)
    return len(doc.text) if e < 0 else e


def _section_intro(doc: _Doc, sec: Section) -> tuple[int, int] | None:
    """The body of a section before its first subsection, when it has subsections."""
    children = [s for s in doc.sections if s.parent_id == sec.section_id]
    if not children:
        return None
    start = _heading_line_end(doc, sec)
    end = min(c.char_start for c in children)
    return (start, end) if end > start else None
