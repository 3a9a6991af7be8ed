"""Behaviour of pipeline.structure.layout and .tables: lines, sentences, list items, tables, asides."""

from __future__ import annotations

from extractors.figures import extract_figures
from pipeline.model import NormText
from pipeline.structure.layout import SENT_BREAK, build_layout, bullet_marks, item_marks, reading_sentence_starts
from pipeline.structure.tables import find_tables


def layout_of(*lines: str, **kw):  # type: ignore[no-untyped-def]
    text = "\n".join(lines)
    return text, build_layout(NormText(text=text, **kw))


def cells(text: str, table) -> list[list[str]]:  # type: ignore[no-untyped-def]
    return [[text[c.start:c.end].strip() for c in row.cells] for row in table.rows]


# ----------------------------------------------------------------------------- tables


def test_tab_separated_rows_form_one_table_with_header_and_counter_column() -> None:
    text, lay = layout_of(
        "Bảng tổng hợp số máy tính theo xã:",
        "STT\tTên xã\tMáy tính",
        "1\tXã Hòa Bình\t14",
        "2\tXã Tân Lập\t9",
        "Ghi chú: số liệu đến cuối quý.",
    )
    (t,) = lay.tables
    assert t.style == "tab"
    assert cells(text, t) == [["STT", "Tên xã", "Máy tính"], ["1", "Xã Hòa Bình", "14"], ["2", "Xã Tân Lập", "9"]]
    assert t.header == ("STT", "Tên xã", "Máy tính")
    assert t.header_rows == 1 and t.counter_column and t.total_row is None
    pos = text.index("14")
    hit = lay.table_cell_at(pos)
    assert hit is not None and hit[1].column == 2 and t.header_of(hit[1].column) == "Máy tính"


def test_pipe_rows_drop_their_empty_edges_and_mark_the_rule_and_the_totals_row() -> None:
    text, lay = layout_of(
        "| Đơn vị | Hồ sơ |",
        "|---|---|",
        "| Phường Một | 40 |",
        "| Phường Hai | 25 |",
        "| Tổng cộng | 65 |",
    )
    (t,) = lay.tables
    assert t.style == "pipe"
    assert cells(text, t)[0] == ["Đơn vị", "Hồ sơ"]
    assert [r.separator for r in t.rows] == [False, True, False, False, False]
    assert t.total_row == 4


def test_columns_aligned_with_runs_of_spaces_are_a_table() -> None:
    text, lay = layout_of(
        "Kết quả theo đơn vị",
        "Đơn vị         Đã cấp    Tỷ lệ",
        "Thôn Đông         312    61,2%",
        "Thôn Tây        1.045    70%",
        "Cộng            1.357    68%",
        "Các thôn còn lại chưa báo cáo.",
    )
    (t,) = lay.tables
    assert t.style == "space"
    assert cells(text, t) == [
        ["Đơn vị", "Đã cấp", "Tỷ lệ"],
        ["Thôn Đông", "312", "61,2%"],
        ["Thôn Tây", "1.045", "70%"],
        ["Cộng", "1.357", "68%"],
    ]
    assert t.header_rows == 1 and t.total_row == 3


def test_double_spaces_in_prose_do_not_make_a_table() -> None:
    text = "\n".join([
        "Đơn vị đã  triển khai kế hoạch.",
        "Trong năm có  nhiều  khó khăn do thiếu kinh phí.",
        "Cán bộ  chuyên trách còn ít so với yêu cầu công việc.",
    ])
    lines, pos = [], 0
    for ln in text.split("\n"):
        lines.append((pos, pos + len(ln)))
        pos += len(ln) + 1
    assert find_tables(text, lines) == []


def test_two_space_rows_are_too_few_for_a_table() -> None:
    _, lay = layout_of("Máy chủ     4", "Máy trạm    60", "Hết.")
    assert lay.tables == ()


def test_a_change_of_separator_starts_another_table() -> None:
    _, lay = layout_of("a\tb", "1\t2", "| c | d |", "| 3 | 4 |")
    assert [t.style for t in lay.tables] == ["tab", "pipe"]


# ----------------------------------------------------------------------------- list items


