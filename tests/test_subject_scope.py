"""Subjects as gold spells them: agencies of a level as written, the implied whole, units named bare."""

from __future__ import annotations

from test_annotate import HUYEN, NEWS, table

from extractors.entities import extract_entities
from pipeline.model import DocMeta, NormText
from pipeline.structure.tree import segment


def test_the_agencies_of_a_level_keep_their_written_form() -> None:
    got = table("Hồ sơ do UBND cấp huyện tiếp nhận đã giải quyết 4.210 hồ sơ. Khối các cơ quan cấp tỉnh có "
                "17/19 cơ quan xếp loại Tốt.", NEWS)
    assert got[4210][1] == "UBND cấp huyện"
    assert got[17][1] == "Khối các cơ quan cấp tỉnh"


def test_a_level_kept_as_written_still_coordinates_and_counts() -> None:
    got = table("UBND cấp huyện, cấp xã đã tiếp nhận 8.300 hồ sơ.", NEWS)
    assert got[8300][1] == "UBND cấp huyện, cấp xã"
    got = table("Có 14/14 xã, thị trấn đã áp dụng phần mềm.", HUYEN)
    assert got[14][1] == "cấp xã"


def test_a_city_department_reports_on_its_city_as_written() -> None:
    city = DocMeta(issuer="Sở Nội vụ TP.Đà Nẵng", province="Đà Nẵng", title="Số hóa hồ sơ tăng nhanh")
    got = table("Trong năm, các đơn vị đã số hóa 41.200 hồ sơ, chiếm tỉ lệ 72%.", city)
    assert got[41200][1] == got[72][1] == "TP.Đà Nẵng"
    prov = DocMeta(issuer="Sở Nội vụ tỉnh Quảng Bình", province="Quảng Bình", title="Số hóa hồ sơ tăng nhanh")
    assert table("Trong năm, các đơn vị đã số hóa 41.200 hồ sơ.", prov)[41200][1] == "toàn tỉnh"


def test_the_whole_of_the_documents_own_unit_is_written_as_the_whole() -> None:
    own = DocMeta(issuer="Ủy ban nhân dân tỉnh", province="Quảng Bình", title="Kết quả rà soát hộ nghèo năm 2023")
    got = table("Toàn tỉnh Quảng Bình có số hộ nghèo là 9.120 hộ, chiếm tỷ lệ 4,2%.", own)
    assert got[9120][1] == got[4.2][1] == "toàn tỉnh"
    other = DocMeta(province="Hà Tĩnh", title="Điều tra dân số đạt tiến độ")
    assert table("Toàn huyện Can Lộc đã có 51/160 địa bàn hoàn thành.", other)[51][1] == "huyện Can Lộc"


def test_units_listed_each_before_its_figure() -> None:
    meta = DocMeta(province="Hà Tĩnh", title="Can Lộc đạt trên 80% tỷ lệ hoàn thành điều tra")
    got = table("Một số xã có tỷ lệ đạt cao gồm: thị trấn Nghèn 100%, Thiên Lộc trên 95%, Vượng Lộc đạt gần 93%.",
                meta)
    assert (got[100][1], got[95][1], got[93][1]) == ("thị trấn Nghèn", "Thiên Lộc", "Vượng Lộc")


def test_a_commune_name_outside_a_list_or_outside_the_province_is_no_unit() -> None:
    meta = DocMeta(province="Hà Tĩnh", title="Điều tra dân số")
    assert table("Ông Thiên Lộc cho biết đã có 95% hộ được điều tra.", meta)[95][1] is None
    elsewhere = DocMeta(province="Cà Mau", title="Điều tra dân số")
    assert table("Các xã đạt cao gồm: Thiên Lộc trên 95%.", elsewhere)[95][1] != "Thiên Lộc"


def test_a_kind_of_body_after_a_lowercase_head_is_no_agency() -> None:
    got = table("Toàn tỉnh có 412 đơn vị có trang thông tin điện tử. Trong đó, cơ quan Đảng, đoàn thể có 21 đơn vị; "
                "doanh nghiệp có 390 đơn vị.", NEWS)
    assert got[21][1] == got[390][1] == "toàn tỉnh"


def test_a_parenthesis_opens_a_clause_whose_unit_is_its_topic() -> None:
    got = table("Huyện Yên Lạc đứng thứ nhất với tỷ lệ quá hạn 0,41%; huyện Lập Thạch và huyện Bình Xuyên là các địa "
                "phương tiến bộ (huyện Lập Thạch giảm từ 9,12% xuống còn 1,44%; huyện Bình Xuyên giảm từ 8,75% xuống "
                "còn 2,06%).", NEWS)
    assert got[9.12][1] == got[1.44][1] == "huyện Lập Thạch"
    assert got[8.75][1] == got[2.06][1] == "huyện Bình Xuyên"


