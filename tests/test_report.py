"""`baocao report`: one self-contained HTML file: overview, mismatches worst first, a page per document.

The last tests open the report in headless Chromium (Debian's `chromium`, installed here when missing
and we are root; skipped with the reason otherwise), assert on the rendered DOM and keep a screenshot
in build/test-artifacts/report.png.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import unicodedata
from pathlib import Path

import duckdb
import pytest
from conftest import ROOT
from markupsafe import escape
from typer.testing import CliRunner

from pipeline import store
from pipeline.cli import app
from pipeline.read import reviews
from pipeline.read.report import Mark, highlight, passage, spell_out, vn_number, write_report

ARTIFACTS = ROOT / "build" / "test-artifacts"


@pytest.fixture(scope="module")
def reviewed_db(corpus_db: Path, tmp_path_factory) -> tuple[Path, str, str]:
    """A copy of the corpus database with one mismatch dismissed and another confirmed."""
    db = tmp_path_factory.mktemp("report") / "reviewed.duckdb"
    shutil.copy(corpus_db, db)
    rows = reviews.mismatch_rows(db)
    assert len(rows) >= 2, "the corpus has deliberate mismatches"
    dismissed, confirmed = rows[0]["check_id"], rows[1]["check_id"]
    store.record_review(db, dismissed, "dismissed", "câu chữ <không rõ> & ok", "kiểm toán viên")
    store.record_review(db, confirmed, "confirmed", None, "an")
    return db, dismissed, confirmed


@pytest.fixture(scope="module")
def report(reviewed_db: tuple[Path, str, str], tmp_path_factory) -> tuple[Path, str]:
    db = reviewed_db[0]
    out = tmp_path_factory.mktemp("html") / "audit.html"
    result = CliRunner().invoke(app, ["report", "--db", str(db), "--out", str(out)])
    assert result.exit_code == 0, result.output
    return out, out.read_text(encoding="utf-8")


def _db_rows(db: Path, sql: str) -> list[tuple]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def _row(html_text: str, check_id: str) -> str:
    m = re.search(rf'<tr class="mm-row" id="chk-{check_id}".*?</tr>', html_text, re.S)
    assert m, f"no mismatch row for {check_id}"
    return m.group(0)


# ------------------------------------------------------------------------------------------------
# The HTML as written
# ------------------------------------------------------------------------------------------------


def test_report_needs_no_network_and_declares_utf8(report: tuple[Path, str]) -> None:
    _, text = report
    assert '<meta charset="utf-8">' in text
    assert not re.search(r'<(script|img|iframe)[^>]*\ssrc=', text)
    assert not re.search(r'<link\b', text)
    assert "@import" not in text and "url(" not in text
    assert not re.search(r'href="(?!#)', text), "every link stays inside the file"


def test_every_mismatch_has_a_row_worst_first_with_marks_and_computation(
        report: tuple[Path, str], reviewed_db: tuple[Path, str, str]) -> None:
    _, text = report
    rows = reviews.mismatch_rows(reviewed_db[0], include_dismissed=True)
    positions = []
    for r in rows:
        row = _row(text, r["check_id"])
        positions.append(text.index(row))
        assert "<mark class=" in row, "the numbers involved are highlighted"
        assert '<div class="calc">' in row and ("≠" in row or "?" in row)
        section = r["section_trail"] or r["section_path"]
        assert section is None or str(escape(section)) in row, "the section with its heading text"
        assert str(escape(r["message_vi"])) in row
    assert positions == sorted(positions), "rows follow the mismatch list's order (worst first)"


def test_stated_figure_and_operands_are_marked_in_a_ratio_mismatch(
        report: tuple[Path, str], reviewed_db: tuple[Path, str, str]) -> None:
    _, text = report
    ratio = [r for r in reviews.mismatch_rows(reviewed_db[0], include_dismissed=True)
             if r["rule"] in ("ratio_percent", "share_of_total")]
    assert ratio
    row = _row(text, ratio[0]["check_id"])
    stated = vn_number(ratio[0]["stated"])
    assert re.search(rf'<mark class="stated"[^>]*>[^<]*{re.escape(stated)}', row)
    assert '<mark class="operand"' in row


def test_every_document_has_its_own_page_with_tree_figures_and_checks(
        report: tuple[Path, str], reviewed_db: tuple[Path, str, str]) -> None:
    _, text = report
    docs = _db_rows(reviewed_db[0], "SELECT doc_id, (SELECT count(*) FROM facts f WHERE f.doc_id = d.doc_id) "
                                    "FROM documents d")
    for doc_id, n_facts in docs:
        assert f'href="#doc-{doc_id}"' in text
        m = re.search(rf'<section class="doc" id="doc-{doc_id}".*?</section>', text, re.S)
        assert m, doc_id
        page = m.group(0)
        assert "heading tree" in page and f"{n_facts} số liệu" in page and "checks (" in page


def test_full_text_and_every_figure_are_embedded_only_when_asked(
        report: tuple[Path, str], reviewed_db: tuple[Path, str, str], tmp_path: Path) -> None:
    _, lean = report
    full = tmp_path / "full.html"
    result = CliRunner().invoke(app, ["report", "--db", str(reviewed_db[0]), "--out", str(full), "--full-text"])
    assert result.exit_code == 0, result.output
    whole = full.read_text(encoding="utf-8")
    n_docs = _db_rows(reviewed_db[0], "SELECT count(*) FROM documents")[0][0]
    assert whole.count('<pre class="fulltext">') == n_docs and '<pre class="fulltext">' not in lean
    assert "figures (" in whole and "figures (" not in lean, "the table of every figure only with --full-text"
    assert len(lean) < 0.6 * len(whole), "without the full text the report is a fraction of the size"


def _tree_items(page: str) -> int:
    m = re.search(r'<details class="tree".*?</details>', page, re.S)
    assert m
    return m.group(0).count("<li>")


def test_the_lean_tree_holds_the_branches_to_findings_and_the_full_tree_every_heading(
        report: tuple[Path, str], reviewed_db: tuple[Path, str, str], tmp_path: Path) -> None:
    _, lean = report
    whole = write_report(reviewed_db[0], tmp_path / "full.html", full_text=True).read_text(encoding="utf-8")
    rows = _db_rows(reviewed_db[0], """
        SELECT d.doc_id, (SELECT count(*) FROM sections s WHERE s.doc_id = d.doc_id),
               (SELECT count(*) FROM checks c WHERE c.doc_id = d.doc_id AND c.status = 'mismatch'
                AND c.section_id IS NOT NULL) FROM documents d""")
    assert any(n_mm for _, _, n_mm in rows)
    pruned = 0
    for doc_id, n_sections, n_mm in rows:
        pages = [re.search(rf'<section class="doc" id="doc-{doc_id}".*?</section>', t, re.S).group(0)
                 for t in (lean, whole)]
        assert _tree_items(pages[1]) == n_sections
        if n_mm:
            assert 1 <= _tree_items(pages[0]) <= n_sections and "✗</span>" in pages[0]
        else:
            assert _tree_items(pages[0]) == 0
        pruned += n_sections - _tree_items(pages[0])
    assert pruned > 0, "headings off every path to a finding are left out"


def test_vietnamese_names_appear_verbatim_in_nfc(report: tuple[Path, str], reviewed_db) -> None:
    _, text = report
    assert unicodedata.is_normalized("NFC", text)
    sql = "SELECT DISTINCT issuer FROM documents WHERE issuer IS NOT NULL"
    issuers = [r[0] for r in _db_rows(reviewed_db[0], sql)]
    assert issuers
    for issuer in issuers:
        assert issuer in text


def test_review_state_shows_and_notes_are_escaped(report: tuple[Path, str], reviewed_db) -> None:
    _, text = report
    _, dismissed, confirmed = reviewed_db
    row = _row(text, dismissed)
    assert 'data-review="dismissed"' in row and "đã bác bỏ" in row
    assert "&lt;không rõ&gt; &amp; ok" in row and "<không rõ>" not in row
    assert 'data-review="confirmed"' in _row(text, confirmed)
    assert 'id="hide-dismissed" checked' in text


def test_only_the_worst_findings_are_embedded_past_the_cap_and_the_counts_cover_all(
        reviewed_db: tuple[Path, str, str], tmp_path: Path) -> None:
    db, _, _ = reviewed_db
    n = len(_db_rows(db, "SELECT DISTINCT coalesce(d.report_key, d.doc_id), c.check_id FROM checks c "
                         "JOIN documents d USING (doc_id) WHERE c.status = 'mismatch'"))
    out = write_report(db, tmp_path / "capped.html", max_findings=3)
    html_text = out.read_text(encoding="utf-8")
    assert html_text.count('class="mm-row"') == 3
    assert "the 3 worst of" in html_text and "baocao mismatches --db" in html_text
    full = write_report(db, tmp_path / "all.html", max_findings=0).read_text(encoding="utf-8")
    assert full.count('class="mm-row"') > 3 and n > 3
    assert len(html_text) < len(full)


def test_report_of_an_empty_database_says_so(tmp_path: Path) -> None:
    db = tmp_path / "empty.duckdb"
    store.connect(db).close()
    text = write_report(db, tmp_path / "e.html").read_text(encoding="utf-8")
    assert "no mismatches found" in text


# ------------------------------------------------------------------------------------------------
# The pieces
# ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("x", "decimals", "expected"), [
    (9418.0, None, "9.418"),
    (2706118.0, None, "2.706.118"),
    (42.32, None, "42,32"),
    (41.228669, 2, "41,23"),
    (100.0, None, "100"),
    (18450000000.0, None, "18.450.000.000"),
    (None, None, "–"),
])
def test_numbers_are_written_the_vietnamese_way(x, decimals, expected) -> None:
    assert vn_number(x, decimals) == expected


@pytest.mark.parametrize(("rule", "status", "operands", "stated", "expected", "text"), [
    ("ratio_percent", "mismatch", [179, 188], 94.2, 95.212766,
     "179 / 188 × 100 = 95,21 % ≠ 94,2 % (lệch 1,01 điểm %)"),
    ("share_of_total", "ok", [1217, 1862], 65.36, 65.3598,
     "1.217 / 1.862 × 100 = 65,360 % ≈ 65,36 %"),
    ("sum_parts", "mismatch", [6102, 1274, 893, 1249], 9418, 9518,
     "6.102 + 1.274 + 893 + 1.249 = 9.518 ≠ 9.418 (tổng ghi) (lệch 100)"),
    ("shares_exceed_total", "mismatch", [65.36, 23.52, 12.12], 100, 101.0,
     "65,36 % + 23,52 % + 12,12 % = 101,00 % ≠ 100 % (lệch 1,00 điểm %)"),
    ("conflicting_values", "mismatch", [319], 391, 319, "lần đầu ghi 319 ≠ sau đó ghi 391 (lệch 72)"),
    ("some_new_rule", "unverifiable", [1, 2], 4, 3, "[1; 2] → 3 ? 4 (lệch 1)"),
])
def test_computation_is_spelled_out(rule, status, operands, stated, expected, text) -> None:
    assert spell_out(rule, status, operands, stated, expected) == text


def test_highlight_escapes_text_and_nests_overlapping_marks() -> None:
    text = "a <b> & 12/40 = 30%"
    out = str(highlight(text, 0, len(text), [Mark(8, 13, "operand"), Mark(11, 13, "operand"),
                                             Mark(16, 19, "stated", 'x"y')], span=(8, 19)))
    assert "&lt;b&gt; &amp;" in out
    assert out.count("<mark") == 3 and out.count("</mark>") == 3
    assert 'title="x&quot;y"' in out
    assert re.sub(r"<[^>]+>", "", out) == "a &lt;b&gt; &amp; 12/40 = 30%"


def test_passage_is_the_sentence_around_the_relation_and_its_far_operand() -> None:
    far = "Năm trước đạt 97,45%. " + "Nội dung khác không liên quan. " * 20
    text = far + "Kết quả: tỷ lệ đúng hạn đạt 97,54%. Câu sau."
    s = text.index("tỷ lệ đúng hạn")
    marks = [Mark(text.index("97,45"), text.index("97,45") + 6, "operand"),
             Mark(text.index("97,54"), text.index("97,54") + 6, "stated")]
    out = str(passage(text, (s, len(text) - 10), marks))
    assert '<span class="gap">…</span>' in out, "two distant sentences are joined by an ellipsis"
    assert "Năm trước" in out and "Kết quả" in out and "Câu sau" not in out
    assert "Nội dung khác" not in out


# ------------------------------------------------------------------------------------------------
# In a real browser
# ------------------------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def chromium() -> str:
    exe = shutil.which("chromium") or shutil.which("chromium-browser")
    if exe:
        return exe
    if os.geteuid() != 0 or not shutil.which("apt-get"):
        pytest.skip("headless Chromium is missing and we are not root: run `sudo apt-get install chromium`")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    cmd = ["apt-get", "install", "-y", "-q", "--no-install-recommends", "chromium"]
    try:
        done = subprocess.run(cmd, env=env, capture_output=True, timeout=900)
        if done.returncode != 0:
            subprocess.run(["apt-get", "update", "-q"], env=env, capture_output=True, timeout=300)
            done = subprocess.run(cmd, env=env, capture_output=True, timeout=900)
    except subprocess.TimeoutExpired:
        pytest.skip("installing chromium with apt-get took too long")
    exe = shutil.which("chromium")
    if not exe:
        pytest.skip(f"apt-get could not install chromium: {done.stderr.decode(errors='replace')[-300:]}")
    return exe


def _browser(exe: str, profile: Path, *args: str) -> subprocess.CompletedProcess:
    cmd = [exe, "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic",
           "--no-first-run", "--disable-background-networking", "--disable-component-update",
           "--disable-sync", "--hide-scrollbars", f"--user-data-dir={profile}", *args]
    return subprocess.run(cmd, capture_output=True, timeout=120)


def test_report_renders_in_headless_chromium(chromium: str, report: tuple[Path, str], reviewed_db,
                                             tmp_path: Path, record_property) -> None:
    out, _ = report
    db, dismissed, _ = reviewed_db
    url = out.resolve().as_uri()
    done = _browser(chromium, tmp_path / "profile", "--dump-dom", url)
    assert done.returncode == 0, done.stderr.decode(errors="replace")[-500:]
    dom = done.stdout.decode("utf-8")
    n_mismatch = len(reviews.mismatch_rows(db, include_dismissed=True))
    rows = re.findall(r'<tr class="mm-row"[^>]*>', dom)
    assert len(rows) == n_mismatch
    assert len(re.findall(r'<mark class="(?:stated|operand)', dom)) >= n_mismatch
    n_docs = _db_rows(db, "SELECT count(*) FROM documents")[0][0]
    assert len(re.findall(r'<section class="doc" id="doc-[0-9a-f]+"', dom)) == n_docs
    # the inline script ran: the dismissed row is hidden and the counter says so
    assert re.search(rf'<tr class="mm-row" id="chk-{dismissed}"[^>]*hidden', dom)
    assert f'<span id="shown">{n_mismatch - 1}</span>' in dom

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    shot = ARTIFACTS / "report.png"
    shot.unlink(missing_ok=True)
    done = _browser(chromium, tmp_path / "profile", f"--screenshot={shot}", "--window-size=1280,2000", url)
    assert done.returncode == 0 and shot.is_file() and shot.stat().st_size > 10_000
    shutil.copy(out, ARTIFACTS / "report.html")
    record_property("screenshot", str(shot))
    print(f"\nscreenshot: {shot}\nreport: {ARTIFACTS / 'report.html'}")
