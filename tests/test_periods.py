"""Time expressions become the facts table's periods (`2022`, `2023-01-01..2023-05-25`)."""

from __future__ import annotations

from datetime import date

import pytest

from extractors.periods import DocPeriod, Period, document_period, find_periods, page_date, parse_period

CUMULATIVE = DocPeriod(Period(date(2020, 1, 1), date(2023, 5, 31)), date(2023, 5, 31), date(2020, 1, 1))
WINDOW = DocPeriod(Period(date(2024, 1, 1), date(2024, 9, 30)), date(2024, 10, 5), None)


@pytest.mark.parametrize(
    ("phrase", "year", "doc", "expected"),
    [
        ("Năm 2022", None, None, "2022"),
        ("trong năm 2021 đã tiếp nhận", None, None, "2021"),
        ("từ ngày 01/01 đến 25/5", 2023, None, "2023-01-01..2023-05-25"),
        ("Từ ngày 01/02/2022 đến ngày 15/8/2022", None, None, "2022-02-01..2022-08-15"),
        ("số liệu tính từ ngày 15/12/2021 đến ngày 14/6/2022", None, None, "2021-12-15..2022-06-14"),
        ("từ 01/01/2024 – 08/8/2024", None, None, "2024-01-01..2024-08-08"),
        ("9 tháng đầu năm 2024", None, None, "2024-01-01..2024-09-30"),
        ("sáu tháng đầu năm", 2022, None, "2022-01-01..2022-06-30"),
        ("6 tháng cuối năm 2021", None, None, "2021-07-01..2021-12-31"),
        ("quý IV/2024", None, None, "2024-10-01..2024-12-31"),
        ("quý I năm 2025", None, None, "2025-01-01..2025-03-31"),
        ("trong tháng 12/2023", None, None, "2023-12-01..2023-12-31"),
        ("đầu năm 2019 đến tháng 8/2019", None, None, "2019-01-01..2019-08-31"),
        ("Đến hết năm 2022", None, None, "2022"),
        ("NHIỆM VỤ TRỌNG TÂM ĐẾN 2025", None, None, "2025"),
        ("giai đoạn 2021-2023", None, None, "2021-01-01..2023-12-31"),
        ("tính đến 24/5/2023", None, CUMULATIVE, "2020-01-01..2023-05-24"),  # the report counts from 2020
        ("Tính đến ngày 01/7/2024", None, WINDOW, "2024"),  # no cumulative start: the year of the date
        ("đến nay", None, CUMULATIVE, "2020-01-01..2023-05-31"),  # the document's own date
        ("giai đoạn 2020 đến nay", None, CUMULATIVE, "2020-01-01..2023-05-31"),
        ("từ tháng 12/2018 đến nay", None, DocPeriod(None, date(2019, 10, 31)), "2018-12-01..2019-10-31"),
        ("Trong năm", None, WINDOW, "2024"),
        ("Tính đến ngày 15/4/2022", None, None, "2022-04-15"),  # outside any report period: the one day
        ("lũy kế đến ngày 3-10", 2021, None, "2021-10-03"),
        ("Kết quả 6 tháng", 2024, None, "2024-01-01..2024-06-30"),
        ("GDP 9 tháng năm 2021 tăng", None, None, "2021-01-01..2021-09-30"),
        ("Tính đến cuối năm 2020", None, None, "2020-12-31"),
        ("trong năm học 2019-2020, toàn tỉnh", None, None, "2019-09-01..2020-08-31"),
        ("hết học kỳ I năm học 2016 – 2017", None, None, "2016-09-01..2017-01-31"),
        ("Tính đến thời điểm 16h30 ngày 08/6/2021, toàn xã", None, None, "2021-06-08"),
        ("tính đến 9 h sáng 3/10, các xã", 2022, None, "2022-10-03"),
        ("đến chiều nay 21/5/2020, huyện", None, None, "2020-05-21"),
        ("tính đến đầu năm 2017", None, None, "2017-01-01"),
        ("Tính đến ngày 01/7/2024", None, DocPeriod(WINDOW.period, WINDOW.end, None, report=False),
         "2024-07-01"),  # a news item quoting a cut-off means that day
        ("động lực 6 tháng năm nay", 2020, None, "2020-01-01..2020-06-30"),
    ],
)
def test_period_phrases(phrase: str, year: int | None, doc: DocPeriod | None, expected: str) -> None:
    assert parse_period(phrase, year=year, doc=doc) == expected


@pytest.mark.parametrize(
    "phrase",
    [
        "ban hành ngày 19 tháng 4 năm 2023",  # a date, not a period
        "tăng 38 hồ sơ so với cùng kỳ năm 2021",  # a baseline
        "Đề án chuyển đổi số giai đoạn 2021-2025",  # a programme's span
        "Chiến lược phát triển, tầm nhìn đến năm 2030",
        "có đến 7/11 xã đạt chuẩn",  # an amount reached, not a date
        "rà soát theo chuẩn nghèo đa chiều giai đoạn 2021 - 2025",  # a standard's span
        "giảm 2,1% so với các kỳ báo cáo tháng 5",  # a baseline after "so với các kỳ báo cáo"
    ],
)
def test_dates_baselines_and_programmes_are_not_periods(phrase: str) -> None:
    assert parse_period(phrase) is None


def test_a_whole_calendar_year_is_written_as_the_year() -> None:
    assert Period(date(2022, 1, 1), date(2022, 12, 31)).value == "2022"
    assert Period(date(2022, 1, 1), date(2022, 12, 30)).value == "2022-01-01..2022-12-30"


def test_mentions_carry_offsets_into_the_text() -> None:
    text = "Kết quả: Năm 2023 (từ ngày 01/01 đến 30/6) đã tiếp nhận 700 hồ sơ."
    ms = find_periods(text)
    assert [text[m.char_start:m.char_end] for m in ms] == ["Năm 2023", "từ ngày 01/01 đến 30/6"]


def test_document_period_prefers_the_data_window_of_the_preamble() -> None:
    dp = document_period("Kết quả cải cách hành chính 6 tháng đầu năm 2022",
                         "báo cáo kết quả 6 tháng đầu năm 2022 (số liệu tính từ ngày 15/12/2021 đến ngày 14/6/2022)",
                         issued=date(2022, 6, 20))
    assert dp.period is not None and dp.period.value == "2021-12-15..2022-06-14"


def test_document_period_of_a_cumulative_title_ends_at_its_date() -> None:
    dp = document_period("Kết quả ứng dụng công nghệ thông tin từ năm 2016 đến 31/10/2019", issued=date(2019, 11, 4))
    assert dp.period is not None and dp.period.value == "2016-01-01..2019-10-31"
    assert dp.end == date(2019, 10, 31) and dp.cumulative_start == date(2016, 1, 1)


def test_a_partial_issue_date_bounds_now() -> None:
    dp = document_period("Báo cáo kết quả từ năm 2020 đến nay", issued_text="2023-05")
    assert dp.end == date(2023, 5, 31)
    assert dp.period is not None and dp.period.value == "2020-01-01..2023-05-31"


def test_a_pages_date_line_is_read_for_the_year_in_force() -> None:
    assert page_date("Tin tức\n14:20, 05/11/2022\nNội dung") == date(2022, 11, 5)
    assert page_date("Ngày đăng: 07/02/2021 08:00") == date(2021, 2, 7)
    assert page_date(" date 2023-04 Trong quý I") == date(2023, 4, 30)
    assert page_date("Không có ngày ở đây") is None
