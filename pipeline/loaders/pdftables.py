"""Ruled tables of a PDF page as tab-separated rows: ruling lines from pdfium, pdfplumber's table
finder run on them, each cell's text from pdfium again.

Why: pdfplumber's own page parse (pdfminer) costs ~0.1 s a page, its table finder over edges we read
with pdfium milliseconds. Only pages that draw path objects are searched. A table is written at its
place as `cell\tcell\tcell` rows, which is what the figure extractor reads.
"""

from __future__ import annotations

import ctypes
import re
import unicodedata
from collections.abc import Sequence

import pypdfium2.raw as pdfium_c

from pipeline.loaders.pdfpage import MAX_OBJECTS_SCANNED, PageScan, clean_pdfium_text

TABLE_MIN_PATHS = 4  # a page drawing fewer path objects than this has no ruled table
MAX_EDGE_SEGMENTS = 20_000  # path segments read per page when looking for table rules


class _EdgesPage:
    """The two attributes pdfplumber's TableFinder reads from a page, filled from pdfium.

    pdfplumber's own page parse (pdfminer) costs ~0.1 s a page; its table finder over edges we
    extract with pdfium costs milliseconds, and pdfium reads each cell's text.
    """

    def __init__(self, edges: list[dict], bbox: tuple[float, float, float, float]) -> None:
        self.edges = edges
        self.bbox = bbox


def with_tables(doc, scans: Sequence[PageScan]) -> list[str]:
    texts = [s.text for s in scans]
    for scan in scans:
        if scan.n_paths >= TABLE_MIN_PATHS and scan.text.strip():
            rebuilt = _page_text_with_tables(doc, scan)
            if rebuilt is not None:
                texts[scan.index] = rebuilt
    return texts


def _page_text_with_tables(doc, scan: PageScan) -> str | None:
    page = doc[scan.index]
    try:
        edges = ruling_edges(page)
        if len(edges) < 4:
            return None
        textpage = page.get_textpage()
        try:
            return text_with_tables(textpage, edges)
        finally:
            textpage.close()
    finally:
        page.close()


def ruling_edges(page) -> list[dict]:
    """Horizontal and vertical line segments the page draws, as pdfplumber edge dicts.

    Coordinates are PDF user space with y negated (pdfplumber's "top" grows downwards).
    Curves, invisible paths and slanted segments are ignored; thin filled rectangles give two
    close parallel edges, which the table finder snaps together.
    """
    raw = page.raw
    edges: list[dict] = []
    matrix = pdfium_c.FS_MATRIX()
    fill, stroke = ctypes.c_int(), ctypes.c_int()
    x, y = ctypes.c_float(), ctypes.c_float()
    budget = MAX_EDGE_SEGMENTS
    for j in range(min(pdfium_c.FPDFPage_CountObjects(raw), MAX_OBJECTS_SCANNED)):
        obj = pdfium_c.FPDFPage_GetObject(raw, j)
        if pdfium_c.FPDFPageObj_GetType(obj) != pdfium_c.FPDF_PAGEOBJ_PATH:
            continue
        if not pdfium_c.FPDFPath_GetDrawMode(obj, fill, stroke) or (fill.value == 0 and not stroke.value):
            continue
        if not pdfium_c.FPDFPageObj_GetMatrix(obj, matrix):
            continue
        a, b, c, d, e, f = matrix.a, matrix.b, matrix.c, matrix.d, matrix.e, matrix.f
        n = pdfium_c.FPDFPath_CountSegments(obj)
        budget -= n
        if budget < 0:
            break
        start = prev = None
        for k in range(n):
            seg = pdfium_c.FPDFPath_GetPathSegment(obj, k)
            if not pdfium_c.FPDFPathSegment_GetPoint(seg, x, y):
                continue
            pt = (a * x.value + c * y.value + e, b * x.value + d * y.value + f)
            kind = pdfium_c.FPDFPathSegment_GetType(seg)
            if kind == pdfium_c.FPDF_SEGMENT_MOVETO:
                start = prev = pt
                continue
            if kind == pdfium_c.FPDF_SEGMENT_LINETO and prev is not None:
                _add_edge(edges, prev, pt)
            prev = pt
            if pdfium_c.FPDFPathSegment_GetClose(seg) and start is not None:
                _add_edge(edges, prev, start)
                prev = start
    return edges


