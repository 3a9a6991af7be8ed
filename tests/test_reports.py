"""One report, several files: files with the same number, issuer and date, or near-identical text,
share a report_key, and every finding and count of that report is made once."""

from __future__ import annotations

import csv
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


def _clauses(rows: list[tuple[str, int, int]]) -> str:
    return " ".join(
        f"Xã {name} tiếp nhận {n} hồ sơ, giải quyết đúng hạn {n - k} hồ sơ, trễ hạn {k} hồ sơ; "
        f"cấp {n // 3} chứng thực điện tử và {k + 5} chữ ký số cho cán bộ." for name, n, k in rows)


XA = [("Tân Lập", 412, 7), ("Hòa Phú", 388, 11), ("Phước An", 275, 3), ("Đông Sơn", 530, 19),
      ("Quảng Tín", 196, 2), ("Bình Minh", 347, 9), ("Thạnh Mỹ", 261, 5), ("Yên Lạc", 455, 13)]
LONG = _clauses(XA)


def test_a_page_photographed_apart_is_part_of_its_report() -> None:
    # the second half of the report, read by OCR (one misread letter), with no header of its own
    page2 = LONG[len(LONG) // 2:].replace("chứng thực", "chứng thưc", 1)
    keys = group_reports([
        doc("pdf", "41/BC-UBND", "UBND huyện Lạc An", "2024-07-02", text="BÁO CÁO Kết quả " + LONG),
        doc("photo", None, None, None, text=page2),
    ])
    assert keys["photo"] == keys["pdf"] == "41/BC-UBND|UBND huyện Lạc An|2024-07-02"


def test_a_text_quoting_a_few_lines_or_sharing_a_template_is_not_part_of_the_report() -> None:
    news = ("Theo báo cáo của huyện, nhiều xã đã làm tốt công tác cải cách. "
            + LONG[:len(LONG) // 4]
            + " Phóng viên ghi nhận người dân đến làm thủ tục nhanh hơn, không phải chờ đợi lâu như trước. "
            + "Huyện sẽ tiếp tục đầu tư trang thiết bị, đào tạo cán bộ một cửa và mở rộng dịch vụ công "
            + "trực tuyến toàn trình tới tất cả các xã trong năm tới, theo kế hoạch đã được phê duyệt.")
    sibling = _clauses([(name, n + 40, k + 1) for name, n, k in XA])  # the next month, from the same template
    keys = group_reports([
        doc("report", "41/BC-UBND", "UBND huyện Lạc An", "2024-07-02", text=LONG),
        doc("news", None, None, None, text=news),
        doc("half_of_another", None, None, None, text=sibling[: len(sibling) // 2]),
    ])
    assert len({keys["report"], keys["news"], keys["half_of_another"]}) == 3


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


def test_copies_of_one_text_are_one_report_however_many_files_hold_it() -> None:
    # more copies than max_pair_owners: no word pair is distinctive, the identical words still are
    copies = [doc(f"c{i:02d}", None, None, None) for i in range(40)]
    keys = group_reports(copies)
    assert len(set(keys.values())) == 1
    monthly = [doc(f"m{i:02d}", None, None, f"2024-{i % 12 + 1:02d}-28") for i in range(40)]
    keys = group_reports(monthly)
    assert len(set(keys.values())) == 12, "identical words under conflicting dates: one report per date"


def test_files_sharing_only_boilerplate_are_not_one_report() -> None:
    # 40 reports of one template (its sentences in every file, more files than max_pair_owners), each
    # with its own unit and figures: the shared sentences are no evidence that two are one report
    template = BODY + " Ủy ban nhân dân huyện báo cáo kết quả thực hiện các nhiệm vụ trọng tâm như sau. " * 4
    files = [doc(f"t{i:02d}", None, None, None, text=template + f" Xã số {i} tiếp nhận {300 + 7 * i} hồ sơ.")
             for i in range(40)]
    keys = group_reports(files)
    assert len(set(keys.values())) == 40


def test_a_reports_findings_are_its_best_read_files_in_every_count(tmp_path: Path) -> None:
    src = CORPUS / "2024_ubnd_xa_ea_kenh_ntm.txt"
    folder = tmp_path / "in"
    folder.mkdir()
    text = src.read_text(encoding="utf-8")
    assert "đạt 86,59%" in text
    (folder / "a_signed.txt").write_text(text, encoding="utf-8")
    # a copy of the same report that misreads one percent (as a scan may): a finding of its own
    (folder / "b_copy.txt").write_text(text.replace("đạt 86,59%", "đạt 66,59%"), encoding="utf-8")
    db = tmp_path / "r.duckdb"
    assert runner.invoke(app, ["ingest", str(folder), "--db", str(db), "--workers", "1"]).exit_code == 0

    def listed(*extra: str) -> list[dict]:
        return json.loads(runner.invoke(app, ["mismatches", "--db", str(db), "--format", "json", *extra]).stdout)

    per_report, per_file = listed(), listed("--every-file")
    assert len({r["report_key"] for r in per_file}) == 1
    own = [r for r in per_file if r["path"].endswith("b_copy.txt") and r["stated"] == 66.59]
    assert len(own) == 1 and len(per_file) == 2 * len(per_report) + 1
    assert all(r["path"].endswith("a_signed.txt") for r in per_report)
    by_rule = json.loads(runner.invoke(app, ["query", "checks_by_rule", "--db", str(db), "--format",
                                             "json"]).stdout)
    assert sum(r["mismatches"] for r in by_rule) == len(per_report)
    for extra, n in (([], len(per_report)), (["--every-file"], len(per_file))):
        out = tmp_path / f"m{len(extra)}.csv"
        result = runner.invoke(app, ["export", "--db", str(db), "--table", "mismatches", "--out", str(out), *extra])
        assert result.exit_code == 0, result.output
        with out.open(encoding="utf-8-sig", newline="") as f:
            assert len(list(csv.reader(f))) == n + 1  # and the header
    page = tmp_path / "r.html"
    assert runner.invoke(app, ["report", "--db", str(db), "--out", str(page)]).exit_code == 0
    html_text = page.read_text(encoding="utf-8")
    assert html_text.index("· a_signed.txt</small>") < html_text.index("· b_copy.txt</small>")
