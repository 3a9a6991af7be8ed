"""PDF loader: text layer, tables as TSV, running lines, OCR decisions, legacy fonts, bad files.

Fixtures are drawn here with reportlab (dev dependency) in a Vietnamese-capable TrueType font.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from pathlib import Path

import pytest

from pipeline.errors import LoadError
from pipeline.loaders import pdfocr
from pipeline.loaders.legacy import encode_legacy
from pipeline.loaders.pdf import NO_OCR_HINT, load_pdf
from pipeline.loaders.pdfocr import render_dpi
from pipeline.loaders.pdftidy import join_continued_tables, strip_running_lines
from pipeline.model import Page
from pipeline.ocr import tesseract

reportlab = pytest.importorskip("reportlab")
from reportlab.lib.pagesizes import A4  # noqa: E402
from reportlab.pdfbase import pdfmetrics  # noqa: E402
from reportlab.pdfbase.ttfonts import TTFont  # noqa: E402
from reportlab.pdfgen import canvas  # noqa: E402

# (serif, sans) pairs with Vietnamese glyphs; the names are what the embedded fonts are called.
FONT_CANDIDATES = [
    ("/usr/share/fonts/truetype/liberation2/LiberationSerif-Regular.ttf", b"LiberationSerif",
     "/usr/share/fonts/truetype/liberation2/LiberationSans-Regular.ttf", b"LiberationSans"),
    ("/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf", b"DejaVuSerif",
     "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", b"DejaVuSans"),
]  # fmt: skip
EMBEDDED_NAMES: dict[str, bytes] = {}


@pytest.fixture(scope="module")
def font() -> str:
    """A registered font with Vietnamese glyphs (Liberation 2 or DejaVu), else skip."""
    for serif, serif_name, sans, sans_name in FONT_CANDIDATES:
        if Path(serif).exists() and Path(sans).exists():
            pdfmetrics.registerFont(TTFont("VNFont", serif))
            pdfmetrics.registerFont(TTFont("VNSans", sans))
            EMBEDDED_NAMES.update(VNFont=serif_name, VNSans=sans_name)
            return "VNFont"
    pytest.skip("no Vietnamese-capable TrueType font (apt-get install fonts-liberation2)")


Draw = Callable[[canvas.Canvas, int], None]


def make_pdf(draws: Sequence[Draw], *, pagesize: tuple[float, float] = A4, **kwargs) -> bytes:
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=pagesize, **kwargs)
    for i, draw in enumerate(draws):
        draw(c, i + 1)
        c.showPage()
    c.save()
    return buf.getvalue()


def lines_at(font: str, lines: Sequence[str], *, top: float = 780, size: int = 12) -> Draw:
    def draw(c: canvas.Canvas, _page: int) -> None:
        c.setFont(font, size)
        for k, line in enumerate(lines):
            c.drawString(60, top - k * 18, line)

    return draw


def draw_table(
    c: canvas.Canvas,
    font: str,
    rows: Sequence[Sequence[str]],
    *,
    top: float,
    widths: Sequence[float] = (50, 170, 90, 90),
    merge_first_row: tuple[int, int] | None = None,
) -> float:
    """Draw a ruled grid with text; returns the y below it. `merge_first_row` joins 2 header cells."""
    row_h, x0 = 20, 60
    xs = [x0]
    for w in widths:
        xs.append(xs[-1] + w)
    bottom = top - row_h * len(rows)
    c.setLineWidth(0.5)
    for r in range(len(rows) + 1):
        c.line(xs[0], top - r * row_h, xs[-1], top - r * row_h)
    for k, x in enumerate(xs):
        if merge_first_row and k == merge_first_row[0] + 1:
            c.line(x, top - row_h, x, bottom)  # no rule inside the merged header cell
        else:
            c.line(x, top, x, bottom)
    c.setFont(font, 11)
    for r, row in enumerate(rows):
        for k, cell in enumerate(row):
            c.drawString(xs[k] + 3, top - (r + 1) * row_h + 6, cell)
    return bottom


def load(data: bytes, ocr: str = "auto"):
    return load_pdf(Path("test.pdf"), data, sha256="0" * 64, ocr=ocr)


BODY = [
    "Ủy ban nhân dân huyện báo cáo kết quả thực hiện nhiệm vụ năm 2024 như sau:",
    "toàn huyện có 14/16 xã đạt chuẩn, chiếm tỷ lệ 87,5%; số hộ được hỗ trợ là 1.250 hộ.",
    "Người dân ở vùng sâu được tiếp cận dịch vụ công trực tuyến mức độ cao hơn năm trước.",
]
HEADER = ["STT", "Đơn vị", "Số hộ", "Tỷ lệ (%)"]


@pytest.fixture
def no_ocr(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pdfocr, "_run_ocr", lambda data, index, dpi: None)


@pytest.fixture
def fake_ocr(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """OCR that 'reads' a fixed Vietnamese sentence; records which page indexes were asked for."""
    calls: list[int] = []

    def run(data: bytes, index: int, dpi: int) -> Page:
        calls.append(index)
        return Page(index + 1, f"Văn bản nhận dạng được ở trang {index + 1}, gồm 25 hộ dân.",
                    source="ocr", ocr_confidence=0.91, seconds=0.01)  # fmt: skip

    monkeypatch.setattr(pdfocr, "_run_ocr", run)
    return calls


# --------------------------------------------------------------------------------------------------
# text layer


def test_text_layer_is_read_exactly_page_by_page(font: str) -> None:
    loaded = load(make_pdf([lines_at(font, BODY), lines_at(font, BODY[::-1])]))
    assert loaded.source_kind == "pdf"
    assert [p.number for p in loaded.pages] == [1, 2]
    assert all(p.source == "text_layer" and p.status == "ok" for p in loaded.pages)
    assert loaded.pages[0].text.split("\n") == BODY
    assert loaded.pages[1].text.split("\n") == BODY[::-1]


def test_small_raised_footnote_digits_come_back_as_superscripts(font: str) -> None:
    def runs(c: canvas.Canvas, y: float, parts: Sequence[tuple[str, int, float]]) -> None:
        t = c.beginText(60, y)
        for text, size, rise in parts:  # drawn in reading order, as a word processor does
            t.setFont(font, size)
            t.setRise(rise)
            t.textOut(text)
        c.drawText(t)

    def page(c: canvas.Canvas, _n: int) -> None:
        runs(c, 760, [("Tiếp nhận 2.430", 13, 0), ("7", 8, 5), (" hồ sơ, trong đó 1.024 hồ sơ trực tuyến.", 13, 0)])
        runs(c, 700, [("7", 7, 4), (" Không tính hồ sơ chứng thực.", 11, 0)])

    text = load(make_pdf([page])).pages[0].text
    assert "2.430⁷ hồ sơ" in text and "⁷ Không tính" in text
    assert "1.024" in text and "2.4307" not in text  # same-size digits are left alone


def test_ruled_table_becomes_tab_separated_rows_between_the_prose(font: str) -> None:
    rows = [HEADER, ["1", "Xã Tân Phước", "1.234", "45,5"], ["2", "Xã Hòa Lạc", "876", "38,0"]]

    def page(c: canvas.Canvas, _n: int) -> None:
        lines_at(font, BODY[:1])(c, 1)
        below = draw_table(c, font, rows, top=740)
        c.setFont(font, 12)
        c.drawString(60, below - 30, "Đoạn văn sau bảng: ước đạt 95,5% kế hoạch.")

    text = load(make_pdf([page])).pages[0].text
    assert text.split("\n") == [
        BODY[0],
        "STT\tĐơn vị\tSố hộ\tTỷ lệ (%)",
        "1\tXã Tân Phước\t1.234\t45,5",
        "2\tXã Hòa Lạc\t876\t38,0",
        "Đoạn văn sau bảng: ước đạt 95,5% kế hoạch.",
    ]


def test_merged_header_cell_keeps_the_column_grid(font: str) -> None:
    rows = [["STT", "Đơn vị và số hộ", "", "Tỷ lệ"], ["1", "Xã An Bình", "310", "12,5"]]
    text = (
        load(make_pdf([lambda c, n: draw_table(c, font, rows, top=760, merge_first_row=(1, 2))]))
        .pages[0]
        .text
    )
    assert text.split("\n") == ["STT\tĐơn vị và số hộ\t\tTỷ lệ", "1\tXã An Bình\t310\t12,5"]


def test_table_continued_on_next_page_drops_the_repeated_header(font: str) -> None:
    part1 = [HEADER, ["1", "Xã A", "100", "10,0"], ["2", "Xã B", "200", "20,0"]]
    part2 = [HEADER, ["3", "Xã C", "300", "30,0"], ["Tổng", "", "600", "60,0"]]
    loaded = load(make_pdf([
        lambda c, n: (lines_at(font, BODY)(c, n), draw_table(c, font, part1, top=120)),
        lambda c, n: (draw_table(c, font, part2, top=800), lines_at(font, BODY[1:], top=600)(c, n)),
    ]))  # fmt: skip
    first, second = (p.text.split("\n") for p in loaded.pages)
    assert first[-3:] == ["STT\tĐơn vị\tSố hộ\tTỷ lệ (%)", "1\tXã A\t100\t10,0", "2\tXã B\t200\t20,0"]
    assert second[:2] == ["3\tXã C\t300\t30,0", "Tổng\t\t600\t60,0"]
    assert second[2:] == BODY[1:]


def test_running_header_footer_and_page_numbers_are_removed(font: str) -> None:
    def page(c: canvas.Canvas, n: int) -> None:
        c.setFont(font, 10)
        if n > 1:
            c.drawString(290, 810, str(n))  # page number at the top from page 2 on
        c.drawString(60, 795, "Báo cáo tình hình kinh tế - xã hội quý I năm 2024")
        c.drawString(60, 30, f"Trang {n}/4")
        lines_at(font, page_body(n), top=760)(c, n)

    loaded = load(make_pdf([page] * 4))
    for n, p in enumerate(loaded.pages, start=1):
        assert p.text.split("\n") == page_body(n)


def page_body(n: int) -> list[str]:
    """Different content on every page (identical lines on every page would be running lines)."""
    word = ["một", "hai", "ba", "bốn", "năm"][n - 1]
    return [f"{line} (trang {word})" for line in BODY]


# --------------------------------------------------------------------------------------------------
# pure clean-up functions


@pytest.mark.parametrize(
    ("pages", "expected"),
    [
        # page numbers at the top from page 2 on, body kept
        (["Mở đầu\nnội dung một", "2\nnội dung hai", "3\nnội dung ba"],
         ["Mở đầu\nnội dung một", "nội dung hai", "nội dung ba"]),
        # a number that does not follow the page sequence is content
        (["nội dung\n125", "nội dung khác\n7", "thêm nội dung\n9"],
         ["nội dung\n125", "nội dung khác\n7", "thêm nội dung\n9"]),
        # digit-blind running footer on every page
        (["a b c\nSở Nội vụ - Trang 1", "d e g\nSở Nội vụ - Trang 2", "h i k\nSở Nội vụ - Trang 3"],
         ["a b c", "d e g", "h i k"]),
        # table rows are never running lines even when they repeat
        (["x\n1\t2\t3", "y\n1\t2\t3", "z\n1\t2\t3"], ["x\n1\t2\t3", "y\n1\t2\t3", "z\n1\t2\t3"]),
        # two pages: only numbers equal to the page number go
        (["nội dung\n1", "tiếp theo\n2"], ["nội dung", "tiếp theo"]),
        (["một trang\n- 1 -"], ["một trang"]),
    ],
)  # fmt: skip
def test_strip_running_lines(pages: list[str], expected: list[str]) -> None:
    assert strip_running_lines(pages) == expected


def test_join_continued_tables_drops_repeated_header_rows_only_when_columns_match() -> None:
    pages = [
        "prose\nA\tB\tC\n1\t2\t3",
        "A\tB\tC\n4\t5\t6",  # continuation: header repeated
        "A\tB\n7\t8",  # different width: a new table, kept whole
    ]
    assert join_continued_tables(pages) == ["prose\nA\tB\tC\n1\t2\t3", "4\t5\t6", "A\tB\n7\t8"]


def test_join_continued_tables_follows_a_table_over_three_pages() -> None:
    pages = ["H1\tH2\n1\t2", "H1\tH2\n3\t4", "H1\tH2\n5\t6\nkết thúc"]
    assert join_continued_tables(pages) == ["H1\tH2\n1\t2", "3\t4", "5\t6\nkết thúc"]


# --------------------------------------------------------------------------------------------------
# OCR decisions


def image_page(c: canvas.Canvas, _n: int) -> None:
    from PIL import Image, ImageDraw
    from reportlab.lib.utils import ImageReader

    im = Image.new("L", (620, 877), 255)
    ImageDraw.Draw(im).rectangle((60, 60, 560, 120), fill=0)
    c.drawImage(ImageReader(im), 0, 0, width=A4[0], height=A4[1])


def test_image_only_pdf_without_ocr_fails_with_install_hint(no_ocr: None) -> None:
    with pytest.raises(LoadError) as e:
        load(make_pdf([image_page, image_page]))
    assert NO_OCR_HINT in str(e.value)
    assert "tesseract-ocr-vie" in str(e.value)


def test_scanned_page_among_text_pages_is_marked_when_ocr_is_missing(font: str, no_ocr: None) -> None:
    loaded = load(make_pdf([lines_at(font, BODY), image_page]))
    assert loaded.source_kind == "pdf"
    assert loaded.pages[0].status == "ok"
    assert (loaded.pages[1].status, loaded.pages[1].text) == ("ocr_unavailable", "")


def test_auto_ocr_reads_only_pages_without_usable_text(font: str, fake_ocr: list[int]) -> None:
    loaded = load(make_pdf([lines_at(font, BODY), image_page]))
    assert fake_ocr == [1]
    assert loaded.pages[0].source == "text_layer"
    assert loaded.pages[1].source == "ocr"
    assert loaded.pages[1].ocr_confidence == pytest.approx(0.91)
    assert loaded.pages[1].text.startswith("Văn bản nhận dạng")
    assert loaded.source_kind == "pdf"


def test_all_pages_ocred_gives_pdf_ocr_kind(font: str, fake_ocr: list[int]) -> None:
    loaded = load(make_pdf([image_page, image_page]))
    assert fake_ocr == [0, 1]
    assert loaded.source_kind == "pdf-ocr"
    loaded = load(make_pdf([lines_at(font, BODY)]), ocr="always")
    assert loaded.source_kind == "pdf-ocr"


def test_ocr_never_keeps_text_pages_and_marks_scans_empty(font: str, fake_ocr: list[int]) -> None:
    loaded = load(make_pdf([lines_at(font, BODY), image_page]), ocr="never")
    assert fake_ocr == []
    assert [p.status for p in loaded.pages] == ["ok", "empty"]
    with pytest.raises(LoadError, match="--ocr never"):
        load(make_pdf([image_page]), ocr="never")


def test_missing_tesseract_counts_as_unavailable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(tesseract, "available", lambda lang="vie": False)  # no binary or no `vie` data
    assert pdfocr._run_ocr(b"%PDF", 0, 300) is None


def test_render_dpi_is_capped_for_huge_pages() -> None:
    assert render_dpi(*A4) == 300
    a0 = render_dpi(2384, 3370)
    assert a0 is not None and 72 <= a0 < 300
    assert render_dpi(14400, 14400) is None  # 200 x 200 inch page: an image bomb, not rendered


def test_image_bomb_page_is_refused_without_rendering(fake_ocr: list[int]) -> None:
    with pytest.raises(LoadError, match="page_too_large"):
        load(make_pdf([image_page], pagesize=(14400, 14400)))
    assert fake_ocr == []


# --------------------------------------------------------------------------------------------------
# legacy fonts


def test_tcvn3_fonts_are_converted_and_capital_fonts_upper_cased(font: str) -> None:
    """A PDF whose fonts are named .VnArialH / .VnTime and whose text uses TCVN3 codes."""
    import pypdfium2 as pdfium

    def page(c: canvas.Canvas, _n: int) -> None:
        c.setFont("VNSans", 14)
        c.drawString(60, 780, encode_legacy("báo cáo kết quả năm 2024", "tcvn3"))
        c.setFont(font, 12)
        c.drawString(60, 750, encode_legacy("Người dân được hỗ trợ ở vùng sâu", "tcvn3"))
        c.drawString(60, 730, "Plain ASCII 123")

    data = make_pdf([page])
    data = data.replace(EMBEDDED_NAMES["VNSans"], b".VnArialH").replace(EMBEDDED_NAMES["VNFont"], b".VnTime")
    fixed = io.BytesIO()
    pdfium.PdfDocument(data).save(fixed)  # rewrite the cross-reference table after the edit
    text = load(fixed.getvalue()).pages[0].text
    assert text.split("\n") == [
        "BÁO CÁO KẾT QUẢ NĂM 2024",
        "Người dân được hỗ trợ ở vùng sâu",
        "Plain ASCII 123",
    ]


def test_tcvn3_text_in_an_unnamed_font_is_converted_by_its_signature() -> None:
    def page(c: canvas.Canvas, _n: int) -> None:
        c.setFont("Times-Roman", 12)  # WinAnsi: the TCVN3 codes come back as Latin-1 characters
        for k, line in enumerate(BODY):
            c.drawString(60, 780 - 18 * k, encode_legacy(line, "tcvn3"))

    text = load(make_pdf([page])).pages[0].text
    assert text.split("\n") == [line[0].lower() + line[1:] if line[0] == "Ủ" else line for line in BODY]


# --------------------------------------------------------------------------------------------------
# bad files


def test_encrypted_pdf_is_a_clear_load_error(font: str) -> None:
    from reportlab.lib.pdfencrypt import StandardEncryption

    data = make_pdf([lines_at(font, BODY)], encrypt=StandardEncryption("mat-khau", "chu-so-huu"))
    with pytest.raises(LoadError, match="encrypted"):
        load(data)


def test_truncated_pdf_is_a_clear_load_error(font: str) -> None:
    data = make_pdf([lines_at(font, BODY)])
    with pytest.raises(LoadError, match="damaged or truncated"):
        load(data[: len(data) // 3])


def test_pdf_header_followed_by_garbage_is_a_load_error() -> None:
    with pytest.raises(LoadError, match="not a readable PDF"):
        load(b"%PDF-1.7\n" + b"\x00garbage" * 50)


def test_unknown_ocr_mode_is_rejected(font: str) -> None:
    with pytest.raises(ValueError):
        load(make_pdf([lines_at(font, BODY)]), ocr="sometimes")
