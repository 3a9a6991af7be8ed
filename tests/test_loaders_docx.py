"""DOCX loader: body order, tables, list numbers, page breaks, legacy fonts, notes, bad files.

Documents are built here with python-docx, plus raw WordprocessingML where python-docx has no API.
"""

from __future__ import annotations

import io
import shutil
import subprocess
import zipfile
from collections.abc import Callable
from pathlib import Path

import docx
import pytest
from docx.enum.text import WD_BREAK
from docx.oxml import parse_xml

from pipeline.errors import LoadError
from pipeline.loaders import docx as docx_loader
from pipeline.loaders import docxconvert
from pipeline.loaders import load as load_path
from pipeline.loaders.docx import load_docx
from pipeline.loaders.docxstyles import format_number
from pipeline.loaders.legacy import encode_legacy

W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
MC = 'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006"'


def build(fill: Callable[[docx.document.Document], None]) -> bytes:
    document = docx.Document()
    fill(document)
    buf = io.BytesIO()
    document.save(buf)
    return buf.getvalue()


def load(data: bytes, name: str = "test.docx"):
    return load_docx(Path(name), data, sha256="0" * 64)


def blocks(data: bytes, page: int = 0) -> list[str]:
    """The blank-line separated blocks of one page."""
    return load(data).pages[page].text.split("\n\n")


def add_numbering(document, levels: list[tuple[str, str]], *, start: int = 1) -> tuple[str, str]:
    """A list definition with (numFmt, lvlText) per level; returns (abstractNumId, numId)."""
    numbering = document.part.numbering_part.element
    aid = str(90 + len(numbering.findall(".//{*}abstractNum")))
    lvls = "".join(
        f'<w:lvl w:ilvl="{i}"><w:start w:val="{start}"/><w:numFmt w:val="{fmt}"/>'
        f'<w:lvlText w:val="{text}"/></w:lvl>'
        for i, (fmt, text) in enumerate(levels)
    )
    numbering.insert(0, parse_xml(f'<w:abstractNum {W} w:abstractNumId="{aid}">{lvls}</w:abstractNum>'))
    return aid, new_num(document, aid)


def new_num(document, aid: str, *, restart_at: int | None = None) -> str:
    numbering = document.part.numbering_part.element
    nid = str(500 + len(numbering.findall("{*}num")))
    override = (
        f'<w:lvlOverride w:ilvl="0"><w:startOverride w:val="{restart_at}"/></w:lvlOverride>'
        if restart_at is not None
        else ""
    )
    numbering.append(
        parse_xml(f'<w:num {W} w:numId="{nid}"><w:abstractNumId w:val="{aid}"/>{override}</w:num>')
    )
    return nid


def numbered(document, text: str, num_id: str, level: int = 0) -> None:
    p = document.add_paragraph(text)
    p._p.get_or_add_pPr().append(
        parse_xml(f'<w:numPr {W}><w:ilvl w:val="{level}"/><w:numId w:val="{num_id}"/></w:numPr>')
    )


# --------------------------------------------------------------------------------------------------
# structure


def test_paragraphs_and_tables_keep_body_order() -> None:
    def fill(d) -> None:
        d.add_heading("Kết quả thực hiện năm 2024", level=1)
        d.add_paragraph("Đoạn trước bảng nêu tổng số 1.250 hộ.")
        table = d.add_table(rows=3, cols=3)
        table.style = "Table Grid"
        for r, row in enumerate(
            [["STT", "Đơn vị", "Số hộ"], ["1", "Xã An Bình", "750"], ["2", "Xã Tân Hòa", "500"]]
        ):
            for c, value in enumerate(row):
                table.cell(r, c).text = value
        d.add_paragraph("Đoạn sau bảng.")

    assert blocks(build(fill)) == [
        "# Kết quả thực hiện năm 2024",
        "Đoạn trước bảng nêu tổng số 1.250 hộ.",
        "STT\tĐơn vị\tSố hộ\n1\tXã An Bình\t750\n2\tXã Tân Hòa\t500",
        "Đoạn sau bảng.",
    ]


