"""One report, several files: files with the same number, issuer and date, or near-identical text,
share a report_key, and every finding and count of that report is made once."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import duckdb
from conftest import CORPUS
from typer.testing import CliRunner

from pipeline.cli import app
from pipeline.ingest import ingest
from pipeline.reports import DocIdentity, group_reports

runner = CliRunner()

BODY = ("Trong năm, toàn huyện tiếp nhận 1.520 hồ sơ, trong đó lĩnh vực đất đai 900 hồ sơ, lĩnh vực "
        "hộ tịch 400 hồ sơ và các lĩnh vực khác 200 hồ sơ. Tỷ lệ hồ sơ giải quyết đúng hạn đạt 97,3%. "
        "Số cán bộ được tập huấn là 85 người, tăng 12 người so với năm trước. ") * 3


def doc(i: str, number: str | None, issuer: str | None, issued: str | None, text: str = BODY) -> DocIdentity:
    return DocIdentity(doc_id=i, sha256=i * 8, doc_number=number, issuer=issuer, issued=issued, text=text)


def test_files_with_one_number_issuer_and_date_are_one_report() -> None:
    keys = group_reports([
        doc("a", "215/BC-UBND", "UBND huyện Lạc An", "2022-11-30"),
        doc("b", "215 / bc-ubnd", "UBND huyện  Lạc An", None, text="trang bìa khác hẳn"),
        doc("c", "215/BC-UBND", "UBND huyện Hòa Bình", "2022-11-30"),
    ])
    assert keys["a"] == keys["b"] == "215/BC-UBND|UBND huyện Lạc An|2022-11-30"
    assert keys["c"] != keys["a"], "the same number from another issuer is another report"


def test_near_identical_text_without_a_number_is_one_report_unless_dates_disagree() -> None:
    ocr_like = BODY.replace("đất đai", "đất dai", 1).replace("tập huấn", "tập huân", 1)
    keys = group_reports([
        doc("txt", None, "UBND xã Tân Hòa", "2024-06"),
        doc("scan", None, None, "2024-06-18", text=ocr_like),
        doc("next", None, "UBND xã Tân Hòa", "2024-12", text=BODY),
        doc("other", None, "UBND xã Tân Hòa", "2024-06", text="Một báo cáo khác về chuyển đổi số " * 40),
    ])
    assert keys["txt"] == keys["scan"]
    assert keys["next"] != keys["txt"], "same template, another date: another report"
    assert keys["other"] != keys["txt"]
    assert keys["txt"].startswith("text:")


def test_a_report_ingested_as_two_files_has_each_finding_once(tmp_path: Path) -> None:
    src = CORPUS / "2024_ubnd_xa_ea_kenh_ntm.txt"
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(src, folder / "signed.txt")
    text = src.read_text(encoding="utf-8")
    (folder / "draft.md").write_text(text.replace("\n\n", "\n\n\n", 1), encoding="utf-8")  # other bytes
    db = tmp_path / "r.duckdb"
    assert runner.invoke(app, ["ingest", str(folder), "--db", str(db), "--workers", "1"]).exit_code == 0
    per_file = json.loads(runner.invoke(app, ["mismatches", "--db", str(db), "--format", "json",
                                              "--every-file"]).stdout)
    per_report = json.loads(runner.invoke(app, ["mismatches", "--db", str(db), "--format", "json"]).stdout)
    assert per_report and len(per_file) == 2 * len(per_report)
    assert all(r["n_files"] == 2 and len(r["files"]) == 2 for r in per_report)
    assert len({r["report_key"] for r in per_file}) == 1
    by_rule = json.loads(runner.invoke(app, ["query", "checks_by_rule", "--db", str(db), "--format",
                                             "json"]).stdout)
    assert sum(r["mismatches"] for r in by_rule) == len(per_report), "counts are per report"
    blocks = runner.invoke(app, ["mismatches", "--db", str(db)], env={"COLUMNS": "80"}).stdout
    assert "report in 2 files" in blocks


def test_keys_are_recomputed_only_when_stored_documents_change(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.txt").write_text("Số: 12/BC-UBND\nBÁO CÁO\n" + BODY, encoding="utf-8")
    db = tmp_path / "a.duckdb"
    ingest([folder], db, workers=1)

    def keys() -> list:
        con = duckdb.connect(str(db), read_only=True)
        try:
            return con.execute("SELECT report_key FROM documents ORDER BY path").fetchall()
        finally:
            con.close()

    def set_key(value: str | None) -> None:
        con = duckdb.connect(str(db))
        try:
            con.execute("UPDATE documents SET report_key = ?", [value])
        finally:
            con.close()

    computed = keys()
    set_key("stale")  # not what grouping gives: an unchanged run leaves it, any change recomputes it
    ingest([folder], db, workers=1)
    assert keys() == [("stale",)]
    set_key(None)  # a database from before report keys: filled in by any run
    ingest([folder], db, workers=1)
    assert keys() == computed
    set_key("stale")
    (folder / "b.txt").write_text("Số: 13/BC-UBND\nBÁO CÁO\nMột báo cáo khác về chuyển đổi số.\n", encoding="utf-8")
    ingest([folder], db, workers=1)
    assert keys()[0] == computed[0]
