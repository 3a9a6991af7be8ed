"""PDF loader: the text layer where it is good, tables as tab-separated rows, OCR where it is not.

The stages, one module each:
- `pdfpage`: one cheap pypdfium2 pass per page (text, size, path count, image cover);
- `pdftables`: ruled tables rebuilt as TSV rows on pages that draw paths;
- legacy fonts (TCVN3 / VNI): converted here, run by run by each character's font when it can;
- `pdfocr`: each page judged (`pagequality.needs_ocr`) and, per the `ocr` mode, replaced by OCR;
- `pdftidy`: running headers, footers and page numbers removed over all pages at once, and a table
  continued on the next page loses its repeated header rows.
"""

from __future__ import annotations

import ctypes
from collections import Counter
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

import pypdfium2.raw as pdfium_c

from pipeline.errors import LoadError
from pipeline.loaders.legacy import (
    convert_legacy,
    detect_legacy,
    fix_legacy_runs,
    is_legacy_range,
    legacy_font_encoding,
    legacy_signature_count,
)
from pipeline.loaders.pdfocr import decide_pages
from pipeline.loaders.pdfpage import PageScan, clean_pdfium_text, open_pdf, scan_page
from pipeline.loaders.pdftables import with_tables
from pipeline.loaders.pdftidy import join_continued_tables, strip_running_lines
from pipeline.model import Loaded, Page

OCR_MODES = ("auto", "always", "never")
NO_OCR_HINT = "no text layer and OCR is not available: install tesseract-ocr tesseract-ocr-vie"


# --------------------------------------------------------------------------------------------------
# entry point


def load_pdf(path: Path, data: bytes, *, sha256: str, ocr: str = "auto") -> Loaded:
    """Read a PDF into pages. `ocr`: auto (OCR pages without a usable text layer) | always | never."""
    if ocr not in OCR_MODES:
        raise ValueError(f"ocr must be one of {OCR_MODES}, got {ocr!r}")
    doc = open_pdf(data, path)
    try:
        scans = [scan_page(doc, i) for i in range(len(doc))]
        if not scans:
            raise LoadError("PDF has no pages", path=str(path))
        texts = with_tables(doc, scans)
        texts = _fix_legacy(doc, scans, texts)
    finally:
        doc.close()

    pages: list[Page] = []
    ocr_missing = False
    unreadable = 0
    for page, missing, readable in decide_pages(data, scans, texts, ocr):
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
                chunk = convert_legacy(clean_pdfium_text(chunk), encoding, upper=upper)
            pieces.append(chunk)
            start, current = i, key
    return clean_pdfium_text("".join(pieces))


def _char_fonts(textpage) -> list[str | None]:
    """Font name of every character of a text page (None for characters pdfium generated)."""
    n = pdfium_c.FPDFText_CountChars(textpage.raw)
    flags = ctypes.c_int()
    buffer = ctypes.create_string_buffer(256)
    names: list[str | None] = []
    for i in range(n):
        length = pdfium_c.FPDFText_GetFontInfo(textpage.raw, i, buffer, 256, flags)
        names.append(buffer.value.decode("utf-8", "replace") if 0 < length <= 256 else None)
    return names
