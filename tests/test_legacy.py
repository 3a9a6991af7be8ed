"""Legacy Vietnamese encodings (TCVN3, VNI-Windows) back to Unicode."""

from __future__ import annotations

import unicodedata

import pytest

from pipeline.loaders.legacy import (
    ENCODINGS,
    convert_legacy,
    detect_legacy,
    encode_legacy,
    fix_legacy_runs,
    legacy_font_encoding,
    legacy_signature_count,
)

# Every Vietnamese vowel with every tone, plus đ, in lower and upper case.
_VOWELS = "aăâeêioôơuưy"
_TONES = ["", "\u0300", "\u0301", "\u0309", "\u0303", "\u0323"]
ALL_LOWER = [unicodedata.normalize("NFC", v + t) for v in _VOWELS for t in _TONES] + ["đ"]
ALL_UPPER = [c.upper() for c in ALL_LOWER]

# Sentences of our own wording covering ă â đ ê ô ơ ư and all five tones.
SENTENCES = [
    "Ủy ban nhân dân xã đã rà soát 1.250 hộ nghèo, đạt 97,5% kế hoạch năm.",
    "Người dân được hướng dẫn sử dụng dịch vụ công trực tuyến mức độ cao.",
    "Trường học ở vùng sâu thiếu phòng ốc; ngữ văn, địa lý được ưu tiên bổ sung.",
    "Khuyến khích quỹ tín dụng hỗ trợ thủy lợi, nghiêng về khuya sớm điều tiết nước.",
]


def tcvn3_expected(text: str) -> str:
    """TCVN3 has no code for toned capitals (those come from the ...H fonts): they read back small."""
    keep = set("ĂÂĐÊÔƠƯ")
    return "".join(c if c in keep or not c.isupper() or c.isascii() else c.lower() for c in text)


@pytest.mark.parametrize("encoding", ENCODINGS)
def test_every_letter_and_tone_round_trips(encoding: str) -> None:
    text = " ".join(ALL_LOWER)
    assert convert_legacy(encode_legacy(text, encoding), encoding) == text


def test_vni_round_trips_capitals_with_tones() -> None:
    text = " ".join(ALL_UPPER)
    assert convert_legacy(encode_legacy(text, "vni"), "vni") == text


def test_tcvn3_capital_font_text_reads_back_in_capitals() -> None:
    text = " ".join(ALL_UPPER)
    assert convert_legacy(encode_legacy(text, "tcvn3"), "tcvn3", upper=True) == text


@pytest.mark.parametrize("sentence", SENTENCES)
@pytest.mark.parametrize("encoding", ENCODINGS)
def test_sentences_round_trip(sentence: str, encoding: str) -> None:
    expected = tcvn3_expected(sentence) if encoding == "tcvn3" else sentence
    assert convert_legacy(encode_legacy(sentence, encoding), encoding) == expected


@pytest.mark.parametrize(
    ("raw", "encoding", "expected"),
    [
        # bytes as Word shows them in a Unicode font; written by hand from the code charts
        ("B\u00b8o c\u00b8o n\u00a8m", "tcvn3", "Báo cáo năm"),
        ("Vi\u00d6t Nam", "tcvn3", "Việt Nam"),
        ("\u00ae\u00ad\u00eec", "tcvn3", "được"),
        ("c\u00f1a x\u00b7 h\u00e9i", "tcvn3", "của xã hội"),
        ("\u00a7\u00abng", "tcvn3", "Đông"),
        ("Ba\u00f9o ca\u00f9o na\u00eam", "vni", "Báo cáo năm"),
        ("Vie\u00e4t Nam", "vni", "Việt Nam"),
        ("\u00f1\u00f6\u00f4\u00efc", "vni", "được"),
        ("Kho\u00e2ng", "vni", "Không"),
        ("\u00d1O\u00c2NG", "vni", "ĐÔNG"),
        ("t\u00f3nh", "vni", "tĩnh"),
    ],
)
def test_known_legacy_spellings_decode(raw: str, encoding: str, expected: str) -> None:
    assert convert_legacy(raw, encoding) == expected


def test_tcvn3_u_horn_survives_pdf_extraction_as_hyphen_or_space() -> None:
    # the soft hyphen that encodes "ư" comes out of pdfium as "-" and out of pdfminer as " "
    assert convert_legacy("Ch-\u00acng tr\u00d7nh", "tcvn3") == "Chương trình"
    assert convert_legacy("Ch \u00acng tr\u00d7nh", "tcvn3") == "Chương trình"
    assert convert_legacy("ng-\u00eai d\u00a9n", "tcvn3") == "người dân"


