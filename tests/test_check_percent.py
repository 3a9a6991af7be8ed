"""Percent bases as candidates, then a choice; thresholds, targets and changes; FORMAT.md intervals.

Sentences are composed for these tests in the patterns of real reports (names and numbers invented).
"""

from __future__ import annotations

import pytest

from extractors.figures import extract_figures
from pipeline import severity
from pipeline.check.run import run_checks
from pipeline.model import Check, NormText


def run_text(text: str) -> list[Check]:
    t = NormText(text=text)
    return run_checks(t, [], extract_figures(t, [], "doc"), "doc")


# ---------------------------------------------------------------------------------------------
# Percent bases: candidates, then a choice (pipeline/check/candidates.py, select.py)
# ---------------------------------------------------------------------------------------------


def _percent_checks(text: str) -> list:
    return [c for c in run_text(text) if c.rule in ("ratio_percent", "share_of_total")]


def test_base_of_a_share_in_the_previous_sentence_is_the_figure_that_fits() -> None:
    text = (
        "Trong quý II, Trung tâm đã tiếp nhận 2.000 hồ sơ và giải quyết 1.900 hồ sơ. Trong đó, hồ sơ giải "
        "quyết trước hạn là 1.500 hồ sơ (chiếm tỷ lệ 75%)."
    )
    c = next(c for c in _percent_checks(text) if c.stated == 75.0)
    assert c.status == "ok" and c.operands == (1500.0, 2000.0)
    assert 0.0 < c.confidence <= 1.0


def test_base_after_the_percent_in_the_same_sentence() -> None:
    text = (
        "Tiếp nhận mới 900 hồ sơ, hồ sơ trả trước và đúng hạn là 940 hồ sơ (đạt 94%), hồ sơ đến hạn "
        "giải quyết 1.000 hồ sơ."
    )
    c = next(c for c in _percent_checks(text) if c.stated == 94.0)
    assert c.status == "ok" and c.operands == (940.0, 1000.0)


def test_strong_reading_that_does_not_fit_is_a_mismatch() -> None:
    text = "Cấp xã tiếp nhận 4.000 hồ sơ, với 1.000 hồ sơ trực tuyến (đạt tỷ lệ 30%)."
    c = next(c for c in _percent_checks(text) if c.stated == 30.0)
    assert c.status == "mismatch" and c.operands == (1000.0, 4000.0)
    # severity grows with the structure's confidence and the 5-point gap (pipeline/severity.py)
    assert c.severity == pytest.approx(severity.severity("share_of_total", 5.0, 25.0, None, c.confidence))
    assert c.severity > severity.severity("share_of_total", 5.0, 25.0, None, c.confidence / 2)


def test_unclear_base_that_does_not_fit_is_unverifiable_with_the_reason() -> None:
    text = (
        "Năm 2024 tiếp nhận 3.000 hồ sơ. Đã giải quyết 2.800 hồ sơ. Số hồ sơ có kết quả qua bưu chính là "
        "500 hồ sơ (chiếm 40%)."
    )
    c = next(c for c in _percent_checks(text) if c.stated == 40.0)
    assert c.status == "unverifiable" and "base" in c.reason


def test_percent_naming_its_whole_takes_only_wholes_of_that_noun() -> None:
    text = "Toàn tỉnh có 120 xã và 4.000 hộ; 90 xã đạt chuẩn, chiếm 75% số xã."
    c = next(c for c in _percent_checks(text) if c.stated == 75.0)
    assert c.operands == (90.0, 120.0) and c.status == "ok"


def test_percent_of_a_whole_not_in_the_text_is_not_checked() -> None:
    text = (
        "Tổng số người tham gia bảo hiểm là 5.000 người; trong đó bắt buộc 4.100 người, "
        "chiếm 21,3% lực lượng lao động."
    )
    assert not [c for c in _percent_checks(text) if c.stated == 21.3]


def test_threshold_met_by_each_unit_is_not_a_share() -> None:
    text = "Có 7/8 xã, phường đạt tỷ lệ hồ sơ trễ hạn dưới 2%."
    assert not _percent_checks(text)


