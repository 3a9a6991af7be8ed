"""Plain-text loader: strict decoding, one page per form feed, nothing interpreted.

Decoding is strict on purpose. A silently "replaced" byte becomes a wrong letter in a name or a wrong
digit in a figure, and an audit tool must not invent text; a file we cannot decode exactly is refused
with the byte offset and the fix, and lands in `ingest_errors`. Legacy Vietnamese byte encodings
(TCVN3, VNI, Windows-1258) are not guessed here.
"""

from __future__ import annotations

import codecs
import re
from pathlib import Path

from pipeline.errors import LoadError
from pipeline.model import Loaded, Page

# Longest marks first: the UTF-32 LE mark begins with the UTF-16 LE one.
_BOMS: tuple[tuple[bytes, str, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32-le", "UTF-32 LE"),
    (codecs.BOM_UTF32_BE, "utf-32-be", "UTF-32 BE"),
    (codecs.BOM_UTF8, "utf-8", "UTF-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le", "UTF-16 LE"),
    (codecs.BOM_UTF16_BE, "utf-16-be", "UTF-16 BE"),
)
# Control characters other than those text files legitimately carry: tab, line feed, vertical tab
# (Word's manual line break), form feed (page break), carriage return.
_BINARY_CONTROLS = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")
# Beyond this share of other control characters the file is binary data, not text with a stray byte.
_MAX_CONTROL_SHARE = 0.005


def decode_text(data: bytes, path: str) -> str:
    """Bytes to str: a byte-order mark decides the encoding, otherwise the bytes must be valid UTF-8."""
    for bom, codec, label in _BOMS:
        if data.startswith(bom):
            body = data[len(bom):]
            try:
                return body.decode(codec)
            except UnicodeDecodeError as e:
                where = e.start + len(bom)
                raise LoadError(
                    f"starts with a {label} byte-order mark but is not valid {label} at byte {where} "
                    f"({e.reason}); save the file again as UTF-8",
                    path=path,
                ) from e
    nul = data.find(b"\x00")
    if nul != -1:
        hint = (
            "; it looks like UTF-16 without a byte-order mark, save it as UTF-8"
            if _looks_like_bomless_utf16(data)
            else "; this is binary data, not a text file"
        )
        raise LoadError(f"contains a NUL byte at byte {nul}{hint}", path=path)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as e:
        bad = data[e.start:e.start + 4].hex(" ")
        raise LoadError(
            f"not valid UTF-8 at byte {e.start} (bytes {bad}: {e.reason}); save the file as UTF-8 "
            "(a legacy Vietnamese encoding such as TCVN3, VNI or Windows-1258 is not read)",
            path=path,
        ) from e


def _looks_like_bomless_utf16(data: bytes) -> bool:
    """ASCII-heavy UTF-16 has a NUL in every other byte, on one side."""
    sample = data[:4096]
    if len(sample) < 4:
        return False
    even = sample[0::2].count(0)
    odd = sample[1::2].count(0)
    half = len(sample) // 2
    return max(even, odd) > 0.3 * half and min(even, odd) < 0.05 * half


def _check_is_text(text: str, path: str) -> None:
    """Refuse decoded text that holds NULs or many control characters (a mislabelled binary file)."""
    nul = text.find("\x00")
    if nul != -1:
        raise LoadError(f"contains a NUL character at character {nul}; this is binary data, not text",
                        path=path)
    controls = len(_BINARY_CONTROLS.findall(text))
    if controls > _MAX_CONTROL_SHARE * len(text):
        raise LoadError(
            f"holds {controls} control characters in {len(text)} characters; this is binary data, not text",
            path=path,
        )


def split_pages(text: str) -> list[str]:
    """A form feed ends a page; the one that usually closes the last page does not open an empty page."""
    parts = text.split("\f")
    if len(parts) > 1 and not parts[-1].strip():
        parts.pop()
    return parts


def load_text(path: Path, data: bytes, *, sha256: str, ocr: str = "auto") -> Loaded:
    """Decode a .txt/.md file into pages (form feed = page break). `ocr` is accepted and unused."""
    del ocr  # the dispatcher passes it to every loader; plain text is never OCRed
    where = str(path)
    text = decode_text(data, where)
    _check_is_text(text, where)
    parts = split_pages(text)
    if not any(p.strip() for p in parts):
        raise LoadError("holds no text (only whitespace)", path=where)
    pages = tuple(
        Page(number=i, text=part, source="text", status="ok" if part.strip() else "empty")
        for i, part in enumerate(parts, start=1)
    )
    return Loaded(path=where, sha256=sha256, source_kind="text", pages=pages)
