"""Metric keys from the grammar around a figure: words after the counted noun, abbreviations, channels."""

from __future__ import annotations

from datetime import date

from extractors.catalog import load_catalog
from extractors.entities import extract_entities
from extractors.figures import extract_figures
from extractors.meaning import annotate_facts
from pipeline.check.passage import compatible
from pipeline.model import DocMeta, NormText
from pipeline.structure.tree import segment

META = DocMeta(issuer="UBND huyện Mỹ Lộc", place="Mỹ Lộc", title="Báo cáo kết quả cải cách hành chính năm 2023",
               issued_date=date(2023, 12, 5), issued_date_text="2023-12-05")


def metrics(text: str) -> dict[float, str | None]:
    t = NormText(text=text)
    sections = segment(t)
    facts = annotate_facts(t, sections, extract_figures(t, sections, "d"), META, extract_entities(t, sections))
    return {f.value: f.metric for f in facts}


def test_words_after_the_noun_up_to_the_comma_belong_to_the_figure_even_across_va() -> None:
    got = metrics("Huyện đã giải quyết 2.640 hồ sơ. Trong đó, có 2.590 hồ sơ giải quyết đúng và trước hạn, "
                  "có 50 hồ sơ giải quyết trễ hạn.")
    assert got[2640] == "dossiers_resolved"
    assert got[2590] == "dossiers_on_time"
    assert got[50] == "dossiers_late"


def test_the_abbreviation_hs_is_a_unit_of_dossiers() -> None:
    got = metrics("Bộ phận một cửa đã giải quyết 2,71 ngàn HS, trong đó có 2,66 ngàn HS giải quyết đúng hạn.")
    assert got[2710] == "dossiers_resolved" and got[2660] == "dossiers_on_time"
    assert compatible("hs", "hồ sơ")


def test_a_channel_word_beats_newly_received_and_a_status_word_beats_a_channel() -> None:
    got = metrics("Trong kỳ tiếp nhận mới trực tiếp 1.020 hồ sơ. Có 3 hồ sơ trễ hạn là hồ sơ liên thông.")
    assert got[1020] == "dossiers_direct"
    assert got[3] == "dossiers_late"


def test_dossiers_submitted_at_level_3_or_4_are_online_dossiers() -> None:
    got = metrics("Có 12 cơ quan phát sinh hồ sơ, trong đó có 35 hồ sơ nộp mức độ 3 và 410 hồ sơ nộp mức độ 4.")
    assert got[35] == "dossiers_online" and got[410] == "dossiers_online"


def test_a_rate_per_person_after_an_average_is_the_computer_staff_rate() -> None:
    got = metrics("Sở có 312 cán bộ công chức, tổng số máy vi tính là 240 máy, đạt tỷ lệ bình quân 0,77 máy/người.")
    assert got[0.77] == "computer_staff_rate"


def test_a_count_of_dossiers_naming_no_stage_is_reported_as_received_but_is_no_received_total() -> None:
    got = metrics("Các đơn vị có nhiều giao dịch là Sở Tư pháp (312 hồ sơ), Sở Y tế (145 hồ sơ).")
    cat = load_catalog()
    assert got[312] == got[145] == "dossiers_counted"
    assert cat.reported("dossiers_counted") == "dossiers_received"
    assert "dossiers_counted" not in {p for m in cat.metrics.values() for p in m.parts}


def test_later_cues_still_name_a_count_known_only_by_its_noun() -> None:
    got = metrics("Tỷ lệ hồ sơ trực tuyến đạt 41,5% (166/400 hồ sơ).")
    assert got[41.5] == "online_dossier_rate"
    assert got[166] == "dossiers_online"  # the terms of the rate in its parenthesis


def test_items_named_by_a_unit_after_the_number_take_the_first_items_metric() -> None:
    got = metrics("Đến nay đã cung cấp 512 thủ tục mức độ 4 cấp tỉnh, 730 thủ tục cấp huyện, 36 thủ tục cấp xã.")
    assert got[512] == got[730] == got[36] == "procedures_level_4"


def test_a_share_after_a_named_total_is_the_rate_of_the_count_before_the_total() -> None:
    got = metrics("Tỉnh có số hồ sơ trực tuyến là 52.310 và tổng số hồ sơ giải quyết là 80.470, chiếm 65,01%.")
    assert got[52310] == "dossiers_online"
    assert got[65.01] == "online_dossier_rate"


def test_the_clause_after_a_parenthesized_share_names_an_unnamed_count() -> None:
    got = metrics("Có 57 hồ sơ (chiếm 1,8%), cơ quan chuyên môn trả lại hồ sơ cho người nộp.")
    assert got[57] == "dossiers_rejected"
