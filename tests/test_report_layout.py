"""The HTML report as an auditor opens it: charts drawn inline, documents with most open problems
first, and no horizontal scroll in a 760-pixel window (checked in headless Chromium when installed)."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from markupsafe import Markup

from pipeline.read.charts import hbar, rate_dots
from pipeline.read.report import gap_histogram, write_report

PROBE = """<script>document.body.setAttribute("data-sw",
  document.documentElement.scrollWidth + "/" + window.innerWidth);</script></body>"""


@pytest.fixture(scope="module")
def html(corpus_db: Path, tmp_path_factory) -> str:
    out = tmp_path_factory.mktemp("layout") / "r.html"
    write_report(corpus_db, out)
    return out.read_text(encoding="utf-8")


def test_charts_are_inline_svg_with_escaped_labels() -> None:
    svg = hbar([("Tỉnh <A>", 3), ("B", 1)], title="t")
    assert isinstance(svg, Markup) and svg.startswith("<svg") and "&lt;A&gt;" in svg
    assert hbar([], title="t") == ""
    dots = rate_dots([{"unit": "cấp xã", "province": "Tỉnh Một", "year": 2023, "rate": 80.0, "figures": 2},
                      {"unit": "cấp xã", "province": "Tỉnh Hai", "year": 2023, "rate": 40.0, "figures": 1}],
                     title="r")
    assert dots.count("<circle") >= 2 + 1, "one dot per unit and year, plus the legend"
    assert "cấp xã (Tỉnh Một)" in dots and "cấp xã (Tỉnh Hai)" in dots, "units of two provinces stay apart"


def test_report_has_the_province_and_rule_charts(html: str) -> None:
    assert html.count('<svg class="chart"') >= 2
    assert "open mismatches by province" in html


def test_documents_with_most_open_problems_come_first(html: str) -> None:
    listed = re.findall(r'<li><a href="#doc-[^"]+">[^<]*</a>[^<]*(?:<span class="tag mm">(\d+) ✗</span>)?</li>', html)
    values = [int(x) if x else 0 for x in listed]
    assert len(set(values)) > 1 and values == sorted(values, reverse=True), "the list starts with the worst"


@pytest.mark.skipif(shutil.which("chromium") is None, reason="headless Chromium is not installed")
def test_no_horizontal_scroll_at_760_pixels(html: str, tmp_path: Path) -> None:
    page = tmp_path / "probe.html"
    page.write_text(html.replace("</body>", PROBE), encoding="utf-8")
    dom = subprocess.run(["chromium", "--headless", "--no-sandbox", "--disable-gpu", "--window-size=760,900",
                          "--dump-dom", page.as_uri()], capture_output=True, text=True, timeout=120).stdout
    m = re.search(r'data-sw="(\d+)/(\d+)"', dom)
    assert m, "Chromium did not run the probe"
    assert int(m.group(1)) <= int(m.group(2)), f"page is {m.group(1)} px wide in a {m.group(2)} px window"


def test_gap_histogram_measures_percents_in_points_and_counts_relatively() -> None:


    found = gap_histogram([
        {"rule": "ratio_percent", "stated": 50.0, "expected": 47.0},  # 3 points
        {"rule": "share_of_total", "stated": 10.0, "expected": 10.7},  # 0.7 points
        {"rule": "sum_parts", "stated": 1000.0, "expected": 1020.0},  # 2 % of the total
        {"rule": "sum_parts", "stated": None, "expected": 5.0},
    ])
    assert dict(found) == {"tỷ lệ: 0,5–1 điểm %": 1, "tỷ lệ: 2–5 điểm %": 1, "số lượng: 1–5 %": 1}
