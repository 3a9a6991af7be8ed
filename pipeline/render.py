"""Render the corpus reports into the file kinds the loaders meet in the wild, with known ground truth.

Real reports reach us as text-layer PDFs, scans and DOCX. To measure the loaders and the OCR path we
need those forms of texts whose content we know exactly, so this module lays each `.txt`/`.md` report of
a folder out as an A4 administrative document (Liberation Serif 13 pt, margins after Nghị định
30/2020/NĐ-CP) and writes:

- `<stem>.pdf`              text-layer PDF (what a "Save as PDF" from Word gives);
- `<stem>.scan-<level>.pdf` image-only PDF of 300 dpi page images, `clean`, `mild` (±1°, noise, slight
  blur, JPEG q70) or `harsh` (±2.5°, heavier noise and blur, uneven light, a grey round stamp);
- `<stem>.docx`             headings as bold paragraphs, tab-separated rows as real tables;
- `<stem>.truth`        the text exactly as laid out, pages separated by form feeds, so a page's
                            OCR can be scored against its own page (CER after whitespace folding;
                            superscript footnote digits are kept as such, see `plain_digits`);
- `renders.json`            manifest: file -> source, stem, kind, level, pages.

Everything is deterministic: the noise is seeded from (stem, level, page) and the PDF/DOCX writers are
told to leave out timestamps, so a re-render gives the same bytes and the same benchmark numbers.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import json
import math
import re
import sys
import unicodedata
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image, ImageDraw, ImageFilter

LEVELS = ("clean", "mild", "harsh")
SOURCE_SUFFIXES = (".txt", ".md", ".markdown")
SCAN_DPI = 300

# Liberation 1.x (Debian fonts-liberation) has no Vietnamese letters (ư, ơ, ạ ... are missing);
# Liberation 2.x (fonts-liberation2) has them. Try 2.x first and verify coverage before drawing.
FONT_DIRS = (
    Path("/usr/share/fonts/truetype/liberation2"),
    Path("/usr/share/fonts/truetype/liberation"),
)

MM = 72.0 / 25.4
A4 = (595.2756, 841.8898)  # points


@dataclass(frozen=True, slots=True)
class Layout:
    """Page geometry of a Vietnamese administrative document (Nghị định 30/2020: 13–14 pt, margins)."""

    font_size: float = 13.0
    leading: float = 13.0 * 1.25
    para_space: float = 6.0
    first_indent: float = 10 * MM
    top: float = 20 * MM
    bottom: float = 20 * MM
    left: float = 30 * MM
    right: float = 15 * MM
    page_numbers: bool = True  # centred in the top margin from page 2 on, as the decree asks

    @property
    def width(self) -> float:
        return A4[0] - self.left - self.right


@dataclass(frozen=True, slots=True)
class Block:
    """One laid-out unit of the source: a paragraph line (maybe a heading) or a table."""

    kind: str  # para | table
    text: str = ""
    bold: bool = False
    centered: bool = False
    rows: tuple[tuple[str, ...], ...] = ()


@dataclass(frozen=True, slots=True)
class ManifestEntry:
    file: str  # relative to the output folder
    source: str  # the source report path as given
    stem: str
    kind: str  # text-pdf | scan-pdf | scan-png | docx | truth
    level: str | None  # clean | mild | harsh for scans
    pages: int
    table_pages: tuple[int, ...] = ()  # 1-based pages of the report holding (part of) a table
    page: int | None = None  # for a single-page PNG: which page of the report it shows


# --------------------------------------------------------------------------- source text


def decode_source(data: bytes) -> str:
    """Decode a report: UTF-8 (with or without BOM) or UTF-16 with BOM; NFC so that every letter
    maps to one precomposed glyph (reportlab does no mark positioning)."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        text = data.decode("utf-16")
    elif data.startswith(b"\xef\xbb\xbf"):
        text = data[3:].decode("utf-8")
    else:
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            text = data.decode("utf-8", errors="replace")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return unicodedata.normalize("NFC", text)


