"""OCR problems through the whole ingest: a page that times out is kept as a status and an error row,
never silently empty, and the rest of the document is stored (fake engine: no Tesseract needed)."""

from __future__ import annotations

import io
import threading
from pathlib import Path

import duckdb
import pytest
from PIL import Image

from pipeline.errors import OcrError
from pipeline.ingest import Failure, ingest, process_file
from pipeline.loaders import pagepool
from pipeline.ocr import page as ocr_page
from pipeline.ocr import tesseract
from pipeline.ocr import types as ocr_types


class _SecondPageTimesOut:
    """Reads page 1 as a short report; 'times out' on every later call."""

    def __init__(self) -> None:
        self.calls = 0

    def recognize(self, image: Image.Image, *, timeout: float) -> ocr_types.OcrResult:
        self.calls += 1
        if self.calls > 1:
            raise ocr_types.OcrTimeout(f"took longer than {timeout:g} s")
        text = ("BÁO CÁO\nKết quả năm 2024\nI. KẾT QUẢ\n"
                "Đã tiếp nhận 2.048 hồ sơ, trong đó trực tuyến 1.024 hồ sơ, đạt 50%.")
        return ocr_types.OcrResult(text=text, confidence=0.93)


def _two_page_tiff(path: Path) -> None:
    pages = [Image.new("L", (1240, 1754), 255) for _ in range(2)]
    buf = io.BytesIO()
    pages[0].save(buf, "TIFF", save_all=True, append_images=pages[1:], dpi=(150, 150))
    path.write_bytes(buf.getvalue())


def test_an_ocr_timeout_is_a_page_status_and_an_error_row_and_the_rest_is_stored(tmp_path: Path, monkeypatch) -> None:
    engine = _SecondPageTimesOut()
    monkeypatch.setattr(ocr_page, "default_engine", lambda: engine)
    monkeypatch.setattr(tesseract, "available", lambda: True)
    scans = tmp_path / "scans"
    scans.mkdir()
    _two_page_tiff(scans / "bao_cao.tiff")
    db = tmp_path / "o.duckdb"
    summary = ingest([scans], db, workers=1)
    assert summary.documents == 1 and summary.ocr_pages == 2 and summary.ocr_problems == 1
    con = duckdb.connect(str(db), read_only=True)
    try:
        pages = con.execute("SELECT page, source, status, ocr_confidence FROM pages ORDER BY page").fetchall()
        errors = con.execute("SELECT stage, error FROM ingest_errors").fetchall()
        facts = con.execute("SELECT value, extractor, confidence FROM facts ORDER BY char_start").fetchall()
        kind = con.execute("SELECT source_kind FROM documents").fetchone()[0]
    finally:
        con.close()
    assert kind == "image-ocr"
    assert pages[0][1:3] == ("ocr", "ok") and pages[1][1:3] == ("ocr", "ocr_timeout")
    assert errors == [("limit", "seconds_per_ocr_page: page 2: ocr_timeout (took longer than 120 s)")]
    assert [v for v, _, _ in facts] == [2048, 1024, 50]
    assert all(x.endswith("+ocr") and c < 1.0 for _, x, c in facts)  # figures read by OCR say so


# ------------------------------------------------------------------ pages of one document in parallel


_NAMES = ("", "một", "hai", "ba", "bốn", "năm")


class _PagesMeetEngine:
    """Fake OCR that reads the page number from the image height (one inch per page number) and
    holds page 1 until page 2 is done: page 1 can only be read when pages run side by side, and the
    pages finish out of order. Page 2 in turn waits until page 1 has started, so the two calls always
    overlap when the pages run side by side (page 1's preprocessing may be slower than page 2's).
    The waits have a safety limit so a sequential run fails, never hangs."""

    def __init__(self, timeout_page: int | None = None) -> None:
        self.lock = threading.Lock()
        self.active = 0
        self.max_active = 0
        self.finished: list[int] = []
        self.second_done = threading.Event()
        self.first_started = threading.Event()
        self.timeout_page = timeout_page

    def recognize(self, image: Image.Image, *, timeout: float) -> ocr_types.OcrResult:
        number = round(image.height / float(image.info.get("dpi", (300, 300))[1]))
        with self.lock:
            self.active += 1
            self.max_active = max(self.max_active, self.active)
        if number == 1:
            self.first_started.set()
        try:
            if number == 2:
                self.first_started.wait(timeout=20)
            if number == 1 and not self.second_done.wait(timeout=20):
                raise OcrError("page 2 was not read alongside page 1")
            if number == self.timeout_page:
                raise ocr_types.OcrTimeout(f"took longer than {timeout:g} s")
            # distinct wording per page, or the cross-page clean-up would take it for a running header
            text = f"Phần {_NAMES[number]}: tiếp nhận {number}.000 hồ sơ."
            return ocr_types.OcrResult(text=text, confidence=0.9)
        finally:
            with self.lock:
                self.active -= 1
                self.finished.append(number)
            if number == 2:
                self.second_done.set()


