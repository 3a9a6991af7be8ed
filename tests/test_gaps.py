"""Stated differences ("thấp hơn D so với … (B)"): found with both compared figures, judged |A − B| = D."""

from __future__ import annotations

from extractors.figures import extract_figures
from pipeline.check import run_checks
from pipeline.check.finders import find_relations
from pipeline.model import Check, NormText


def checks(text: str) -> list[Check]:
    t = NormText(text=text)
    return run_checks(t, [], extract_figures(t, [], "doc"), "doc")


def found(text: str, rule: str) -> list[tuple[str, tuple[float, ...], float]]:
    t = NormText(text=text)
    rels = find_relations(t, [], extract_figures(t, [], "doc"))
    return [(r.rule, r.operands, r.stated) for r in rels if r.rule == rule]


def test_gap_below_a_target_in_parentheses_is_the_difference_of_both_figures() -> None:
    text = "Tỷ lệ người dân tham gia bảo hiểm đạt 72,3% dân số, thấp hơn 1,7% so với kế hoạch huyện giao (74%)."
    assert found(text, "difference") == [("difference", (74.0, 72.3), 1.7)]
    assert [c.status for c in checks(text) if c.rule == "difference"] == ["ok"]


def test_gap_that_does_not_match_its_figures_is_a_mismatch() -> None:
    text = "Tỷ lệ hồ sơ trực tuyến đạt 64,2%, cao hơn 3,5% so với bình quân cả nước (61,9%)."
    assert [c.status for c in checks(text) if c.rule == "difference"] == ["mismatch"]


def test_gap_whose_direction_contradicts_the_figures_is_never_a_mismatch() -> None:
    text = "Tỷ lệ hồ sơ trực tuyến đạt 58,0%, cao hơn 2,0% so với năm trước (61,0%)."
    assert [c.status for c in checks(text) if c.rule == "difference"] == ["unverifiable"]


def test_change_without_the_compared_figure_is_not_a_difference() -> None:
    text = "Số tiêu chí bình quân đạt 15 tiêu chí/xã, tăng 4,5 tiêu chí so với năm 2015."
    assert found(text, "difference") == []


def test_earlier_stated_change_is_skipped_when_looking_for_the_first_figure() -> None:
    text = (
        "Bình quân 16 tiêu chí/xã, tăng 3 tiêu chí so với năm 2019; "
        "cao hơn 2,5 tiêu chí so với bình quân vùng (13,5 tiêu chí/xã)."
    )
    assert found(text, "difference") == [("difference", (16.0, 13.5), 2.5)]


def test_headline_rest_is_the_body_fraction_denominator_less_its_numerator() -> None:
    head = "Nông thôn mới: còn {n} xã miền núi chưa có nhà văn hóa đạt chuẩn\n\n"
    body = "Theo Sở Văn hóa, đến nay có 41/47 xã miền núi có nhà văn hóa đạt chuẩn, tăng 5 xã so với năm trước.\n"
    assert found(head.format(n="06") + body, "difference") == [("difference", (47.0, 41.0), 6.0)]
    assert [c.status for c in checks(head.format(n="06") + body) if c.rule == "difference"] == ["ok"]
    assert [c.status for c in checks(head.format(n="08") + body) if c.rule == "difference"] == ["mismatch"]


def test_headline_rest_of_another_thing_is_not_compared() -> None:
    text = (
        "Còn 06 xã miền núi chưa có trạm y tế đạt chuẩn\n\n"
        "Đến nay có 41/47 xã miền núi có nhà văn hóa đạt chuẩn.\n"
    )
    assert found(text, "difference") == []
