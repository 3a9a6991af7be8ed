"""OCR of page images with Tesseract `vie`, behind a small engine protocol so tests can use fakes.

Why this shape:
- `OcrEngine` is a Protocol: the pipeline needs "image in, text + confidence out, within a time limit";
  tests plug in fakes that time out, crash or return fixed text without Tesseract installed.
- `TesseractEngine` asks tesseract for `tsv` output only: it gives word boxes and confidences, and
  Tesseract's own `txt` layout (lines, blank line between paragraphs) is rebuilt from it exactly
  (`text_from_tsv`), which saves the second renderer's time (about 2 % of a page) and half of
  `image_to_string` + `image_to_data`. Pages go to a long-lived tesseract process per configuration
  (`ocrstream`), so the model is loaded once per worker, not once per page (~160 ms of ~1.5 s).
  The image goes to tesseract as PGM (6 ms to write an A4 page at 300 dpi, PNG 130 ms) with
  `--dpi`, which also gives better table reading order than letting tesseract guess the resolution.
- Tesseract's OpenMP threads give no speed-up on 2 cores and fight the per-document worker
  processes, so `OMP_THREAD_LIMIT=1` is set for every tesseract subprocess (at import, unless the
  caller already chose a value). Parallelism is one process per core, over documents or pages.
- A page that times out is never returned as silently empty text: `ocr_page` gives the page the
  status `ocr_timeout` (or `ocr_failed`) in `ocr_image` and logs why; the ingest records an error row for it.
  A missing tesseract binary or language pack is not a page problem: `OcrUnavailable` is raised.

Confidence is reported on a 0–1 scale (Tesseract's 0–100 word confidence / 100, averaged over the
recognised words), so it sits on the same scale as `facts.confidence`.
"""

from __future__ import annotations

import logging
import math
import os
import re
import shlex
import shutil
import subprocess
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol, runtime_checkable

import numpy as np
from PIL import Image, ImageFilter, ImageOps

from pipeline.errors import OcrError
from pipeline.model import Page, TokenRepair

os.environ.setdefault("OMP_THREAD_LIMIT", "1")

log = logging.getLogger(__name__)

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


