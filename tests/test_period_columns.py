"""Periods of figures under year-headed columns when cells are blank or a written-down row wraps."""

from __future__ import annotations

from test_annotate import NEWS, run


def test_a_dash_cell_between_pipes_keeps_the_columns_of_the_row() -> None:
    text = ("Số giáo viên\n| 2011 | 2015 | 2016 | 2017 |\n"
            "Mầm non - Preschool | 512 | 530 | 545 | 560 |\n"
            "| Chỉ số phát triển (Năm trước = 100) - % |\n"
            "Mầm non - Preschool | - | 103,52 | 102,83 | 102,75 |\n")
    got = {f.value: f.period for f in run(text, NEWS)}
    assert got[512] == "2011" and got[560] == "2017"
    assert (got[103.52], got[102.83], got[102.75]) == ("2015", "2016", "2017")


def test_a_dash_cell_in_a_space_aligned_row_is_a_blank_but_a_dash_in_the_label_is_not() -> None:
    text = ("Số học sinh\nNăm học - School year\n2019-2020    2020-2021    2021-2022\n"
            "Công lập - Public          1.210      1.250      1.300\n"
            "Ngoài công lập - Non-public          -      140,25      118,40\n")
    got = {f.value: f.period for f in run(text, NEWS)}
    assert got[140.25] == "2020-09-01..2021-08-31"
    assert got[118.4] == "2021-09-01..2022-08-31"


def test_a_row_written_down_may_put_two_cells_on_one_line() -> None:
    text = ("Số lớp học\n2012\n2014\n2015\n2016\n2017\n"
            "Tiểu học -\nPrimary\n101,20 99,75\n98,40 100,35\n97,10\n"
            "Trung học -\nSecondary\n95,50\n99,80 100,10\n96,60\n98,90\n")
    got = {f.value: f.period for f in run(text, NEWS)}
    assert [got[v] for v in (101.2, 99.75, 98.4, 100.35, 97.1)] == ["2012", "2014", "2015", "2016", "2017"]
    assert [got[v] for v in (95.5, 99.8, 100.1, 96.6, 98.9)] == ["2012", "2014", "2015", "2016", "2017"]
