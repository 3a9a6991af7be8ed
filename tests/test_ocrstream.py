"""Long-lived tesseract processes (pipeline/ocr/stream.py), with the real tesseract command."""

from __future__ import annotations

import multiprocessing
import threading
from pathlib import Path

import pytest
from PIL import Image, ImageDraw, ImageFont

from pipeline.ocr import stream as ocr_stream
from pipeline.ocr import tesseract
from pipeline.ocr.types import OcrTimeout

FONT = Path("/usr/share/fonts/truetype/liberation2/LiberationSerif-Regular.ttf")
_REASON = tesseract.unavailable_reason() or (None if FONT.exists() else f"{FONT} missing (fonts-liberation2)")
pytestmark = pytest.mark.skipif(_REASON is not None, reason=f"needs tesseract + vie: {_REASON}")

ARGS = ("-l", "vie", "--psm", "6", "--oem", "1", "--dpi", "300", "-c", "tessedit_create_tsv=1",
        "-c", "tessedit_create_txt=0")


def line_image(text: str) -> Image.Image:
    im = Image.new("L", (1500, 140), 255)
    ImageDraw.Draw(im).text((40, 40), text, font=ImageFont.truetype(str(FONT), 54), fill=0)
    im.info["dpi"] = (300, 300)
    return im


def words(tsv: str) -> list[str]:
    return [row.split("\t")[11] for row in tsv.splitlines()[1:] if row.startswith("5\t")]


def test_one_process_reads_page_after_page_as_a_process_per_page_would():
    pool = ocr_stream.StreamPool()
    try:
        first = pool.read_tsv(ARGS, line_image("Tổng số 1.234 hồ sơ"), timeout=60)
        (pid,) = pool.pids()
        second = pool.read_tsv(ARGS, line_image("đạt 98,6% kế hoạch"), timeout=60)
        assert pool.pids() == [pid]  # the same process, model loaded once
    finally:
        pool.close()
    assert words(first) == ["Tổng", "số", "1.234", "hồ", "sơ"]
    assert words(second) == ["đạt", "98,6%", "kế", "hoạch"]
    assert second.splitlines()[1].startswith("1\t1\t")  # every page comes back as page 1
    engine = tesseract.TesseractEngine(psm=6, stream=False)
    alone = engine.recognize(line_image("đạt 98,6% kế hoạch"), timeout=60)
    assert [w.text for w in alone.words] == words(second)


def test_a_page_over_its_time_limit_kills_the_process_and_the_next_page_gets_a_new_one():
    pool = ocr_stream.StreamPool()
    try:
        pool.read_tsv(ARGS, line_image("1.234"), timeout=60)
        (pid,) = pool.pids()
        with pytest.raises(OcrTimeout):
            pool.read_tsv(ARGS, Image.new("L", (2480, 3508), 255), timeout=0.001)
        assert pool.pids() == []
        assert "4.321" in words(pool.read_tsv(ARGS, line_image("Tổng số 4.321 hồ sơ"), timeout=60))
        assert pool.pids() != [pid]
    finally:
        pool.close()


def test_a_process_that_died_is_reported_with_its_error_and_replaced():
    stream = ocr_stream.TesseractStream(ARGS)
    assert stream._proc is not None
    stream._proc.kill()
    stream._proc.wait()
    with pytest.raises(ocr_stream.StreamDied, match="tesseract"):
        stream.read_tsv(line_image("1.234"), timeout=10)
    assert not stream.alive
    pool = ocr_stream.StreamPool()
    try:
        pool.read_tsv(ARGS, line_image("1.234"), timeout=60)
        (pid,) = pool.pids()
        pool._idle[ARGS][0]._proc.kill()
        pool._idle[ARGS][0]._proc.wait()
        assert "4.321" in words(pool.read_tsv(ARGS, line_image("Tổng số 4.321 hồ sơ"), timeout=60))
        assert len(pool.pids()) == 1 and pool.pids() != [pid]
    finally:
        pool.close()


def test_engine_reads_the_page_alone_when_its_stream_dies(monkeypatch):
    def dies(*args, **kwargs):
        raise ocr_stream.StreamDied("tesseract stopped: boom", stage="ocr")

    monkeypatch.setattr(ocr_stream.pool(), "read_tsv", dies)
    result = tesseract.TesseractEngine(psm=6).recognize(line_image("Tổng số 1.234"), timeout=60)
    assert "1.234" in result.text


def test_threads_reading_at_once_each_get_a_process():
    pool = ocr_stream.StreamPool()
    barrier = threading.Barrier(2)
    got: dict[int, list[str]] = {}

    def read(i: int) -> None:
        barrier.wait()
        got[i] = words(pool.read_tsv(ARGS, line_image(f"{i}.111"), timeout=60))

    try:
        threads = [threading.Thread(target=read, args=(i,)) for i in (1, 2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert got == {1: ["1.111"], 2: ["2.111"]}
        assert len(set(pool.pids())) == 2
    finally:
        pool.close()


def _child_reads(queue: multiprocessing.Queue) -> None:
    tsv = ocr_stream.pool().read_tsv(ARGS, line_image("7.777"), timeout=60)
    queue.put((words(tsv), ocr_stream.pool().pids()))


def test_a_forked_child_starts_its_own_process_and_leaves_the_parents_alone():
    parent = ocr_stream.pool()
    parent.read_tsv(ARGS, line_image("1.234"), timeout=60)
    mine = parent.pids()
    ctx = multiprocessing.get_context("fork")
    queue = ctx.Queue()
    child = ctx.Process(target=_child_reads, args=(queue,))
    child.start()
    got, child_pids = queue.get(timeout=60)
    child.join(timeout=30)
    assert got == ["7.777"]
    assert child_pids and not set(child_pids) & set(mine)
    assert words(parent.read_tsv(ARGS, line_image("3.456"), timeout=60)) == ["3.456"]
    assert parent.pids() == mine
