"""The verdict of one relation: `ok`, `mismatch` or `unverifiable`, with the tolerance and the reason.

Why the verdict logic is careful: a false alarm costs an auditor's trust, a missed mismatch costs
the audit. So
- the tolerance follows the stated precision (statcheck's rule): a percent written with k decimals
  matches within half a unit of its last digit, or when it equals the truncated value; sums are exact;
  the tolerance used is stored on the row;
- an ambiguous reading (which base a share refers to, a footnote marker glued to a number, a digit OCR
  may have misread) is never a mismatch when another plausible reading fits: that is `unverifiable`
  with the reason; a mismatch is reported only when no reading fits;
- a hedged stated figure is an inequality or a band (FORMAT.md): "hơn/trên X" holds when the computed
  value reaches X − tolerance, "dưới/chưa đến X" when it stays under X + tolerance, "khoảng/gần/xấp
  xỉ/ước X" when it is within 5 % of X; a hedged operand only bounds the computed value (never a
  mismatch); figures written with decimals or a scale word are intervals; a relation whose wording is
  not certain (`strong=False`) is never a mismatch.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from pipeline import severity as rank
from pipeline.check.messages import messages, reason_text
from pipeline.check.relation import PERCENT_RULES, Judgement, Reading, Relation
from pipeline.check.rules import Rules, load_rules
from pipeline.model import UNSURE_TAG, Check, Fact, NormText, Section, ocr_read_as, section_at, stable_id


def percent_fits(stated: float, computed: float, decimals: int, rules: Rules | None = None) -> bool:
    """FORMAT.md's rule: within half a unit of the last written digit, or equal to the truncated value."""
    tol = (rules or load_rules()).tolerance
    eps = tol.float_epsilon
    half = tol.percent_half_unit * 10**-decimals
    if abs(stated - computed) <= half + eps:
        return True
    if tol.accept_truncation:
        scale = 10**decimals
        truncated = math.floor(computed * scale + 1e-7) / scale
        return abs(stated - truncated) <= eps
    return False


def judge(rel: Relation, operands: Sequence[float], stated: float, rules: Rules) -> Judgement:
    """Does one reading of a relation hold, and by how much does it miss?

    Operands written with decimals or a scale word are intervals (`Relation.spans`): the reading holds
    when some value of the interval fits (FORMAT.md; XBRL Calculations 1.1 for sums)."""
    tol = rules.tolerance
    eps = tol.float_epsilon
    spans = _spans(rel, operands)
    if rel.rule in PERCENT_RULES:
        a, b = operands
        if b == 0:
            return Judgement(False, None, math.nan, 0.0)
        k = rel.decimals[0] if rel.decimals else 0
        expected = 100.0 * a / b
        half = tol.percent_half_unit * 10**-k
        lo, hi = percent_range(a, b, spans[0], spans[1])
        fits = percent_fits(stated, expected, k, rules) or lo - half - eps <= stated <= hi + half + eps
        return Judgement(fits, expected, stated - expected, half)
    if rel.rule == "sum_parts":
        expected = float(sum(operands))
        # exact: only float noise is forgiven (a 1-đồng slip in 18 billion is still a slip), unless the
        # figures are written rounded ("5,65 ngàn"): then the intervals must meet
        allowed = tol.sum_absolute + max(1e-6, 1e-13 * abs(expected)) + sum(spans) + rel.stated_span
        return Judgement(
            abs(stated - expected) <= allowed,
            expected,
            stated - expected,
            tol.sum_absolute + sum(spans) + rel.stated_span,
        )
    if rel.rule == "shares_exceed_total":
        expected = float(sum(operands))
        ks = rel.decimals if len(rel.decimals) == len(operands) else (0,) * len(operands)
        below = sum(10.0**-k for k in ks)  # every share truncated
        above = sum(tol.percent_half_unit * 10.0**-k for k in ks)  # every share rounded
        over = expected - stated
        fits = over <= above + eps and (not rel.complete or -over <= below + eps)
        return Judgement(fits, expected, expected - stated, above if over > 0 else below)
    if rel.rule == "conflicting_values":
        a = operands[0]
        k = rel.decimals[0] if rel.decimals else 0
        half = 0.5 * 10**-k if k else 0.0
        return Judgement(abs(stated - a) <= half + eps, a, stated - a, half)
    if rel.rule == "list_count":
        expected = float(len(operands))
        return Judgement(abs(stated - expected) <= eps, expected, stated - expected, 0.0)
    if rel.rule == "difference":
        # "cao hơn 0,4% so với (35,5%)": the gap and both figures are rounded to their last digit
        hi, lo = operands
        k = rel.decimals[0] if rel.decimals else 0
        half = (tol.percent_half_unit * 10**-k if k else 0.0) + sum(spans) + rel.stated_span
        expected = hi - lo
        return Judgement(abs(stated - expected) <= half + eps, expected, stated - expected, half)
    if rel.rule == "per_unit_rate":
        # "0,73 máy/người": a/b rounded (or truncated) to the rate's written decimals
        a, b = operands
        if b == 0:
            return Judgement(False, None, math.nan, 0.0)
        k = rel.decimals[0] if rel.decimals else 0
        expected = a / b
        half = tol.percent_half_unit * 10**-k
        lo = max(a - spans[0], 0.0) / (b + spans[1])
        hi = (a + spans[0]) / (b - spans[1]) if b - spans[1] > 0 else math.inf
        truncated = math.floor(expected * 10**k + 1e-7) / 10**k
        fits = lo - half - eps <= stated <= hi + half + eps or (
            tol.accept_truncation and abs(stated - truncated) <= eps
        )
        return Judgement(fits, expected, stated - expected, half)
    raise ValueError(f"unknown rule {rel.rule}")