def _add_edge(edges: list[dict], p0: tuple[float, float], p1: tuple[float, float]) -> None:
    (x0, y0), (x1, y1) = p0, p1
    if abs(y0 - y1) <= 0.5 and abs(x1 - x0) >= 1:
        left, right = sorted((x0, x1))
        top = -(y0 + y1) / 2
        edges.append(
            {"object_type": "line", "orientation": "h", "x0": left, "x1": right, "top": top, "bottom": top,
             "width": right - left, "height": 0.0}
        )  # fmt: skip
    elif abs(x0 - x1) <= 0.5 and abs(y1 - y0) >= 1:
        low, high = sorted((y0, y1))
        xm = (x0 + x1) / 2
        edges.append(
            {"object_type": "line", "orientation": "v", "x0": xm, "x1": xm, "top": -high, "bottom": -low,
             "width": 0.0, "height": high - low}
        )  # fmt: skip


def find_table_cells(edges: list[dict]) -> list[list[list[tuple[float, float, float, float] | None]]]:
    """Tables as rows of cell boxes (x0, top, x1, bottom in negated-y space; None under a merge)."""
    # pdfplumber pulls in pdfminer (~0.15 s to import); only pages with ruling lines get here
    from pdfplumber.table import TableFinder

    xs = [v for e in edges for v in (e["x0"], e["x1"])]
    ys = [v for e in edges for v in (e["top"], e["bottom"])]
    finder = TableFinder(_EdgesPage(edges, (min(xs), min(ys), max(xs), max(ys))), {})  # type: ignore[arg-type]
    tables = []
    for table in finder.tables:
        rows = [list(row.cells) for row in table.rows]
        if len(rows) >= 2 and max(len(r) for r in rows) >= 2:
            tables.append(rows)
    return tables


def text_with_tables(textpage, edges: list[dict]) -> str | None:
    """The page's text with each ruled table as TSV rows at its place; None when no table is found.

    Text outside tables is read band by band (above, beside, below each table) so prose keeps its
    reading order around the tables.
    """
    tables = find_table_cells(edges)
    if not tables:
        return None
    big = 1e6
    boxes = []
    for rows in tables:
        cells = [c for row in rows for c in row if c is not None]
        boxes.append((min(c[0] for c in cells), min(c[1] for c in cells), max(c[2] for c in cells),
                      max(c[3] for c in cells)))  # fmt: skip
    order = sorted(range(len(tables)), key=lambda i: (boxes[i][1], boxes[i][0]))

    def region(left: float, top: float, right: float, bottom: float) -> str:
        if bottom - top < 0.5 or right - left < 0.5:
            return ""
        return clean_pdfium_text(textpage.get_text_bounded(left, -bottom, right, -top)).strip("\n")

    blocks: list[str] = []
    cursor = -big  # top of the not yet read band (negated y)
    for i in order:
        x0, top, x1, bottom = boxes[i]
        if top > cursor:
            blocks.append(region(-big, cursor, big, top - 0.5))
        beside_top, beside_bottom = max(top, cursor), bottom
        blocks.append(region(-big, beside_top, x0 - 0.5, beside_bottom))
        blocks.append(_cells_tsv(textpage, tables[i]))
        blocks.append(region(x1 + 0.5, beside_top, big, beside_bottom))
        cursor = max(cursor, bottom + 0.5)
    blocks.append(region(-big, cursor, big, big))
    return unicodedata.normalize("NFC", "\n".join(b for b in blocks if b.strip()))


def _cells_tsv(textpage, rows) -> str:
    lines = []
    for row in rows:
        cells = []
        for box in row:
            if box is None:
                cells.append("")
                continue
            x0, top, x1, bottom = box
            text = textpage.get_text_bounded(x0, -bottom, x1, -top)
            cells.append(re.sub(r"\s+", " ", clean_pdfium_text(text)).strip())
        if any(cells):
            lines.append("\t".join(cells))
    return "\n".join(lines)
