"""The ranking an auditor agrees with: a percentage error in points, a count error relative to its
total, strong arithmetic above two values that may describe different scopes, an uncertain reading
below a sure one."""

from __future__ import annotations

import math

import pytest

from pipeline import store
from pipeline.read.queries import run_named
from pipeline.severity import gap_score, rules, severity


def test_a_five_point_percent_error_outranks_a_conflicting_pair_far_apart() -> None:
    five_points = severity("ratio_percent", 5.0, 37.3)
    stated_twice = severity("conflicting_values", 72.0, 319.0, "scope_may_differ")
    assert five_points > stated_twice


def test_percent_gaps_are_measured_in_points_not_relative_to_the_percent() -> None:
    assert severity("share_of_total", 2.0, 4.0) == pytest.approx(severity("share_of_total", 2.0, 90.0))
    assert severity("share_of_total", 3.0, 50.0) > severity("share_of_total", 1.0, 50.0)


def test_count_gaps_are_relative_to_the_expected_total() -> None:
    one_in_ten = severity("sum_parts", 1.0, 10.0)
    one_in_ten_thousand = severity("sum_parts", 1.0, 10_000.0)
    assert one_in_ten > 10 * one_in_ten_thousand


def test_an_uncertain_reading_ranks_below_the_same_gap_read_with_certainty() -> None:
    assert severity("ratio_percent", 4.0, 50.0, "base_nearby") < severity("ratio_percent", 4.0, 50.0)
    assert severity("ratio_percent", 4.0, 50.0, confidence=0.5) == pytest.approx(
        severity("ratio_percent", 4.0, 50.0) / 2)


def test_severity_is_bounded_and_zero_without_a_gap() -> None:
    assert severity("sum_parts", 0.0, 10.0) == 0.0
    assert severity("sum_parts", math.nan, 10.0) == 0.0
    assert 0 < severity("sum_parts", 1e9, 1.0) < 1
    assert gap_score("ratio_percent", rules().percent_half_points, 50.0) == pytest.approx(0.5)


def test_an_unknown_rule_takes_the_default_weight() -> None:
    r = rules()
    assert severity("some_new_rule", 1.0, 1.0) == pytest.approx(r.default_rule_weight * gap_score("x", 1.0, 1.0))


def test_stored_mismatches_are_listed_strong_arithmetic_first(corpus_db) -> None:
    con = store.connect(corpus_db, read_only=True)
    try:
        rows = run_named(con, "mismatches")
    finally:
        con.close()
    assert rows[0]["rule"] != "conflicting_values"
    first_conflict = next(i for i, r in enumerate(rows) if r["rule"] == "conflicting_values")
    assert any(r["rule"] in ("ratio_percent", "share_of_total") for r in rows[:first_conflict])
