"""Normalization: one spelling of the text, markup gone, markers split off, wrapped lines rejoined."""

from __future__ import annotations

import textwrap
import unicodedata

import pytest

from pipeline.model import Loaded, NormText, Page
from pipeline.normalize import normalize, normalize_fragment
from pipeline.vietnamese import place_tones as fold_tone


def norm(*pages: str) -> NormText:
    loaded = Loaded(path="x.txt", sha256="0" * 64, source_kind="text",
                    pages=tuple(Page(number=i, text=t) for i, t in enumerate(pages, start=1)))
    return normalize(loaded)


def test_decomposed_accents_become_composed() -> None:
    nfd = unicodedata.normalize("NFD", "Tiếp nhận hồ sơ trực tuyến ở Quảng Ngãi")
    assert nfd != unicodedata.normalize("NFC", nfd)
    assert norm(nfd).text == "Tiếp nhận hồ sơ trực tuyến ở Quảng Ngãi"


@pytest.mark.parametrize(
    ("written", "folded"),
    [
        ("hoà", "hòa"), ("Khoẻ", "Khỏe"), ("thuỷ", "thủy"), ("HOÀ", "HÒA"), ("Uỷ ban", "Ủy ban"),
        ("loạ", "lọa"), ("tuỳ", "tùy"), ("Hạ Hoà,", "Hạ Hòa,"),
        # already traditional, or not an open oa/oe/uy syllable: unchanged
        ("hòa", "hòa"), ("hoàn thành", "hoàn thành"), ("quý", "quý"), ("Quỳnh", "Quỳnh"),
        ("khuya", "khuya"), ("toàn", "toàn"), ("ngoài", "ngoài"), ("khuyến", "khuyến"),
    ],
)
def test_tone_mark_goes_on_the_first_vowel_of_open_oa_oe_uy(written: str, folded: str) -> None:
    assert fold_tone(written) == folded
    assert norm(written).text == folded


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("Ðồng Tháp", "Đồng Tháp"),  # OCR eth
        ("Số\u00a0liệu\u200b năm\u00ad 2023", "Số liệu năm 2023"),
        ("Dòng một.  \r\nDòng hai", "Dòng một.\nDòng hai"),
        ("\n\n\nđầu\n\n\n\n\ngiữa\n\n\n", "đầu\ngiữa"),
        ("nhiều    khoảng   trắng", "nhiều khoảng trắng"),
        ("1\tXã An\t 20 \t\t", "1\tXã An\t20\t\t"),  # tabs are table columns
        ("Đạt “chuẩn” – 2024 — xong", "Đạt “chuẩn” – 2024 — xong"),
    ],
)
def test_whitespace_and_lookalike_characters_are_tidied(raw: str, clean: str) -> None:
    assert norm(raw).text == clean


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("Tỷ lệ: $120/150 = 80\\%$.", "Tỷ lệ: 120/150 = 80%."),
        ("$\\frac{45}{60} \\times 100 \\approx 75\\%$", "45/60 × 100 ≈ 75%"),
        ("đạt $\\geq 50\\%$ chỉ tiêu", "đạt ≥ 50% chỉ tiêu"),
        ("$\\text{Tỷ lệ} = 12{,}5\\%$", "Tỷ lệ = 12,5%"),
        ("giá 5$ và 7$ mỗi bản", "giá 5$ và 7$ mỗi bản"),  # not math
        ("Hồ sơ: **Đạt**.", "Hồ sơ: Đạt."),
        ("ghi *nghiêng* và __đậm__", "ghi nghiêng và đậm"),
        ("* mục đầu dòng", "* mục đầu dòng"),  # a bullet, not emphasis
        ("diện tích 2*3 và 4 * 5", "diện tích 2*3 và 4 * 5"),  # multiplication
        ("## II. KẾT QUẢ", "II. KẾT QUẢ"),
        ("mã\\_số 10\\% \\*", "mã_số 10% *"),
        ("xem [trang](https://a.gov.vn) và <https://b.gov.vn>", "xem trang và https://b.gov.vn"),
        ("---", ""),
        ("| a | b |\n|---|---|\n| 1 | 2 |", "| a | b |\n| 1 | 2 |"),
    ],
)
def test_markdown_and_latex_markup_leave_what_a_reader_sees(raw: str, clean: str) -> None:
    assert norm(raw).text == clean


def test_lines_entirely_bold_or_markdown_headings_are_recorded() -> None:
    t = norm("**III. PHƯƠNG HƯỚNG**\n\nMột **chữ** đậm giữa câu.\n\n### Mục con\n\n**TM. UBND\nCHỦ TỊCH**")
    bold = [t.text[s:e] for s, e in t.bold_lines]
    assert bold == ["III. PHƯƠNG HƯỚNG", "Mục con", "TM. UBND", "CHỦ TỊCH"]
    assert "**" not in t.text