def _scanned_pdf(path: Path, n_pages: int) -> None:
    """An image-only PDF whose page k is k inches tall (100 px at 100 dpi per inch)."""
    pages = [Image.new("L", (850, 100 * k), 255) for k in range(1, n_pages + 1)]
    pages[0].save(path, "PDF", save_all=True, append_images=pages[1:], resolution=100)


def _use_engine(monkeypatch, engine) -> None:
    monkeypatch.setattr(ocr_page, "default_engine", lambda: engine)
    monkeypatch.setattr(tesseract, "available", lambda: True)


def test_pages_of_a_lone_scanned_pdf_are_read_side_by_side_and_kept_in_page_order(tmp_path: Path, monkeypatch) -> None:
    engine = _PagesMeetEngine()
    _use_engine(monkeypatch, engine)
    _scanned_pdf(tmp_path / "scan.pdf", 4)
    res = process_file(tmp_path / "scan.pdf", page_workers=2)
    assert not isinstance(res, Failure), res
    assert engine.max_active > 1 and engine.finished.index(2) < engine.finished.index(1)
    assert [p.number for p in res.loaded.pages] == [1, 2, 3, 4]
    assert [p.status for p in res.loaded.pages] == ["ok"] * 4
    assert [p.text.split(":")[0] for p in res.loaded.pages] == ["Phần một", "Phần hai", "Phần ba", "Phần bốn"]


def test_a_single_document_gets_every_worker_for_its_pages(tmp_path: Path, monkeypatch) -> None:
    engine = _PagesMeetEngine(timeout_page=3)
    _use_engine(monkeypatch, engine)
    scans = tmp_path / "scans"
    scans.mkdir()
    frames = [Image.new("L", (850, 100 * k), 255) for k in range(1, 4)]
    frames[0].save(scans / "scan.tiff", "TIFF", save_all=True, append_images=frames[1:], dpi=(100, 100))
    summary = ingest([scans], tmp_path / "p.duckdb", workers=2)
    assert engine.max_active > 1
    assert summary.documents == 1 and summary.ocr_pages == 3 and summary.ocr_problems == 1
    con = duckdb.connect(str(tmp_path / "p.duckdb"), read_only=True)
    try:
        pages = con.execute("SELECT page, status FROM pages ORDER BY page").fetchall()
        errors = con.execute("SELECT error FROM ingest_errors").fetchall()
    finally:
        con.close()
    assert pages == [(1, "ok"), (2, "ok"), (3, "ocr_timeout")]  # a timed-out page is never silent
    assert errors == [("seconds_per_ocr_page: page 3: ocr_timeout (took longer than 120 s)",)]


def test_with_no_page_budget_pages_are_read_one_after_another(tmp_path: Path, monkeypatch) -> None:
    engine = _PagesMeetEngine()
    _use_engine(monkeypatch, engine)
    monkeypatch.setattr(engine.second_done, "wait", lambda timeout=None: True)  # nothing to wait for
    _scanned_pdf(tmp_path / "scan.pdf", 3)
    res = process_file(tmp_path / "scan.pdf")
    assert not isinstance(res, Failure), res
    assert engine.max_active == 1 and engine.finished == [1, 2, 3]


def test_map_in_order_keeps_item_order_and_raises_the_first_failure_in_order() -> None:
    release_first = threading.Event()

    def work(x: int) -> int:
        if x == 0:
            release_first.wait(timeout=20)  # finishes after item 1
        if x == 1:
            release_first.set()
        if x == 3:
            raise ValueError("item 3")
        return x * 10

    assert pagepool.map_in_order(work, [0, 1, 2], workers=2) == [0, 10, 20]
    with pytest.raises(ValueError, match="item 3"):
        pagepool.map_in_order(work, [1, 2, 3, 4, 5], workers=2)
    with pagepool.page_budget(3):
        assert pagepool.PAGE_WORKERS.get() == 3
    assert pagepool.PAGE_WORKERS.get() == 1


def test_text_from_tsv_puts_lines_on_lines_and_a_blank_line_between_paragraphs() -> None:
    header = "level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext"
    rows = [
        (1, 1, 0, 0, 0, 0, -1, ""), (2, 1, 1, 0, 0, 0, -1, ""),
        (5, 1, 1, 1, 1, 1, 96.0, "Tổng"), (5, 1, 1, 1, 1, 2, 95.0, "số"),
        (5, 1, 1, 1, 2, 1, 91.0, "1.250"),
        (5, 1, 1, 2, 1, 1, 12.0, " "),  # a blank word: a paragraph of nothing is skipped
        (5, 1, 2, 1, 1, 1, 90.0, "87,5%"),
    ]  # fmt: skip
    tsv = "\n".join([header] + ["\t".join([str(r[0]), str(r[1]), str(r[2]), str(r[3]), str(r[4]), str(r[5]),
                                           "0", "0", "10", "10", str(r[6]), r[7]]) for r in rows])
    assert tesseract.text_from_tsv(tsv) == "Tổng số\n1.250\n\n87,5%\n"
    assert tesseract.text_from_tsv(header) == ""
