"""News-page metadata: the body whose completed action the lead reports, and the province of pages
about one province or about the whole country."""

from __future__ import annotations

import unicodedata

from extractors.header.agency import attributed_source
from extractors.header.rules import header_rules
from extractors.metadata import extract_metadata
from pipeline.model import DocMeta, NormText


def meta(text: str) -> DocMeta:
    return extract_metadata(NormText(text=unicodedata.normalize("NFC", text)))


def test_the_body_whose_completed_action_the_lead_reports_is_the_source() -> None:
    rules = header_rules()
    lead = ("Để giúp các địa phương dùng chữ ký số, Cục Chứng thực số đã xây dựng bộ tài liệu hướng dẫn "
            "và cấp 2.000 chứng thư.")
    assert attributed_source(lead, rules, lead) == "Cục Chứng thực số"
    owned = "Theo kế hoạch, các đơn vị của Cục Chứng thực số đã triển khai 40 lớp tập huấn."
    assert attributed_source(owned, rules, owned) is None  # "của X": X owns the units that act


def test_a_province_named_once_in_a_text_about_the_whole_country_is_an_example() -> None:
    text = ("Tỉnh Gia Minh dẫn đầu cả nước về hồ sơ trực tuyến\n"
            "Hà Nam dẫn đầu cả nước với 70% hồ sơ trực tuyến, vượt Đà Nẵng (58%) và Nam Định (52%). "
            "Nhóm thấp nhất gồm các tỉnh Đắk Lắk, Hải Dương và Bắc Ninh, dưới 10%.\n")
    assert meta(text).province is None


def test_a_page_names_its_own_province_bare() -> None:
    text = ("Nâng cấp đài truyền thanh cơ sở\n\n"
            "(ABC) - HĐND tỉnh thống nhất chủ trương nâng cấp 18 đài truyền thanh. Quảng Nam sẽ bố trí "
            "kinh phí hơn 4 tỷ đồng. Đến nay Quảng Nam đã có 120 đài truyền thanh ứng dụng công nghệ thông tin.\n")
    assert meta(text).province == "Quảng Nam"