_LATEX_SYMBOLS = {
    r"\%": "%",
    r"\times": "×",
    r"\cdot": ".",
    r"\geq": "≥",
    r"\ge": "≥",
    r"\leq": "≤",
    r"\le": "≤",
    r"\approx": "≈",
    r"\pm": "±",
    r"\left": "",
    r"\right": "",
    r"\,": "",
    r"\;": " ",
    r"\ ": " ",
    "{,}": ",",
    "{.}": ".",
}


def _latex_to_text(expr: str) -> str:
    """`$373/416 = 89,66\\%$` → `373/416 = 89,66%`: what a reader of the rendered formula sees."""
    expr = re.sub(r"\\frac\s*\{([^{}]*)\}\s*\{([^{}]*)\}", r"\1/\2", expr)
    expr = re.sub(r"\\(?:text|mathrm|textbf|mathbf|operatorname)\s*\{([^{}]*)\}", r"\1", expr)
    for k, v in _LATEX_SYMBOLS.items():
        expr = expr.replace(k, v)
    expr = re.sub(r"\\[A-Za-z]+", "", expr)  # any other command: drop it
    expr = expr.replace("{", "").replace("}", "").replace("~", " ")
    return re.sub(r"[ \t]+", " ", expr).strip()


def clean_markup(text: str) -> str:
    """Strip the Markdown/LaTeX that converted reports carry, keeping the words and numbers.

    A scan of the printed report shows "Tỷ lệ: 89,66%", not "$89,66\\%$"; the ground truth must be
    what is printed.
    """
    text = re.sub(r"\$\$(.+?)\$\$", lambda m: _latex_to_text(m.group(1)), text, flags=re.S)
    text = re.sub(r"\$([^$\n]+?)\$", lambda m: _latex_to_text(m.group(1)), text)
    out: list[str] = []
    for line in text.split("\n"):
        stripped = line.strip()
        if re.fullmatch(r"\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?", stripped):
            continue  # markdown table rule row
        if stripped.startswith("|") and stripped.endswith("|") and stripped.count("|") >= 3:
            line = "\t".join(c.strip() for c in stripped[1:-1].split("|"))
        line = re.sub(r"^\s{0,3}#{1,6}\s+", "", line)  # ATX heading marks
        line = re.sub(r"^(\s*)[*+]\s+", r"\1- ", line)  # bullets as the dash the documents use
        line = re.sub(r"(\*\*|__)(.+?)\1", r"\2", line)
        line = line.replace("**", "")
        line = re.sub(r"(?<![\w*])\*(?!\s)([^*\n]+?)(?<!\s)\*(?![\w*])", r"\1", line)  # *italic*
        line = re.sub(r"\\([\\`*_{}\[\]()#+\-.!%$])", r"\1", line)  # markdown escapes
        line = re.sub(r"^\s*>\s?", "", line)  # block quotes
        out.append(line.rstrip())
    return "\n".join(out).strip("\n") + "\n"


_NUMBERED_HEADING = re.compile(r"^(?:[IVXLC]+\.|\d+(?:\.\d+)*\.?|[a-zđ]\))\s+\S")


def _is_upper_line(s: str) -> bool:
    letters = [c for c in s if c.isalpha()]
    return len(letters) >= 2 and all(c.isupper() for c in letters)


def bold_lines(raw: str) -> frozenset[str]:
    """Lines a Markdown source wrapped whole in `**…**` (after cleanup): shown bold, as in the original."""
    out = set()
    for line in raw.split("\n"):
        s = line.strip()
        if len(s) > 4 and s.startswith("**") and s.endswith("**") and "**" not in s[2:-2]:
            out.add(re.sub(r"[ \t]+", " ", clean_markup(s).strip()))
    return frozenset(out)


