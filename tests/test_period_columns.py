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


def test_the_same_period_of_another_year_names_the_figures_after_it_but_not_as_a_baseline() -> None:
    text = ("Tổng sản phẩm 6 tháng năm 2021 ước tăng 5,64% so với cùng kỳ năm 2020. Trong đó, khu vực nông "
            "nghiệp tăng 3,1% (cùng kỳ năm 2020 tăng 1,8%), đóng góp 6,2% vào mức tăng chung. Khu vực dịch vụ "
            "chiếm 41,2% (cơ cấu tương ứng của cùng kỳ năm 2020 là 42,5%; 38,1%). Tiêu dùng tăng 6,1% so với "
            "cùng kỳ năm 2020, xuất khẩu tăng 9,2%.")
    got = {f.value: f.period for f in run(text, NEWS)}
    h1_2021, h1_2020 = "2021-01-01..2021-06-30", "2020-01-01..2020-06-30"
    assert got[1.8] == got[42.5] == got[38.1] == h1_2020
    assert got[5.64] == got[3.1] == got[6.2] == got[41.2] == got[6.1] == got[9.2] == h1_2021
