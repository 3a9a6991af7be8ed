"""Behaviour of extractors.metadata and extractors.gazetteer on short documents in our own wording."""

from __future__ import annotations

import unicodedata
from datetime import date
from pathlib import Path

import pytest

from extractors import gazetteer as gz
from extractors.metadata import extract_metadata, load_rules
from pipeline.errors import ConfigError
from pipeline.model import DocMeta, NormText
from pipeline.vietnamese import tone_key


def meta(text: str) -> DocMeta:
    return extract_metadata(NormText(text=unicodedata.normalize("NFC", text)))


BODY = "I. KẾT QUẢ\nNội dung chi tiết của phần này.\n"


# ------------------------------------------------------------------------------------------ số hiệu


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("Số: 957/BC-UBND", "957/BC-UBND"),
        ("Số:88/BC-STTTT", "88/BC-STTTT"),
        ("Số 12/BC-SNV", "12/BC-SNV"),
        ("Số: 57 /KH-UBND", "57/KH-UBND"),
        ("Số: 14/2022/QĐ-UBND", "14/2022/QĐ-UBND"),
        ("Số: 301/TTr-UBND", "301/TTr-UBND"),
        ("Số: /BC-UBND", None),
        ("Số:      /BC-UBND", None),
        ("Số: 04/11/19", None),  # an incoming-document stamp, not a document number
    ],
)
def test_doc_number_takes_only_the_number_form(line: str, expected: str | None) -> None:
    assert meta(f"{line}\nBÁO CÁO\nTình hình chung\n{BODY}").doc_number == expected


def test_lowercase_so_in_a_citation_is_not_the_doc_number() -> None:
    doc = "BÁO CÁO\nTình hình chung\nCăn cứ văn bản số 45/SNV-TCBC của Sở Nội vụ.\n" + BODY
    assert meta(doc).doc_number is None


@pytest.mark.parametrize(
    ("header", "kind"),
    [
        ("Số: 7/KH-UBND\nKẾ HOẠCH\nTriển khai công việc", "KẾ HOẠCH"),
        ("Số: 8/TTr-UBND\nTỜ TRÌNH\nĐề nghị phê duyệt", "TỜ TRÌNH"),
        ("Số: 45/UBND-VP\nV/v cung cấp số liệu", "CÔNG VĂN"),  # no kind line, number without kind code
        ("Số: 46/BC-UBND\nTình hình chung", "BÁO CÁO"),  # kind line lost: the number's code tells
        # a capitals line in the body of a công văn is not its kind line
        ("Số: 47/UBND-VP\nV/v lập kế hoạch\n1. Nội dung\nKẾ HOẠCH CHUNG\nCác bước thực hiện.", "CÔNG VĂN"),
    ],
)
def test_doc_type_from_kind_line_or_number_code(header: str, kind: str) -> None:
    assert meta(f"{header}\n{BODY}").doc_type == kind


# ------------------------------------------------------------------------------------------ title


@pytest.mark.parametrize(
    ("doc", "title"),
    [
        ("BÁO CÁO\nKết quả chuyển đổi số sáu tháng\n" + BODY, "Kết quả chuyển đổi số sáu tháng"),
        ("BÁO CÁO\n\nTình hình phát triển hạ tầng số\nvà nhiệm vụ năm sau\n\nThực hiện chỉ đạo của tỉnh.\n"
         + BODY, "Tình hình phát triển hạ tầng số và nhiệm vụ năm sau"),
        ("BÁO CÁO\nKết quả cải cách hành chính\nThực hiện kế hoạch năm, đơn vị tổng hợp như sau:\n" + BODY,
         "Kết quả cải cách hành chính"),
        ("Số: 45/UBND-VP\nV/v rà soát thủ tục hành chính\nKính gửi: Các phòng.\n" + BODY,
         "V/v rà soát thủ tục hành chính"),
    ],
)
def test_title_is_the_line_block_under_the_kind_line(doc: str, title: str) -> None:
    assert meta(doc).title == title


def test_title_above_the_kind_line_when_a_stamp_pushed_it_there() -> None:
    doc = (
        "Cần Thơ, ngày 02 tháng 3 năm 2020\nVĂN PHÒNG SỞ NỘI VỤ\nĐẾN\n"
        "Tình hình sử dụng chữ ký số trong cơ quan nhà nước năm 2019\n"
        "Ngày: 05/3/2020\nSố: 12/3\nBÁO CÁO\nThực hiện yêu cầu của tỉnh, đơn vị báo cáo như sau.\n" + BODY
    )
    m = meta(doc)
    assert m.title == "Tình hình sử dụng chữ ký số trong cơ quan nhà nước năm 2019"
    assert m.doc_number is None
    assert m.issuer is None  # the stamp names the receiving office, never the issuer