def _spans(rel: Relation, operands: Sequence[float]) -> tuple[float, ...]:
    return rel.spans if len(rel.spans) == len(operands) else (0.0,) * len(operands)


def percent_range(a: float, b: float, ha: float = 0.0, hb: float = 0.0) -> tuple[float, float]:
    """The percents a/b can give when a and b stand for a ± ha and b ± hb."""
    lo_b, hi_b = b + hb, b - hb
    lo = 100.0 * max(a - ha, 0.0) / lo_b if lo_b > 0 else 0.0
    hi = 100.0 * (a + ha) / hi_b if hi_b > 0 else math.inf
    return lo, hi


def hedge_fits(kind: str, stated: float, lo: float, hi: float, tolerance: float, rules: Rules) -> bool:
    """FORMAT.md's hedges on the stated figure X: "hơn/trên X" holds when the computed value reaches
    X − tolerance, "dưới/chưa đến X" when it stays under X + tolerance, "khoảng/gần/xấp xỉ/ước X" when it
    is within the relative band (5 %) of X. `lo`–`hi` is what the operands give (an interval when they
    are written rounded)."""
    eps = rules.tolerance.float_epsilon
    if kind == "lower_bound":
        return hi >= stated - tolerance - eps
    if kind == "upper_bound":
        return lo <= stated + tolerance + eps
    band = rules.tolerance.approximate_relative * abs(stated)
    return lo <= stated + band + tolerance + eps and hi >= stated - band - tolerance - eps


def computed_range(rel: Relation, operands: Sequence[float], j: Judgement) -> tuple[float, float]:
    """The interval the operands give for the stated figure (a point when they are exact)."""
    spans = _spans(rel, operands)
    if rel.rule in PERCENT_RULES:
        return percent_range(operands[0], operands[1], spans[0], spans[1])
    e = j.expected if j.expected is not None else math.nan
    w = sum(spans) if rel.rule == "sum_parts" else 0.0
    return e - w, e + w


def severity(rule: str, diff: float, expected: float | None, reason: str | None = None,
             confidence: float | None = None) -> float:
    """How bad a discrepancy is, to list the worst first (pipeline.severity, schemas/severity.yaml)."""
    return rank.severity(rule, diff, expected, reason, confidence)


def ocr_unsure(facts: Sequence[Fact]) -> dict[str, Fact]:
    """Figures whose digits OCR may have got wrong (tagged by the ingest: a guessed digit, a word the
    recognizer was unsure of)."""
    return {f.fact_id: f for f in facts if UNSURE_TAG in (f.extractor or "")}


def evaluate(
    t: NormText,
    sections: Sequence[Section],
    rel: Relation,
    doc_id: str,
    rules: Rules,
    unsure: dict[str, Fact] | None = None,
) -> Check:
    """One relation -> one check row with its verdict, tolerance, reason and messages."""
    primary = Reading(rel.operands, rel.stated, rel.note or "", rel.note_args)
    j = judge(rel, rel.operands, rel.stated, rules)
    shown, shown_j = primary, j
    reason_key: str | None = rel.note
    reason_args = rel.note_args
    if j.expected is None:
        status, reason_key, reason_args = "unverifiable", "zero_base", ()
    elif j.fits:
        status = "ok"
    else:
        alt = next((r for r in rel.readings if judge(rel, r.operands, r.stated, rules).fits), None)
        if alt is not None:
            status, reason_key, reason_args = "unverifiable", alt.reason, alt.args
        elif rel.approximate:
            status = _approximate_verdict(rel, j, rules)
            if _stated_hedge_decides(rel):
                reason_key, reason_args = f"hedge_{rel.approximate}", (("x", rel.qualifier or ""),)
            elif status != "mismatch":
                reason_key, reason_args = "approximate", (("x", rel.qualifier or ""),)
        elif not rel.strong:
            status = "unverifiable"
            reason_key, reason_args = rel.note or "weak_structure", rel.note_args
        elif doubt := next((unsure[i] for i in rel.fact_ids if unsure and i in unsure), None):
            status, reason_key = "unverifiable", "ocr_unsure"
            repair = ocr_read_as(doubt.extractor)
            reason_args = (("x", "=" + doubt.quote), ("y", f"= (OCR: {repair})" if repair else "="))
        else:
            status = "mismatch"
            # report on the closest plausible reading (e.g. "179/188" rather than "179/18810")
            for r in rel.readings:
                if not r.reportable:
                    continue
                rj = judge(rel, r.operands, r.stated, rules)
                if rj.expected is not None and abs(rj.diff) < abs(shown_j.diff):
                    shown, shown_j = r, rj
            if shown is not primary:
                reason_key, reason_args = _used_reason(shown.reason), shown.args
    if status == "ok" and rel.approximate and reason_key is None:
        key = f"hedge_{rel.approximate}" if _stated_hedge_decides(rel) else "approximate"
        reason_key, reason_args = key, (("x", rel.qualifier or ""),)
    return _make_check(t, sections, rel, doc_id, rules, status, shown, shown_j, reason_key, reason_args)


