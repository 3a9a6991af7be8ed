"""OCR token repair, word confidences per token, and the marks they leave on figures and checks."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from pipeline.config import SCHEMA_DIR
from pipeline.errors import ConfigError
from pipeline.ingest import analyze
from pipeline.model import Loaded, Page
from pipeline.ocr.repair import load_rules, repair_tokens, token_confidences
from pipeline.ocr.types import OcrWord


@pytest.mark.parametrize(
    ("read", "meant", "rule"),
    [
        ("đã tiếp nhận 12. 408 hồ sơ trong năm", "đã tiếp nhận 12.408 hồ sơ trong năm", "split_number"),
        ("đã tiếp nhận 12 .408 hồ sơ trong năm", "đã tiếp nhận 12.408 hồ sơ trong năm", "split_number"),
        ("tỷ lệ đạt 9 7 ,5% kế hoạch", "tỷ lệ đạt 97,5% kế hoạch", "split_number"),
        ("tỷ lệ đạt 47, 3% kế hoạch", "tỷ lệ đạt 47,3% kế hoạch", "split_number"),
        ("5 Xã Tân Lập 31 29 7O4 210", "5 Xã Tân Lập 31 29 704 210", "letter_digit"),
        ("5 Xã Tân Lập 31 29 S04 210", "5 Xã Tân Lập 31 29 504 210", "letter_digit"),
        ("giải quyết 2.l06 hồ sơ đúng hạn", "giải quyết 2.106 hồ sơ đúng hạn", "letter_digit"),
        ("giải quyết 2.10O hồ sơ đúng hạn", "giải quyết 2.100 hồ sơ đúng hạn", "letter_digit"),
        ("trực tuyến 2.4163 hồ sơ, chiếm", "trực tuyến 2.416³ hồ sơ, chiếm", "glued_footnote"),
        ("trực tuyến 2.416? hồ sơ, chiếm", "trực tuyến 2.416⁰ hồ sơ, chiếm", "glued_mark"),
        ("bưu chính 318°, trả kết quả", "bưu chính 318⁰, trả kết quả", "glued_mark"),
        ("các xã tiếp nhận 6.4721! hồ sơ, đã", "các xã tiếp nhận 6.472⁰ hồ sơ, đã", "glued_mark"),
        ("hồ sơ,\n° Trong đó 12 hồ sơ", "hồ sơ,\n⁰ Trong đó 12 hồ sơ", "note_mark"),
    ],
)
def test_number_tokens_repaired_where_the_format_decides(read: str, meant: str, rule: str) -> None:
    text, _confs, repairs = repair_tokens(read)
    assert text == meant
    assert [r.rule for r in repairs] == [rule]
    assert repairs[0].original in read


@pytest.mark.parametrize(
    "text",
    [
        "Năm 2021. 150 hồ sơ được số hóa",  # a year ends the sentence: not a broken group
        "giấy phép lái xe hạng B2 được cấp",  # a code in prose
        "mã thủ tục S1 của Bộ",
        "các xã 1, 2 và 3 đã hoàn thành",  # an enumeration, not a decimal
        "4 Xã Hòa Bình 5 9,2%",  # two table cells side by side
        "II. KẾT QUẢ ĐẠT ĐƯỢC",
        "chứng nhận ISO 9001:2015",
        "đạt 1.234 hồ sơ, 89,66%",
        "tỷ lệ 71.55% và 12.500 hồ sơ",
        "qua bưu chính 215l hồ sơ",  # a footnote marker read as a letter: not a digit
        "qua bưu chính 215! hồ sơ",
        "nhiệt độ 30 °C trong phòng máy",
    ],
)
def test_well_formed_or_ambiguous_text_is_left_alone(text: str) -> None:
    assert repair_tokens(text) == (text, (), ())


def test_a_number_the_format_rejects_is_flagged_not_guessed() -> None:
    text, confs, repairs = repair_tokens("tỷ lệ đạt 76.4100. Số xã", (0.8,) * 6)
    assert text == "tỷ lệ đạt 76.4100. Số xã"
    assert [(r.original, r.rule) for r in repairs] == [("76.4100.", "malformed_number")]
    assert confs[3] < 0.5


def test_a_footnote_read_as_symbols_is_read_like_the_text_layer() -> None:
    """A footnote whose raised digits OCR read as `?` (the reference) and `°` (the body) comes out as the
    same text, asides and checks as the typed original, the unknown number written ⁰."""
    typed = (
        "Năm 2024 đã giải quyết 4.102 hồ sơ, trong đó trước hạn 3.877⁴ hồ sơ, đúng hạn 225 hồ sơ.\n"
        "⁴ Gồm 1.210 hồ sơ nộp qua Cổng Dịch vụ công quốc gia.\n"
    )
    scanned = typed.replace("3.877⁴", "3.877?").replace("⁴ Gồm", "° Gồm")
    text = analyze(Loaded(path="a.txt", sha256="c" * 64, source_kind="text", pages=(Page(1, typed),)))
    ocr = analyze(_ocr_doc(scanned))
    assert ocr.norm.text == text.norm.text.replace("⁴", "⁰")
    assert ocr.norm.asides == text.norm.asides
    assert [(c.rule, c.operands, c.status) for c in ocr.checks] == [
        (c.rule, c.operands, c.status) for c in text.checks]


def test_whitespace_and_line_structure_survive_a_repair() -> None:
    text, _c, _r = repair_tokens("a  b\n\nSố 12. 408 hồ sơ\nc")
    assert text == "a  b\n\nSố 12.408 hồ sơ\nc"


def test_repair_lowers_the_token_confidence_more_for_a_guessed_digit() -> None:
    _t, confs, repairs = repair_tokens("31 29 7O4 210 và 12. 408 hồ sơ", (0.9,) * 8)
    by_rule = {r.rule: confs[r.index] for r in repairs}
    assert by_rule["letter_digit"] < by_rule["split_number"] < 0.9


def _word(text: str, conf: float) -> OcrWord:
    return OcrWord(text, conf, 0, 0, 10, 10, (1, 1, 1))


def test_each_token_gets_the_confidence_of_its_word() -> None:
    words = [_word("Tổng", 0.96), _word("số", 0.95), _word("|", 0.3), _word("1.208", 0.42), _word("hồ", 0.9)]
    assert token_confidences("Tổng số 1.208 hồ", words) == (0.96, 0.95, 0.42, 0.9)


def _ocr_doc(text: str, confidences: tuple[float, ...] | None = None) -> Loaded:
    confs = confidences if confidences is not None else (0.95,) * len(text.split())
    text, confs, repairs = repair_tokens(text, confs)
    page = Page(1, text, source="ocr", ocr_confidence=0.93, token_confidence=confs, repairs=repairs)
    return Loaded(path="scan.pdf", sha256="a" * 64, source_kind="pdf-ocr", pages=(page,))


PAGE = (
    "I. KẾT QUẢ\n\n"
    "Năm 2024 tiếp nhận 5.120 hồ sơ, trong đó trực tuyến 3.0154 hồ sơ, trực\n"
    "tiếp 2.105 hồ sơ; tỷ lệ trực tuyến đạt 58,9%.\n\n"
    "Số hồ sơ giải quyết đúng hạn 4.9 87 hồ sơ.\n"
)


def test_a_repaired_figure_names_its_repair_and_is_found_in_the_normalized_text() -> None:
    res = analyze(_ocr_doc(PAGE))
    (mark,) = [m for m in res.norm.ocr_marks if m.rule == "glued_footnote"]
    assert res.norm.text[mark.char_start : mark.char_end] == "3.015"
    assert mark.original == "3.0154"
    fact = next(f for f in res.facts if f.value == 3015)
    assert "+ocr+glued_footnote:3.0154" in fact.extractor
    assert fact.confidence < next(f for f in res.facts if f.value == 5120).confidence


def test_a_footnote_split_off_keeps_a_mismatch_a_mismatch() -> None:
    """With the total changed to 5.210 the sum 3.015 + 2.105 is wrong; splitting the marker off 3.0154
    guessed no digit, so the check still says mismatch."""
    res = analyze(_ocr_doc(PAGE.replace("5.120", "5.210")))
    sums = [c for c in res.checks if c.rule == "sum_parts"]
    assert sums and sums[0].status == "mismatch"


def test_a_guessed_digit_or_an_unsure_word_never_makes_a_mismatch() -> None:
    guessed = analyze(_ocr_doc(PAGE.replace("5.120", "5.210").replace("2.105", "2.1O5")))
    sums = [c for c in guessed.checks if c.rule == "sum_parts"]
    assert sums and sums[0].status == "unverifiable"
    assert "2.1O5" in sums[0].message_en and "OCR" in sums[0].message_vi
    confs = [0.95] * len(PAGE.split())
    confs[PAGE.split().index("2.105")] = 0.2
    unsure = analyze(_ocr_doc(PAGE.replace("5.120", "5.210"), tuple(confs)))
    sums = [c for c in unsure.checks if c.rule == "sum_parts"]
    assert sums and sums[0].status == "unverifiable"


def test_text_documents_carry_no_ocr_marks() -> None:
    loaded = Loaded(path="a.txt", sha256="b" * 64, source_kind="text", pages=(Page(1, PAGE),))
    res = analyze(loaded)
    assert res.norm.ocr_marks == () and res.norm.ocr_pages == ()
    assert not any("ocr" in f.extractor for f in res.facts)


def test_a_bad_ocr_repair_file_names_the_file_and_key(tmp_path: Path) -> None:
    """schemas/ocr_repair.yaml goes through pipeline.config: a wrong value fails once, naming its key."""
    raw = yaml.safe_load((SCHEMA_DIR / "ocr_repair.yaml").read_text(encoding="utf-8"))
    assert load_rules().reread.lang == raw["reread"]["lang"]
    raw["reread"]["psm"] = "six"
    bad = tmp_path / "ocr_repair.yaml"
    bad.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    with pytest.raises(ConfigError, match=r"reread\.psm") as e:
        load_rules(bad)
    assert str(bad) in str(e.value)
    raw["reread"]["psm"] = 6
    raw["unknown_key"] = 1
    bad.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    with pytest.raises(ConfigError, match="unknown_key"):
        load_rules(bad)
