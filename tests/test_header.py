"""The header reader, layout by layout and field by field, on documents written for these tests.

Layouts (issue 18): A pipe rows of a flattened HTML table, B one cell per line between "|"-only lines,
C a legal-text site's metadata table, D damaged PDF text, E legal structure (articles and an attached
regulation); and news/portal pages (date lines, headlines, named sources).
"""

from __future__ import annotations

import unicodedata
from datetime import date

import pytest

from extractors.header import apply_header, read_header
from extractors.header.agency import attributed_source, is_central, trim_agency
from extractors.header.official import kind_of_code, repair_code
from extractors.header.page import date_line
from extractors.header.rules import header_rules
from extractors.metadata import extract_metadata
from pipeline.devtools.evaluate import DocScore, Scores, _score_metadata
from pipeline.model import DocMeta, NormText
from pipeline.structure.tree import segment


def meta(text: str) -> DocMeta:
    return extract_metadata(NormText(text=unicodedata.normalize("NFC", text)))


LAYOUT_A = """ỦY BAN NHÂN DÂN | CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM |
------- | Độc lập - Tự do - Hạnh phúc |
Số: 305/KH-UBND | Hậu Giang, ngày 03 tháng 5 năm 2024 |

KẾ HOẠCH
Triển khai dịch vụ công trực tuyến năm 2024

Ủy ban nhân dân tỉnh Hậu Giang ban hành kế hoạch triển khai dịch vụ công trực tuyến như sau:

I. MỤC TIÊU

Phấn đấu tiếp nhận trực tuyến 60% hồ sơ.

TM. ỦY BAN NHÂN DÂN
CHỦ TỊCH

Quách Văn Lộc
"""

LAYOUT_B = """ỦY BAN NHÂN DÂN
HUYỆN CHÂU THÀNH
-------
|
CỘNG HÒA XÃ HỘI
CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc
---------------
|
Số:
19/2022/QĐ-UBND
|
Trà Vinh, ngày 27
tháng 4 năm 2022
|
QUYẾT ĐỊNH
Về việc kiện toàn Tổ công nghệ số cộng đồng

Điều 1. Kiện toàn Tổ công nghệ số cộng đồng của huyện Châu Thành, tỉnh Trà Vinh.
"""

LAYOUT_C = (
    "Số hiệu: 77/BC-SNV | Loại văn bản: Báo cáo | Nơi ban hành: Sở Nội vụ tỉnh Phú Yên | Người ký: Lê Thị Ngân"
    " | Ngày ban hành: 08/03/2022\n"
) + """
SỞ NỘI VỤ
Số: 77/BC-SNV
Phú Yên, ngày 08 tháng 3 năm 2022

BÁO CÁO
Kết quả cải cách hành chính năm 2021

Sở Nội vụ báo cáo kết quả cải cách hành chính năm 2021 như sau:
"""

LAYOUT_D = """UỶ BAN NHÂN DÂN    CỘNG HOÀ XàHỘI CHỦ NGHĨA VIỆT NAM
HUYỆN TUY AN    Độc lập  -  Tự do  -  Hạnh phúc
Số: 58/KHUBND    Tuy An, ngày 11 tháng 2 năm 2021

Ứng dụng công nghệ thông tin năm 2021

Ủy ban nhân dân huyện Tuy An xây dựng kế hoạch như sau:
"""

LAYOUT_E = """ỦY BAN NHÂN DÂN
TỈNH KON TUM

Số: 12/2024/QĐ-UBND
Kon Tum, ngày 02 tháng 4 năm 2024

QUYẾT ĐỊNH
Ban hành Quy chế vận hành cổng dịch vụ công của tỉnh

Điều 1. Ban
hành kèm theo Quyết định này Quy chế vận hành cổng dịch vụ công của tỉnh.

Điều 2. Quyết định này có hiệu lực từ ngày 15 tháng 4 năm 2024.

Nơi nhận:
- Như Điều 2;

QUY CHẾ
Vận hành cổng dịch vụ công của tỉnh
(Ban hành kèm theo Quyết định số 12/2024/QĐ-UBND của Ủy ban nhân dân tỉnh Kon Tum)

Chương I
NHỮNG QUY ĐỊNH CHUNG

Điều 1. Phạm vi

1. Quy chế này áp dụng cho các sở, ngành.

a) Cổng dịch vụ công của tỉnh.

b) Hệ thống một cửa điện tử.

Chương II
TỔ CHỨC THỰC HIỆN

Điều 2. Trách nhiệm thi hành
"""