def parse_blocks(text: str, bold_hints: frozenset[str] = frozenset()) -> list[Block]:
    """Split cleaned text into paragraphs (one per source line) and tables (runs of tab-separated lines).

    Layout hints only affect looks: short all-caps lines (national motto, "BÁO CÁO") are bold and
    centred, numbered headings ("II.", "2.1.", "a)") and other all-caps lines are bold.
    """
    blocks: list[Block] = []
    rows: list[tuple[str, ...]] = []

    def flush_table() -> None:
        if rows:
            blocks.append(Block("table", rows=tuple(rows)))
            rows.clear()

    for raw in text.split("\n"):
        line = raw.strip()
        if "\t" in raw and line:
            rows.append(tuple(c.strip() for c in raw.split("\t")))
            continue
        flush_table()
        if not line:
            continue
        line = re.sub(r"[ \t]+", " ", line)
        upper = _is_upper_line(line)
        centered = upper and len(line) <= 60
        bold = upper or line in bold_hints or (bool(_NUMBERED_HEADING.match(line)) and len(line) <= 120)
        blocks.append(Block("para", text=line, bold=bold, centered=centered))
    flush_table()
    return blocks


# --------------------------------------------------------------------------- text-layer PDF


_FONT_CACHE: dict[str, object] = {}
_SUPERSCRIPTS = "⁰¹²³⁴⁵⁶⁷⁸⁹"
_SUPER_RUN = re.compile(f"([{_SUPERSCRIPTS}]+)")
_SUPER_SCALE = 0.62


def plain_digits(s: str) -> str:
    """Superscript digits as the plain digits a text layer or OCR gives for a footnote reference."""
    return s.translate(str.maketrans(_SUPERSCRIPTS, "0123456789"))


class _Fonts:
    """Registers Liberation Serif once per process and checks every character has a glyph (no tofu)."""

    def __init__(self) -> None:
        from reportlab.pdfbase import pdfmetrics
        from reportlab.pdfbase.ttfonts import TTFont

        self.pdfmetrics = pdfmetrics
        if "cmap" not in _FONT_CACHE:
            for d in FONT_DIRS:
                reg, bold = d / "LiberationSerif-Regular.ttf", d / "LiberationSerif-Bold.ttf"
                if not (reg.exists() and bold.exists()):
                    continue
                r, b = TTFont("BaocaoSerif", str(reg)), TTFont("BaocaoSerif-Bold", str(bold))
                if 0x01B0 not in r.face.charToGlyph:  # "ư": Liberation 1.x lacks Vietnamese
                    continue
                pdfmetrics.registerFont(r)
                pdfmetrics.registerFont(b)
                _FONT_CACHE["cmap"] = frozenset(r.face.charToGlyph)
                break
            else:
                raise RuntimeError(
                    "no Liberation Serif with Vietnamese glyphs found; install the Debian package "
                    "fonts-liberation2 (fonts-liberation 1.x lacks ư, ơ, ạ ...)"
                )
        self.regular, self.bold = "BaocaoSerif", "BaocaoSerif-Bold"
        self._cmap: frozenset[int] = _FONT_CACHE["cmap"]  # type: ignore[assignment]

    def check(self, text: str, source: str) -> None:
        text = plain_digits(text)
        missing = sorted({c for c in text if ord(c) > 32 and ord(c) not in self._cmap and c != "\t"})
        if missing:
            raise ValueError(f"{source}: characters without a glyph in Liberation Serif: {''.join(missing)}")

    def width(self, s: str, bold: bool, size: float) -> float:
        font = self.bold if bold else self.regular
        if not _SUPER_RUN.search(s):
            return self.pdfmetrics.stringWidth(s, font, size)
        w = 0.0
        for part in _SUPER_RUN.split(s):
            if part and part[0] in _SUPERSCRIPTS:
                w += self.pdfmetrics.stringWidth(plain_digits(part), font, size * _SUPER_SCALE)
            else:
                w += self.pdfmetrics.stringWidth(part, font, size)
        return w

    def draw(self, c: Any, x: float, y: float, s: str, bold: bool, size: float) -> None:
        """Draw a string; superscript digits become small raised digits, as a word processor sets
        footnote references (so PDF text extraction and OCR read them as plain digits)."""
        font = self.bold if bold else self.regular
        for part in _SUPER_RUN.split(s):
            if not part:
                continue
            if part[0] in _SUPERSCRIPTS:
                digits = plain_digits(part)
                c.setFont(font, size * _SUPER_SCALE)
                c.drawString(x, y + size * 0.38, digits)
                x += self.pdfmetrics.stringWidth(digits, font, size * _SUPER_SCALE)
            else:
                c.setFont(font, size)
                c.drawString(x, y, part)
                x += self.pdfmetrics.stringWidth(part, font, size)


