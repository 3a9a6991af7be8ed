"""Load a scanned page image (PNG, JPEG, TIFF incl. multi-page, BMP, WebP) by OCR.

An image has no text layer, so it always needs OCR: with `--ocr never` the file is refused with a
LoadError rather than stored as an empty document. Each TIFF frame is a page.

Hostile or broken files fail with a LoadError that says why: Pillow's decompression-bomb guard is
kept (an image above `Image.MAX_IMAGE_PIXELS` is refused, not just warned about), and a truncated
file is refused instead of being OCR'd half grey.
"""

from __future__ import annotations

import io
import warnings
from pathlib import Path

from PIL import Image, ImageOps, UnidentifiedImageError

from pipeline.errors import LoadError
from pipeline.loaders.pagepool import map_in_order
from pipeline.model import Loaded, Page
from pipeline.ocr import page as ocr_page
from pipeline.ocr.types import MAX_PIXELS, OcrEngine, OcrUnavailable

MAX_FRAMES = 1000  # a TIFF with more frames than any report has pages is refused, not OCR'd for hours
TARGET_DPI = 300


def _flatten(frame: Image.Image) -> Image.Image:
    """Any mode → 8-bit grey; transparency becomes white paper, EXIF rotation is applied."""
    frame = ImageOps.exif_transpose(frame) or frame
    if frame.mode in ("RGBA", "LA") or (frame.mode == "P" and "transparency" in frame.info):
        rgba = frame.convert("RGBA")
        bg = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        frame = Image.alpha_composite(bg, rgba)
    if frame.mode.startswith("I;16") or frame.mode == "I":
        frame = frame.point(lambda v: v / 256).convert("L")  # 16-bit scans
    return frame.convert("L")


def _plausible_dpi(frame: Image.Image) -> float | None:
    """The resolution tag, when the page size it implies is a sheet of paper (3–20 inches wide).

    Phone photos often claim 72 dpi for a 4000 px image (a 55-inch page): such a tag is ignored and
    Tesseract estimates the resolution from the letters.
    """
    dpi = frame.info.get("dpi")
    try:
        x = float(dpi[0]) if dpi else 0.0
    except (TypeError, ValueError, IndexError):
        return None
    if x <= 0:
        return None
    width_in = frame.width / x
    return x if 3.0 <= width_in <= 20.0 else None


def _prepare(frame: Image.Image) -> Image.Image:
    dpi = _plausible_dpi(frame)
    im = _flatten(frame)
    im.info.pop("dpi", None)  # only a plausible resolution is passed on to Tesseract
    if dpi is not None and dpi < 250:
        # Tesseract's models want text around 300 dpi; low-resolution faxes and scans gain from upscaling.
        f = TARGET_DPI / dpi
        if im.width * im.height * f * f <= MAX_PIXELS:
            im = im.resize((round(im.width * f), round(im.height * f)), Image.LANCZOS)
            dpi = TARGET_DPI
    if dpi is not None:
        im.info["dpi"] = (dpi, dpi)
    return im


def read_frames(path: Path, data: bytes) -> list[Image.Image]:
    """Decode every frame (page) of the image into a grey image ready for OCR."""
    where = str(path)
    frames: list[Image.Image] = []
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            img = Image.open(io.BytesIO(data))
            n = getattr(img, "n_frames", 1)
            if n > MAX_FRAMES:
                raise LoadError(f"image has {n} frames, more than the {MAX_FRAMES} pages allowed", path=where)
            for i in range(n):
                img.seek(i)
                if img.width * img.height > (Image.MAX_IMAGE_PIXELS or float("inf")):
                    raise Image.DecompressionBombError(
                        f"frame {i + 1} is {img.width}×{img.height} pixels, above the limit of "
                        f"{Image.MAX_IMAGE_PIXELS} pixels"
                    )
                img.load()
                frames.append(_prepare(img.copy()))
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as e:
            raise LoadError(f"image too large, refused as a possible decompression bomb: {e}", path=where) from e
        except UnidentifiedImageError as e:
            raise LoadError("not an image Pillow can read (unknown or damaged format)", path=where) from e
        except (OSError, SyntaxError, ValueError, EOFError) as e:
            raise LoadError(f"damaged or truncated image: {e}", path=where) from e
    if not frames:
        raise LoadError("image has no frames", path=where)
    return frames


def load_image(
    path: Path,
    data: bytes,
    *,
    sha256: str,
    ocr: str = "auto",
    engine: OcrEngine | None = None,
    timeout: float | None = None,
) -> Loaded:
    """OCR each frame of an image file into a page; source_kind "image-ocr".

    A page whose OCR timed out or failed keeps its status (`ocr_timeout`/`ocr_failed`) with empty
    text; the ingest records an error row for it. `timeout`: seconds per page (default:
    `seconds_per_ocr_page` of schemas/limits.yaml). Missing Tesseract raises `OcrUnavailable`.
    `engine` must be safe to call from several threads when a page budget > 1 is set (TesseractEngine
    is: each call is its own process).
    """
    if ocr == "never":
        raise LoadError("image needs OCR but --ocr never was given", path=str(path))
    frames: list[Image.Image | None] = list(read_frames(path, data))

    def read(i: int) -> Page:
        frame, frames[i] = frames[i], None  # a page image is let go once it is read
        assert frame is not None
        return ocr_page.ocr_image(frame, i + 1, engine=engine, timeout=timeout)

    try:
        # frames are OCR'd up to the page budget at once (threads; one large scan gets every core)
        pages = map_in_order(read, range(len(frames)))
    except OcrUnavailable as e:
        e.path = str(path)
        raise
    return Loaded(path=str(path), sha256=sha256, source_kind="image-ocr", pages=tuple(pages))
