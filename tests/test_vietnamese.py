"""pipeline.vietnamese: each key forgets exactly what its name says."""

from __future__ import annotations

from pipeline.vietnamese import fold, fold_words, place_tones, space_key, strip_marks, tone_key


def test_place_tones_moves_the_tone_of_open_oa_oe_uy_only() -> None:
    assert place_tones("hoà khoẻ thuỷ") == "hòa khỏe thủy"
    assert place_tones("hoàn quý") == "hoàn quý"  # closed syllable; "qu" + y


def test_tone_key_ignores_placement_and_case_but_not_the_tone() -> None:
    assert tone_key("Hạ Hoà") == tone_key("HẠ  HÒA")
    assert tone_key("Hòa") != tone_key("Hoa")


def test_strip_marks_is_the_loosest_key() -> None:
    assert strip_marks("  Đắk  Lắk ") == "dak lak"


def test_fold_keeps_offsets_and_fold_words_keeps_ascii_words() -> None:
    s = "Ủy ban nhân dân (UBND) – Đồng Tháp"
    assert len(fold(s)) == len(s) and fold(s).startswith("uy ban nhan dan")
    assert fold_words(s) == "uy ban nhan dan ubnd dong thap"


def test_space_key_forgets_case_and_spacing_only() -> None:
    assert space_key(" Cấp  XÃ ") == "cấp xã"
