"""DOCX (issue 17 item 11): an entity reference inside a paragraph is dropped, never the text after it;
what is not read (an unreadable footnotes part, comments, an embedded object) is a warning on the document."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import docx
import duckdb

from pipeline.ingest import ingest
from pipeline.loaders.docx import docx_pages, read_docx


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


_FOOTNOTES_REL = ('<Relationship Id="rId90" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
                  'footnotes" Target="footnotes.xml"/></Relationships>')
_COMMENTS = ('<?xml version="1.0" encoding="UTF-8"?><w:comments xmlns:w="http://schemas.openxmlformats.org/'
             'wordprocessingml/2006/main"><w:comment w:id="0"><w:p><w:r><w:t>Kiểm tra lại số liệu</w:t></w:r></w:p>'
             '</w:comment><w:comment w:id="1"><w:p><w:r><w:t>Bổ sung</w:t></w:r></w:p></w:comment></w:comments>')


def _docx_with_unread_parts() -> bytes:
    """A report whose footnotes part is no XML, with reviewers' comments and an embedded workbook."""
    d = docx.Document()
    d.add_paragraph("Năm 2024 toàn xã có 450 hộ, trong đó 45 hộ nghèo, chiếm 10%.")
    buf = io.BytesIO()
    d.save(buf)
    src = zipfile.ZipFile(io.BytesIO(buf.getvalue()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == "word/_rels/document.xml.rels":
                data = data.replace(b"</Relationships>", _FOOTNOTES_REL.encode())
            dst.writestr(info, data)
        dst.writestr("word/footnotes.xml", b"\x00\x01 this is no XML")
        dst.writestr("word/comments.xml", _COMMENTS.encode())
        dst.writestr("word/embeddings/Bang_so_lieu.xlsx", b"PK\x03\x04 a workbook")
    return out.getvalue()


def test_parts_of_a_docx_not_read_are_warnings_never_silent() -> None:
    pages, warnings = read_docx(_docx_with_unread_parts())
    assert "45 hộ nghèo, chiếm 10%" in pages[0].text
    assert len(warnings) == 3, warnings
    footnotes, comments, embedded = warnings
    assert footnotes.startswith("the footnotes (word/footnotes.xml) are not read")
    assert comments.startswith("2 comment(s) in word/comments.xml")
    assert embedded == "1 embedded object(s) are not read: Bang_so_lieu.xlsx"
    plain = docx.Document()
    plain.add_paragraph("Năm 2024 toàn xã có 450 hộ.")
    buf = io.BytesIO()
    plain.save(buf)
    assert read_docx(buf.getvalue())[1] == ()  # a plain report: nothing to say


def test_an_ingested_docx_keeps_its_text_and_records_what_was_not_read(tmp_path: Path) -> None:
    (tmp_path / "bao_cao.docx").write_bytes(_docx_with_unread_parts())
    db = tmp_path / "w.duckdb"
    summary = ingest([tmp_path / "bao_cao.docx"], db, workers=1)
    assert (summary.documents, summary.errors) == (1, 0)  # stored: a warning is no failure
    con = duckdb.connect(str(db), read_only=True)
    try:
        rows = con.execute("SELECT stage, error FROM ingest_errors ORDER BY error").fetchall()
        facts = con.execute("SELECT count(*) FROM facts").fetchone()[0]
    finally:
        con.close()
    assert facts >= 2
    assert [stage for stage, _ in rows] == ["load"] * 3
    assert all(e.startswith("warning: ") for _, e in rows)
