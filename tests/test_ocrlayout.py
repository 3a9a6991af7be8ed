"""Table regions of an OCR page rebuilt from word boxes; everything else kept as Tesseract wrote it.

Pages are built from word boxes laid out the way Tesseract reports them (300 dpi, text ~40 px high,
word spaces ~18 px), with the `txt` Tesseract would print for them: lines in reading order, a blank
line between blocks. No Tesseract run is needed.
"""

from __future__ import annotations

from pipeline.ocr.layout import lay_out, lay_out_words
from pipeline.ocr.types import OcrResult, OcrWord

CHAR_W = 20  # px per character
SPACE = 18  # px between words of a cell
HEIGHT = 40

Line = tuple[tuple[int, int, int], list[OcrWord]]


def line(ident: tuple[int, int, int], y: int, *cells: tuple[int, str]) -> Line:
    """One Tesseract line: each cell (x, "words ...") starts at x, its words one space apart."""
    words = []
    for x, text in cells:
        for token in text.split():
            words.append(OcrWord(token, 0.95, x, y, CHAR_W * len(token), HEIGHT, ident))
            x += CHAR_W * len(token) + SPACE
    return ident, words


def page(*lines: Line) -> OcrResult:
    """The OcrResult Tesseract would give: words in line order, txt with blank lines between blocks."""
    out: list[str] = []
    for k, (ident, words) in enumerate(lines):
        if k and ident[0] != lines[k - 1][0][0]:
            out.append("")
        out.append(" ".join(w.text for w in words))
    words = tuple(w for _, ws in lines for w in ws)
    return OcrResult("\n".join(out) + "\n", 0.95, words, 0.1)