def _wrap(words: list[str], fonts: _Fonts, bold: bool, size: float, width: float, indent: float) -> list[str]:
    """Greedy line breaking at spaces; a word wider than a line is cut by characters."""
    lines: list[str] = []
    cur = ""
    avail = width - indent
    space = fonts.width(" ", bold, size)
    cur_w = 0.0
    for w in words:
        ww = fonts.width(w, bold, size)
        if cur and cur_w + space + ww <= avail:
            cur += " " + w
            cur_w += space + ww
            continue
        if cur:
            lines.append(cur)
            avail = width
        while ww > avail:  # overlong token (URL, long number run): hard cut
            k = len(w)
            while k > 1 and fonts.width(w[:k], bold, size) > avail:
                k -= 1
            lines.append(w[:k])
            w = w[k:]
            ww = fonts.width(w, bold, size)
            avail = width
        cur, cur_w = w, ww
    if cur:
        lines.append(cur)
    return lines or [""]


@dataclass(slots=True)
class _Cell:
    lines: list[str]
    bold: bool


def _table_columns(rows: Sequence[Sequence[str]], fonts: _Fonts, size: float, width: float) -> list[float]:
    ncol = max(len(r) for r in rows)
    pad = 8.0
    natural = [0.0] * ncol
    longest_word = [0.0] * ncol
    for i, r in enumerate(rows):
        bold = i == 0  # the header row is set in bold
        for j, c in enumerate(r):
            natural[j] = max(natural[j], fonts.width(c, bold, size) + pad)
            for w in c.split():
                longest_word[j] = max(longest_word[j], fonts.width(w, bold, size) + pad + 1)
    natural = [max(n, 14.0) for n in natural]
    if sum(natural) <= width:
        return natural
    # shrink the wide columns first, never below their longest word (or an even share)
    floor = [min(max(lw, 14.0), width / ncol) for lw in longest_word]
    cols = list(natural)
    for _ in range(50):
        excess = sum(cols) - width
        if excess <= 0.01:
            break
        slack = [c - f for c, f in zip(cols, floor, strict=True)]
        total_slack = sum(slack)
        if total_slack <= 0:
            cols = [width / ncol] * ncol
            break
        cols = [c - excess * s / total_slack for c, s in zip(cols, slack, strict=True)]
    return cols


