"""Behaviour of the table lane: space-aligned blocks kept as tables, pipe rows without a leading
pipe, section rows, space-grouped thousands in cells, and the table finders (breakdown sums, total
rows, index blocks). Every table here is composed for the test."""

from __future__ import annotations

import hashlib

from extractors.numbers import find_numbers
from pipeline.ingest import analyze
from pipeline.model import Check, Loaded, NormText, Page
from pipeline.normalize.aligned import aligned_rows
from pipeline.structure.layout import build_layout


def checks_of(raw: str) -> list[Check]:
    loaded = Loaded(path="t.txt", sha256=hashlib.sha256(raw.encode()).hexdigest(), source_kind="text",
                    pages=(Page(number=1, text=raw),))
    return list(analyze(loaded).checks)


def table_checks(raw: str) -> list[Check]:
    return [c for c in checks_of(raw) if c.rule in ("sum_parts", "ratio_percent")]


# ----------------------------------------------------------------------------- normalization

_ALIGNED = "\n".join([
    "Số trạm y tế phân theo huyện",
    "",
    "                          2020      2021      2022",
    "  Huyện Đông Sơn           412       425       431",
    "    Nam                    200       207       210",
    "    Nữ                     212       218       221",
    "",
    "Nguồn: Chi cục Thống kê.",
])


def test_space_aligned_block_rows_are_found_and_prose_with_double_spaces_is_not() -> None:
    lines = _ALIGNED.split("\n")
    assert aligned_rows(lines) == frozenset({2, 3, 4, 5})
    prose = ["Năm nay  huyện có 12 xã  đạt 30 tiêu chí.", "Trong đó  9 xã  đạt chuẩn."]
    assert aligned_rows(prose) == frozenset()


def test_space_aligned_table_keeps_its_columns_in_the_normalized_text() -> None:
    loaded = Loaded(path="t.txt", sha256="x", source_kind="text", pages=(Page(number=1, text=_ALIGNED),))
    res = analyze(loaded)
    assert "Huyện Đông Sơn\t412\t425\t431" in res.norm.text
    assert "Nguồn: Chi cục Thống kê." in res.norm.text


# ----------------------------------------------------------------------------- table model


def test_pipe_rows_without_leading_pipe_drop_empty_trailing_cells_and_keep_section_rows() -> None:
    text = "\n".join([
        "| 2019 | 2020 | 2021 | |",
        "Xã Phú Lộc | 1 204 | 1 310 | 1 388 | |",
        "| Trong đó: |",
        "Thôn Đông | 604 | 655 | 700 | |",
        "Thôn Tây | 600 | 655 | 688 | |",
    ])
    (t,) = build_layout(NormText(text=text)).tables
    assert t.style == "pipe" and len(t.rows) == 5
    assert [c.text for c in t.rows[1].cells] == ["Xã Phú Lộc", "1 204", "1 310", "1 388"]
    assert t.header_rows == 1  # a row of years is a header


def test_tab_table_split_by_a_category_line_stays_one_table_with_a_section_row() -> None:
    text = "\n".join([
        "Bậc mầm non\t40\t42",
        "Công lập\t30\t31",
        "Ngoài công lập\t10\t11",
        "Bậc tiểu học",
        "Trường\t55\t56",
        "Công lập\t50\t50",
        "Ngoài công lập\t5\t6",
    ])
    (t,) = build_layout(NormText(text=text)).tables
    assert [r.section for r in t.rows] == [False, False, False, True, False, False, False]


def test_space_grouped_thousands_read_as_one_number_only_inside_a_cell() -> None:
    text = "Xã Hòa\t12 480\t9 007\nnăm 2023 có 125 xã"
    cells = [(0, 6), (7, 13), (14, 19)]
    values = [t.value for t in find_numbers(text, cells)]
    assert values == [12480, 9007, 2023, 125]
    assert [t.value for t in find_numbers("A\t12 35", [(2, 7)])] == [12, 35]


def test_a_number_never_runs_over_a_cell_edge_and_a_whole_cell_keeps_its_decimals() -> None:
    text = "330 340\nXã Bình  2 376,90  15"
    cells = [(text.index(w), text.index(w) + len(w)) for w in ("330", "340", "Xã Bình", "2 376,90", "15")]
    got = [(t.value, t.decimals) for t in find_numbers(text, cells)]
    assert got == [(330, 0), (340, 0), (2376.9, 2), (15, 0)]
    assert [t.value for t in find_numbers(text)] == [330340, 2, 376.9, 15]  # without the table: prose rules


