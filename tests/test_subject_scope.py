"""Subjects as gold spells them: agencies of a level as written, the implied whole, units named bare."""

from __future__ import annotations

from test_annotate import HUYEN, NEWS, table

from pipeline.model import DocMeta


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
