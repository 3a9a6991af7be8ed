"""A total with a part set aside: "không tính X (A) thì M đạt B" states that the figure stated earlier
as M is A + B. Sentences are our own, in the grammar of provincial reports."""

from __future__ import annotations

from extractors.figures import extract_figures
from pipeline.check import run_checks
from pipeline.model import Check, NormText


def exclusion_checks(text: str) -> list[Check]:
    t = NormText(text=text)
    return [c for c in run_checks(t, [], extract_figures(t, [], "doc"), "doc")
            if c.rule == "sum_parts" and len(c.operands) == 2]


DOSSIERS = (
    "Năm 2023, toàn huyện tiếp nhận 8.420 hồ sơ thủ tục hành chính. Trong đó, hồ sơ trực tuyến đạt 5.300 "
    "hồ sơ.\n\nKhông tính các hồ sơ đất đai ({excluded} hồ sơ) thì hồ sơ trực tuyến đạt {rest} hồ sơ."
)


def test_excluded_part_and_rest_add_up_to_the_total_stated_under_the_same_label() -> None:
    got = [(c.operands, c.stated, c.status) for c in exclusion_checks(DOSSIERS.format(excluded="1.150", rest="4.150"))]
    assert got == [((1150.0, 4150.0), 5300.0, "ok")]


def test_excluded_part_and_rest_that_miss_the_total_are_a_mismatch() -> None:
    got = [(c.stated, c.status) for c in exclusion_checks(DOSSIERS.format(excluded="1.150", rest="4.100"))]
    assert got == [(5300.0, "mismatch")]


def test_money_in_scale_words_compares_as_intervals() -> None:
    text = (
        "Thu ngân sách năm 2024 đạt 9.870 tỷ đồng. Không kể thu từ xổ số (1.020 tỷ đồng) thì thu ngân sách đạt "
        "8.850 tỷ đồng, bằng 96% dự toán."
    )
    assert [(c.stated, c.status) for c in exclusion_checks(text)] == [(9.87e12, "ok")]


def test_a_rate_after_thi_is_not_a_rest() -> None:
    text = "Thu nội địa đạt 6.400 tỷ đồng. Không tính tiền sử dụng đất (700 tỷ đồng) thì thu nội địa đạt 98,5% dự toán."
    assert exclusion_checks(text) == []


def test_without_an_earlier_figure_under_the_label_there_is_nothing_to_check() -> None:
    text = (
        "Toàn tỉnh tiếp nhận 12.000 hồ sơ. Không tính hồ sơ đất đai (2.000 hồ sơ) thì hồ sơ lĩnh vực tư pháp "
        "đạt 3.500 hồ sơ."
    )
    assert exclusion_checks(text) == []


def test_an_earlier_figure_of_another_unit_is_not_the_total() -> None:
    text = (
        "Hồ sơ trực tuyến đạt 5.300 văn bản. Không tính hồ sơ đất đai (1.150 hồ sơ) thì hồ sơ trực tuyến đạt "
        "4.150 hồ sơ."
    )
    assert exclusion_checks(text) == []