def test_tcvn3_keeps_real_hyphens_between_words() -> None:
    assert convert_legacy("KT-XH n\u00a8m 2021-2025", "tcvn3") == "KT-XH năm 2021-2025"


def test_ascii_is_unchanged_by_either_decoder() -> None:
    text = "Plain ASCII 123/BC-UBND, 45%"
    for encoding in ENCODINGS:
        assert convert_legacy(text, encoding) == text


def test_unknown_encoding_is_an_error() -> None:
    with pytest.raises(ValueError):
        convert_legacy("x", "viqr")


@pytest.mark.parametrize("encoding", ENCODINGS)
def test_detects_encoding_of_legacy_paragraph(encoding: str) -> None:
    raw = encode_legacy(" ".join(SENTENCES), encoding)
    assert detect_legacy(raw) == encoding


@pytest.mark.parametrize(
    "text",
    [
        " ".join(SENTENCES),
        "Đề án «Chuyển đổi số» © 2024 ® của Sở, giai đoạn 2021–2025.",
        "Báo cáo cáo báo",  # Latin-1 only, yet Unicode Vietnamese
        "",
    ],
)
def test_unicode_text_is_not_detected_as_legacy(text: str) -> None:
    assert detect_legacy(text) is None
    assert fix_legacy_runs(text) == text


def test_mixed_document_converts_only_the_legacy_lines() -> None:
    letterhead = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nBáo cáo"
    body = "\n".join(SENTENCES)
    mixed = letterhead + "\n" + encode_legacy(body, "tcvn3")
    assert fix_legacy_runs(mixed) == letterhead + "\n" + tcvn3_expected(body)


def test_short_legacy_line_follows_the_document_encoding() -> None:
    # "Tæng sè" reads as TCVN3 "Tổng số" and as VNI "Tỉng sè": the document decides
    doc = encode_legacy("\n".join(SENTENCES), "tcvn3") + "\nT\u00e6ng s\u00e8"
    assert fix_legacy_runs(doc).endswith("Tổng số")


def test_prefer_forces_the_encoding_known_from_the_font() -> None:
    assert fix_legacy_runs("s\u00e8 li\u00d6u", prefer="tcvn3") == "số liệu"


def test_signature_count_ignores_symbols_outside_words() -> None:
    assert legacy_signature_count("Giá trị © 2024 « trích »") == 0
    assert legacy_signature_count("n\u00a8m") == 1


@pytest.mark.parametrize(
    ("font", "expected"),
    [
        (".VnTime", ("tcvn3", False)),
        (".VnTimeH", ("tcvn3", True)),
        ("ABCDEF+.VnArialH,Bold", ("tcvn3", True)),
        ("VnTime-Bold", ("tcvn3", False)),
        (".VnCentury Schoolbook", ("tcvn3", False)),
        ("VNI-Times", ("vni", False)),
        ("BCDEFG+VNI-Helve-Condense", ("vni", False)),
        ("TimesNewRomanPSMT", (None, False)),
        ("Times New Roman", (None, False)),
        ("", (None, False)),
        (None, (None, False)),
    ],
)
def test_legacy_font_names(font: str | None, expected: tuple[str | None, bool]) -> None:
    assert legacy_font_encoding(font) == expected


def test_undecidable_line_follows_its_neighbours() -> None:
    # "Phòng" and "Phũng" (its TCVN3 reading) are both words: such ties go with the nearby lines
    unicode_block = "Kính gửi: Sở Nội vụ\n- Phòng Nội vụ;\nNgười dân được hưởng lợi từ các chương trình."
    legacy_block = encode_legacy("\n".join(SENTENCES) + "\nSố: 12", "tcvn3")
    fixed = fix_legacy_runs(unicode_block + "\n" + legacy_block).split("\n")
    assert fixed[1] == "- Phòng Nội vụ;"
    assert fixed[-1] == "Số: 12"


def test_superscript_footnote_marker_does_not_hide_legacy_text() -> None:
    line = encode_legacy("Đã ban hành kế hoạch số 15 năm 2024", "tcvn3") + "\u00b9\u2074"  # ¹⁴
    assert fix_legacy_runs(line) == "Đã ban hành kế hoạch số 15 năm 2024\u00b9\u2074"
    assert convert_legacy("t\u00b9i", "tcvn3") == "tại"  # elsewhere ¹ is the letter ạ
