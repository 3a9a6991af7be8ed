"""Preprocessing of a page image before OCR: grey, flattened background, stretched levels, deskew.

Small pure functions; which of them run by default is decided by scripts/bench_ocr.py (see
DEFAULT_STEPS). Each takes and returns a PIL image and keeps image.info (the dpi).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

import numpy as np
from PIL import Image, ImageFilter, ImageMath, ImageOps

from pipeline.ocr.types import DEFAULT_DPI


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
    import cv2  # OpenCV costs ~0.1 s to import and only a page that needs turning uses it

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