def test_bullets_nest_in_the_order_their_styles_open() -> None:
    text, lay = layout_of(
        "Tình hình triển khai như sau:",
        "- Về hạ tầng:",
        "+ Lắp đặt mạng nội bộ.",
        "+ Mua sắm máy in.",
        "- Về nhân lực:",
        "+ Tập huấn cán bộ.",
        "Đánh giá chung là tốt.",
        "+ Dòng này mở một danh sách mới.",
    )
    got = [(text[i.text_start:i.end], i.style, i.depth, i.parent) for i in lay.items]
    assert got == [
        ("Về hạ tầng:", "-", 1, None),
        ("Lắp đặt mạng nội bộ.", "+", 2, 0),
        ("Mua sắm máy in.", "+", 2, 0),
        ("Về nhân lực:", "-", 1, None),
        ("Tập huấn cán bộ.", "+", 2, 3),
        ("Dòng này mở một danh sách mới.", "+", 1, None),
    ]
    assert lay.items[0].intro == 0  # the ":" line above introduces the list
    assert lay.items[-1].intro is None


def test_item_labels_and_several_marks_on_one_line() -> None:
    text, lay = layout_of("a) Thứ nhất.", "- b) Thứ hai.", "đ) Thứ ba.")
    assert [(i.marker, i.style) for i in lay.items] == [("a)", "letter"), ("- b)", "letter"), ("đ)", "letter")]
    assert [i.depth for i in lay.items] == [1, 1, 1]
    assert lay.item_at(text.index("Thứ hai")) is lay.items[1]


def test_a_list_cut_by_a_page_break_or_a_footnote_keeps_its_levels() -> None:
    text, lay = layout_of(
        "- Công tác tiếp nhận hồ sơ của xã:",
        "+ Quý I xã đã nhận 120 hồ sơ, trong đó trực tuyến",
        "85 hồ sơ và trực tiếp 35 hồ sơ.",
        "+ Quý II xã đã nhận 140 hồ sơ.",
        "² Số liệu lấy từ phần mềm một cửa.",
        "- Công tác số hóa:",
        "+ Đã số hóa 60 hồ sơ.",
    )
    got = [(text[i.text_start:i.end][:12], i.depth, i.parent) for i in lay.items]
    assert got == [("Công tác tiế", 1, None), ("Quý I xã đã ", 2, 0), ("Quý II xã đã", 2, 0),
                   ("Công tác số ", 1, None), ("Đã số hóa 60", 2, 3)]


def test_a_heading_or_a_new_paragraph_between_lists_starts_a_new_list() -> None:
    _, lay = layout_of("- Về hạ tầng:", "+ Lắp 3 máy chủ.", "2.1. Kết quả khác", "+ Cấp 20 chữ ký số.")
    assert [i.depth for i in lay.items] == [1, 2, 1]


def test_each_of_several_marks_is_a_level() -> None:
    _, lay = layout_of("Tình hình thực hiện:", "- + Đã nhận 50 hồ sơ.", "- + Đã trả 48 hồ sơ.",
                       "- Giai đoạn sau:", "+ Dự kiến nhận 70 hồ sơ.")
    assert [(i.marker, i.depth, i.parent) for i in lay.items] == [
        ("- +", 2, None), ("- +", 2, None), ("-", 1, None), ("+", 2, 2)]


# ----------------------------------------------------------------------------- sentences


def test_sentence_floor_looks_back_to_the_sentence_start_within_the_line() -> None:
    text, lay = layout_of("Xã đã nhận 40 hồ sơ.  Trong đó 12 hồ sơ trực tuyến.", "Huyện\t25")
    assert lay.sentence_floor(text.index("12")) == text.index("Trong")
    assert lay.sentence_floor(text.index("40")) == 0
    assert lay.sentence_floor(text.index("25")) == text.index("Huyện")  # a table row holds no sentence


def test_bullet_and_sentence_break_helpers_read_fragments() -> None:
    m = bullet_marks("  - + Nội dung")
    assert m is not None and m.group(1) == "- + "
    assert bullet_marks("1. Nội dung") is None and bullet_marks("**Đậm**") is None
    assert item_marks("a) Nội dung") is not None
    assert SENT_BREAK.search("xong. Tiếp") and not SENT_BREAK.search("1.250 hồ sơ")