def test_targets_and_changes_are_not_shares() -> None:
    text = "Đã giải quyết 800 hồ sơ, phấn đấu đạt 95%. Tiếp nhận 600 hồ sơ, so với cùng kỳ tăng 12%."
    assert not _percent_checks(text)


def test_rounded_operand_is_an_interval() -> None:
    # 2,35 ngàn stands for 2.345–2.355: 2.355/2.400 = 98,125% reaches the stated 98,1%
    text = "Đã giải quyết 2.400 hồ sơ, trong đó đúng hạn 2,35 ngàn hồ sơ, đạt 98,1%."
    c = next(c for c in _percent_checks(text) if c.stated == 98.1)
    assert c.status == "ok"


def test_rounded_parts_of_a_sum_meet_the_total_interval() -> None:
    text = "Tiếp nhận 3,42 ngàn hồ sơ, trong đó trực tuyến 1,21 ngàn hồ sơ, trực tiếp 2,2 ngàn hồ sơ."
    c = next(c for c in run_text(text) if c.rule == "sum_parts")
    assert c.status == "ok"


def test_share_of_a_plan_in_a_list_is_not_a_share_of_the_total() -> None:
    text = "Tổng thu ngân sách đạt 120 tỷ đồng; trong đó, thu tại xã được 30 tỷ đồng, đạt 45% kế hoạch."
    assert not [c for c in _percent_checks(text) if c.stated == 45.0]


def test_headline_restating_a_body_share_is_checked_with_its_hedge() -> None:
    text = (
        "Huyện Tân Lộc: hồ sơ trực tuyến đạt hơn 60%\n\n"
        "Trong tháng 5, huyện tiếp nhận 1.000 hồ sơ, trong đó có 620 hồ sơ trực tuyến, đạt tỷ lệ 62%."
    )
    head = [c for c in _percent_checks(text) if c.stated == 60.0]
    assert len(head) == 1 and head[0].status == "ok" and head[0].operands == (620.0, 1000.0)


def test_headline_bound_contradicted_by_the_body_is_a_mismatch() -> None:
    text = (
        "Xã Phú Hòa: thu thập thông tin đạt trên 90%\n\n"
        "Xã có 5.000 hộ được điều tra, đã thu thập thông tin được 4.400 hộ, đạt tỷ lệ 90,2%."
    )
    head = next(c for c in _percent_checks(text) if c.stated == 90.0)
    assert head.status == "mismatch"  # 4.400/5.000 = 88 % is not above 90 %


def test_unhedged_headline_percent_matches_only_its_own_rounding() -> None:
    text = "Tỉnh đạt 95% hồ sơ đúng hạn\n\nĐã giải quyết 2.000 hồ sơ, trong đó đúng hạn 1.860 hồ sơ, đạt 93%."
    assert not [c for c in _percent_checks(text) if c.stated == 95.0]


def test_messages_name_the_hedge_that_applied() -> None:
    c = next(c for c in run_text("Có 50/100 xã, đạt trên 70%.") if c.rule == "ratio_percent")
    assert c.status == "mismatch"
    assert '"trên"' in c.message_vi and "lower bound" in c.message_en


def test_percent_stated_before_its_total_and_part() -> None:
    text = (
        "Tỷ lệ hồ sơ của các phòng ban được giải quyết đúng hạn đạt 98,5%; trong đó, tổng số hồ sơ đã giải "
        "quyết xong là 4.000 hồ sơ, số hồ sơ giải quyết đúng hạn là 3.940 hồ sơ."
    )
    c = next(c for c in _percent_checks(text) if c.stated == 98.5)
    assert c.status == "ok" and c.operands == (3940.0, 4000.0)


def test_denominator_of_a_fraction_is_a_base_in_its_own_noun() -> None:
    text = "Toàn tỉnh có 450 điểm bưu điện/500 xã, phường, đạt tỷ lệ 90%. Còn 50 xã, phường chưa có điểm, chiếm 10%."
    c = next(c for c in _percent_checks(text) if c.stated == 10.0)
    assert c.status == "ok" and c.operands == (50.0, 500.0)
