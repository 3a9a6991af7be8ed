"""Progress that counts what takes the time: OCR pages (from worker processes too) and rendered reports."""

from __future__ import annotations

import io
import os
from pathlib import Path

import pytest
from PIL import Image

from pipeline.devtools.render import render_corpus
from pipeline.ingest import ingest
from pipeline.ocr import page as ocr_page
from pipeline.ocr import tesseract
from pipeline.ocr import types as ocr_types
from pipeline.pageprogress import PagePipe


class _Reads:
    def recognize(self, image: Image.Image, *, timeout: float) -> ocr_types.OcrResult:
        return ocr_types.OcrResult(text="Đã tiếp nhận 312 hồ sơ, giải quyết đúng hạn 300 hồ sơ.", confidence=0.95)


def _tiff(path: Path, n_pages: int) -> None:
    pages = [Image.new("L", (620, 877), 255) for _ in range(n_pages)]
    buf = io.BytesIO()
    pages[0].save(buf, "TIFF", save_all=True, append_images=pages[1:], dpi=(75, 75))
    path.write_bytes(buf.getvalue())


@pytest.mark.parametrize("workers", [1, 2])
def test_ocr_pages_are_counted_as_they_are_planned_and_read(tmp_path: Path, monkeypatch, workers: int) -> None:
    monkeypatch.setattr(ocr_page, "default_engine", lambda: _Reads())
    monkeypatch.setattr(tesseract, "available", lambda: True)
    scans = tmp_path / "scans"
    scans.mkdir()
    _tiff(scans / "a.tiff", 3)
    _tiff(scans / "b.tiff", 2)
    (scans / "c.txt").write_text("Năm 2024 tiếp nhận 40 hồ sơ.\n", "utf-8")  # no OCR: no pages counted
    events: list[tuple[int, int]] = []
    docs: list[int] = []
    summary = ingest([scans], tmp_path / "p.duckdb", workers=workers,
                     on_progress=lambda name, done, total: docs.append(done),
                     on_pages=lambda planned, done: events.append((planned, done)))
    assert summary.documents == 3 and summary.ocr_pages == 5
    assert sum(p for p, _ in events) == 5
    assert sum(d for _, d in events) == 5
    assert docs == [1, 2, 3]


def test_the_page_pipe_adds_up_records_written_by_another_process() -> None:
    told: list[tuple[int, int]] = []
    pipe = PagePipe(lambda p, d: told.append((p, d)))
    try:
        pid = os.fork()
        if pid == 0:  # the child writes through the pipe, as a pool worker does
            for _ in range(3):
                pipe.tell(0, 1)
            pipe.tell(4, 0)
            os._exit(0)
        os.waitpid(pid, 0)
        assert pipe.drain() == (4, 3)
        assert pipe.drain() == (0, 0)
        pipe.tell(1, 1)  # in the driver process itself: told at once
        assert told == [(1, 1)]
    finally:
        pipe.close()


def test_render_reports_progress_per_report(tmp_path: Path) -> None:
    src = tmp_path / "src"
    src.mkdir()
    for name in ("a", "b"):
        (src / f"{name}.txt").write_text("BÁO CÁO\nNăm 2024 tiếp nhận 40 hồ sơ.\n", "utf-8")
    seen: list[tuple[str, int, int]] = []
    render_corpus(src, tmp_path / "out", levels=[], docx=False, on_progress=lambda *a: seen.append(a))
    assert [(d, t) for _, d, t in seen] == [(0, 2), (1, 2), (2, 2)]
    assert [n for n, _, _ in seen[:2]] == ["a.txt", "b.txt"]
