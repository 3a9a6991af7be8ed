"""Consistency checks: recompute every arithmetic claim a report makes and give a verdict.

`extractors.relations` finds what the text makes checkable; this module decides, per relation,
`ok`, `mismatch` or `unverifiable`, and writes what an auditor needs to act: what is stated, what
the numbers give, the difference, in Vietnamese and English (templates in schemas/checks.yaml).

Why the verdict logic is careful: a false alarm costs an auditor's trust, a missed mismatch costs
the audit. So
- the tolerance follows the stated precision (statcheck's rule): a percent written with k decimals
  matches within half a unit of its last digit, or when it equals the truncated value; sums are exact;
  the tolerance used is stored on the row;
- an ambiguous reading (which base a share refers to, a footnote marker glued to a number, a digit OCR
  may have misread) is never a mismatch when another plausible reading fits: that is `unverifiable`
  with the reason; a mismatch is reported only when no reading fits;
- an approximate figure ("trên 85%") is checked by direction and is a mismatch only when clearly
  contradicted; a relation whose wording is not certain (`strong=False`) is never a mismatch;
- `run_checks` never raises: a relation whose evaluation fails becomes an `unverifiable` row.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from extractors.numbers import format_vi
from extractors.relations import Reading, Relation, Rules, find_relations, load_rules, percent_fits
from pipeline import severity as rank
from pipeline.model import UNSURE_TAG, Check, Fact, NormText, Section, ocr_read_as, section_at, stable_id

PERCENT_RULES = ("ratio_percent", "share_of_total")


@dataclass(frozen=True, slots=True)
class _Judgement:
    fits: bool
    expected: float | None
    diff: float  # stated - expected (signed)
    tolerance: float


def run_checks(t: NormText, sections: Sequence[Section], facts: Sequence[Fact], doc_id: str) -> list[Check]:
    """All checks of one document, in text order."""
    rules = load_rules()
    try:
        relations = find_relations(t, sections, facts, rules=rules)
    except Exception:  # a finder bug must not lose the document; its facts are still stored
        return []
    checks: list[Check] = []
    seen: set[str] = set()
    unsure = _ocr_unsure(facts)
    for rel in relations:
        try:
            c = evaluate(t, sections, rel, doc_id, rules, unsure)
        except Exception as e:  # a crashing check becomes a result, not a lost document
            c = _error_check(t, sections, rel, doc_id, rules, e)
        if c.check_id in seen:
            continue
        seen.add(c.check_id)
        checks.append(c)
    return checks


# ----------------------------------------------------------------------------------------------
# Arithmetic
# ----------------------------------------------------------------------------------------------


def judge(rel: Relation, operands: Sequence[float], stated: float, rules: Rules) -> _Judgement:
    """Does one reading of a relation hold, and by how much does it miss?"""
    tol = rules.tolerance
    eps = float(tol.get("float_epsilon", 1e-9))
    if rel.rule in PERCENT_RULES:
        a, b = operands
        if b == 0:
            return _Judgement(False, None, math.nan, 0.0)
        k = rel.decimals[0] if rel.decimals else 0
        expected = 100.0 * a / b
        return _Judgement(
            percent_fits(stated, expected, k, rules),
            expected,
            stated - expected,
            float(tol.get("percent_half_unit", 0.5)) * 10**-k,
        )
    if rel.rule == "sum_parts":
        expected = float(sum(operands))
        # exact: only float noise is forgiven (a 1-đồng slip in 18 billion is still a slip)
        allowed = float(tol.get("sum_absolute", 0.0)) + max(1e-6, 1e-13 * abs(expected))
        return _Judgement(
            abs(stated - expected) <= allowed,
            expected,
            stated - expected,
            float(tol.get("sum_absolute", 0.0)),
        )
    if rel.rule == "shares_exceed_total":
        expected = float(sum(operands))
        ks = rel.decimals if len(rel.decimals) == len(operands) else (0,) * len(operands)
        below = sum(10.0**-k for k in ks)  # every share truncated
        above = sum(float(tol.get("percent_half_unit", 0.5)) * 10.0**-k for k in ks)  # every share rounded
        over = expected - stated
        fits = over <= above + eps and (not rel.complete or -over <= below + eps)
        return _Judgement(fits, expected, expected - stated, above if over > 0 else below)
    if rel.rule == "conflicting_values":
        a = operands[0]
        k = rel.decimals[0] if rel.decimals else 0
        half = 0.5 * 10**-k if k else 0.0
        return _Judgement(abs(stated - a) <= half + eps, a, stated - a, half)
    if rel.rule == "list_count":
        expected = float(len(operands))
        return _Judgement(abs(stated - expected) <= eps, expected, stated - expected, 0.0)
    raise ValueError(f"unknown rule {rel.rule}")


def severity(rule: str, diff: float, expected: float | None, reason: str | None = None) -> float:
    """How bad a discrepancy is, to list the worst first (pipeline.severity, schemas/severity.yaml)."""
    return rank.severity(rule, diff, expected, reason)


# ----------------------------------------------------------------------------------------------
# Verdict
# ----------------------------------------------------------------------------------------------


def _ocr_unsure(facts: Sequence[Fact]) -> dict[str, Fact]:
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


def _approximate_verdict(rel: Relation, j: _Judgement, rules: Rules) -> str:
    """ "trên 85%" bounds the truth from below: it holds when the numbers give at least 85%; it is a
    mismatch only when they fall short by more than the margin (clearly contradicted)."""
    if rel.rule not in (*PERCENT_RULES, "shares_exceed_total"):
        # "hơn 10.841 camera, trong đó hơn 8.192 …, hơn 2.649 …": bounds add up to bounds; only an
        # exact fit says anything
        return "ok" if abs(j.diff) <= j.tolerance + 1e-9 else "unverifiable"
    margin = float(rules.tolerance.get("approximate_margin_points", 1.0))
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


def _error_check(
    t: NormText, sections: Sequence[Section], rel: Relation, doc_id: str, rules: Rules, e: Exception
) -> Check:
    j = _Judgement(False, None, math.nan, 0.0)
    primary = Reading(rel.operands, rel.stated, "error")
    return _make_check(
        t, sections, rel, doc_id, rules, "unverifiable", primary, j, "error", (("x", type(e).__name__),)
    )


# ----------------------------------------------------------------------------------------------
# Rows and messages
# ----------------------------------------------------------------------------------------------


def _make_check(
    t: NormText,
    sections: Sequence[Section],
    rel: Relation,
    doc_id: str,
    rules: Rules,
    status: str,
    reading: Reading,
    j: _Judgement,
    reason_key: str | None,
    reason_args: tuple[tuple[str, str], ...],
) -> Check:
    s, e = rel.char_start, rel.char_end
    operands = tuple(float(x) for x in reading.operands)
    sec = section_at(sections, s)
    reason_en = _reason(rules, reason_key, reason_args, "en")
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


def _reason(rules: Rules, key: str | None, args: tuple[tuple[str, str], ...], lang: str) -> str:
    if not key or key not in rules.reasons:
        return ""
    return rules.reasons[key][lang].format_map(_Default({k: _arg(v, lang) for k, v in args}))


def _arg(v: str, lang: str) -> str:
    """A reason placeholder: "=18810" stays as written (digits as printed), numbers are formatted."""
    if v.startswith("="):
        return v[1:]
    try:
        x = float(v)
    except ValueError:
        return v
    return fmt_number(x, _natural_decimals(x), lang)


class _Default(dict):
    def __missing__(self, key: str) -> str:
        return ""


def messages(
    rules: Rules,
    rel: Relation,
    status: str,
    reading: Reading,
    j: _Judgement,
    reason_key: str | None,
    reason_args: tuple[tuple[str, str], ...],
) -> tuple[str, str]:
    """The vi and en messages of a check, from the templates of checks.yaml."""
    out = []
    for lang in ("vi", "en"):
        template = rules.messages[rel.rule][status][lang]
        fields = _fields(rel, reading, j, lang)
        fields["reason"] = _reason(rules, reason_key, reason_args, lang) or _reason(
            rules, "weak_structure", (), lang
        )
        out.append(
            template.format_map(_Default(fields))
            + _reason_suffix(rules, status, reason_key, reason_args, lang)
        )
    return out[0], out[1]


def _reason_suffix(
    rules: Rules, status: str, key: str | None, args: tuple[tuple[str, str], ...], lang: str
) -> str:
    """The unverifiable templates carry {reason}; ok and mismatch rows add the reading used, if any."""
    if status == "unverifiable" or not key:
        return ""
    text = _reason(rules, key, args, lang)
    return f" ({text})" if text else ""


def _fields(rel: Relation, reading: Reading, j: _Judgement, lang: str) -> dict[str, str]:
    ops = reading.operands
    is_pct = rel.rule in (*PERCENT_RULES, "shares_exceed_total")
    k = rel.decimals[0] if rel.decimals else 0
    if rel.rule == "shares_exceed_total":
        k = max(rel.decimals) if rel.decimals else 0
    stated_dec = k if rel.rule in PERCENT_RULES else _natural_decimals(reading.stated)
    exp_dec = max(k + 1, 2) if is_pct else _natural_decimals(j.expected or 0.0)
    if rel.rule == "shares_exceed_total":
        exp_dec = max(k, 1) if j.expected is not None and abs(j.expected - round(j.expected, k)) < 1e-9 else 2
    diff = abs(j.diff) if math.isfinite(j.diff) else math.nan
    f: dict[str, str] = {
        "stated": fmt_number(reading.stated, stated_dec, lang),
        "expected": "?" if j.expected is None else fmt_number(j.expected, exp_dec, lang),
        "diff": "?"
        if not math.isfinite(diff)
        else fmt_number(diff, 2 if is_pct else _natural_decimals(diff), lang),
        "tolerance": fmt_number(j.tolerance, max(k + 1, 1) if is_pct else 0, lang),
        "n": str(len(ops)),
    }
    if rel.rule == "shares_exceed_total":
        f["tolerance"] = fmt_number(j.tolerance, max(k + 1, 2), lang)
        f["parts"] = " + ".join(fmt_number(x, _natural_decimals(x), lang) + "%" for x in ops)
    else:
        f["parts"] = " + ".join(fmt_number(x, _natural_decimals(x), lang) for x in ops)
    if ops:
        f["a"] = fmt_number(ops[0], _natural_decimals(ops[0]), lang)
    if len(ops) > 1:
        f["b"] = fmt_number(ops[1], _natural_decimals(ops[1]), lang)
    if rel.rule == "conflicting_values":
        f["diff"] = fmt_number(diff, _natural_decimals(diff), lang)
    return f


def _natural_decimals(x: float) -> int:
    """Decimals needed to write x without noise (0 for whole numbers, at most 4)."""
    for d in range(5):
        if abs(x - round(x, d)) < 1e-9:
            return d
    return 4


def fmt_number(x: float, decimals: int, lang: str) -> str:
    """1234567.5 -> "1.234.567,5" in vi, "1,234,567.5" in en."""
    if lang == "vi":
        return format_vi(x, decimals)
    s = f"{abs(x):,.{decimals}f}"
    return ("-" if x < 0 and float(f"{abs(x):.{decimals}f}") != 0 else "") + s
