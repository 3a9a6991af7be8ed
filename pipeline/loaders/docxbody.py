"""The DOCX body walked in reading order into page texts: paragraphs, tables as TSV, footnotes.

Why not python-docx's `Document.paragraphs` and `Run.text`: they lose what reports need, so the body
XML is walked directly:
- paragraphs and tables interleaved in body order (content controls and text boxes included,
  tracked deletions, field codes and the VML fallback copies of text boxes excluded);
- automatic list numbers rebuilt (`docxstyles`), since the segmenter needs them;
- data tables as `cell\tcell` rows (merged cells keep the column grid); borderless layout tables
  (the letterhead, the signature block) as one line per cell paragraph, like a PDF reads them;
- legacy-font runs (.VnTime, VNI-Times) converted to Unicode, with .VnTimeH and `w:caps` runs
  upper-cased as Word displays them;
- footnote markers as superscript digits and footnote bodies at the end of their page, the same
  shape a PDF's text layer has, so normalize treats both alike.
Hard page breaks, section breaks and the page breaks Word recorded when it last laid the document
out (`w:lastRenderedPageBreak`) split pages.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from lxml import etree

from pipeline.loaders.docxstyles import Context, Styles, on, val, w
from pipeline.loaders.legacy import convert_legacy, is_legacy_range

MC_NS = "http://schemas.openxmlformats.org/markup-compatibility/2006"
M_NS = "http://schemas.openxmlformats.org/officeDocument/2006/math"
LAYOUT_TABLE_MAX_ROWS = 4
_SUPERSCRIPT = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")



def t_text(t: etree._Element) -> str:
    """The text of a `w:t`: an entity reference inside it (left unresolved, as the parser must) is
    dropped, and the text after it, which lxml keeps as the reference's tail, is kept."""
    return (t.text or "") + "".join(c.tail or "" for c in t)

class _Break:
    """A page break marker in a stream of text pieces; `soft` for Word's last-rendered breaks."""

    __slots__ = ("soft",)

    def __init__(self, soft: bool) -> None:
        self.soft = soft


class _BoldText(str):
    """Text of a bold run; written as Markdown **bold**, which normalize reads as a bold line."""

    __slots__ = ()


_Piece = str | _Break


