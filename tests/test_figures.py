"""Which numbers of a report are figures, and what each figure is (value, kind, unit, span)."""

from __future__ import annotations

from pathlib import Path

import pytest

from extractors.figures import extract_figures, grammar
from pipeline.errors import ConfigError
from pipeline.model import FootnoteRef, NormText, Section


def figures(text: str, **kw):
    return extract_figures(NormText(text=text, **kw), [], "doc")


def values(text: str) -> list[float]:
    return [f.value for f in figures(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Năm nay tiếp nhận 12.480 hồ sơ.", [(12480, "count", "hồ sơ")]),
        ("Tỷ lệ trực tuyến đạt 76,25%.", [(76.25, "percent", "%")]),
        ("Tỷ lệ đạt 97 %.", [(97, "percent", "%")]),
        ("Kinh phí đã chi 2.345.600.000 đồng.", [(2345600000, "money", "đồng")]),
        ("Chi thường xuyên 150.000.000đ cho duy trì.", [(150000000, "money", "đ")]),
        ("Tổng vốn trên 2 tỷ đồng.", [(2e9, "money", "đồng")]),
        ("Phát hành 1.020 văn bản điện tử.", [(1020, "count", "văn bản")]),
        ("Cấp mới 57 chứng thư số.", [(57, "count", "chứng thư số")]),
        ("Triển khai đến 9 xã, thị trấn trong huyện.", [(9, "count", "xã, thị trấn")]),
        ("Đăng 40 tin, bài trên cổng.", [(40, "count", "tin, bài")]),
        ("Bình quân 0,9 người/máy.", [(0.9, "other", "người/máy")]),
        ("Diện tích 1.250,5 ha lúa.", [(1250.5, "other", "ha")]),
    ],
)
def test_number_with_unit_or_percent_is_a_figure(text: str, expected: list[tuple]) -> None:
    assert [(f.value, f.kind, f.unit) for f in figures(text)] == expected


@pytest.mark.parametrize(
    "text",
    [
        "Thực hiện Quyết định số 2150/QĐ-UBND của tỉnh.",
        "Căn cứ Nghị định 47/2020/NĐ-CP của Chính phủ.",
        "Theo Nghị quyết số 12-NQ/TU của Tỉnh ủy.",
        "Triển khai Đề án 06 của Chính phủ.",
        "Báo cáo ngày 14/7/2023 gửi Sở.",
        "Báo cáo ngày 14 tháng 7 năm 2023 gửi Sở.",
        "Tổng hợp số liệu tháng 9/2023 của các xã.",
        "Kế hoạch giai đoạn 2021 - 2025 đã ban hành.",
        "Số liệu từ ngày 01/01 đến 30/6 đã tổng hợp.",
        "Kết quả 6 tháng đầu năm khả quan.",
        "Thời gian phục vụ 4 giờ/ngày.",
        "Người từ 15 tuổi trở lên.",
        "Đạt Chỉ tiêu 8.4 về ứng dụng.",
        "Dịch vụ công mức độ 3, 4 của tỉnh.",
        "Số liệu tại Biểu số 03 kèm theo.",
        "Đánh giá Tiêu chí số 8 của xã.",
        "Căn cứ khoản 2 Điều 5 của Luật.",
        "Kiến trúc phiên bản 2.0 của tỉnh.",
        "Nâng cấp lên công nghệ 4.0 hiện đại.",
        "Phủ sóng 4G và 5G toàn tỉnh.",
        "Phòng chống dịch COVID-19 hiệu quả.",
        "Liên hệ Điện thoại: 0296 3852 123 để hỏi.",
        "Truy cập <https://dvc.example.gov.vn/page?id=34> để xem.",
        "Tra cứu tại cong63.example.gov.vn hằng ngày.",
        "Chỉ tiêu yêu cầu (tối thiểu 50%) đối với xã.",
        "Mỗi xã có ít nhất 02 điểm phục vụ.",
        "1. Kết quả đạt được",
        "2.3. Hạ tầng kỹ thuật",
        "2.3.1. Mạng nội bộ",
        "Xem ghi chú (2) bên dưới.",
    ],
)
def test_dates_references_labels_and_norms_are_not_figures(text: str) -> None:
    assert values(text) == []


def test_fraction_gives_ratio_fact_for_numerator_and_count_for_denominator() -> None:
    facts = figures("Có 12/15 xã đạt chuẩn.")
    assert [(f.value, f.kind, f.unit) for f in facts] == [(12, "ratio", "xã"), (15, "count", "xã")]
    assert (facts[0].numerator, facts[0].denominator) == (12, 15)
    assert facts[0].quote == "12/15 xã"


def test_full_fraction_like_16_of_16_states_one_figure() -> None:
    facts = figures("Đã có 16/16 xã hoàn thành.")
    assert [(f.value, f.kind, f.numerator, f.denominator) for f in facts] == [(16, "ratio", 16, 16)]


def test_written_computation_keeps_both_operands_and_the_percent() -> None:
    facts = figures("Tỷ lệ hồ sơ trực tuyến: 30/30 = 100%.")
    assert [(f.value, f.kind) for f in facts] == [(30, "ratio"), (30, "count"), (100, "percent")]


def test_unit_of_a_fraction_comes_from_the_clause_when_not_written_after_it() -> None:
    facts = figures("Tỷ lệ giải quyết trên tổng số hồ sơ: 251/300 = 83,67%.")
    assert [f.unit for f in facts] == ["hồ sơ", "hồ sơ", "%"]


