"""Tables and line nesting as the meaning rules see them: the header cells and caption of each tab-
or pipe-separated block, bullet depth, the lines a line hangs under, the sections around a position.

Why kept together: a shared document structure will replace these parsers; keeping them in one
module makes that swap local.
"""

from __future__ import annotations

import re

from extractors.meaning.context import _BULLET, _STT_CELL, _TABLE_SEP_ROW, _Doc, _TableInfo
from pipeline.model import Section
from pipeline.structure.layout import build_layout


def _find_tables(doc: _Doc) -> None:
    """Header cells and caption of every tab- or pipe-separated block that holds a figure."""
    text = doc.text
    lines = [doc.line_span(i) for i in range(len(doc.line_starts))]

    def style(i: int) -> str:
        s, e = lines[i]
        ln = text[s:e]
        if ln.lstrip().startswith("|") and ln.count("|") >= 3:
            return "pipe"
        return "tab" if "\t" in ln.strip("\t ") else ""

    fig_lines = {g.line for g in doc.groups}
    i = 0
    n = len(lines)
    while i < n:
        st = style(i)
        if not st:
            i += 1
            continue
        j = i
        while j < n and style(j) == st:
            j += 1
        rows = [r for r in range(i, j) if not _TABLE_SEP_ROW.match(text[lines[r][0]:lines[r][1]])]
        header_rows = []
        for r in rows:
            if r in fig_lines:
                break
            header_rows.append(r)
        ncols = max((len(_cells(text, *lines[r])) for r in rows), default=0)
        headers = [""] * ncols
        for r in header_rows:
            for c, (_, _, cell) in enumerate(_cells(text, *lines[r])):
                if c < ncols and cell.strip():
                    headers[c] = (headers[c] + " " + cell.strip()).strip()
        # carry a spanning header ("Tiêu chí" over 8.1 .. 8.4) to the empty columns after it
        caption_start = lines[i - 1][0] if i > 0 else 0
        caption = text[lines[i - 2][0] if i > 1 else caption_start:lines[i][0]].strip()
        first_col = -1
        for c in range(ncols):
            h = headers[c] if c < len(headers) else ""
            if h and _STT_CELL.match(h):
                continue
            first_col = c
            break
        info = _TableInfo(headers=headers, caption=caption, first_col=first_col)
        for r in rows:
            if r not in header_rows:
                doc.tables[r] = info
        i = j
    _numeric_tables(doc)


def _numeric_tables(doc: _Doc) -> None:
    """Header names and cells of the numeric tables of the one layout (rows "label n1 n2 …" whose
    cells single spaces separate, `pipeline.structure.numtab`): the label is the row header."""
    text = doc.text
    for tb in build_layout(doc.t).tables:
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


def row_cells(doc: _Doc, line: int) -> list[tuple[int, int, str]]:
    """The cells of a table row of the document, as `_cells` gives them."""
    info = doc.tables.get(line)
    if info is not None and line in info.cells:
        return info.cells[line]
    return _cells(doc.text, *doc.line_span(line))


def _cells(text: str, s: int, e: int) -> list[tuple[int, int, str]]:
    line = text[s:e]
    out, start = [], 0
    for m in re.finditer(r"\t|\|", line):
        out.append((s + start, s + m.start(), line[start:m.start()]))
        start = m.end()
    out.append((s + start, e, line[start:]))
    if line.lstrip().startswith("|"):
        out = out[1:]
        if out and not out[-1][2].strip():
            out = out[:-1]
    return out


def _depth(line: str) -> int:
    m = _BULLET.match(line)
    if not m:
        return 0
    marks = re.findall(r"[-–+*•·]+|\d{1,2}[.)]|[a-zđ][.)]", m.group(1))
    depth = 0
    for mk in marks:
        if mk[0] in "-–":
            depth = max(depth + 1, 1)
        elif mk[0] == "+":
            depth = max(depth + 1, 1 + len(mk))
        elif mk[0] in "*•·":
            depth = max(depth + 1, 3)
        else:
            depth = max(depth + 1, 1)
    return depth


def _parent_lines(doc: _Doc, line: int) -> list[int]:
    """The lines a line hangs under, nearest first: lines of lower bullet depth above it, and a line
    ending with ":" right above a paragraph; within the innermost section."""
    if line in doc.parents:
        return doc.parents[line]
    text = doc.text
    s, e = doc.line_span(line)
    sec = _sections_at(doc, s)
    floor = sec[0].char_start if sec else 0
    d = _depth(text[s:e])
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
        pd = _depth(pl)
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
