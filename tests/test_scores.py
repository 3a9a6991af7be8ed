"""Score breakdowns: a score out of its maximum, and the component lines whose maxima add up exactly to it.
The text is our own, in the form of published index results."""

from __future__ import annotations

from extractors.figures import extract_figures
from pipeline.check import run_checks
from pipeline.model import Check, NormText


def sums(text: str) -> list[Check]:
    t = NormText(text=text)
    return [c for c in run_checks(t, [], extract_figures(t, [], "doc"), "doc") if c.rule == "sum_parts"]


TEXT = (
    "Chỉ số chuyển đổi số của huyện năm 2023 đạt {total}/50 điểm tối đa, xếp thứ 4/11 huyện.\n\n"
    "- Chính quyền số: 18,4/25 điểm tối đa.\n\n"
    "- Kinh tế số: 9,35/15 điểm tối đa.\n\n"
    "- Xã hội số: 6,5/10 điểm tối đa.\n"
)


def test_component_scores_add_up_when_their_maxima_do() -> None:
    got = {(c.operands, c.stated): c.status for c in sums(TEXT.format(total="34,25"))}
    assert got[((18.4, 9.35, 6.5), 34.25)] == "ok"
    assert got[((25.0, 15.0, 10.0), 50.0)] == "ok"


def test_scores_within_the_rounding_of_their_decimals_are_consistent() -> None:
    # 18,4 stands for 18,35–18,45: a total of 34,29 is still reachable
    got = {(c.operands, c.stated): c.status for c in sums(TEXT.format(total="34,29"))}
    assert got[((18.4, 9.35, 6.5), 34.29)] == "ok"


def test_scores_that_cannot_add_up_are_a_mismatch() -> None:
    got = {(c.operands, c.stated): c.status for c in sums(TEXT.format(total="36,25"))}
    assert got[((18.4, 9.35, 6.5), 36.25)] == "mismatch"


def test_no_breakdown_when_the_maxima_do_not_add_up() -> None:
    text = TEXT.format(total="34,25").replace("6,5/10", "6,5/12")
    assert all(c.stated not in (34.25, 50.0) for c in sums(text))
