"""OCR page logic with fake engines, the image loader, preprocessing, and one real Tesseract run."""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from pipeline.errors import LoadError, OcrError
from pipeline.loaders.image import load_image
from pipeline.ocr import page as ocr_page
from pipeline.ocr import preprocess as ocr_preprocess
from pipeline.ocr import repair as ocr_repair
from pipeline.ocr import tesseract
from pipeline.ocr import types as ocr_types
from pipeline.ocr.types import OcrResult, OcrTimeout, OcrUnavailable

FONT = Path("/usr/share/fonts/truetype/liberation2/LiberationSerif-Regular.ttf")


@dataclass
class FakeEngine:
    """Returns fixed text, or raises what it is told to; records the images it saw."""

    text: str = "Tổng số 1.234 hồ sơ, đạt 98,6%.\n"
    confidence: float | None = 0.87
    raises: Exception | None = None
    name: str = "fake"
    seen: list[Image.Image] = field(default_factory=list)

    def recognize(self, image: Image.Image, *, timeout: float) -> OcrResult:
        self.seen.append(image)
        if self.raises is not None:
            raise self.raises
        return OcrResult(self.text, self.confidence, (), 0.01)


def blank(w: int = 200, h: int = 100) -> Image.Image:
    return Image.new("L", (w, h), 255)


def test_fake_engine_satisfies_the_protocol():
    assert isinstance(FakeEngine(), ocr_types.OcrEngine)
    assert isinstance(tesseract.TesseractEngine(), ocr_types.OcrEngine)


def test_timeout_becomes_page_status_not_silent_empty_text():
    page = ocr_page.ocr_image(blank(), 3, engine=FakeEngine(raises=OcrTimeout("too slow")), timeout=1)
    assert (page.number, page.status, page.text, page.source) == (3, "ocr_timeout", "", "ocr")
    assert page.ocr_confidence is None


def test_engine_failure_on_one_image_marks_the_page_failed():
    page = ocr_page.ocr_image(blank(), 1, engine=FakeEngine(raises=OcrError("crash")))
    assert page.status == "ocr_failed"


def test_missing_tesseract_is_not_a_page_status_but_an_error():
    with pytest.raises(OcrUnavailable):
        ocr_page.ocr_image(blank(), 1, engine=FakeEngine(raises=OcrUnavailable("no tesseract")))


def test_confidence_and_text_are_kept():
    page = ocr_page.ocr_image(blank(), 2, engine=FakeEngine())
    assert page.status == "ok"
    assert page.ocr_confidence == pytest.approx(0.87)
    assert "98,6%" in page.text


def test_no_text_found_is_status_empty():
    page = ocr_page.ocr_image(blank(), 1, engine=FakeEngine(text=" \n\f", confidence=None))
    assert page.status == "empty"


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("ÐẠT 98,6%", "ĐẠT 98,6%"),  # Icelandic eth is never meant in Vietnamese
        ("ðạt", "đạt"),
        ("STT | Đơn vị | Tỷ lệ", "STT Đơn vị Tỷ lệ"),  # table rule read as a bar
        ("huyện |82,94", "huyện 82,94"),  # rule glued to the start of a cell
        ("Bình| 1.020", "Bình 1.020"),
        ("[ Trịnh Tường", "Trịnh Tường"),
        ("dòng một\ndòng hai", "dòng một\ndòng hai"),  # line structure kept
        ("a[1] và b", "a[1] và b"),  # brackets inside a token are real text
    ],
)
def test_clean_ocr_text_removes_only_impossible_artefacts(raw, clean):
    assert ocr_repair.clean_ocr_text(raw) == clean


def test_parse_tsv_keeps_words_with_confidence_scaled_to_one():
    header = "level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext"
    rows = [
        "1\t1\t0\t0\t0\t0\t0\t0\t100\t100\t-1\t",
        "5\t1\t1\t1\t1\t1\t10\t10\t30\t12\t96.5\tTổng",
        "5\t1\t1\t1\t1\t2\t45\t10\t20\t12\t90\t12,5%",
        "5\t1\t1\t1\t2\t1\t10\t30\t20\t12\t80\tsố",
        "5\t1\t1\t2\t1\t1\t10\t60\t20\t12\t70\tII.",
        "5\t1\t1\t2\t1\t2\t10\t60\t20\t12\t95\t ",
    ]
    words = tesseract.parse_tsv("\n".join([header, *rows]))
    assert [w.text for w in words] == ["Tổng", "12,5%", "số", "II."]
    assert words[0].confidence == pytest.approx(0.965)
    assert [w.line for w in words] == [(1, 1, 1), (1, 1, 1), (1, 1, 2), (1, 2, 1)]
    assert tesseract._mean_confidence(words) == pytest.approx((0.965 + 0.9 + 0.8 + 0.7) / 4)


