"""The command line a new user meets: --version, BAOCAO_DB, help with examples and no `<bool>` or other types,
exports whose format follows the file name (CSV with a BOM, XLSX with a frozen filtered header,
dismissed findings left out), eval that refuses to score nothing, and ingest --force."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import duckdb
import openpyxl
import pytest
from conftest import CORPUS, ROOT
from typer.testing import CliRunner

from pipeline.cli import app
from pipeline.read.findings import totals

runner = CliRunner()
COMMANDS = ["ingest", "check", "mismatches", "query", "review", "export", "report", "render", "eval"]


def test_version_prints_the_package_version() -> None:
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0 and result.stdout.startswith("baocao ")


@pytest.mark.parametrize("command", COMMANDS)
def test_every_help_has_an_example_fits_80_columns_and_no_type_metavar(command: str) -> None:
    result = runner.invoke(app, [command, "--help"], env={"COLUMNS": "80"})
    assert result.exit_code == 0
    assert "Example" in result.stdout
    assert "<bool>" not in result.stdout and "BOOLEAN" not in result.stdout
    assert not TYPE_METAVAR.findall(result.stdout), result.stdout
    assert all(len(line) <= 80 for line in result.stdout.splitlines())


def test_top_level_help_fits_80_columns() -> None:
    result = runner.invoke(app, ["--help"], env={"COLUMNS": "80"})
    assert result.exit_code == 0 and "Commands:" in result.stdout
    assert all(len(line) <= 80 for line in result.stdout.splitlines())


# What typer prints after an argument or option when it shows the Python type instead of the metavar.
TYPE_METAVAR = re.compile(r"<(?:bool|str|int|float|path|file|directory|datetime|uuid|list\[[^>]*\])>|\{[A-Z_.]+\}",
                          re.IGNORECASE)


@pytest.mark.parametrize(("command", "argument"), [("ingest", "PATH..."), ("review", "CHECK_ID"), ("query", "NAME"),
                                                   ("render", "PATH")])
def test_help_names_arguments_by_metavar_without_their_python_type(command: str, argument: str) -> None:
    result = runner.invoke(app, [command, "--help"], env={"COLUMNS": "80"})
    assert not TYPE_METAVAR.findall(result.stdout), result.stdout
    usage = result.stdout.splitlines()[0]
    assert usage.endswith((f" {argument}", f" [{argument}]")), usage
    described = result.stdout.split("Arguments:\n", 1)[1].splitlines()[0]
    assert described.split()[0] == argument, described


def _help(command: str) -> str:
    return " ".join(runner.invoke(app, [command, "--help"]).stdout.split())  # help wraps at any word


def test_db_help_says_created_only_for_the_writer() -> None:
    assert "created if missing" in _help("ingest")
    for command in ("mismatches", "export", "report", "check"):
        assert "created if missing" not in _help(command)


def test_db_help_of_commands_that_change_the_database_does_not_say_read() -> None:
    assert "database to update" in _help("check")
    assert "database to record the decision in" in _help("review")
    for command in ("check", "review"):
        assert "database to read" not in _help(command)
    for command in ("mismatches", "export", "report", "eval", "query"):
        assert "database to read" in _help(command)


def test_readme_first_ingest_output_is_what_ingesting_the_corpus_stores(corpus_db: Path) -> None:
    """The README's first pasted output is what a new user compares their run with: a rule that adds
    checks (or a corpus file that adds figures) must be pasted there again; the time is left out."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = readme.split("$ .venv/bin/baocao ingest corpus/ --db build/first.duckdb\n", 1)[1].split("```")[0]
    now, this_run = block.splitlines()[:2]
    assert now == totals(corpus_db).line()
    with duckdb.connect(str(corpus_db), read_only=True) as con:
        n = {table: con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
             for table in ("documents", "pages", "facts", "checks", "ingest_errors")}
        n["mismatches"] = con.execute("SELECT count(*) FROM checks WHERE status = 'mismatch'").fetchone()[0]
    stored = (f"this run: {n['documents']} documents, {n['pages']} pages, {n['facts']} facts, {n['checks']} checks, "
              f"{n['mismatches']} mismatches, {n['ingest_errors']} errors in ")
    assert re.fullmatch(re.escape(stored) + r"[\d.]+ s", this_run), (this_run, stored)


def test_baocao_db_stands_in_for_db(corpus_db: Path) -> None:
    result = runner.invoke(app, ["mismatches", "--format", "json", "--limit", "1"],
                           env={"BAOCAO_DB": str(corpus_db)})
    assert result.exit_code == 0, result.output
    assert len(json.loads(result.stdout)) == 1


@pytest.fixture()
def reviewed(corpus_db: Path, tmp_path: Path) -> tuple[Path, str]:
    db = tmp_path / "e.duckdb"
    shutil.copy(corpus_db, db)
    first = json.loads(runner.invoke(app, ["mismatches", "--db", str(db), "--format", "json"]).stdout)[0]
    assert runner.invoke(app, ["review", first["check_id"], "--db", str(db), "--dismiss"]).exit_code == 0
    return db, first["check_id"]


def test_export_csv_has_a_bom_and_leaves_dismissed_out_unless_asked(reviewed, tmp_path: Path) -> None:
    db, dismissed = reviewed
    out = tmp_path / "m.csv"
    assert runner.invoke(app, ["export", "--db", str(db), "--table", "mismatches", "--out", str(out)]).exit_code == 0
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf"), "Excel needs the BOM to read UTF-8"
    assert dismissed not in raw.decode("utf-8-sig")
    every = tmp_path / "all.csv"
    runner.invoke(app, ["export", "--db", str(db), "--table", "mismatches", "--out", str(every),
                        "--include-dismissed"])
    assert dismissed in every.read_text(encoding="utf-8-sig")


def test_export_xlsx_has_a_frozen_header_and_a_filter(corpus_db: Path, tmp_path: Path) -> None:
    out = tmp_path / "m.xlsx"
    result = runner.invoke(app, ["export", "--db", str(corpus_db), "--table", "mismatches", "--out", str(out)])
    assert result.exit_code == 0, result.output
    ws = openpyxl.load_workbook(out).active
    assert ws.freeze_panes == "A2"
    assert ws.auto_filter.ref and ws.auto_filter.ref.startswith("A1:")


def test_export_format_comes_from_the_extension_or_is_refused(corpus_db: Path, tmp_path: Path) -> None:
    clash = runner.invoke(app, ["export", "--db", str(corpus_db), "--table", "facts", "--format", "csv",
                                "--out", str(tmp_path / "x.xlsx")])
    assert clash.exit_code == 2 and "extension" in clash.output
    assert not (tmp_path / "x.xlsx").exists()
    unknown = runner.invoke(app, ["export", "--db", str(corpus_db), "--table", "facts", "--out",
                                  str(tmp_path / "x.dat")])
    assert unknown.exit_code == 2
    ok = runner.invoke(app, ["export", "--db", str(corpus_db), "--table", "facts", "--out",
                             str(tmp_path / "f.parquet")])
    assert ok.exit_code == 0 and (tmp_path / "f.parquet").read_bytes()[:4] == b"PAR1"


def test_export_a_named_query_with_typed_parameters(corpus_db: Path, tmp_path: Path) -> None:
    out = tmp_path / "q.csv"
    result = runner.invoke(app, ["export", "--db", str(corpus_db), "--query", "mismatches", "-p", "limit=2",
                                 "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert len(out.read_text(encoding="utf-8-sig").strip().splitlines()) >= 3  # header and two findings
    bad = runner.invoke(app, ["export", "--db", str(corpus_db), "--query", "mismatches", "-p", "limit=many",
                              "--out", str(out)])
    assert bad.exit_code == 2 and "limit" in bad.output


def test_eval_refuses_to_score_when_no_gold_file_matches(corpus_db: Path, tmp_path: Path) -> None:
    gold = tmp_path / "gold"
    gold.mkdir()
    (gold / "not_a_stored_report.json").write_text(json.dumps({"doc": "nothing", "facts": []}), encoding="utf-8")
    result = runner.invoke(app, ["eval", "--db", str(corpus_db), "--gold", str(gold)])
    assert result.exit_code == 2
    assert "no gold file" in result.output and "1.00" not in result.stdout


def test_ingest_force_processes_stored_files_again(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(next(CORPUS.glob("*.txt")), folder / "a.txt")
    db = tmp_path / "f.duckdb"
    assert runner.invoke(app, ["ingest", str(folder), "--db", str(db)]).exit_code == 0
    again = runner.invoke(app, ["ingest", str(folder), "--db", str(db)])
    assert "1 unchanged" in again.stdout and "this run: 0 documents" in again.stdout
    forced = runner.invoke(app, ["ingest", str(folder), "--db", str(db), "--force"])
    assert forced.exit_code == 0 and "this run: 1 documents" in forced.stdout
    assert "database now: 1 reports in 1 files" in forced.stdout


def test_check_says_what_changed(corpus_db: Path, tmp_path: Path) -> None:
    db = tmp_path / "c.duckdb"
    shutil.copy(corpus_db, db)
    con = duckdb.connect(str(db))
    doc_id = con.execute("SELECT doc_id FROM documents LIMIT 1").fetchone()[0]
    con.execute("INSERT INTO checks (doc_id, check_id, rule, status, stated, expected, severity) "
                "VALUES (?, 'stale-finding', 'sum_parts', 'mismatch', 10, 11, 0.5)", [doc_id])
    con.close()
    result = runner.invoke(app, ["check", "--db", str(db)])
    assert result.exit_code == 0, result.output
    assert "0 new, 1 resolved" in result.stdout and "still open" in result.stdout


def test_render_refuses_a_file_that_is_not_a_text_report(tmp_path: Path) -> None:
    pdf = tmp_path / "x.pdf"
    pdf.write_bytes(b"%PDF-1.4 not really")
    result = runner.invoke(app, ["render", str(pdf), "--out", str(tmp_path / "out")])
    assert result.exit_code == 2 and ".txt or .md" in result.output


def test_an_ocr_mode_that_changes_a_stored_reading_processes_the_file_again(tmp_path: Path) -> None:
    from pipeline import store
    from pipeline.ingest import Summary, plan_files

    folder = tmp_path / "in"
    folder.mkdir()
    a, b = folder / "a.txt", folder / "b.txt"
    shutil.copy(next(CORPUS.glob("*.txt")), a)
    shutil.copy(sorted(CORPUS.glob("*.txt"))[1], b)
    db = tmp_path / "o.duckdb"
    assert runner.invoke(app, ["ingest", str(folder), "--db", str(db)]).exit_code == 0
    con = store.connect(db)
    try:
        # as if a.txt had been a PDF read from its text layer and b.txt one OCR'd
        con.execute("UPDATE documents SET source_kind = 'pdf' WHERE path = ?", [str(a.resolve())])
        con.execute("UPDATE documents SET source_kind = 'pdf-ocr' WHERE path = ?", [str(b.resolve())])
        files = [a.resolve(), b.resolve()]
        planned = {}
        for mode in ("auto", "always", "never"):
            summary = Summary()
            planned[mode] = ([p.name for p, _ in plan_files(con, files, summary, prune=False, ocr=mode)],
                             summary.unchanged)
    finally:
        con.close()
    assert planned == {"auto": ([], 2), "always": (["a.txt"], 1), "never": (["b.txt"], 1)}


def test_ingest_creates_the_database_and_its_folder(tmp_path: Path) -> None:
    db = tmp_path / "build" / "sub" / "first.duckdb"
    result = runner.invoke(app, ["ingest", str(next(CORPUS.glob("*.txt"))), "--db", str(db)])
    assert result.exit_code == 0, result.output
    assert db.exists() and "this run: 1 documents" in result.stdout


def test_a_limited_list_says_how_many_the_filters_select_in_all(corpus_db: Path) -> None:
    whole = json.loads(runner.invoke(app, ["mismatches", "--db", str(corpus_db), "--format", "json"]).stdout)
    assert len(whole) > 1
    limited = runner.invoke(app, ["mismatches", "--db", str(corpus_db), "--limit", "1"], env={"COLUMNS": "80"})
    assert limited.exit_code == 0 and f"1 of {len(whole)} mismatches" in limited.stdout