# ------------------------------------------------------------------------------------------ date and place


@pytest.mark.parametrize(
    ("line", "place", "text", "value"),
    [
        ("Châu Thành, ngày 3 tháng 9 năm 2021", "Châu Thành", "2021-09-03", date(2021, 9, 3)),
        ("Châu Thành, ngày   tháng 9 năm 2021", "Châu Thành", "2021-09", None),
        ("Châu Thành, ngày   tháng   năm 2021", "Châu Thành", "2021", None),
        ("Thành phố Cần Thơ, ngày 1 tháng 6 năm 2020.", "Thành phố Cần Thơ", "2020-06-01", date(2020, 6, 1)),
        ("Quận 5, ngày 7/8/2019", "Quận 5", "2019-08-07", date(2019, 8, 7)),
        ("Số: 3/BC-UBND Bến Lức, ngày 9 tháng 10 năm 2022", "Bến Lức", "2022-10-09", date(2022, 10, 9)),
        ("Châu Thành, ngày 31 tháng 2 năm 2021", "Châu Thành", "2021-02", None),  # impossible day
    ],
)
def test_date_line_gives_place_and_date(line: str, place: str, text: str, value: date | None) -> None:
    m = meta(f"{line}\nBÁO CÁO\nTình hình chung\n{BODY}")
    assert (m.place, m.issued_date_text, m.issued_date) == (place, text, value)


@pytest.mark.parametrize(
    "header",
    [
        "Số: 4/BC-UBND\nLấp Vò, ngày 12 tháng 7 năm\n2022\nBÁO CÁO",  # year on the next line
        "Số: 4/BC-UBND\n2022\nLấp Vò, ngày 12 tháng 7 năm\nBÁO CÁO",  # year on a line above
        "Số: 4/BC-UBND\n\n2022\n\nLấp Vò, ngày 12 tháng 7 năm\n\nBÁO CÁO",
    ],
)
def test_year_displaced_off_the_date_line_is_found(header: str) -> None:
    m = meta(f"{header}\nTình hình chung\n{BODY}")
    assert (m.place, m.issued_date) == ("Lấp Vò", date(2022, 7, 12))


def test_date_ending_a_body_sentence_is_not_the_issue_date() -> None:
    doc = "BÁO CÁO\nTình hình chung\nI. NỘI DUNG\nKế hoạch được ký vào ngày 5 tháng 6 năm 2020\n"
    m = meta(doc)
    assert (m.place, m.issued_date_text) == (None, None)


# ------------------------------------------------------------------------------------------ issuer


