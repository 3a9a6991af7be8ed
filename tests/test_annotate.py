"""Metric, subject and period of every figure, from the grammar of the report around it."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

from extractors.catalog import CATALOG_PATH, load_catalog
from extractors.entities import extract_entities
from extractors.figures import extract_figures
from extractors.meaning import annotate_facts
from pipeline.model import DocMeta, Fact, NormText
from pipeline.structure.tree import segment

HUYEN = DocMeta(issuer="UBND huyện Tân Phước", place="Tân Phước", title="Báo cáo kết quả cải cách hành chính năm 2022",
                issued_date=date(2022, 12, 10), issued_date_text="2022-12-10")


def run(text: str, meta: DocMeta = HUYEN, catalog=None) -> list[Fact]:
    t = NormText(text=text)
    sections = segment(t)
    facts = extract_figures(t, sections, "doc")
    return annotate_facts(t, sections, facts, meta, extract_entities(t, sections), catalog=catalog)


def table(text: str, meta: DocMeta = HUYEN) -> dict[float, tuple[str | None, str | None, str | None]]:
    return {f.value: (f.metric, f.subject, f.period) for f in run(text, meta)}


def test_facts_keep_their_order_ids_and_quotes() -> None:
    text = "Năm 2021 đã tiếp nhận 1.250 hồ sơ, trong đó trực tuyến 500 hồ sơ, chiếm 40%."
    t = NormText(text=text)
    facts = extract_figures(t, segment(t), "doc")
    out = run(text)
    assert [f.fact_id for f in out] == [f.fact_id for f in facts]
    assert all(text[f.char_start:f.char_end] == f.quote for f in out)


def test_head_noun_and_predicate_name_the_metric() -> None:
    got = table("Bộ phận một cửa tiếp nhận 2.400 hồ sơ; đã giải quyết 2.310 hồ sơ; văn bản được ký số 1.870 văn bản; "
                "cấp phát 65 chứng thư số; trang bị 320 máy tính.")
    assert got[2400][0] == "dossiers_received"
    assert got[2310][0] == "dossiers_resolved"
    assert got[1870][0] == "documents_signed"
    assert got[65][0] == "certificates_issued"
    assert got[320][0] == "computers"


def test_enumeration_distributes_the_head_noun_over_its_items() -> None:
    got = table("Số hồ sơ đã giải quyết 1.200 hồ sơ trong đó (trước hạn 900 hồ sơ, đúng hạn 250 hồ sơ, "
                "quá hạn 50 hồ sơ).")
    assert [got[v][0] for v in (1200, 900, 250, 50)] == [
        "dossiers_resolved", "dossiers_early", "dossiers_on_time", "dossiers_late"]


def test_list_items_named_only_by_their_subject_take_the_list_metric() -> None:
    got = table("Tổng số máy tính là 700 máy, trong đó cấp huyện 260 máy, cấp xã 440 máy.")
    assert got[700] == ("computers", None, "2022")
    assert got[260] == ("computers", "cấp huyện", "2022")
    assert got[440] == ("computers", "cấp xã", "2022")


def test_level_and_count_pairs_distribute_over_a_list_of_levels() -> None:
    got = table("Tổng số TTHC: Mức độ 2, 80 thủ tục, tỷ lệ 40%; Mức độ 3, 70 thủ tục, tỷ lệ 35%; "
                "Mức độ 4, 50 thủ tục, tỷ lệ 25%.")
    assert (got[80][0], got[70][0], got[50][0]) == ("procedures_level_2", "procedures_level_3", "procedures_level_4")
    assert got[25][0] == "procedures_level_4_rate"


def test_a_percent_after_a_count_is_the_rate_of_that_count() -> None:
    got = table("Trong năm tiếp nhận 1.000 hồ sơ, trong đó tiếp nhận trực tuyến 640 hồ sơ, chiếm 64%; "
                "trực tiếp 360 hồ sơ, chiếm 36%.")
    assert got[64][0] == "online_dossier_rate"
    assert got[36][0] == "direct_dossier_rate"  # not the online rate of the clause before


def test_fraction_splits_its_label_into_numerator_and_denominator() -> None:
    got = run("Tỷ lệ hồ sơ giải quyết trực tuyến trên tổng số hồ sơ giải quyết: 120/150 = 80%.")
    metrics = {(f.value, f.extractor.endswith("denominator")): f.metric for f in got}
    assert metrics[(120, False)] == "dossiers_online"
    assert metrics[(150, True)] == "dossiers_resolved"
    assert metrics[(80, False)] == "online_dossier_rate"


def test_fraction_denominator_defaults_to_the_base_of_the_numerators_rate() -> None:
    got = run("Đến nay có 5.200/7.400 người có tài khoản định danh điện tử, đạt 70,27%.")
    metrics = {(f.value, f.extractor.endswith("denominator")): f.metric for f in got}
    assert metrics[(5200, False)] == "eid_accounts"
    assert metrics[(70.27, False)] == "eid_rate"


def test_trong_do_switches_subjects_and_keeps_the_metric() -> None:
    got = table("Tỷ lệ cán bộ, công chức được trang bị máy tính đạt 92%, trong đó cấp huyện đạt 100%, cấp xã đạt 88%.")
    assert got[92] == ("computer_staff_rate", None, "2022")
    assert got[100] == ("computer_staff_rate", "cấp huyện", "2022")
    assert got[88] == ("computer_staff_rate", "cấp xã", "2022")


def test_prose_rows_name_their_subject_before_the_colon() -> None:
    got = table("- Tổng số dân trong độ tuổi lao động:\n+ Xã An Thạnh: 4.100 người\n+ Xã Phú Mỹ: 3.900 người")
    assert got[4100][1] == "Xã An Thạnh" and got[3900][1] == "Xã Phú Mỹ"


def test_subject_of_a_sentence_applies_to_its_figures() -> None:
    got = table("Trong năm 2022, Văn phòng HĐND-UBND huyện đã phát hành 3.100 văn bản, trong đó ký số 3.050 văn bản.")
    assert got[3100] == ("documents_issued", "Văn phòng HĐND-UBND huyện", "2022")
    assert got[3050] == ("documents_signed", "Văn phòng HĐND-UBND huyện", "2022")


def test_the_issuer_named_as_subject_is_null() -> None:
    got = table("UBND huyện đã bố trí 02 cán bộ chuyên trách công nghệ thông tin.")
    assert got[2][1] is None


def test_section_heading_scopes_subject_and_sentence_scopes_period() -> None:
    text = ("II. KẾT QUẢ\n1. Cấp huyện\nNăm 2021 đã tiếp nhận 800 hồ sơ. Năm 2022 đã tiếp nhận 950 hồ sơ.\n"
            "2. Cấp xã\nNăm 2022 đã tiếp nhận 4.300 hồ sơ.")
    got = table(text)
    assert got[800] == ("dossiers_received", "cấp huyện", "2021")
    assert got[950] == ("dossiers_received", "cấp huyện", "2022")
    assert got[4300] == ("dossiers_received", "cấp xã", "2022")


def test_a_closed_digression_does_not_carry_its_period() -> None:
    got = table("Năm 2022 đã tiếp nhận 600 hồ sơ (năm 2021 đã tiếp nhận 450 hồ sơ). Số hồ sơ đã giải quyết 580 hồ sơ.")
    assert (got[600][2], got[450][2], got[580][2]) == ("2022", "2021", "2022")


def test_a_range_in_a_parenthesis_refines_the_year_before_it() -> None:
    got = table("+ Năm 2023 (từ ngày 01/01 đến 30/6): hệ thống đã tiếp nhận 700 hồ sơ.")
    assert got[700][2] == "2023-01-01..2023-06-30"


def test_document_period_and_as_of_dates() -> None:
    meta = DocMeta(issuer="UBND huyện Tân Phước", place="Tân Phước",
                   title="Kết quả ứng dụng công nghệ thông tin từ năm 2020 đến nay", issued_date_text="2023-05")
    got = table("Tổng số máy tính là 300 máy. Tính đến 24/5/2023, tổng kinh phí là 5.000.000.000 đồng.", meta)
    assert got[300][2] == "2020-01-01..2023-05-31"  # the report's own period
    assert got[5e9] == ("budget", None, "2020-01-01..2023-05-24")


def test_province_department_reports_about_the_province() -> None:
    meta = DocMeta(issuer="Sở Thông tin và Truyền thông", title="Kết quả chuyển đổi số năm 2024")
    got = table("Tỷ lệ hộ gia đình có kết nối Internet băng rộng cố định đạt 81,5%.", meta)
    assert got[81.5] == ("broadband_household_rate", "toàn tỉnh", "2024")


def test_table_rows_give_subjects_and_column_headers_give_metrics() -> None:
    text = ("Số liệu của các xã năm 2021 như sau:\n"
            "STT\tĐơn vị\tSố máy tính\tHồ sơ tiếp nhận\tHồ sơ trực tuyến\n"
            "1\tXã An Phú\t12\t340\t120\n"
            "2\tXã Tân Hòa\t15\t410\t160\n"
            "\tTổng cộng\t27\t750\t280")
    got = run(text)
    rows = {(f.value, f.subject): (f.metric, f.period) for f in got}
    assert rows[(12, "Xã An Phú")] == ("computers", "2021")
    assert rows[(410, "Xã Tân Hòa")] == ("dossiers_received", "2021")
    assert rows[(160, "Xã Tân Hòa")] == ("dossiers_online", "2021")
    assert rows[(750, None)] == ("dossiers_received", "2021")  # the totals row is the issuer's


def test_a_metric_added_to_a_yaml_copy_is_assigned_without_code_change(tmp_path: Path) -> None:
    path = tmp_path / "metrics.yaml"
    shutil.copy(CATALOG_PATH, path)
    with path.open("a", encoding="utf-8") as f:
        f.write("\n  smart_lights:\n    name: Đèn chiếu sáng thông minh\n    kind: count\n"
                "    heads: [bộ đèn, đèn]\n    cues: [[chiếu sáng thông minh]]\n")
    got = run("Đã lắp đặt 140 bộ đèn chiếu sáng thông minh.", catalog=load_catalog(path))
    assert got[0].metric == "smart_lights"
    assert run("Đã lắp đặt 140 bộ đèn chiếu sáng thông minh.")[0].metric is None  # the shipped catalog lacks it


def test_criterion_table_cells_become_status_facts() -> None:
    from extractors.meaning import criterion_facts

    text = ("Tổng hợp kết quả đánh giá\n"
            "STT\tXã\t8.1\t8.2\tTiêu chí 8\n"
            "01\tĐông Hòa\tĐ\tKhông đạt\tKhông đạt\n"
            "02\tTây Sơn\tĐ\tĐ\tĐạt\n")
    t = NormText(text=text)
    facts = criterion_facts(t, segment(t), "doc", HUYEN)
    got = [(f.subject, f.unit, f.status, f.value) for f in facts]
    assert got == [("Đông Hòa", "tiêu chí 8.1", "Đạt", 1.0), ("Đông Hòa", "tiêu chí 8.2", "Không đạt", 0.0),
                   ("Đông Hòa", "tiêu chí 8", "Không đạt", 0.0), ("Tây Sơn", "tiêu chí 8.1", "Đạt", 1.0),
                   ("Tây Sơn", "tiêu chí 8.2", "Đạt", 1.0), ("Tây Sơn", "tiêu chí 8", "Đạt", 1.0)]
    assert all(f.kind == "other" and f.metric == "ntm_criterion_status" and text[f.char_start:f.char_end] == f.quote
               for f in facts)
