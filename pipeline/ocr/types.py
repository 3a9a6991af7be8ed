"""The OCR vocabulary every other module of `pipeline.ocr` builds on: words with boxes, a page's
result, the engine protocol, the errors and the limits.

Why a module of its own: the engine, the stream, the layout and the second reading all speak in
`OcrWord`/`OcrResult`; with the types at the bottom of the package its imports form a DAG
(types → stream → tesseract → preprocess/layout/repair → reread → page).

`OcrEngine` is a Protocol: the pipeline needs "image in, text + confidence out, within a time limit";
tests plug in fakes that time out, crash or return fixed text without Tesseract installed.
Confidence is on a 0–1 scale (Tesseract's 0–100 word confidence / 100, averaged over the recognised
words), so it sits on the same scale as `facts.confidence`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

from PIL import Image

from pipeline.errors import OcrError

DEFAULT_DPI = 300
DEFAULT_TIMEOUT = 120.0
# Largest page raster we OCR (pixels). An A4 page at 300 dpi is 8.7 Mpx, A3 17.4 Mpx; a bigger page
# (a poster-sized PDF page, a hostile file) is rendered at a lower dpi instead of exhausting memory.
MAX_PIXELS = 40_000_000


class OcrTimeout(OcrError):
    """Tesseract did not finish a page within the time limit (the process was killed)."""


class OcrUnavailable(OcrError):
    """Tesseract or its Vietnamese model is not installed: no page of any file can be OCR'd."""


@dataclass(frozen=True, slots=True)
class OcrWord:
    text: str
    confidence: float  # 0–1
    left: int
    top: int
    width: int
    height: int
    line: tuple[int, int, int]  # (block, paragraph, line) numbers as Tesseract assigned them


@dataclass(frozen=True, slots=True)
class OcrResult:
    text: str
    confidence: float | None  # mean word confidence, 0–1; None when no word was recognised
    words: tuple[OcrWord, ...] = ()
    seconds: float = 0.0


@runtime_checkable
class OcrEngine(Protocol):
    """Anything that turns a page image into text within `timeout` seconds.

    Raise `OcrTimeout` when the time is up, `OcrUnavailable` when the engine cannot run at all and
    `OcrError` for a failure specific to this image. `image.info["dpi"]` carries the resolution when
    the caller knows it.
    """

    name: str

    def recognize(self, image: Image.Image, *, timeout: float) -> OcrResult: ...


def text_from_words(words: Sequence[OcrWord]) -> str:
    """Tesseract's `txt` layout of `words`: the words of a line joined by spaces, one line per text
    line, a blank line between paragraphs."""
    out: list[str] = []
    current: tuple[int, int, int] | None = None
    for w in words:
        if current is not None:
            out.append(" " if w.line == current else "\n" if w.line[:2] == current[:2] else "\n\n")
        out.append(w.text)
        current = w.line
    return "".join(out) + "\n" if out else ""