@pytest.mark.parametrize(
    ("doc", "issuer"),
    [
        # header block, two lines and the national motto beside them
        ("ỦY BAN NHÂN DÂN CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nHUYỆN LẤP VÒ Độc lập - Tự do - Hạnh phúc\n"
         "Số: 5/BC-UBND\nBÁO CÁO\nTình hình chung\n" + BODY, "UBND huyện Lấp Vò"),
        ("CỘNG HOÀ XÃ HỘI CHỦ NGHĨA VIỆT NAM\nỦY BAN NHÂN DÂN\nĐộc lập - Tự do - Hạnh phúc\nXÃ TÂN HƯNG\n"
         "Số: 5/BC-UBND\nBÁO CÁO\nTình hình chung\n" + BODY, "UBND xã Tân Hưng"),
        # stacked header: the lower body issues; its capitals are spelled as the body spells them
        ("UBND TỈNH BẾN TRE\nSỞ GIÁO DỤC VÀ ĐÀO TẠO\nSố: 9/BC-SGDĐT\nBÁO CÁO\nTình hình chung\n"
         "Sở Giáo dục và Đào tạo tổng hợp số liệu.\n" + BODY, "Sở Giáo dục và Đào tạo"),
        # opening sentence
        ("BÁO CÁO\nTình hình chung\nTheo yêu cầu của Sở Nội vụ, Ủy ban nhân dân huyện Cờ Đỏ báo cáo "
         "như sau:\n" + BODY, "UBND huyện Cờ Đỏ"),
        ("BÁO CÁO\nTình hình chung\nPhòng Văn hóa và Thông tin huyện Giồng Riềng xin báo cáo như sau:\n"
         + BODY, "Phòng Văn hóa và Thông tin huyện Giồng Riềng"),
        # opening without the name: completed from the place line
        ("Cờ Đỏ, ngày 3 tháng 4 năm 2023\nBÁO CÁO\nTình hình chung\nThực hiện kế hoạch năm, UBND huyện "
         "báo cáo như sau:\n" + BODY, "UBND huyện Cờ Đỏ"),
        # closing sentence, "trân trọng báo cáo" form; the agency after "đề nghị của" is not the issuer
        ("BÁO CÁO\nTình hình chung\n" + BODY + "Trên đây là báo cáo năm 2022 theo đề nghị của Sở Nội vụ, "
         "Ủy ban nhân dân huyện Mường Khương trân trọng báo cáo./.\nNơi nhận:\n- Như trên;\n",
         "UBND huyện Mường Khương"),
        # closing sentence, "của" form
        ("BÁO CÁO\nTình hình chung\n" + BODY + "Trên đây là báo cáo tình hình năm 2021 của Sở Tư pháp./.\n",
         "Sở Tư pháp"),
        # only the signature block names the body: level and name from the place line
        ("Lai Vung, ngày 3 tháng 4 năm 2023\nBÁO CÁO\nTình hình chung\n" + BODY
         + "Nơi nhận:\n- Như trên;\nTM. ỦY BAN NHÂN DÂN\nCHỦ TỊCH\n", "UBND huyện Lai Vung"),
    ],
)
def test_issuer_from_header_opening_closing_or_signature(doc: str, issuer: str) -> None:
    assert meta(doc).issuer == issuer


def test_place_that_is_both_town_and_district_leaves_the_level_open() -> None:
    """"Cao Lãnh" is a thành phố and a huyện: without a level word in the text the issuer stays
    unknown, while the province (the same for both) is still settled."""
    doc = ("Cao Lãnh, ngày 3 tháng 4 năm 2023\nBÁO CÁO\nTình hình chung\n" + BODY
           + "Nơi nhận:\n- Như trên;\nTM. ỦY BAN NHÂN DÂN\nCHỦ TỊCH\n")
    m = meta(doc)
    assert (m.issuer, m.province) == (None, "Đồng Tháp")
    with_level = doc.replace("Tình hình chung", "Tình hình chung của huyện Cao Lãnh")
    assert meta(with_level).issuer == "UBND huyện Cao Lãnh"


def test_issuer_tinh_without_name_is_completed_with_the_province() -> None:
    doc = ("Vĩnh Long, ngày 5 tháng 5 năm 2020\nBÁO CÁO\nTình hình chung\nTheo kế hoạch năm, Ủy ban nhân "
           "dân (UBND) tỉnh báo cáo như sau:\n" + BODY)
    assert meta(doc).issuer == "UBND tỉnh Vĩnh Long"


def test_agency_that_requested_the_report_is_not_the_issuer() -> None:
    doc = "BÁO CÁO\nTình hình chung\nSở Nội vụ yêu cầu các đơn vị báo cáo số liệu.\n" + BODY
    assert meta(doc).issuer is None


# ------------------------------------------------------------------------------------------ signer

SIGNED = "BÁO CÁO\nTình hình chung\n" + BODY + "Nơi nhận:\n- Như trên;\n- Lưu: VT.\n"


@pytest.mark.parametrize(
    ("block", "signer"),
    [
        ("TM. ỦY BAN NHÂN DÂN\nKT. CHỦ TỊCH\nPHÓ CHỦ TỊCH\n\nHồ Minh Tâm\n", "Hồ Minh Tâm"),
        ("KT. GIÁM ĐỐC\nPHÓ GIÁM ĐỐC\n(Đã ký)\nTrương Thị Ngọc Hân\n", "Trương Thị Ngọc Hân"),
        ("TM. ỦY BAN NHÂN DÂN\nCHỦ TỊCH\nPHAN VĂN LỘC\n", "Phan Văn Lộc"),
        ("TM. ỦY BAN NHÂN DÂN\nKT. CHỦ TỊCH\nPHÓ CHỦ TỊCH\n", None),
        ("KT. CHỦ TỊCH\nPHÓ CHỦ TỊCH\nPHỤ LỤC\nDANH SÁCH CÁC XÃ\n", None),  # an appendix, not a person
    ],
)
def test_signer_is_the_name_under_the_capacity_lines(block: str, signer: str | None) -> None:
    assert meta(SIGNED + block).signer == signer


