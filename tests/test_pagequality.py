"""Deciding whether a page's text layer is usable or the page needs OCR."""

from __future__ import annotations

import pytest

from pipeline.loaders.legacy import encode_legacy
from pipeline.loaders.pagequality import needs_ocr
from pipeline.loaders.syllables import syllable_share

PARAGRAPH = (
    "Trong năm, Ủy ban nhân dân huyện đã chỉ đạo các phòng, ban chuyên môn triển khai kế hoạch "
    "chuyển đổi số; toàn huyện có 14 xã đạt chuẩn, chiếm tỷ lệ 87,5%, tăng 2 xã so với năm trước. "
    "Việc cung cấp dịch vụ công trực tuyến được người dân đánh giá cao, số hồ sơ nộp qua mạng đạt "
    "3.456 hồ sơ."
)


def test_vietnamese_prose_scores_as_syllables() -> None:
    share, words = syllable_share(PARAGRAPH)
    assert words > 40
    assert share > 0.95


def test_acronyms_are_not_counted_against_vietnamese() -> None:
    assert syllable_share("UBND HĐND QĐ báo cáo") == (1.0, 2)
    assert syllable_share("QĐ-TTg báo cáo") == (2 / 3, 3)  # mixed case "TTg" counts, as a miss


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", "empty"),
        ("   \n\n ", "empty"),
        ("(cid:12)(cid:45)(cid:77) (cid:3)(cid:90)(cid:11) " * 10, "cid_garbage"),
        ("\ue001\ue002\ue003 \ue004\ue005 " * 30 + PARAGRAPH[:40], "unmapped_glyphs"),
        ("Ký bởi: Sở", "too_short"),
        (encode_legacy(PARAGRAPH, "tcvn3").replace("\u00ad", "") * 2, "ok_after_conversion_only"),
        ("The district people's committee reported strong progress in digital services this year. " * 4,
         "not_vietnamese"),
        ("Trong nam, Uy ban nhan dan huyen da chi dao cac phong ban chuyen mon trien khai ke hoach " * 4,
         "no_diacritics"),
        (PARAGRAPH, "ok"),
    ],
)  # fmt: skip
def test_needs_ocr_reasons(text: str, reason: str) -> None:
    bad, got = needs_ocr(text)
    if reason == "ok_after_conversion_only":
        assert bad and got == "legacy_encoding"
        return
    assert got == reason
    assert bad == (reason != "ok")


def test_short_text_on_a_page_covered_by_an_image_is_a_scan() -> None:
    stamp = "Ký bởi: Ủy ban nhân dân huyện Phú Mỹ, thời gian ký: 05.03.2024 09:15:00 +07:00"
    assert needs_ocr(stamp, image_coverage=0.95) == (True, "scanned_image")
    assert needs_ocr(stamp, image_coverage=0.0) == (False, "ok")


def test_full_text_page_with_a_logo_image_keeps_its_text_layer() -> None:
    assert needs_ocr(PARAGRAPH * 3, image_coverage=0.9) == (False, "ok")


def test_numeric_table_page_is_usable() -> None:
    table = "\n".join(f"{i}\tXã {i}\t{i * 137}\t{i * 1.5:.1f}" for i in range(1, 30))
    assert needs_ocr(table) == (False, "ok")
