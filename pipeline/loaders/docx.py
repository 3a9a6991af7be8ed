"""DOCX loader (and legacy .doc through LibreOffice): body text in reading order, tables as TSV.

python-docx opens the package, but its `Document.paragraphs` and `Run.text` lose what reports
need, so the body XML is walked directly:
- paragraphs and tables interleaved in body order (content controls and text boxes included,
  tracked deletions, field codes and the VML fallback copies of text boxes excluded);
- automatic list numbers ("1.", "a)", "II.") rebuilt from numbering.xml, since Word does not
  store them in the text and the segmenter needs them;
- data tables as `cell\\tcell` rows (merged cells keep the column grid); borderless layout tables
  (the letterhead, the signature block) as one line per cell paragraph, like a PDF reads them;
- legacy-font runs (.VnTime, VNI-Times) converted to Unicode, with .VnTimeH and `w:caps` runs
  upper-cased as Word displays them;
- footnote markers as superscript digits and footnote bodies at the end of their page, the same
  shape a PDF's text layer has, so normalize treats both alike.
DOCX has no pages; hard page breaks, section breaks and the page breaks Word recorded when it last
laid the document out (`w:lastRenderedPageBreak`) split pages.
"""

from __future__ import annotations

import contextlib
import io
import os
import re
import shutil
import signal
import subprocess
import tempfile
import unicodedata
import zipfile
import zlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from pipeline.errors import LoadError
from pipeline.loaders.legacy import (
    ENCODINGS,
    convert_legacy,
    fix_legacy_runs,
    is_legacy_range,
    legacy_font_encoding,
    legacy_signature_count,
)
from pipeline.loaders.syllables import syllable_share
from pipeline.model import Loaded, Page

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
MC_NS = "http://schemas.openxmlformats.org/markup-compatibility/2006"
M_NS = "http://schemas.openxmlformats.org/officeDocument/2006/math"
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
SOFFICE_TIMEOUT = 180  # seconds for one .doc -> .docx conversion
FOOTNOTES_REL = "/footnotes"
_SUPERSCRIPT = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")
LAYOUT_TABLE_MAX_ROWS = 4
MAX_XML_BYTES = 256 << 20  # uncompressed XML of a DOCX; real reports are a few MiB


_TO_SUPERSCRIPT = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")


def w(tag: str) -> str:
    return f"{{{W_NS}}}{tag}"


def _val(el: etree._Element | None, attr: str = "val") -> str | None:
    return None if el is None else el.get(w(attr))


def _on(el: etree._Element | None) -> bool | None:
    """A Word on/off property: absent -> None, present -> its val (default on)."""
    if el is None:
        return None
    return _val(el) not in {"0", "false", "off"}


# --------------------------------------------------------------------------------------------------
# entry point


def load_docx(path: Path, data: bytes, *, sha256: str, ocr: str = "auto") -> Loaded:
    """Read a .docx (or a legacy .doc, converted with LibreOffice) into pages of text."""
    del ocr  # a Word file has a text layer by definition
    if data.startswith(OLE2_MAGIC[:4]):
        data = convert_doc_to_docx(data, path)
    pages = docx_pages(data, path)
    return Loaded(path=str(path), sha256=sha256, source_kind="docx", pages=pages)


def docx_pages(data: bytes, path: Path | str = "<docx>") -> tuple[Page, ...]:
    """The pages of a DOCX given as bytes (no file access; raises LoadError on a bad package)."""
    document = _open_docx(data, path)
    body = document.element.body
    context = _Context.of(document)
    walker = _Walker(context)
    walker.body(body)
    texts = walker.page_texts()
    if any(legacy_signature_count(t) for t in texts):  # legacy text in fonts we did not recognise
        texts = [fix_legacy_runs(t) for t in texts]
    pages = tuple(
        Page(number=i + 1, text=t, source="text_layer", status="ok" if t.strip() else "empty")
        for i, t in enumerate(texts)
    )
    if not any(p.text.strip() for p in pages):
        raise LoadError("Word document contains no text", path=str(path))
    return pages