# ----------------------------------------------------------------------------- finders

_BREAKDOWN = "\n".join([
    "Số học viên các trung tâm",
    "| 2019 | 2020 | 2021 | |",
    "Trung tâm giáo dục - Centres | 1 500 | 1 620 | 1 700 | |",
    "Công lập - Public | 1 200 | 1 300 | 1 350 | |",
    "Ngoài công lập - Non-public | 300 | 320 | 349 | |",
    "| Chỉ số phát triển (Năm trước = 100) - % | |",
    "Trung tâm giáo dục - Centres | - | 108,00 | 104,94 | |",
    "Công lập - Public | - | 108,33 | 103,85 | |",
    "Ngoài công lập - Non-public | - | 106,67 | 115,00 | |",
])


def test_a_complete_breakdown_sums_to_its_parent_row_column_by_column() -> None:
    sums = [c for c in table_checks(_BREAKDOWN) if c.rule == "sum_parts"]
    assert {(c.operands, c.stated, c.status) for c in sums} == {
        ((1200.0, 300.0), 1500.0, "ok"), ((1300.0, 320.0), 1620.0, "ok"), ((1350.0, 349.0), 1700.0, "mismatch")}


def test_index_cells_are_each_column_over_the_previous_year() -> None:
    ratios = {(c.operands, c.stated): c.status for c in table_checks(_BREAKDOWN) if c.rule == "ratio_percent"}
    assert ratios[((1620.0, 1500.0), 108.0)] == "ok"
    assert ratios[((349.0, 320.0), 115.0)] == "mismatch"  # 109,06
    assert len(ratios) == 6  # the first column compares with a year the table does not show


def test_index_is_not_checked_across_columns_that_are_not_consecutive_years() -> None:
    raw = _BREAKDOWN.replace("| 2019 | 2020 | 2021 | |", "| 2010 | 2015 | 2021 | |")
    assert [c for c in table_checks(raw) if c.rule == "ratio_percent"] == []


def test_a_total_row_closing_its_block_sums_the_rows_above_and_the_quote_is_the_text_span() -> None:
    raw = "\n".join([
        "Đơn vị\tMáy tính\tMáy in",
        "Phòng Nội vụ\t12\t3",
        "Phòng Tư pháp\t8\t2",
        "Phòng Y tế\t6\t2",
        "Tổng cộng\t26\t8",
    ])
    sums = [c for c in table_checks(raw) if c.rule == "sum_parts"]
    assert {(c.operands, c.stated, c.status) for c in sums} == {
        ((12.0, 8.0, 6.0), 26.0, "ok"), ((3.0, 2.0, 2.0), 8.0, "mismatch")}
    text = "\n".join(raw.split("\n"))
    for c in sums:
        assert c.quote == text[c.char_start:c.char_end]


def test_a_breakdown_with_an_empty_member_cell_is_not_summed_in_that_column() -> None:
    raw = "\n".join([
        "| 2020 | 2021 | 2022 | |",
        "Trạm y tế | 40 | 41 | 42 | |",
        "Nam | 20 | - | 21 | |",
        "Nữ | 20 | 21 | 21 | |",
    ])
    sums = [c for c in table_checks(raw) if c.rule == "sum_parts"]
    assert sorted(c.stated for c in sums) == [40.0, 42.0]


_STACKED = "\n".join([
    "Số giường bệnh",
    "2018", "2019", "2020", "2021",
    "Tổng số giường (Giường)",
    "1.250", "1.300", "1.320", "1.410",
    "Tuyến tỉnh -",
    "Provincial",
    "800", "820", "830", "900",
    "Tuyến huyện -",
    "District",
    "300", "330 340", "350",
    "Tuyến xã -", "Commune",
    "150", "150", "150", "160",
    "Tổng số giường -",
    "97,00 104,00", "101,54", "106,82",
    "Tuyến tỉnh -", "Provincial",
    "98,10", "102,50", "101,22", "108,43",
    "Tuyến huyện -", "District",
    "95,40 110,00", "103,03", "102,94",
    "Tuyến xã -", "Commune",
    "-", "100,00", "100,00", "106,67",
    "Chỉ số phát triển (Năm trước = 100) - %",
])


