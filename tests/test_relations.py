"""Which arithmetic relations the wording of a report makes checkable (pipeline/check/).

The sentences are our own, written in the grammar of Vietnamese administrative reports.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from extractors.catalog import load_catalog
from extractors.figures import extract_figures
from pipeline.check.catalog import CatalogRelation, catalog_identities
from pipeline.check.finders import find_relations
from pipeline.check.relation import Relation
from pipeline.model import Fact, FootnoteRef, NormText, Section, stable_id


def relations(text: str, *, sections: list[Section] | None = None, **kw) -> list[Relation]:
    t = NormText(text=text, **kw)
    secs = sections or []
    return find_relations(t, secs, extract_figures(t, secs, "doc"), catalog=())


def found(text: str, rule: str | None = None) -> list[tuple[str, tuple[float, ...], float]]:
    return [(r.rule, r.operands, r.stated) for r in relations(text) if rule is None or r.rule == rule]


def section(sid: str, label: str, start: int, end: int, level: int = 1) -> Section:
    return Section(sid, None, level, label, label, label, start, end, 1)


# --- parts of a total --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "parts", "total"),
    [
        (
            "Toàn huyện có 45 trường học, trong đó 20 trường tiểu học, 15 trường THCS và 10 trường mầm non.",
            (20, 15, 10),
            45,
        ),
        (
            "Năm 2023 tiếp nhận 1.250 hồ sơ. Trong đó: trực tiếp 400 hồ sơ; trực tuyến 820 hồ sơ; "
            "qua bưu chính "
            "30 hồ sơ.",
            (400, 820, 30),
            1250,
        ),
        (
            "Sở quản lý 64 thủ tục gồm: lĩnh vực báo chí 20 thủ tục; lĩnh vực xuất bản 30 thủ tục; lĩnh vực "
            "viễn thông 14 thủ tục.",
            (20, 30, 14),
            64,
        ),
        (
            "Đã giải quyết 900 hồ sơ (trong đó trước hạn 700 hồ sơ, đúng hạn 150 hồ sơ, quá hạn 50 hồ sơ).",
            (700, 150, 50),
            900,
        ),
        (
            "Tổng kinh phí năm 2023: 1.500.000.000 đồng. Trong đó:\n- Mua sắm thiết bị: 900.000.000 đồng\n"
            "- Thuê dịch vụ: 600.000.000 đồng\n",
            (900e6, 600e6),
            1.5e9,
        ),
    ],
)
def test_parts_listed_after_a_total_are_summed(text: str, parts: tuple, total: float) -> None:
    sums = found(text, "sum_parts")
    assert ("sum_parts", tuple(float(p) for p in parts), float(total)) in sums


def test_bullets_under_a_total_line_are_its_parts_and_deeper_bullets_theirs() -> None:
    text = (
        "Tổng số máy tính: 300 máy. Trong đó:\n- Khối huyện: 120 máy\n+ Văn phòng: 70 máy\n"
        "+ Các phòng: 50 máy\n- Khối xã: 180 máy\n"
    )
    sums = found(text, "sum_parts")
    assert ("sum_parts", (120.0, 180.0), 300.0) in sums
    assert ("sum_parts", (70.0, 50.0), 120.0) in sums


def test_a_single_part_is_a_subset_not_a_sum() -> None:
    assert found("Tiếp nhận 500 hồ sơ, trong đó 120 hồ sơ nộp trực tuyến.", "sum_parts") == []


def test_pending_items_are_not_parts_of_what_was_resolved() -> None:
    text = (
        "Đã giải quyết 100 hồ sơ, trong đó (trước hạn 60 hồ sơ, đúng hạn 30 hồ sơ, quá hạn 10 hồ sơ, "
        "đang giải quyết 7 hồ sơ)."
    )
    assert found(text, "sum_parts") == [("sum_parts", (60.0, 30.0, 10.0), 100.0)]


def test_label_numbers_are_not_parts() -> None:
    text = "Hệ thống có 90 thủ tục, trong đó: mức độ 3, 50 thủ tục; mức độ 4, 40 thủ tục."
    assert found(text, "sum_parts") == [("sum_parts", (50.0, 40.0), 90.0)]


def test_nested_parenthetical_list_is_its_own_list() -> None:
    text = (
        "Năm 2023 tiếp nhận 800 hồ sơ, trong đó trực tiếp 500 hồ sơ, trực tuyến 300 hồ sơ (năm 2022 "
        "tiếp nhận 700 hồ sơ, trong đó trực tiếp 450 hồ sơ, trực tuyến 240 hồ sơ)."
    )
    sums = found(text, "sum_parts")
    assert ("sum_parts", (500.0, 300.0), 800.0) in sums
    assert ("sum_parts", (450.0, 240.0), 700.0) in sums
    assert len(sums) == 2


def test_rates_of_subgroups_are_not_shares_of_a_whole() -> None:
    text = "Tỷ lệ cán bộ có máy tính đạt 92%, trong đó cấp huyện đạt 100%, cấp xã đạt 88%."
    assert found(text) == []


def test_connective_is_kept_as_evidence() -> None:
    rel = relations("Cấp 30 tài khoản, gồm 12 tài khoản tổ chức và 18 tài khoản cá nhân.")[0]
    assert rel.connective == "gồm"


def test_mixed_parts_of_a_generic_total_are_a_strong_list() -> None:
    rel = relations("Kiểm tra 15 đơn vị, trong đó có 11 xã và 04 cơ quan chuyên môn.")[0]
    assert (rel.rule, rel.operands, rel.stated, rel.strong) == ("sum_parts", (11.0, 4.0), 15.0, True)


def test_parts_in_parentheses_without_connective_are_weak() -> None:
    rel = relations("Đã nhận 950 hồ sơ (năm trước chuyển sang 50 hồ sơ, nhận mới 900 hồ sơ).")[0]
    assert (rel.rule, rel.operands, rel.strong) == ("sum_parts", (50.0, 900.0), False)


# --- shares ------------------------------------------------------------------------------------


def test_share_after_a_part_is_a_share_of_the_enclosing_total() -> None:
    text = (
        "Tiếp nhận 2.000 hồ sơ, trong đó trực tuyến 1.500 hồ sơ, chiếm 75%; trực tiếp 500 hồ sơ, chiếm 25%."
    )
    got = found(text)
    assert ("share_of_total", (1500.0, 2000.0), 75.0) in got
    assert ("share_of_total", (500.0, 2000.0), 25.0) in got
    assert ("shares_exceed_total", (75.0, 25.0), 100.0) in got


def test_share_in_parentheses_after_a_part() -> None:
    got = found("Tiếp nhận 400 hồ sơ, trong đó trực tuyến 100 hồ sơ (25%).", "share_of_total")
    assert got == [("share_of_total", (100.0, 400.0), 25.0)]


def test_blank_total_uses_the_sum_of_the_parts_and_says_so() -> None:
    text = (
        "Năm 2022 đã tiếp nhận hồ sơ, trong đó trực tiếp 300 hồ sơ, chiếm 60%, "
        "trực tuyến 200 hồ sơ, chiếm 40%."
    )
    shares = [r for r in relations(text) if r.rule == "share_of_total"]
    assert [(r.operands, r.note) for r in shares] == [
        ((300.0, 500.0), "total_not_stated"),
        ((200.0, 500.0), "total_not_stated"),
    ]


def test_share_of_a_total_whose_parts_do_not_add_up_offers_the_sum_as_another_base() -> None:
    text = "Nhận 1.000 hồ sơ, trong đó trực tuyến 600 hồ sơ, chiếm 62,5%; trực tiếp 360 hồ sơ, chiếm 37,5%."
    share = next(r for r in relations(text) if r.rule == "share_of_total" and r.operands[0] == 600)
    assert share.operands == (600.0, 1000.0)
    assert [(r.operands, r.reason) for r in share.readings] == [((600.0, 960.0), "base_sum_of_parts")]


def test_shares_listed_as_a_breakdown_must_add_to_100() -> None:
    text = "Cơ cấu chi theo nguồn: ngân sách tỉnh 55,5%, ngân sách huyện 30,2%, xã hội hóa 14,3%."
    assert found(text) == [("shares_exceed_total", (55.5, 30.2, 14.3), 100.0)]


def test_a_share_and_its_complement_add_to_100() -> None:
    text = "Tỷ lệ hộ có sử dụng Internet đạt 81,5%, số hộ chưa có sử dụng Internet chiếm 19,5%."
    assert found(text) == [("shares_exceed_total", (81.5, 19.5), 100.0)]


# --- fractions and rates -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "operands", "stated"),
    [
        ("Kết quả: 45/50 = 90%.", (45, 50), 90),
        ("Có 118/125 trường có kết nối Internet tốc độ cao, đạt 94,4%.", (118, 125), 94.4),
        ("Toàn huyện 3.210/4.000 hộ (80,25%).", (3210, 4000), 80.25),
        ("Tỷ lệ đạt 100% (12/12 xã).", (12, 12), 100),
        ("Có 30 máy tính/32 CBCC, đạt 93,75%.", (30, 32), 93.75),
    ],
)
def test_fraction_and_its_percent(text: str, operands: tuple, stated: float) -> None:
    assert found(text, "ratio_percent") == [("ratio_percent", tuple(map(float, operands)), float(stated))]


def test_fraction_and_a_percent_in_another_clause_are_unrelated() -> None:
    assert found("Có 14/14 đơn vị hoàn thành; tỷ lệ hệ thống đáp ứng yêu cầu đạt 60%.") == []


def test_written_out_arithmetic_is_checked() -> None:
    got = found("Tỷ lệ sớm và đúng hạn: (300 + 150)/500 = 90%. Tổng số: 120 + 80 = 200.")
    assert ("ratio_percent", (450.0, 500.0), 90.0) in got
    assert ("sum_parts", (120.0, 80.0), 200.0) in got


def test_rate_named_after_listed_parts() -> None:
    text = (
        "Đã giải quyết 200 hồ sơ, trong đó (trước hạn 150 hồ sơ, đúng hạn 40 hồ sơ, quá hạn 10 hồ sơ), "
        "tỷ lệ giải quyết sớm và đúng hạn đạt 95%."
    )
    assert ("ratio_percent", (190.0, 200.0), 95.0) in found(text)


def test_share_named_after_a_listed_part() -> None:
    text = (
        "Tiếp nhận 800 hồ sơ, trong đó trực tuyến 200 hồ sơ, trực tiếp 600 hồ sơ; hồ sơ trực tuyến chiếm 25%."
    )
    assert ("share_of_total", (200.0, 800.0), 25.0) in found(text)


def test_part_with_share_and_its_base_earlier_in_the_sentence() -> None:
    text = "Số lượng máy tính: 250 máy; số máy tính có phần mềm diệt virus: 200 máy, đạt tỷ lệ 80%."
    rel = relations(text)[0]
    assert (rel.rule, rel.operands, rel.stated, rel.strong) == ("ratio_percent", (200.0, 250.0), 80.0, True)


def test_base_found_for_the_same_subject_above_is_weak() -> None:
    text = (
        "- Dân số trong độ tuổi lao động:\n+ Xã A: 2.000 người\n"
        "- Số thuê bao di động:\n+ Xã A: 1.500 thuê bao, tỷ lệ 75%\n"
    )
    rel = relations(text)[0]
    assert (rel.operands, rel.stated, rel.strong) == ((1500.0, 2000.0), 75.0, False)


# --- tables ------------------------------------------------------------------------------------


def test_table_totals_row_and_percent_column() -> None:
    text = (
        "| STT | Đơn vị | Số máy tính | Số CBCC | Tỷ lệ (%) |\n|---|---|---|---|---|\n"
        "| 1 | Khối huyện | 90 | 100 | 90,00 |\n| 2 | Khối xã | 45 | 60 | 75,00 |\n"
        "| | Tổng cộng | 135 | 160 | 84,38 |\n"
    )
    got = found(text)
    assert ("sum_parts", (90.0, 45.0), 135.0) in got
    assert ("sum_parts", (100.0, 60.0), 160.0) in got
    assert ("ratio_percent", (90.0, 100.0), 90.0) in got
    assert ("ratio_percent", (135.0, 160.0), 84.38) in got


def test_rate_after_a_table_names_its_columns_also_by_initials() -> None:
    text = (
        "STT\tĐơn vị\tSố CBCC\tSố máy tính\n1\tXã A\t20\t18\n2\tXã B\t30\t27\n-\tTổng cộng\t50\t45\n\n"
        "Như vậy, tỷ lệ máy tính trên cán bộ, công chức đạt 90%."
    )
    assert ("ratio_percent", (45.0, 50.0), 90.0) in found(text)


# --- counts of names, restated values, catalog ---------------------------------------------------


def test_count_of_listed_names() -> None:
    assert found("Có 04 xã chưa đạt là: Xuân Lộc, Xuân Hòa, Xuân Sơn và Xuân Thành.", "list_count") == [
        ("list_count", (1.0, 1.0, 1.0, 1.0), 4.0)
    ]


def test_same_breakdown_restated_with_another_total_conflicts() -> None:
    text = (
        "Năm 2022 tiếp nhận 900 hồ sơ, trong đó trực tiếp 500 hồ sơ, trực tuyến 400 hồ sơ.\n"
        "Nhắc lại: năm 2022 tiếp nhận 950 hồ sơ, trong đó trực tiếp 520 hồ sơ, trực tuyến 430 hồ sơ.\n"
    )
    secs = [section("s1", "I", 0, len(text))]
    got = [(r.rule, r.operands, r.stated) for r in relations(text, sections=secs)]
    assert ("conflicting_values", (900.0,), 950.0) in got


def test_footnote_marker_glued_to_a_number_is_an_alternative_reading() -> None:
    text = "Có 45/5012 cơ quan cung cấp dữ liệu mở, đạt 90%.\n¹² 50 cơ quan gồm các sở và các huyện.\n"
    rel = relations(text)[0]
    assert rel.operands == (45.0, 5012.0)
    assert [(r.operands, r.reason, r.reportable) for r in rel.readings] == [
        ((45.0, 50.0), "footnote_reading", True)
    ]


def test_footnote_breakdown_refers_to_the_marked_figure() -> None:
    text = (
        "Tiếp nhận 300 hồ sơ, trong đó trực tuyến 120 hồ sơ.\n"
        "³ Gồm 100 hồ sơ qua cổng quốc gia và 20 hồ sơ qua cổng tỉnh.\n"
    )
    at = text.index(" hồ sơ, trong đó trực tuyến") + len(" hồ sơ, trong đó trực tuyến 120")
    got = [(r.rule, r.operands, r.stated) for r in relations(text, footnotes=(FootnoteRef(at, at, "3"),))]
    assert ("sum_parts", (100.0, 20.0), 120.0) in got


def test_catalog_parent_child_relation_applies_to_tagged_facts_and_is_weak() -> None:
    text = "Tiếp nhận 100 hồ sơ. Trực tiếp 40 hồ sơ. Trực tuyến 60 hồ sơ."

    def fact(value: float, metric: str) -> Fact:
        s = text.index(f"{value:g} hồ sơ")
        return Fact(
            stable_id(metric),
            value,
            "count",
            s,
            s + len(f"{value:g}"),
            f"{value:g}",
            metric=metric,
            unit="hồ sơ",
            period="2023",
        )

    facts = [fact(100, "dossiers_received"), fact(40, "dossiers_direct"), fact(60, "dossiers_online")]
    cat = (CatalogRelation("sum", "dossiers_received", ("dossiers_direct", "dossiers_online")),)
    rels = find_relations(NormText(text=text), [], facts, catalog=cat)
    assert [(r.rule, r.operands, r.stated, r.strong) for r in rels] == [
        ("sum_parts", (40.0, 60.0), 100.0, False)
    ]


def _rate_facts(text: str, values: tuple[str, ...], subject: str | None) -> list[Fact]:
    facts = []
    for v in values:
        s = text.index(v)
        facts.append(
            Fact(
                stable_id(v), float(v[:-1].replace(",", ".")), "percent", s, s + len(v), v,
                metric="on_time_rate", period="2023", decimals=2, unit="%", subject=subject,
            )
        )
    return facts


def test_a_figure_restated_in_another_section_with_another_value_conflicts() -> None:
    text = "Tỷ lệ đúng hạn đạt 97,45%. Cuối năm, tỷ lệ đúng hạn là 97,54%."
    facts = _rate_facts(text, ("97,45%", "97,54%"), subject="cấp huyện")
    secs = [section("s1", "I", 0, 27), section("s2", "II", 27, len(text))]
    rels = find_relations(NormText(text=text), secs, facts, catalog=())
    assert [(r.rule, r.operands, r.stated, r.strong) for r in rels] == [
        ("conflicting_values", (97.45,), 97.54, True)
    ]
    # no subject on either is the issuer as a whole: the same unit, a sure conflict
    facts = _rate_facts(text, ("97,45%", "97,54%"), subject=None)
    assert [r.strong for r in find_relations(NormText(text=text), secs, facts, catalog=())] == [True]
    # different subjects are different figures
    facts = [*_rate_facts(text, ("97,45%",), subject="cấp xã"), *_rate_facts(text, ("97,54%",), subject=None)]
    assert find_relations(NormText(text=text), secs, facts, catalog=()) == []


def test_two_figures_of_one_metric_in_the_same_section_are_siblings_not_a_conflict() -> None:
    text = "Tỷ lệ đúng hạn của cấp huyện đạt 97,45%; của khối sở đạt 97,54%."
    facts = _rate_facts(text, ("97,45%", "97,54%"), subject="cấp huyện")
    secs = [section("s1", "I", 0, len(text))]
    assert [r.rule for r in find_relations(NormText(text=text), secs, facts, catalog=())] == []


def test_catalog_identities_are_the_parts_and_rates_of_the_one_catalog() -> None:
    """metrics.yaml is read once, by extractors.catalog; the check stage only reads that object."""
    cat = load_catalog()
    ids = catalog_identities(cat)
    assert CatalogRelation(
        "sum", "dossiers_received",
        ("dossiers_direct", "dossiers_online", "dossiers_interlinked", "dossiers_carried_over"),
    ) in ids
    assert CatalogRelation("ratio", "on_time_rate", ("dossiers_early", "dossiers_on_time"), "dossiers_resolved") in ids
    want = [(k, "sum") for k, m in cat.metrics.items() if m.parts]
    want += [(k, "ratio") for k, m in cat.metrics.items() if m.numerator and m.denominator]
    assert sorted((r.total, r.kind) for r in ids) == sorted(want)


def test_no_catalog_means_no_catalog_relations() -> None:
    text = "Tiếp nhận 100 hồ sơ; trực tiếp 40 hồ sơ; trực tuyến 60 hồ sơ."

    def fact(value: float, metric: str) -> Fact:
        s = text.index(f"{value:g} hồ sơ")
        return Fact(stable_id(metric), value, "count", s, s + len(f"{value:g}"), f"{value:g}",
                    metric=metric, unit="hồ sơ", period="2023")

    facts = [fact(100, "dossiers_received"), fact(40, "dossiers_direct"), fact(60, "dossiers_online")]
    rels = find_relations(NormText(text=text), [], facts, catalog=())
    assert not [r for r in rels if r.connective.startswith("catalog:")]


def test_relations_point_into_the_text() -> None:
    text = "Nhận 10 hồ sơ, trong đó 6 hồ sơ trực tuyến, chiếm 60%, và 4 hồ sơ trực tiếp, chiếm 40%."
    for r in relations(text):
        assert 0 <= r.char_start < r.char_end <= len(text)
        assert r.fact_ids


def test_the_check_stage_depends_on_extractors_never_the_reverse() -> None:
    """extractors/ never imports pipeline.check; the check package never imports the store, read or CLI
    (except `recheck`, the one module that writes checks back to the store)."""
    root = Path(__file__).resolve().parent.parent

    def imports(path: Path) -> set[str]:
        out: set[str] = set()
        for n in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(n, ast.ImportFrom) and n.module:
                out |= {n.module} | {f"{n.module}.{a.name}" for a in n.names}
            elif isinstance(n, ast.Import):
                out |= {a.name for a in n.names}
        return out

    for p in (root / "extractors").rglob("*.py"):
        assert not any(m.startswith("pipeline.check") for m in imports(p)), p
    for p in (root / "pipeline" / "check").rglob("*.py"):
        if p.name != "recheck.py":
            bad = ("pipeline.store", "pipeline.read", "pipeline.cli", "pipeline.queries", "pipeline.ingest")
            assert not any(m.startswith(bad) for m in imports(p)), p



def test_fraction_numerator_may_carry_a_long_noun_before_the_slash() -> None:
    text = "Toàn tỉnh có 412 nhà văn hóa thôn đạt chuẩn/450 thôn, bản, tổ dân phố, đạt tỷ lệ 91,56%."
    assert ("ratio_percent", (412.0, 450.0), 91.56) in found(text)


def test_semicolons_set_apart_the_names_listed_in_parentheses() -> None:
    text = (
        "Có 4/9 nhiệm vụ chưa hoàn thành (Xây dựng kho dữ liệu dùng chung; Số hóa hồ sơ, tài liệu lưu trữ "
        "và hồ sơ địa chính; Đào tạo kỹ năng số cho cán bộ)."
    )
    assert found(text, "list_count") == [("list_count", (1.0, 1.0, 1.0), 4.0)]


def test_semicolons_outside_parentheses_may_close_a_group_of_names() -> None:
    text = "Triển khai tại 6 đơn vị: thị xã Hòa Bình, thị xã Lạc Sơn; các huyện: Kim Bôi, Mai Châu, Tân Lạc, Yên Thủy."
    assert [r[2] for r in found(text, "list_count")] in ([], [6.0])
    assert all(r.rule != "list_count" or r.operands == (1.0,) * 6 for r in relations(text))


@pytest.mark.parametrize(
    ("text", "n_names", "stated"),
    [
        ("Năm 2024 đã bàn giao thiết bị cho 3 xã Phú Hòa, Phú Lộc và Phú Vinh.", 3, 3.0),
        ("Có 4 huyện Lâm Thao, Thanh Ba và Đoan Hùng hoàn thành trước thời hạn.", 3, 4.0),
    ],
)
def test_names_right_after_a_counted_place_noun(text: str, n_names: int, stated: float) -> None:
    assert found(text, "list_count") == [("list_count", (1.0,) * n_names, stated)]


@pytest.mark.parametrize(
    "text",
    [
        "Tập huấn cho 30 cán bộ Sở Nội vụ, Sở Tư pháp và Sở Tài chính.",  # people, not the agencies named
        "Hỗ trợ 3 xã Phú Hòa, Phú Lộc đạt chuẩn và Phú Vinh chưa đạt.",  # no closed list of names
        "Có 3 xã Phú Hòa, Phú Lộc và 2 thị trấn đạt chuẩn.",  # a figure inside
    ],
)
def test_no_name_count_without_a_closed_list_of_names_for_the_counted_noun(text: str) -> None:
    assert found(text, "list_count") == []


def test_structure_shares_in_parallel_clauses_after_the_share_word() -> None:
    text = (
        "Về cơ cấu lao động năm 2023, khu vực nông nghiệp chiếm tỷ trọng 31,5%; khu vực công nghiệp chiếm "
        "29,0%; khu vực dịch vụ chiếm 39,5% (cơ cấu tương ứng năm 2022 là 33,1%; 28,4%, 38,5%)."
    )
    got = found(text, "shares_exceed_total")
    assert ("shares_exceed_total", (31.5, 29.0, 39.5), 100.0) in got
    assert ("shares_exceed_total", (33.1, 28.4, 38.5), 100.0) in got


def test_a_share_word_before_a_stated_change_is_not_a_structure() -> None:
    text = "Tỷ trọng kinh tế số đạt 12%, tăng 2% so với năm trước, dự kiến 15% vào năm 2025."
    assert found(text, "shares_exceed_total") == []


def test_weak_bridge_after_the_comma_closing_a_long_part_description() -> None:
    text = "Có 2.400 hồ sơ đến hạn, đã có 2.376 hồ sơ được trả kết quả trước và đúng hạn, đạt 99%."
    assert ("ratio_percent", (2376.0, 2400.0), 99.0) in found(text)


def test_two_shares_of_one_base_one_of_what_the_other_lacks_add_to_100() -> None:
    text = (
        "Toàn tỉnh có 1.040 trường học/1.300 trường đã kết nối mạng, đạt tỷ lệ 80%. Còn 260 trường chưa "
        "kết nối, chiếm 20%; chủ yếu ở vùng núi."
    )
    assert ("shares_exceed_total", (80.0, 20.0), 100.0) in found(text)


def test_three_shares_of_one_base_are_not_a_complement_pair() -> None:
    text = (
        "Giải quyết 2.000 hồ sơ, trong đó trước hạn 1.700 hồ sơ, chiếm 85%; đúng hạn 260 hồ sơ, chiếm 13%; "
        "còn quá hạn 40 hồ sơ, chiếm 2%."
    )
    assert ("shares_exceed_total", (13.0, 2.0), 100.0) not in found(text)


def test_percents_after_a_connective_split_the_figure_before_it() -> None:
    text = "Dự án có tổng vốn 12 tỷ đồng, trong đó ngân sách tỉnh 70%, ngân sách huyện 30%."
    assert ("shares_exceed_total", (70.0, 30.0), 100.0) in found(text)
    rel = next(r for r in relations(text) if r.rule == "shares_exceed_total")
    assert not rel.strong  # labels may overlap: only a fit is a finding
