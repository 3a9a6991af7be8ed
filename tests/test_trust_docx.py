"""DOCX (issue 17 item 11): an entity reference inside a paragraph is dropped, never the text after it."""

from __future__ import annotations

import io
import zipfile

import docx

from pipeline.loaders.docx import docx_pages


def _docx_with_entity() -> bytes:
    d = docx.Document()
    d.add_paragraph("Trong năm có MARK 120 hộ thoát nghèo, đạt 60% kế hoạch.")
    buf = io.BytesIO()
    d.save(buf)
    src = zipfile.ZipFile(io.BytesIO(buf.getvalue()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == "word/document.xml":
                head, sep, rest = data.partition(b"?>")
                dtd = b'<!DOCTYPE w:document [<!ENTITY lbl "nh\xc3\xa3n">]>'
                data = head + sep + dtd + rest.replace(b"MARK", b"&lbl;")
            dst.writestr(info, data)
    return out.getvalue()


def test_an_entity_in_a_paragraph_drops_only_the_entity() -> None:
    text = "\n".join(p.text for p in docx_pages(_docx_with_entity()))
    assert "Trong năm có" in text and "120 hộ thoát nghèo, đạt 60% kế hoạch." in text
