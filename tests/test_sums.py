"""Sums across sentences and the grammar of lists (pipeline/check/identities.py, scope.py, lists.py).

The sentences are our own, written in the grammar of Vietnamese administrative reports.
"""

from __future__ import annotations

import pytest

from extractors.entities import extract_entities
from extractors.figures import extract_figures
from extractors.meaning import annotate_facts
from pipeline.check.finders import find_relations
from pipeline.check.relation import Relation
from pipeline.check.rules import load_rules
from pipeline.check.sumrules import load_sum_rules
from pipeline.check.verdict import judge
from pipeline.config import ConfigError
from pipeline.model import DocMeta, NormText


def relations(text: str) -> list[Relation]:
    """The relations of a text whose figures carry their metrics, as the ingest gives them."""
    t = NormText(text=text)
    facts = annotate_facts(t, [], extract_figures(t, [], "doc"), DocMeta(), extract_entities(t, []))
    return find_relations(t, [], facts, catalog=())


def sums(text: str) -> list[tuple[tuple[float, ...], float]]:
    return [(tuple(sorted(r.operands)), r.stated) for r in relations(text) if r.rule == "sum_parts"]


def verdicts(text: str) -> dict[tuple[tuple[float, ...], float], str]:
    """(sorted operands, total) -> ok | mismatch | unverifiable, as the verdict would say."""
    rules = load_rules()
    out = {}
    for r in relations(text):
        if r.rule != "sum_parts":
            continue
        j = judge(r, r.operands, r.stated, rules)
        out[(tuple(sorted(r.operands)), r.stated)] = "ok" if j.fits else ("mismatch" if r.strong else "unverifiable")
    return out


def test_resolved_splits_into_compound_part_and_late_stated_in_other_clauses() -> None:
    text = (
        "Năm 2022, Ủy ban nhân dân huyện đã giải quyết 8.430 hồ sơ. Số hồ sơ trả trước và đúng hạn là "
        "8.411 hồ sơ. Số hồ sơ quá hạn là 19 hồ sơ."
    )
    assert ((19.0, 8411.0), 8430.0) in sums(text)


def test_received_is_resolved_plus_pending_across_sentences() -> None:
    text = (
        "Trong quý II, bộ phận một cửa tiếp nhận 3.120 hồ sơ. Kết quả đã giải quyết 3.004 hồ sơ, "
        "đạt 96,3%. Số hồ sơ đang giải quyết là 116 hồ sơ."
    )
    assert ((116.0, 3004.0), 3120.0) in sums(text)


def test_levels_add_up_to_the_whole_stated_before_them() -> None:
    text = (
        "Trong năm 2023, toàn tỉnh đã tiếp nhận 41.000 hồ sơ.\n\n"
        "Cấp tỉnh tiếp nhận 12.500 hồ sơ; cấp huyện tiếp nhận 9.300 hồ sơ; cấp xã tiếp nhận 19.200 hồ sơ."
    )
    assert ((9300.0, 12500.0, 19200.0), 41000.0) in sums(text)


def test_levels_that_miss_the_whole_are_a_mismatch() -> None:
    text = (
        "Trong năm 2023, toàn tỉnh đã tiếp nhận 41.000 hồ sơ.\n\n"
        "Với cấp tỉnh, đã tiếp nhận 12.500 hồ sơ.\n\n"
        "Với cấp huyện, đã tiếp nhận 9.300 hồ sơ.\n\n"
        "Với cấp xã, đã tiếp nhận 19.900 hồ sơ."
    )
    assert verdicts(text)[((9300.0, 12500.0, 19900.0), 41000.0)] == "mismatch"


def test_a_total_after_its_parts_is_their_sum() -> None:
    text = (
        "Tháng 5/2024, Trung tâm tiếp nhận mới 2.310 hồ sơ, hồ sơ kỳ trước chuyển sang là 415, "
        "lũy kế phải giải quyết trong kỳ là 2.725 hồ sơ."
    )
    assert ((415.0, 2310.0), 2725.0) in sums(text)


