"""Bounded work (issue 17 items 6 and 10): past a bound of schemas/limits.yaml a document is an
`ingest_errors` row with stage `limit` naming the bound and the folder goes on; the figure grammar is
linear in its input; a figure no float can hold is refused as a number and said so; JSON is valid."""

from __future__ import annotations

import contextlib
import io
import json
import math
import signal
import zipfile
from pathlib import Path

import duckdb
import pytest
import regex
from PIL import Image

from extractors.figures import _qualifier, grammar
from extractors.numbers import find_numbers, parse_vi_number
from pipeline import limits
from pipeline.ingest import ingest
from pipeline.ocr import page as ocr_page
from pipeline.ocr import types as ocr_types
from pipeline.read.cells import json_safe

REPORT = """BÁO CÁO
Kết quả trồng rừng năm 2024

Năm 2024, toàn huyện trồng mới 300 ha rừng, trong đó rừng sản xuất 240 ha, chiếm 80%.
"""


@contextlib.contextmanager
def _guard(seconds: int):
    """A generous wall-clock guard, so a regression to super-linear work fails instead of hanging."""
    def expired(signum, frame):
        raise TimeoutError(f"still running after {seconds} s")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def _errors(db: Path) -> list[tuple[str, str, str]]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute("SELECT path, stage, error FROM ingest_errors ORDER BY path").fetchall()
    finally:
        con.close()


def test_limits_are_data_read_through_config() -> None:
    lim = limits.limits()
    assert lim.max_line_chars > 3000 and lim.max_pages > 200 and lim.seconds_per_document > 0


def test_a_document_past_a_limit_is_a_limit_row_and_the_folder_goes_on(tmp_path: Path) -> None:
    lim = limits.limits()
    d = tmp_path / "in"
    d.mkdir()
    (d / "good.txt").write_text(REPORT, encoding="utf-8")
    (d / "longline.txt").write_text("BÁO CÁO\n" + "có 12 xã, " * (lim.max_line_chars // 10 + 10), encoding="utf-8")
    docx = io.BytesIO()
    with zipfile.ZipFile(docx, "w", zipfile.ZIP_DEFLATED) as zf:  # a small zip that expands past the bound
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("word/document.xml", "<w:document>" + " " * (lim.max_docx_expanded_bytes + 1) + "</w:document>")
    (d / "bomb.docx").write_bytes(docx.getvalue())
    with (d / "huge.txt").open("wb") as fh:  # sparse: refused from its size, never read
        fh.truncate(4 * lim.max_text_chars + 1)
    db = tmp_path / "a.duckdb"
    s = ingest([d], db, workers=1)
    assert (s.documents, s.errors) == (1, 3)
    rows = {Path(p).name: (stage, err) for p, stage, err in _errors(db)}
    assert rows["longline.txt"][0] == "limit" and rows["longline.txt"][1].startswith("max_line_chars")
    assert rows["huge.txt"][0] == "limit" and rows["huge.txt"][1].startswith("max_text_chars")
    assert rows["bomb.docx"][0] == "limit" and rows["bomb.docx"][1].startswith("max_docx_expanded_bytes")


def test_the_time_limit_stops_a_runaway_stage_with_a_limit_error(monkeypatch) -> None:
    monkeypatch.setattr(limits, "limits", lambda: limits.Limits(**{
        **limits.load_model("limits.yaml", limits.Limits).model_dump(), "seconds_per_document": 0.2}))
    with pytest.raises(limits.LimitError, match="seconds_per_document"), limits.time_limit("x.txt"):
        while True:
            pass


def test_qualifier_lookup_is_linear_on_a_5_mb_line_and_a_million_short_lines() -> None:
    g = grammar()
    with _guard(120):
        _linear_cases(g)


def _linear_cases(g) -> None:
    line = "khoảng 12 hồ sơ, trên 3,5% thửa, " * (5_000_000 // 33)
    starts = [m.start() for m in regex.finditer(r"\d+", line)]
    got = [_qualifier(line, s, s + 2, g) for s in starts[:4]]
    assert got[0] is not None and got[0] == got[3] and got[1] is not None  # "khoảng 12", "trên 3,5", "khoảng 12"
    assert sum(_qualifier(line, s, s + 2, g) is not None for s in starts) >= len(starts) // 2
    lines = "12\n" * 1_000_000
    assert all(_qualifier(lines, i * 3, i * 3 + 2, g) is None for i in range(1_000_000))


def test_a_figure_too_large_for_a_float_is_refused_as_a_number_and_recorded(tmp_path: Path) -> None:
    huge = "9" * 400
    with pytest.raises(ValueError, match="does not fit"):
        parse_vi_number(huge)
    assert [t.value for t in find_numbers(f"có {huge} hồ sơ và 12 tỷ đồng")] == [12e9]
    d = tmp_path / "in"
    d.mkdir()
    (d / "huge.txt").write_text(REPORT.replace("300 ha", f"{huge} ha"), encoding="utf-8")
    db = tmp_path / "a.duckdb"
    ingest([d], db, workers=1)
    con = duckdb.connect(str(db), read_only=True)
    try:
        values = [r[0] for r in con.execute("SELECT value FROM facts").fetchall()]
        stated = [r[0] for r in con.execute("SELECT stated FROM checks").fetchall()]
    finally:
        con.close()
    assert all(v is None or math.isfinite(v) for v in values + stated)
    assert any(stage == "extract" and "does not fit a number" in err for _, stage, err in _errors(db))


def test_json_output_never_holds_bare_infinity_or_nan() -> None:
    rows = [{"stated": math.inf, "expected": math.nan, "ops": [1.0, -math.inf], "ok": 2.5}]
    text = json.dumps(json_safe(rows), allow_nan=False)
    assert json.loads(text) == [{"stated": None, "expected": None, "ops": [1.0, None], "ok": 2.5}]


def test_each_ocr_page_is_bounded_by_seconds_per_ocr_page(monkeypatch) -> None:
    """The OCR of one page gets `seconds_per_ocr_page` of limits.yaml; past it the page is stored
    without text, and ingest records it as a `limit` row naming the bound (see test_ocr_ingest)."""
    seen: list[float] = []

    class Slow:
        def recognize(self, image, *, timeout: float) -> ocr_types.OcrResult:
            seen.append(timeout)
            raise ocr_types.OcrTimeout(f"OCR did not finish within {timeout:g} s")

    bounded = limits.limits().model_copy(update={"seconds_per_ocr_page": 7.0})
    monkeypatch.setattr(ocr_page, "limits", lambda: bounded)
    page = ocr_page.ocr_image(Image.new("L", (200, 100), 255), 4, engine=Slow(), clean=False)
    assert seen == [7.0]
    assert (page.status, page.text, page.error) == ("ocr_timeout", "", "OCR did not finish within 7 s")
