"""Page images as a scanner gives them: rasterized, then degraded (skew, noise, blur, light, stamp) per level."""

from __future__ import annotations

import hashlib
import io
import math

import numpy as np
from PIL import Image, ImageDraw, ImageFilter

from pipeline.devtools.render.model import LEVELS, SCAN_DPI


def _rng(*parts: object) -> np.random.Generator:
    seed = int.from_bytes(hashlib.blake2b("\x1f".join(map(str, parts)).encode(), digest_size=8).digest())
    return np.random.default_rng(seed)


def rasterize_pdf(pdf: bytes, dpi: int = SCAN_DPI) -> list[Image.Image]:
    """Each page as an 8-bit grey image, as a flatbed scanner set to 300 dpi greyscale would give."""
    # pypdfium2 is heavy and needed only when rendering: loaded on first use.
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(pdf)
    try:
        return [doc[i].render(scale=dpi / 72, grayscale=True).to_pil().convert("L") for i in range(len(doc))]
    finally:
        doc.close()


def _stamp(size: int, rng: np.random.Generator) -> Image.Image:
    """A round office seal as a scanner in greyscale sees a red one: two rings, a star, ring of ticks."""
    im = Image.new("L", (size, size), 0)  # alpha-like mask: 255 = ink
    d = ImageDraw.Draw(im)
    r = size / 2
    d.ellipse((2, 2, size - 3, size - 3), outline=255, width=max(3, size // 45))
    inner = size * 0.18
    d.ellipse((inner, inner, size - inner, size - inner), outline=255, width=max(2, size // 80))
    # ring of short strokes standing in for the lettering around the seal
    for k in range(48):
        a = 2 * math.pi * k / 48
        if 0.9 < a < 2.2:
            continue  # gap at the bottom as on real seals
        r1, r2 = r * 0.70, r * 0.86
        d.line(
            (r + r1 * math.cos(a), r + r1 * math.sin(a), r + r2 * math.cos(a), r + r2 * math.sin(a)),
            fill=255,
            width=max(2, size // 70),
        )
    pts = []
    for k in range(10):
        a = -math.pi / 2 + k * math.pi / 5
        rr = r * (0.22 if k % 2 == 0 else 0.09)
        pts.append((r + rr * math.cos(a), r + rr * math.sin(a)))
    d.polygon(pts, fill=255)
    return im.rotate(float(rng.uniform(0, 360)), resample=Image.BICUBIC)


def degrade(page: Image.Image, level: str, seed: tuple[object, ...]) -> Image.Image:
    """Make a clean page raster look scanned. `clean` is returned unchanged (a perfect scanner)."""
    if level == "clean":
        return page
    if level not in LEVELS:
        raise ValueError(f"unknown scan level {level!r}; expected one of {', '.join(LEVELS)}")
    rng = _rng(*seed, level)
    harsh = level == "harsh"
    max_angle = 2.5 if harsh else 1.0
    angle = float(rng.uniform(0.4, 1.0) * max_angle * rng.choice([-1.0, 1.0]))
    im = page.rotate(angle, resample=Image.BICUBIC, fillcolor=255)
    im = im.filter(ImageFilter.GaussianBlur(1.1 if harsh else 0.6))
    a = np.asarray(im, dtype=np.float32)
    h, w = a.shape
    if harsh:
        # uneven light: a darker corner fading across the page, as from a bent page or a phone shadow
        yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
        cx, cy = rng.uniform(0, w), rng.uniform(0, h)
        dist = np.hypot(xx - cx, yy - cy) / math.hypot(w, h)
        light = 1.0 - 0.38 * np.clip(1.0 - dist * 1.6, 0, 1)
        a = a * light
        # grey stamp multiplied over the text
        s = int(w * 0.17)
        mask = np.asarray(_stamp(s, rng), dtype=np.float32) / 255.0
        sx = int(rng.uniform(0.45, 0.75) * w)
        sy = int(rng.uniform(0.15, 0.8) * h)
        sl = a[sy : sy + s, sx : sx + s]
        m = mask[: sl.shape[0], : sl.shape[1]]
        sl[...] = sl * (1 - 0.55 * m) + 0 * m
    a = a + rng.normal(0.0, 16.0 if harsh else 7.0, a.shape).astype(np.float32)
    if harsh:  # dust specks
        n = int(h * w * 2e-5)
        ys, xs = rng.integers(0, h - 3, n), rng.integers(0, w - 3, n)
        for dy in range(2):
            for dx in range(2):
                a[ys + dy, xs + dx] = rng.uniform(20, 90, n)
    return Image.fromarray(np.clip(a, 0, 255).astype(np.uint8), "L")


def encode(im: Image.Image, level: str) -> bytes:
    buf = io.BytesIO()
    if level == "clean":
        im.save(buf, "PNG", optimize=False)
    else:
        im.save(buf, "JPEG", quality=70 if level == "mild" else 55)
    return buf.getvalue()


