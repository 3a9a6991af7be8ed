"""How bad a finding is, so the worst is read first: rule weight × structure confidence × gap score.

Why this and not |diff| / expected: an auditor ranks "42,3% where the figures give 37,3%" (5 points)
above "319 vs 391 stated twice" (a rule that says itself the two may cover different scopes), and a
count off by one in ten above a total off by one in ten thousand. So the gap is measured in the
figure's own terms — percentage points for percents, relative for counts and amounts — squashed to
0..1, and weighted by how strong the rule is and how sure the reading of the sentence was. The numbers
live in schemas/severity.yaml (explained there); this module is a pure function of one check.
"""

from __future__ import annotations

import math

from pipeline.config import Strict, load_model


class SeverityRules(Strict):
    version: int = 1
    percent_rules: tuple[str, ...]
    percent_half_points: float
    relative_half: float
    rule_weight: dict[str, float]
    default_rule_weight: float
    reason_confidence: dict[str, float]


def rules() -> SeverityRules:
    return load_model("severity.yaml", SeverityRules)


def gap_score(rule: str, diff: float, expected: float | None, r: SeverityRules | None = None) -> float:
    """The gap in the figure's own terms, squashed to 0..1 (half of `half` is 1/3, `half` itself 1/2)."""
    r = r or rules()
    if not math.isfinite(diff):
        return 0.0
    if rule in r.percent_rules:
        g, half = abs(diff), r.percent_half_points
    else:
        g, half = abs(diff) / max(abs(expected or 0.0), 1.0), r.relative_half
    return g / (g + half) if g > 0 else 0.0


def severity(
    rule: str,
    diff: float,
    expected: float | None,
    reason: str | None = None,
    confidence: float | None = None,
) -> float:
    """The ranking of one failed check, 0 ≤ severity < 1 (0 for a check that holds or cannot be judged).

    `confidence` is the check stage's own confidence in the structure (checks.confidence); the check's
    reason key (e.g. `base_nearby`) may lower it further through severity.yaml. The lesser of the two
    counts, 1.0 when neither says anything.
    """
    r = rules()
    weight = r.rule_weight.get(rule, r.default_rule_weight)
    sure = min(1.0 if confidence is None else confidence, r.reason_confidence.get(reason or "", 1.0))
    return weight * max(0.0, min(sure, 1.0)) * gap_score(rule, diff, expected, r)