class Walker:
    """Walks the body into pages of blocks: a paragraph, or a whole table as TSV rows.

    Page text joins blocks with a blank line, as normalize expects of DOCX (one paragraph a line).
    """

    def __init__(self, context: Context) -> None:
        self.ctx = context
        self.pages: list[list[str]] = [[]]
        self.page_notes: list[list[str]] = [[]]
        self.note_numbers: dict[str, int] = {}
        self.capturing = 0  # inside a table cell, text box or footnote: no page breaks there
        self.plain = 0  # inside a data table cell or a footnote: no Markdown emphasis

    # structure ---------------------------------------------------------------------------------
    def body(self, body: etree._Element) -> None:
        for child in body:
            self.block(child)

    def block(self, el: etree._Element) -> None:
        tag = el.tag
        if tag == w("p"):
            self.paragraph(el)
        elif tag == w("tbl"):
            self.table(el)
        elif tag in (w("sdt"), w("customXml")):
            content = el.find(w("sdtContent")) if tag == w("sdt") else el
            for child in content if content is not None else ():
                self.block(child)
        elif tag == f"{{{MC_NS}}}AlternateContent":
            choice = el.find(f"{{{MC_NS}}}Choice")
            for child in choice if choice is not None else ():
                self.block(child)

    def new_page(self) -> None:
        if self.capturing:
            return
        if any(line.strip() for line in self.pages[-1]) or self.page_notes[-1]:
            self.pages.append([])
            self.page_notes.append([])

    def emit_pieces(self, pieces: list[_Piece]) -> None:
        line: list[str] = []
        for piece in pieces:
            if isinstance(piece, _Break):
                if line:
                    self.pages[-1].append(_tidy(_join_marked(line)))
                    line = []
                self.new_page()
            else:
                line.append(piece)
        if line:
            self.pages[-1].append(_tidy(_join_marked(line)))

    def paragraph(self, p: etree._Element) -> None:
        ppr = p.find(w("pPr"))
        if ppr is not None and on(ppr.find(w("pageBreakBefore"))):
            self.new_page()
        pieces = self.inline(p, self.ctx.paragraph_style(p))
        numbering = self.ctx.num_pr(p)
        if numbering is not None:
            label = self.ctx.numbering.label(*numbering)
            if label:
                pieces = _prefix_label(pieces, label)
        level = None if self.plain else self.ctx.heading_level(p)
        if level is not None and any(isinstance(x, str) and x.strip() for x in pieces):
            plain = [str(x) if isinstance(x, str) else x for x in pieces]
            first = next(i for i, x in enumerate(plain) if isinstance(x, str) and x.strip())
            plain[first] = "#" * level + " " + str(plain[first]).lstrip()
            pieces = plain
        self.emit_pieces(pieces)
        sect = ppr.find(w("sectPr")) if ppr is not None else None
        if sect is not None and (val(sect.find(w("type"))) or "nextPage") != "continuous":
            self.new_page()

    def table(self, tbl: etree._Element) -> None:
        rows = [r for r in tbl if r.tag == w("tr")]
        if _is_layout_table(tbl, rows, self.ctx.styles):
            for row in rows:
                for cell in _cells(row):
                    self.pages[-1].extend(self.cell_lines(cell))
            return
        tsv: list[str] = []
        for row in rows:
            cells: list[str] = []
            grid_before = val(row.find(f"{w('trPr')}/{w('gridBefore')}"))
            cells += [""] * (int(grid_before) if grid_before and grid_before.isdigit() else 0)
            for cell in _cells(row):
                tcpr = cell.find(w("tcPr"))
                vmerge = tcpr.find(w("vMerge")) if tcpr is not None else None
                span = val(tcpr.find(w("gridSpan"))) if tcpr is not None else None
                continued = vmerge is not None and val(vmerge) in (None, "continue")
                self.plain += 1
                try:
                    text = "" if continued else " ".join(self.cell_lines(cell))
                finally:
                    self.plain -= 1
                cells.append(re.sub(r"\s+", " ", text).strip())
                cells += [""] * (int(span) - 1 if span and span.isdigit() and int(span) > 1 else 0)
            if any(cells):
                tsv.append("\t".join(cells))
        if tsv:
            self.pages[-1].append("\n".join(tsv))

    def cell_lines(self, cell: etree._Element) -> list[str]:
        """A cell's paragraphs (and nested tables, flattened) as lines of text."""
        return self.capture(cell)

    def capture(self, blocks: Iterable[etree._Element]) -> list[str]:
        """The non-empty lines that some blocks produce, kept off the current page."""
        saved = self.pages[-1]
        self.pages[-1] = []
        self.capturing += 1
        try:
            for child in blocks:
                self.block(child)
            return [line for line in self.pages[-1] if line.strip()]
        finally:
            self.capturing -= 1
            self.pages[-1] = saved

    # runs ------------------------------------------------------------------------------------------
    def inline(self, el: etree._Element, style: str | None) -> list[_Piece]:
        pieces: list[_Piece] = []
        self._inline(el, style, pieces)
        return pieces

    def _inline(self, el: etree._Element, style: str | None, out: list[_Piece]) -> None:
        for child in el:
            tag = child.tag
            if tag == w("r"):
                self.run(child, style, out)
            elif tag in (w("del"), w("moveFrom"), w("pPr"), w("rPr"), f"{{{MC_NS}}}Fallback"):
                continue
            elif tag == f"{{{M_NS}}}t":
                out.append(t_text(child))
            elif isinstance(tag, str):
                self._inline(child, style, out)

    def run(self, r: etree._Element, style: str | None, out: list[_Piece]) -> None:
        encoding, upper, bold = self.ctx.run_format(r, style)
        if encoding and not self.ctx.legacy_ok.get(encoding):
            encoding = None
        rpr = r.find(w("rPr"))
        # A footnote marker typed as digits formatted superscript: glued to a figure as plain digits it
        # would change the figure ("215" + "12" read as 21512), so it keeps its superscript form.
        superscript = rpr is not None and val(rpr.find(w("vertAlign"))) == "superscript"
        text: list[str] = []

        def flush() -> None:
            if text:
                joined = "".join(text)
                if superscript and joined.strip().isdigit():
                    joined = joined.translate(_SUPERSCRIPT)
                rendered = _render_run(joined, encoding, upper)
                out.append(_BoldText(rendered) if bold and not self.plain else rendered)
                text.clear()

        for child in r:
            tag = child.tag
            if tag == w("t"):
                text.append(t_text(child))
            elif tag == w("tab") or tag == w("ptab"):
                text.append("\t")
            elif tag == w("br"):
                kind = child.get(w("type"))
                if kind == "page":
                    flush()
                    out.append(_Break(soft=False))
                else:
                    text.append("\n")
            elif tag == w("cr"):
                text.append("\n")
            elif tag == w("softHyphen"):
                text.append("\u00ad")  # invisible in Unicode fonts, the letter ư in TCVN3 ones
            elif tag == w("noBreakHyphen"):
                text.append("-")
            elif tag == w("lastRenderedPageBreak"):
                flush()
                out.append(_Break(soft=True))
            elif tag == w("footnoteReference"):
                flush()
                out.append(self.footnote_marker(child.get(w("id")) or ""))
            elif tag in (w("drawing"), w("pict"), f"{{{MC_NS}}}AlternateContent", w("object")):
                flush()
                for box in _text_boxes(child):
                    lines = self.capture(box)
                    if lines:
                        out.append("\n" + "\n".join(lines) + "\n")
        flush()

    def footnote_marker(self, note_id: str) -> str:
        note = self.ctx.footnotes.get(note_id)
        if note is None:
            return ""
        number = self.note_numbers.setdefault(note_id, len(self.note_numbers) + 1)
        self.plain += 1
        try:
            body = " ".join(line.strip() for line in self.capture(note))
        finally:
            self.plain -= 1
        marker = str(number).translate(_SUPERSCRIPT)
        self.page_notes[-1].append(f"{marker} {body}".rstrip())
        return marker

    def page_texts(self) -> list[str]:
        out = []
        for blocks, notes in zip(self.pages, self.page_notes, strict=True):
            kept = [b.strip("\n") for b in [*blocks, *notes] if b.strip()]
            out.append(unicodedata.normalize("NFC", "\n\n".join(kept)))
        while len(out) > 1 and not out[-1].strip():
            out.pop()
        return out