EXPECTED = {
    "A": (LAYOUT_A, {"doc_number": "305/KH-UBND", "doc_type": "KẾ HOẠCH", "issuer": "UBND tỉnh Hậu Giang",
                     "province": "Hậu Giang", "place": "Hậu Giang", "issued_date_text": "2024-05-03"}),
    "B": (LAYOUT_B, {"doc_number": "19/2022/QĐ-UBND", "doc_type": "QUYẾT ĐỊNH", "issuer": "UBND huyện Châu Thành",
                     "province": "Trà Vinh", "place": "Trà Vinh", "issued_date_text": "2022-04-27"}),
    "C": (LAYOUT_C, {"doc_number": "77/BC-SNV", "doc_type": "BÁO CÁO", "issuer": "Sở Nội vụ", "province": "Phú Yên",
                     "place": "Phú Yên", "issued_date_text": "2022-03-08", "signer": "Lê Thị Ngân"}),
    "D": (LAYOUT_D, {"doc_number": "58/KH-UBND", "doc_type": "KẾ HOẠCH", "issuer": "UBND huyện Tuy An",
                     "province": "Phú Yên", "place": "Tuy An", "issued_date_text": "2021-02-11"}),
    "E": (LAYOUT_E, {"doc_number": "12/2024/QĐ-UBND", "doc_type": "QUYẾT ĐỊNH", "issuer": "UBND tỉnh Kon Tum",
                     "province": "Kon Tum", "place": "Kon Tum", "issued_date_text": "2024-04-02"}),
}
CASES = [(lay, f, v) for lay, (_t, fields) in EXPECTED.items() for f, v in fields.items()]


@pytest.mark.parametrize(("layout", "field", "expected"), CASES, ids=[f"{a}-{b}" for a, b, _ in CASES])
def test_every_layout_is_read_field_by_field(layout: str, field: str, expected: str) -> None:
    text = EXPECTED[layout][0]
    assert getattr(meta(text), field) == expected


def test_pipe_rows_without_province_line_take_the_unit_from_the_body() -> None:
    off, _site, _page = read_header(LAYOUT_A)
    assert off.layout == "pipe-rows" and off.issuer == "UBND tỉnh Hậu Giang"


def test_cell_lines_join_a_date_broken_across_lines() -> None:
    off, _site, _page = read_header(LAYOUT_B)
    assert off.layout == "cell-lines"
    assert off.issued_date == date(2022, 4, 27) and off.place == "Trà Vinh"


def test_site_table_fills_the_signer_but_never_overrides_the_document_header() -> None:
    m = meta(LAYOUT_C)
    assert m.signer == "Lê Thị Ngân"
    assert m.issuer == "Sở Nội vụ"  # the document prints its own issuer; the site's longer name is not used


def test_site_table_alone_gives_the_metadata() -> None:
    text = ("Số hiệu: 41/TB-UBND | Loại văn bản: Thông báo | Nơi ban hành: Ủy ban nhân dân tỉnh Sóc Trăng | "
            "Người ký: Trần Văn Tâm | Ngày ban hành: 14/06/2023\n\nNội dung thông báo kết luận của Chủ tịch.\n")
    m = apply_header(DocMeta(), text)
    assert (m.doc_number, m.doc_type, m.issuer, m.signer, m.issued_date_text) == (
        "41/TB-UBND", "THÔNG BÁO", "UBND tỉnh Sóc Trăng", "Trần Văn Tâm", "2023-06-14")


def test_a_code_that_lost_its_hyphen_is_repaired_and_names_the_kind() -> None:
    rules = header_rules()
    assert repair_code("QĐUBND", rules) == "QĐ-UBND"
    assert repair_code("UBND-VP", rules) == "UBND-VP"
    assert kind_of_code("TB-UBND", rules) == "THÔNG BÁO"
    assert kind_of_code("UBND-VP", rules) == "CÔNG VĂN"


