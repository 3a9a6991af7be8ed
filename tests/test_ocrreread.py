"""The second, digits-only reading of doubtful figures: which tokens, what each outcome decides, and one
real Tesseract reading of cut-out figures."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image, ImageDraw, ImageFont

from pipeline.errors import OcrError
from pipeline.model import TokenRepair
from pipeline.ocr import page as ocr_page
from pipeline.ocr import reread as ocr_reread
from pipeline.ocr import tesseract
from pipeline.ocr.repair import repair_tokens, token_words
from pipeline.ocr.reread import doubtful_spans, reread_tokens
from pipeline.ocr.types import OcrResult, OcrWord

FONT = Path("/usr/share/fonts/truetype/liberation2/LiberationSerif-Regular.ttf")

TABLE = (
    "Kết quả của các xã như sau:\n"
    "STT\tĐơn vị\tSố CBCC\tSố máy tính\n"
    "1\tXã An Phú\t22\t2)\n"
    "&:\tXã Tân Lập\t18\tch ý:\n"
    "3\tXã Hòa Bình\t19\t17\n"
    "4\tXã Phú Mỹ\t21\t20\n"
    "\tTổng cộng\t80\t76"
)


def _conf(text: str, low: dict[str, float]) -> tuple[float, ...]:
    return tuple(low.get(t, 0.97) for t in text.split())


def _spans_text(text: str, spans: list[tuple[int, int]]) -> list[str]:
    tokens = text.split()
    return [" ".join(tokens[i:j]) for i, j in spans]


def test_doubtful_figures_are_low_confidence_figures_and_broken_cells_of_figure_columns() -> None:
    confs = _conf(TABLE, {"2)": 0.46, "&:": 0.0, "ch": 0.3, "ý:": 0.2, "17": 0.95, "Tân": 0.1, "Số": 0.2})
    picked = _spans_text(TABLE, doubtful_spans(TABLE, confs))
    # a cell OCR cut in two is one span; a name cell and a header word are not figures
    assert picked == ["2)", "&:", "ch ý:"]


def test_prose_figures_are_read_again_only_below_the_confidence_line() -> None:
    text = "Đã tiếp nhận 1.2S4 hồ sơ, đạt 96,5%, theo Kế hoạch 412/KH-UBND ngày 28/6/2021."
    confs = _conf(text, {"1.2S4": 0.6, "96,5%,": 0.95, "412/KH-UBND": 0.3, "28/6/2021.": 0.4, "Đã": 0.2})
    assert _spans_text(text, doubtful_spans(text, confs)) == ["1.2S4"]


def _word(text: str, left: int) -> OcrWord:
    return OcrWord(text, 0.5, left, 100, 40 * len(text), 40, (1, 1, 1))


def _reread(monkeypatch, text: str, confs: tuple[float, ...], readings: list[tuple[str, float]]):
    """reread_tokens with the strip reading replaced by `readings` (one per doubtful span, in order)."""
    seen: list[int] = []

    def fake_read_again(image, boxes, engine, *, timeout, scale):
        seen.append(len(boxes))
        return readings

    monkeypatch.setattr(ocr_reread, "read_again", fake_read_again)
    words = tuple(_word(t, 50 * k) for k, t in enumerate(text.split()))
    out = reread_tokens(Image.new("L", (10, 10), 255), text, confs, words, engine=None, timeout=5)  # type: ignore[arg-type]
    return out, seen


def test_a_cell_read_as_no_number_becomes_the_number_read_again(monkeypatch) -> None:
    confs = _conf(TABLE, {"2)": 0.46, "&:": 0.0, "ch": 0.3, "ý:": 0.2})
    (text, new_confs, repairs), seen = _reread(monkeypatch, TABLE, confs, [("22", 0.96), ("2", 0.95), ("377", 0.97)])
    assert seen == [3]  # one strip for the page
    assert "1\tXã An Phú\t22\t22\n" in text
    assert "2\tXã Tân Lập\t18\t377\n" in text  # the two tokens of the cell are one number now
    assert len(new_confs) == len(text.split())
    tokens = text.split()
    assert [(tokens[r.index], r.original, r.rule) for r in repairs] == [
        ("22", "2)", "reread"),
        ("2", "&:", "reread"),
        ("377", "ch ý:", "reread"),
    ]
    assert [new_confs[r.index] for r in repairs] == [0.96, 0.95, 0.97]
    # tokens after the merged cell keep their own confidences
    assert new_confs[tokens.index("Hòa")] == 0.97


def test_two_readings_that_differ_keep_the_surer_one_and_are_never_trusted(monkeypatch) -> None:
    text = "Tổng cộng\t271\t7.873\t2.174"
    confs = _conf(text, {"7.873": 0.80})
    (out, new_confs, repairs), _ = _reread(monkeypatch, text, confs, [("7.673", 0.95)])
    assert out == "Tổng cộng\t271\t7.673\t2.174"
    assert repairs == (TokenRepair(3, "7.873", "reread_conflict"),)
    assert new_confs[3] == 0.80  # the lower of the two
    # after the format repairs, the rule's factor puts it under the low-confidence line
    _, final, carried = repair_tokens(out, new_confs, repairs)
    assert carried == repairs and final[3] == pytest.approx(0.40)


def test_an_agreeing_second_reading_raises_confidence_and_an_unsure_one_changes_nothing(monkeypatch) -> None:
    text = "đã tiếp nhận 1.046 hồ sơ và 3S2 hồ sơ"
    confs = _conf(text, {"1.046": 0.62, "3S2": 0.5})
    (out, new_confs, repairs), _ = _reread(monkeypatch, text, confs, [("1.046", 0.96), ("382", 0.70)])
    assert out == text and repairs == ()
    assert new_confs[3] == 0.96 and new_confs[7] == 0.5


def test_punctuation_around_a_prose_figure_is_kept(monkeypatch) -> None:
    text = "Số hồ sơ trực tuyến: 1.2S4, chiếm 32%."
    confs = _conf(text, {"1.2S4,": 0.6})
    (out, _c, repairs), _ = _reread(monkeypatch, text, confs, [("1.254,", 0.93)])
    assert out == "Số hồ sơ trực tuyến: 1.254, chiếm 32%."
    assert repairs == (TokenRepair(5, "1.2S4,", "reread"),)


def test_repair_tokens_leaves_reread_tokens_alone_and_applies_their_factor() -> None:
    text = "Xã Như Cố\t20\t19\t512\t138"
    confs = (0.9, 0.9, 0.9, 0.97, 0.97, 0.96, 0.97)
    prior = (TokenRepair(5, "S12", "reread"),)
    out, final, repairs = repair_tokens(text, confs, prior)
    assert out == text and repairs == prior
    assert final[5] == pytest.approx(0.96 * 0.9)


def test_token_words_pairs_tokens_with_their_words_and_skips_what_cleanup_changed() -> None:
    words = [OcrWord(t, 0.9, 10 * k, 0, 9, 9, (1, 1, 1)) for k, t in enumerate(["Tổng", "1.2", "34", "hồ", "sơ"])]
    got = token_words("Tổng 1.234 hồ sơ", words)
    assert [w.text if w else None for w in got] == ["Tổng", None, "hồ", "sơ"]


def test_a_page_read_by_another_engine_gets_no_second_reading() -> None:
    class Engine:
        name = "fake"

        def recognize(self, image, *, timeout):
            word = OcrWord("1ý", 0.1, 10, 10, 30, 30, (1, 1, 1))
            return OcrResult("hồ sơ 1ý", 0.5, (OcrWord("hồ", 0.9, 0, 10, 8, 30, (1, 1, 1)), word), 0.0)

    page = ocr_page.ocr_image(Image.new("L", (200, 60), 255), 1, engine=Engine(), steps=())
    assert "1ý" in page.text and not any(r.rule.startswith("reread") for r in page.repairs)


def test_a_failed_second_reading_leaves_the_first_and_the_page_is_read() -> None:
    class Engine:
        name = "fake"

        def recognize(self, image, *, timeout):
            words = (OcrWord("hồ", 0.9, 0, 10, 8, 30, (1, 1, 1)), OcrWord("1.2S4", 0.4, 20, 10, 60, 30, (1, 1, 1)))
            return OcrResult("hồ 1.2S4", 0.6, words, 0.0)

    class Failing:
        name = "failing"
        calls = 0

        def recognize(self, image, *, timeout):
            Failing.calls += 1
            raise OcrError("tesseract failed (status 1): eng missing")

    page = ocr_page.ocr_image(Image.new("L", (200, 60), 255), 1, engine=Engine(), steps=(), reread_engine=Failing())
    assert Failing.calls == 1
    assert page.status == "ok" and page.text == "hồ 1.2S4"


_REASON = tesseract.unavailable_reason(ocr_reread.load_rules().lang) or (
    None if FONT.exists() else f"{FONT} missing (fonts-liberation2)"
)


@pytest.mark.skipif(_REASON is not None, reason=f"real second reading needs tesseract: {_REASON}")
def test_real_tesseract_reads_cut_out_figures_again_digits_only() -> None:
    im = Image.new("L", (1600, 520), 255)
    d = ImageDraw.Draw(im)
    font = ImageFont.truetype(str(FONT), 54)  # 13 pt at 300 dpi
    boxes = []
    for k, (x, figure) in enumerate([(60, "Xã Tân Lập"), (600, "512"), (900, "7.673"), (1250, "96,5%")]):
        d.text((x, 60 + 100 * k), figure, font=font, fill=0)
        left, top, right, bottom = d.textbbox((x, 60 + 100 * k), figure, font=font)
        boxes.append(OcrWord(figure, 0.5, left, top, right - left, bottom - top, (1, 1, k)))
    im.info["dpi"] = (300, 300)
    rules = ocr_reread.load_rules()
    readings = ocr_reread.read_again(im, boxes[1:], ocr_reread.digit_engine(rules), timeout=30, scale=rules.scale)
    assert [t for t, _ in readings] == ["512", "7.673", "96,5%"]
    assert all(c >= rules.sure for _, c in readings)