def render_text_pdf(
    blocks: list[Block], layout: Layout, fonts: _Fonts, table_pages: set[int] | None = None
) -> tuple[bytes, list[str]]:
    """Lay the blocks out on A4 pages; return the PDF and each page's text exactly as drawn.

    The page truth lists lines top to bottom; a table row contributes its cells left to right,
    each cell's wrapped lines joined by spaces — the reading order an OCR engine should recover.
    Footnote references keep their superscript digits in the truth (they are drawn small and raised;
    a text layer or OCR gives plain digits, or misreads them: compare through `plain_digits`).
    """
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4, invariant=1, pageCompression=1)
    c.setTitle("")
    c.setAuthor("")
    c.setCreator("baocao render")
    c.setProducer("baocao render")
    size, lead = layout.font_size, layout.leading
    top_y = A4[1] - layout.top
    pages: list[list[str]] = [[]]
    y = top_y

    def new_page() -> None:
        nonlocal y
        c.showPage()
        pages.append([])
        y = top_y
        if layout.page_numbers:
            num = str(len(pages))
            c.setFont(fonts.regular, size)
            c.drawCentredString(layout.left + layout.width / 2, A4[1] - layout.top / 2 - size / 3, num)
            pages[-1].append(num)

    def draw_line(s: str, x: float, bold: bool, justify_to: float | None = None) -> None:
        if justify_to is not None and " " in s:
            words = s.split(" ")
            total = sum(fonts.width(w, bold, size) for w in words)
            gap = (justify_to - total) / (len(words) - 1)
            if gap < fonts.width(" ", bold, size) * 2.5:  # never stretch a loose line absurdly
                xx = x
                for w in words:
                    fonts.draw(c, xx, y, w, bold, size)
                    xx += fonts.width(w, bold, size) + gap
                return
        fonts.draw(c, x, y, s, bold, size)

    for b in blocks:
        if b.kind == "para":
            indent = 0.0 if (b.centered or b.bold) else layout.first_indent
            lines = _wrap(b.text.split(" "), fonts, b.bold, size, layout.width, indent)
            for i, ln in enumerate(lines):
                if y - size < layout.bottom:
                    new_page()
                y -= size
                if b.centered:
                    w = fonts.width(ln, b.bold, size)
                    draw_line(ln, layout.left + (layout.width - w) / 2, b.bold)
                else:
                    x = layout.left + (indent if i == 0 else 0.0)
                    last = i == len(lines) - 1
                    draw_line(ln, x, b.bold, None if last else layout.left + layout.width - x)
                y -= lead - size
                pages[-1].append(ln)
            y -= layout.para_space
        else:
            cols = _table_columns(b.rows, fonts, size - 1, layout.width)
            tsize = size - 1  # tables are set a point smaller, as in most reports
            tlead = tsize * 1.2
            ncol = len(cols)
            for ri, row in enumerate(b.rows):
                cells = [
                    _Cell(
                        _wrap((row[j] if j < len(row) else "").split(), fonts, ri == 0, tsize, cols[j] - 8, 0)
                        if j < len(row) and row[j]
                        else [],
                        ri == 0,
                    )
                    for j in range(ncol)
                ]
                nlines = max(1, *(len(cl.lines) for cl in cells))
                h = nlines * tlead + 6
                if y - h < layout.bottom:
                    new_page()
                x = layout.left
                c.setLineWidth(0.6)
                for j, cl in enumerate(cells):
                    c.rect(x, y - h, cols[j], h, stroke=1, fill=0)
                    for k, ln in enumerate(cl.lines):
                        fonts.draw(c, x + 4, y - 3 - tsize - k * tlead + 2, ln, cl.bold, tsize)
                    x += cols[j]
                y -= h
                if table_pages is not None:
                    table_pages.add(len(pages))
                truth = " ".join(" ".join(cl.lines) for cl in cells if cl.lines)
                if truth:
                    pages[-1].append(truth)
            y -= layout.para_space + 4
    c.showPage()
    c.save()
    return buf.getvalue(), ["\n".join(p) for p in pages]


# --------------------------------------------------------------------------- scans


def _rng(*parts: object) -> np.random.Generator:
    seed = int.from_bytes(hashlib.blake2b("\x1f".join(map(str, parts)).encode(), digest_size=8).digest())
    return np.random.default_rng(seed)


def rasterize_pdf(pdf: bytes, dpi: int = SCAN_DPI) -> list[Image.Image]:
    """Each page as an 8-bit grey image, as a flatbed scanner set to 300 dpi greyscale would give."""
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


def _encode(im: Image.Image, level: str) -> bytes:
    buf = io.BytesIO()
    if level == "clean":
        im.save(buf, "PNG", optimize=False)
    else:
        im.save(buf, "JPEG", quality=70 if level == "mild" else 55)
    return buf.getvalue()


