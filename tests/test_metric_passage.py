"""Metric keys that come from the passage around a figure: rates in force, restated figures, predicates."""

from __future__ import annotations

from test_metric_words import metrics


def test_a_percent_pointing_back_or_continuing_a_list_of_rates_takes_the_rate_in_force() -> None:
    got = metrics("Tỉnh Kiên Hòa dẫn đầu với số hồ sơ trực tuyến toàn trình là 98.412 và tổng số hồ sơ giải quyết "
                  "TTHC là 150.230, chiếm 65,51%. Tỷ lệ này giúp tỉnh vượt tỉnh An Mỹ (57,12%), tỉnh Bình Sơn "
                  "(54,03%). Các tỉnh còn lại đạt tỷ lệ dưới 45%, trong khi hai thành phố lớn thuộc nhóm thấp "
                  "nhất, dưới 12%.")
    assert got[65.51] == "online_dossier_rate"
    for v in (57.12, 54.03, 45, 12):
        assert got[v] == "online_dossier_rate", v


def test_a_change_or_another_named_rate_does_not_take_the_rate_in_force() -> None:
    got = metrics("Tỷ lệ hồ sơ giải quyết đúng hạn đạt 97,5%, tăng 2,1% so với năm trước. Tỷ lệ hài lòng đạt 92%.")
    assert got[97.5] == "on_time_rate"
    assert got[2.1] is None and got[92] is None


def test_a_percent_of_another_noun_after_a_count_is_named_by_its_clause() -> None:
    got = metrics("Hệ thống thư điện tử được nâng cấp, có 8.512 hộp thư với 85% cán bộ, công chức thường xuyên "
                  "sử dụng.")
    assert got[8512] == "email_accounts"
    assert got[85] == "email_usage_rate"


def test_an_unnamed_count_of_a_noun_named_earlier_gives_its_rate() -> None:
    got = metrics("Đến ngày 1-5, huyện đã cấp 120.400 tài khoản định danh điện tử. Tuy nhiên, chỉ có 30.240 tài "
                  "khoản được kích hoạt thành công, đạt tỉ lệ 25,1%.")
    assert got[120400] == "eid_accounts"
    assert got[25.1] == "eid_rate"


def test_the_counted_noun_and_the_words_after_it_are_one_phrase() -> None:
    got = metrics("Từ ngày 05/4 đến ngày 25/10/2022 có 152.310 văn bản gửi và 401.276 văn bản nhận trên hệ thống.")
    assert got[152310] == "documents_issued"
    assert got[401276] == "documents_received"


def test_a_fraction_base_named_by_nothing_else_is_the_total_of_its_noun() -> None:
    got = metrics("Bộ phận một cửa đã giải quyết: 3.412/4.120 HS (tỷ lệ 82,8%).")
    assert got[3412] == "dossiers_resolved"
    assert got[4120] == "dossiers_counted"  # stored as dossiers_received


def test_xu_ly_is_resolving_and_a_clause_after_the_parenthesis_names_the_count() -> None:
    got = metrics("Bộ phận một cửa đã tiếp nhận hơn 9.250 hồ sơ, xử lý hơn 7000 hồ sơ. Có 351 hồ sơ (chiếm 2,8%) "
                  "các cơ quan thụ lý trả lại cho người nộp.")
    assert got[9250] == "dossiers_received"
    assert got[7000] == "dossiers_resolved"
    assert got[351] == "dossiers_rejected"


def test_a_predicate_between_counts_of_two_nouns_labels_the_second() -> None:
    got = metrics("Trong năm 2022, huyện và 14 xã, thị trấn đã tiếp nhận và giải quyết gần 38 nghìn hồ sơ.")
    assert got[38000] == "dossiers_received"
    got = metrics("Có 12 cơ quan cấp tỉnh phát sinh hồ sơ trực tuyến với tổng số 1.230 hồ sơ, trong đó có 40 hồ sơ "
                  "nộp mức độ 3 và 1.190 hồ sơ nộp mức độ 4.")
    assert got[1230] == got[40] == got[1190] == "dossiers_online"


def test_a_predicate_ending_in_a_preposition_keeps_the_split() -> None:
    got = metrics("Cổng đã có trên 120 nghìn giao dịch thanh toán trực tuyến với số tiền hơn 215 tỷ đồng.")
    assert got[215e9] == "budget"


def test_a_headline_restating_a_body_figure_is_named_as_the_body_names_it() -> None:
    got = metrics("Tỷ lệ giải quyết hồ sơ cấp xã đạt 99,98%\n\n"
                  "Năm 2022, các xã đã giải quyết 802.310 hồ sơ, trong đó trả trước và đúng hạn 802.150 hồ sơ, "
                  "đạt tỷ lệ 99,98%.")
    assert got[99.98] == "on_time_rate"


def test_a_rate_stated_after_a_count_names_the_count_and_its_parts() -> None:
    got = metrics("Tỉnh có 27,4% hồ sơ sử dụng dịch vụ công trực tuyến.\n"
                  "Tính đến ngày 3/11, đã phát sinh 21.300 hồ sơ (trong đó cấp tỉnh 7120 hồ sơ, cấp huyện "
                  "9050 hồ sơ, cấp xã 5.130 hồ sơ), đạt tỷ lệ 27,4%.")
    for v in (21300, 7120, 9050, 5130):
        assert got[v] == "dossiers_online", v


def test_the_third_item_of_a_comma_series_of_one_noun_continues_it() -> None:
    got = metrics("Về dịch vụ công trực tuyến mức độ 3, tỉnh đã đưa vào vận hành 712 dịch vụ công cấp tỉnh, "
                  "1.024 dịch vụ công cấp huyện, 38 dịch vụ công cho mỗi đơn vị cấp xã.")
    assert got[712] == got[1024] == got[38] == "procedures_level_3"


def test_a_count_after_a_slash_is_the_base_of_the_count_before_it() -> None:
    got = metrics("Số văn bản gửi bằng bản giấy vẫn còn nhiều: 75.012 văn bản/231.540 văn bản, chiếm khoảng 32%.")
    assert got[231540] == "documents_issued"
