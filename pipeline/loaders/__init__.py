"""Loaders turn a file into pages of raw text; the only stage that reads input files.

`load` dispatches on the file's content where the extension can lie (a PDF renamed .txt, a zero-byte
file), then on the extension. Each loader raises `LoadError` naming the file and the reason.
"""

from __future__ import annotations

import hashlib
import stat
from importlib import import_module
from pathlib import Path

from pipeline.errors import LoadError
from pipeline.limits import check_docx_package, check_pdf_pages, check_size, check_text_bytes
from pipeline.model import Loaded

TEXT_SUFFIXES = {".txt", ".md", ".markdown"}
PDF_SUFFIXES = {".pdf"}
DOCX_SUFFIXES = {".docx", ".doc"}
IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".tif", ".tiff", ".bmp", ".webp"}
SUPPORTED_SUFFIXES = TEXT_SUFFIXES | PDF_SUFFIXES | DOCX_SUFFIXES | IMAGE_SUFFIXES

# suffix group -> "module:function"; imported lazily so a text-only run never imports PDF or OCR code.
_LOADERS = {
    "text": "pipeline.loaders.text:load_text",
    "pdf": "pipeline.loaders.pdf:load_pdf",
    "docx": "pipeline.loaders.docx:load_docx",
    "image": "pipeline.loaders.image:load_image",
}


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def sniff_kind(path: Path, head: bytes) -> str:
    """Which loader fits: magic bytes first, so a mislabelled file goes to the loader that can read it."""
    if head.startswith(b"%PDF"):
        return "pdf"
    if head.startswith(b"PK\x03\x04") and path.suffix.lower() in {".docx", ".doc"}:
        return "docx"
    if head.startswith(b"\xd0\xcf\x11\xe0"):  # OLE2: legacy .doc
        return "docx"
    if head.startswith((b"\x89PNG", b"\xff\xd8\xff", b"II*\x00", b"MM\x00*", b"BM", b"RIFF")):
        return "image"
    suffix = path.suffix.lower()
    if suffix in PDF_SUFFIXES:
        return "pdf"
    if suffix in DOCX_SUFFIXES:
        return "docx"
    if suffix in IMAGE_SUFFIXES:
        return "image"
    return "text"


def _check_package(kind: str, data: bytes, path: Path) -> None:
    """The bounds of schemas/limits.yaml that can be read off a package before any page is loaded."""
    if kind == "pdf":
        import pypdfium2  # only with the first PDF: text-only runs never import it

        try:
            doc = pypdfium2.PdfDocument(data)
        except pypdfium2.PdfiumError:
            return  # the PDF loader says why it cannot be opened
        try:
            check_pdf_pages(len(doc), str(path))
        finally:
            doc.close()
    elif kind == "docx" and data.startswith(b"PK"):
        check_docx_package(data, str(path))


def load(path: Path, *, ocr: str = "auto") -> Loaded:
    """Read one file into a `Loaded`. `ocr` is auto|always|never (used by PDF and image loaders)."""
    path = Path(path)
    try:
        st = path.stat()
        if not stat.S_ISREG(st.st_mode):  # a FIFO would block, a device never end
            raise LoadError("not a regular file", path=str(path))
        check_size(st.st_size, str(path))
        with path.open("rb") as fh:
            head = fh.read(8)
        if sniff_kind(path, head) == "text":  # UTF-8 is at most 4 bytes a character: refused unread
            check_text_bytes(st.st_size, str(path))
        data = path.read_bytes()
    except OSError as e:
        raise LoadError(f"cannot read file: {e.strerror or e}", path=str(path)) from e
    if not data:
        raise LoadError("file is empty (0 bytes)", path=str(path))
    kind = sniff_kind(path, data[:8])
    _check_package(kind, data, path)
    module_name, func_name = _LOADERS[kind].split(":")
    try:
        loader = getattr(import_module(module_name), func_name)
    except ImportError as e:  # a loader not available in this build
        raise LoadError(f"no loader for {kind} files: {e}", path=str(path)) from e
    return loader(path, data, sha256=sha256_of(data), ocr=ocr)