@pytest.mark.parametrize(
    ("raw", "clean", "numbers"),
    [
        ("có 215¹² đơn vị", "có 215 đơn vị", ["12"]),
        ("kế hoạch năm 2024³; và", "kế hoạch năm 2024; và", ["3"]),
        ("đã ban hành ¹¹ văn bản", "đã ban hành văn bản", ["11"]),
        ("theo quy định[^7] hiện hành", "theo quy định hiện hành", ["7"]),
        ("số liệu^4^ mới", "số liệu mới", ["4"]),
        ("diện tích 30 m² và 2 km²", "diện tích 30 m² và 2 km²", []),  # exponents stay
    ],
)
def test_footnote_markers_are_split_off_and_recorded_where_they_stood(
    raw: str, clean: str, numbers: list[str]
) -> None:
    t = norm(raw)
    assert t.text == clean
    assert [f.number for f in t.footnotes] == numbers
    for f in t.footnotes:
        assert f.char_start == f.char_end
        assert t.text[f.char_start - 1] != " "  # right after the word or number it was glued to


def test_footnote_body_that_cuts_a_paragraph_is_moved_after_it() -> None:
    raw = (
        "Trong kỳ đã số hóa 320 bộ hồ sơ⁵ và tiếp tục chuẩn hóa dữ liệu dùng chung theo\n\n"
        "⁵ Công văn số 12/ABC ngày 01/02/2024 về số hóa.\n"
        "⁶ Kế hoạch số 34/XYZ năm 2024.\n\n"
        "hướng dẫn của cơ quan cấp trên.\n\n"
        "1. Mục tiếp theo"
    )
    t = norm(raw)
    lines = t.text.split("\n")
    assert lines[0] == ("Trong kỳ đã số hóa 320 bộ hồ sơ và tiếp tục chuẩn hóa dữ liệu dùng chung "
                        "theo hướng dẫn của cơ quan cấp trên.")
    assert lines[1].startswith("⁵ Công văn") and lines[2].startswith("⁶ Kế hoạch")
    assert lines[3] == "1. Mục tiếp theo"
    assert [t.text[s:e][:2] for s, e in t.asides] == ["⁵ ", "⁶ "]
    assert t.in_aside(t.text.index("12/ABC")) and not t.in_aside(t.text.index("320"))
    assert t.footnotes[0].char_start == t.text.index(" và tiếp")


def test_a_line_starting_with_a_plain_number_is_no_footnote_body() -> None:
    t = norm("Kết quả đạt được\n\n1. Về hạ tầng kỹ thuật")
    assert t.asides == ()
    assert t.text == "Kết quả đạt được\n1. Về hạ tầng kỹ thuật"


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("Tổng số hồ sơ đã tiếp nhận\nlà 1.250 hồ sơ.", "Tổng số hồ sơ đã tiếp nhận là 1.250 hồ sơ."),
        # a page break inside a sentence leaves a blank line in converted text
        ("Các cơ quan đã triển khai hệ thống quản lý văn bản và\n\nđiều hành thống nhất.",
         "Các cơ quan đã triển khai hệ thống quản lý văn bản và điều hành thống nhất."),
        ("Phần mềm CNTT-\nVT đã chạy", "Phần mềm CNTT-VT đã chạy"),
        ("phát triển kinh tế -\nxã hội", "phát triển kinh tế - xã hội"),
        ("doanh nghiệp;\ntrao đổi thông tin", "doanh nghiệp; trao đổi thông tin"),
        # not joined: a closed sentence, a bullet, a lettered item, a table row, a heading, a short label
        ("Đã hoàn thành.\nsau đó tiếp tục", "Đã hoàn thành.\nsau đó tiếp tục"),
        ("Kết quả như sau\n- mục một", "Kết quả như sau\n- mục một"),
        ("Các nội dung gồm\na) lắp đặt", "Các nội dung gồm\na) lắp đặt"),
        ("Bảng số liệu\nxã\t12\t15", "Bảng số liệu\nxã\t12\t15"),
        ("## Kết quả\nphần mở đầu", "Kết quả\nphần mở đầu"),
        ("Ghi chú\n\nkhông có", "Ghi chú\nkhông có"),
    ],
)
def test_wrapped_lines_are_rejoined_but_items_and_headings_are_not(raw: str, clean: str) -> None:
    assert norm(raw).text == clean


