"""The corpus renderer: markup cleanup, layout truth, the files and manifest it writes."""

from __future__ import annotations

import io
import json
import re

import pytest

from pipeline.devtools import render

FONT_OK = any((d / "LiberationSerif-Regular.ttf").exists() for d in render.FONT_DIRS[:1])
needs_font = pytest.mark.skipif(not FONT_OK, reason="Liberation Serif 2.x missing (apt-get install fonts-liberation2)")

SAMPLE = """**ỦY BAN NHÂN DÂN XÃ HÒA AN**

**BÁO CÁO**
**Kết quả tiếp nhận hồ sơ quý III năm 2024**

I. KẾT QUẢ

Trong quý, xã tiếp nhận **1.532 hồ sơ**, giải quyết đúng hạn 1.498 hồ sơ, đạt $1.498/1.532 = 97,78\\%$.

* Hộ tịch: 812 hồ sơ;
* Chứng thực: 720 hồ sơ.

| STT | Lĩnh vực | Số hồ sơ |
|---|---|---|
| 1 | Hộ tịch | 812 |
| 2 | Chứng thực | 720 |

II. KIẾN NGHỊ

Đề nghị cấp trên bổ sung 02 máy tính cho bộ phận một cửa trong năm 2025¹⁰.
"""


def fold(s: str) -> str:
    return " ".join(s.split())


@pytest.mark.parametrize(
    ("src", "printed"),
    [
        ("**Tổng:** 20 xã", "Tổng: 20 xã"),
        ("đạt $373/416 = 89,66\\%$.", "đạt 373/416 = 89,66%."),
        ("tỷ lệ $\\frac{45}{50} \\times 100 = 90\\%$", "tỷ lệ 45/50 × 100 = 90%"),
        ("$89{,}66\\%$", "89,66%"),
        ("## 2.1. Hạ tầng", "2.1. Hạ tầng"),
        ("* **Cổng TTĐT:** hoạt động", "- Cổng TTĐT: hoạt động"),
        ("*Hòa An, ngày 5 tháng 10 năm 2024*", "Hòa An, ngày 5 tháng 10 năm 2024"),
        ("| 1 | Hộ tịch | 812 |", "1\tHộ tịch\t812"),
        ("diện tích 3 \\* 4 m", "diện tích 3 * 4 m"),
    ],
)
def test_clean_markup_keeps_what_would_be_printed(src, printed):
    assert render.clean_markup(src).strip("\n") == printed


def test_markdown_table_rule_row_is_dropped():
    assert render.clean_markup("| a | b |\n|---|:--:|\n| 1 | 2 |") == "a\tb\n1\t2\n"


@pytest.mark.parametrize(
    "data",
    [
        "Báo cáo số 12".encode("utf-16"),  # with BOM
        b"\xef\xbb\xbf" + "Báo cáo số 12".encode(),
        "Ba\u0301o ca\u0301o số 12".encode(),  # decomposed accents become NFC
    ],
)
def test_decode_source_handles_bom_utf16_and_nfd(data):
    assert render.decode_source(data) == "Báo cáo số 12"


def test_parse_blocks_groups_tab_rows_into_one_table_and_marks_headings():
    blocks = render.parse_blocks("BÁO CÁO\nI. KẾT QUẢ\nMột dòng văn bản.\na\tb\n1\t2\nHết.\n")
    assert [b.kind for b in blocks] == ["para", "para", "para", "table", "para"]
    assert blocks[0].centered and blocks[0].bold
    assert blocks[1].bold and not blocks[2].bold
    assert blocks[3].rows == (("a", "b"), ("1", "2"))


@needs_font
def test_character_without_glyph_fails_loudly(tmp_path):
    src = tmp_path / "x.txt"
    src.write_text("Báo cáo 報告\n", "utf-8")
    with pytest.raises(ValueError, match="without a glyph"):
        render.render_report(src, tmp_path / "out", levels=(), docx=False)