def test_date_and_fraction_are_told_apart_by_context() -> None:
    assert values("Tính đến 05/06 đã xong.") == []
    assert values("Có 05/06 ấp đã lắp loa.") == [5, 6]


@pytest.mark.parametrize(
    ("text", "unit"),
    [
        ("Số lượng máy chủ hiện có là 14.", "máy chủ"),
        ("Tổng số cụm loa: 312.", "cụm loa"),
        ("Đã nhận 820 hồ sơ, trong đó trực tuyến 610, chiếm 74,4%.", "hồ sơ"),
        ("Số hồ sơ chuyển kỳ sau 45, chiếm 1,2%.", "hồ sơ"),
    ],
)
def test_bare_number_takes_its_unit_from_the_clause(text: str, unit: str) -> None:
    bare = [f for f in figures(text) if f.extractor == "rx.bare"]
    assert bare and bare[-1].unit == unit


@pytest.mark.parametrize(
    ("text", "qualifier"),
    [("Đạt trên 85% kế hoạch.", "trên"), ("Có hơn 1.500 người dùng.", "hơn"),
     ("Khoảng 35% máy tính có bản quyền.", "khoảng"), ("Gần 200 hộ dân.", "gần"),
     ("Tỷ lệ đạt từ 80% trở lên.", "tối thiểu"), ("Tỷ lệ (>50% so với giao).", "trên"),
     ("Đã tiếp nhận 45 hồ sơ.", None)],
)
def test_approximate_figures_carry_their_qualifier(text: str, qualifier: str | None) -> None:
    (fact,) = figures(text)
    assert fact.qualifier == qualifier


def test_table_cells_are_figures_except_row_numbers_and_years() -> None:
    text = ("STT\tĐơn vị\tNăm công nhận\tSố hồ sơ\tTỷ lệ (%)\n"
            "01\tXã An Bình\t2019\t1.200\t95,5\n"
            "02\tXã Hòa Lợi\t2021\t860\t90\n")
    facts = figures(text)
    assert [(f.value, f.kind, f.unit, f.extractor) for f in facts] == [
        (1200, "count", "hồ sơ", "rx.table"), (95.5, "percent", "%", "rx.table"),
        (860, "count", "hồ sơ", "rx.table"), (90, "percent", "%", "rx.table")]


def test_table_money_is_scaled_by_its_unit_note_or_header() -> None:
    text = ("Đơn vị tính: triệu đồng\n"
            "TT\tNội dung\tNăm 2022\n1\tMua sắm\t350\n2\tThuê dịch vụ\t1.200,5\n"
            "| TT | Xã | Kinh phí (nghìn đồng) | Số máy tính |\n| 1 | Xã C | 1.500 | 12 |\n")
    facts = figures(text)
    assert [(f.value, f.kind, f.unit) for f in facts] == [
        (3.5e8, "money", "đồng"), (1.2005e9, "money", "đồng"),
        (1.5e6, "money", "đồng"), (12, "count", "máy tính")]


def test_pipe_table_first_column_counting_rows_is_skipped_without_header() -> None:
    text = "| 1 | Phường A | 35 |\n| 2 | Phường B | 41 |\n| 3 | Phường C | 12 |\n"
    assert values(text) == [35, 41, 12]


def test_quote_is_the_text_span_and_page_section_come_from_the_offset() -> None:
    text = "I. KẾT QUẢ\nTrang đầu.\fĐã cấp 320 tài khoản, đạt 64,5%."
    start = text.index("\f") + 1
    sec = Section("s1", None, 1, "I", "KẾT QUẢ", "I", 0, len(text), 1)
    facts = extract_figures(NormText(text=text, page_starts=(0, start)), [sec], "doc")
    assert [f.quote for f in facts] == ["320 tài khoản", "64,5%"]
    for f in facts:
        assert text[f.char_start:f.char_end] == f.quote
        assert f.page == 2
        assert f.section_id == "s1"


def test_fact_ids_are_stable_and_distinct() -> None:
    text = "Có 3/4 ấp và 7 xã."
    a, b = figures(text), figures(text)
    assert [f.fact_id for f in a] == [f.fact_id for f in b]
    assert len({f.fact_id for f in a}) == len(a) == 3


def test_figures_inside_footnote_bodies_are_facts_too() -> None:
    text = "Cấp 25 máy tính.\n5 Kế hoạch có 40 máy in."
    aside = (text.index("\n") + 1, len(text))
    assert [f.value for f in figures(text, asides=(aside,))] == [25, 40]


def test_figure_followed_by_footnote_marker_has_lower_confidence() -> None:
    text = "Đã cấp 188 tài khoản và 20 hộp thư."
    ref = FootnoteRef(char_start=text.index(" tài"), char_end=text.index(" tài"), number="7")
    marked, plain = figures(text, footnotes=(ref,))
    assert marked.confidence < plain.confidence


def test_currency_word_dong_is_not_money_inside_another_word() -> None:
    facts = figures("Có 3 đồng chí tham dự và chi 5.000.000 đồng.")
    assert [(f.value, f.kind) for f in facts] == [(3, "count"), (5e6, "money")]


def test_malformed_unit_file_is_a_config_error(tmp_path: Path) -> None:
    bad = tmp_path / "units.yaml"
    bad.write_text("units:\n  - {text: hồ sơ, kind: weight}\n", encoding="utf-8")
    with pytest.raises(ConfigError):
        grammar(bad)
