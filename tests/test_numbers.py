"""Vietnamese number notation: parsing, writing, and finding numbers in running text."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from extractors.numbers import find_numbers, format_vi, parse_vi_number


@pytest.mark.parametrize(
    ("written", "value", "decimals"),
    [
        ("19.214", 19214, 0),  # one dot + three digits groups thousands
        ("1.133.820.000", 1133820000, 0),
        ("89,66", 89.66, 2),  # decimal comma
        ("74,0", 74.0, 1),  # a trailing zero is stated precision
        ("50,00", 50.0, 2),
        ("0,33", 0.33, 2),
        ("05", 5, 0),  # leading zero of a two-digit count
        ("0", 0, 0),
        ("1.234,5", 1234.5, 1),  # both separators: the last one is the decimal
        ("1,234.5", 1234.5, 1),
        ("1,234,567", 1234567, 0),  # several commas can only be English grouping
        ("95.9", 95.9, 1),  # a lone dot before other than three digits is a decimal point
        ("4.36", 4.36, 2),
        ("71.55%", 71.55, 2),
        ("12.345%", 12345, 0),  # one dot + three digits groups thousands before % too
        ("1.200%", 1200, 0),
        ("0.125%", 0.125, 3),  # no grouped number starts with 0
        ("0.500", 0.5, 3),
        ("1.234.567%", 1234567, 0),
        ("89,66 %", 89.66, 2),
        ("-1.250", -1250, 0),
    ],
)
def test_parse_vi_number_reads_vietnamese_notation(written: str, value: float, decimals: int) -> None:
    assert parse_vi_number(written) == (pytest.approx(value), decimals)


@pytest.mark.parametrize("written", ["2.4.1", "1,2,3", "12.34.567", "1.2345.678", "", "abc", "1.0.0"])
def test_malformed_grouping_is_not_a_number(written: str) -> None:
    with pytest.raises(ValueError):
        parse_vi_number(written)


@pytest.mark.parametrize(
    ("value", "decimals", "written"),
    [(1234567.5, 1, "1.234.567,5"), (999, 0, "999"), (1000, 0, "1.000"), (0.5, 2, "0,50"),
     (89.66, 2, "89,66"), (-2500, 0, "-2.500"), (-0.001, 2, "0,00")],
)
def test_format_vi_groups_with_dots_and_uses_a_decimal_comma(
    value: float, decimals: int, written: str
) -> None:
    assert format_vi(value, decimals) == written


@given(st.integers(min_value=-10**15, max_value=10**15))
def test_integers_round_trip_through_format_and_parse(n: int) -> None:
    assert parse_vi_number(format_vi(n, 0)) == (n, 0)


@given(st.integers(min_value=0, max_value=10**12), st.integers(min_value=1, max_value=4))
def test_decimals_round_trip_with_their_precision(units: int, decimals: int) -> None:
    x = units / 10**decimals
    value, got_decimals = parse_vi_number(format_vi(x, decimals))
    assert got_decimals == decimals
    assert value == pytest.approx(x, rel=1e-12, abs=10 ** -(decimals + 2))


@given(st.integers(min_value=0, max_value=100_000), st.integers(min_value=0, max_value=3))
def test_percent_round_trips_with_percent_sign(units: int, decimals: int) -> None:
    x = units / 10**decimals
    assert parse_vi_number(format_vi(x, decimals) + "%")[1] == decimals


@pytest.mark.parametrize(
    ("text", "value"),
    [("kinh phí 1 tỷ đồng", 1e9), ("khoảng 1,5 tỷ", 1.5e9), ("gần 300 triệu đồng", 3e8),
     ("4,9 triệu lượt", 4.9e6), ("2 nghìn người", 2e3), ("3 ngàn hộ", 3e3), ("2 nghìn tỷ", 2e12),
     ("1 tỉ", 1e9)],
)
def test_multiplier_words_scale_the_value(text: str, value: float) -> None:
    (tok,) = find_numbers(text)
    assert tok.value == pytest.approx(value)
    assert text[tok.char_start:tok.char_end] == tok.text


def test_amount_spelled_with_descending_multipliers_is_one_number() -> None:
    toks = find_numbers("chi 12 tỷ 350 triệu đồng, còn 3 tỷ 2 tỷ")
    assert [t.value for t in toks] == [12.35e9, 3e9, 2e9]
    assert toks[0].text == "12 tỷ 350 triệu"


def test_ratio_word_ty_le_is_not_a_multiplier() -> None:
    toks = find_numbers("có 1 tỷ lệ khác")
    assert [t.value for t in toks] == [1]
    assert toks[0].text == "1"


def test_find_numbers_attaches_percent_sign_and_keeps_offsets() -> None:
    text = "Tỷ lệ đạt 87,14% và 95.9 %, tổng 2.134 hồ sơ."
    toks = find_numbers(text)
    assert [(t.value, t.decimals, t.is_percent) for t in toks] == [
        (87.14, 2, True), (95.9, 1, True), (2134, 0, False)]
    for t in toks:
        assert text[t.char_start:t.char_end] == t.text


def test_find_numbers_skips_labels_and_digits_glued_after_letters() -> None:
    text = "Mục 2.4.1. Mạng IPv6 và trang t63 có 12 hộp thư"
    assert [t.value for t in find_numbers(text)] == [12]


def test_find_numbers_splits_fractions_into_two_numbers() -> None:
    toks = find_numbers("đạt 373/416 hồ sơ")
    assert [t.value for t in toks] == [373, 416]


@pytest.mark.parametrize(("text", "values"), [
    ("| 312 406 | 95 118 |", [312406, 95118]),
    ("Xã đã nhận 14 275 hồ sơ", [14275]),
    ("Chi phí 1 250,75 triệu đồng", [1250750000]),
])
def test_space_grouped_thousands_in_a_cell_or_before_a_word_are_one_number(text: str, values: list[float]) -> None:
    assert [t.value for t in find_numbers(text)] == values


@pytest.mark.parametrize(("text", "values"), [
    ("Cấp 2 4410 3902 61 807 52,3%", [2, 4410, 3902, 61, 807, 52.3]),  # columns one space apart
    ("đạt 3 450%", [3, 450]),
    ("7 3 128 hộ", [7, 3, 128]),
    ("Trung học 612 618 625 631", [612, 618, 625, 631]),  # a row whose column spaces were collapsed
    ("Người 412 508 412 508", [412, 508, 412, 508]),
])
def test_space_separated_numbers_that_may_be_columns_stay_apart(text: str, values: list[float]) -> None:
    assert [t.value for t in find_numbers(text)] == values
