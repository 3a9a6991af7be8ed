"""Auditors' decisions (`baocao review`) are keyed by a check identity derived from the document's
content and the relation, so they survive deleting and re-ingesting the same files, `baocao check`,
moving a file, and a file that changed and changed back."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import duckdb
import pytest
from conftest import CORPUS
from typer.testing import CliRunner

from pipeline import store
from pipeline.check.recheck import recheck
from pipeline.cli import app
from pipeline.ingest import ingest
from pipeline.read import queries, reviews

runner = CliRunner()


def _files_with_mismatches(n: int) -> list[Path]:
    """Corpus reports (each has at least one deliberate mismatch); a few keep the tests short."""
    return sorted(p for p in CORPUS.iterdir() if p.suffix in (".txt", ".md") and p.name != "README.md")[:n]


@pytest.fixture()
def inbox(tmp_path: Path) -> Path:
    d = tmp_path / "inbox"
    d.mkdir()
    for p in _files_with_mismatches(1):
        shutil.copy(p, d / p.name)
    return d


def _ingest(paths: list[Path], db: Path) -> None:
    summary = ingest(paths, db, workers=1)
    assert summary.errors == 0, summary.failures


def _check_ids(db: Path) -> set[str]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return {r[0] for r in con.execute("SELECT check_id FROM checks").fetchall()}
    finally:
        con.close()


def _review_of(db: Path, check_id: str) -> tuple[str | None, str | None]:
    rows = {r["check_id"]: r for r in reviews.mismatch_rows(db, include_dismissed=True)}
    assert check_id in rows, "the mismatch is listed again"
    return rows[check_id]["review_decision"], rows[check_id]["review_note"]


def _delete_all_document_rows(db: Path) -> None:
    con = store.connect(db)
    try:
        for table in store.DOC_TABLES:
            con.execute(f"DELETE FROM {table}")
    finally:
        con.close()


def test_review_survives_deleting_and_reingesting_the_same_files(inbox: Path, tmp_path: Path) -> None:
    db = tmp_path / "a.duckdb"
    _ingest([inbox], db)
    target = reviews.mismatch_rows(db)[0]["check_id"]
    result = runner.invoke(app, ["review", target, "--db", str(db), "--dismiss", "--note", "bảng gộp hai kỳ",
                                 "--by", "Nguyễn Văn A"])
    assert result.exit_code == 0, result.output

    _delete_all_document_rows(db)
    assert _check_ids(db) == set()
    _ingest([inbox], db)

    assert _review_of(db, target) == ("dismissed", "bảng gộp hai kỳ")
    assert target not in {r["check_id"] for r in reviews.mismatch_rows(db)}, "dismissed stays hidden"
    listed = json.loads(runner.invoke(app, ["mismatches", "--db", str(db), "--format", "json",
                                            "--include-dismissed"]).stdout)
    assert {r["check_id"]: r["review_decision"] for r in listed}[target] == "dismissed"


def test_review_survives_a_recheck(inbox: Path, tmp_path: Path) -> None:
    db = tmp_path / "b.duckdb"
    _ingest([inbox], db)
    before = _check_ids(db)
    target = reviews.mismatch_rows(db)[0]["check_id"]
    store.record_review(db, target, "confirmed", "sai thật", "an")
    recheck(db)
    assert _check_ids(db) == before
    assert _review_of(db, target) == ("confirmed", "sai thật")


def test_check_ids_depend_on_content_not_on_path_or_ingest_order(tmp_path: Path) -> None:
    files = _files_with_mismatches(2)
    one, two = tmp_path / "one.duckdb", tmp_path / "two.duckdb"
    _ingest(files, one)
    moved = tmp_path / "moved"
    moved.mkdir()
    for i, p in enumerate(reversed(files)):  # other names, other order
        shutil.copy(p, moved / f"{i}_{p.name}")
    _ingest(sorted(moved.iterdir()), two)
    assert _check_ids(one) == _check_ids(two)
    con = duckdb.connect(str(one), read_only=True)
    n_rows = con.execute("SELECT count(*) FROM checks").fetchone()[0]
    con.close()
    assert n_rows == len(_check_ids(one)), "check ids are unique"


def test_review_returns_when_a_changed_file_is_changed_back(inbox: Path, tmp_path: Path) -> None:
    db = tmp_path / "c.duckdb"
    _ingest([inbox], db)
    target = reviews.mismatch_rows(db)[0]["check_id"]
    store.record_review(db, target, "dismissed", None, "an")
    path = Path(next(r["path"] for r in reviews.mismatch_rows(db, include_dismissed=True)
                     if r["check_id"] == target))
    original = path.read_bytes()
    path.write_bytes(original + "\nPhụ lục: không có.\n".encode())
    _ingest([inbox], db)
    assert target not in _check_ids(db), "the edited version is another document"
    path.write_bytes(original)
    _ingest([inbox], db)
    assert _review_of(db, target)[0] == "dismissed"


def test_latest_decision_wins_and_history_is_kept(inbox: Path, tmp_path: Path) -> None:
    db = tmp_path / "d.duckdb"
    _ingest([inbox], db)
    target = reviews.mismatch_rows(db)[0]["check_id"]
    store.record_review(db, target, "dismissed", "nhầm", "an")
    store.record_review(db, target, "confirmed", "xem lại: sai thật", "bình")
    assert _review_of(db, target) == ("confirmed", "xem lại: sai thật")
    history = reviews.review_history(db, target)
    assert [h["decision"] for h in history] == ["confirmed", "dismissed"]
    con = store.connect(db)
    try:
        log = queries.run_named(con, "review_log")
    finally:
        con.close()
    assert [r["is_latest"] for r in log if r["check_id"] == target] == [True, False]


def test_review_of_a_vanished_check_is_kept_as_orphaned(inbox: Path, tmp_path: Path) -> None:
    db = tmp_path / "e.duckdb"
    _ingest([inbox], db)
    target = reviews.mismatch_rows(db)[0]["check_id"]
    store.record_review(db, target, "confirmed", None, "an")
    _delete_all_document_rows(db)
    con = store.connect(db)
    try:
        log = queries.run_named(con, "review_log")
    finally:
        con.close()
    assert [(r["check_id"], r["orphaned"]) for r in log] == [(target, True)]