def test_rankings_name_each_unit_as_subject_or_predicate() -> None:
    got = table("Theo kết quả xếp hạng năm 2022 thì thành phố Cần Thơ lần đầu vươn lên dẫn đầu, với kết quả đạt "
                "90.15%. Trong khi đó, Long An cũng lần đầu lọt nhóm dẫn đầu, với kết quả đạt 88.64%. Đứng cuối "
                "bảng là tỉnh Cà Mau, đạt 78.12%.", NEWS)
    assert got[90.15][1] == "thành phố Cần Thơ"
    assert got[88.64][1] == "Long An"
    assert got[78.12][1] == "tỉnh Cà Mau"


def test_the_district_peoples_committees_as_a_list_keep_their_written_form() -> None:
    got = table("Đối với UBND các huyện, thành phố, có 7/9 địa phương xếp loại Khá.", NEWS)
    assert got[7][1] == "UBND các huyện, thành phố"


def test_units_a_figure_counts_are_not_the_subject_of_the_next_figure() -> None:
    got = table("Về truyền thanh cơ sở, cả nước hiện có 8.420 đài truyền thanh/9.950 xã, phường, thị trấn, đạt tỷ lệ "
                "84,6%. Còn 1.530 xã, phường, thị trấn chưa có đài, chiếm 15,4%.", NEWS)
    assert got[84.6][1] == got[15.4][1] == "cả nước"
    got = table("Tổng số máy tính là 9.846 máy, trong đó cấp tỉnh 3.412 máy, cấp huyện 2.785 máy.", NEWS)
    assert got[2785][1] == "cấp huyện"


def test_a_legal_reference_ends_at_its_sentence_and_leaves_the_next_paragraphs_unit() -> None:
    text = ("Điểm phục vụ đáp ứng quy định tại Quyết định số 215/QĐ-BTTTT ngày 14/5/2014 của Bộ Thông tin và "
            "Truyền thông.\n\nXã Tân Hưng có 07/07 ấp có Internet, đạt tỷ lệ 100%.")
    t = NormText(text=text)
    law = next(e for e in extract_entities(t, segment(t)) if e.label == "LAW")
    assert law.text.endswith("Truyền thông")
    got = table(text, DocMeta(province="Sóc Trăng", title="Xã Tân Hưng có điểm phục vụ bưu chính"))
    assert got[100][1] == "Xã Tân Hưng"


def test_a_headline_figure_is_about_what_the_body_is_about() -> None:
    text = ("Cấp mới hơn 1.900 chứng thư số\n\nTính đến cuối năm 2022, toàn tỉnh có 1.932 chứng thư số được cấp "
            "cho các cơ quan.")
    got = table(text, DocMeta(title="Cấp mới hơn 1.900 chứng thư số"))
    assert got[1900][1] == "toàn tỉnh"


def test_an_upper_case_headline_names_its_unit_after_cua() -> None:
    got = table("CHỈ SỐ CHUYỂN ĐỔI SỐ CỦA TỈNH QUẢNG BÌNH TĂNG 9 BẬC\n\nNăm 2022 chỉ số tăng mạnh.",
                DocMeta(title="CHỈ SỐ CHUYỂN ĐỔI SỐ CỦA TỈNH QUẢNG BÌNH TĂNG 9 BẬC"))
    assert got[9][1] == "TỈNH QUẢNG BÌNH"


def test_a_headline_prefers_the_whole_the_body_names_over_a_caption_place() -> None:
    text = ("Thuê bao di động đạt 98/100 dân\n\nNgười dân xã Hóa Thượng (Đồng Hỷ) dùng điện thoại.\n\n"
            "Toàn tỉnh hiện có 1.050.000 thuê bao di động.")
    got = table(text, DocMeta(title="Thuê bao di động đạt 98/100 dân"))
    assert got[98][1] == "toàn tỉnh"


def test_a_clause_opened_by_thi_is_about_the_unit_after_the_last_thi() -> None:
    """"Theo kết quả đánh giá thì ... thì huyện A đạt ...": the words before the last "thì" do not keep
    the unit from being the clause's topic; the lead is cut in one left-to-right scan."""
    from extractors.meaning.subject import _is_topic

    text = "Theo kết quả tổng hợp thì nếu xét cả năm thì huyện Cẩm Mỹ: 96,5%."
    end = text.index("Cẩm Mỹ") + len("Cẩm Mỹ")
    head = text[: text.index("huyện Cẩm Mỹ")]
    assert _is_topic(text, head, end)
    long_head = "số hồ sơ " * 5000  # a clause with no "thì" and no verb after the unit
    assert not _is_topic("huyện Cẩm Mỹ 12 hồ sơ", long_head, len("huyện Cẩm Mỹ"))
