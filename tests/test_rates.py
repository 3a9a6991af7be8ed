"""Per-unit rates ("bình quân 0,8 máy/người"): the two counts of the rate's sentence, judged a/b = r at the
rate's written precision. The sentences are our own, in the grammar of administrative reports."""

from __future__ import annotations

import pytest

from extractors.figures import extract_figures
from pipeline.check import run_checks
from pipeline.model import Check, NormText


def checks(text: str) -> list[Check]:
    t = NormText(text=text)
    return [c for c in run_checks(t, [], extract_figures(t, [], "doc"), "doc") if c.rule == "per_unit_rate"]


@pytest.mark.parametrize(
    ("text", "operands", "stated", "status"),
    [
        (
            "Huyện có 640 cán bộ, công chức; tổng số máy vi tính được trang bị là 512 máy, bình quân 0,8 máy/người.",
            (512.0, 640.0), 0.8, "ok",
        ),
        (
            "Khảo sát 52 thôn, bản cho thấy toàn huyện có 52 trạm truyền thanh, bình quân 1 trạm/thôn.",
            (52.0, 52.0), 1.0, "ok",
        ),
        (
            "Sở có 85 viên chức và 119 máy tính, đạt tỷ lệ 1,2 máy tính/người.",  # 119/85 = 1,4
            (119.0, 85.0), 1.2, "mismatch",
        ),
    ],
)
def test_rate_is_the_count_of_its_noun_over_the_count_of_its_base(
    text: str, operands: tuple[float, float], stated: float, status: str
) -> None:
    got = checks(text)
    assert [(c.operands, c.stated, c.status) for c in got] == [(operands, stated, status)]


def test_truncated_rate_is_consistent() -> None:
    # 1.128 / 1.554 = 0,7258…: written as 0,72 (truncated) it still holds
    text = "Tỉnh có 1.554 công chức, có 1.128 máy tính, bình quân 0,72 máy tính/người."
    assert [c.status for c in checks(text)] == ["ok"]


def test_rate_without_both_counts_in_its_sentence_is_not_checked() -> None:
    text = "Toàn tỉnh có 1.200 máy tính. Bình quân 0,9 máy tính/người."
    assert checks(text) == []


def test_another_pairing_that_fits_makes_the_rate_unverifiable() -> None:
    # two counts of people: 96/120 = 0,8 fits with the other base, so 0,8 is not flagged against 100
    text = "Năm 2023 có 120 cán bộ, tuyển thêm 100 công chức, trang bị 96 máy tính, bình quân 0,8 máy tính/người."
    assert [c.status for c in checks(text)] in (["ok"], ["unverifiable"])


def _percent_checks(text: str) -> list[Check]:
    t = NormText(text=text)
    return [c for c in run_checks(t, [], extract_figures(t, [], "doc"), "doc") if c.rule == "ratio_percent"]


def test_rate_line_under_a_total_line_and_a_part_line() -> None:
    text = "Kết quả rà soát:\n- Tổng số hộ cần cập nhật: 840 hộ\n- Số hộ đã cập nhật: 714 hộ\n"
    text += "- Tỷ lệ hoàn thành: {p}%\n"
    assert [(c.operands, c.status) for c in _percent_checks(text.format(p="85"))] == [((714.0, 840.0), "ok")]
    assert [(c.operands, c.status) for c in _percent_checks(text.format(p="88"))] == [((714.0, 840.0), "mismatch")]


def test_rate_line_without_a_total_line_above_is_not_read_as_their_ratio() -> None:
    text = "- Số hộ nghèo: 840 hộ\n- Số hộ cận nghèo: 714 hộ\n- Tỷ lệ hộ nghèo: 3,1%\n"
    assert [c.operands for c in _percent_checks(text)] != [(714.0, 840.0)]