def _pdf(n_pages: int, size_pt: tuple[float, float] = (595.0, 842.0)) -> bytes:
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=size_pt, invariant=1)
    for _ in range(n_pages):
        c.drawString(72, 720, "x")
        c.showPage()
    c.save()
    return buf.getvalue()


def test_ocr_pdf_page_numbers_the_page_from_its_index_and_renders_at_dpi():
    eng = FakeEngine()
    page = ocr_page.ocr_pdf_page(_pdf(2), 1, dpi=150, engine=eng)
    assert page.number == 2 and page.source == "ocr"
    im = eng.seen[0]
    assert abs(im.width - round(595 * 150 / 72)) <= 1
    assert im.info["dpi"][0] == pytest.approx(150)


def test_oversized_pdf_page_is_rendered_below_the_pixel_cap(monkeypatch):
    monkeypatch.setattr(ocr_page, "MAX_PIXELS", 1_000_000)
    eng = FakeEngine()
    ocr_page.ocr_pdf_page(_pdf(1), 0, dpi=300, engine=eng)
    im = eng.seen[0]
    assert im.width * im.height <= 1_000_000
    assert im.info["dpi"][0] < 300


def test_page_index_out_of_range_is_an_ocr_error():
    with pytest.raises(OcrError, match="out of range"):
        ocr_page.ocr_pdf_page(_pdf(1), 5, engine=FakeEngine())


# ------------------------------------------------------------------ preprocessing


def _bars(angle: float) -> Image.Image:
    """Rows of short dark bars, like lines of words, rotated by `angle` degrees."""
    im = Image.new("L", (1200, 1600), 255)
    d = ImageDraw.Draw(im)
    for y in range(150, 1450, 60):
        for x in range(150, 1050, 90):
            d.rectangle((x, y, x + 70, y + 22), fill=0)
    return im.rotate(angle, resample=Image.BICUBIC, fillcolor=255)


@pytest.mark.parametrize("angle", [-2.5, -1.0, 1.5])
def test_estimate_skew_finds_the_rotation_that_straightens_lines(angle):
    assert ocr_preprocess.estimate_skew(_bars(angle)) == pytest.approx(-angle, abs=0.2)


def test_flatten_background_turns_a_shadow_into_white_paper():
    a = np.full((400, 400), 250, np.float32)
    a[:, :200] *= 0.6  # shadowed left half
    a[190:210, 50:150] = 20  # a stroke in the shadow
    out = np.asarray(ocr_preprocess.flatten_background(Image.fromarray(a.astype(np.uint8), "L")))
    assert out[50:150, 20:180].mean() > 235  # shadowed paper is white now
    assert out[195:205, 60:140].mean() < 80  # the stroke stays dark


def test_remove_rules_erases_table_lines_but_keeps_letter_strokes():
    im = Image.new("L", (600, 400), 255)
    d = ImageDraw.Draw(im)
    d.line((20, 100, 580, 100), fill=0, width=3)  # horizontal rule
    d.line((300, 20, 300, 380), fill=0, width=3)  # vertical rule
    d.rectangle((100, 200, 130, 240), fill=0)  # a letter-sized blob
    out = np.asarray(ocr_preprocess.remove_rules(im))
    assert out[99:102, 20:580].min() > 200
    assert out[20:380, 299:302].min() > 200
    assert out[205:235, 105:125].max() < 50


def _page_with_stamp(noise_sigma: float) -> Image.Image:
    rng = np.random.default_rng(7)
    a = np.full((800, 800), 245.0)
    for y in range(100, 700, 50):
        a[y : y + 12, 100:700] = 25.0  # lines of ink
    a[300:500, 300:500] = np.minimum(a[300:500, 300:500], 125.0)  # grey seal over the text
    a += rng.normal(0, noise_sigma, a.shape)
    return Image.fromarray(np.clip(a, 0, 255).astype(np.uint8), "L")


def test_levels_leave_a_clean_scan_untouched():
    im = _page_with_stamp(0.0)
    assert ocr_preprocess.noise_level(im) < 1
    assert ocr_preprocess.stretch_levels(im) is im


def test_levels_whiten_a_grey_seal_on_a_noisy_scan_and_keep_the_ink():
    im = _page_with_stamp(10.0)
    assert ocr_preprocess.noise_level(im) > 5
    out = np.asarray(ocr_preprocess.stretch_levels(im)).astype(float)
    assert out[330:340, 320:480].mean() > 200  # seal between ink lines: now paper
    assert out[303:309, 120:280].mean() < 40  # ink stays black