def test_signer_block_before_the_recipient_list() -> None:
    doc = ("BÁO CÁO\nTình hình chung\n" + BODY + "KT. CHỦ TỊCH\nPHÓ CHỦ TỊCH\nNơi nhận:\n- Sở Nội vụ;\n"
           "- Lưu: VT.\nLê Hoàng Nam\n")
    assert meta(doc).signer == "Lê Hoàng Nam"


# ------------------------------------------------------------------------------------------ province


@pytest.mark.parametrize(
    ("doc", "province"),
    [
        # a district found in one province only
        ("BÁO CÁO\nTình hình chung\nUBND huyện Mường Khương báo cáo như sau:\n" + BODY, "Lào Cai"),
        # a district name shared by two provinces, settled by the province the text names
        ("Phú Tân, ngày 1 tháng 2 năm 2022\nBÁO CÁO\nTình hình chung\nThực hiện văn bản của UBND tỉnh "
         "Cà Mau, UBND huyện Phú Tân báo cáo như sau:\n" + BODY, "Cà Mau"),
        # the place line is the province
        ("Hậu Giang, ngày 1 tháng 2 năm 2022\nBÁO CÁO\nTình hình chung\n" + BODY, "Hậu Giang"),
        # spelling variants of the tone mark resolve alike
        ("BÁO CÁO\nTình hình chung\nUBND huyện Hạ Hoà báo cáo như sau:\n" + BODY, "Phú Thọ"),
        # a commune named like a city elsewhere is not that city
        ("Tân An, ngày 1 tháng 2 năm 2022\nBÁO CÁO\nTình hình chung\nỦy ban nhân dân xã Tân An báo cáo "
         "như sau:\n" + BODY, None),
        # nothing in the text says where
        ("BÁO CÁO\nTình hình chung\n" + BODY, None),
    ],
)
def test_province_by_weight_of_evidence(doc: str, province: str | None) -> None:
    assert meta(doc).province == province


def test_empty_text_gives_empty_metadata() -> None:
    assert meta("  \n\n") == DocMeta()


# ------------------------------------------------------------------------------------------ gazetteer


def test_tone_key_ignores_tone_mark_placement_and_case() -> None:
    assert tone_key("Hạ Hoà") == tone_key("HẠ HÒA")
    assert tone_key("Thủy") == tone_key("thuỷ")
    assert tone_key("Hòa") != tone_key("Hoa")


@pytest.mark.parametrize(
    ("district", "provinces"),
    [("Tháp Mười", ("Đồng Tháp",)), ("Phú Tân", ("An Giang", "Cà Mau")), ("Không Có Thật", ())],
)
def test_provinces_of_district_lists_every_candidate(district: str, provinces: tuple[str, ...]) -> None:
    assert gz.provinces_of_district(district) == provinces


def test_province_of_shared_district_needs_a_hint() -> None:
    assert gz.province_of_district("Phú Tân") is None
    assert gz.province_of_district("Phú Tân", within=["Cà Mau"]) == "Cà Mau"


def test_find_admin_units_reads_levels_and_stops_at_lowercase() -> None:
    found = gz.find_admin_units("Huyện Tam Nông và tỉnh Phú Thọ; THỊ XÃ SƠN TÂY; xã Tân Hòa; huyện Không Có")
    assert [(m.level, m.name, m.is_province) for m in found] == [
        ("huyện", "Tam Nông", False),
        ("tỉnh", "Phú Thọ", True),
        ("thị xã", "Sơn Tây", False),
    ]
    assert found[0].provinces == ("Phú Thọ", "Đồng Tháp")


def test_province_aliases_resolve() -> None:
    assert gz.province_named("tỉnh Thừa Thiên Huế") == "Huế"
    assert gz.province_named("Bà Rịa – Vũng Tàu") == "Bà Rịa - Vũng Tàu"


# ------------------------------------------------------------------------------------------ schema


def test_broken_schema_is_a_config_error(tmp_path: Path) -> None:
    bad = tmp_path / "metadata.yaml"
    bad.write_text("doc_types: [1, 2\n", encoding="utf-8")
    with pytest.raises(ConfigError):
        load_rules(bad)
    bad.write_text("doc_types: []\n", encoding="utf-8")  # valid YAML, missing keys
    with pytest.raises(ConfigError):
        load_rules(bad)