def test_legal_structure_keeps_articles_and_the_attached_regulation_as_its_own_subtree() -> None:
    secs = segment(NormText(text=LAYOUT_E))
    paths = [s.path for s in secs]
    assert paths[:2] == ["Điều 1", "Điều 2"]
    assert "QUY CHẾ > Chương I > Điều 1 > 1 > a" in paths
    assert "QUY CHẾ > Chương II > Điều 2" in paths
    first = secs[0]
    assert first.heading.startswith("Ban hành kèm theo Quyết định này")  # broken after one word, kept whole


# ----------------------------------------------------------------------------------------------- pages


def test_publication_date_lines_of_news_and_portal_pages() -> None:
    rules = header_rules()
    assert date_line("Ngày đăng: 21/09/2024  07:15", 0, rules).iso == "2024-09-21"
    assert date_line("Thứ Hai, 07/10/2019, 15:20 (GMT+7)", 0, rules).iso == "2019-10-07"
    assert date_line("10:45, 12/01/2021", 0, rules).iso == "2021-01-12"
    assert date_line("Cập nhật: 05-08-2020 | 08:30:12", 0, rules).iso == "2020-08-05"
    assert date_line("Kinh tế - Ngày đăng : 09:10, 28/02/2023", 0, rules).iso == "2023-02-28"
    assert date_line("date 2022-11 Trong năm, toàn tỉnh tiếp nhận 9.000 hồ sơ.", 0, rules).iso == "2022-11"
    assert date_line("Ngày 12/3/2023, Sở Tư pháp tổ chức hội nghị tổng kết công tác năm với nhiều đơn vị.", 0,
                     rules) is None


PAGE = """Thứ 3, Ngày 04/06/2024 -

Cà Mau: Hơn 95% hồ sơ được giải quyết đúng hạn trong quý I
Ngày đăng: 16/04/2024  09:12
Mặc định Cỡ chữ
(CMO) - Theo báo cáo số 112/BC-VP của Văn phòng UBND tỉnh Cà Mau, quý I năm 2024 toàn tỉnh tiếp nhận 41.230 hồ sơ.
"""


def test_news_page_headline_date_and_named_source() -> None:
    m = apply_header(DocMeta(title="Thứ 3, Ngày 04/06/2024 -"), PAGE)
    assert m.title == "Cà Mau: Hơn 95% hồ sơ được giải quyết đúng hạn trong quý I"
    assert m.issued_date_text == "2024-04-16"  # the labelled line, not the site banner above the headline
    assert m.issuer == "Văn phòng UBND tỉnh Cà Mau"
    assert m.province == "Cà Mau"


def test_page_headline_drops_trailing_date_furniture_lines() -> None:
    text = "Đồng Tháp đẩy mạnh thanh toán trực tuyến\n\n14:20, 09/09/2022\n\nToàn tỉnh có 3.000 giao dịch.\n"
    m = apply_header(DocMeta(title="Đồng Tháp đẩy mạnh thanh toán trực tuyến 14:20, 09/09/2022"), text)
    assert m.title == "Đồng Tháp đẩy mạnh thanh toán trực tuyến" and m.issued_date == date(2022, 9, 9)


def test_a_page_that_starts_with_its_lead_has_no_title() -> None:
    text = ("(QTO) - Theo Sở Tài chính, năm 2022 tổng thu ngân sách trên địa bàn đạt 4.100 tỷ đồng, vượt dự toán "
            "được giao và tăng so với cùng kỳ năm trước.\n")
    m = apply_header(DocMeta(title=text.strip()), text)
    assert m.title is None
    assert m.issuer == "Sở Tài chính"


@pytest.mark.parametrize(("sentence", "source"), [
    ("Thống kê của UBND huyện Bình Sơn cho biết, 6 tháng đầu năm có 800 hồ sơ.", "UBND huyện Bình Sơn"),
    ("Sở Giao thông, Vận tải và Xây dựng tỉnh Lai Châu, tính đến nay đã có 40 dự án.", None),
    ("Theo thống kê của Sở Lao động, Thương binh và Xã hội Gia Lai, năm qua có 120 lớp học.",
     "Sở Lao động, Thương binh và Xã hội Gia Lai"),
    ("Bộ Tài chính ngày 3-8 cho biết tổng thu đạt 1.200 nghìn tỷ đồng.", "Bộ Tài chính"),
    ("Theo quy định, hồ sơ được trả trong ngày.", None),
])
def test_named_source_of_a_page(sentence: str, source: str | None) -> None:
    assert attributed_source(sentence, header_rules()) == source


