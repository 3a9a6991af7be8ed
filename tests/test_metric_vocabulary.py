"""Stored facts carry only FORMAT.md's metric vocabulary; the catalog's own keys stay for the checks."""

from __future__ import annotations

from pathlib import Path

import duckdb

from pipeline import store
from pipeline.ingest import ingest

REPORT = """BÁO CÁO
Kết quả cải cách hành chính năm 2024

Trong năm, xã đã tiếp nhận mới 1.340 hồ sơ, giải quyết 1.302 hồ sơ.
Tổng số cán bộ, công chức của xã là 24 người.
"""


def _ingest(tmp_path: Path) -> Path:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "bc.txt").write_text(REPORT, encoding="utf-8")
    db = tmp_path / "v.duckdb"
    assert ingest([folder], db, workers=1).documents == 1
    return db


def test_a_refining_key_is_stored_as_its_vocabulary_metric_and_a_private_one_as_null(tmp_path: Path) -> None:
    db = _ingest(tmp_path)
    con = duckdb.connect(str(db), read_only=True)
    try:
        rows = dict(con.execute("SELECT value, (metric, metric_key) FROM facts").fetchall())
    finally:
        con.close()
    assert rows[1340] == ("dossiers_received", "dossiers_new")
    assert rows[1302] == ("dossiers_resolved", "dossiers_resolved")
    assert rows[24] == (None, "staff")


def test_rechecking_reads_back_the_catalog_key(tmp_path: Path) -> None:
    db = _ingest(tmp_path)
    con = store.connect(db)
    try:
        doc_id = con.execute("SELECT doc_id FROM documents").fetchone()[0]
        _, _, facts = store.read_document(con, doc_id)
    finally:
        con.close()
    assert {f.value: f.metric for f in facts}[24] == "staff"
