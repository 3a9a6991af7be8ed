"""Normalization: the one text every character offset refers to (`documents.text`).

Reports reach us as text layers, OCR output and Markdown exports of Word files, so the same sentence
arrives in many spellings: decomposed or composed accents, "hoà" or "hòa", `**bold**` and `$\\%$`
markup, footnote numbers glued to figures ("215¹²"), sentences cut by a page break or by the footnotes
printed at the bottom of the page. Extractors and the evaluator must see one spelling, so this stage
decides it once:

- Unicode NFC; Ð (eth, an OCR confusion) becomes Đ; invisible characters go, odd spaces become spaces.
- One tone-mark placement (`pipeline.vietnamese.place_tones`): the traditional one, tone on the first vowel of the open
  syllables oa, oe, uy (hòa, khỏe, thủy), not the newer "hoà, khoẻ, thuỷ". Administrative documents
  overwhelmingly type it ("Ủy ban", "văn hóa": 131 against 9 in the five seed reports),
  so folding changes the fewest characters. The evaluator applies it to gold strings too.
- Markdown/LaTeX markup is removed, keeping what a reader sees: `$373/416 = 89,66\\%$` -> `373/416 =
  89,66%`. Lines that were entirely bold (or Markdown headings) are kept in `NormText.bold_lines`.
- Footnote markers are cut out of the running text and kept as `FootnoteRef`s; footnote bodies that
  interrupt a paragraph are moved after it and listed in `NormText.asides`.
- Lines wrapped inside a sentence (also across a page break) are rejoined; running headers, footers
  and page numbers are dropped; whitespace is tidied, tabs kept as table column separators.

`normalize_fragment` applies the same inline rules to a short string (a gold quote, a name) so that
`normalize_fragment(quote) in normalize(doc).text` holds for quotes copied from the source file.
"""

from __future__ import annotations

from dataclasses import replace

from pipeline.model import FootnoteRef, Loaded, NormText
from pipeline.normalize.join import PRINTED_SOURCES, _join, _line_capacity
from pipeline.normalize.lines import _drop_page_debris, _page_lines, _Para
from pipeline.normalize.markup import _FRAGMENT_EDGE_EMPHASIS, _SENTINEL_BASE, _SENTINEL_RE
from pipeline.ocr.repair import mark_ocr_tokens

__all__ = ["PRINTED_SOURCES", "normalize", "normalize_fragment"]

# --------------------------------------------------------------------------- assembly


def _assemble(paras: list[_Para], n_pages: int, notes: list[str]) -> NormText:
    """Concatenate output lines, take the footnote placeholders out and record every offset."""
    parts: list[str] = []
    pos = 0
    refs: list[FootnoteRef] = []
    asides: list[tuple[int, int]] = []
    bold: list[tuple[int, int]] = []
    page_marks: list[tuple[int, int]] = []
    for para in paras:
        if parts:
            parts.append("\n")
            pos += 1
        text, breaks = para.text, para.breaks
        if not text.isascii() and _SENTINEL_RE.search(text):
            text, breaks = _take_markers(text, breaks, pos, notes, refs)
        page_marks.append((pos, para.page))
        page_marks.extend((pos + off, pg) for off, pg in breaks)
        end = pos + len(text)
        if para.kind == "note":
            asides.append((pos, end))
        if para.bold:
            bold.append((pos, end))
        parts.append(text)
        pos = end
    full = "".join(parts)
    starts = [len(full)] * (n_pages + 1)
    for off, pg in page_marks:
        starts[pg] = min(starts[pg], off)
    for k in range(n_pages - 1, -1, -1):
        starts[k] = min(starts[k], starts[k + 1])
    starts[0] = 0
    return NormText(text=full, page_starts=tuple(starts[:n_pages]), footnotes=tuple(refs),
                    asides=tuple(asides), bold_lines=tuple(bold))


def _take_markers(
    text: str, breaks: list[tuple[int, int]], pos: int, notes: list[str], refs: list[FootnoteRef]
) -> tuple[str, list[tuple[int, int]]]:
    """Remove footnote placeholders from one output line, recording where each stood."""
    found = [m.start() for m in _SENTINEL_RE.finditer(text)]
    for k, at in enumerate(found):
        where = pos + at - k
        number = notes[ord(text[at]) - _SENTINEL_BASE]
        refs.append(FootnoteRef(char_start=where, char_end=where, number=number))
    shifted = [(off - sum(1 for at in found if at < off), pg) for off, pg in breaks]
    return _SENTINEL_RE.sub("", text), shifted


def normalize(loaded: Loaded) -> NormText:
    """The normalized text of a document: one output line per paragraph, pages joined by a newline."""
    notes: list[str] = []

    def sink(number: str) -> str:
        notes.append(number)
        return chr(_SENTINEL_BASE + len(notes) - 1)

    pages = [_page_lines(p.text, k, sink) for k, p in enumerate(loaded.pages)]
    _drop_page_debris(pages)
    printed = bool(loaded.pages) and all(p.source in PRINTED_SOURCES for p in loaded.pages)
    paras = _join(pages, move_notes=True, capacity=_line_capacity(pages, printed=printed))
    norm = _assemble(paras, max(1, len(pages)), notes)
    ocr_pages = tuple(k + 1 for k, p in enumerate(loaded.pages) if p.source == "ocr")
    if not ocr_pages:
        return norm
    return mark_ocr_tokens(replace(norm, ocr_pages=ocr_pages), loaded)


def normalize_fragment(s: str) -> str:
    """The inline rules of `normalize` applied to a short string (a quote copied from the source file).

    Same characters, tone placement, markup and marker removal, spacing and joining of wrapped lines;
    no page debris and no moving of footnotes. Emphasis cut open by the fragment's ends is dropped too.
    """
    paras = _join([_page_lines(s, 0, None)], move_notes=False)
    return _FRAGMENT_EDGE_EMPHASIS.sub("", "\n".join(p.text for p in paras))
