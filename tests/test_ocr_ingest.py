"""OCR problems through the whole ingest: a page that times out is kept as a status and an error row,
never silently empty, and the rest of the document is stored (fake engine: no Tesseract needed)."""

from __future__ import annotations

import io
from pathlib import Path

import duckdb
from PIL import Image

from pipeline import ocr
from pipeline.ingest import ingest


class _SecondPageTimesOut:
    """Reads page 1 as a short report; 'times out' on every later call."""

    def __init__(self) -> None:
        self.calls = 0

    def recognize(self, image: Image.Image, *, timeout: float) -> ocr.OcrResult:
        self.calls += 1
        if self.calls > 1:
            raise ocr.OcrTimeout(f"took longer than {timeout:g} s")
        text = ("BÁO CÁO\nKết quả năm 2024\nI. KẾT QUẢ\n"
                "Đã tiếp nhận 2.048 hồ sơ, trong đó trực tuyến 1.024 hồ sơ, đạt 50%.")
        return ocr.OcrResult(text=text, confidence=0.93)


def _two_page_tiff(path: Path) -> None:
    pages = [Image.new("L", (1240, 1754), 255) for _ in range(2)]
    buf = io.BytesIO()
    pages[0].save(buf, "TIFF", save_all=True, append_images=pages[1:], dpi=(150, 150))
    path.write_bytes(buf.getvalue())


def test_an_ocr_timeout_is_a_page_status_and_an_error_row_and_the_rest_is_stored(tmp_path: Path, monkeypatch) -> None:
    engine = _SecondPageTimesOut()
    monkeypatch.setattr(ocr, "default_engine", lambda: engine)
    monkeypatch.setattr(ocr, "available", lambda: True)
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
    assert errors == [("ocr", "page 2: ocr_timeout (took longer than 120 s)")]
    assert [v for v, _, _ in facts] == [2048, 1024, 50]
    assert all(x.endswith("+ocr") and c < 1.0 for _, x, c in facts)  # figures read by OCR say so