def test_trong_so_opens_a_list_with_its_total() -> None:
    text = "Trong số 1.204 hồ sơ đang xử lý, có 1.150 hồ sơ còn trong hạn và 54 hồ sơ đã quá hạn."
    assert ((54.0, 1150.0), 1204.0) in sums(text)


def test_a_new_stage_verb_ends_a_list_of_channels() -> None:
    text = (
        "Quý I, các cơ quan đã tiếp nhận 9.000 hồ sơ. Trong đó, có 2.000 hồ sơ trực tuyến; 6.500 hồ sơ "
        "trực tiếp; 500 hồ sơ từ kỳ trước chuyển sang; đã giải quyết 8.100 hồ sơ; 900 hồ sơ đang giải quyết."
    )
    found = sums(text)
    assert ((500.0, 2000.0, 6500.0), 9000.0) in found
    assert not any(8100.0 in ops for ops, _ in found if _ == 9000.0 and len(ops) > 3)


def test_figures_of_two_paragraphs_are_not_one_identity() -> None:
    text = (
        "Tháng 3, huyện đã giải quyết 500 hồ sơ, trước và đúng hạn 480 hồ sơ.\n\n"
        "Tháng 4, số hồ sơ quá hạn là 20 hồ sơ."
    )
    assert ((20.0, 480.0), 500.0) not in sums(text)


def test_an_identity_naming_an_unknown_metric_is_a_config_error(tmp_path) -> None:
    p = tmp_path / "sums.yaml"
    p.write_text("version: 1\nidentities:\n  - total: dossiers_nonexistent\n    parts: [[dossiers_late]]\n")
    with pytest.raises(ConfigError):
        load_sum_rules(p)


def test_a_part_larger_than_its_total_ends_the_list() -> None:
    text = (
        "Hộ nghèo có 8.200 hộ (giảm 95 hộ so với đầu năm), trong đó có 2.900 hộ nghèo dân tộc thiểu số; "
        "hộ cận nghèo có 11.400 hộ."
    )
    found = sums(text)
    assert not any(11400.0 in ops for ops, _ in found)
    assert not any(total == 95.0 for _, total in found)


def test_what_a_part_holds_after_voi_is_not_another_part() -> None:
    text = "Huyện điều tra 120 địa bàn, trong đó có 100 địa bàn thường và 20 địa bàn đặc thù với 9.100 hộ."
    assert sums(text) == [((20.0, 100.0), 120.0)]


def test_a_change_after_plain_parts_ends_the_list() -> None:
    text = "Dân số của huyện là 51.300 người, trong đó nữ 26.050 người; trong 5 năm, dân số tăng 1.410 người."
    assert not any(1410.0 in ops for ops, _ in sums(text))


def test_an_ellipsis_inside_a_part_does_not_end_the_list() -> None:
    text = (
        "Số hộ thoát nghèo là 2.140 hộ, trong đó chuyển sang hộ cận nghèo là 1.210 hộ; thoát hẳn là 900 hộ; "
        "do chuyển đi, tách hộ… là 30 hộ."
    )
    assert ((30.0, 900.0, 1210.0), 2140.0) in sums(text)


def test_petitions_received_are_resolved_plus_pending_by_their_stage_words() -> None:
    text = (
        "Năm 2024, xã tiếp nhận 23 đơn của công dân, trong đó: 05 đơn khiếu nại và 18 đơn kiến nghị. "
        "Ủy ban nhân dân xã đã giải quyết xong 21 đơn, đang giải quyết 02 đơn."
    )
    assert ((2.0, 21.0), 23.0) in sums(text)


def test_fractions_of_one_whole_that_exhaust_it_are_a_sum() -> None:
    text = "Kết quả xếp loại: có 14/16 phòng xếp loại Tốt; 02/16 phòng xếp loại Khá."
    assert ((2.0, 14.0), 16.0) in sums(text)


def test_fractions_that_fall_short_of_the_whole_are_no_claim() -> None:
    text = "Kết quả xếp loại: có 11/16 phòng xếp loại Tốt; 02/16 phòng xếp loại Khá."
    assert not any(total == 16.0 for _, total in sums(text))