def test_sentences_split_at_end_punctuation_and_line_ends() -> None:
    text, lay = layout_of("Đã làm xong việc đầu. Việc thứ hai còn dở! Còn việc ba?", "Dòng không có dấu")
    assert [text[s.start:s.end] for s in lay.sentences] == [
        "Đã làm xong việc đầu.", "Việc thứ hai còn dở!", "Còn việc ba?", "Dòng không có dấu",
    ]
    s = lay.sentence_at(text.index("thứ hai"))
    assert s is not None and text[s.start:s.end] == "Việc thứ hai còn dở!"


def test_an_abbreviation_does_not_end_a_sentence_and_a_cut_paragraph_continues() -> None:
    text, lay = layout_of("Đoàn đã làm việc tại TP. Vinh (năm 2023). Sau đó về xã.",
                          "Số hồ sơ đã giải quyết trong quý", "75 hồ sơ, đạt yêu cầu.", "Kết thúc.")
    assert [text[s.start:s.end] for s in lay.sentences][:2] == [
        "Đoàn đã làm việc tại TP. Vinh (năm 2023).", "Sau đó về xã."]
    starts = reading_sentence_starts(lay, text)
    assert text.index("Sau đó") in starts and text.index("Kết thúc") in starts
    assert text.index("75 hồ sơ") not in starts  # the line goes on with the sentence above it


def test_decimal_points_do_not_end_a_sentence_and_table_rows_hold_none() -> None:
    text, lay = layout_of("Tổng kinh phí 1.250 triệu đồng đã giải ngân.", "Xã\tSố", "A\t3")
    assert [text[s.start:s.end] for s in lay.sentences] == ["Tổng kinh phí 1.250 triệu đồng đã giải ngân."]


# ----------------------------------------------------------------------------- asides


PAGES = (
    "Ủy ban nhân dân xã Hòa Bình",
    "Năm qua xã tiếp nhận 210 hồ sơ trực tuyến.",
    "1",
    "Ủy ban nhân dân xã Hòa Bình",
    "Số thuê bao internet tăng thêm 35 hộ.",
    "2",
    "Ủy ban nhân dân xã Hòa Bình",
    "Đã lắp 4 camera giám sát.",
    "3",
)


def test_page_numbers_counting_up_and_a_header_repeated_beside_them_are_asides() -> None:
    text, lay = layout_of(*PAGES)
    got = [(a.kind, text[a.start:a.end]) for a in lay.asides]
    assert [g for g in got if g[0] == "page_number"] == [("page_number", n) for n in ("1", "2", "3")]
    assert [g for g in got if g[0] == "running_header"] == [("running_header", PAGES[0])] * 3
    assert lay.is_debris(text.index("\n2\n") + 1)


def test_page_numbers_and_running_headers_give_no_figures() -> None:
    text = "\n".join(PAGES)
    facts = extract_figures(NormText(text=text), [], "d")
    assert sorted(f.value for f in facts) == [4, 35, 210]


def test_a_bare_number_that_does_not_count_up_is_not_a_page_number() -> None:
    _, lay = layout_of("Số điểm truy cập:", "17", "Số máy chủ:", "5", "Số camera:", "9")
    assert [a for a in lay.asides if a.kind == "page_number"] == []


def test_spans_normalization_set_aside_are_kept_as_notes() -> None:
    text = "Thân bài có 3 ý.\n¹ Chú thích nêu 12 xã."
    note = (text.index("¹"), len(text))
    lay = build_layout(NormText(text=text, asides=(note,)))
    assert [(a.kind, a.start, a.end) for a in lay.asides] == [("note", *note)]
    assert not lay.is_debris(note[0])


def test_two_page_numbers_each_beside_the_same_header_line_are_asides() -> None:
    text, lay = layout_of(
        "Báo cáo năm nay có nhiều việc mới.",
        "Xã Tân Phú - Báo cáo chuyển đổi số",
        "2",
        "Đã cấp 60 chữ ký số cho cán bộ.",
        "Xã Tân Phú - Báo cáo chuyển đổi số",
        "3",
        "Còn 7 thôn chưa có cáp quang.",
    )
    kinds = sorted(a.kind for a in lay.asides)
    assert kinds == ["page_number", "page_number", "running_header", "running_header"]
    facts = extract_figures(NormText(text=text), [], "d")
    assert sorted(f.value for f in facts) == [7, 60]


def test_two_bare_numbers_without_a_shared_neighbour_stay_figures() -> None:
    _, lay = layout_of("Số xã đạt chuẩn:", "2", "Số xã chưa đạt:", "3")
    assert lay.asides == ()