def test_hard_wrapped_layout_is_reflowed_also_before_capitals_and_digits() -> None:
    paragraphs = [
        "Trong năm qua Ủy ban nhân dân tỉnh đã chỉ đạo các Sở, ban, ngành và UBND cấp huyện "
        "vận hành Cổng Dịch vụ công của địa phương một cách ổn định, tiếp nhận 12.450 hồ sơ "
        "trực tuyến trên tổng số 15.020 hồ sơ, đạt tỷ lệ 82,89% và vượt chỉ tiêu Kế hoạch "
        "giao đầu năm cho các đơn vị trực thuộc Sở Thông tin và Truyền thông.",
        "Hạ tầng mạng được nâng cấp tại 45 xã, phường, thị trấn; Mạng truyền số liệu chuyên "
        "dùng kết nối đến 100% cơ quan Đảng, Nhà nước và các đơn vị sự nghiệp thuộc UBND cấp "
        "huyện, bảo đảm an toàn thông tin theo cấp độ đã được Sở phê duyệt trong Kế hoạch.",
    ]
    wrapped = "\n".join(line for p in paragraphs for line in textwrap.wrap(p, width=60))
    assert len(wrapped.split("\n")) >= 10
    assert norm(wrapped).text == "\n".join(paragraphs)


def test_page_numbers_and_running_headers_at_page_edges_are_dropped() -> None:
    bodies = ["Mở đầu báo cáo.", "Hạ tầng kỹ thuật ổn định.", "Nhân lực còn thiếu.", "Kiến nghị bổ sung."]
    header = "BÁO CÁO SỐ LIỆU QUÝ III\n"
    pages = [header + bodies[0] + "\nTrang 1/4"] + [
        f"{header}{n}\n{body}\n- {n} -" for n, body in enumerate(bodies[1:], start=2)
    ]
    assert norm(*pages).text.split("\n") == bodies


def test_body_lines_that_differ_only_in_figures_are_not_running_headers() -> None:
    pages = [f"Số hồ sơ tiếp nhận trong tháng {n} là {n * 120} hồ sơ trực tuyến." for n in range(1, 5)]
    assert norm(*pages).text.split("\n") == pages


def test_a_lone_year_is_no_page_number() -> None:
    t = norm("Hà Nội, ngày 5 tháng 3 năm\n2024\nnội dung", "tiếp theo\n2")
    assert t.text.startswith("Hà Nội, ngày 5 tháng 3 năm\n2024")
    assert not t.text.endswith("2")


def test_page_offsets_follow_form_feeds_and_joined_sentences() -> None:
    t = norm("Trang đầu.\nCâu này bị cắt ngang bởi việc sang", "trang mới của tài liệu.\nĐoạn hai.",
             "Trang ba.")
    assert t.text == ("Trang đầu.\nCâu này bị cắt ngang bởi việc sang trang mới của tài liệu.\n"
                      "Đoạn hai.\nTrang ba.")
    assert len(t.page_starts) == 3
    assert t.page_at(t.text.index("Câu này")) == 1
    assert t.page_at(t.text.index("trang mới")) == 2
    assert t.page_at(t.text.index("Đoạn hai")) == 2
    assert t.page_at(t.text.index("Trang ba")) == 3


def test_empty_page_keeps_its_place_in_page_offsets() -> None:
    t = norm("Một.", "", "Ba.")
    assert t.text == "Một.\nBa."
    assert t.page_starts == (0, 5, 5)
    assert t.page_at(t.text.index("Ba")) == 3


def test_footnote_offsets_survive_joins_across_pages() -> None:
    t = norm("Chuẩn hóa 58 thủ tục² và đang tiếp tục rà soát danh mục các thủ tục", "còn lại³ trong quý.")
    assert t.text == "Chuẩn hóa 58 thủ tục và đang tiếp tục rà soát danh mục các thủ tục còn lại trong quý."
    glued_to = [(f.number, t.text[:f.char_start].split()[-1]) for f in t.footnotes]
    assert glued_to == [("2", "tục"), ("3", "lại")]


@pytest.mark.parametrize(
    "quote",
    [
        "Tỷ lệ: $120/150 = 80\\%$",
        "Hồ sơ: **Đạt**",
        "Xã Hoà An: **36 hồ sơ**",
        "đạt **98,5%",  # emphasis cut open by the quote
        "có 215¹² đơn vị",
        "Trong đó:\n\n- cấp tỉnh: 10 máy",
    ],
)
def test_fragments_normalize_like_the_document_that_holds_them(quote: str) -> None:
    doc = (
        "Tỷ lệ: $120/150 = 80\\%$.\n\nHồ sơ: **Đạt**.\n\n- Xã Hoà An: **36 hồ sơ**, đạt **98,5%**.\n\n"
        "Năm nay có 215¹² đơn vị.\n\nTổng số máy: 40. Trong đó:\n\n- cấp tỉnh: 10 máy;\n- cấp xã: 30 máy."
    )
    assert normalize_fragment(quote) in norm(doc).text


def test_every_recorded_span_lies_inside_the_text() -> None:
    t = norm("**Tiêu đề**\n\nMột câu¹ dài bị cắt\n\n¹ Chú thích.\n\nở đây.", "Trang hai² xong.\n- 2 -")
    for s, e in (*t.asides, *t.bold_lines):
        assert 0 <= s < e <= len(t.text)
    assert all(0 <= f.char_start <= len(t.text) for f in t.footnotes)
    assert list(t.page_starts) == sorted(t.page_starts)
