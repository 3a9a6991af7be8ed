"""Per PDF page: keep the text layer, or read the page by OCR — and the OCR run itself.

Why: a text layer judged bad (`pagequality.needs_ocr`) is replaced by OCR per the `ocr` mode; when
OCR cannot run (no tesseract or language data), a page marks `ocr_unavailable` instead of failing
the document, and a text layer bad only for a soft reason is kept. The pages to OCR run on up to the
caller's page budget of threads at once (`pipeline.loaders.pagepool`), so one large scan is spread
over the cores.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Sequence
from dataclasses import dataclass, replace
from time import perf_counter

from pipeline.loaders.pagepool import map_in_order
from pipeline.loaders.pagequality import SOFT_REASONS, needs_ocr
from pipeline.loaders.pdfpage import PageScan
from pipeline.model import Page
from pipeline.ocr import page as ocr_page
from pipeline.ocr import tesseract
from pipeline.ocr.types import OcrUnavailable

OCR_DPI = 300
MAX_RENDER_PIXELS = 40_000_000  # same cap as pipeline.ocr; larger pages get a lower dpi
MIN_RENDER_DPI = 72  # below this the page is absurdly large (an "image bomb"): not rendered
# Pages judged bad only for their language still have readable text when OCR cannot replace it.
_LANGUAGE_REASONS = frozenset({"no_diacritics", "not_vietnamese"})


@dataclass(frozen=True, slots=True)
class _OcrJob:
    """A page OCR is to read, with what its text layer offers when OCR cannot replace it."""

    scan: PageScan
    text: str  # the text layer
    kept: str  # the part of it worth keeping without OCR ("" for garbage)
    bad: bool
    reason: str | None
    dpi: int


def decide_pages(
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
    """OCR one page (`pipeline.ocr.page`); None when OCR is not installed. Failures become a status.

    Safe to call from several threads at once (the rendering is serialised)."""
    if not tesseract.available():
        return None
    started = perf_counter()
    try:
        with _PDFIUM_LOCK:
            image = ocr_page.render_pdf_page(data, index, dpi=dpi)
        return ocr_page.ocr_image(image, index + 1)
    except OcrUnavailable:
        return None
    except Exception as e:  # an engine crash is this page's status, not the document's failure
        timed_out = "timeout" in type(e).__name__.lower()
        status = "ocr_timeout" if timed_out else "ocr_failed"
        return Page(index + 1, "", source="ocr", status=status, seconds=perf_counter() - started, error=str(e))