def images_to_pdf(encoded: Iterable[bytes], dpi: int = SCAN_DPI) -> bytes:
    """An image-only PDF, one page per image at its scan size (JPEG bytes are embedded as they are)."""
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    c = canvas.Canvas(buf, invariant=1, pageCompression=1)
    c.setCreator("baocao render")
    c.setProducer("baocao render")
    for data in encoded:
        reader = ImageReader(io.BytesIO(data))
        w, h = reader.getSize()
        pw, ph = w * 72 / dpi, h * 72 / dpi
        c.setPageSize((pw, ph))
        c.drawImage(reader, 0, 0, pw, ph)
        c.showPage()
    c.save()
    return buf.getvalue()


# --------------------------------------------------------------------------- DOCX


def render_docx(blocks: list[Block], layout: Layout) -> bytes:
    """A Word file as offices produce them: Times New Roman 13, bold headings, grid tables."""
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Mm, Pt

    doc = Document()
    sec = doc.sections[0]
    sec.page_width, sec.page_height = Mm(210), Mm(297)
    sec.top_margin, sec.bottom_margin = Mm(20), Mm(20)
    sec.left_margin, sec.right_margin = Mm(30), Mm(15)
    normal = doc.styles["Normal"]
    normal.font.name = "Times New Roman"
    normal.font.size = Pt(layout.font_size)
    for b in blocks:
        if b.kind == "para":
            p = doc.add_paragraph()
            _add_runs(p, b.text, b.bold)
            if b.centered:
                p.alignment = WD_ALIGN_PARAGRAPH.CENTER
            elif not b.bold:
                p.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
                p.paragraph_format.first_line_indent = Mm(10)
        else:
            ncol = max(len(r) for r in b.rows)
            t = doc.add_table(rows=len(b.rows), cols=ncol)
            t.style = "Table Grid"
            for i, row in enumerate(b.rows):
                for j in range(ncol):
                    _add_runs(t.cell(i, j).paragraphs[0], row[j] if j < len(row) else "", i == 0)
    cp = doc.core_properties
    from datetime import datetime

    fixed = datetime(2000, 1, 1)
    cp.created = cp.modified = fixed
    cp.author = cp.last_modified_by = "baocao render"
    cp.revision = 1
    buf = io.BytesIO()
    doc.save(buf)
    return _fixed_zip_times(buf.getvalue())


def _add_runs(paragraph: Any, text: str, bold: bool) -> None:
    """Text as runs; superscript digits become superscript-formatted plain digits, as Word stores them."""
    for part in _SUPER_RUN.split(text):
        if part:
            run = paragraph.add_run(plain_digits(part))
            run.bold = bold
            if part[0] in _SUPERSCRIPTS:
                run.font.superscript = True


