"""A figure written with decimals or a scale word stands for an interval (FORMAT.md: "4,5 ngàn" is
4.450–4.550); a sum of such figures fits its total when the intervals overlap (XBRL Calculations 1.1).

Why here: the list and identity finders decide with it whether a sum that misses exactly still fits
as written, so that a rounded breakdown is never reported as a mismatch.
"""

from __future__ import annotations

from collections.abc import Sequence

from pipeline.check.passage import Fig


def scale_of(f: Fig) -> float:
    """The worth of one unit of f's written mantissa: "4,52 ngàn" is 4520 with 2 decimals, so 1.000."""
    for s in (1e9, 1e6, 1e3):
        m = f.value / s
        if m >= 1 and abs(round(m, f.decimals) - m) < 1e-9:
            return s
    return 1.0


def interval(figs: Sequence[Fig]) -> tuple[float, float]:
    """The interval of the sum of figs: each ± half a unit of its last written digit."""
    lo = hi = 0.0
    for f in figs:
        half = 0.5 * 10 ** (-f.decimals) * scale_of(f) if f.decimals else 0.0
        lo += f.value - half
        hi += f.value + half
    return lo, hi


def sum_fits(total: Fig, parts: Sequence[Fig]) -> bool:
    lo, hi = interval(parts)
    t_lo, t_hi = interval((total,))
    return lo <= t_hi + 1e-9 and t_lo <= hi + 1e-9