def test_unknown_preprocessing_step_is_refused():
    with pytest.raises(ValueError, match="unknown preprocessing step"):
        ocr_preprocess.preprocess(blank(), ["gray", "sharpen"])


# ------------------------------------------------------------------ image loader


def _encode(frames: list[Image.Image], fmt: str, **kw) -> bytes:
    buf = io.BytesIO()
    frames[0].save(buf, fmt, save_all=len(frames) > 1, append_images=frames[1:], **kw)
    return buf.getvalue()


def test_multipage_tiff_gives_one_ocr_page_per_frame():
    data = _encode([blank(100 + i, 80) for i in range(3)], "TIFF")
    eng = FakeEngine()
    loaded = load_image(Path("scan.tif"), data, sha256="ab" * 32, engine=eng)
    assert loaded.source_kind == "image-ocr"
    assert [p.number for p in loaded.pages] == [1, 2, 3]
    assert [im.width for im in eng.seen] == [100, 101, 102]
    assert all(p.source == "ocr" and p.ocr_confidence == pytest.approx(0.87) for p in loaded.pages)


def test_ocr_never_refuses_an_image():
    with pytest.raises(LoadError, match="--ocr never"):
        load_image(Path("a.png"), _encode([blank()], "PNG"), sha256="0" * 64, ocr="never", engine=FakeEngine())


def test_truncated_png_is_a_load_error():
    data = _encode([Image.effect_noise((300, 300), 60).convert("L")], "PNG")
    with pytest.raises(LoadError, match=r"truncated|damaged"):
        load_image(Path("a.png"), data[: len(data) // 2], sha256="0" * 64, engine=FakeEngine())


def test_decompression_bomb_guard_gives_a_clear_load_error(monkeypatch):
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 5_000)
    with pytest.raises(LoadError, match="decompression bomb"):
        load_image(Path("a.png"), _encode([blank(200, 100)], "PNG"), sha256="0" * 64, engine=FakeEngine())


def test_rgba_image_is_flattened_on_white_and_low_dpi_scan_upscaled():
    im = Image.new("RGBA", (1275, 1650), (0, 0, 0, 0))  # transparent 8.5x11 in page at 150 dpi
    eng = FakeEngine()
    load_image(Path("a.png"), _encode([im], "PNG", dpi=(150, 150)), sha256="0" * 64, engine=eng)
    seen = eng.seen[0]
    assert seen.mode == "L" and seen.getextrema() == (255, 255)
    assert seen.size == (2550, 3300) and seen.info["dpi"][0] == pytest.approx(300)


def test_implausible_dpi_tag_of_a_photo_is_ignored():
    eng = FakeEngine()
    load_image(Path("a.jpg"), _encode([blank(4000, 3000)], "JPEG", dpi=(72, 72)), sha256="0" * 64, engine=eng)
    assert eng.seen[0].size == (4000, 3000) and "dpi" not in eng.seen[0].info


# ------------------------------------------------------------------ real Tesseract

_REASON = tesseract.unavailable_reason() or (None if FONT.exists() else f"{FONT} missing (fonts-liberation2)")


@pytest.mark.skipif(_REASON is not None, reason=f"real OCR test needs tesseract + vie: {_REASON}")
def test_real_tesseract_reads_vietnamese_numbers_and_diacritics():
    im = Image.new("L", (1700, 260), 255)
    d = ImageDraw.Draw(im)
    font = ImageFont.truetype(str(FONT), 54)  # 13 pt at 300 dpi
    d.text((60, 50), "Tỷ lệ hồ sơ trực tuyến đạt 76,58%", font=font, fill=0)
    d.text((60, 140), "Tổng kinh phí 1.250.000.000 đồng", font=font, fill=0)
    im.info["dpi"] = (300, 300)
    page = ocr_page.ocr_image(im, 1, timeout=60)
    assert page.status == "ok"
    assert "76,58%" in page.text and "1.250.000.000" in page.text
    assert "trực tuyến" in page.text
    assert 0.5 < (page.ocr_confidence or 0) <= 1.0


@pytest.mark.skipif(_REASON is not None, reason=f"real OCR test needs tesseract + vie: {_REASON}")
def test_real_tesseract_timeout_kills_the_process_and_marks_the_page():
    im = Image.new("L", (2480, 3508), 255)
    page = ocr_page.ocr_image(im, 4, timeout=0.001)
    assert (page.number, page.status, page.text) == (4, "ocr_timeout", "")