def _fixed_zip_times(data: bytes) -> bytes:
    """python-docx stamps zip members with the current time; rewrite them so output is reproducible."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            zi = zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0))
            zi.compress_type = zipfile.ZIP_DEFLATED
            dst.writestr(zi, src.read(info.filename))
    return out.getvalue()


# --------------------------------------------------------------------------- driver


def render_report(
    source: Path,
    out_dir: Path,
    *,
    levels: Sequence[str] = LEVELS,
    png_level: str | None = None,
    docx: bool = True,
    layout: Layout | None = None,
    stem: str | None = None,
) -> list[ManifestEntry]:
    """Render one report into out_dir; return the manifest entries of the files written."""
    layout = layout or Layout()
    stem = stem or source.stem
    raw = decode_source(source.read_bytes())
    text = clean_markup(raw)
    fonts = _Fonts()
    fonts.check(text, str(source))
    blocks = parse_blocks(text, bold_lines(raw))
    out_dir.mkdir(parents=True, exist_ok=True)
    tables: set[int] = set()
    pdf, page_texts = render_text_pdf(blocks, layout, fonts, tables)
    n = len(page_texts)
    entries: list[ManifestEntry] = []

    def write(name: str, data: bytes, kind: str, level: str | None, page: int | None = None) -> None:
        (out_dir / name).write_bytes(data)
        tp = tuple(p for p in sorted(tables) if page in (None, p))
        entries.append(ManifestEntry(name, str(source), stem, kind, level, 1 if page else n, tp, page))

    write(f"{stem}.truth", ("\f".join(page_texts) + "\n").encode("utf-8"), "truth", None)
    write(f"{stem}.pdf", pdf, "text-pdf", None)
    if levels or png_level:
        rasters = rasterize_pdf(pdf)
        for level in dict.fromkeys([*levels, *([png_level] if png_level else [])]):
            scans = [degrade(im, level, (stem, i + 1)) for i, im in enumerate(rasters)]
            if level in levels:
                write(
                    f"{stem}.scan-{level}.pdf",
                    images_to_pdf(_encode(s, level) for s in scans),
                    "scan-pdf",
                    level,
                )
            if level == png_level:
                for i, s in enumerate(scans):
                    buf = io.BytesIO()
                    s.save(buf, "PNG", dpi=(SCAN_DPI, SCAN_DPI))
                    write(f"{stem}.scan-{level}.p{i + 1}.png", buf.getvalue(), "scan-png", level, i + 1)
    if docx:
        write(f"{stem}.docx", render_docx(blocks, layout), "docx", None)
    return entries


def find_sources(src: Path) -> list[Path]:
    """Report files of a folder (recursive), README files excluded, in a stable order."""
    if src.is_file():
        return [src]
    return sorted(
        p
        for p in src.rglob("*")
        if p.is_file() and p.suffix.lower() in SOURCE_SUFFIXES and not p.name.lower().startswith("readme")
    )


def render_corpus(
    src: Path,
    out_dir: Path,
    *,
    levels: Sequence[str] = LEVELS,
    png_level: str | None = None,
    docx: bool = True,
    log: bool = False,
) -> list[ManifestEntry]:
    """Render every report under src and write `renders.json`; returns all manifest entries."""
    entries: list[ManifestEntry] = []
    seen: set[str] = set()
    for path in find_sources(src):
        stem = path.stem if path.stem not in seen else f"{path.stem}{path.suffix.replace('.', '-')}"
        seen.add(stem)
        got = render_report(path, out_dir, levels=levels, png_level=png_level, docx=docx, stem=stem)
        if log:
            print(f"{path}: {got[0].pages} pages, {len(got)} files", file=sys.stderr)
        entries.extend(got)
    out_dir.mkdir(parents=True, exist_ok=True)
    manifest = {"dpi": SCAN_DPI, "files": [asdict(e) for e in entries]}
    (out_dir / "renders.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1) + "\n", "utf-8")
    return entries


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="baocao render", description=__doc__.split("\n\n")[0])
    ap.add_argument("src", nargs="?", default="corpus", type=Path, help="folder or file (default: corpus/)")
    ap.add_argument("--out", default=Path("build/renders"), type=Path, help="default: build/renders/")
    ap.add_argument("--levels", default=",".join(LEVELS), help="scan levels to write, comma-separated ('' for none)")
    ap.add_argument("--png", dest="png_level", choices=LEVELS, help="also write PNG pages of this level")
    ap.add_argument("--no-docx", action="store_true")
    a = ap.parse_args(argv)
    levels = [x for x in a.levels.split(",") if x]
    bad = [x for x in levels if x not in LEVELS]
    if bad:
        ap.error(f"unknown level(s) {', '.join(bad)}; choose from {', '.join(LEVELS)}")
    if not a.src.exists():
        ap.error(f"{a.src}: no such file or folder")
    entries = render_corpus(a.src, a.out, levels=levels, png_level=a.png_level, docx=not a.no_docx, log=True)
    n_src = len({e.source for e in entries})
    print(f"rendered {n_src} reports into {len(entries)} files under {a.out}/ (manifest renders.json)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