def _render_run(text: str, encoding: str | None, upper: bool) -> str:
    if encoding and is_legacy_range(text):
        return convert_legacy(text, encoding, upper=upper)
    text = text.replace("\u00ad", "")
    return text.upper() if upper else text


def _prefix_label(pieces: list[_Piece], label: str) -> list[_Piece]:
    """Put an automatic list label before the paragraph text unless the text already starts with it.

    The label is bold when the whole paragraph is, as Word draws it with the paragraph's format.
    """
    texts = [p for p in pieces if isinstance(p, str)]
    if "".join(texts).lstrip().startswith(label):
        return pieces
    all_bold = all(isinstance(p, _BoldText) for p in texts if p.strip()) and any(p.strip() for p in texts)
    return [_BoldText(f"{label} ") if all_bold else f"{label} ", *pieces]


def _join_marked(pieces: list[str]) -> str:
    """Concatenate run texts, wrapping each stretch of bold runs in ** with the spaces outside."""
    out: list[str] = []
    i = 0
    while i < len(pieces):
        bold = isinstance(pieces[i], _BoldText)
        j = i
        while j < len(pieces) and isinstance(pieces[j], _BoldText) == bold:
            j += 1
        text = "".join(pieces[i:j])
        core = text.strip()
        if bold and core:
            lead = text[: len(text) - len(text.lstrip())]
            trail = text[len(text.rstrip()) :]
            text = f"{lead}**{core}**{trail}"
        out.append(text)
        i = j
    return "".join(out)


def _tidy(line: str) -> str:
    """Tabs used for alignment inside a paragraph: at most one in a row, none at the ends."""
    parts = []
    for segment in line.split("\n"):
        segment = re.sub(r"[ \t]*\t[ \t]*", "\t", segment).strip(" \t")
        parts.append(segment)
    return "\n".join(parts)


def _cells(row: etree._Element) -> Iterable[etree._Element]:
    for child in row:
        if child.tag == w("tc"):
            yield child
        elif child.tag in (w("sdt"), w("customXml")):  # cells wrapped in a content control
            content = child.find(w("sdtContent")) if child.tag == w("sdt") else child
            if content is not None:
                yield from (c for c in content if c.tag == w("tc"))


def _text_boxes(el: etree._Element) -> list[list[etree._Element]]:
    """Paragraphs of each text box inside a drawing, skipping VML fallback copies."""
    boxes: list[list[etree._Element]] = []
    for node in el.iter(w("txbxContent")):
        if any(a.tag == f"{{{MC_NS}}}Fallback" for a in node.iterancestors()):
            continue
        boxes.append([c for c in node if c.tag in (w("p"), w("tbl"))])
    return boxes


_VISIBLE_BORDER = re.compile(r"^(?!nil$|none$).+")


def _is_layout_table(tbl: etree._Element, rows: list[etree._Element], styles: Styles) -> bool:
    """A borderless table of a few rows lays out a letterhead or signature block; it is not data."""
    if not rows or len(rows) > LAYOUT_TABLE_MAX_ROWS:
        return False
    if len(rows) == 1 and len(list(_cells(rows[0]))) == 1:
        return True  # a one-cell frame around text
    tblpr = tbl.find(w("tblPr"))
    style = val(tblpr.find(w("tblStyle"))) if tblpr is not None else None
    if style and re.search(r"grid|lưới|luoi", style, re.IGNORECASE):
        return False
    groups = list(tbl.iter(w("tblBorders"), w("tcBorders")))
    for style_el in styles.chain(style):
        groups += list(style_el.iter(w("tblBorders")))
    for group in groups:
        for side in group:
            if _VISIBLE_BORDER.match(val(side) or "nil") and side.tag not in (w("tl2br"), w("tr2bl")):
                return False
    return True