def _open_docx(data: bytes, path: Path | str):
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise LoadError("not a Word document: the file is not a DOCX (zip) package", path=str(path))
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            infos = zf.infolist()
    except (zipfile.BadZipFile, OSError, EOFError) as e:
        raise LoadError(f"damaged DOCX package: {e}", path=str(path)) from e
    names = {i.filename for i in infos}
    if "word/document.xml" not in names and "[Content_Types].xml" not in names:
        raise LoadError("not a Word document: a zip without word/document.xml", path=str(path))
    xml_size = sum(i.file_size for i in infos if i.filename.endswith((".xml", ".rels")))
    if xml_size > MAX_XML_BYTES:  # a zip bomb, or no report we could read in bounded time
        raise LoadError(
            f"DOCX text parts expand to {xml_size >> 20} MiB (limit {MAX_XML_BYTES >> 20})", path=str(path)
        )
    try:
        return docx.Document(io.BytesIO(data))
    except (
        PackageNotFoundError,
        KeyError,
        ValueError,
        zipfile.BadZipFile,
        zlib.error,
        EOFError,
        etree.XMLSyntaxError,
    ) as e:
        raise LoadError(f"not a readable Word document: {e}", path=str(path)) from e


def convert_doc_to_docx(data: bytes, path: Path | str, *, timeout: float = SOFFICE_TIMEOUT) -> bytes:
    """Legacy Word .doc (OLE2) -> .docx bytes through a headless LibreOffice, within `timeout`."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        raise LoadError("legacy .doc needs LibreOffice (apt-get install libreoffice-writer)", path=str(path))
    with tempfile.TemporaryDirectory(prefix="baocao-doc-") as tmp:
        src = Path(tmp) / "input.doc"
        src.write_bytes(data)
        # A private profile per call: parallel workers must not share one, and HOME may be unset or
        # read-only (a service account); LibreOffice writes its profile there, not under HOME.
        profile = Path(tmp) / "profile"
        cmd = [
            soffice,
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--norestore",
            "--convert-to",
            "docx",
            "--outdir",
            tmp,
            str(src),
        ]
        # soffice is a launcher that starts soffice.bin: run it in a session of its own so that a
        # timeout ends the whole group, not only the launcher (soffice.bin would keep the profile).
        proc = subprocess.Popen(
            cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True
        )
        try:
            proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired as e:
            _kill_group(proc)
            raise LoadError(
                f"LibreOffice did not convert the .doc within {timeout:g} s", path=str(path)
            ) from e
        out = Path(tmp) / "input.docx"
        if not out.exists():
            raise LoadError(
                "LibreOffice could not convert the .doc (damaged or not a Word file)", path=str(path)
            )
        return out.read_bytes()


def _kill_group(proc: subprocess.Popen[bytes]) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()


# --------------------------------------------------------------------------------------------------
# styles, fonts, numbering


@dataclass
class _Styles:
    by_id: dict[str, etree._Element]
    default_paragraph: str | None
    defaults_rpr: etree._Element | None

    @classmethod
    def of(cls, root: etree._Element | None) -> _Styles:
        if root is None:
            return cls({}, None, None)
        by_id: dict[str, etree._Element] = {}
        default_paragraph = None
        for style in root.iter(w("style")):
            sid = style.get(w("styleId"))
            if sid:
                by_id[sid] = style
                is_default = style.get(w("default")) in {"1", "true", "on"}
                if is_default and style.get(w("type")) == "paragraph":
                    default_paragraph = sid
        defaults = root.find(f"{w('docDefaults')}/{w('rPrDefault')}/{w('rPr')}")
        return cls(by_id, default_paragraph, defaults)

    def chain(self, style_id: str | None) -> list[etree._Element]:
        out: list[etree._Element] = []
        seen: set[str] = set()
        while style_id and style_id in self.by_id and style_id not in seen and len(out) < 12:
            seen.add(style_id)
            style = self.by_id[style_id]
            out.append(style)
            style_id = _val(style.find(w("basedOn")))
        return out

    def name(self, style_id: str | None) -> str:
        style = self.by_id.get(style_id or "")
        return (_val(style.find(w("name"))) or "") if style is not None else ""


@dataclass
class _Level:
    start: int
    fmt: str
    text: str
    suffix: str
    legal: bool


@dataclass
class _Numbering:
    levels: dict[str, dict[int, _Level]]  # abstractNumId -> ilvl -> level
    nums: dict[str, str]  # numId -> abstractNumId
    overrides: dict[str, dict[int, int]]  # numId -> ilvl -> start
    counters: dict[str, dict[int, int]] = field(default_factory=dict)
    started: set[str] = field(default_factory=set)

    @classmethod
    def of(cls, root: etree._Element | None) -> _Numbering:
        levels: dict[str, dict[int, _Level]] = {}
        nums: dict[str, str] = {}
        overrides: dict[str, dict[int, int]] = {}
        if root is None:
            return cls(levels, nums, overrides)
        for abstract in root.iter(w("abstractNum")):
            aid = abstract.get(w("abstractNumId")) or ""
            levels[aid] = {}
            for lvl in abstract.iter(w("lvl")):
                levels[aid][int(lvl.get(w("ilvl")) or 0)] = _parse_level(lvl)
        for num in root.iter(w("num")):
            nid = num.get(w("numId")) or ""
            nums[nid] = _val(num.find(w("abstractNumId"))) or ""
            for override in num.iter(w("lvlOverride")):
                start = _val(override.find(w("startOverride")))
                if start is not None and start.lstrip("-").isdigit():
                    overrides.setdefault(nid, {})[int(override.get(w("ilvl")) or 0)] = int(start)
        return cls(levels, nums, overrides)

    def label(self, num_id: str, ilvl: int) -> str | None:
        """The next label of list `num_id` at level `ilvl` ("2.", "b)", "-"), advancing the counters."""
        aid = self.nums.get(num_id)
        if aid is None or aid not in self.levels:
            return None
        levels = self.levels[aid]
        level = levels.get(ilvl)
        if level is None:
            return None
        counters = self.counters.setdefault(aid, {})
        if num_id not in self.started:  # a new list instance may restart its levels
            self.started.add(num_id)
            for lv, start in self.overrides.get(num_id, {}).items():
                counters[lv] = start - 1
        counters[ilvl] = counters.get(ilvl, level.start - 1) + 1
        for deeper in [k for k in counters if k > ilvl]:
            del counters[deeper]
        if level.fmt == "bullet":
            return _bullet(level.text)
        if level.fmt == "none":
            return None

        def substitute(m: re.Match[str]) -> str:
            k = int(m.group(1)) - 1
            lv = levels.get(k)
            if lv is None:
                return ""
            value = counters.get(k, lv.start)
            fmt = "decimal" if level.legal and k < ilvl else lv.fmt
            return format_number(value, fmt)

        text = re.sub(r"%(\d)", substitute, level.text).strip()
        return text or None


def _parse_level(lvl: etree._Element) -> _Level:
    start = _val(lvl.find(w("start")))
    return _Level(
        start=int(start) if start and start.lstrip("-").isdigit() else 1,
        fmt=_val(lvl.find(w("numFmt"))) or "decimal",
        text=_val(lvl.find(w("lvlText"))) or "",
        suffix=_val(lvl.find(w("suff"))) or "tab",
        legal=bool(_on(lvl.find(w("isLgl")))),
    )


def _roman(n: int) -> str:
    if n <= 0 or n >= 4000:
        return str(n)
    out = []
    for value, digits in (
        (1000, "M"),
        (900, "CM"),
        (500, "D"),
        (400, "CD"),
        (100, "C"),
        (90, "XC"),
        (50, "L"),
        (40, "XL"),
        (10, "X"),
        (9, "IX"),
        (5, "V"),
        (4, "IV"),
        (1, "I"),
    ):
        while n >= value:
            out.append(digits)
            n -= value
    return "".join(out)


def _letters(n: int) -> str:
    """Word's letter numbering: a..z, then aa..zz, aaa.. (repeat, not base-26)."""
    if n <= 0:
        return str(n)
    return chr(ord("a") + (n - 1) % 26) * ((n - 1) // 26 + 1)


def format_number(n: int, fmt: str) -> str:
    """A list counter in Word's number format (decimal, lowerLetter, upperRoman, decimalZero...)."""
    if fmt == "lowerLetter":
        return _letters(n)
    if fmt == "upperLetter":
        return _letters(n).upper()
    if fmt == "lowerRoman":
        return _roman(n).lower()
    if fmt == "upperRoman":
        return _roman(n)
    if fmt == "decimalZero":
        return f"{n:02d}"
    return str(n)  # decimal and every format we do not render specially


def _bullet(symbol: str) -> str:
    """A bullet's visible character; Symbol/Wingdings private-use glyphs become "-" "+" or "•"."""
    symbol = symbol.strip()
    if not symbol:
        return "•"
    c = symbol[0]
    if "\uf000" <= c <= "\uf0ff":
        c = chr(ord(c) - 0xF000)
        return c if c in "-+*" else "•"
    if c in "-–+*•·>":
        return "-" if c == "–" else c
    return "•"


@dataclass
class _Context:
    styles: _Styles
    numbering: _Numbering
    footnotes: dict[str, etree._Element]
    legacy_ok: dict[str, bool] = field(default_factory=dict)  # encoding -> its runs really are legacy

    @classmethod
    def of(cls, document) -> _Context:
        part = document.part
        styles_root = None
        try:
            styles_root = part.styles.element  # type: ignore[attr-defined]
        except (KeyError, NotImplementedError, AttributeError):
            styles_root = None
        numbering_root = None
        try:
            numbering_root = part.numbering_part.element
        except (KeyError, NotImplementedError, AttributeError):
            numbering_root = None
        footnotes: dict[str, etree._Element] = {}
        for rel in part.rels.values():
            if rel.reltype.endswith(FOOTNOTES_REL) and not rel.is_external:
                try:
                    root = etree.fromstring(rel.target_part.blob)
                except etree.XMLSyntaxError:
                    continue
                for note in root.iter(w("footnote")):
                    if note.get(w("type")) in (None, "normal"):
                        footnotes[note.get(w("id")) or ""] = note
        context = cls(_Styles.of(styles_root), _Numbering.of(numbering_root), footnotes)
        context.legacy_ok = context._verify_legacy(document.element.body)
        return context

    # fonts -----------------------------------------------------------------------------------
    def run_format(self, run: etree._Element, paragraph_style: str | None) -> tuple[str | None, bool, bool]:
        """(legacy encoding of the run's font or None, upper-case it, bold) for one w:r."""
        rpr = run.find(w("rPr"))
        levels: list[etree._Element] = []
        if rpr is not None:
            levels.append(rpr)
            levels += [s.find(w("rPr")) for s in self.styles.chain(_val(rpr.find(w("rStyle"))))]
        levels += [
            s.find(w("rPr")) for s in self.styles.chain(paragraph_style or self.styles.default_paragraph)
        ]
        if self.styles.defaults_rpr is not None:
            levels.append(self.styles.defaults_rpr)
        font = None
        caps = bold = None
        for level in levels:
            if level is None:
                continue
            fonts = level.find(w("rFonts"))
            if font is None and fonts is not None:
                font = _font_of(fonts)
            if caps is None:
                caps = _on(level.find(w("caps")))
            if bold is None:
                bold = _on(level.find(w("b")))
        encoding, upper_font = legacy_font_encoding(font or None)
        return encoding, bool(caps) or upper_font, bool(bold)

    def heading_level(self, p: etree._Element) -> int | None:
        """1..6 for a heading paragraph (Heading n / Tiêu đề n / Title style, or an outline level)."""
        ppr = p.find(w("pPr"))
        outline = _val(ppr.find(w("outlineLvl"))) if ppr is not None else None
        for style in self.styles.chain(self.paragraph_style(p)):
            name = _val(style.find(w("name"))) or ""
            m = _HEADING_STYLE.match(name.strip())
            if m:
                return min(int(m.group(1) or 1), 6)
            if outline is None:
                spr = style.find(w("pPr"))
                outline = _val(spr.find(w("outlineLvl"))) if spr is not None else None
        if outline is not None and outline.isdigit() and int(outline) < 9:
            return min(int(outline) + 1, 6)
        return None

    def paragraph_style(self, p: etree._Element) -> str | None:
        return _val(p.find(f"{w('pPr')}/{w('pStyle')}")) or self.styles.default_paragraph

    def num_pr(self, p: etree._Element) -> tuple[str, int] | None:
        numpr = p.find(f"{w('pPr')}/{w('numPr')}")
        num_id = _val(numpr.find(w("numId"))) if numpr is not None else None
        ilvl = _val(numpr.find(w("ilvl"))) if numpr is not None else None
        if num_id is None:
            for style in self.styles.chain(self.paragraph_style(p)):
                snum = style.find(f"{w('pPr')}/{w('numPr')}")
                if snum is not None:
                    num_id = _val(snum.find(w("numId")))
                    ilvl = ilvl or _val(snum.find(w("ilvl")))
                    if num_id is not None:
                        break
        if num_id is None or num_id == "0":
            return None
        return num_id, int(ilvl) if ilvl and ilvl.isdigit() else 0

    def _verify_legacy(self, body: etree._Element) -> dict[str, bool]:
        """Does text in legacy-named fonts really read as legacy? Fonts lie after Unicode conversion."""
        samples: dict[str, list[str]] = {enc: [] for enc in ENCODINGS}
        for p in body.iter(w("p")):
            style = self.paragraph_style(p)
            for run in p.iter(w("r")):
                encoding, _, _ = self.run_format(run, style)
                if encoding:
                    samples[encoding].append("".join(t.text or "" for t in run.iter(w("t"))))
        verdict: dict[str, bool] = {}
        for enc, parts in samples.items():
            text = " ".join(parts)
            if not parts or not is_legacy_range(text):
                verdict[enc] = False
                continue
            before, _ = syllable_share(text)
            after, _ = syllable_share(convert_legacy(text, enc))
            verdict[enc] = after >= before - 0.02 or legacy_signature_count(text) > 0
        return verdict


def _font_of(fonts: etree._Element) -> str | None:
    for attr in ("hAnsi", "ascii", "cs"):
        if fonts.get(w(f"{attr}Theme")) is not None and fonts.get(w(attr)) is None:
            return ""  # a theme font: modern, never legacy
        name = fonts.get(w(attr))
        if name:
            return name
    return None


# --------------------------------------------------------------------------------------------------
# the body walker


class _Break:
    """A page break marker in a stream of text pieces; `soft` for Word's last-rendered breaks."""

    __slots__ = ("soft",)

    def __init__(self, soft: bool) -> None:
        self.soft = soft


class _BoldText(str):
    """Text of a bold run; written as Markdown **bold**, which normalize reads as a bold line."""

    __slots__ = ()


_Piece = str | _Break
_HEADING_STYLE = re.compile(r"(?:heading|tiêu đề|title|đề mục)\s*(\d)?$", re.IGNORECASE)


class _Walker:
    """Walks the body into pages of blocks: a paragraph, or a whole table as TSV rows.

    Page text joins blocks with a blank line, as normalize expects of DOCX (one paragraph a line).
    """

    def __init__(self, context: _Context) -> None:
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
        if ppr is not None and _on(ppr.find(w("pageBreakBefore"))):
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
        if sect is not None and (_val(sect.find(w("type"))) or "nextPage") != "continuous":
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
            grid_before = _val(row.find(f"{w('trPr')}/{w('gridBefore')}"))
            cells += [""] * (int(grid_before) if grid_before and grid_before.isdigit() else 0)
            for cell in _cells(row):
                tcpr = cell.find(w("tcPr"))
                vmerge = tcpr.find(w("vMerge")) if tcpr is not None else None
                span = _val(tcpr.find(w("gridSpan"))) if tcpr is not None else None
                continued = vmerge is not None and _val(vmerge) in (None, "continue")
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
                out.append(child.text or "")
            elif isinstance(tag, str):
                self._inline(child, style, out)

    def run(self, r: etree._Element, style: str | None, out: list[_Piece]) -> None:
        encoding, upper, bold = self.ctx.run_format(r, style)
        if encoding and not self.ctx.legacy_ok.get(encoding):
            encoding = None
        rpr = r.find(w("rPr"))
        # A footnote marker typed as digits formatted superscript: glued to a figure as plain digits it
        # would change the figure ("215" + "12" read as 21512), so it keeps its superscript form.
        superscript = rpr is not None and _val(rpr.find(w("vertAlign"))) == "superscript"
        text: list[str] = []

        def flush() -> None:
            if text:
                joined = "".join(text)
                if superscript and joined.strip().isdigit():
                    joined = joined.translate(_TO_SUPERSCRIPT)
                rendered = _render_run(joined, encoding, upper)
                out.append(_BoldText(rendered) if bold and not self.plain else rendered)
                text.clear()

        for child in r:
            tag = child.tag
            if tag == w("t"):
                text.append(child.text or "")
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


def _is_layout_table(tbl: etree._Element, rows: list[etree._Element], styles: _Styles) -> bool:
    """A borderless table of a few rows lays out a letterhead or signature block; it is not data."""
    if not rows or len(rows) > LAYOUT_TABLE_MAX_ROWS:
        return False
    if len(rows) == 1 and len(list(_cells(rows[0]))) == 1:
        return True  # a one-cell frame around text
    tblpr = tbl.find(w("tblPr"))
    style = _val(tblpr.find(w("tblStyle"))) if tblpr is not None else None
    if style and re.search(r"grid|lưới|luoi", style, re.IGNORECASE):
        return False
    groups = list(tbl.iter(w("tblBorders"), w("tcBorders")))
    for style_el in styles.chain(style):
        groups += list(style_el.iter(w("tblBorders")))
    for group in groups:
        for side in group:
            if _VISIBLE_BORDER.match(_val(side) or "nil") and side.tag not in (w("tl2br"), w("tr2bl")):
                return False
    return True