def test_agency_name_stops_at_a_stop_word_even_at_a_line_end() -> None:
    assert trim_agency("Sở Y tế Hà Nam vừa\ncông bố", header_rules()) == "Sở Y tế Hà Nam"


def test_central_bodies_have_no_province() -> None:
    rules = header_rules()
    assert is_central("Bộ Thông tin và Truyền thông", rules)
    assert is_central("Văn phòng Chính phủ", rules)
    assert not is_central("Bộ Chỉ huy Quân sự tỉnh Long An", rules)
    m = apply_header(DocMeta(issuer="Bộ Nội vụ", province="Hà Nội"), "Bộ Nội vụ cho biết kết quả năm 2023.\n")
    assert m.province is None


# ----------------------------------------------------------------------------------------------- eval


def test_eval_scores_metadata_per_field() -> None:
    s = DocScore("x")
    _score_metadata(s, {"doc_number": "1/BC-UBND", "issuer": "UBND tỉnh Hà Nam", "title": "T"},
                    {"doc_number": "1/BC-UBND", "issuer": None, "title": "T"})
    out = Scores([s], []).as_dict()["all"]["metadata_fields"]
    assert out["doc_number"]["accuracy"] == 1.0
    assert out["issuer"]["accuracy"] == 0.0
    assert set(out) >= {"doc_number", "doc_type", "issuer", "province", "place", "issued_date", "signer", "title"}


@pytest.mark.parametrize(("sentence", "source"), [
    ("Tin từ Trung tâm Phục vụ hành chính công tỉnh Sơn La, tuần qua có 900 hồ sơ.",
     "Trung tâm Phục vụ hành chính công tỉnh Sơn La"),
    ("Sở Tư pháp vừa ban hành báo cáo về kết quả năm 2022.", "Sở Tư pháp"),
    ("UBND TP.HCM có văn bản chỉ đạo các sở về chữ ký số.", "UBND TP.HCM"),
    ("Phó Giám đốc Sở Nội vụ Đặng Văn Thành cho biết năm qua có 30 lớp.", "Sở Nội vụ"),
    ("Bộ phận một cửa cho biết đã trả 500 hồ sơ.", None),
    ("Theo UBND cấp huyện, có 70 xã đạt chuẩn.", None),
])
def test_more_named_sources_of_a_page(sentence: str, source: str | None) -> None:
    assert attributed_source(sentence, header_rules()) == source


def test_the_lead_subject_is_the_source_only_when_no_attribution_names_one() -> None:
    rules = header_rules()
    lead = "(ABC) - Sau 6 tháng, Trung tâm Hành chính công tỉnh Yên Bái đã tiếp nhận 7.500 hồ sơ."
    assert attributed_source(lead, rules, lead) == "Trung tâm Hành chính công tỉnh Yên Bái"
    assert attributed_source(lead, rules) is None  # outside the lead, a subject is no source
    placed = "Tại Bộ phận Một cửa của tỉnh, trong quý đã nhận mới 820 hồ sơ."
    assert attributed_source(placed, rules, placed) is None  # "Tại X" is a place, not the reporting body


def test_page_province_from_the_source_or_a_headline_led_by_a_province() -> None:
    text = "Hòa Bình: Tỷ lệ hồ sơ trực tuyến tăng mạnh\n\n08/05/2023 10:00\n\nTrong tháng, toàn tỉnh có 800 hồ sơ.\n"
    assert apply_header(DocMeta(), text).province == "Hòa Bình"
    text2 = "Học sinh trở lại trường sau Tết\n\n(ABC) - Theo Sở Giáo dục và Đào tạo Trà Vinh, có 9.000 em.\n"
    assert apply_header(DocMeta(), text2).province == "Trà Vinh"
    text3 = "Chữ ký số được dùng rộng rãi\n\nTheo Sở Thông tin và Truyền thông TP.HCM, có 120.000 văn bản.\n"
    assert apply_header(DocMeta(), text3).province == "Hồ Chí Minh"


def test_a_menu_item_is_not_a_kind_line() -> None:
    text = "Trang chủ\nThông báo\nTin tức\n\nHơn 5.000 hồ sơ được số hóa\n\n12/06/2022 09:00\n\nNội dung.\n"
    off, _site, page = read_header(text)
    assert not off.found and page.title == "Hơn 5.000 hồ sơ được số hóa"


