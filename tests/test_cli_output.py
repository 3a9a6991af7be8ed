"""What a person sees in a terminal: findings as compact blocks, tables that fit 80 columns, filters,
machine formats, and query parameters typed as their header declares."""

from __future__ import annotations

import csv
import io
import json
import re
import unicodedata
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pipeline.cli import app
from pipeline.cli.findings import marked_quote
from pipeline.cli.show import fit_columns, markdown
from pipeline.read import queries

runner = CliRunner()
NARROW = {"COLUMNS": "80", "LINES": "40"}
CHECK_ID = re.compile(r"\b[0-9a-f]{16}\b")


def run(*args: str):
    return runner.invoke(app, list(args), env=NARROW)


def test_mismatches_at_80_columns_is_a_short_block_per_finding_with_check_id_and_page(corpus_db: Path) -> None:
    n = len(json.loads(run("mismatches", "--db", str(corpus_db), "--format", "json").stdout))
    result = run("mismatches", "--db", str(corpus_db))
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert all(len(line) <= 80 for line in lines)
    assert len(lines) <= 8 * n + 3, "a finding takes at most 7 lines and a blank one"
    assert len(set(CHECK_ID.findall(result.stdout))) == n, "every finding carries its check_id"
    assert result.stdout.count("p. ") >= n, "and its page"


def test_mismatches_show_the_section_heading_text_not_only_its_label(corpus_db: Path) -> None:
    rows = json.loads(run("mismatches", "--db", str(corpus_db), "--format", "json").stdout)
    trails = [r["section_trail"] for r in rows if r["section_trail"]]
    assert trails, "the corpus has headed sections"
    assert all(re.search(r"[^\W\d_]{3}", t) for t in trails), "a trail carries words, not bare labels"
    labels = [r["section_path"] for r in rows if r["section_path"] and " > " in r["section_path"]]
    assert labels and all(r["section_trail"].count(" > ") == r["section_path"].count(" > ")
                          for r in rows if r["section_path"] in labels)


def test_mismatches_filters_narrow_the_list(corpus_db: Path) -> None:
    def ids(*args: str) -> list[dict]:
        return json.loads(run("mismatches", "--db", str(corpus_db), "--format", "json", *args).stdout)

    every = ids()
    assert len(ids("--limit", "3")) == 3
    rule = every[0]["rule"]
    assert {r["rule"] for r in ids("--rule", rule)} == {rule}
    province = next(r["province"] for r in every if r["province"])
    plain = "".join(ch for ch in unicodedata.normalize("NFD", province.replace("Đ", "D").replace("đ", "d"))
                    if not unicodedata.combining(ch)).lower()
    assert plain.isascii()
    by_province = ids("--province", plain)
    assert by_province and {r["province"] for r in by_province} == {province}
    doc = Path(every[0]["path"]).stem
    assert {Path(r["path"]).stem for r in ids("--doc", doc)} == {doc}
    assert all(r["status"] == "ok" for r in ids("--status", "ok", "--limit", "5"))
    assert len(ids("--status", "any")) > len(every)
    assert ids("--review", "confirmed") == []


def test_query_table_fits_80_columns_one_line_per_row_numbers_right_aligned(corpus_db: Path) -> None:
    rows = json.loads(run("query", "documents_overview", "--db", str(corpus_db), "--format", "json").stdout)
    result = run("query", "checks_by_rule", "--db", str(corpus_db))
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert all(len(line) <= 80 for line in lines)
    body = [line for line in lines if line.startswith("│")]
    n_rules = len(json.loads(run("query", "checks_by_rule", "--db", str(corpus_db), "--format", "json").stdout))
    assert len(body) == n_rules, "one line per row, nothing folded"
    cells = body[0].split("│")
    assert cells[2].endswith(" ") is False or cells[2].strip().isdigit(), cells
    assert re.search(r"\s\d+ │", body[0]), "a count is right-aligned against the border"
    wide = run("query", "documents_overview", "--db", str(corpus_db))
    assert len([line for line in wide.stdout.splitlines() if line.startswith("│")]) == len(rows)
    assert "not shown:" in wide.stdout, "columns that do not fit are named, not folded"


def test_fit_columns_keeps_every_column_readable_and_within_the_width() -> None:
    rows = [{"name": "x" * 70, "a": 1, "b": "bbbbbbbbbbbbbbb", "c": 2.5, "d": "d" * 30}] * 3
    widths, hidden = fit_columns(rows, 40)
    assert 1 + sum(w + 3 for w in widths.values()) <= 40
    assert next(iter(widths)) == "name" and hidden == list(rows[0])[len(widths):]
    assert all(w >= min(len(c), 10) for c, w in widths.items() if c != "a")