def holds(rel: Relation, rules: Rules) -> bool:
    """Whether the primary reading of a relation is consistent (FORMAT.md's rounding, intervals and
    hedges): what the selection of candidate readings asks of each reading."""
    j = judge(rel, rel.operands, rel.stated, rules)
    if j.expected is None:
        return False
    if j.fits:
        return True
    return bool(rel.approximate) and _approximate_verdict(rel, j, rules) == "ok"


def _used_reason(key: str) -> str:
    return {"footnote_reading": "footnote_used"}.get(key, key)


def _stated_hedge_decides(rel: Relation) -> bool:
    """Whether the verdict follows the hedge on the stated figure (FORMAT.md), so the message names it."""
    if rel.hedge_on_stated is False or rel.rule not in (*PERCENT_RULES, "shares_exceed_total", "sum_parts"):
        return False
    return not (rel.hedge_on_stated is None and rel.rule == "sum_parts")


def _approximate_verdict(rel: Relation, j: Judgement, rules: Rules) -> str:
    """A hedged figure is an inequality or a band, never an equality (FORMAT.md). A hedge on the stated
    figure decides the verdict by `hedge_fits`; a hedge on an operand only bounds the computed value, so
    a reading that does not fit exactly is unverifiable, not a mismatch."""
    kind = rel.approximate or "approximate"
    if rel.hedge_on_stated is False or rel.rule not in (*PERCENT_RULES, "shares_exceed_total", "sum_parts"):
        return "ok" if abs(j.diff) <= j.tolerance + 1e-9 else "unverifiable"
    if rel.hedge_on_stated is None and rel.rule == "sum_parts":
        # a finder that does not say where the hedge is: bounds added up are only bounds
        return "ok" if abs(j.diff) <= j.tolerance + 1e-9 else "unverifiable"
    if rel.rule == "shares_exceed_total":
        lo = hi = j.expected if j.expected is not None else math.nan
    else:
        lo, hi = computed_range(rel, rel.operands, j)
    if hedge_fits(kind, rel.stated, lo, hi, j.tolerance, rules):
        return "ok"
    return "mismatch" if rel.strong else "unverifiable"


def error_check(
    t: NormText, sections: Sequence[Section], rel: Relation, doc_id: str, rules: Rules, e: Exception
) -> Check:
    j = Judgement(False, None, math.nan, 0.0)
    primary = Reading(rel.operands, rel.stated, "error")
    return _make_check(
        t, sections, rel, doc_id, rules, "unverifiable", primary, j, "error", (("x", type(e).__name__),)
    )


def _make_check(
    t: NormText,
    sections: Sequence[Section],
    rel: Relation,
    doc_id: str,
    rules: Rules,
    status: str,
    reading: Reading,
    j: Judgement,
    reason_key: str | None,
    reason_args: tuple[tuple[str, str], ...],
) -> Check:
    s, e = rel.char_start, rel.char_end
    operands = tuple(float(x) for x in reading.operands)
    sec = section_at(sections, s)
    reason_en = reason_text(rules, reason_key, reason_args, "en")
    msg_vi, msg_en = messages(rules, rel, status, reading, j, reason_key, reason_args)
    expected = None if j.expected is None else round(j.expected, 6)
    return Check(
        check_id=stable_id(doc_id, rel.rule, operands, s),
        rule=rel.rule,
        status=status,
        stated=float(reading.stated),
        expected=expected,
        tolerance=round(j.tolerance, 12),
        operands=operands,
        message_vi=msg_vi,
        message_en=msg_en,
        quote=t.text[s:e],
        char_start=s,
        char_end=e,
        page=t.page_at(s),
        fact_ids=rel.fact_ids,
        reason=(f"{reason_en} [{rel.connective}]" if reason_en else f"[{rel.connective}]"),
        section_id=sec.section_id if sec else None,
        severity=0.0 if status == "ok"
        else round(severity(rel.rule, j.diff, j.expected, reason_key, rel.confidence), 9),
        confidence=round(min(max(rel.confidence, 0.0), 1.0), 6),
    )
