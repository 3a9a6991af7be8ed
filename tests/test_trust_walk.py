"""Folder walking (issue 17 item 3): regular files only, links out of the folder not followed unless
asked, special files skipped and counted, a special file named on the command line an error row."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from pipeline.ingest import ingest
from pipeline.loaders import SUPPORTED_SUFFIXES
from pipeline.loaders.walk import walk

REPORT = """BÁO CÁO
Kết quả thu gom rác thải quý II năm 2024

Trong quý, phường thu gom 1.500 tấn rác, trong đó rác đã phân loại 600 tấn, chiếm 40%.
"""


@pytest.fixture
def hostile(tmp_path: Path) -> tuple[Path, Path]:
    """A folder with one report, and every kind of entry that must not be read as one."""
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.txt").write_text("mật khẩu 1234", encoding="utf-8")
    d = tmp_path / "in"
    (d / "sub").mkdir(parents=True)
    (d / "good.txt").write_text(REPORT, encoding="utf-8")
    (d / "sub" / "inner.txt").symlink_to(d / "good.txt")  # inside the folder: followed (same file)
    (d / "leak.txt").symlink_to(outside / "secret.txt")
    (d / "outdir").symlink_to(outside)
    (d / "dangling.txt").symlink_to(tmp_path / "nowhere.txt")
    (d / "loop").symlink_to(d)
    os.mkfifo(d / "pipe.txt")
    sock = socket.socket(socket.AF_UNIX)
    sock.bind(str(d / "sock.txt"))
    sock.close()
    (d / "dev.txt").symlink_to("/dev/zero")
    return d, outside


def test_walk_keeps_regular_files_inside_the_folder_and_says_why_it_skipped_the_rest(hostile) -> None:
    d, _ = hostile
    found = walk([d], SUPPORTED_SUFFIXES)
    assert found.files == ((d / "good.txt").resolve(),)
    reasons = {Path(s.path).name: s.reason for s in found.skipped}
    assert set(reasons) == {"leak.txt", "outdir", "dangling.txt", "pipe.txt", "sock.txt", "dev.txt"}
    assert "leaves the folder" in reasons["leak.txt"] and "leaves the folder" in reasons["dev.txt"]
    assert reasons["dangling.txt"] == "dangling link"
    assert reasons["pipe.txt"] == "a FIFO" and reasons["sock.txt"] == "a socket"


def test_follow_symlinks_reads_links_out_of_the_folder_but_never_special_files(hostile) -> None:
    d, outside = hostile
    found = walk([d], SUPPORTED_SUFFIXES, follow_symlinks=True)
    assert set(found.files) == {(d / "good.txt").resolve(), (outside / "secret.txt").resolve()}
    reasons = {Path(s.path).name: s.reason for s in found.skipped}
    assert reasons["dev.txt"] == "a character device" and "leak.txt" not in reasons


def test_ingest_of_a_hostile_folder_stores_only_the_report_and_counts_the_skipped(hostile, tmp_path: Path) -> None:
    d, _ = hostile
    db = tmp_path / "a.duckdb"
    s = ingest([d], db, workers=1)
    assert (s.documents, s.errors, len(s.skipped)) == (1, 0, 6)
    assert "6 skipped" in s.line()
    con = duckdb.connect(str(db), read_only=True)
    try:
        assert "mật khẩu" not in con.execute("SELECT string_agg(text, '') FROM documents").fetchone()[0]
    finally:
        con.close()


def test_a_fifo_or_device_named_on_the_command_line_is_an_error_row_not_a_hang(tmp_path: Path) -> None:
    fifo = tmp_path / "named.txt"
    os.mkfifo(fifo)
    db = tmp_path / "a.duckdb"
    code = ("import sys; from pipeline.ingest import ingest; "
            f"s = ingest([{str(fifo)!r}, '/dev/zero'], {str(db)!r}, workers=1); "
            "print(s.errors, sorted(f.error for f in s.failures))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True)
    assert out.stdout.startswith("2 ")
    assert "a FIFO" in out.stdout and "a character device" in out.stdout


def test_documents_of_a_format_not_read_are_skipped_with_a_word_other_files_silently(tmp_path: Path) -> None:
    (tmp_path / "bao_cao.txt").write_text("Năm 2024 tiếp nhận 12 hồ sơ.\n", "utf-8")
    (tmp_path / "bao_cao_quy_3.rtf").write_text("{\\rtf1 ...}", "utf-8")
    (tmp_path / "so_lieu.xlsx").write_bytes(b"PK\x03\x04")
    (tmp_path / "bao_cao.json").write_text("{}", "utf-8")  # gold beside a report: not a report at all
    (tmp_path / ".~lock.bao_cao.odt#").write_text("x", "utf-8")  # hidden: an editor's lock file
    found = walk([tmp_path], SUPPORTED_SUFFIXES)
    assert [p.name for p in found.files] == ["bao_cao.txt"]
    reasons = {Path(s.path).name: s.reason for s in found.skipped}
    assert set(reasons) == {"bao_cao_quy_3.rtf", "so_lieu.xlsx"}
    assert all("not a format baocao reads" in r and ".docx" in r for r in reasons.values())