LETTERHEAD = (
    line((1, 1, 1), 100, (200, "ỦY BAN NHÂN DÂN")),
    line((1, 1, 2), 160, (230, "XÃ AN LẠC")),
    line((1, 1, 3), 220, (200, "Số: 27/BC-UBND")),
    line((2, 1, 1), 100, (1200, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")),
    line((2, 1, 2), 160, (1300, "Độc lập - Tự do - Hạnh phúc")),
    line((2, 1, 3), 220, (1250, "An Lạc, ngày 4 tháng 9 năm 2023")),
)
PROSE = (
    line((3, 1, 1), 400, (300, "Năm 2023 xã tiếp nhận 412 hồ sơ, giải quyết đúng hạn 398 hồ sơ,")),
    line((3, 1, 2), 460, (200, "đạt 96,6%; số liệu từng thôn như sau:")),
)
COLUMNS = [(200, "STT"), (330, "Thôn"), (800, "Kế hoạch"), (1150, "Thực hiện"), (1500, "Tỷ lệ (%)")]
ROWS = [
    ("1", "Thôn Bắc", "120", "96", "80,0"),
    ("2", "Thôn Nam Sơn", "85", "85", "100"),
    ("3", "Thôn Đông", "64", "48", "75,0"),
    ("4", "Thôn Tây Hòa", "143", "169", "118,2"),
]
CLOSING = (line((7, 1, 1), 900, (300, "Các thôn còn chậm sẽ được hướng dẫn trong quý IV.")),)


def table_rows(y0: int = 560, pitch: int = 70) -> list[Line]:
    """The table as Tesseract often splits it: names in one block, figures in another."""
    xs = [x for x, _ in COLUMNS]
    header = line((4, 1, 1), y0, *COLUMNS)
    names = [line((4, 1, k + 2), y0 + pitch * (k + 1), (xs[0], r[0]), (xs[1], r[1])) for k, r in enumerate(ROWS)]
    figures = [
        line((5, 1, k + 1), y0 + pitch * (k + 1), *((x, v) for x, v in zip(xs[2:], r[2:], strict=True)))
        for k, r in enumerate(ROWS)
    ]
    return [header, *names, *figures]


def test_table_rows_become_tab_separated_lines_in_place() -> None:
    result = page(*LETTERHEAD, *PROSE, *table_rows(), *CLOSING)
    before, after = result.text.split("\nSTT Thôn")[0], result.text.split("118,2\n")[1]
    table = (
        "STT\tThôn\tKế hoạch\tThực hiện\tTỷ lệ (%)\n"
        "1\tThôn Bắc\t120\t96\t80,0\n"
        "2\tThôn Nam Sơn\t85\t85\t100\n"
        "3\tThôn Đông\t64\t48\t75,0\n"
        "4\tThôn Tây Hòa\t143\t169\t118,2\n"
    )
    # Tesseract's text had the names and the figures in two blocks; the rows come back whole, at the
    # place of the first of those lines, and nothing else moves
    assert lay_out(result) == before + "\n" + table + after


def test_prose_and_letterhead_lines_are_kept_verbatim_and_in_order() -> None:
    result = page(*LETTERHEAD, *PROSE, *table_rows(), *CLOSING)
    out = lay_out(result).split("\n")
    kept = [" ".join(w.text for w in words) for _, words in (*LETTERHEAD, *PROSE, *CLOSING)]
    positions = [out.index(ln) for ln in kept]
    assert positions == sorted(positions)
    assert not any("ỦY BAN" in ln and "CỘNG HÒA" in ln for ln in out)


def test_page_without_a_table_is_returned_unchanged() -> None:
    result = page(*LETTERHEAD, *PROSE, *CLOSING)
    assert lay_out(result) == result.text


def test_two_numeric_rows_are_not_enough_for_a_table() -> None:
    rows = [r for r in table_rows() if r[0][0] == 5][:2]
    result = page(*PROSE, *rows, *CLOSING)
    assert lay_out(result) == result.text


def test_rules_read_as_bars_separate_cells_and_are_dropped() -> None:
    rows = [
        line((4, 1, k + 1), 560 + 70 * k, (200, f"{k + 1} |"), (330, f"|Thôn {name}"), (700, f"| {a}"), (950, f"{b} |"))
        for k, (name, a, b) in enumerate([("Bắc", "12", "7"), ("Nam", "30", "29"), ("Đông", "8", "8")])
    ]
    result = page(*PROSE, *rows, *CLOSING)
    tabbed = [ln for ln in lay_out(result).split("\n") if "\t" in ln]
    assert tabbed == ["1\tThôn Bắc\t12\t7", "2\tThôn Nam\t30\t29", "3\tThôn Đông\t8\t8"]


def test_wrapped_cell_line_joins_its_row_and_empty_cells_keep_the_grid() -> None:
    rows = [
        line((4, 1, 1), 560, (200, "1"), (330, "Thôn Bắc"), (800, "120"), (1150, "96")),
        line((4, 1, 2), 630, (200, "2"), (330, "Thôn Nam Sơn và"), (800, "85"), (1150, "85")),
        line((4, 1, 3), 675, (330, "khu tái định cư")),  # second line of the cell above, closer than a row
        line((4, 1, 4), 740, (200, "3"), (330, "Thôn Đông"), (1150, "48")),
        line((4, 1, 5), 810, (330, "Cộng"), (800, "205"), (1150, "229")),
    ]
    result = page(*PROSE, *rows, *CLOSING)
    tabbed = [ln for ln in lay_out(result).split("\n") if "\t" in ln]
    assert tabbed == [
        "1\tThôn Bắc\t120\t96",
        "2\tThôn Nam Sơn và khu tái định cư\t85\t85",
        "3\tThôn Đông\t\t48",
        "\tCộng\t205\t229",
    ]


def test_cell_crowding_the_next_column_is_cut_at_the_column_boundary() -> None:
    name = "Thôn Nam Sơn Thượng Hạ"  # 432 px from x=330: ends 28 px before the next column's figure
    rows = [
        line((4, 1, 1), 560, (200, "1"), (330, "Thôn Bắc"), (790, "120"), (1150, "96")),
        line((4, 1, 2), 630, (200, "2"), (330, f"{name} 85"), (1150, "85")),
        line((4, 1, 3), 700, (200, "3"), (330, "Thôn Đông"), (790, "64"), (1150, "48")),
    ]
    assert rows[1][1][6].left - (rows[1][1][5].left + rows[1][1][5].width) == SPACE  # as laid out
    crowded = rows[1][1][6]
    rows[1][1][6] = OcrWord(crowded.text, crowded.confidence, 790, 630, crowded.width, HEIGHT, crowded.line)
    result = page(*PROSE, *rows, *CLOSING)
    tabbed = [ln for ln in lay_out(result).split("\n") if "\t" in ln]
    assert tabbed[1] == f"2\t{name}\t85\t85"


def test_layout_words_follow_the_rebuilt_text_so_confidences_stay_with_their_tokens() -> None:
    result = page(*PROSE, *table_rows(), *CLOSING)
    laid = lay_out_words(result)
    assert laid.text == lay_out(result)
    assert laid.text.split() == [w.text for w in laid.words]
    assert {id(w) for w in laid.words} == {id(w) for w in result.words}  # the recognizer's own words


def test_text_that_does_not_match_the_word_boxes_is_left_alone() -> None:
    result = page(*PROSE, *table_rows(), *CLOSING)
    edited = OcrResult(result.text.replace("Thôn Bắc", "Thôn Bac"), result.confidence, result.words, 0.1)
    assert lay_out(edited) == edited.text


def test_stacked_blocks_come_back_top_to_bottom_and_side_by_side_blocks_keep_their_order() -> None:
    # After a table Tesseract may give every line a block of its own and order them by column: the
    # flush-left end of a bullet before the indented bullet, a heading after the text under it.
    bullet = line((10, 1, 1), 1500, (300, "- Một số thôn chưa có điện lưới nên không lắp được cụm loa"))
    bullet_end = line((8, 1, 1), 1560, (200, "có dây."))
    heading = line((9, 1, 1), 1700, (900, "III. KIẾN NGHỊ"))
    request = line((11, 1, 1), 1800, (300, "Đề nghị Sở hỗ trợ kinh phí cho 03 xã."))
    result = page(*LETTERHEAD, *PROSE, bullet_end, heading, bullet, request)
    out = [ln for ln in lay_out(result).split("\n") if ln]
    expected = [" ".join(w.text for w in words) for _, words in (*LETTERHEAD, *PROSE, bullet, bullet_end,
                                                                  heading, request)]
    # the letterhead's two blocks overlap vertically: one band, read block by block as Tesseract did
    assert out == expected
    assert [w.text for w in lay_out_words(result).words] == " ".join(expected).split()


def test_a_page_in_reading_order_keeps_tesseracts_text_byte_for_byte() -> None:
    result = page(*LETTERHEAD, *PROSE, *CLOSING)
    assert lay_out(result) == result.text


def test_a_criterion_table_of_status_marks_is_a_table_too() -> None:
    xs = [200, 330, 800, 950, 1100, 1400, 1550]
    header = line((4, 1, 1), 560, *zip(xs, ["STT", "Xã", "8.1", "8.2", "8.3", "8.4", "Tiêu chí 8"], strict=True))
    rows = [("01", "A Lù", "Đ", "Đ", "Không đạt", "Đ", "Không đạt"),
            ("02", "Bản Qua", "Đ", "Ð", "Đ", "Đ", "Đạt"),  # OCR's eth for Đ
            ("03", "Cốc Mỳ", "Đ", "Đ", "Đ", "Đ", "Đạt")]
    body = [line((4, 1, k + 2), 630 + 70 * k, *zip(xs, r, strict=True)) for k, r in enumerate(rows)]
    out = lay_out(page(*PROSE, header, *body, *CLOSING)).split("\n")
    assert "STT\tXã\t8.1\t8.2\t8.3\t8.4\tTiêu chí 8" in out
    assert "01\tA Lù\tĐ\tĐ\tKhông đạt\tĐ\tKhông đạt" in out
    assert "02\tBản Qua\tĐ\tÐ\tĐ\tĐ\tĐạt" in out
