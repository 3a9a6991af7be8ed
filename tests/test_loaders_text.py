"""The plain-text loader: strict decoding, form feeds as page breaks, clear refusals."""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest

from pipeline.errors import LoadError
from pipeline.loaders import load, sha256_of
from pipeline.loaders.text import load_text

SAMPLE = "Báo cáo tình hình ứng dụng CNTT\nTỷ lệ đạt 87,5%; Đồng Tháp"


def _load(data: bytes, name: str = "bao_cao.txt"):
    return load_text(Path(name), data, sha256=sha256_of(data), ocr="auto")


@pytest.mark.parametrize(
    "data",
    [
        SAMPLE.encode("utf-8"),
        codecs.BOM_UTF8 + SAMPLE.encode("utf-8"),
        codecs.BOM_UTF16_LE + SAMPLE.encode("utf-16-le"),
        codecs.BOM_UTF16_BE + SAMPLE.encode("utf-16-be"),
        codecs.BOM_UTF32_LE + SAMPLE.encode("utf-32-le"),
    ],
    ids=["utf8", "utf8-bom", "utf16le-bom", "utf16be-bom", "utf32le-bom"],
)
def test_every_unicode_encoding_with_its_mark_decodes_to_the_same_text(data: bytes) -> None:
    loaded = _load(data)
    assert loaded.source_kind == "text"
    assert [p.text for p in loaded.pages] == [SAMPLE]
    assert loaded.pages[0].source == "text"


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ("Tỷ lệ ".encode() + b"\xe9t 50%", "not valid UTF-8 at byte 10"),  # a Latin-1 byte
        ("Hà Tĩnh".encode("cp1258", errors="ignore"), "save the file as UTF-8"),
        (codecs.BOM_UTF8 + b"abc \xff\xfe def", "not valid UTF-8 at byte 7"),
        (codecs.BOM_UTF16_LE + b"a\x00\x00\xd8", "not valid UTF-16 LE"),  # a lone surrogate
        (b"PK\x00\x00binary\x00junk" * 20, "NUL byte"),
        ("Báo cáo".encode("utf-16-le"), "UTF-16 without a byte-order mark"),
        (b"\x01\x02\x03\x04 text with many control bytes \x05\x06\x07", "control characters"),
        (b" \n\t\n  ", "no text"),
    ],
    ids=["latin1-byte", "cp1258", "bad-after-bom", "bad-utf16", "nul-bytes", "bomless-utf16",
         "controls", "blank"],
)
def test_undecodable_or_binary_input_is_refused_with_the_reason(data: bytes, expected: str) -> None:
    with pytest.raises(LoadError) as info:
        _load(data, "hong.txt")
    assert expected in info.value.message
    assert info.value.path == "hong.txt"
    assert info.value.stage == "load"


@pytest.mark.parametrize(
    ("text", "pages"),
    [
        ("một trang", ["một trang"]),
        ("trang một\ftrang hai\ftrang ba", ["trang một", "trang hai", "trang ba"]),
        ("trang một\ftrang hai\f", ["trang một", "trang hai"]),  # pdftotext closes every page
        ("trang một\f\ftrang ba", ["trang một", "", "trang ba"]),
    ],
)
def test_form_feed_separates_pages_numbered_from_one(text: str, pages: list[str]) -> None:
    loaded = _load(text.encode())
    assert [p.text for p in loaded.pages] == pages
    assert [p.number for p in loaded.pages] == list(range(1, len(pages) + 1))
    assert [p.status for p in loaded.pages] == ["ok" if p else "empty" for p in pages]


def test_line_endings_and_combining_marks_are_left_for_normalization() -> None:
    raw = "Ho\u0300a\r\nxong"
    assert _load(raw.encode()).pages[0].text == raw


def test_dispatcher_sends_text_files_here_and_keys_them_by_content(tmp_path: Path) -> None:
    a = tmp_path / "a.txt"
    b = tmp_path / "sub" / "b.md"
    b.parent.mkdir()
    a.write_bytes(SAMPLE.encode())
    b.write_bytes(SAMPLE.encode())
    la, lb = load(a), load(b)
    assert la.source_kind == lb.source_kind == "text"
    assert la.doc_id == lb.doc_id  # same bytes, same document
    assert la.path == str(a)