def test_a_table_written_one_cell_a_line_is_one_stacked_table() -> None:
    (t,) = build_layout(NormText(text=_STACKED)).tables
    assert t.style == "stacked"
    assert [c.text for c in t.rows[3].cells] == ["Tuyến huyện - District", "300", "330", "340", "350"]
    assert t.rows[-1].section


def test_stacked_table_lines_are_not_joined_and_its_blocks_are_checked() -> None:
    checks = table_checks(_STACKED)
    sums = {(c.operands, c.stated): c.status for c in checks if c.rule == "sum_parts"}
    assert sums[((800.0, 300.0, 150.0), 1250.0)] == "ok"
    assert sums[((900.0, 350.0, 160.0), 1410.0)] == "ok"
    ratios = {(c.operands, c.stated): c.status for c in checks if c.rule == "ratio_percent"}
    assert ratios[((1300.0, 1250.0), 104.0)] == "ok"
    assert ratios[((350.0, 340.0), 102.94)] == "ok"
    assert ratios[((830.0, 820.0), 101.22)] == "ok"


def test_an_unlabelled_first_row_is_a_total_only_when_most_columns_bear_it_out() -> None:
    raw = "\n".join([
        "| 2019 | 2020 | 2021 | |",
        "Học sinh | 900 | 950 | 990 | |",
        "Lớp 1 | 300 | 310 | 330 | |",
        "Lớp 2 | 600 | 640 | 600 | |",
    ])
    sums = {c.stated: c.status for c in table_checks(raw) if c.rule == "sum_parts"}
    assert sums == {900.0: "ok", 950.0: "ok", 990.0: "mismatch"}
    unrelated = raw.replace("| 300 | 310 | 330 |", "| 200 | 210 | 230 |")
    assert [c for c in table_checks(unrelated) if c.rule == "sum_parts"] == []


def test_a_structure_block_splits_one_hundred_percent_at_the_written_precision() -> None:
    raw = "\n".join([
        "| 2021 | 2022 | 2023 | |",
        "Nông nghiệp | 410 | 420 | 400 | |",
        "Công nghiệp | 300 | 330 | 350 | |",
        "Dịch vụ | 290 | 250 | 250 | |",
        "| Cơ cấu - % | |",
        "Nông nghiệp | 41,0 | 42,0 | 40,0 | |",
        "Công nghiệp | 30,0 | 33,0 | 35,0 | |",
        "Dịch vụ | 29,0 | 25,0 | 26,0 | |",
    ])
    shares = {c.operands: c.status for c in checks_of(raw) if c.rule == "shares_exceed_total"}
    assert shares[(41.0, 30.0, 29.0)] == "ok"
    assert shares[(40.0, 35.0, 26.0)] == "mismatch"


def test_a_breakdown_of_figures_with_decimals_is_no_mismatch_when_the_intervals_meet() -> None:
    raw = "\n".join([
        "| 2021 | 2022 | 2023 | |",
        "Diện tích lúa | 12,4 | 12,6 | 12,9 | |",
        "Nam | 6,2 | 6,3 | 6,0 | |",
        "Nữ | 6,3 | 6,3 | 6,1 | |",
    ])
    status = {c.stated: c.status for c in table_checks(raw) if c.rule == "sum_parts"}
    assert status[12.4] != "mismatch" and status[12.6] != "mismatch"
    assert status[12.9] == "mismatch"


def test_a_total_column_sums_the_other_columns_of_each_row() -> None:
    raw = "\n".join([
        "Đơn vị\tTổng số\tCấp huyện\tCấp xã",
        "Huyện Tân Phước\t95\t40\t55",
        "Huyện Gò Công\t120\t50\t60",
        "Huyện Cái Bè\t88\t30\t58",
    ])
    sums = {c.stated: c.status for c in table_checks(raw) if c.rule == "sum_parts"}
    assert sums == {95.0: "ok", 120.0: "mismatch", 88.0: "ok"}


def test_a_total_column_beside_a_rate_column_is_not_summed() -> None:
    raw = "\n".join([
        "Đơn vị\tTổng số\tTrực tuyến\tTỷ lệ (%)",
        "Xã Long Hòa\t200\t150\t75",
        "Xã Long Phú\t100\t40\t40",
        "Xã Long Hải\t50\t25\t50",
    ])
    assert [c for c in table_checks(raw) if c.rule == "sum_parts"] == []