def test_merged_cells_keep_the_column_grid() -> None:
    def fill(d) -> None:
        table = d.add_table(rows=3, cols=3)
        table.style = "Table Grid"
        table.cell(0, 1).merge(table.cell(0, 2)).text = "Kết quả"
        table.cell(0, 0).merge(table.cell(1, 0)).text = "Đơn vị"
        table.cell(1, 1).text, table.cell(1, 2).text = "Số hộ", "Tỷ lệ"
        for c, value in enumerate(["Xã An Bình", "120", "45,5"]):
            table.cell(2, c).text = value

    assert blocks(build(fill)) == ["Đơn vị\tKết quả\t\n\tSố hộ\tTỷ lệ\nXã An Bình\t120\t45,5"]


def test_borderless_letterhead_table_reads_as_lines_not_rows() -> None:
    def fill(d) -> None:
        table = d.add_table(rows=1, cols=2)  # python-docx's default table has no borders
        table.cell(0, 0).text = "ỦY BAN NHÂN DÂN\nHUYỆN AN PHÚ"
        table.cell(0, 0).add_paragraph("Số: 15/BC-UBND")
        table.cell(0, 1).text = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
        table.cell(0, 1).add_paragraph("An Phú, ngày 5 tháng 3 năm 2024")
        d.add_paragraph("BÁO CÁO")

    assert blocks(build(fill)) == [
        "ỦY BAN NHÂN DÂN\nHUYỆN AN PHÚ",
        "Số: 15/BC-UBND",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "An Phú, ngày 5 tháng 3 năm 2024",
        "BÁO CÁO",
    ]


def test_text_box_is_read_once_without_its_fallback_copy() -> None:
    box = (
        f'<w:r {W} {MC}><mc:AlternateContent><mc:Choice Requires="wps"><w:drawing>'
        "<w:txbxContent><w:p><w:r><w:t>Dự thảo lần 2</w:t></w:r></w:p></w:txbxContent>"
        "</w:drawing></mc:Choice><mc:Fallback><w:pict><w:txbxContent><w:p><w:r><w:t>Dự thảo lần 2</w:t>"
        "</w:r></w:p></w:txbxContent></w:pict></mc:Fallback></mc:AlternateContent></w:r>"
    )

    def fill(d) -> None:
        p = d.add_paragraph("Nội dung chính.")
        p._p.append(parse_xml(box))

    text = load(build(fill)).pages[0].text
    assert text.count("Dự thảo lần 2") == 1
    assert text.startswith("Nội dung chính.")


def test_tracked_deletions_and_field_codes_are_not_text() -> None:
    extra = (
        f'<w:del {W} w:id="1" w:author="a"><w:r><w:delText>đã xoá </w:delText></w:r></w:del>'
        f"<w:r {W}><w:instrText> PAGE </w:instrText></w:r>"
        f'<w:ins {W} w:id="2" w:author="a"><w:r><w:t>bổ sung</w:t></w:r></w:ins>'
    )

    def fill(d) -> None:
        p = d.add_paragraph("Nội dung ")
        for el in parse_xml(f"<w:p {W}>{extra}</w:p>"):
            p._p.append(el)

    assert blocks(build(fill)) == ["Nội dung bổ sung"]


def test_headings_and_bold_runs_are_marked_the_way_normalize_reads_them() -> None:
    def fill(d) -> None:
        d.add_heading("Kết quả thực hiện", level=2)
        d.add_paragraph().add_run("I. TÌNH HÌNH CHUNG").bold = True
        p = d.add_paragraph("Có treo biển tên: ")
        p.add_run("Có. ").bold = True
        sign = d.add_paragraph()
        sign.add_run("TM. ỦY BAN NHÂN DÂN").bold = True
        sign.runs[0].add_break()
        sign.add_run("CHỦ TỊCH").bold = True
        table = d.add_table(rows=2, cols=2)
        table.style = "Table Grid"
        table.cell(0, 0).paragraphs[0].add_run("Chỉ tiêu").bold = True  # no markup inside data tables
        table.cell(0, 1).text = "Kết quả"
        table.cell(1, 0).text, table.cell(1, 1).text = "Số hộ", "1.250"

    assert blocks(build(fill)) == [
        "## Kết quả thực hiện",
        "**I. TÌNH HÌNH CHUNG**",
        "Có treo biển tên: **Có.**",
        "**TM. ỦY BAN NHÂN DÂN\nCHỦ TỊCH**",
        "Chỉ tiêu\tKết quả\nSố hộ\t1.250",
    ]


