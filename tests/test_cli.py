"""The `baocao` command as a user runs it: exit codes, summary line, list formats, reviews, exports."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import duckdb
import pytest
from conftest import CORPUS
from typer.testing import CliRunner

from pipeline.cli import app

runner = CliRunner()


@pytest.fixture(scope="module")
def db(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("cli") / "c.duckdb"
    result = runner.invoke(app, ["ingest", str(CORPUS), "--db", str(path), "--workers", "1"])
    assert result.exit_code == 0, result.output
    return path


def test_ingest_prints_one_line_summary(db: Path) -> None:
    result = runner.invoke(app, ["ingest", str(CORPUS), "--db", str(db)])
    assert result.exit_code == 0
    line = result.stdout.strip().splitlines()[-1]
    for word in ("documents", "pages", "facts", "checks", "mismatches", "errors"):
        assert word in line


def test_ingest_exits_1_when_a_file_fails_and_2_on_bad_usage(tmp_path: Path) -> None:
    d = tmp_path / "in"
    d.mkdir()
    shutil.copy(next(CORPUS.glob("*.txt")), d / "good.txt")
    (d / "broken.txt").write_bytes(b"\x00\x01binary")
    result = runner.invoke(app, ["ingest", str(d), "--db", str(tmp_path / "x.duckdb")])
    assert result.exit_code == 1
    assert "broken.txt" in result.output
    assert "1 documents" in result.stdout
    assert runner.invoke(app, ["ingest", str(d)]).exit_code == 2  # --db missing
    assert runner.invoke(app, ["ingest", str(d), "--db", "x", "--ocr", "sometimes"]).exit_code == 2


def test_mismatches_json_lists_document_section_quote_stated_expected(db: Path) -> None:
    result = runner.invoke(app, ["mismatches", "--db", str(db), "--format", "json"])
    assert result.exit_code == 0
    rows = json.loads(result.stdout)
    assert rows, "the corpus has deliberate mismatches"
    for key in ("path", "section_path", "quote", "stated", "expected", "message_vi", "message_en"):
        assert key in rows[0]
    severities = [r["severity"] for r in rows]
    assert severities == sorted(severities, reverse=True)


def test_review_is_recorded_and_dismissed_are_hidden(db: Path, tmp_path: Path) -> None:
    copy = tmp_path / "r.duckdb"
    shutil.copy(db, copy)
    rows = json.loads(runner.invoke(app, ["mismatches", "--db", str(copy), "--format", "json"]).stdout)
    check_id = rows[0]["check_id"]
    result = runner.invoke(app, ["review", check_id, "--db", str(copy), "--dismiss", "--note", "ok", "--by", "an"])
    assert result.exit_code == 0, result.output
    after = json.loads(runner.invoke(app, ["mismatches", "--db", str(copy), "--format", "json"]).stdout)
    assert check_id not in {r["check_id"] for r in after}
    assert runner.invoke(app, ["review", "nope", "--db", str(copy), "--confirm"]).exit_code == 2
    assert runner.invoke(app, ["review", check_id, "--db", str(copy)]).exit_code == 2


@pytest.mark.parametrize("fmt", ["csv", "parquet", "xlsx"])
def test_export_writes_every_fact(db: Path, tmp_path: Path, fmt: str) -> None:
    out = tmp_path / f"facts.{fmt}"
    result = runner.invoke(app, ["export", "--db", str(db), "--table", "facts", "--format", fmt, "--out", str(out)])
    assert result.exit_code == 0, result.output
    con = duckdb.connect(str(db), read_only=True)
    n = con.execute("SELECT count(*) FROM facts").fetchone()[0]
    con.close()
    import pandas as pd

    df = {"csv": pd.read_csv, "parquet": pd.read_parquet, "xlsx": pd.read_excel}[fmt](out)
    assert len(df) == n
