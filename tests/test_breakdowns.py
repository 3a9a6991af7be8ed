"""Parallel breakdowns: a total, a connective opening the next sentence, and one part per sentence under the
total's own short label. The sentences are our own, in the grammar of administrative and news reports."""

from __future__ import annotations

from extractors.figures import extract_figures
from pipeline.check import run_checks
from pipeline.model import Check, NormText


def sums(text: str) -> list[Check]:
    t = NormText(text=text)
    return [c for c in run_checks(t, [], extract_figures(t, [], "doc"), "doc") if c.rule == "sum_parts"]


LEAD = "Tính đến ngày 10/3, toàn huyện có hơn 41.000 học sinh đi học trở lại, vắng {total} em.\n"
BODY = (
    "Cụ thể, cấp tiểu học có 18.200 em đi học, vắng 410 em.\n"
    "Cấp THCS có 14.600 em đến lớp, vắng 265 em. Trong đó, nghỉ ốm 200 em.\n"
    "Còn cấp THPT có 8.700 em đã đi học, vắng 125 em.\n"
)


def test_parts_under_the_totals_label_add_up() -> None:
    got = [(c.operands, c.stated, c.status) for c in sums(LEAD.format(total="800") + BODY)]
    assert ((410.0, 265.0, 125.0), 800.0, "ok") in got


def test_hedged_total_is_a_band_around_the_parts() -> None:
    # 410 + 265 + 125 = 800: "khoảng 780" is within 5 %, "khoảng 700" is not
    ok = [c.status for c in sums(LEAD.format(total="khoảng 780") + BODY) if c.operands == (410.0, 265.0, 125.0)]
    bad = [c.status for c in sums(LEAD.format(total="khoảng 700") + BODY) if c.operands == (410.0, 265.0, 125.0)]
    assert (ok, bad) == (["ok"], ["mismatch"])


def test_no_breakdown_when_the_connective_sentence_holds_no_part() -> None:
    # "Trong đó" after "vắng 265 em" breaks down the 265 in its own sentence: the later "vắng" is not its part
    text = (
        "Cấp THCS vắng 265 em. Trong đó, nghỉ ốm 200 em, lý do khác 65 em.\n"
        "Cấp THPT vắng 125 em.\nCấp tiểu học vắng 40 em.\n"
    )
    assert all(c.stated != 265.0 or c.operands == (200.0, 65.0) for c in sums(text))


def test_no_breakdown_across_a_blank_line() -> None:
    text = LEAD.format(total="800") + "Cụ thể, cấp tiểu học vắng 410 em.\n\nCấp THCS vắng 265 em.\n"
    text += "Cấp THPT vắng 125 em.\n"
    assert all(c.stated != 800.0 for c in sums(text))
