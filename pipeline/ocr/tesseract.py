"""The Tesseract engine: `vie` by default, TSV output, one long-lived process per configuration.

Why this shape:
- `TesseractEngine` asks tesseract for `tsv` output only: it gives word boxes and confidences, and
  Tesseract's own `txt` layout (lines, blank line between paragraphs) is rebuilt from it exactly
  (`text_from_tsv`), which saves the second renderer's time (about 2 % of a page) and half of
  `image_to_string` + `image_to_data`. Pages go to a long-lived tesseract process per configuration
  (`pipeline.ocr.stream`), so the model is loaded once per worker, not once per page (~160 ms of ~1.5 s).
  The image goes to tesseract as PGM (6 ms to write an A4 page at 300 dpi, PNG 130 ms) with
  `--dpi`, which also gives better table reading order than letting tesseract guess the resolution.
- A missing tesseract binary or language pack is not a page problem: `OcrUnavailable` is raised.
"""

from __future__ import annotations

import logging
import os
import shlex
import shutil
import subprocess
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

from PIL import Image

from pipeline.errors import OcrError
from pipeline.ocr import stream
from pipeline.ocr.types import (
    DEFAULT_TIMEOUT,
    OcrResult,
    OcrTimeout,
    OcrUnavailable,
    OcrWord,
    text_from_words,
)

log = logging.getLogger(__name__)


def _tessdata_dirs() -> list[Path]:
    dirs = [Path(os.environ["TESSDATA_PREFIX"])] if os.environ.get("TESSDATA_PREFIX") else []
    known = (
        "/usr/share/tesseract-ocr/5/tessdata",
        "/usr/share/tesseract-ocr/4.00/tessdata",
        "/usr/share/tessdata",
        "/usr/local/share/tessdata",
    )
    return dirs + [Path(p) for p in known]


def unavailable_reason(lang: str = "vie") -> str | None:
    """Why OCR cannot run here (None when it can): missing binary or missing traineddata."""
    exe = shutil.which("tesseract")
    if exe is None:
        return "tesseract is not installed (Debian/Ubuntu: apt-get install tesseract-ocr tesseract-ocr-vie)"
    for part in lang.split("+"):
        if not any((d / f"{part}.traineddata").exists() for d in _tessdata_dirs()):
            pkg = "tesseract-ocr-script-viet" if part == "script/Vietnamese" else f"tesseract-ocr-{part}"
            return f"tesseract has no '{part}' language data (apt-get install {pkg})"
    return None


def available(lang: str = "vie") -> bool:
    """True when the tesseract binary and the language data are installed."""
    return unavailable_reason(lang) is None


def _mean_confidence(words: Sequence[OcrWord]) -> float | None:
    return sum(w.confidence for w in words) / len(words) if words else None


def parse_tsv(tsv: str) -> tuple[OcrWord, ...]:
    """Words from Tesseract's TSV output (level 5 rows with a non-negative confidence and some text)."""
    words: list[OcrWord] = []
    for row in tsv.splitlines()[1:]:
        cols = row.split("\t")
        if len(cols) < 12 or cols[0] != "5":
            continue
        text = cols[11].strip()
        try:
            conf = float(cols[10])
        except ValueError:
            continue
        if not text or conf < 0:
            continue
        block, par, line = int(cols[2]), int(cols[3]), int(cols[4])
        left, top, width, height = (int(c) for c in cols[6:10])
        words.append(OcrWord(text, conf / 100.0, left, top, width, height, (block, par, line)))
    return tuple(words)


