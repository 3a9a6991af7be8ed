"""The records the check stage passes between its steps: a relation found in the text, the other
readings of its numbers, and the judgement of one reading.

Why a module of their own: finders produce them, the verdict and messages consume them, and neither
side should import the other.
"""

from __future__ import annotations

from dataclasses import dataclass

RULES = (
    "ratio_percent",
    "share_of_total",
    "sum_parts",
    "shares_exceed_total",
    "conflicting_values",
    "list_count",
    "difference",
    "per_unit_rate",
)
STATUSES = ("ok", "mismatch", "unverifiable")
PERCENT_RULES = ("ratio_percent", "share_of_total")  # rules whose stated value is a percent of a base


@dataclass(frozen=True, slots=True)
class Reading:
    """Another way to read a relation's numbers, and why it is plausible."""

    operands: tuple[float, ...]
    stated: float
    reason: str  # key of checks.yaml `reasons`
    args: tuple[tuple[str, str], ...] = ()  # placeholders for the reason text; "=…" is kept as written
    reportable: bool = False  # a mismatch may be reported on this reading when it is the closest


@dataclass(frozen=True, slots=True)
class Relation:
    rule: str
    operands: tuple[float, ...]
    stated: float
    char_start: int
    char_end: int
    fact_ids: tuple[str, ...]
    connective: str  # evidence: which words or structure made the relation
    decimals: tuple[int, ...] = (0,)  # percent rules: (k of stated,); shares: k of each share
    strong: bool = True  # False: the wording may not mean this relation -> never a mismatch
    approximate: str | None = None  # lower_bound | upper_bound | approximate (a qualifier applies)
    qualifier: str | None = None  # the qualifier word as written
    complete: bool = True  # shares_exceed_total: every part carries a share
    readings: tuple[Reading, ...] = ()  # alternatives to the primary reading
    note: str | None = None  # reason key that qualifies the primary reading (e.g. total_not_stated)
    note_args: tuple[tuple[str, str], ...] = ()
    # FORMAT.md's intervals: half the width a figure written with decimals or a scale word stands for
    # ("4,52 ngàn" = 4.515–4.525), per operand (empty: all exact) and for the stated figure of a sum
    spans: tuple[float, ...] = ()
    stated_span: float = 0.0
    # whether the hedge ("hơn", "dưới", "khoảng") is on the stated figure (True), on an operand
    # (False) or not known (None: the finder did not say)
    hedge_on_stated: bool | None = None
    confidence: float = 1.0  # how strongly the structure supports this reading (0–1), stored on the row


# ----------------------------------------------------------------------------------------------
# Rules (schemas/checks.yaml), loaded once
# ----------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Judgement:
    """Whether one reading of a relation holds, what the numbers give, and the tolerance used."""

    fits: bool
    expected: float | None
    diff: float  # stated - expected (signed)
    tolerance: float
