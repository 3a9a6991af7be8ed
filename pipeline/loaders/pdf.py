"""PDF loader: the text layer where it is good, tables as tab-separated rows, OCR where it is not.

Cost drives the design. pypdfium2 reads a text layer at hundreds of pages per second; pdfplumber's
own page parse (pdfminer) costs ~0.1 s a page. So every page is read with pypdfium2, and only pages
that draw path objects are searched for ruled tables: the ruling segments come from pdfium, cells
from pdfplumber's table finder run on those segments, and each cell's text from pdfium again. A
table is written at its place as `cell\tcell\tcell` rows, which is what the figure extractor reads.
Each page's text is then judged (`pagequality.needs_ocr`) and, per the `ocr` mode, replaced by OCR.
Running headers, footers and page numbers are removed last, over all pages at once, by pure
functions, and a table continued on the next page loses its repeated header rows.

OCR lives in `pipeline.ocr`: it is imported only when a page needs it, and its absence (module or
Tesseract) marks pages `ocr_unavailable` instead of failing the document, unless no page has any
readable text at all. The pages to OCR run on up to the caller's page budget of threads at once
(`pipeline.loaders.pagepool`), so one large scan is spread over the cores.
"""

from __future__ import annotations

import ctypes
import math
import re
import threading
import unicodedata
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from importlib import import_module
from pathlib import Path
from time import perf_counter

from pipeline.errors import LoadError
from pipeline.legacy import (
    convert_legacy,
    detect_legacy,
    fix_legacy_runs,
    is_legacy_range,
    legacy_font_encoding,
    legacy_signature_count,
)
from pipeline.loaders.pagepool import map_in_order
from pipeline.model import Loaded, Page
from pipeline.pagequality import SOFT_REASONS, needs_ocr

OCR_MODES = ("auto", "always", "never")
OCR_DPI = 300
MAX_RENDER_PIXELS = 40_000_000  # same cap as pipeline.ocr; larger pages get a lower dpi
MIN_RENDER_DPI = 72  # below this the page is absurdly large (an "image bomb"): not rendered
TABLE_MIN_PATHS = 4  # a page drawing fewer path objects than this has no ruled table
MAX_OBJECTS_SCANNED = 20_000  # object census stops here; bounded time on pathological pages
MAX_EDGE_SEGMENTS = 20_000  # path segments read per page when looking for table rules
NO_OCR_HINT = "no text layer and OCR is not available: install tesseract-ocr tesseract-ocr-vie"
# Pages judged bad only for their language still have readable text when OCR cannot replace it.
_LANGUAGE_REASONS = frozenset({"no_diacritics", "not_vietnamese"})


@dataclass(frozen=True, slots=True)
class PageScan:
    """What one cheap pass over a page tells us; input to the per-page decisions."""

    index: int  # 0-based
    text: str
    width: float  # points
    height: float
    n_paths: int
    image_coverage: float  # share of the page area covered by images, 0..1
    error: str | None = None  # pdfium could not read this page


# --------------------------------------------------------------------------------------------------
# entry point


def load_pdf(path: Path, data: bytes, *, sha256: str, ocr: str = "auto") -> Loaded:
    """Read a PDF into pages. `ocr`: auto (OCR pages without a usable text layer) | always | never."""
    if ocr not in OCR_MODES:
        raise ValueError(f"ocr must be one of {OCR_MODES}, got {ocr!r}")
    doc = _open_pdf(data, path)
    try:
        scans = [_scan_page(doc, i) for i in range(len(doc))]
        if not scans:
            raise LoadError("PDF has no pages", path=str(path))
        texts = _with_tables(doc, scans)
        texts = _fix_legacy(doc, scans, texts)
    finally:
        doc.close()

    pages: list[Page] = []
    ocr_missing = False
    unreadable = 0
    for page, missing, readable in _decide_pages(data, scans, texts, ocr):
        ocr_missing |= missing
        unreadable += not readable
        pages.append(page)
    if unreadable == len(pages):
        raise LoadError(_unreadable_message(pages, ocr, ocr_missing), path=str(path))

    final = join_continued_tables(strip_running_lines([p.text for p in pages]))
    pages = [replace(p, text=t) for p, t in zip(pages, final, strict=True)]
    kind = "pdf-ocr" if all(p.source == "ocr" for p in pages) else "pdf"
    return Loaded(path=str(path), sha256=sha256, source_kind=kind, pages=tuple(pages))


