"""Page furniture, dates and times of news and portal pages are never figures (extractors/furniture.py)."""

from __future__ import annotations

import pytest

from extractors.figures import extract_figures
from extractors.furniture import furniture_spans
from pipeline.model import NormText


def values(text: str) -> list[float]:
    return [f.value for f in extract_figures(NormText(text=text), [], "d")]


@pytest.mark.parametrize("line", [
    "14:27, 09/11/2021",
    "Cập nhật lúc: 07:45 21/06/2019",
    "Thứ Hai, 13/02/2023, 10:02 (GMT+7)",
    "Ngày đăng: 02/08/2024 15:40",
    "11/03/2022 09:12 318",  # a view count glued to the date line
    "Tin tức 17:05 28/02/2021 (412)",  # the page's section name and a counter in brackets
    "Lượt xem: 2.318",
    "• Trong tuần: 4 406",
    "View Count: 87",
])
def test_date_lines_and_counters_give_no_figures(line: str) -> None:
    text = f"Huyện A đẩy mạnh cải cách\n{line}\nHuyện đã tiếp nhận 1.250 hồ sơ."
    assert values(text) == [1250]


@pytest.mark.parametrize(("text", "kept"), [
    ("Tính đến 9-4, tỉnh đã cấp 3.120 tài khoản", [3120]),
    ("từ ngày 2-1 đến ngày 31-3-2024 có 415 hồ sơ", [415]),
    ("trong tháng 7-2022 có 88 hồ sơ", [88]),
    ("chiều nay 16/8 đã có 52 xã", [52]),
    ("date 2021-11 Huyện có 34 xã", [34]),
    ("cuộc họp lúc 14h15 với 20 đơn vị", [20]),
    ("như Hình 3. Có 12 máy tính", [12]),
])
def test_dates_and_times_in_any_notation_are_not_figures(text: str, kept: list[float]) -> None:
    assert values(text) == kept


@pytest.mark.parametrize(("text", "kept"), [
    ("Có đến 4/7 huyện hoàn thành", [4, 7]),  # a fraction after "đến", not a date
    ("tỷ lệ tăng từ 12-14%", [12, 14]),  # a range of percents
])
def test_ranges_and_fractions_after_range_words_stay_figures(text: str, kept: list[float]) -> None:
    assert values(text) == kept


def test_a_number_alone_between_prose_lines_is_furniture_but_a_column_of_numbers_is_not() -> None:
    prose = "Người viết: Minh Anh\n\n2,415\nGửi ý kiến của bạn"
    assert furniture_spans(prose) and values(prose) == []
    column = "Số xã\n12\n15\n18"
    assert values(column) == [12, 15, 18]


@pytest.mark.parametrize(("text", "kept"), [
    ("mật độ đạt 94 thuê bao/100 dân", [94]),  # the base of a per-capita rate is not a figure
    ("bình quân 17 tiêu chí/1 xã", [17]),
    ("có 8.412 đài truyền thanh/9.377 xã", [8412, 9377]),  # a real denominator stays
])
def test_the_power_of_ten_base_of_a_per_unit_rate_is_not_a_figure(text: str, kept: list[float]) -> None:
    assert values(text) == kept


def test_the_base_of_an_index_is_not_a_figure() -> None:
    assert values("Chỉ số phát triển (Năm trước = 100) - %\nTiểu học 98,40") == [98.40]


def test_a_row_number_before_a_capitalized_row_name_is_not_a_figure_but_a_count_before_a_word_is() -> None:
    assert values("xã % 61,20 61,20\n47 Số trạm y tế có bác sĩ Trạm 52 52 48 Tỷ lệ trạm có bác sĩ % 80,5") \
        == [61.20, 61.20, 52, 52, 80.5]
    assert values("huyện có 47 số điện thoại đường dây nóng") == [47]
