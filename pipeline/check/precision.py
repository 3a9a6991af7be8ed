"""How precisely a figure is written: FORMAT.md reads a figure with decimals or a scale word as an interval.

Why a module of its own: the finders record the width of each operand, the verdict compares intervals;
both must read "4,5 ngàn" the same way (4.450–4.550), and a whole number without a scale word is exact.
"""

from __future__ import annotations

import re

from extractors.numbers import MULTIPLIERS

_SCALE_RE = re.compile(
    r"\d\s?(" + "|".join(sorted(map(re.escape, MULTIPLIERS), key=len, reverse=True)) + r")(?!\w)", re.I
)


def scale_of(quote: str) -> float:
    """The multiplier a scale word after the digits gives ("1,07 triệu" -> 1e6), 1 when none."""
    m = _SCALE_RE.search(quote)
    return MULTIPLIERS.get(m.group(1).lower(), 1.0) if m else 1.0


def half_width(quote: str, decimals: int) -> float:
    """Half a unit of the last written digit, times the scale: "0,49" -> 0.005, "4,5 ngàn" -> 50,
    "300 triệu" -> 500 000; 0 for a whole number without a scale word (it is exact)."""
    scale = scale_of(quote)
    if decimals <= 0 and scale == 1.0:
        return 0.0
    return 0.5 * 10.0 ** -max(decimals, 0) * scale


def without_scale(quote: str) -> str:
    """The quote with a scale word after its digits removed ("4,52 ngàn" -> "4,52")."""
    return _SCALE_RE.sub(lambda m: m.group(0)[: m.start(1) - m.start(0)].rstrip(), quote)