def _unreadable_message(pages: Sequence[Page], ocr: str, ocr_missing: bool) -> str:
    if ocr_missing:
        return NO_OCR_HINT
    if ocr == "never":
        return "no usable text layer on any page and OCR is disabled (--ocr never)"
    statuses = Counter(p.status for p in pages)
    detail = ", ".join(f"{n} {s}" for s, n in statuses.most_common())
    return f"no page could be read ({detail})"


# --------------------------------------------------------------------------------------------------
# opening and the cheap per-page pass


def _open_pdf(data: bytes, path: Path):  # -> pypdfium2.PdfDocument
    import pypdfium2 as pdfium

    try:
        return pdfium.PdfDocument(data)
    except pdfium.PdfiumError as e:
        msg = str(e)
        if "password" in msg.lower():
            raise LoadError("PDF is encrypted (a password is required to open it)", path=str(path)) from e
        raise LoadError(f"not a readable PDF (damaged or truncated): {msg}", path=str(path)) from e


def _scan_page(doc, index: int) -> PageScan:
    import pypdfium2 as pdfium

    try:
        return _scan_readable_page(doc, index)
    except pdfium.PdfiumError as e:
        return PageScan(index, "", 0.0, 0.0, 0, 0.0, error=str(e))


def _scan_readable_page(doc, index: int) -> PageScan:
    page = doc[index]
    try:
        width, height = page.get_size()
        textpage = page.get_textpage()
        try:
            text = _clean_pdfium_text(mark_superscripts(textpage, textpage.get_text_range()))
        finally:
            textpage.close()
        n_paths, coverage = _object_census(page, width, height)
    finally:
        page.close()
    return PageScan(index, text, width, height, n_paths, coverage)


_TO_SUPERSCRIPT = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")
_DIGITS = re.compile(r"\d+")


def mark_superscripts(textpage, raw: str) -> str:
    """Give footnote markers back their superscript form.

    A marker set as a small raised digit comes out of the text layer as an ordinary digit glued to the
    figure it follows ("1.287⁹" read as "1.2879", "215¹²" as "21512") or opening the note's own line
    ("⁹ Gồm ..." read as "9 Gồm ..."), which changes the figure. pdfium knows each character's font
    size and baseline: a digit set clearly smaller than, and above, its neighbours on the same line is
    a superscript. Only digits are looked at, so the cost is a few calls per digit.
    """
    import pypdfium2.raw as pdfium_c

    tp = textpage.raw
    if pdfium_c.FPDFText_CountChars(tp) != len(raw) or not any(c.isdigit() for c in raw):
        return raw
    x, y = ctypes.c_double(), ctypes.c_double()

    def origin(i: int) -> tuple[float, float]:
        pdfium_c.FPDFText_GetCharOrigin(tp, i, ctypes.byref(x), ctypes.byref(y))
        return x.value, y.value

    def size_and_base(i: int) -> tuple[float, float]:
        return pdfium_c.FPDFText_GetFontSize(tp, i), origin(i)[1]

    def neighbour(i: int, step: int) -> int | None:
        """The next visible character on the same visual line; pdfium may have put a line break
        between a raised marker and its line, so a break is crossed when the geometry agrees."""
        j, crossed = i, False
        for _ in range(4):
            j += step
            if not 0 <= j < len(raw):
                return None
            if raw[j] in "\r\n":
                crossed = True
                continue
            if raw[j].isspace():
                continue
            if crossed:
                (xi, yi), (xj, yj) = origin(i), origin(j)
                size = max(pdfium_c.FPDFText_GetFontSize(tp, i), pdfium_c.FPDFText_GetFontSize(tp, j))
                if (xj - xi) * step <= 0 or abs(yj - yi) > size:
                    return None
            return j
        return None

    chars = list(raw)
    for m in _DIGITS.finditer(raw):
        idx = list(range(m.start(), m.end()))
        around = [j for j in (neighbour(m.start(), -1), neighbour(m.end() - 1, 1)) if j is not None]
        metrics = {i: size_and_base(i) for i in idx + around}
        ref_size, ref_base = max(metrics.values())
        if ref_size <= 0:
            continue
        marked = False
        for i in idx:
            size, base = metrics[i]
            if size < 0.8 * ref_size and base > ref_base + 0.2 * ref_size:
                chars[i] = raw[i].translate(_TO_SUPERSCRIPT)
                marked = True
        if marked:  # a break pdfium put between the raised marker and the rest of its line goes
            for lo, hi in ((around[0], m.start()), (m.end(), around[-1])) if around else ():
                for k in range(min(lo, hi), max(lo, hi)):
                    if raw[k] in "\r\n":
                        chars[k] = ""
    return "".join(chars)