def test_label_of_a_bold_numbered_paragraph_is_bold_too() -> None:
    def fill(d) -> None:
        _, nid = add_numbering(d, [("upperRoman", "%1.")])
        numbered(d, "", nid)
        d.paragraphs[-1].add_run("KẾT QUẢ").bold = True

    assert blocks(build(fill)) == ["**I. KẾT QUẢ**"]


# --------------------------------------------------------------------------------------------------
# list numbers


def test_builtin_numbered_and_bulleted_styles_get_their_labels() -> None:
    def fill(d) -> None:
        d.add_paragraph("Mục tiêu thứ nhất", style="List Number")
        d.add_paragraph("Mục tiêu thứ hai", style="List Number")
        d.add_paragraph("Ghi chú", style="List Bullet")

    assert blocks(build(fill)) == ["1. Mục tiêu thứ nhất", "2. Mục tiêu thứ hai", "• Ghi chú"]


def test_multilevel_letter_and_roman_numbering_is_rebuilt() -> None:
    def fill(d) -> None:
        _, nid = add_numbering(d, [("upperRoman", "%1."), ("decimal", "%1.%2."), ("lowerLetter", "%3)")])
        numbered(d, "Tình hình chung", nid, 0)
        numbered(d, "Kết quả", nid, 1)
        numbered(d, "Hạ tầng", nid, 2)
        numbered(d, "Nhân lực", nid, 2)
        numbered(d, "Tồn tại", nid, 1)
        numbered(d, "Nhiệm vụ", nid, 0)
        numbered(d, "Giải pháp", nid, 1)

    assert blocks(build(fill)) == [
        "I. Tình hình chung",
        "I.1. Kết quả",
        "a) Hạ tầng",
        "b) Nhân lực",
        "I.2. Tồn tại",
        "II. Nhiệm vụ",
        "II.1. Giải pháp",
    ]


def test_new_list_instance_with_start_override_restarts() -> None:
    def fill(d) -> None:
        aid, first = add_numbering(d, [("decimal", "%1.")])
        numbered(d, "một", first)
        numbered(d, "hai", first)
        numbered(d, "lại từ đầu", new_num(d, aid, restart_at=1))

    assert blocks(build(fill)) == ["1. một", "2. hai", "1. lại từ đầu"]


def test_typed_label_is_not_doubled() -> None:
    def fill(d) -> None:
        _, nid = add_numbering(d, [("decimal", "%1.")])
        numbered(d, "1. Đã gõ sẵn số", nid)

    assert blocks(build(fill)) == ["1. Đã gõ sẵn số"]


@pytest.mark.parametrize(
    ("n", "fmt", "expected"),
    [(4, "upperRoman", "IV"), (14, "lowerRoman", "xiv"), (3, "lowerLetter", "c"), (27, "upperLetter", "AA"),
     (7, "decimalZero", "07"), (12, "decimal", "12"), (5, "ordinal", "5")],
)  # fmt: skip
def test_format_number(n: int, fmt: str, expected: str) -> None:
    assert format_number(n, fmt) == expected


# --------------------------------------------------------------------------------------------------
# pages


def test_page_breaks_split_pages_without_empty_pages() -> None:
    soft = f"<w:r {W}><w:lastRenderedPageBreak/><w:t>Trang ba.</w:t></w:r>"

    def fill(d) -> None:
        p = d.add_paragraph("Trang một.")
        p.add_run().add_break(WD_BREAK.PAGE)
        p.add_run("Trang hai.")
        d.add_paragraph()._p.append(parse_xml(soft))  # Word's recorded page start
        q = d.add_paragraph("Vẫn trang ba.")
        q.add_run().add_break(WD_BREAK.PAGE)
        d.add_paragraph()._p.append(
            parse_xml(f"<w:r {W}><w:lastRenderedPageBreak/><w:t>Trang bốn.</w:t></w:r>")
        )

    loaded = load(build(fill))
    assert [p.text for p in loaded.pages] == [
        "Trang một.",
        "Trang hai.",
        "Trang ba.\n\nVẫn trang ba.",
        "Trang bốn.",
    ]
    assert [p.number for p in loaded.pages] == [1, 2, 3, 4]
    assert loaded.source_kind == "docx"


