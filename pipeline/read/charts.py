"""Inline SVG charts for the HTML report: the report must open offline and print, so no script
library and no network — each chart is a few rectangles and texts, escaped, scaled by its viewBox
to whatever width the page has (it never forces a horizontal scroll).
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from markupsafe import Markup

WIDTH = 600  # the viewBox width; the chart is drawn at 100 % of its container
ROW = 22
LABEL = 230  # room for the labels on the left
YEAR_COLOURS = ("#1f5fa8", "#e07b00", "#067647", "#b42318", "#7a4cc2", "#667085", "#c11c84", "#0e9384", "#8a6d00")


def _clip(s: str, n: int) -> str:
    return s if len(s) <= n else s[: n - 1] + "…"


def hbar(items: Sequence[tuple[str, float]], *, title: str, unit: str = "") -> Markup:
    """A horizontal bar per item, longest first as given; the value written at the end of each bar."""
    if not items:
        return Markup("")
    top = max(v for _, v in items) or 1
    span = WIDTH - LABEL - 50
    h = ROW * len(items) + 8
    parts = [f'<svg class="chart" role="img" viewBox="0 0 {WIDTH} {h}" width="100%" '
             f'preserveAspectRatio="xMinYMin meet"><title>{escape(title)}</title>']
    for i, (label, v) in enumerate(items):
        y = 4 + i * ROW
        w = max(span * v / top, 1.5)
        parts.append(f'<text x="{LABEL - 6}" y="{y + 15}" text-anchor="end" font-size="12">'
                     f'<title>{escape(label)}</title>{escape(_clip(label, 34))}</text>')
        parts.append(f'<rect x="{LABEL}" y="{y + 3}" width="{w:.1f}" height="{ROW - 8}" rx="2" fill="#b42318"/>')
        parts.append(f'<text x="{LABEL + w + 5:.1f}" y="{y + 15}" font-size="12">{v:g}{escape(unit)}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))


def rate_dots(rows: Sequence[dict], *, title: str, max_units: int = 15) -> Markup:
    """Rates by unit and year: one line per unit (with its province, so units of different provinces
    are never averaged together), a dot per year on a 0–100 % axis, the years in the legend."""
    if not rows:
        return Markup("")
    per_unit: dict[tuple[str, str], list[dict]] = {}
    for r in rows:
        per_unit.setdefault((r["unit"], r.get("province") or ""), []).append(r)
    units = sorted(per_unit, key=lambda k: (-sum(x["figures"] for x in per_unit[k]), k))[:max_units]
    years = sorted({r["year"] for k in units for r in per_unit[k] if r["year"] is not None})
    colour = {y: YEAR_COLOURS[i % len(YEAR_COLOURS)] for i, y in enumerate(years)}
    span = WIDTH - LABEL - 20
    h = ROW * len(units) + 44
    parts = [f'<svg class="chart" role="img" viewBox="0 0 {WIDTH} {h}" width="100%" '
             f'preserveAspectRatio="xMinYMin meet"><title>{escape(title)}</title>']
    for tick in (0, 25, 50, 75, 100):
        x = LABEL + span * tick / 100
        parts.append(f'<line x1="{x:.1f}" y1="2" x2="{x:.1f}" y2="{h - 36}" stroke="#d8dde6"/>'
                     f'<text x="{x:.1f}" y="{h - 24}" text-anchor="middle" font-size="11">{tick}%</text>')
    for i, key in enumerate(units):
        y = 4 + i * ROW
        label = f"{key[0]} ({key[1]})" if key[1] else key[0]
        parts.append(f'<text x="{LABEL - 6}" y="{y + 15}" text-anchor="end" font-size="12">'
                     f'<title>{escape(label)}</title>{escape(_clip(label, 34))}</text>')
        for r in per_unit[key]:
            if r["rate"] is None:
                continue
            x = LABEL + span * max(0.0, min(float(r["rate"]), 100.0)) / 100
            parts.append(f'<circle cx="{x:.1f}" cy="{y + 10}" r="5" fill="{colour.get(r["year"], "#667085")}">'
                         f'<title>{escape(label)} {r["year"]}: {float(r["rate"]):g}%</title></circle>')
    x = LABEL
    for yv in years:
        parts.append(f'<circle cx="{x + 5}" cy="{h - 8}" r="5" fill="{colour[yv]}"/>'
                     f'<text x="{x + 13}" y="{h - 4}" font-size="11">{yv}</text>')
        x += 52
    parts.append("</svg>")
    return Markup("".join(parts))