def _clean_pdfium_text(text: str) -> str:
    """pdfium ends lines with CRLF and marks line-end hyphens with U+0002; make plain NFC text."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\x02", "-")
    text = text.replace("\ufffe", "").replace("\x00", "")
    return unicodedata.normalize("NFC", text)


def _object_census(page, width: float, height: float) -> tuple[int, float]:
    """Count path objects (ruling lines) and the page share covered by images, via the raw API."""
    import pypdfium2.raw as pdfium_c

    raw = page.raw
    n = min(pdfium_c.FPDFPage_CountObjects(raw), MAX_OBJECTS_SCANNED)
    n_paths = 0
    image_area = 0.0
    left, bottom, right, top = (ctypes.c_float() for _ in range(4))
    for j in range(n):
        obj = pdfium_c.FPDFPage_GetObject(raw, j)
        kind = pdfium_c.FPDFPageObj_GetType(obj)
        if kind == pdfium_c.FPDF_PAGEOBJ_PATH:
            n_paths += 1
        elif kind in (pdfium_c.FPDF_PAGEOBJ_IMAGE, pdfium_c.FPDF_PAGEOBJ_FORM):
            if kind == pdfium_c.FPDF_PAGEOBJ_FORM and not _form_has_image(obj):
                continue
            if pdfium_c.FPDFPageObj_GetBounds(obj, left, bottom, right, top):
                w = max(0.0, min(right.value, width) - max(left.value, 0.0))
                h = max(0.0, min(top.value, height) - max(bottom.value, 0.0))
                image_area += w * h
    area = width * height
    return n_paths, (min(1.0, image_area / area) if area > 0 else 0.0)


def _form_has_image(form, depth: int = 0) -> bool:
    import pypdfium2.raw as pdfium_c

    if depth > 3:
        return False
    for j in range(min(pdfium_c.FPDFFormObj_CountObjects(form), 200)):
        obj = pdfium_c.FPDFFormObj_GetObject(form, j)
        kind = pdfium_c.FPDFPageObj_GetType(obj)
        if kind == pdfium_c.FPDF_PAGEOBJ_IMAGE or (
            kind == pdfium_c.FPDF_PAGEOBJ_FORM and _form_has_image(obj, depth + 1)
        ):
            return True
    return False


# --------------------------------------------------------------------------------------------------
# tables: ruling lines from pdfium, pdfplumber's table finder on them, cell text from pdfium


class _EdgesPage:
    """The two attributes pdfplumber's TableFinder reads from a page, filled from pdfium.

    pdfplumber's own page parse (pdfminer) costs ~0.1 s a page; its table finder over edges we
    extract with pdfium costs milliseconds, and pdfium reads each cell's text.
    """

    def __init__(self, edges: list[dict], bbox: tuple[float, float, float, float]) -> None:
        self.edges = edges
        self.bbox = bbox


def _with_tables(doc, scans: Sequence[PageScan]) -> list[str]:
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
    import pypdfium2.raw as pdfium_c

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
        return _clean_pdfium_text(textpage.get_text_bounded(left, -bottom, right, -top)).strip("\n")

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
            cells.append(re.sub(r"\s+", " ", _clean_pdfium_text(text)).strip())
        if any(cells):
            lines.append("\t".join(cells))
    return "\n".join(lines)


# --------------------------------------------------------------------------------------------------
# legacy fonts (TCVN3 / VNI)


def _fix_legacy(doc, scans: Sequence[PageScan], texts: list[str]) -> list[str]:
    """Convert legacy-encoded text. Cheap when the document shows no legacy signature at all."""
    sample = "\n".join(texts)
    if legacy_signature_count(sample) == 0:
        return texts
    encoding = detect_legacy(sample)
    out: list[str] = []
    for scan, text in zip(scans, texts, strict=True):
        by_font = _convert_by_font(doc, scan) if text == scan.text else None
        out.append(by_font if by_font is not None else fix_legacy_runs(text, prefer=encoding))
    return out


def _convert_by_font(doc, scan: PageScan) -> str | None:
    """Convert the page's text run by run using each character's font name (knows .VnTimeH caps).

    None when no character on the page uses a legacy font, so the text-based fallback applies.
    """
    page = doc[scan.index]
    try:
        textpage = page.get_textpage()
        try:
            fonts = _char_fonts(textpage)
            raw = textpage.get_text_range()
        finally:
            textpage.close()
    finally:
        page.close()
    if len(raw) != len(fonts) or not any(legacy_font_encoding(f)[0] for f in fonts if f):
        return None
    pieces: list[str] = []
    start = 0
    current = legacy_font_encoding(fonts[0] if fonts else None)
    for i in range(1, len(raw) + 1):
        key = legacy_font_encoding(fonts[i]) if i < len(raw) and fonts[i] else current
        if i == len(raw) or key != current:
            chunk = raw[start:i]
            encoding, upper = current
            if encoding and is_legacy_range(chunk):
                chunk = convert_legacy(_clean_pdfium_text(chunk), encoding, upper=upper)
            pieces.append(chunk)
            start, current = i, key
    return _clean_pdfium_text("".join(pieces))


def _char_fonts(textpage) -> list[str | None]:
    """Font name of every character of a text page (None for characters pdfium generated)."""
    import pypdfium2.raw as pdfium_c

    n = pdfium_c.FPDFText_CountChars(textpage.raw)
    flags = ctypes.c_int()
    buffer = ctypes.create_string_buffer(256)
    names: list[str | None] = []
    for i in range(n):
        length = pdfium_c.FPDFText_GetFontInfo(textpage.raw, i, buffer, 256, flags)
        names.append(buffer.value.decode("utf-8", "replace") if 0 < length <= 256 else None)
    return names


# --------------------------------------------------------------------------------------------------
# per-page decision: text layer or OCR


@dataclass(frozen=True, slots=True)
class _OcrJob:
    """A page OCR is to read, with what its text layer offers when OCR cannot replace it."""

    scan: PageScan
    text: str  # the text layer
    kept: str  # the part of it worth keeping without OCR ("" for garbage)
    bad: bool
    reason: str | None
    dpi: int


def _decide_pages(
    data: bytes, scans: Sequence[PageScan], texts: Sequence[str], ocr: str
) -> list[tuple[Page, bool, bool]]:
    """(page, OCR was wanted but is not installed, page has readable text) for every page.

    Pages are judged first; those that need OCR are then read by up to the page budget of threads
    at once (`pagepool`: one big scan alone gets every core), results kept in page order.
    """
    plans = [_plan_page(scan, text, ocr) for scan, text in zip(scans, texts, strict=True)]
    jobs = [plan for plan in plans if isinstance(plan, _OcrJob)]
    results = iter(map_in_order(lambda job: _run_ocr(data, job.scan.index, job.dpi), jobs))
    return [_after_ocr(plan, next(results)) if isinstance(plan, _OcrJob) else plan for plan in plans]


def _plan_page(scan: PageScan, text: str, ocr: str) -> tuple[Page, bool, bool] | _OcrJob:
    """The page's outcome when no OCR is needed, else the OCR job for it.

    A text layer judged bad is still kept when the reason is soft (short, or not recognisably
    Vietnamese) and OCR cannot replace it; garbage (cid codes, unmapped glyphs) is never kept.
    """
    number = scan.index + 1
    if scan.error is not None:
        return Page(number, "", source="text_layer", status="page_unreadable"), False, False
    bad, reason = needs_ocr(text, image_coverage=scan.image_coverage)
    keep = not bad or reason in SOFT_REASONS
    kept = text if keep else ""
    if not bad and ocr != "always":
        return Page(number, text, source="text_layer"), False, True
    if ocr == "never":
        status = "ok" if keep else ("empty" if reason == "empty" else "bad_text_layer")
        return Page(number, kept, source="text_layer", status=status), False, bool(kept.strip())

    dpi = render_dpi(scan.width, scan.height)
    if dpi is None:
        page = Page(number, kept, source="text_layer", status="page_too_large")
        return page, False, bool(kept.strip()) and reason in _LANGUAGE_REASONS
    return _OcrJob(scan, text, kept, bad, reason, dpi)


def _after_ocr(job: _OcrJob, result: Page | None) -> tuple[Page, bool, bool]:
    """The page from its OCR result (None: OCR is not installed)."""
    number = job.scan.index + 1
    if result is None:  # OCR is not installed
        if not job.bad:  # --ocr always on a good text layer: the text layer will do
            return Page(number, job.text, source="text_layer"), True, True
        page = Page(number, job.kept, source="text_layer", status="ocr_unavailable")
        return page, True, bool(job.kept.strip()) and job.reason in _LANGUAGE_REASONS
    page = replace(result, number=number, source="ocr")
    if not page.text.strip() and not job.bad:
        # OCR read nothing where the text layer is fine (e.g. pale text): keep the text layer.
        return Page(number, job.text, source="text_layer", seconds=page.seconds), False, True
    return page, False, bool(page.text.strip())


def render_dpi(width_pt: float, height_pt: float, *, dpi: int = OCR_DPI) -> int | None:
    """The dpi to render a page for OCR, lowered so the bitmap stays under MAX_RENDER_PIXELS.

    None when even MIN_RENDER_DPI would exceed it: a page that size is an image bomb, not a form.
    """
    if width_pt <= 0 or height_pt <= 0:
        return None
    inches2 = (width_pt / 72) * (height_pt / 72)
    cap = math.sqrt(MAX_RENDER_PIXELS / inches2)
    if cap < MIN_RENDER_DPI:
        return None
    return int(min(dpi, cap))


# pdfium is not thread-safe, not even across separate documents: page threads render one at a time
# (~0.1 s a page, against ~1.5 s of OCR) and run their OCR side by side.
_PDFIUM_LOCK = threading.Lock()


def _run_ocr(data: bytes, index: int, dpi: int) -> Page | None:
    """OCR one page via `pipeline.ocr`; None when OCR is not installed. Failures become a status.

    Safe to call from several threads at once (the rendering is serialised)."""
    try:
        ocr_module = import_module("pipeline.ocr")
    except ImportError:
        return None
    available: Callable[[], bool] | None = getattr(ocr_module, "available", None)
    if available is not None and not available():
        return None
    render_pdf_page = getattr(ocr_module, "render_pdf_page", None)
    ocr_image = getattr(ocr_module, "ocr_image", None)
    if render_pdf_page is None or ocr_image is None:
        return None
    unavailable = getattr(ocr_module, "OcrUnavailable", ())
    started = perf_counter()
    try:
        with _PDFIUM_LOCK:
            image = render_pdf_page(data, index, dpi=dpi)
        return ocr_image(image, index + 1)
    except unavailable:
        return None
    except Exception as e:  # an engine crash is this page's status, not the document's failure
        timed_out = "timeout" in type(e).__name__.lower()
        status = "ocr_timeout" if timed_out else "ocr_failed"
        return Page(index + 1, "", source="ocr", status=status, seconds=perf_counter() - started)


# --------------------------------------------------------------------------------------------------
# cross-page clean-up (pure)

_PAGE_NUMBER = re.compile(
    r"^\s*(?:(?:trang|page)\s*)?[-–—(\[]?\s*(\d{1,4})\s*[-–—)\]]?\s*(?:/\s*\d{1,4})?\s*$", re.IGNORECASE
)
MAX_RUNNING_LINE = 120  # a running header or footer is short; longer repeated lines are content
_ZONE = 3  # lines at the top and at the bottom of a page where running lines live


def _zone_indices(lines: Sequence[str]) -> list[int]:
    filled = [i for i, line in enumerate(lines) if line.strip()]
    return sorted(set(filled[:_ZONE] + filled[-_ZONE:]))


def _running_key(line: str) -> str:
    return re.sub(r"[^\S\t]+", " ", re.sub(r"\d+", "#", line.strip().lower()))


def strip_running_lines(texts: Sequence[str], *, min_share: float = 0.5) -> list[str]:
    """Remove running headers/footers and page numbers from page texts.

    A running line is one whose digit-blind form (so "Trang 3/20" matches "Trang 4/20") appears
    in the top or bottom three lines of at least half the pages (and at least three pages). Table
    rows (lines with tabs) and letter-less lines are never running lines; bare page numbers are
    removed when their offset from the page index is the one most pages agree on.
    """
    pages = [t.split("\n") for t in texts]
    n = len(pages)
    zones = [_zone_indices(lines) for lines in pages]

    running: set[str] = set()
    if n >= 3:
        counts: Counter[str] = Counter()
        for lines, zone in zip(pages, zones, strict=True):
            keys = {_running_key(lines[i]) for i in zone}
            counts.update(
                k
                for k in keys
                if k and len(k) <= MAX_RUNNING_LINE and "\t" not in k and re.search(r"[^\W\d_]", k)
            )
        need = max(3, math.ceil(min_share * n))
        running = {k for k, c in counts.items() if c >= need}

    numbers = _page_number_lines(pages, zones)
    out: list[str] = []
    for p, (lines, zone) in enumerate(zip(pages, zones, strict=True)):
        drop = {i for i in zone if _running_key(lines[i]) in running} | numbers.get(p, set())
        out.append("\n".join(line for i, line in enumerate(lines) if i not in drop).strip("\n"))
    return out


def _page_number_lines(pages: Sequence[Sequence[str]], zones: Sequence[Sequence[int]]) -> dict[int, set[int]]:
    candidates: list[tuple[int, int, int]] = []  # (page, line, offset of the number from the page)
    for p, (lines, zone) in enumerate(zip(pages, zones, strict=True)):
        filled = [i for i in zone if lines[i].strip()]
        edge = set(filled[:1] + filled[-1:])
        for i in edge:
            m = _PAGE_NUMBER.match(lines[i])
            if m:
                candidates.append((p, i, int(m.group(1)) - (p + 1)))
    if not candidates:
        return {}
    offsets = Counter(off for _, _, off in candidates)
    offset, support = offsets.most_common(1)[0]
    n = len(pages)
    if n > 2 and support < max(2, n // 3):
        return {}
    if n <= 2 and offset != 0:
        return {}
    found: dict[int, set[int]] = {}
    for p, i, off in candidates:
        if off == offset:
            found.setdefault(p, set()).add(i)
    return found


def join_continued_tables(texts: Sequence[str], *, max_header_rows: int = 3) -> list[str]:
    """Make a table that runs over a page break read as one table.

    When a page ends with TSV rows and the next starts with rows of the same column count, the
    next page's repeat of the table's header rows is dropped. Rows stay on the page where they
    are printed, so figures keep their page number; with running headers/footers gone the rows
    of both pages follow each other directly.
    """
    out = list(texts)
    header: list[str] = []  # header rows of the table open at the end of the previous page
    for p in range(len(out)):
        lines = out[p].split("\n")
        filled = [i for i, line in enumerate(lines) if line.strip()]
        if p > 0 and header and filled and "\t" in lines[filled[0]]:
            width = header[0].count("\t")
            if lines[filled[0]].count("\t") == width:
                k = 0
                while (
                    k < min(len(header), max_header_rows)
                    and k < len(filled)
                    and (lines[filled[k]].strip() == header[k].strip())
                ):
                    k += 1
                if k:
                    drop = set(filled[:k])
                    lines = [line for i, line in enumerate(lines) if i not in drop]
                    out[p] = "\n".join(lines)
                    filled = [i for i, line in enumerate(lines) if line.strip()]
                continues = True
            else:
                continues = False
        else:
            continues = False
        header = _open_table_header(lines, filled, header if continues else [])
    return out


def _open_table_header(lines: Sequence[str], filled: Sequence[int], inherited: list[str]) -> list[str]:
    """Header rows of the table that the page ends with ([] when it ends with prose)."""
    if not filled or "\t" not in lines[filled[-1]]:
        return []
    width = lines[filled[-1]].count("\t")
    start = len(filled) - 1
    while start > 0 and lines[filled[start - 1]].count("\t") == width and "\t" in lines[filled[start - 1]]:
        start -= 1
    if start == 0 and inherited:  # the whole page is the continued table
        return inherited
    return [lines[i] for i in filled[start : start + 3]]