def test_footnote_marker_is_superscript_and_body_ends_its_page() -> None:
    ref = (
        f'<w:r {W}><w:rPr><w:rStyle w:val="FootnoteReference"/></w:rPr><w:footnoteReference w:id="2"/></w:r>'
    )

    def fill(d) -> None:
        p = d.add_paragraph("Đã ban hành kế hoạch năm 2024")
        p._p.append(parse_xml(ref))
        p.add_run(" để triển khai.")
        d.add_paragraph("Đoạn tiếp theo.")

    data = with_footnote(build(fill), "2", "Kế hoạch số 12/KH-UBND ngày 05/01/2024.")
    assert blocks(data) == [
        "Đã ban hành kế hoạch năm 2024¹ để triển khai.",
        "Đoạn tiếp theo.",
        "¹ Kế hoạch số 12/KH-UBND ngày 05/01/2024.",
    ]


def with_footnote(data: bytes, note_id: str, text: str) -> bytes:
    """Add word/footnotes.xml (separator notes plus one real note) to a saved package."""
    notes = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:footnotes {W}>'
        '<w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:footnote>'
        '<w:footnote w:type="continuationSeparator" w:id="0"><w:p><w:r><w:continuationSeparator/></w:r></w:p>'
        f'</w:footnote><w:footnote w:id="{note_id}"><w:p><w:r><w:footnoteRef/></w:r>'
        f'<w:r><w:t xml:space="preserve"> {text}</w:t></w:r></w:p></w:footnote></w:footnotes>'
    )
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            body = src.read(item.filename)
            if item.filename == "[Content_Types].xml":
                body = body.replace(
                    b"</Types>",
                    b'<Override PartName="/word/footnotes.xml" ContentType="application/'
                    b'vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"/></Types>',
                )
            if item.filename == "word/_rels/document.xml.rels":
                body = body.replace(
                    b"</Relationships>",
                    b'<Relationship Id="rIdNotes1" Type="http://schemas.openxmlformats.org/officeDocument/'
                    b'2006/relationships/footnotes" Target="footnotes.xml"/></Relationships>',
                )
            dst.writestr(item, body)
        dst.writestr("word/footnotes.xml", notes)
    return out.getvalue()


# --------------------------------------------------------------------------------------------------
# legacy fonts and caps


def test_legacy_font_runs_are_converted_and_capital_fonts_upper_cased() -> None:
    def fill(d) -> None:
        d.add_paragraph().add_run(
            encode_legacy("Tổng số hộ được hỗ trợ năm nay", "tcvn3")
        ).font.name = ".VnTime"
        d.add_paragraph().add_run(encode_legacy("báo cáo tổng hợp", "tcvn3")).font.name = ".VnTimeH"
        d.add_paragraph().add_run(encode_legacy("Người dân được hưởng lợi", "vni")).font.name = "VNI-Times"
        p = d.add_paragraph("Phần Unicode, ")
        p.add_run(encode_legacy("phần TCVN3", "tcvn3")).font.name = ".VnArial"

    assert blocks(build(fill)) == [
        "Tổng số hộ được hỗ trợ năm nay",
        "BÁO CÁO TỔNG HỢP",
        "Người dân được hưởng lợi",
        "Phần Unicode, phần TCVN3",
    ]


def test_tcvn3_soft_hyphen_element_is_the_letter_u_horn() -> None:
    run = (
        f'<w:r {W}><w:rPr><w:rFonts w:ascii=".VnTime" w:hAnsi=".VnTime"/></w:rPr>'
        "<w:t>Ch</w:t><w:softHyphen/><w:t>\u00acng</w:t></w:r>"
    )

    def fill(d) -> None:
        d.add_paragraph()._p.append(parse_xml(run))
        d.add_paragraph("Tự động\u00adngắt")  # a real soft hyphen in a Unicode font is invisible

    assert blocks(build(fill)) == ["Chương", "Tự độngngắt"]


