"""DOCX loader (and legacy .doc through LibreOffice): body text in reading order, tables as TSV.

DOCX has no pages; the body walk (`docxbody`) splits pages at hard page breaks, section breaks and
the breaks Word recorded when it last laid the document out. Styles, numbering and fonts are
resolved by `docxstyles`, a legacy .doc is converted first (`docxconvert`). The package is checked
before python-docx opens it: a zip bomb or a zip that is no Word file is refused with the reason.
"""

from __future__ import annotations

import io
import re
import zipfile
import zlib
from pathlib import Path

from lxml import etree

from pipeline.errors import LoadError
from pipeline.loaders.docxbody import Walker
from pipeline.loaders.docxconvert import OLE2_MAGIC, convert_doc_to_docx
from pipeline.loaders.docxstyles import Context, w
from pipeline.loaders.legacy import fix_legacy_runs, legacy_signature_count
from pipeline.model import Loaded, Page

MAX_XML_BYTES = 256 << 20  # uncompressed XML of a DOCX; real reports are a few MiB


def load_docx(path: Path, data: bytes, *, sha256: str, ocr: str = "auto") -> Loaded:
    """Read a .docx (or a legacy .doc, converted with LibreOffice) into pages of text."""
    del ocr  # a Word file has a text layer by definition
    if data.startswith(OLE2_MAGIC[:4]):
        data = convert_doc_to_docx(data, path)
    pages, warnings = read_docx(data, path)
    return Loaded(path=str(path), sha256=sha256, source_kind="docx", pages=pages, warnings=warnings)


def docx_pages(data: bytes, path: Path | str = "<docx>") -> tuple[Page, ...]:
    """The pages of a DOCX given as bytes (no file access; raises LoadError on a bad package)."""
    return read_docx(data, path)[0]


def read_docx(data: bytes, path: Path | str = "<docx>") -> tuple[tuple[Page, ...], tuple[str, ...]]:
    """The pages of a DOCX given as bytes, and what in it was not read (see `unread_parts`)."""
    document = _open_docx(data, path)
    body = document.element.body
    context = Context.of(document)
    walker = Walker(context)
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
    return pages, tuple(context.unread) + unread_parts(data)


_COMMENT = re.compile(rb"<(?:\w+:)?comment[\s>]")
_SAFE_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, recover=True)


def unread_parts(data: bytes) -> tuple[str, ...]:
    """Parts of the package that hold content the body walk does not read, each said in one line:
    reviewers' comments, endnotes, embedded objects (a spreadsheet, another document) and charts.

    Pictures are not listed: in a report they are the emblem, a seal or a signature, and the figures
    are in the text. Headers and footers are page furniture (the document number is in the body).
    """
    out: list[str] = []
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        names = sorted(zf.namelist())
        if "word/comments.xml" in names:
            n = len(_COMMENT.findall(_member(zf, "word/comments.xml")))
            if n:
                out.append(f"{n} comment(s) in word/comments.xml: reviewers' notes are not read")
        if "word/endnotes.xml" in names:
            n = _endnotes(_member(zf, "word/endnotes.xml"))
            if n:
                out.append(f"{n} endnote(s) in word/endnotes.xml are not read")
        embedded = [n for n in names if n.startswith("word/embeddings/") and not n.endswith("/")]
        if embedded:
            shown = ", ".join(n.removeprefix("word/embeddings/") for n in embedded[:3])
            more = f" and {len(embedded) - 3} more" if len(embedded) > 3 else ""
            out.append(f"{len(embedded)} embedded object(s) are not read: {shown}{more}")
        charts = [n for n in names if n.startswith("word/charts/") and n.endswith(".xml") and n.count("/") == 2]
        if charts:
            out.append(f"{len(charts)} chart(s) are not read (their figures are not in the text)")
    return tuple(out)


def _member(zf: zipfile.ZipFile, name: str) -> bytes:
    try:
        return zf.read(name)
    except (KeyError, zipfile.BadZipFile, OSError, EOFError, zlib.error, NotImplementedError, RuntimeError):
        return b""


def _endnotes(xml: bytes) -> int:
    """Endnotes with text (Word always writes two separator notes)."""
    try:
        root = etree.fromstring(xml, _SAFE_PARSER)
    except etree.XMLSyntaxError:
        return 1 if xml.strip() else 0  # an endnotes part we cannot even parse: something is lost
    if root is None:
        return 0
    notes = [e for e in root.iter(w("endnote")) if e.get(w("type")) in (None, "normal")]
    return sum(1 for e in notes if "".join(e.itertext()).strip())


def _open_docx(data: bytes, path: Path | str):
    # python-docx is imported with the first Word file: text-only and PDF runs never need it
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
