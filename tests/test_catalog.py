"""The metric catalog: loaded from schemas/metrics.yaml, validated, and matched to a figure's words."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from extractors.catalog import CATALOG_PATH, load_catalog
from pipeline.errors import ConfigError

# The vocabulary of shared/gold/FORMAT.md: every key must exist so gold facts can be matched.
GOLD_VOCABULARY = [
    "dossiers_received", "dossiers_direct", "dossiers_online", "dossiers_interlinked", "dossiers_carried_over",
    "dossiers_postal", "dossiers_resolved", "dossiers_early", "dossiers_on_time", "dossiers_late",
    "dossiers_rejected", "dossiers_pending", "online_dossier_rate", "on_time_rate", "procedures_total",
    "procedures_level_2", "procedures_level_3", "procedures_level_4", "procedures_partial_online",
    "documents_issued", "documents_signed", "signature_rate", "certificates_issued", "computers",
    "computer_staff_rate", "computers_antivirus", "antivirus_rate", "email_accounts", "email_usage_rate", "budget",
    "staff_trained", "smartphone_rate", "broadband_household_rate", "eid_accounts", "eid_rate",
]


def best(text: str, kind: str = "count", unit: str | None = None) -> str | None:
    cat = load_catalog()
    m = cat.match(cat.context(text), kind, cat.context(unit) if unit else None)
    return m.key if m else None


def test_shipped_catalog_holds_the_gold_vocabulary() -> None:
    cat = load_catalog()
    assert set(GOLD_VOCABULARY) <= set(cat.metrics)


def test_catalog_covers_the_kinds_of_figures_real_reports_carry() -> None:
    cat = load_catalog()
    for key in ("dossiers_postal", "procedures_level_4", "digitization_rate", "eid_accounts", "smartphone_rate",
                "broadband_household_rate", "epayment_rate", "health_records", "info_systems_level_2",
                "radio_stations", "loudspeaker_clusters", "news_published", "page_views", "digital_teams",
                "communes_ntm_8_2", "ntm_criterion_status"):
        assert key in cat.metrics, key


def test_parent_and_child_definitions_are_read() -> None:
    cat = load_catalog()
    assert cat.metrics["dossiers_received"].parts == (
        "dossiers_direct", "dossiers_online", "dossiers_interlinked", "dossiers_carried_over")
    assert cat.metrics["dossiers_resolved"].parts == ("dossiers_early", "dossiers_on_time", "dossiers_late")
    rate = cat.metrics["on_time_rate"]
    assert rate.numerator == ("dossiers_early", "dossiers_on_time") and rate.denominator == "dossiers_resolved"


def test_a_rate_is_found_from_its_numerator() -> None:
    cat = load_catalog()
    assert cat.rate_of["dossiers_online"] == "online_dossier_rate"
    assert cat.rate_of["dossiers_early"] == "on_time_rate"
    assert cat.rate_of["computers"] == "computer_staff_rate"


@pytest.mark.parametrize(
    ("text", "kind", "unit", "expected"),
    [
        ("số hồ sơ tiếp nhận trực tuyến", "count", "hồ sơ", "dossiers_online"),
        ("so ho so tiep nhan truc tuyen", "count", "ho so", "dossiers_online"),  # typed without diacritics
        ("số HS tiếp nhận qua mạng", "count", "HS", "dossiers_online"),  # abbreviation
        ("đã tiếp nhận", "count", "hồ sơ", "dossiers_received"),
        ("tiếp nhận qua dịch vụ BCCI", "count", "hồ sơ", "dossiers_postal"),
        ("trước hạn", "count", "hồ sơ", "dossiers_early"),
        ("trước hạn và đúng hạn", "count", "hồ sơ", "dossiers_on_time"),
        ("Tỷ lệ MT/CBCC đạt", "percent", None, "computer_staff_rate"),
        ("DVCTT mức độ 4 là", "count", "thủ tục", "procedures_level_4"),
        ("cung cấp", "count", "TTHC", "procedures_total"),
        ("máy tính cài phần mềm diệt virus", "count", "máy", "computers_antivirus"),
        ("máy in", "count", "máy", "printers"),
        ("văn bản được ký số bằng CKS", "count", "văn bản", "documents_signed"),
        ("tài khoản định danh điện tử", "count", "người", "eid_accounts"),
        ("Tỷ lệ thuê bao sử dụng điện thoại thông minh", "percent", None, "smartphone_rate"),
        ("kinh phí đầu tư", "money", "đồng", "budget"),
        ("thu phí, lệ phí trực tuyến", "money", "đồng", None),
    ],
)
def test_words_around_a_figure_name_its_metric(text: str, kind: str, unit: str | None, expected: str | None) -> None:
    assert best(text, kind, unit) == expected


def test_words_differing_only_by_diacritics_are_not_confused() -> None:
    # "hộ" (household) and "hồ sơ" (dossier) fold to the same letters; accented text must not mix them
    assert best("tổng số hồ sơ tiếp nhận", "count", "hồ sơ") == "dossiers_received"
    assert best("tổng số hộ gia đình", "count", "hộ") == "households"


def test_unit_must_fit_the_metric() -> None:
    assert best("số máy tính", "count", "máy") == "computers"
    assert best("số máy tính", "count", "hồ sơ") is None
    assert best("cung cấp", "count", "thủ tục") == "procedures_total"  # the default metric of its noun


def _copy(tmp_path: Path) -> Path:
    dst = tmp_path / "metrics.yaml"
    shutil.copy(CATALOG_PATH, dst)
    return dst


def test_a_metric_added_to_the_yaml_is_picked_up_without_code_change(tmp_path: Path) -> None:
    path = _copy(tmp_path)
    with path.open("a", encoding="utf-8") as f:
        f.write(
            "\n  drones_registered:\n"
            "    name: Thiết bị bay không người lái được đăng ký\n"
            "    kind: count\n"
            "    heads: [thiết bị bay, chiếc]\n"
            "    cues: [[không người lái, flycam]]\n"
        )
    cat = load_catalog(path)
    assert "drones_registered" in cat.metrics
    m = cat.match(cat.context("đăng ký thiết bị bay không người lái"), "count", cat.context("chiếc"))
    assert m is not None and m.key == "drones_registered"


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ("  dossiers_online:\n    name: x\n    kind: count\n", "duplicate key"),
        ("  odd_metric:\n    name: x\n    kind: weight\n", "kind must be one of"),
        ("  odd_metric:\n    kind: count\n", "odd_metric.name: Field required"),
        ("  odd_metric:\n    name: x\n    kind: count\n    parts: [no_such_metric]\n", "unknown metric"),
        ("  odd_metric:\n    name: x\n    kind: count\n    numerator: [computers]\n    denominator: staff\n",
         "kind percent or ratio"),
        ("  odd_metric:\n    name: x\n    kind: count\n    colour: red\n", "odd_metric.colour: Extra inputs"),
        ("  Odd-Metric:\n    name: x\n    kind: count\n", "lower_snake_case"),
        ("  odd_metric:\n    name: x\n    kind: count\n    cues: [[]]\n", "empty cue group"),
    ],
)
def test_a_bad_catalog_is_a_config_error(tmp_path: Path, extra: str, message: str) -> None:
    path = _copy(tmp_path)
    with path.open("a", encoding="utf-8") as f:
        f.write("\n" + extra)
    with pytest.raises(ConfigError, match=message):
        load_catalog(path)


def test_a_cycle_of_broader_metrics_is_a_config_error(tmp_path: Path) -> None:
    path = tmp_path / "m.yaml"
    path.write_text("metrics:\n  a:\n    name: A\n    kind: count\n    broader: b\n"
                    "  b:\n    name: B\n    kind: count\n    broader: a\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="cycle"):
        load_catalog(path)


def test_unreadable_or_empty_catalog_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError):
        load_catalog(tmp_path / "missing.yaml")
    empty = tmp_path / "empty.yaml"
    empty.write_text("metrics: {}\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="non-empty"):
        load_catalog(empty)


def test_catalog_is_loaded_once_per_file_version(tmp_path: Path) -> None:
    path = _copy(tmp_path)
    first = load_catalog(path)
    assert load_catalog(path) is first
    st = path.stat()
    path.write_text(path.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000))
    assert load_catalog(path) is not first
