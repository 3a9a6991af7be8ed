"""End-to-end behaviour of `ingest`: idempotence, replacement, failures, provenance, parallelism."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from pipeline.ingest import discover, ingest
from pipeline.store import write as store_write

REPORT = """Số: 15/BC-UBND
Cao Lãnh, ngày 12 tháng 3 năm 2024

BÁO CÁO
Kết quả giải quyết thủ tục hành chính quý I năm 2024

Ủy ban nhân dân huyện Cao Lãnh báo cáo kết quả như sau:

I. KẾT QUẢ THỰC HIỆN

1. Tiếp nhận hồ sơ

Trong quý, bộ phận một cửa tiếp nhận 1.250 hồ sơ, trong đó trực tuyến 1.000 hồ sơ, đạt tỷ lệ 80%.

2. Giải quyết hồ sơ

Đã giải quyết 1.200 hồ sơ, tỷ lệ đúng hạn 98,5%.
"""


def _count(db: Path, table: str) -> int:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
    finally:
        con.close()


def _snapshot(db: Path) -> dict[str, list]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return {t: sorted(map(repr, con.execute(f"SELECT * EXCLUDE (ingested_at) FROM {t}"
                                                if t == "documents" else f"SELECT * FROM {t}").fetchall()))
                for t in ("documents", "sections", "facts", "checks")}
    finally:
        con.close()


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    d = tmp_path / "in"
    d.mkdir()
    (d / "bao_cao.txt").write_text(REPORT, encoding="utf-8")
    return d


def test_ingest_stores_document_sections_and_facts(folder: Path, tmp_path: Path) -> None:
    db = tmp_path / "a.duckdb"
    s = ingest([folder], db, workers=1)
    assert (s.documents, s.errors) == (1, 0)
    assert _count(db, "documents") == 1
    assert _count(db, "sections") >= 3
    con = duckdb.connect(str(db), read_only=True)
    values = {r[0] for r in con.execute("SELECT value FROM facts").fetchall()}
    con.close()
    assert {1250, 1000, 80, 1200, 98.5} <= values
    assert 2024 not in values and 15 not in values  # the year and the document number are not figures


def test_reingest_unchanged_file_changes_nothing(folder: Path, tmp_path: Path) -> None:
    db = tmp_path / "a.duckdb"
    ingest([folder], db, workers=1)
    before = _snapshot(db)
    s = ingest([folder], db, workers=1)
    assert (s.documents, s.unchanged) == (0, 1)
    assert _snapshot(db) == before


def test_changed_file_replaces_all_rows_of_old_version(folder: Path, tmp_path: Path) -> None:
    db = tmp_path / "a.duckdb"
    ingest([folder], db, workers=1)
    (folder / "bao_cao.txt").write_text(REPORT.replace("1.250 hồ sơ", "1.260 hồ sơ"), encoding="utf-8")
    s = ingest([folder], db, workers=1)
    assert s.documents == 1
    con = duckdb.connect(str(db), read_only=True)
    try:
        assert con.execute("SELECT count(*) FROM documents").fetchone()[0] == 1
        assert con.execute("SELECT count(DISTINCT doc_id) FROM facts").fetchone()[0] == 1
        values = {r[0] for r in con.execute("SELECT value FROM facts").fetchall()}
    finally:
        con.close()
    assert 1260 in values and 1250 not in values


def test_bad_files_are_recorded_and_the_rest_is_ingested(folder: Path, tmp_path: Path) -> None:
    (folder / "empty.txt").write_bytes(b"")
    (folder / "latin1.txt").write_bytes("Báo cáo năm 2023".encode("cp1258", errors="replace") + b"\xff\xfe\x00")
    db = tmp_path / "a.duckdb"
    s = ingest([folder], db, workers=1)
    assert s.documents == 1 and s.errors == 2
    con = duckdb.connect(str(db), read_only=True)
    try:
        errors = con.execute("SELECT path, stage, error FROM ingest_errors ORDER BY path").fetchall()
    finally:
        con.close()
    assert [Path(p).name for p, _, _ in errors] == ["empty.txt", "latin1.txt"]
    assert all(stage == "load" and msg for _, stage, msg in errors)


def test_store_failure_leaves_no_partial_document(folder: Path, tmp_path: Path, monkeypatch) -> None:
    real_insert = store_write._insert

    def failing_insert(con, table, rows):
        if table == "facts":
            raise RuntimeError("disk full")
        real_insert(con, table, rows)

    monkeypatch.setattr(store_write, "_insert", failing_insert)
    db = tmp_path / "a.duckdb"
    s = ingest([folder], db, workers=1)
    assert s.errors == 1 and s.failures[0].stage == "store"
    for table in ("documents", "sections", "facts"):
        assert _count(db, table) == 0
    assert _count(db, "ingest_errors") == 1


def test_documents_are_written_in_batches_and_a_bad_one_fails_alone(tmp_path: Path, monkeypatch) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    for i in range(5):
        (folder / f"r{i}.txt").write_text(REPORT.replace("1.250", f"1.25{i}"), encoding="utf-8")
    real_insert = store_write._insert
    inserts: list[tuple[str, int]] = []

    def failing_insert(con, table, rows):
        inserts.append((table, len({r["doc_id"] for r in rows})))
        if table == "facts" and any("1.252" in (r["quote"] or "") for r in rows):
            raise RuntimeError("a value the column refuses")
        real_insert(con, table, rows)

    monkeypatch.setattr(store_write, "_insert", failing_insert)
    db = tmp_path / "a.duckdb"
    s = ingest([folder], db, workers=1)
    assert inserts[0] == ("documents", 5)  # one INSERT for the five documents, refused, then one by one
    assert s.documents == 4 and s.errors == 1 and Path(s.failures[0].path).name == "r2.txt"
    assert _count(db, "documents") == 4 and _count(db, "ingest_errors") == 1
    con = duckdb.connect(str(db), read_only=True)
    try:
        orphans = con.execute("SELECT count(*) FROM facts WHERE doc_id NOT IN (SELECT doc_id FROM documents)")
        assert orphans.fetchone()[0] == 0
    finally:
        con.close()


def test_every_quote_is_the_text_slice_it_points_to(corpus_db: Path) -> None:
    con = duckdb.connect(str(corpus_db), read_only=True)
    try:
        for table in ("facts", "checks"):
            bad = con.execute(
                f"SELECT count(*) FROM {table} t JOIN documents d USING (doc_id) "
                "WHERE t.quote <> substr(d.text, t.char_start + 1, t.char_end - t.char_start)"
            ).fetchone()[0]
            assert bad == 0, table
        n = con.execute("SELECT count(*) FROM facts").fetchone()[0]
    finally:
        con.close()
    assert n > 50


def test_parallel_workers_store_the_same_rows(tmp_path: Path) -> None:
    corpus = Path(__file__).resolve().parent.parent / "corpus"
    one, two = tmp_path / "one.duckdb", tmp_path / "two.duckdb"
    ingest([corpus], one, workers=1)
    ingest([corpus], two, workers=2)
    assert _snapshot(one) == _snapshot(two)


def test_discover_skips_gold_json_readme_and_hidden_files(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("x", encoding="utf-8")
    (tmp_path / "a.json").write_text("{}", encoding="utf-8")
    (tmp_path / ".hidden.txt").write_text("x", encoding="utf-8")
    (tmp_path / "README.md").write_text("x", encoding="utf-8")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "b.md").write_text("x", encoding="utf-8")
    assert [p.name for p in discover([tmp_path])] == ["a.txt", "b.md"]


def test_recheck_reproduces_the_checks_of_ingest(corpus_db: Path, tmp_path: Path) -> None:
    import shutil

    from pipeline.check.recheck import recheck

    copy = tmp_path / "copy.duckdb"
    shutil.copy(corpus_db, copy)

    def checks(db: Path) -> list:
        con = duckdb.connect(str(db), read_only=True)
        try:
            sql = "SELECT check_id, rule, status, stated, expected FROM checks ORDER BY check_id"
            return con.execute(sql).fetchall()
        finally:
            con.close()

    before = checks(copy)
    recheck(copy)
    assert checks(copy) == before and before


def test_identical_copies_at_two_paths_are_two_documents(folder: Path, tmp_path: Path) -> None:
    # CONTRACT.md: a stored file is its resolved path; the same bytes at two paths are two documents.
    (folder / "copy").mkdir()
    (folder / "copy" / "same.txt").write_bytes((folder / "bao_cao.txt").read_bytes())
    db = tmp_path / "a.duckdb"
    s = ingest([folder], db, workers=1)
    assert (s.documents, s.unchanged) == (2, 0)
    assert _count(db, "documents") == 2
    assert ingest([folder], db, workers=1).unchanged == 2


def test_check_reruns_the_meaning_of_stored_figures(corpus_db: Path, tmp_path: Path) -> None:
    # As after a metrics.yaml change: stored meaning that the catalog no longer gives is recomputed.
    import shutil

    from pipeline.check.recheck import recheck

    copy = tmp_path / "copy.duckdb"
    shutil.copy(corpus_db, copy)
    cols = "fact_id, metric, metric_key, subject, period"

    def meaning() -> list:
        con = duckdb.connect(str(copy), read_only=True)
        try:
            return con.execute(f"SELECT {cols} FROM facts ORDER BY doc_id, fact_id").fetchall()
        finally:
            con.close()

    before = meaning()
    con = duckdb.connect(str(copy))
    try:
        stale = con.execute("SELECT count(*) FROM facts WHERE metric_key IS NOT NULL").fetchone()[0]
        con.execute("UPDATE facts SET metric = NULL, metric_key = NULL WHERE metric_key IS NOT NULL")
        con.execute("UPDATE documents SET issuer = 'stale'")
    finally:
        con.close()
    done = recheck(copy)
    assert meaning() == before
    assert done.figures_changed == stale > 0
    con = duckdb.connect(str(copy), read_only=True)
    try:
        assert con.execute("SELECT count(*) FROM documents WHERE issuer = 'stale'").fetchone()[0] == 0
    finally:
        con.close()