def test_site_table_in_pipe_rows_and_a_slash_date_line() -> None:
    text = ("Số hiệu: | 8/2021/QĐ-UBND | Loại văn bản: | Quyết định |\nNơi ban hành: | Tỉnh Cà Mau | Người ký: | "
            "Lâm Văn Bi |\nNgày ban hành: | 02/02/2021 | Ngày hiệu lực: | 12/02/2021 |\n\n"
            "ỦY BAN NHÂN DÂN\nTỈNH CÀ MAU\n"
            "Số: 8/2021/QĐ-UBND\nCà Mau, ngày 02/02/2021\n\nQUYẾT ĐỊNH\nBan hành quy chế\n")
    m = meta(text)
    assert (m.doc_number, m.doc_type, m.issuer, m.signer, m.issued_date_text) == (
        "8/2021/QĐ-UBND", "QUYẾT ĐỊNH", "UBND tỉnh Cà Mau", "Lâm Văn Bi", "2021-02-02")
    off, _site, _page = read_header(text)
    assert off.issued_date_text == "2021-02-02" and off.place == "Cà Mau"


def test_a_chairmans_decision_with_a_hyphenated_province_in_pipe_rows() -> None:
    text = ("CHỦ TỊCH ỦY BAN NHÂN DÂN | CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM |\nTỈNH BÀ RỊA - VŨNG TÀU | Độc lập - Tự do"
            " - Hạnh phúc |\nSố: 31/QĐ-CT | Bà Rịa - Vũng Tàu, ngày 14 tháng 1 năm 2021 |\n\nQUYẾT ĐỊNH\nVề việc lập"
            " Tổ giúp việc | |\n\nĐiều 1. Thành lập Tổ giúp việc.\n")
    m = meta(text)
    assert m.issuer == "Chủ tịch UBND tỉnh Bà Rịa - Vũng Tàu"
    assert (m.place, m.issued_date_text, m.province) == ("Bà Rịa - Vũng Tàu", "2021-01-14", "Bà Rịa - Vũng Tàu")
    assert m.title is None or "|" not in m.title


def test_a_prime_ministers_directive_has_no_province() -> None:
    text = ("THỦ TƯỚNG CHÍNH PHỦ | CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM |\n------- | Độc lập - Tự do - Hạnh phúc |\n"
            "Số: 11/CT-TTg | Hà Nội, ngày 02 tháng 3 năm 2022 |\n\nCHỈ THỊ\nVề thanh toán không dùng tiền mặt\n")
    m = meta(text)
    assert (m.issuer, m.province, m.place, m.doc_type) == ("Thủ tướng Chính phủ", None, "Hà Nội", "CHỈ THỊ")


def test_site_table_without_cell_separators_ends_each_value_at_the_next_label() -> None:
    text = ("Số hiệu: 20/KH-UBND Loại văn bản: Kế hoạch Nơi ban hành: Tỉnh Yên Bái Người ký: Vũ Thị Hiền "
            "Ngày ban hành: 09/01/2024 Ngày hiệu lực: 09/01/2024\n\nNội dung kế hoạch.\n")
    _off, site, _page = read_header(text)
    assert site["signer"] == "Vũ Thị Hiền" and site["doc_type"] == "Kế hoạch"
    assert apply_header(DocMeta(), text).issued_date_text == "2024-01-09"


def test_a_date_label_opening_the_body_leaves_the_page_without_headline() -> None:
    text = ("date 2022-09 Trong 9 tháng, toàn tỉnh đã tiếp nhận 12.000 hồ sơ trực tuyến, tăng mạnh so với cùng kỳ năm "
            "trước, nhờ các giải pháp hỗ trợ người dân nộp hồ sơ qua mạng tại nhà.\nTheo quy định, hồ sơ được trả "
            "trong ngày.\n")
    m = apply_header(DocMeta(title="Theo quy định, hồ sơ được trả trong ngày"), text)
    assert m.title is None and m.issued_date_text == "2022-09"


def test_a_chairman_named_in_the_lead_is_the_source() -> None:
    lead = "Ngày 5/4/2023, Chủ tịch UBND tỉnh Hà Tĩnh ban hành Quyết định số 700/QĐ-UBND về chuyển đổi số."
    assert attributed_source(lead, header_rules(), lead) == "Chủ tịch UBND tỉnh Hà Tĩnh"