def test_amounts_split_the_amount_not_the_count_between_them() -> None:
    text = (
        "Năm 2024, tỉnh được giao 1.250 tỷ đồng để thực hiện 4 chương trình, trong đó vốn đầu tư 700 tỷ đồng, "
        "vốn sự nghiệp 550 tỷ đồng."
    )
    assert ((550e9, 700e9), 1250e9) in sums(text)


def test_a_parenthesised_breakdown_names_its_noun_in_the_totals_phrase() -> None:
    text = "Các phòng đã giải quyết 4.210 bộ hồ sơ (4.180 hồ sơ đúng hạn, 30 hồ sơ quá hạn)."
    assert ((30.0, 4180.0), 4210.0) in sums(text)


def test_rounded_parts_that_fit_as_intervals_are_no_mismatch() -> None:
    text = (
        "Trong tháng, Trung tâm tiếp nhận 3,42 ngàn hồ sơ. Trong đó có 1,13 ngàn hồ sơ kỳ trước chuyển sang, "
        "tiếp nhận mới 2,28 ngàn hồ sơ."
    )
    assert verdicts(text)[((1130.0, 2280.0), 3420.0)] != "mismatch"


def test_the_rest_of_a_fractions_whole_adds_up_to_it() -> None:
    text = "Toàn quốc có 7.420 đài truyền thanh/8.100 xã, đạt 91,6%. Còn 690 xã chưa có đài truyền thanh."
    assert verdicts(text)[((690.0, 7420.0), 8100.0)] == "mismatch"
    text_ok = "Toàn quốc có 7.420 đài truyền thanh/8.100 xã, đạt 91,6%. Còn 680 xã chưa có đài truyền thanh."
    assert verdicts(text_ok)[((680.0, 7420.0), 8100.0)] == "ok"


def test_a_restated_total_is_not_a_part_of_itself() -> None:
    text = (
        "Quý III, huyện tiếp nhận 6.000 hồ sơ. Như vậy, toàn huyện đã tiếp nhận 6.000 hồ sơ, "
        "hồ sơ kỳ trước chuyển sang là 250 hồ sơ."
    )
    assert not any(ops == (250.0, 6000.0) for ops, _ in sums(text))


def test_an_identity_in_one_sentence_beats_a_rival_from_the_next() -> None:
    text = (
        "Với cấp huyện, đã giải quyết 4.300 hồ sơ, đúng và trước hạn 4.210 hồ sơ; quá hạn còn 80 hồ sơ. "
        "Trong số hồ sơ đang giải quyết có 37 hồ sơ đã quá hạn."
    )
    assert verdicts(text)[((80.0, 4210.0), 4300.0)] == "mismatch"


def test_a_trailing_total_of_its_whole_sentence_misses_as_a_mismatch() -> None:
    text = (
        "Tháng 5/2024, Trung tâm tiếp nhận mới 2.310 hồ sơ, hồ sơ kỳ trước chuyển sang là 415, "
        "lũy kế phải giải quyết trong kỳ là 2.735 hồ sơ."
    )
    assert verdicts(text)[((415.0, 2310.0), 2735.0)] == "mismatch"


def test_co_parts_of_a_total_introduced_by_gom_are_a_strong_list() -> None:
    text = "Số hồ sơ đang giải quyết gồm 640 hồ sơ, có 600 hồ sơ chưa đến hạn và 30 hồ sơ đã quá hạn."
    assert verdicts(text)[((30.0, 600.0), 640.0)] == "mismatch"


def test_a_stage_fraction_takes_part_in_the_identity_of_its_whole() -> None:
    text = (
        "Trong tháng 6, Trung tâm đã giải quyết: 3.710/4.400 hồ sơ (tỷ lệ 84,3%). "
        "Trung tâm đang giải quyết 690 hồ sơ (còn trong thời hạn)."
    )
    assert ((690.0, 3710.0), 4400.0) in sums(text)
