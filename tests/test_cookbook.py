"""The SQL cookbook (schemas/queries/*.sql): every query is documented, runs on the demo corpus and on
an empty database, answers its question on a small hand-made database, and is listed in README.md."""

from __future__ import annotations

import re
from datetime import date, datetime
from pathlib import Path

import pytest
from conftest import ROOT

from pipeline import store
from pipeline.read import cookbook, queries

ALL = [q.name for q in queries.named_queries()]

# Questions the demo corpus must answer with at least one row (it has deliberate mismatches).
NONEMPTY_ON_CORPUS = {
    "checks_by_rule", "document_checks", "documents_overview", "inconsistent_percentages_by_province",
    "mismatches", "mismatches_by_issuer", "totals_that_do_not_add_up", "metadata_gaps",
}


def test_there_are_at_least_ten_queries() -> None:
    assert len(ALL) >= 10


@pytest.mark.parametrize("name", ALL)
def test_query_header_documents_title_description_example_and_every_parameter(name: str) -> None:
    q = queries.parse_named_query(name, queries.named_query(name))
    assert q.title and q.description and q.example
    body = "\n".join(line for line in q.sql.splitlines() if not line.lstrip().startswith("--"))
    used = set(re.findall(r"\$([a-z_]+)", body))
    assert used == set(q.params), "every $parameter has a header line with a default, and vice versa"
    assert ":" + "include" not in body, "DuckDB binds $name, not :name"


@pytest.mark.parametrize("name", ALL)
def test_query_runs_on_the_corpus_database(name: str, corpus_db: Path) -> None:
    con = store.connect(corpus_db)
    try:
        rows = queries.run_named(con, name)
    finally:
        con.close()
    if name in NONEMPTY_ON_CORPUS:
        assert rows, f"{name} finds nothing in the demo corpus"


def test_every_query_runs_on_an_empty_database(tmp_path: Path) -> None:
    con = store.connect(tmp_path / "empty.duckdb")
    try:
        for name in ALL:
            assert queries.run_named(con, name) == []
    finally:
        con.close()


def test_unknown_parameter_is_refused(corpus_db: Path) -> None:
    con = store.connect(corpus_db)
    try:
        with pytest.raises(KeyError):
            queries.run_named(con, "checks_by_rule", doc="x")
    finally:
        con.close()


def test_readme_links_the_cookbook_page_which_lists_every_query() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "(docs/cookbook.md)" in readme, "README.md links docs/cookbook.md"
    page = (ROOT / "docs" / "cookbook.md").read_text(encoding="utf-8")
    for q in queries.named_queries():
        assert q.title in page, f"docs/cookbook.md lacks '{q.title}' ({q.name}.sql)"
        assert f"schemas/queries/{q.name}.sql" in page


def test_cookbook_page_is_generated_from_the_query_headers() -> None:
    page = (ROOT / "docs" / "cookbook.md").read_text(encoding="utf-8")
    assert page == cookbook.cookbook_markdown(), (
        "docs/cookbook.md is stale: regenerate it with "
        "python -c 'from pipeline.read import cookbook; print(cookbook.cookbook_markdown(), end=\"\")' "
        "> docs/cookbook.md")


# ------------------------------------------------------------------------------------------------
# A small hand-made database where each question has a known answer
# ------------------------------------------------------------------------------------------------


def _fact(doc: str, text: str, quote: str, value: float, kind: str, metric: str | None, *,
          subject: str | None = None, period: str | None = None, after: int = 0,
          numerator: float | None = None, denominator: float | None = None) -> dict:
    s = text.index(quote, after)
    return {"doc_id": doc, "fact_id": f"{doc}-{s}", "section_id": None, "metric": metric, "value": value,
            "unit": "%" if kind == "percent" else "hồ sơ", "kind": kind, "numerator": numerator,
            "denominator": denominator, "subject": subject, "period": period, "quote": quote,
            "char_start": s, "char_end": s + len(quote), "page": 1, "extractor": "test", "confidence": 1.0}


