"""The choice among candidate readings: keep the best-supported reading that fits; report a mismatch
only when the best-supported reading is strong and no plausible reading fits.

Why one selection step for every finder: whether "16.307 hồ sơ (chiếm 88,5%)" is a share of the
received or of the resolved dossiers is the same question as which total a list of parts belongs
to; answering it in one place keeps the finders from each inventing a rule, and keeps false alarms
(a wrong base taken for a wrong figure) out of the auditor's list.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from pipeline.check.candidates import Candidate, confidence
from pipeline.check.rules import Rules


@dataclass(frozen=True, slots=True)
class Choice:
    """The reading kept, whether it fits, how strongly the structure supports it (0–1), whether that is
    strong enough for a mismatch, and the other plausible readings (best first)."""

    candidate: Candidate
    fits: bool
    confidence: float
    strong: bool
    others: tuple[Candidate, ...]


def choose(cands: Sequence[Candidate], fits: Callable[[Candidate], bool], rules: Rules) -> Choice | None:
    """The fitting candidate with the best support (at least `plausible`), else the best candidate,
    strong only when its score reaches `strong` and leads the next one by `margin`."""
    cfg = rules.config.candidates
    plausible = [c for c in cands if c.score >= cfg.plausible]  # the finder's order: best first
    if not plausible:
        return None
    best = plausible[0]
    fitting = next((c for c in plausible if fits(c)), None)
    if fitting is not None:
        others = tuple(c for c in plausible if c is not fitting)
        return Choice(fitting, True, confidence(fitting.score), True, others)
    second = plausible[1].score if len(plausible) > 1 else 0.0
    strong = best.score >= cfg.strong and best.score - second >= cfg.margin
    return Choice(best, False, confidence(best.score), strong, tuple(plausible[1:]))
