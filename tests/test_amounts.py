"""Amounts split an amount: the sums of money after a connective are the parts of the sum of money before
it, whatever counts their descriptions hold. Sentences are our own, in the grammar of provincial reports."""

from __future__ import annotations

from extractors.figures import extract_figures
from pipeline.check import run_checks
from pipeline.model import Check, NormText


def money_sums(text: str) -> list[Check]:
    t = NormText(text=text)
    return [c for c in run_checks(t, [], extract_figures(t, [], "doc"), "doc")
            if c.rule == "sum_parts" and c.stated >= 1e6]


TEXT = (
    "Năm 2024, tỉnh bố trí {total} triệu đồng để thực hiện 3 dự án chuyển đổi số. Trong đó dự án trang bị "
    "40 máy tính cho 12 xã của 2 huyện với kinh phí 900 triệu đồng; dự án phần mềm một cửa 650 triệu đồng, "
    "dự án đào tạo kỹ năng số cho 300 cán bộ khoảng 250 triệu đồng."
)


def test_amounts_after_the_connective_add_up_to_the_amount_before_it() -> None:
    got = [(c.operands, c.stated, c.status) for c in money_sums(TEXT.format(total="1.800"))]
    assert ((9e8, 6.5e8, 2.5e8), 1.8e9, "ok") in got


def test_hedged_part_only_bounds_the_sum() -> None:
    # 900 + 650 + "khoảng 250" = 1.800: a total of 1.850 is not a mismatch, the hedge may cover it
    got = [c.status for c in money_sums(TEXT.format(total="1.850")) if c.operands == (9e8, 6.5e8, 2.5e8)]
    assert got == ["unverifiable"]


def test_connective_breaking_down_something_else_first_gives_no_amount_list() -> None:
    text = (
        "Thu nội địa đạt 5.200 tỷ đồng, trong đó 9/14 khoản thu vượt dự toán; kế đến là thu phí 1.100 tỷ "
        "đồng, thu khác 400 tỷ đồng."
    )
    assert money_sums(text) == []