def make_metric_db(path: Path) -> Path:
    """Three reports of one district and its province: the online rate falls from 2022 to 2023, the
    2023 report states it twice, the province's summary gives another value, and one on-time rate
    is above 100 %."""
    texts = {
        "a2022": "Năm 2022, tỷ lệ hồ sơ trực tuyến đạt 45,5%; tỷ lệ đúng hạn đạt 98,2%.",
        "b2023": "Năm 2023, tỷ lệ hồ sơ trực tuyến đạt 40,1%. Ở phần sau: hồ sơ trực tuyến 41%. "
                 "Đúng hạn 104%. Có 17/15 xã.",
        "p2023": "Huyện Phú An: tỷ lệ hồ sơ trực tuyến năm 2023 đạt 42%.",
    }
    docs = [
        ("a2022", "a/2022_phu_an.txt", "UBND huyện Phú An", "Tỉnh Mẫu", date(2023, 1, 10)),
        ("b2023", "a/2023_phu_an.txt", "UBND huyện Phú An", "Tỉnh Mẫu", date(2024, 1, 12)),
        ("p2023", "p/2023_tinh.txt", "UBND tỉnh Mẫu", "Tỉnh Mẫu", date(2024, 2, 1)),
    ]
    a, b, p = texts["a2022"], texts["b2023"], texts["p2023"]
    unit = "UBND huyện Phú An"
    facts = [
        _fact("a2022", a, "45,5%", 45.5, "percent", "online_dossier_rate", period="2022"),
        _fact("a2022", a, "98,2%", 98.2, "percent", "on_time_rate", period="2022"),
        _fact("b2023", b, "40,1%", 40.1, "percent", "online_dossier_rate", period="2023"),
        _fact("b2023", b, "41%", 41.0, "percent", "online_dossier_rate", period="2023"),
        _fact("b2023", b, "104%", 104.0, "percent", "on_time_rate", period="2023"),
        _fact("b2023", b, "17/15", 17 / 15, "ratio", None, numerator=17, denominator=15),
        _fact("p2023", p, "42%", 42.0, "percent", "online_dossier_rate", subject=unit, period="2023"),
    ]
    con = store.connect(path)
    try:
        for doc_id, fpath, issuer, province, issued in docs:
            con.execute("INSERT INTO documents (doc_id, path, issuer, province, issued_date, text, n_pages) "
                        "VALUES (?, ?, ?, ?, ?, ?, 1)",
                        [doc_id, fpath, issuer, province, issued, texts[doc_id]])
        cols = list(facts[0])
        con.executemany(f"INSERT INTO facts ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})",
                        [[f[c] for c in cols] for f in facts])
        s = b.index("17/15")
        for cid, status in (("c-mm", "mismatch"), ("c-ok", "ok"), ("c-dis", "mismatch")):
            con.execute("INSERT INTO checks (doc_id, check_id, rule, status, stated, expected, operands, "
                        "quote, char_start, char_end, page, fact_ids, severity, message_vi) "
                        "VALUES ('b2023', ?, 'ratio_percent', ?, 50, 60, [6.0, 10.0], '17/15', ?, ?, 1, [], "
                        "0.1, 'x')",
                        [cid, status, s, s + 5])
        con.execute("INSERT INTO reviews VALUES ('c-dis', 'dismissed', 'nhầm', 'an', ?)", [datetime.now()])
    finally:
        con.close()
    return path


@pytest.fixture(scope="module")
def metric_con(tmp_path_factory):
    con = store.connect(make_metric_db(tmp_path_factory.mktemp("metric") / "m.duckdb"))
    yield con
    con.close()


def test_online_rate_fell_finds_the_district_whose_rate_dropped(metric_con) -> None:
    rows = queries.run_named(metric_con, "online_rate_fell")
    assert [(r["unit"], r["previous_year"], r["year"]) for r in rows] == [("UBND huyện Phú An", 2022, 2023)]
    assert rows[0]["previous_rate"] == 45.5
    assert rows[0]["rate"] == pytest.approx((40.1 + 41 + 42) / 3, abs=0.01)
    assert queries.run_named(metric_con, "online_rate_fell", min_drop=10.0) == []


def test_figures_stated_twice_lists_both_values_of_one_report(metric_con) -> None:
    rows = queries.run_named(metric_con, "figures_stated_twice")
    assert [(r["path"], r["metric"], r["values"]) for r in rows] == [
        ("a/2023_phu_an.txt", "online_dossier_rate", [40.1, 41.0])]


def test_figures_differ_between_reports_compares_a_district_with_its_province(metric_con) -> None:
    rows = queries.run_named(metric_con, "figures_differ_between_reports", tolerance=0.5)
    pairs = {(r["value_a"], r["value_b"]) for r in rows} | {(r["value_b"], r["value_a"]) for r in rows}
    assert (40.1, 42.0) in pairs and (41.0, 42.0) in pairs
    assert (40.1, 41.0) not in pairs, "two values inside one report are figures_stated_twice, not this"


def test_impossible_rates_flags_rate_over_100_and_part_above_whole(metric_con) -> None:
    rows = queries.run_named(metric_con, "impossible_rates")
    assert sorted(r["quote"] for r in rows) == ["104%", "17/15"]


def test_rates_by_unit_year_gives_one_row_per_metric_unit_and_year(metric_con) -> None:
    rows = queries.run_named(metric_con, "rates_by_unit_year")
    keys = [(r["metric"], r["year"]) for r in rows if r["unit"] == "UBND huyện Phú An"]
    assert keys == [("on_time_rate", 2022), ("on_time_rate", 2023),
                    ("online_dossier_rate", 2022), ("online_dossier_rate", 2023)]
    only = queries.run_named(metric_con, "rates_by_unit_year", metrics="on_time_rate")
    assert {r["metric"] for r in only} == {"on_time_rate"}


def test_inconsistent_percentages_by_province_leaves_dismissed_out(metric_con) -> None:
    rows = queries.run_named(metric_con, "inconsistent_percentages_by_province")
    got = [(r["province"], r["percentages_checked"], r["inconsistent"]) for r in rows]
    assert got == [("Tỉnh Mẫu", 3, 1)]


def test_document_checks_selects_by_part_of_the_path(metric_con) -> None:
    assert len(queries.run_named(metric_con, "document_checks", doc="2023_PHU")) == 3
    assert queries.run_named(metric_con, "document_checks", doc="2022_phu") == []


def test_trace_figure_returns_the_quote_in_its_passage(metric_con) -> None:
    rows = queries.run_named(metric_con, "trace_figure", value=42.0, context=20)
    assert len(rows) == 1 and rows[0]["quote"] == "42%" and "42%" in rows[0]["passage"]
    assert len(rows[0]["passage"]) <= 20 + 3 + 20


def test_readme_user_part_points_nowhere_a_user_does_not_have() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    user_part = readme[: readme.index("## How it works")]
    assert "../shared" not in user_part
    assert "make demo" in user_part and "make test" in user_part and "first five minutes" in user_part.lower()