class TesseractEngine:
    """The tesseract command: by default one long-lived process per configuration (`pipeline.ocr.stream`),
    fed page after page; `stream=False` starts one process per page (pytesseract's runner)."""

    def __init__(
        self, lang: str = "vie", psm: int = 3, oem: int = 1, config: str = "", *, stream: bool = True,
    ) -> None:
        self.lang, self.psm, self.oem, self.config, self.stream = lang, psm, oem, config, stream
        self.name = f"tesseract-{lang}-psm{psm}"

    def _config(self, dpi: float | None) -> str:
        parts = [f"--psm {self.psm}", f"--oem {self.oem}", "-c tessedit_create_tsv=1", "-c tessedit_create_txt=0"]
        if dpi:
            parts.append(f"--dpi {round(dpi)}")
        if self.config:
            parts.append(self.config)
        return " ".join(parts)

    def recognize(self, image: Image.Image, *, timeout: float) -> OcrResult:
        """PNM file in, TSV out; the text is rebuilt from the TSV.

        Asking for `tsv` alone costs ~2 % of a page over plain text output, `txt`+`tsv` ~4 %, and
        the text rebuilt from the TSV equals Tesseract's `txt` output (`text_from_tsv`). The image
        goes in as a file: `stdin` input costs Tesseract 0.1–0.4 s more per page (it reads the
        stream byte by byte). When a long-lived process dies on a page, the page is read once more
        by a process of its own, so one bad moment of a stream does not lose the page.
        """
        reason = unavailable_reason(self.lang)
        if reason:
            raise OcrUnavailable(reason, stage="ocr")
        dpi = image.info.get("dpi")
        dpi_x = float(dpi[0]) if isinstance(dpi, tuple) and dpi and dpi[0] else None
        img = image if image.mode in ("L", "RGB") else image.convert("RGB" if image.mode != "1" else "L")
        t0 = time.perf_counter()
        tsv = None
        if self.stream:
            args = ["-l", self.lang, *shlex.split(self._config(dpi_x))]
            try:
                tsv = stream.pool().read_tsv(args, img, timeout=timeout)
            except stream.StreamDied as e:
                log.warning("%s; the page is read by a process of its own", e)
                timeout = max(timeout - (time.perf_counter() - t0), 1.0) if timeout > 0 else 0
        if tsv is None:
            tsv = self._read_once(img, dpi_x, timeout)
        words = parse_tsv(tsv)
        return OcrResult(text_from_words(words), _mean_confidence(words), words, time.perf_counter() - t0)

    def _read_once(self, img: Image.Image, dpi: float | None, timeout: float) -> str:
        """One tesseract process for this page (pytesseract's runner: timeout and kill handled there)."""
        import pytesseract  # ~0.3 s to import; only the per-page fallback runner needs it

        with tempfile.TemporaryDirectory(prefix="baocao-ocr-") as tmp:
            # PNM is written and read without compression work: ~10x cheaper than PNG for 8 Mpx.
            src = Path(tmp) / ("in.ppm" if img.mode == "RGB" else "in.pgm")
            img.save(src)
            base = Path(tmp) / "out"
            try:
                pytesseract.pytesseract.run_tesseract(
                    str(src), str(base), "tsv", self.lang, config=self._config(dpi),
                    timeout=timeout if timeout > 0 else 0,
                )
            except pytesseract.TesseractNotFoundError as e:
                raise OcrUnavailable(f"tesseract not found: {e}", stage="ocr") from e
            except pytesseract.TesseractError as e:
                raise OcrError(f"tesseract failed (status {e.status}): {e.message}", stage="ocr") from e
            except RuntimeError as e:
                if "timeout" in str(e).lower():
                    raise OcrTimeout(f"OCR did not finish within {timeout:g} s", stage="ocr") from e
                raise OcrError(f"tesseract failed: {e}", stage="ocr") from e
            return base.with_suffix(".tsv").read_text("utf-8", errors="replace")


def text_from_tsv(tsv: str) -> str:
    """Tesseract's `txt` output rebuilt from its TSV (equal to `txt` on every page we compared)."""
    return text_from_words(parse_tsv(tsv))


def tesseract_command(image_path: Path, lang: str = "vie", *, timeout: float = DEFAULT_TIMEOUT) -> str:
    """The plain `tesseract IMG stdout -l LANG` command, for comparison in benchmarks."""
    r = subprocess.run(
        ["tesseract", str(image_path), "stdout", "-l", lang],
        capture_output=True,
        timeout=timeout,
        check=True,
    )
    return r.stdout.decode("utf-8", errors="replace").replace("\f", "")
