"""Behaviour of pipeline.structure.headings and .tree: which lines are headings, their labels, levels, paths, spans."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
import yaml

from pipeline.errors import ConfigError
from pipeline.model import NormText, stable_id
from pipeline.structure.headings import DEFAULT_RULES_PATH, load_heading_rules
from pipeline.structure.tree import segment

PREAMBLE = (
    "Thực hiện chỉ đạo của cấp trên về việc tổng hợp tình hình ứng dụng công nghệ thông tin, "
    "đơn vị báo cáo như sau:\n\n"
)


def doc(*lines: str) -> NormText:
    return NormText(text=PREAMBLE + "\n\n".join(lines) + "\n")


def labels(t: NormText) -> list[str]:
    return [s.label for s in segment(t)]


def levels(t: NormText) -> list[tuple[str, int]]:
    return [(s.label, s.level) for s in segment(t)]


# ----------------------------------------------------------------------------- kinds


@pytest.mark.parametrize(
    ("line", "label", "kind", "heading"),
    [
        ("I. KẾT QUẢ ĐẠT ĐƯỢC", "I", "roman", "KẾT QUẢ ĐẠT ĐƯỢC"),
        ("IV - PHƯƠNG HƯỚNG NHIỆM VỤ", "IV", "roman", "PHƯƠNG HƯỚNG NHIỆM VỤ"),
        ("2. Công tác tuyên truyền", "2", "decimal", "Công tác tuyên truyền"),
        ("2.4.3. Hệ thống thư điện tử", "2.4.3", "decimal", "Hệ thống thư điện tử"),
        ("3.2 Hạ tầng mạng nội bộ", "3.2", "decimal", "Hạ tầng mạng nội bộ"),
        ("đ) Số hóa hồ sơ lưu trữ", "đ", "letter", "Số hóa hồ sơ lưu trữ"),
        ("2) Đào tạo kỹ năng số", "2", "numparen", "Đào tạo kỹ năng số"),
        ("Tiêu chí 8: Thông tin và truyền thông", "Tiêu chí 8", "tieu_chi", "Thông tin và truyền thông"),
        ("Tiêu chí số 15 - Hành chính công", "Tiêu chí 15", "tieu_chi", "Hành chính công"),
        (
            "Chỉ tiêu 8.4: Ứng dụng công nghệ thông tin",
            "Chỉ tiêu 8.4",
            "chi_tieu",
            "Ứng dụng công nghệ thông tin",
        ),
        ("- Chỉ tiêu 8.1: Điểm phục vụ bưu chính:", "Chỉ tiêu 8.1", "chi_tieu", "Điểm phục vụ bưu chính"),
        (
            "5.2. Chỉ tiêu 8.3. Hệ thống loa truyền thanh",
            "Chỉ tiêu 8.3",
            "chi_tieu",
            "Hệ thống loa truyền thanh",
        ),
        ("PHẦN I. TÌNH HÌNH CHUNG", "Phần I", "part", "TÌNH HÌNH CHUNG"),
        ("Phần thứ nhất: Kết quả thực hiện", "Phần thứ nhất", "part", "Kết quả thực hiện"),
        ("Mục 2. Nhiệm vụ năm tới", "Mục 2", "muc", "Nhiệm vụ năm tới"),
        # tone marks as OCR confuses them on the named criteria
        ("Tiểu chí 8: Thông tin và truyền thông", "Tiêu chí 8", "tieu_chi", "Thông tin và truyền thông"),
        ("- Chỉ tiểu 8.4: Ứng dụng phần mềm", "Chỉ tiêu 8.4", "chi_tieu", "Ứng dụng phần mềm"),
    ],
)
def test_each_heading_style_gives_its_label_kind_and_text(
    line: str, label: str, kind: str, heading: str
) -> None:
    (s,) = segment(doc(line))
    assert (s.label, s.kind, s.heading) == (label, kind, heading)


@pytest.mark.parametrize(
    "line",
    [
        "Số: 125/BC-UBND",
        "Tân Phú, ngày 12 tháng 3 năm 2024",
        "Căn cứ Kế hoạch số 10/KH-UBND ngày 5/1/2024 của Ủy ban nhân dân tỉnh.",
        "18 xã, thị trấn đã thành lập tổ công nghệ số cộng đồng.",
        "1.5 triệu đồng được bố trí cho công tác đào tạo.",
        "- Máy tính được trang bị đầy đủ cho cán bộ.",
        "+ Có 12/12 đơn vị kết nối mạng.",
        "8.4",
        "2. kết quả ghi bằng chữ thường không phải tiêu đề",
    ],
)
def test_lines_that_are_not_headings(line: str) -> None:
    assert segment(doc(line)) == []


def test_heading_text_stops_at_the_colon_that_opens_the_body() -> None:
    t = doc(
        "2.1. Hạ tầng mạng: Toàn bộ cơ quan đã kết nối mạng truyền số liệu. Máy tính đạt tỷ lệ cao.",
        "a) Có hai loại dịch vụ: cố định và di động: Đạt",
        "b) Về dịch vụ: Tại điểm phục vụ có các dịch vụ sau:",
    )
    assert [s.heading for s in segment(t)] == [
        "Hạ tầng mạng",
        "Có hai loại dịch vụ: cố định và di động",
        "Về dịch vụ",
    ]


# ----------------------------------------------------------------------------- levels


def test_levels_follow_the_nesting_order_of_label_styles() -> None:
    t = doc(
        "I. TÌNH HÌNH TRIỂN KHAI",
        "1. Công tác chỉ đạo",
        "1.1. Ban hành văn bản",
        "a) Văn bản của huyện",
        "b) Văn bản của xã",
        "1.2. Kiểm tra đôn đốc",
        "2. Hạ tầng kỹ thuật",
        "II. PHƯƠNG HƯỚNG",
        "1. Nhiệm vụ trọng tâm",
    )
    assert levels(t) == [
        ("I", 1),
        ("1", 2),
        ("1.1", 3),
        ("a", 4),
        ("b", 4),
        ("1.2", 3),
        ("2", 2),
        ("II", 1),
        ("1", 2),
    ]


def test_a_style_takes_its_depth_from_where_it_appears() -> None:
    """Chỉ tiêu sits under Tiêu chí where there is one, directly under the decimal where not."""
    t = doc(
        "I. NÔNG THÔN MỚI",
        "1.1. Duy trì tiêu chí",
        "Tiêu chí 8: Thông tin và truyền thông",
        "Chỉ tiêu 8.1: Điểm phục vụ bưu chính",
        "Chỉ tiêu 8.2: Dịch vụ viễn thông",
        "1.2. Xã trong lộ trình",
        "Chỉ tiêu 8.1. Điểm phục vụ bưu chính",
        "a) Cơ sở vật chất",
        "Chỉ tiêu 8.2. Dịch vụ viễn thông",
    )
    assert levels(t) == [
        ("I", 1),
        ("1.1", 2),
        ("Tiêu chí 8", 3),
        ("Chỉ tiêu 8.1", 4),
        ("Chỉ tiêu 8.2", 4),
        ("1.2", 2),
        ("Chỉ tiêu 8.1", 3),
        ("a", 4),
        ("Chỉ tiêu 8.2", 3),
    ]


def test_roman_goes_above_decimals_even_when_it_comes_later() -> None:
    t = doc("1. Mở đầu", "2. Căn cứ pháp lý", "II. KẾT QUẢ", "1. Hạ tầng")
    assert levels(t) == [("1", 1), ("2", 1), ("II", 1), ("1", 2)]


@pytest.mark.parametrize(
    ("numbers", "expected"),
    [
        (["1", "2", "4"], ["I", "1", "2", "4"]),  # a skipped number is still a heading
        (["1", "2", "2", "3"], ["I", "1", "2", "2", "3"]),  # a repeated number in headings stays
    ],
)
def test_skipped_or_repeated_numbers_stay_headings(numbers: list[str], expected: list[str]) -> None:
    t = doc("I. KẾT QUẢ", *(f"{n}. Nội dung công việc số {n}" for n in numbers))
    assert labels(t) == expected


def test_numbering_restarts_under_each_roman_section() -> None:
    t = doc(
        "I. KẾT QUẢ",
        "1. Hạ tầng",
        "2. Ứng dụng",
        "3. Nhân lực",
        "II. NHIỆM VỤ",
        "1. Mục tiêu",
        "2. Giải pháp",
    )
    assert levels(t) == [("I", 1), ("1", 2), ("2", 2), ("3", 2), ("II", 1), ("1", 2), ("2", 2)]


def test_a_repeated_decimal_without_sub_numbering_yields_to_the_one_that_has_it() -> None:
    """An evaluation line numbered like a section ("3. Đánh giá: ...") is not section 3."""
    t = doc(
        "I. KẾT QUẢ",
        "1. Duy trì tiêu chí",
        "2. Nâng chất tiêu chí",
        "2.1. Triển khai",
        "Tiêu chí 5: Giáo dục",
        "3. Đánh giá chung: Đạt 3/3 đơn vị",
        "Tiêu chí 6: Văn hóa",
        "3. Khó khăn",
        "3.1. Nguyên nhân",
    )
    assert levels(t) == [
        ("I", 1),
        ("1", 2),
        ("2", 2),
        ("2.1", 3),
        ("Tiêu chí 5", 4),
        ("Tiêu chí 6", 4),
        ("3", 2),
        ("3.1", 3),
    ]


# ----------------------------------------------------------------------------- list items


def test_numbered_documents_inside_a_section_are_list_items() -> None:
    t = doc(
        "I. KẾT QUẢ",
        "1. Công tác chỉ đạo",
        "Trong kỳ, Ủy ban đã ban hành các văn bản sau:",
        "1. Kế hoạch số 15/KH-UBND ngày 10/01/2024 về chuyển đổi số trên địa bàn huyện;",
        "2. Quyết định số 220/QĐ-UBND ngày 02/3/2024 về kiện toàn Ban chỉ đạo;",
        "3. Công văn số 75/UBND-VP ngày 15/3/2024 về tăng cường bảo đảm an toàn thông tin.",
        "2. Hạ tầng kỹ thuật",
    )
    assert levels(t) == [("I", 1), ("1", 2), ("2", 2)]


def test_a_list_of_documents_opening_a_new_numbering_is_not_a_run_of_headings() -> None:
    t = doc(
        "I. KẾT QUẢ",
        "a) Văn bản chỉ đạo",
        "1. Kế hoạch số 15/KH-UBND ngày 10/01/2024 của Ủy ban nhân dân huyện về chuyển đổi số.",
        "2. Quyết định số 220/QĐ-UBND ngày 02/3/2024 của Ủy ban nhân dân huyện về Ban chỉ đạo.",
        "b) Hạ tầng",
    )
    assert labels(t) == ["I", "a", "b"]


def test_restarted_numbering_inside_a_section_is_a_list_when_it_reads_like_one() -> None:
    t = doc(
        "I. KẾT QUẢ",
        "1. Công tác chỉ đạo",
        "2. Phần mềm dùng chung",
        "Các phần mềm đang vận hành gồm:",
        "1. Phần mềm quản lý văn bản và điều hành được triển khai cho toàn bộ cơ quan, đơn vị;",
        "2. Phần mềm một cửa điện tử",
        "3. Hệ thống thư điện tử công vụ",
    )
    assert labels(t) == ["I", "1", "2", "3"]


def test_count_restarting_inside_an_open_subsection_is_a_nested_list() -> None:
    t = doc(
        "I. KẾT QUẢ",
        "1. Công tác chỉ đạo",
        "a) Phần mềm dùng chung",
        "Gồm các phần mềm:",
        "1. Phần mềm quản lý văn bản",
        "2. Phần mềm một cửa",
        "3. Thư điện tử công vụ",
        "b) Hạ tầng",
        "2. Nhân lực",
    )
    assert [s.path for s in segment(t)] == ["I", "I > 1", "I > 1 > a", "I > 1 > b", "I > 2"]


def test_heading_that_follows_a_list_and_continues_both_counts_is_a_heading() -> None:
    t = doc(
        "I. KẾT QUẢ",
        "1. Công tác chỉ đạo",
        "2. Cải cách thể chế",
        "Đã ban hành:",
        "1. Quyết định số 31/QĐ-UBND ngày 04/02/2024 về quy chế làm việc;",
        "2. Quyết định số 47/QĐ-UBND ngày 11/3/2024 về danh mục dữ liệu mở;",
        "3. Cải cách thủ tục hành chính",
    )
    assert labels(t) == ["I", "1", "2", "3"]


@pytest.mark.parametrize(
    ("lines", "expected"),
    [
        (["PHẦN I", "KẾT QUẢ THỰC HIỆN", "1. Hạ tầng"], [("Phần I", "KẾT QUẢ THỰC HIỆN"), ("1", "Hạ tầng")]),
        (["II.", "NHIỆM VỤ NĂM TỚI", "1. Mục tiêu"], [("II", "NHIỆM VỤ NĂM TỚI"), ("1", "Mục tiêu")]),
        (["I.KẾT QUẢ", "1.Hạ tầng", "a)Máy tính"], [("I", "KẾT QUẢ"), ("1", "Hạ tầng"), ("a", "Máy tính")]),
    ],
)
def test_label_alone_takes_its_title_from_the_next_line_and_squeezed_labels_parse(
    lines: list[str], expected: list[tuple[str, str]]
) -> None:
    assert [(s.label, s.heading) for s in segment(doc(*lines))] == expected


def test_decimals_in_table_rows_are_not_headings() -> None:
    t = doc(
        "1. Kết quả các chỉ tiêu",
        "STT\tĐơn vị\t8.1\t8.2\n1\tXã An Bình\tĐ\tĐ\n2. Xã Tân Hòa\tĐ\tĐ",
        "| 8.4 | Xã có ứng dụng công nghệ thông tin | Đạt |",
        "3. Xã Tân Hòa 120 115 95,8%",
        "2. Đánh giá chung",
    )
    assert labels(t) == ["1", "2"]


def test_bullets_are_not_sections_but_bulleted_chi_tieu_is() -> None:
    t = doc(
        "Tiêu chí 8: Thông tin và truyền thông",
        "- Chỉ tiêu 8.1: Xã có điểm phục vụ bưu chính:",
        "+ Điểm bưu điện văn hóa xã: 10/12 xã.",
        "- Chỉ tiêu 8.2: Dịch vụ viễn thông tại xã:",
        "* Tất cả các ấp đều có sóng di động.",
    )
    assert levels(t) == [("Tiêu chí 8", 1), ("Chỉ tiêu 8.1", 2), ("Chỉ tiêu 8.2", 2)]


def test_no_section_starts_in_a_footnote_body() -> None:
    body = PREAMBLE + "1. Hạ tầng\n\nNội dung.\n\n"
    note = "2. Ghi chú của người soạn thảo về số liệu\n"
    t = NormText(text=body + note, asides=((len(body), len(body) + len(note)),))
    assert labels(t) == ["1"]


def test_nothing_after_the_distribution_list_is_a_heading() -> None:
    t = doc("1. Hạ tầng", "Nơi nhận:", "- Sở Thông tin và Truyền thông;", "KT. CHỦ TỊCH", "II. Lưu trữ")
    assert labels(t) == ["1"]


def test_an_appendix_after_the_signature_opens_its_own_sections() -> None:
    t = doc(
        "I. KẾT QUẢ",
        "Nơi nhận:",
        "- Lưu: VT.",
        "KT. CHỦ TỊCH",
        "PHỤ LỤC I",
        "SỐ LIỆU CHI TIẾT",
        "1. Hồ sơ trực tuyến",
        "Phụ lục kèm theo báo cáo này gồm hai biểu.",
    )
    assert [(s.label, s.heading, s.level) for s in segment(t)] == [
        ("I", "KẾT QUẢ", 1),
        ("Phụ lục I", "SỐ LIỆU CHI TIẾT", 1),
        ("1", "Hồ sơ trực tuyến", 2),
    ]


# ----------------------------------------------------------------------------- bold lines


def with_bold(text: str, *bold: str) -> NormText:
    """NormText as normalize gives it for a source whose given lines were entirely bold."""
    return NormText(text=text, bold_lines=tuple((text.index(x), text.index(x) + len(x)) for x in bold))


def test_bold_only_line_in_the_body_is_a_heading_named_by_its_text() -> None:
    text = (
        "BÁO CÁO\n\nKết quả công tác chuyển đổi số\n\n"
        + PREAMBLE
        + "Kết quả đạt được\n\nNội dung chi tiết.\n\n"
        "Khó khăn, vướng mắc\n\nNội dung.\n\nTổng số hồ sơ: 120 hồ sơ\n\nNơi nhận:\n\nKT. CHỦ TỊCH\n"
    )
    t = with_bold(
        text,
        "BÁO CÁO",
        "Kết quả công tác chuyển đổi số",
        "Kết quả đạt được",
        "Khó khăn, vướng mắc",
        "Tổng số hồ sơ: 120 hồ sơ",
        "KT. CHỦ TỊCH",
    )
    assert [(s.kind, s.label, s.heading, s.level) for s in segment(t)] == [
        ("bold", "Kết quả đạt được", "Kết quả đạt được", 1),
        ("bold", "Khó khăn, vướng mắc", "Khó khăn, vướng mắc", 1),
    ]


def test_bold_line_nests_like_any_other_style() -> None:
    text = PREAMBLE + "I. KẾT QUẢ\n\nHạ tầng kỹ thuật\n\nNội dung.\n\nII. NHIỆM VỤ\n"
    t = with_bold(text, "Hạ tầng kỹ thuật")
    assert levels(t) == [("I", 1), ("Hạ tầng kỹ thuật", 2), ("II", 1)]


def test_raw_markdown_bold_line_is_a_heading_without_normalize() -> None:
    t = doc("**Kết quả đạt được**", "Nội dung chi tiết.", "1. Hạ tầng", "**Ghi chú:** nội dung đi kèm")
    assert levels(t) == [("Kết quả đạt được", 1), ("1", 2)]


# ----------------------------------------------------------------------------- OCR label repair


def scanned(*lines: str) -> NormText:
    """A one-page document whose page was read by OCR."""
    return replace(doc(*lines), ocr_pages=(1,))


def repaired(t: NormText) -> list[tuple[str, str | None]]:
    return [(s.label, s.repaired_from) for s in segment(t)]


ROMAN_RUN = ["I. TÌNH HÌNH CHUNG", "II. KẾT QUẢ ĐẠT ĐƯỢC", "III. HẠN CHẾ", "IV. PHƯƠNG HƯỚNG", "V. ĐỀ XUẤT"]


@pytest.mark.parametrize(
    ("position", "token"),
    [
        (1, "Il."), (1, "1I."), (1, "H."), (1, "II"), (1, "IL"),
        (2, "IIL"), (2, "HI."), (2, "IH."), (2, "IIIL"), (2, "III,"), (2, "lII."),
        (3, "lV."), (3, "IV,"), (3, "1V."), (3, "IY."),
        (4, "Y."), (4, "V,"),
    ],
)  # fmt: skip
def test_misread_roman_label_on_an_ocr_page_takes_the_label_its_sequence_expects(position: int, token: str) -> None:
    lines = list(ROMAN_RUN)
    label, _, heading = lines[position].partition(". ")
    lines[position] = f"{token} {heading}"
    secs = segment(scanned(*lines))
    assert [s.label for s in secs] == ["I", "II", "III", "IV", "V"]
    fixed = secs[position]
    assert (fixed.label, fixed.repaired_from, fixed.heading, fixed.level) == (label, token, heading, 1)
    assert [s.repaired_from for s in secs if s is not fixed] == [None] * 4


def test_repaired_heading_keeps_its_offsets_and_children() -> None:
    t = scanned("I. TÌNH HÌNH CHUNG", "1. Hạ tầng", "H. KẾT QUẢ", "1. Nguyên nhân", "2. Giải pháp")
    secs = segment(t)
    assert [s.path for s in secs] == ["I", "I > 1", "II", "II > 1", "II > 2"]
    assert t.text[secs[2].char_start :].startswith("H. KẾT QUẢ")  # the text itself is unchanged
    assert secs[2].char_end == len(t.text) and secs[3].parent_id == secs[2].section_id


@pytest.mark.parametrize(("token", "label"), [("Z.", "2"), ("2,", "2"), ("z.", "2")])
def test_misread_decimal_label_takes_the_next_number(token: str, label: str) -> None:
    t = scanned("I. KẾT QUẢ", "1. Hạ tầng kỹ thuật", f"{token} Ứng dụng phần mềm", "3. Nhân lực")
    assert repaired(t) == [("I", None), ("1", None), (label, token), ("3", None)]


def test_misread_sub_decimal_and_letter_like_label_follow_their_parent() -> None:
    t = scanned(
        "I. KẾT QUẢ",
        "2. Ứng dụng",
        "2.1. Văn bản điện tử",
        "2,2. Chữ ký số",
        "3. Dịch vụ công",
        "4. Nhân lực",
        "S. Kinh phí",
    )
    assert [(s.path, s.repaired_from) for s in segment(t)] == [
        ("I", None),
        ("I > 2", None),
        ("I > 2 > 2.1", None),
        ("I > 2 > 2.2", "2,2."),
        ("I > 3", None),
        ("I > 4", None),
        ("I > 5", "S."),
    ]


def test_a_repeated_roman_label_is_the_next_one_when_the_sibling_after_confirms() -> None:
    t = scanned("I. KẾT QUẢ", "II. TỒN TẠI", "II. NGUYÊN NHÂN", "IV. NHIỆM VỤ")
    assert repaired(t) == [("I", None), ("II", None), ("III", "II."), ("IV", None)]


def test_a_repeated_roman_label_at_the_end_is_the_next_one() -> None:
    t = scanned("I. KẾT QUẢ", "II KHÓ KHĂN", "II. ĐỀ NGHỊ")
    assert repaired(t) == [("I", None), ("II", "II"), ("III", "II.")]


def test_a_repeat_followed_by_the_label_it_would_take_stays_as_read() -> None:
    t = scanned("I. KẾT QUẢ", "II. TỒN TẠI", "II. NGUYÊN NHÂN", "III. NHIỆM VỤ")
    assert repaired(t) == [("I", None), ("II", None), ("II", None), ("III", None)]


def test_a_misreading_is_not_repaired_when_the_expected_label_follows() -> None:
    t = scanned("I. KẾT QUẢ", "II. TỒN TẠI", "HI. CHÚ THÍCH", "III. NHIỆM VỤ", "IV. ĐỀ NGHỊ")
    assert repaired(t) == [("I", None), ("II", None), ("III", None), ("IV", None)]


def test_a_misread_first_label_opens_the_count_when_the_second_follows() -> None:
    t = scanned("IL TÌNH HÌNH CHUNG", "1. Hạ tầng", "II. KẾT QUẢ")
    assert repaired(t) == [("I", "IL"), ("1", None), ("II", None)]


@pytest.mark.parametrize(
    "lines",
    [
        # the rest of the line is not written like the sibling headings
        ("I. KẾT QUẢ", "HI. Đây là dòng viết thường nên không phải tiêu đề mục", "IV. NHIỆM VỤ"),
        ("I. KẾT QUẢ", "1. Hạ tầng", "Z. KẾT LUẬN VIẾT HOA", "3. Nhân lực"),
        # a word that merely starts like a label
        ("I. KẾT QUẢ", "Il cũng được ghi nhận trong báo cáo tổng hợp.", "III. NHIỆM VỤ"),
        ("I. KẾT QUẢ", "Illinois là tên một tiểu bang", "III. NHIỆM VỤ"),
        # a misspelling of a label that is not due here
        ("I. KẾT QUẢ", "lV. TỒN TẠI"),
    ],
)
def test_lines_that_are_not_misread_labels_stay_as_they_are(lines: tuple[str, ...]) -> None:
    assert all(r is None for _, r in repaired(scanned(*lines)))
    assert labels(scanned(*lines)) == labels(doc(*lines))


@pytest.mark.parametrize(
    "lines",
    [
        ("I. KẾT QUẢ", "IIL TỒN TẠI", "IV. NHIỆM VỤ"),
        ("I. KẾT QUẢ", "II. TỒN TẠI", "II. NGUYÊN NHÂN", "IV. NHIỆM VỤ"),
        ("I. KẾT QUẢ", "1. Hạ tầng", "Z. Ứng dụng", "3. Nhân lực"),
        ("IL TÌNH HÌNH CHUNG", "II. KẾT QUẢ"),
    ],
)
def test_text_documents_are_never_repaired(lines: tuple[str, ...]) -> None:
    secs = segment(doc(*lines))
    assert all(s.repaired_from is None for s in secs)
    assert [s.label for s in secs] == [s.label for s in segment(doc(*lines))]
    assert [s.label for s in secs] != [s.label for s in segment(scanned(*lines))]


def test_only_lines_on_ocr_pages_are_repaired() -> None:
    text = "I. KẾT QUẢ\nNội dung.\nIIL TỒN TẠI\nNội dung.\n\fIV. NHIỆM VỤ\nY. KIẾN NGHỊ\nVI. PHỤ LỤC\n"
    page2 = text.index("\f") + 1
    on_page_2 = NormText(text=text, page_starts=(0, page2), ocr_pages=(2,))
    assert repaired(on_page_2) == [("I", None), ("IV", None), ("V", "Y."), ("VI", None)]


def test_a_real_out_of_sequence_label_in_a_text_document_stays() -> None:
    assert labels(doc("I. KẾT QUẢ", "II. TỒN TẠI", "II. NGUYÊN NHÂN")) == ["I", "II", "II"]


# ----------------------------------------------------------------------------- spans and ids


def test_path_parent_span_and_page_of_each_section() -> None:
    text = "I. KẾT QUẢ\nMở đầu.\n1. Hạ tầng\nMáy tính.\n\f2. Ứng dụng\nPhần mềm.\nII. NHIỆM VỤ\nKết thúc.\n"
    page2 = text.index("\f") + 1
    t = NormText(text=text, page_starts=(0, page2))
    secs = segment(t)
    by = {s.path: s for s in secs}
    assert list(by) == ["I", "I > 1", "I > 2", "II"]
    assert by["I"].char_start == 0 and by["I"].char_end == text.index("II. NHIỆM VỤ")
    assert by["I > 1"].char_end == text.index("2. Ứng dụng")
    assert by["I > 2"].char_end == text.index("II. NHIỆM VỤ")
    assert by["II"].char_end == len(text)
    assert by["I > 1"].parent_id == by["I"].section_id
    assert by["I"].parent_id is None
    assert (by["I > 1"].page, by["I > 2"].page) == (1, 2)
    for s in secs:
        assert s.section_id == stable_id(s.char_start, s.label)
        assert text[s.char_start :].startswith(s.label)


def test_heading_start_skips_indentation() -> None:
    text = "Mở đầu của báo cáo.\n   1. Hạ tầng\nNội dung.\n"
    (s,) = segment(NormText(text=text))
    assert s.char_start == text.index("1. Hạ tầng")


# ----------------------------------------------------------------------------- rules file


def test_default_rules_are_loaded_once() -> None:
    assert load_heading_rules() is load_heading_rules()
    assert load_heading_rules(DEFAULT_RULES_PATH) is load_heading_rules()


def _mutated(tmp_path: Path, change) -> Path:  # type: ignore[no-untyped-def]
    data = yaml.safe_load(DEFAULT_RULES_PATH.read_text(encoding="utf-8"))
    change(data)
    p = tmp_path / "headings.yaml"
    p.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return p


@pytest.mark.parametrize(
    "change",
    [
        lambda d: d["rules"][0].__setitem__("pattern", "(unclosed"),
        lambda d: d["rules"][0].__setitem__("number", "fraction"),
        lambda d: d["rules"][0].__setitem__("level", "fixed"),
        lambda d: d["rules"][0].__setitem__("label", "{title}"),
        lambda d: d["rules"][0].__setitem__("colour", "red"),
        lambda d: d["rules"][0].pop("pattern"),
        lambda d: d["rules"].append(dict(d["rules"][0])),
        lambda d: d.__setitem__("rules", []),
        lambda d: d["limits"].__setitem__("max_heading_chars", -1),
        lambda d: d.__setitem__("version", 2),
        lambda d: d.__setitem__("surprise", 1),
        lambda d: d["ocr_labels"]["kinds"].__setitem__("bold", d["ocr_labels"]["kinds"]["roman"]),
        lambda d: d["ocr_labels"]["kinds"]["roman"].__setitem__("spellings", {"I": "l"}),
        lambda d: d["ocr_labels"].__setitem__("max_edits", 0),
    ],
)
def test_invalid_rules_file_raises_config_error(tmp_path: Path, change) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ConfigError):
        load_heading_rules(_mutated(tmp_path, change))


def test_rules_file_that_is_not_yaml_raises_config_error(tmp_path: Path) -> None:
    p = tmp_path / "headings.yaml"
    p.write_text("rules: [unclosed\n  - : :", encoding="utf-8")
    with pytest.raises(ConfigError):
        load_heading_rules(p)


def test_a_valid_copy_of_the_rules_file_loads_and_segments_alike(tmp_path: Path) -> None:
    rules = load_heading_rules(_mutated(tmp_path, lambda d: None))
    t = doc("I. KẾT QUẢ", "1. Hạ tầng")
    assert [s.label for s in segment(t, rules)] == ["I", "1"]
