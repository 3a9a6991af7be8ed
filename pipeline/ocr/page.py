"""One page image in, one `Page` out: preprocess, recognize, lay out, clean, read again, repair.

This is what the loaders call (`ocr_image`, `render_pdf_page`). A page that times out is never
returned as silently empty text: `ocr_image` gives the page the status `ocr_timeout` (or `ocr_failed`)
and logs why; the ingest records an error row for it. `OcrUnavailable` propagates: no page of any
file can be read then.
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Sequence

from PIL import Image

from pipeline.errors import OcrError
from pipeline.limits import limits
from pipeline.model import Page, TokenRepair
from pipeline.ocr import layout, repair, reread
from pipeline.ocr.preprocess import DEFAULT_STEPS, preprocess
from pipeline.ocr.tesseract import TesseractEngine
from pipeline.ocr.types import DEFAULT_DPI, MAX_PIXELS, OcrEngine, OcrTimeout, OcrUnavailable

log = logging.getLogger(__name__)

_default_engine: OcrEngine | None = None


def default_engine() -> OcrEngine:
    """One TesseractEngine per process (cheap, but keeps a single place to configure it)."""
    global _default_engine
    if _default_engine is None:
        _default_engine = TesseractEngine()
    return _default_engine


def ocr_image(
    image: Image.Image,
    number: int,
    *,
    engine: OcrEngine | None = None,
    timeout: float | None = None,
    steps: Sequence[str] = DEFAULT_STEPS,
    clean: bool = True,
    reread_engine: OcrEngine | None = None,
) -> Page:
    """OCR one page image into a `Page` (source "ocr").

    Status: `ok`; `empty` when the engine found no text (a blank page); `ocr_timeout` when the time
    limit was hit; `ocr_failed` when the engine failed on this image. The last two have empty text
    and are logged here; the ingest must turn them into error rows. `OcrUnavailable` propagates.

    After the layout, figures the recognizer was unsure of are read a second time, digits only
    (`reread`, with `reread_engine`; by default Tesseract's, when `engine` is Tesseract), and then
    number tokens are repaired where the format decides (`repair`).

    `timeout` (seconds, 0: none) bounds the page's OCR; by default `seconds_per_ocr_page` of
    schemas/limits.yaml.
    """
    engine = engine or default_engine()
    if timeout is None:
        timeout = limits().seconds_per_ocr_page
    t0 = time.perf_counter()
    try:
        prepared = preprocess(image, steps)
        result = engine.recognize(prepared, timeout=timeout)
    except OcrUnavailable:
        raise
    except OcrTimeout as e:
        log.warning("page %d: %s", number, e)
        return Page(number, "", source="ocr", seconds=time.perf_counter() - t0, status="ocr_timeout",
                    error=str(e))
    except OcrError as e:
        log.warning("page %d: %s", number, e)
        return Page(number, "", source="ocr", seconds=time.perf_counter() - t0, status="ocr_failed",
                    error=str(e))
    laid = layout.lay_out_words(result)
    text = repair.clean_ocr_text(laid.text) if clean else laid.text
    confidences = repair.token_confidences(text, laid.words)
    repairs: tuple[TokenRepair, ...] = ()
    again: tuple[TokenRepair, ...] = ()
    if clean:
        if reread_engine is None and isinstance(engine, TesseractEngine):
            reread_engine = reread.digit_engine()
        if reread_engine is not None:
            left = timeout - (time.perf_counter() - t0) if timeout > 0 else 0
            try:
                text, confidences, again = reread.reread_tokens(
                    prepared, text, confidences, repair.token_words(text, laid.words), reread_engine,
                    timeout=max(left, 1.0) if timeout > 0 else 0,
                )
            except OcrError as e:  # the first reading stands (OcrUnavailable: no `eng` data)
                log.warning("page %d: second reading of figures failed: %s", number, e)
        text, confidences, repairs = repair.repair_tokens(text, confidences, again)
    status = "ok" if text.strip() else "empty"
    return Page(
        number,
        text,
        source="ocr",
        ocr_confidence=result.confidence,
        seconds=time.perf_counter() - t0,
        status=status,
        token_confidence=confidences,
        repairs=repairs,
    )


def render_pdf_page(data: bytes, page_index: int, *, dpi: int = DEFAULT_DPI) -> Image.Image:
    """Rasterize one PDF page in grey at `dpi`, lowered when needed to stay under MAX_PIXELS."""
    import pypdfium2 as pdfium  # loaded with the first PDF page to OCR: image-only ingests never need it

    try:
        doc = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as e:
        raise OcrError(f"cannot open PDF for OCR: {e}", stage="ocr") from e
    try:
        if not 0 <= page_index < len(doc):
            raise OcrError(f"page index {page_index} out of range (0..{len(doc) - 1})", stage="ocr")
        page = doc[page_index]
        w_pt, h_pt = page.get_size()
        scale = dpi / 72
        if w_pt * h_pt * scale * scale > MAX_PIXELS:
            scale = 0.99 * math.sqrt(MAX_PIXELS / max(w_pt * h_pt, 1.0))  # margin for rounding up
            log.warning(
                "page %d is %.0f×%.0f pt: rendering at %.0f dpi instead of %d",
                page_index + 1,
                w_pt,
                h_pt,
                scale * 72,
                dpi,
            )
        im = page.render(scale=scale, grayscale=True).to_pil().convert("L")
        im.info["dpi"] = (scale * 72, scale * 72)
        return im
    finally:
        doc.close()


def ocr_pdf_page(
    data: bytes,
    page_index: int,
    *,
    dpi: int = DEFAULT_DPI,
    engine: OcrEngine | None = None,
    timeout: float | None = None,
    steps: Sequence[str] = DEFAULT_STEPS,
) -> Page:
    """OCR page `page_index` (0-based) of a PDF given as bytes; returns Page(number=page_index+1)."""
    image = render_pdf_page(data, page_index, dpi=dpi)
    return ocr_image(image, page_index + 1, engine=engine, timeout=timeout, steps=steps)
