"""Bad files end in `ingest_errors` with a clear reason, and never stop the rest of a folder."""

from __future__ import annotations

import io
import struct
import zlib
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from pipeline.cli import app

GOOD = "BÁO CÁO\nKết quả năm 2023\n\nI. KẾT QUẢ\n\nĐã tiếp nhận 1.024 hồ sơ, trong đó trực tuyến 512 hồ sơ, đạt 50%.\n"


def _pdf_bytes(encrypt: str | None = None) -> bytes:
    pytest.importorskip("reportlab")
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    c = canvas.Canvas(buf, encrypt=encrypt)
    c.drawString(72, 720, "Bao cao ket qua nam 2023: 1.024 ho so")
    c.showPage()
    c.save()
    return buf.getvalue()


def _png_claiming(width: int, height: int) -> bytes:
    """A tiny PNG whose header claims a huge canvas (a decompression bomb)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\x00" * 64)) + \
        chunk(b"IEND", b"")


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    d = tmp_path / "in"
    d.mkdir()
    (d / "good.txt").write_text(GOOD, encoding="utf-8")
    (d / "empty.txt").write_bytes(b"")
    (d / "encrypted.pdf").write_bytes(_pdf_bytes(encrypt="secret"))
    (d / "truncated.pdf").write_bytes(_pdf_bytes()[:300])
    (d / "html_saved_as.pdf").write_bytes(b"<html><body>404 Not Found</body></html>")
    (d / "bomb.png").write_bytes(_png_claiming(60000, 60000))
    (d / "not_a_zip.docx").write_bytes(b"PK\x03\x04 this is not really a zip archive")
    return d


def test_every_bad_file_is_recorded_and_the_good_one_ingested(folder: Path, tmp_path: Path) -> None:
    db = tmp_path / "bad.duckdb"
    result = CliRunner().invoke(app, ["ingest", str(folder), "--db", str(db), "--workers", "1"])
    assert result.exit_code == 1, result.output
    con = duckdb.connect(str(db), read_only=True)
    try:
        errors = {Path(p).name: (stage, msg) for p, stage, msg in
                  con.execute("SELECT path, stage, error FROM ingest_errors").fetchall()}
        stored = [Path(p).name for (p,) in con.execute("SELECT path FROM documents").fetchall()]
    finally:
        con.close()
    assert stored == ["good.txt"]
    assert set(errors) == {"empty.txt", "encrypted.pdf", "truncated.pdf", "html_saved_as.pdf", "bomb.png",
                           "not_a_zip.docx"}
    for name, (stage, msg) in errors.items():
        assert stage == "load", (name, stage, msg)
        assert len(msg) > 10 and "Traceback" not in msg, (name, msg)
    assert "password" in errors["encrypted.pdf"][1].lower() or "encrypt" in errors["encrypted.pdf"][1].lower()
    for name in errors:
        assert name in result.output  # each failure is named on the terminal too
