"""Subjects as gold spells them: agencies of a level as written, the implied whole, units named bare."""

from __future__ import annotations

from test_annotate import HUYEN, NEWS, table


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
