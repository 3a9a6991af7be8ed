"""A stored file is its resolved path, versioned by its content hash (CONTRACT.md, issue 17 items 1-2):
path spelling, an edit to bytes another file has, the same bytes at two paths, renames, prune."""

from __future__ import annotations

import os
from pathlib import Path

import duckdb
import pytest

from pipeline.ingest import ingest
from pipeline.store import Stored, plan, record_review

REPORT = """Số: 27/BC-UBND
Tân Phú, ngày 4 tháng 6 năm 2024

BÁO CÁO
Tình hình tiếp nhận hồ sơ sáu tháng đầu năm 2024

Ủy ban nhân dân xã Tân Phú báo cáo như sau:

I. KẾT QUẢ

Sáu tháng, xã tiếp nhận 640 hồ sơ, trong đó hồ sơ trực tuyến 480 hồ sơ, đạt tỷ lệ 70%.
"""
OTHER = REPORT.replace("640 hồ sơ", "800 hồ sơ").replace("480 hồ sơ", "600 hồ sơ").replace("70%", "75%")


def _rows(db: Path, sql: str) -> list[tuple]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def _values(db: Path) -> list[tuple]:
    return sorted(_rows(db, "SELECT d.path, f.value FROM facts f JOIN documents d USING (doc_id)"))


def test_path_is_stored_resolved_and_an_edit_under_another_spelling_replaces_it(tmp_path: Path, monkeypatch) -> None:
    d = tmp_path / "dir"
    d.mkdir()
    (d / "x.txt").write_text(REPORT, encoding="utf-8")
    db = tmp_path / "a.duckdb"
    monkeypatch.chdir(tmp_path)
    ingest([Path("dir/x.txt")], db, workers=1)
    assert _rows(db, "SELECT path FROM documents") == [(str((d / "x.txt").resolve()),)]
    n_facts = len(_values(db))
    (d / "x.txt").write_text(OTHER, encoding="utf-8")
    s = ingest([d.resolve() / "x.txt"], db, workers=1)
    assert s.documents == 1
    assert _rows(db, "SELECT count(*) FROM documents") == [(1,)]
    values = {v for _, v in _values(db)}
    assert 800 in values and 640 not in values and len(_values(db)) == n_facts


def test_edit_to_bytes_another_stored_file_has_replaces_the_old_version(tmp_path: Path) -> None:
    d = tmp_path / "in"
    d.mkdir()
    (d / "a.txt").write_text(REPORT, encoding="utf-8")
    (d / "b.txt").write_text(OTHER, encoding="utf-8")
    db = tmp_path / "a.duckdb"
    ingest([d], db, workers=1)
    (d / "a.txt").write_text(OTHER, encoding="utf-8")  # a's new bytes are b's
    s = ingest([d], db, workers=1)
    assert (s.documents, s.unchanged) == (1, 1)
    by_path = {}
    for p, v in _values(db):
        by_path.setdefault(Path(p).name, set()).add(v)
    assert by_path["a.txt"] == by_path["b.txt"] and 640 not in by_path["a.txt"]
    assert _rows(db, "SELECT count(*), count(DISTINCT doc_id) FROM documents") == [(2, 2)]


def test_rename_keeps_the_row_and_its_reviews(tmp_path: Path) -> None:
    d = tmp_path / "in"
    d.mkdir()
    (d / "old.txt").write_text(REPORT, encoding="utf-8")
    db = tmp_path / "a.duckdb"
    ingest([d], db, workers=1)
    (doc_id,), = _rows(db, "SELECT doc_id FROM documents")
    (check_id,), = _rows(db, "SELECT check_id FROM checks LIMIT 1")
    record_review(db, check_id, "confirmed", "seen", "tester")
    os.rename(d / "old.txt", d / "new.txt")
    s = ingest([d], db, workers=1)
    assert (s.documents, s.renamed) == (0, 1)
    assert _rows(db, "SELECT doc_id, path FROM documents") == [(doc_id, str((d / "new.txt").resolve()))]
    assert _rows(db, "SELECT decision FROM latest_reviews r JOIN checks c USING (check_id)") == [("confirmed",)]


def test_gone_files_are_listed_and_removed_only_with_prune(tmp_path: Path) -> None:
    d = tmp_path / "in"
    d.mkdir()
    (d / "a.txt").write_text(REPORT, encoding="utf-8")
    (d / "b.txt").write_text(OTHER, encoding="utf-8")
    db = tmp_path / "a.duckdb"
    ingest([d], db, workers=1)
    (d / "b.txt").unlink()
    s = ingest([d], db, workers=1)
    assert s.gone == [str((d / "b.txt").resolve())] and s.pruned == 0
    assert _rows(db, "SELECT count(*) FROM documents") == [(2,)]
    s = ingest([d], db, workers=1, prune=True)
    assert s.pruned == 1 and not s.gone
    assert [Path(p).name for p, _ in _values(db)] == ["a.txt"] * len(_values(db))
    assert _rows(db, "SELECT count(*) FROM checks WHERE doc_id NOT IN (SELECT doc_id FROM documents)") == [(0,)]


def test_same_bytes_copied_to_a_new_path_while_the_old_one_stays_is_a_second_document(tmp_path: Path) -> None:
    d = tmp_path / "in"
    d.mkdir()
    (d / "a.txt").write_text(REPORT, encoding="utf-8")
    db = tmp_path / "a.duckdb"
    ingest([d], db, workers=1)
    (d / "copy.txt").write_text(REPORT, encoding="utf-8")
    s = ingest([d], db, workers=1)
    assert (s.documents, s.unchanged, s.renamed) == (1, 1, 0)
    assert _rows(db, "SELECT count(DISTINCT doc_id) FROM documents") == [(2,)]


@pytest.mark.parametrize("case", ["unchanged", "edited", "renamed", "new"])
def test_plan_decides_each_case_from_path_and_hash(case: str) -> None:
    h1, h2 = "1" * 64, "2" * 64
    stored = [Stored(h1[:16], "/r/a.txt", h1)]  # the content's own id: its hash prefix
    found, exists = {
        "unchanged": ([("/r/a.txt", h1)], True),
        "edited": ([("/r/a.txt", h2)], True),
        "renamed": ([("/r/b.txt", h1)], False),
        "new": ([("/r/b.txt", h1)], True),  # the old path still exists: a copy, not a rename
    }[case]
    p = plan(found, stored, lambda _: exists)
    assert {
        "unchanged": (p.unchanged == ("/r/a.txt",) and not p.todo),
        "edited": p.todo == (("/r/a.txt", None),),
        "renamed": p.renames == ((h1[:16], "/r/b.txt"),) and not p.todo and not p.gone,
        "new": len(p.todo) == 1 and p.todo[0][1] not in (None, h1[:16]),
    }[case]
