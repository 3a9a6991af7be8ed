"""The text-layer PDF (what a Word \"Save as PDF\" gives) and the image-only PDF of scanned pages."""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from pipeline.devtools.render.model import A4, FONT_DIRS, SCAN_DPI, Block, Layout
from pipeline.devtools.render.source import SUPER_RUN, SUPERSCRIPTS, plain_digits

_FONT_CACHE: dict[str, object] = {}
_SUPER_SCALE = 0.62


class Fonts:
    """Registers Liberation Serif once per process and checks every character has a glyph (no tofu)."""

    def __init__(self) -> None:
        # reportlab is heavy and needed only when rendering: loaded on first use.
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
        if not SUPER_RUN.search(s):
            return self.pdfmetrics.stringWidth(s, font, size)
        w = 0.0
        for part in SUPER_RUN.split(s):
            if part and part[0] in SUPERSCRIPTS:
                w += self.pdfmetrics.stringWidth(plain_digits(part), font, size * _SUPER_SCALE)
            else:
                w += self.pdfmetrics.stringWidth(part, font, size)
        return w

    def draw(self, c: Any, x: float, y: float, s: str, bold: bool, size: float) -> None:
        """Draw a string; superscript digits become small raised digits, as a word processor sets
        footnote references (so PDF text extraction and OCR read them as plain digits)."""
        font = self.bold if bold else self.regular
        for part in SUPER_RUN.split(s):
            if not part:
                continue
            if part[0] in SUPERSCRIPTS:
                digits = plain_digits(part)
                c.setFont(font, size * _SUPER_SCALE)
                c.drawString(x, y + size * 0.38, digits)
                x += self.pdfmetrics.stringWidth(digits, font, size * _SUPER_SCALE)
            else:
                c.setFont(font, size)
                c.drawString(x, y, part)
                x += self.pdfmetrics.stringWidth(part, font, size)


def _wrap(words: list[str], fonts: Fonts, bold: bool, size: float, width: float, indent: float) -> list[str]:
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


def _table_columns(rows: Sequence[Sequence[str]], fonts: Fonts, size: float, width: float) -> list[float]:
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
    blocks: list[Block], layout: Layout, fonts: Fonts, table_pages: set[int] | None = None
) -> tuple[bytes, list[str]]:
    """Lay the blocks out on A4 pages; return the PDF and each page's text exactly as drawn.

    The page truth lists lines top to bottom; a table row contributes its cells left to right,
    each cell's wrapped lines joined by spaces — the reading order an OCR engine should recover.
    Footnote references keep their superscript digits in the truth (they are drawn small and raised;
    a text layer or OCR gives plain digits, or misreads them: compare through `plain_digits`).
    """
    # reportlab is heavy and needed only when rendering: loaded on first use.
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


def images_to_pdf(encoded: Iterable[bytes], dpi: int = SCAN_DPI) -> bytes:
    """An image-only PDF, one page per image at its scan size (JPEG bytes are embedded as they are)."""
    # reportlab is heavy and needed only when rendering: loaded on first use.
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