def test_unicode_text_in_a_legacy_named_font_is_left_alone() -> None:
    def fill(d) -> None:
        for line in ("Báo cáo kết quả thực hiện nhiệm vụ", "Người dân đồng tình ủng hộ"):
            d.add_paragraph().add_run(line).font.name = ".VnTime"

    assert blocks(build(fill)) == ["Báo cáo kết quả thực hiện nhiệm vụ", "Người dân đồng tình ủng hộ"]


def test_all_caps_formatting_is_applied() -> None:
    def fill(d) -> None:
        d.add_paragraph().add_run("Chữ hoa theo định dạng").font.all_caps = True

    assert blocks(build(fill)) == ["CHỮ HOA THEO ĐỊNH DẠNG"]


# --------------------------------------------------------------------------------------------------
# bad files


def test_not_a_zip_is_a_clear_load_error() -> None:
    with pytest.raises(LoadError, match="not a DOCX"):
        load(b"PK\x03\x04 not really a zip")


def test_zip_without_word_document_is_a_clear_load_error() -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("hello.txt", "xin chào")
    with pytest.raises(LoadError, match="not a Word document"):
        load(buf.getvalue())


def test_corrupt_member_is_a_clear_load_error() -> None:
    data = bytearray(build(lambda d: d.add_paragraph("Nội dung " * 200)))
    start = data.find(b"word/document.xml") + 200  # inside the compressed document part
    data[start : start + 40] = b"\x00" * 40
    with pytest.raises(LoadError):
        load(bytes(data))


def test_empty_document_is_a_load_error() -> None:
    with pytest.raises(LoadError, match="no text"):
        load(build(lambda d: None))


def test_legacy_doc_without_libreoffice_says_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(docxconvert.shutil, "which", lambda name: None)
    with pytest.raises(LoadError, match="libreoffice-writer"):
        load(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504, name="old.doc")


SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")


@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not installed: no real .doc to convert")
def test_real_legacy_doc_is_converted_and_read_even_without_a_home(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def fill(d) -> None:
        d.add_paragraph("I. KẾT QUẢ")
        d.add_paragraph("Bộ phận một cửa tiếp nhận 1.234 hồ sơ, đạt 85,5% kế hoạch năm.")
        d.add_paragraph("1. Cấp xã")
        d.add_paragraph("Các xã giải quyết 2.468 hồ sơ đúng hạn.")

    src = tmp_path / "bao_cao.docx"
    src.write_bytes(build(fill))
    profile = (tmp_path / "lo-profile").as_uri()
    subprocess.run(
        [SOFFICE, f"-env:UserInstallation={profile}", "--headless", "--convert-to", "doc", "--outdir",
         str(tmp_path), str(src)],
        capture_output=True, timeout=180, check=True,
    )  # fmt: skip
    doc_path = tmp_path / "bao_cao.doc"
    assert doc_path.read_bytes().startswith(b"\xd0\xcf\x11\xe0")  # a real OLE2 Word 97 file
    monkeypatch.delenv("HOME", raising=False)  # a service account: LibreOffice must not need one

    loaded = load_path(doc_path)

    text = "\n".join(p.text for p in loaded.pages)
    assert loaded.source_kind == "docx"
    assert "I. KẾT QUẢ" in text
    assert "tiếp nhận 1.234 hồ sơ, đạt 85,5% kế hoạch" in text
    assert "1. Cấp xã\n\nCác xã giải quyết 2.468 hồ sơ đúng hạn." in text


def test_oversized_xml_is_refused_before_parsing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(docx_loader, "MAX_XML_BYTES", 10_000)
    data = build(lambda d: d.add_paragraph("Nội dung lặp lại. " * 2000))
    with pytest.raises(LoadError, match="expand to"):
        load(data)


def test_digits_formatted_superscript_stay_footnote_markers() -> None:
    def fill(d) -> None:
        p = d.add_paragraph("Tiếp nhận 215")
        marker = p.add_run("12")
        marker.font.superscript = True
        p.add_run(" hồ sơ qua bưu chính; năm 2024 tăng 12 hồ sơ.")

    text = "\n".join(blocks(build(fill)))
    assert "215¹² hồ sơ" in text
    assert "tăng 12 hồ sơ" in text  # ordinary digits untouched
