"""The vi and en messages of a check, from the templates and reasons of schemas/checks.yaml.

Why apart from the verdict: wording changes often and must never change a verdict; numbers are
formatted for the reader's language (vi: 1.234,5 ; en: 1,234.5).
"""

from __future__ import annotations

import math

from extractors.numbers import format_vi
from pipeline.check.relation import PERCENT_RULES, Judgement, Reading, Relation
from pipeline.check.rules import Rules


def reason_text(rules: Rules, key: str | None, args: tuple[tuple[str, str], ...], lang: str) -> str:
    if not key or key not in rules.reasons:
        return ""
    return rules.reasons[key].text(lang).format_map(_Default({k: _arg(v, lang) for k, v in args}))


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
    j: Judgement,
    reason_key: str | None,
    reason_args: tuple[tuple[str, str], ...],
) -> tuple[str, str]:
    """The vi and en messages of a check, from the templates of checks.yaml."""
    out = []
    for lang in ("vi", "en"):
        template = rules.messages[rel.rule].of(status).text(lang)
        fields = _fields(rel, reading, j, lang)
        fields["reason"] = reason_text(rules, reason_key, reason_args, lang) or reason_text(
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
    text = reason_text(rules, key, args, lang)
    return f" ({text})" if text else ""


def _fields(rel: Relation, reading: Reading, j: Judgement, lang: str) -> dict[str, str]:
    ops = reading.operands
    is_pct = rel.rule in (*PERCENT_RULES, "shares_exceed_total")
    k = rel.decimals[0] if rel.decimals else 0
    if rel.rule == "shares_exceed_total":
        k = max(rel.decimals) if rel.decimals else 0
    stated_dec = k if rel.rule in PERCENT_RULES else _natural_decimals(reading.stated)
    exp_dec = max(k + 1, 2) if is_pct else _natural_decimals(j.expected or 0.0)
    if rel.rule == "per_unit_rate":
        stated_dec, exp_dec = k, k + 2
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