# --------------------------------------------------------------------------- Tesseract


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
    """The tesseract command: by default one long-lived process per configuration (`ocrstream`),
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
        from pipeline import ocrstream

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
                tsv = ocrstream.pool().read_tsv(args, img, timeout=timeout)
            except ocrstream.StreamDied as e:
                log.warning("%s; the page is read by a process of its own", e)
                timeout = max(timeout - (time.perf_counter() - t0), 1.0) if timeout > 0 else 0
        if tsv is None:
            tsv = self._read_once(img, dpi_x, timeout)
        words = parse_tsv(tsv)
        return OcrResult(text_from_words(words), _mean_confidence(words), words, time.perf_counter() - t0)

    def _read_once(self, img: Image.Image, dpi: float | None, timeout: float) -> str:
        """One tesseract process for this page (pytesseract's runner: timeout and kill handled there)."""
        import pytesseract

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


def tesseract_command(image_path: Path, lang: str = "vie", *, timeout: float = DEFAULT_TIMEOUT) -> str:
    """The plain `tesseract IMG stdout -l LANG` command, for comparison in benchmarks."""
    r = subprocess.run(
        ["tesseract", str(image_path), "stdout", "-l", lang],
        capture_output=True,
        timeout=timeout,
        check=True,
    )
    return r.stdout.decode("utf-8", errors="replace").replace("\f", "")


# --------------------------------------------------------------------------- preprocessing
# Small pure functions; which of them run by default is decided by scripts/bench_ocr.py (see
# DEFAULT_STEPS). Each takes and returns a PIL image and keeps image.info (the dpi).


def to_gray(im: Image.Image) -> Image.Image:
    """8-bit grey; EXIF rotation of phone photos applied first."""
    info = dict(im.info)
    im = ImageOps.exif_transpose(im) if "exif" in im.info else im
    out = im if im.mode == "L" else im.convert("L")
    out.info.update(info)
    return out


def _otsu_threshold(a: np.ndarray) -> int:
    hist = np.bincount(a.ravel(), minlength=256).astype(np.float64)
    p = hist / hist.sum()
    omega = np.cumsum(p)
    mu = np.cumsum(p * np.arange(256))
    mu_t = mu[-1]
    with np.errstate(divide="ignore", invalid="ignore"):
        sigma_b = (mu_t * omega - mu) ** 2 / (omega * (1 - omega))
    if not np.isfinite(sigma_b).any():
        return 127  # a flat image: any threshold separates nothing
    best = np.flatnonzero(sigma_b >= np.nanmax(sigma_b) * (1 - 1e-9))
    return int(best.mean())  # middle of a plateau (two-tone images have a flat optimum)


def estimate_skew(im: Image.Image, max_angle: float = 4.0) -> float:
    """Skew angle in degrees (counter-clockwise positive, as PIL's rotate) by projection profiles.

    Text lines give the sharpest row-sum profile when they are horizontal; we search a coarse grid on
    a ~60 dpi copy, then refine. The profile at an angle is a histogram of the rotated row positions
    of the ink pixels (no image is rotated), and the copy is a box-filter `reduce`: ~7 ms per A4
    page instead of ~35 ms for rotating a bitmap per candidate angle.
    """
    g = im if im.mode == "L" else im.convert("L")
    factor = max(1, math.ceil(max(g.size) / 700))
    small = g.reduce(factor) if factor > 1 else g
    a = np.asarray(small)
    ys, xs = np.nonzero(a < _otsu_threshold(a))
    if ys.size == 0:
        return 0.0
    # coordinates about a whole-pixel centre (a half-pixel one makes rounding fold pairs of rows
    # together at 0°, a false sharp profile); y grows downwards
    yc = (ys - a.shape[0] // 2).astype(np.float32)
    xc = (xs - a.shape[1] // 2).astype(np.float32)
    span = int(math.hypot(*a.shape)) + 2

    def score(angle: float) -> float:
        # row of each ink pixel after rotating the image counter-clockwise by `angle`
        t = math.radians(angle)
        rows = np.rint(yc * math.cos(t) - xc * math.sin(t)).astype(np.intp) + span // 2
        prof = np.bincount(rows, minlength=span).astype(np.float64)
        return float(np.sum(np.diff(prof) ** 2))

    best = max(np.arange(-max_angle, max_angle + 1e-6, 0.5), key=score)
    best = max(np.arange(best - 0.5, best + 0.5 + 1e-6, 0.1), key=score)
    return float(best)


def deskew(im: Image.Image, min_angle: float = 0.3) -> Image.Image:
    """Rotate the page so its text lines are horizontal (skip tiny angles: resampling costs detail)."""
    angle = estimate_skew(im)
    if abs(angle) < min_angle:
        return im
    return rotate(im, angle)


def rotate(im: Image.Image, angle: float) -> Image.Image:
    """`im` turned counter-clockwise by `angle` degrees about its centre, bilinear, paper-white corners.

    OpenCV's warpAffine (fixed-point, vectorized) takes ~35 ms for an A4 page at 300 dpi where PIL's
    `rotate` takes ~150 ms, for the same pixels (mean difference 0.5 grey levels). Bicubic costs twice
    the time for the same CER. One OpenCV thread: pages are already spread over the workers.
    """
    import cv2

    cv2.setNumThreads(1)
    a = np.asarray(im if im.mode in ("L", "RGB") else im.convert("L"))
    h, w = a.shape[:2]
    matrix = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    fill = (255, 255, 255) if a.ndim == 3 else 255
    out = Image.fromarray(
        cv2.warpAffine(a, matrix, (w, h), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT, borderValue=fill)
    )
    out.info.update(im.info)
    return out


def denoise(im: Image.Image) -> Image.Image:
    """3×3 median: removes scanner speckle and JPEG grain, keeps stroke edges."""
    out = im.filter(ImageFilter.MedianFilter(3))
    out.info.update(im.info)
    return out


def flatten_background(im: Image.Image, even: float = 0.9) -> Image.Image:
    """Divide by an estimate of the paper's brightness, so shadows and uneven light become white.

    The paper estimate is the local maximum (wider than any stroke, narrower than a shadow) of a
    1/16 box-averaged copy, smoothed. Pages lit evenly (darkest paper ≥ `even` × brightest) are
    returned untouched, so clean scans pay ~20 ms for the check and nothing else.
    """
    g = im if im.mode == "L" else im.convert("L")
    f = 16
    small = g.reduce(f) if min(g.size) >= 4 * f else g
    k = max(3, (max(small.size) // 40) | 1)
    bg = small.filter(ImageFilter.MaxFilter(k)).filter(ImageFilter.GaussianBlur(k))
    lo, hi = np.percentile(np.asarray(bg), [1, 99])
    if hi <= 0 or lo / hi >= even:
        return im
    # gain = 255 / paper, computed small and scaled up as a float image (cheaper than dividing 8 Mpx).
    # The product stays in PIL (float, truncated and clipped to 8 bits: handing an 8 Mpx "F" image to
    # numpy costs more than the multiplication) and runs in bands of rows, so the float buffers stay
    # small: ~25 ms per A4 page instead of ~100 ms, equal to the whole-page product but for a few
    # pixels one grey level apart (float rounding of the band offsets).
    from PIL import ImageMath

    gain_small = Image.fromarray(255.0 / np.maximum(np.asarray(bg, dtype=np.float32), 1.0), "F")
    width, height = g.size
    scale_y = gain_small.height / height
    out = Image.new("L", g.size)
    band = 256
    for top in range(0, height, band):
        bottom = min(height, top + band)
        box = (0.0, top * scale_y, float(gain_small.width), bottom * scale_y)
        gain = gain_small.resize((width, bottom - top), Image.BILINEAR, box=box)
        part = g.crop((0, top, width, bottom))
        out.paste(ImageMath.lambda_eval(lambda v: v["convert"](v["page"] * v["gain"], "L"), page=part, gain=gain),
                  (0, top))
    out.info.update(im.info)
    return out


def noise_level(im: Image.Image) -> float:
    """Robust σ of pixel noise on the paper (MAD of horizontal neighbour differences), in grey levels.

    On our renderings: clean 0, mild ≈ 1, harsh 3–5 (after PDF re-rendering smooths the grain).
    """
    a = np.asarray(im if im.mode == "L" else im.convert("L"))[::8, :].astype(np.int16)  # every 8th row
    paper_level = float(np.median(a[::4, ::4]))
    left, right = a[:, :-1], a[:, 1:]
    paper = (left > paper_level - 30) & (right > paper_level - 30)
    d = np.abs((right - left)[paper])
    if d.size == 0:
        return 0.0
    # the median of small whole numbers from their histogram: same value as np.median, no sort
    cum = np.cumsum(np.bincount(d))
    n = int(cum[-1])
    lo, hi = np.searchsorted(cum, [(n - 1) // 2, n // 2], side="right")
    return float((lo + hi) / 2 / 0.6745 / math.sqrt(2))


def stretch_levels(im: Image.Image, cut: float = 0.55, min_noise: float = 2.5) -> Image.Image:
    """On a noisy scan: ink → black, and everything lighter than `cut` of the way from ink to paper
    → white. Clean and lightly noisy pages (noise σ < `min_noise`) are returned untouched.

    Grey that is neither ink nor paper — a seal stamped over the text (a red seal scans mid-grey),
    heavy sensor noise, the halo of blur — makes Tesseract drop whole lines of a poor scan; pushing it
    to white while deepening the ink keeps them (harsh CER 8.9 % → 2.2 % on our renderings). On
    mild scans the same stretch thins strokes and costs accuracy (0.10 % → 0.50 %), hence the gate.
    Ink and paper levels are the 0.5th percentile and the median of a pixel sample.
    """
    if noise_level(im) < min_noise:
        return im
    g = im if im.mode == "L" else im.convert("L")
    ink, paper = np.percentile(np.asarray(g)[::4, ::4], [0.5, 50])
    if paper - ink < 40:  # no contrast to work with (blank or black page)
        return im
    hi = ink + cut * (paper - ink)
    lut = np.clip((np.arange(256, dtype=np.float32) - ink) * 255.0 / (hi - ink), 0, 255).astype(np.uint8)
    out = g.point(lut.tolist())  # PIL's table lookup: ~4x faster than indexing 8 Mpx in numpy
    out.info.update(im.info)
    return out


def binarize(im: Image.Image) -> Image.Image:
    """Global Otsu threshold to black/white (kept as mode L so every engine accepts it)."""
    a = np.asarray(im.convert("L"))
    t = _otsu_threshold(a)
    out = Image.fromarray(np.where(a > t, 255, 0).astype(np.uint8), "L")
    out.info.update(im.info)
    return out


def _long_runs(mask: np.ndarray, run: int) -> np.ndarray:
    """Pixels of `mask` lying on a horizontal run of at least `run` consecutive True pixels."""
    h, w = mask.shape
    if w < run:
        return np.zeros_like(mask)
    c = np.zeros((h, w + 1), np.int32)
    np.cumsum(mask, axis=1, dtype=np.int32, out=c[:, 1:])
    full = (c[:, run:] - c[:, :-run]) == run  # the window starting at column j is all ink
    edges = np.zeros((h, w + 1), np.int32)
    edges[:, : full.shape[1]] += full
    edges[:, run : run + full.shape[1]] -= full
    return np.cumsum(edges, axis=1)[:, :w] > 0


def remove_rules(im: Image.Image, min_run_mm: float = 6.0) -> Image.Image:
    """Whiten long horizontal and vertical ink runs (table rules, underlines) before OCR.

    Table borders come back from Tesseract as `|`, `_` and `[` glued to cell text, and they change
    how layout analysis splits a table into blocks. A run of ink longer than ~6 mm is no letter
    stroke at 13 pt. Detection runs on every second pixel (rules are ≥ 2 px thick at 300 dpi), which
    makes the step ~4x cheaper; the mask is scaled back and grown by a pixel for anti-aliased edges.
    """
    g = im.convert("L")
    dpi = float(im.info.get("dpi", (DEFAULT_DPI, DEFAULT_DPI))[0] or DEFAULT_DPI)
    a = np.asarray(g)
    dark = (a <= min(_otsu_threshold(a[::4, ::4]), 200))[::2, ::2]
    run = max(10, round(min_run_mm / 25.4 * dpi / 2))
    small = _long_runs(dark, run) | _long_runs(dark.T, run).T
    if not small.any():
        return im
    rules = np.repeat(np.repeat(small, 2, axis=0), 2, axis=1)[: a.shape[0], : a.shape[1]]
    grown = rules.copy()
    grown[1:, :] |= rules[:-1, :]
    grown[:-1, :] |= rules[1:, :]
    grown[:, 1:] |= rules[:, :-1]
    grown[:, :-1] |= rules[:, 1:]
    b = a.copy()
    b[grown] = 255
    out = Image.fromarray(b, "L")
    out.info.update(im.info)
    return out


STEPS: dict[str, Callable[[Image.Image], Image.Image]] = {
    "gray": to_gray,
    "flatten": flatten_background,
    "deskew": deskew,
    "denoise": denoise,
    "levels": stretch_levels,
    "binarize": binarize,
    "unrule": remove_rules,
}
# Chosen with `scripts/bench_ocr.py --ablation` on 16 rendered pages × clean/mild/harsh: each kept step
# lowers harsh CER and leaves clean/mild unchanged (flatten and levels gate themselves off on even,
# low-noise pages; deskew skips angles < 0.3°). denoise, binarize and unrule are available but off:
# mixed results for 0.1–0.5 s per page (see the report in the bench's docstring).
# levels runs before deskew: its gate measures the scan's pixel noise, which rotation's interpolation
# smooths (σ 3.2 → 2.1 on a harsh page, under the gate's 2.5), so after deskew it could switch itself off
# on pages that need it.
DEFAULT_STEPS: tuple[str, ...] = ("gray", "flatten", "levels", "deskew")


def preprocess(im: Image.Image, steps: Sequence[str] = DEFAULT_STEPS) -> Image.Image:
    for name in steps:
        try:
            im = STEPS[name](im)
        except KeyError:
            raise ValueError(f"unknown preprocessing step {name!r}; known: {', '.join(STEPS)}") from None
    return im


# --------------------------------------------------------------------------- text cleanup

# Characters Tesseract `vie` emits that never occur in Vietnamese administrative text, with the letter
# meant: Icelandic eth for Đ/đ (≈ 8 % of capital Đ on our renderings).
_CONFUSABLES = str.maketrans({"Ð": "Đ", "ð": "đ"})
_RULE_BITS = re.compile(r"(?<!\S)[|\[\]]+(?!\S)|(?<!\S)[|\[](?=\S)|(?<=\S)\|(?!\S)")


def clean_ocr_text(text: str) -> str:
    """Undo OCR artefacts that cannot be meant: eth for Đ, and table-rule debris (`|`, `[`) standing
    alone or glued to the edge of a cell's word. Line structure and table cells (tabs) are kept."""
    text = text.translate(_CONFUSABLES)
    lines = [_tidy_line(_RULE_BITS.sub(" ", ln)) for ln in text.split("\n")]
    return "\n".join(lines)


def _tidy_line(line: str) -> str:
    """Spaces collapsed and trimmed; tabs are table cell boundaries (`ocrlayout`) and are kept, empty
    cells included, so a row's figures stay under their column headers."""
    line = re.sub(r" *\t *", "\t", re.sub(r" {2,}", " ", line))
    return line.strip(" ")


# --------------------------------------------------------------------------- pages


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
    timeout: float = DEFAULT_TIMEOUT,
    steps: Sequence[str] = DEFAULT_STEPS,
    clean: bool = True,
    reread_engine: OcrEngine | None = None,
) -> Page:
    """OCR one page image into a `Page` (source "ocr").

    Status: `ok`; `empty` when the engine found no text (a blank page); `ocr_timeout` when the time
    limit was hit; `ocr_failed` when the engine failed on this image. The last two have empty text
    and are logged here; the ingest must turn them into error rows. `OcrUnavailable` propagates.

    After the layout, figures the recognizer was unsure of are read a second time, digits only
    (`ocrreread`, with `reread_engine`; by default Tesseract's, when `engine` is Tesseract), and then
    number tokens are repaired where the format decides (`ocrfix`).
    """
    engine = engine or default_engine()
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
    from pipeline import ocrfix, ocrlayout, ocrreread

    layout = ocrlayout.lay_out_words(result)
    text = clean_ocr_text(layout.text) if clean else layout.text
    confidences = ocrfix.token_confidences(text, layout.words)
    repairs: tuple[TokenRepair, ...] = ()
    again: tuple[TokenRepair, ...] = ()
    if clean:
        if reread_engine is None and isinstance(engine, TesseractEngine):
            reread_engine = ocrreread.digit_engine()
        if reread_engine is not None:
            left = timeout - (time.perf_counter() - t0) if timeout > 0 else 0
            try:
                text, confidences, again = ocrreread.reread_tokens(
                    prepared, text, confidences, ocrfix.token_words(text, layout.words), reread_engine,
                    timeout=max(left, 1.0) if timeout > 0 else 0,
                )
            except OcrError as e:  # the first reading stands (OcrUnavailable: no `eng` data)
                log.warning("page %d: second reading of figures failed: %s", number, e)
        text, confidences, repairs = ocrfix.repair_tokens(text, confidences, again)
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
    import pypdfium2 as pdfium

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
    timeout: float = DEFAULT_TIMEOUT,
    steps: Sequence[str] = DEFAULT_STEPS,
) -> Page:
    """OCR page `page_index` (0-based) of a PDF given as bytes; returns Page(number=page_index+1)."""
    image = render_pdf_page(data, page_index, dpi=dpi)
    return ocr_image(image, page_index + 1, engine=engine, timeout=timeout, steps=steps)