@needs_font
def test_render_writes_every_kind_and_a_manifest(tmp_path):
    import pypdfium2 as pdfium

    src_dir, out = tmp_path / "corpus", tmp_path / "renders"
    src_dir.mkdir()
    (src_dir / "bc_hoa_an.md").write_text(SAMPLE, "utf-8")
    (src_dir / "bc_hoa_an.json").write_text("{}", "utf-8")  # gold beside: not a source
    (src_dir / "README.md").write_text("not a report", "utf-8")
    entries = render.render_corpus(src_dir, out, png_level="mild")

    names = {e.file for e in entries}
    stems = {"bc_hoa_an." + k for k in ("pdf", "truth", "docx")}
    scans = {f"bc_hoa_an.scan-{lv}.pdf" for lv in render.LEVELS}
    assert stems | scans | {"bc_hoa_an.scan-mild.p1.png"} == names
    manifest = json.loads((out / "renders.json").read_text("utf-8"))
    assert {f["file"] for f in manifest["files"]} == names
    assert {(f["kind"], f["level"]) for f in manifest["files"] if f["kind"] == "scan-pdf"} == {
        ("scan-pdf", lv) for lv in render.LEVELS
    }
    assert all(f["source"].endswith("bc_hoa_an.md") for f in manifest["files"])

    truth = (out / "bc_hoa_an.truth").read_text("utf-8")
    # the layout truth is the source's printed content, in order
    assert fold(truth) == fold(render.clean_markup(SAMPLE))
    assert "97,78%" in truth and "**" not in truth and "$" not in truth
    assert "năm 2025¹⁰." in truth  # a footnote reference, drawn small and raised

    text_pdf = pdfium.PdfDocument((out / "bc_hoa_an.pdf").read_bytes())
    layer = "".join(text_pdf[i].get_textpage().get_text_range() for i in range(len(text_pdf)))
    # pdfium may put a space where the raised footnote digits end; otherwise the layer is the truth
    assert "".join(layer.split()) == "".join(render.plain_digits(truth).split())

    scan = pdfium.PdfDocument((out / "bc_hoa_an.scan-harsh.pdf").read_bytes())
    assert len(scan) == len(text_pdf)
    assert scan[0].get_textpage().get_text_range().strip() == ""  # image only
    assert abs(scan[0].get_size()[0] - 595.3) < 1  # A4 width at 300 dpi


@needs_font
def test_docx_has_bold_headings_and_a_real_table(tmp_path):
    from docx import Document

    src = tmp_path / "bc.md"
    src.write_text(SAMPLE, "utf-8")
    render.render_report(src, tmp_path / "out", levels=())
    doc = Document(io.BytesIO((tmp_path / "out" / "bc.docx").read_bytes()))
    assert len(doc.tables) == 1
    t = doc.tables[0]
    assert [c.text for c in t.rows[1].cells] == ["1", "Hộ tịch", "812"]
    heading = next(p for p in doc.paragraphs if p.text == "I. KẾT QUẢ")
    assert all(r.bold for r in heading.runs)
    last = next(p for p in doc.paragraphs if p.text.startswith("Đề nghị"))
    assert last.runs[-2].text == "10" and last.runs[-2].font.superscript


@needs_font
def test_render_is_deterministic(tmp_path):
    src = tmp_path / "bc.txt"
    src.write_text(render.clean_markup(SAMPLE), "utf-8")
    a = render.render_report(src, tmp_path / "a", levels=("mild",))
    render.render_report(src, tmp_path / "b", levels=("mild",))
    for e in a:
        assert (tmp_path / "a" / e.file).read_bytes() == (tmp_path / "b" / e.file).read_bytes(), e.file


@needs_font
def test_long_report_breaks_pages_and_numbers_them(tmp_path):
    src = tmp_path / "dai.txt"
    src.write_text("\n".join(f"{i}. Nội dung mục số {i} của báo cáo." for i in range(1, 90)), "utf-8")
    (entry,) = [e for e in render.render_report(src, tmp_path, levels=(), docx=False) if e.kind == "truth"]
    pages = (tmp_path / "dai.truth").read_text("utf-8").rstrip("\n").split("\f")
    assert entry.pages == len(pages) > 1
    assert all(re.match(rf"{k}\n", p) for k, p in enumerate(pages[1:], start=2))  # page numbers on top