def test_query_formats_csv_json_markdown(corpus_db: Path) -> None:
    as_json = json.loads(run("query", "checks_by_rule", "--db", str(corpus_db), "--format", "json").stdout)
    as_csv = list(csv.DictReader(io.StringIO(run("query", "checks_by_rule", "--db", str(corpus_db),
                                                 "--format", "csv").stdout)))
    assert [r["rule"] for r in as_csv] == [r["rule"] for r in as_json]
    md = run("query", "checks_by_rule", "--db", str(corpus_db), "--format", "markdown").stdout.splitlines()
    assert md[0].startswith("| rule |") and "---:" in md[1] and len(md) == len(as_json) + 2


def test_markdown_escapes_pipes_and_right_aligns_numbers() -> None:
    text = markdown([{"q": "a | b", "n": 3}])
    assert "a \\| b" in text and text.splitlines()[1] == "| --- | ---: |"


def test_query_parameter_keeps_text_as_text_and_refuses_a_bad_number(corpus_db: Path) -> None:
    result = run("query", "document_checks", "--db", str(corpus_db), "-p", "doc=2022", "--format", "json")
    assert result.exit_code == 0, result.output
    paths = {r["path"] for r in json.loads(result.stdout)}
    assert paths and all("2022" in p for p in paths), "doc=2022 matched as part of a path, not as a number"
    bad = run("query", "online_rate_fell", "--db", str(corpus_db), "-p", "min_drop=abc")
    assert bad.exit_code == 2
    assert "min_drop" in bad.output and "number" in bad.output and "Traceback" not in bad.output
    assert run("query", "online_rate_fell", "--db", str(corpus_db), "-p", "min_drop=2,5").exit_code == 0
    unknown = run("query", "online_rate_fell", "--db", str(corpus_db), "-p", "nope=1")
    assert unknown.exit_code == 2 and "min_drop" in unknown.output, "the error lists the known parameters"


def test_query_name_help_lists_its_parameters_with_type_and_default() -> None:
    result = run("query", "online_rate_fell", "--help")
    assert result.exit_code == 0
    assert "min_drop (number, default 0.0)" in result.stdout
    assert "Usage" in run("query", "--help").stdout


@pytest.mark.parametrize("name", [q.name for q in queries.named_queries()])
def test_query_name_help_fits_80_columns_and_its_run_lines_paste_as_one_command(name: str) -> None:
    result = run("query", name, "--help")
    assert result.exit_code == 0
    assert all(len(line) <= 80 for line in result.stdout.splitlines()), result.stdout
    command = result.stdout.split("Run: ", 1)[1].split("\nSQL: ", 1)[0].replace(" \\\n", " ")
    assert "\n" not in command, "every wrapped line but the last ends in a shell continuation"
    q = queries.parse_named_query(name, queries.named_query(name))
    assert command.split()[:5] == ["baocao", "query", name, "--db", "FILE"]
    assert re.findall(r"-p (\w+)=", command) == list(q.params)


@pytest.mark.parametrize(("kind", "raw", "value"), [
    ("text", "2022", "2022"), ("integer", "12", 12), ("number", "1.234,5", 1234.5), ("number", "2.5", 2.5),
    ("boolean", "yes", True), ("boolean", "false", False),
])
def test_cast_value_follows_the_declared_type(kind: str, raw: str, value: object) -> None:
    assert queries.cast_value(kind, raw) == value


@pytest.mark.parametrize(("kind", "raw"), [("integer", "1.5"), ("number", "abc"), ("boolean", "maybe"),
                                           ("date", "2023-13-01")])
def test_cast_value_says_what_is_wrong(kind: str, raw: str) -> None:
    with pytest.raises(ValueError, match="expected"):
        queries.cast_value(kind, raw, "p")


def test_a_declared_type_in_the_header_is_used_and_an_unknown_one_refused() -> None:
    q = queries.parse_named_query("t", "-- title: T\n-- param: n integer = 3 | how many\nSELECT $n")
    assert q.param_types == {"n": "integer"} and q.cast("n", "7") == 7
    with pytest.raises(Exception, match="unknown type"):
        queries.parse_named_query("t", "-- title: T\n-- param: n colour = 3 | x\nSELECT $n")


def test_a_short_quote_is_shown_with_the_words_around_it_and_its_figure_marked() -> None:


    text = marked_quote("212 hồ sơ", 212.0, (), 120, before="Cả năm vẫn còn ", after=" trễ hạn.\nDòng sau")
    assert text.plain == "“Cả năm vẫn còn 212 hồ sơ trễ hạn.”"
    marked = [text.plain[s.start:s.end] for s in text.spans if "red" in str(s.style)]
    assert marked == ["212"]
