"""The verdict of one relation: `ok`, `mismatch` or `unverifiable`, with the tolerance and the reason.

Why the verdict logic is careful: a false alarm costs an auditor's trust, a missed mismatch costs
the audit. So
- the tolerance follows the stated precision (statcheck's rule): a percent written with k decimals
  matches within half a unit of its last digit, or when it equals the truncated value; sums are exact;
  the tolerance used is stored on the row;
- an ambiguous reading (which base a share refers to, a footnote marker glued to a number, a digit OCR
  may have misread) is never a mismatch when another plausible reading fits: that is `unverifiable`
  with the reason; a mismatch is reported only when no reading fits;
- an approximate figure ("trên 85%") is checked by direction and is a mismatch only when clearly
  contradicted; a relation whose wording is not certain (`strong=False`) is never a mismatch.
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
    """Does one reading of a relation hold, and by how much does it miss?"""
    tol = rules.tolerance
    eps = tol.float_epsilon
    if rel.rule in PERCENT_RULES:
        a, b = operands
        if b == 0:
            return Judgement(False, None, math.nan, 0.0)
        k = rel.decimals[0] if rel.decimals else 0
        expected = 100.0 * a / b
        return Judgement(
            percent_fits(stated, expected, k, rules),
            expected,
            stated - expected,
            tol.percent_half_unit * 10**-k,
        )
    if rel.rule == "sum_parts":
        expected = float(sum(operands))
        # exact: only float noise is forgiven (a 1-đồng slip in 18 billion is still a slip)
        allowed = tol.sum_absolute + max(1e-6, 1e-13 * abs(expected))
        return Judgement(
            abs(stated - expected) <= allowed,
            expected,
            stated - expected,
            tol.sum_absolute,
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
    raise ValueError(f"unknown rule {rel.rule}")


def severity(rule: str, diff: float, expected: float | None, reason: str | None = None) -> float:
    """How bad a discrepancy is, to list the worst first (pipeline.severity, schemas/severity.yaml)."""
    return rank.severity(rule, diff, expected, reason)


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
            if status != "mismatch":
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
        reason_key, reason_args = "approximate", (("x", rel.qualifier or ""),)
    return _make_check(t, sections, rel, doc_id, rules, status, shown, shown_j, reason_key, reason_args)


def _used_reason(key: str) -> str:
    return {"footnote_reading": "footnote_used"}.get(key, key)


def _approximate_verdict(rel: Relation, j: Judgement, rules: Rules) -> str:
    """ "trên 85%" bounds the truth from below: it holds when the numbers give at least 85%; it is a
    mismatch only when they fall short by more than the margin (clearly contradicted)."""
    if rel.rule not in (*PERCENT_RULES, "shares_exceed_total"):
        # "hơn 10.841 camera, trong đó hơn 8.192 …, hơn 2.649 …": bounds add up to bounds; only an
        # exact fit says anything
        return "ok" if abs(j.diff) <= j.tolerance + 1e-9 else "unverifiable"
    margin = rules.tolerance.approximate_margin_points
    short = -j.diff  # expected - stated
    if rel.approximate == "lower_bound" and rel.rule in PERCENT_RULES:
        if short >= -j.tolerance:
            return "ok"
        return "mismatch" if -short > margin + j.tolerance else "unverifiable"
    if rel.approximate == "upper_bound" and rel.rule in PERCENT_RULES:
        if short <= j.tolerance:
            return "ok"
        return "mismatch" if short > margin + j.tolerance else "unverifiable"
    if abs(j.diff) <= j.tolerance:
        return "ok"
    return "mismatch" if abs(j.diff) > 5 * margin + j.tolerance else "unverifiable"


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
        severity=0.0 if status == "ok" else round(severity(rel.rule, j.diff, j.expected, reason_key), 9),
    )
