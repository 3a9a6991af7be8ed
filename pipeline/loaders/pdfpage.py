"""One cheap pass over each PDF page with pypdfium2: its text, size, path count and image cover.

Why: pypdfium2 reads a text layer at hundreds of pages per second; everything later (tables, legacy
fonts, the OCR decision) starts from the `PageScan` this pass gives, and only pages that need more
are opened again. Footnote markers set as small raised digits get their superscript form back here.
"""

from __future__ import annotations

import ctypes
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from pipeline.errors import LoadError

MAX_OBJECTS_SCANNED = 20_000  # object census stops here; bounded time on pathological pages


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


def open_pdf(data: bytes, path: Path):  # -> pypdfium2.PdfDocument
    try:
        return pdfium.PdfDocument(data)
    except pdfium.PdfiumError as e:
        msg = str(e)
        if "password" in msg.lower():
            raise LoadError("PDF is encrypted (a password is required to open it)", path=str(path)) from e
        raise LoadError(f"not a readable PDF (damaged or truncated): {msg}", path=str(path)) from e


def scan_page(doc, index: int) -> PageScan:
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
            text = clean_pdfium_text(mark_superscripts(textpage, textpage.get_text_range()))
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


def clean_pdfium_text(text: str) -> str:
    """pdfium ends lines with CRLF and marks line-end hyphens with U+0002; make plain NFC text."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\x02", "-")
    text = text.replace("\ufffe", "").replace("\x00", "")
    return unicodedata.normalize("NFC", text)


def _object_census(page, width: float, height: float) -> tuple[int, float]:
    """Count path objects (ruling lines) and the page share covered by images, via the raw API."""
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
