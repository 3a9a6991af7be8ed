"""Score the consistency checks against gold relations, and run the mutation test.

    .venv/bin/python scripts/eval_checks.py [--seeds DIR] [--gold DIR] [--corpus DIR] [-v]
                                            [--mutations] [--only NAME]

For the seed reports (../shared/seeds with ../shared/gold) and our corpus (corpus/*.txt|md with its
*.json gold) the pipeline pieces run (the stages of ingest, then run_checks) and
every gold relation is looked for among the checks: same rule family (ratio → ratio_percent or
share_of_total; share → share_of_total or ratio_percent; sum → sum_parts, or shares_exceed_total for
percents adding to 100; other → conflicting_values or list_count), the same operands as a multiset
(equal within 1e-6) and the same stated value, or a quote span that overlaps the gold quote.
Printed: relation recall, mismatch recall (gold-inconsistent relations flagged `mismatch`), mismatch
precision (mismatch checks that are gold-inconsistent relations), the misses and the false alarms, and
the time spent in `run_checks`.

--gold-metrics: give our facts the gold's metric, subject and period first, to measure the catalog
relations and metric conflicts before a metric annotator exists.

--mutations: for every gold-consistent relation the checker finds `ok`, perturb one of its figures
at a time in the source text (a digit changed, a decimal comma moved, a part dropped), re-run the whole
pipeline and count the perturbations that raise a new mismatch.

While a pipeline stage is missing the script falls back to a stand-in (NFC text with `$`, `\\`, `**`
stripped; no sections); `pipeline/check/` itself never does.
"""

from __future__ import annotations

import argparse
import json
import math
import re
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from pipeline.check import run_checks
from pipeline.devtools.evaluate import RULE_OF_KIND, _close, _occurrences, _same_operands
from pipeline.ingest import analyze
from pipeline.loaders import load
from pipeline.model import Check, Fact, Loaded, NormText, Page, Section

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"


# ----------------------------------------------------------------------------------------------
# The pipeline: the same stages as ingest (pipeline.ingest.analyze), on raw text that may be perturbed
# ----------------------------------------------------------------------------------------------


def analyse(raw: str, name: str) -> tuple[NormText, list[Section], list[Fact]]:
    """normalize → segment → extract → meaning on raw text (a file's content, possibly perturbed)."""
    import hashlib

    sha = hashlib.sha256(raw.encode("utf-8")).hexdigest()
    loaded = Loaded(
        path=name,
        sha256=sha,
        source_kind="text",
        pages=tuple(Page(number=i + 1, text=p) for i, p in enumerate(raw.split("\f"))),
    )
    result = analyze(loaded)
    return result.norm, list(result.sections), list(result.facts)


# ----------------------------------------------------------------------------------------------
# Scoring
# ----------------------------------------------------------------------------------------------


@dataclass
class Score:
    gold: int = 0
    found: int = 0
    bad: int = 0
    bad_flagged: int = 0
    mismatches: int = 0
    true_mismatches: int = 0
    unverifiable: int = 0
    checks: int = 0
    seconds: float = 0.0
    lines: list[str] = field(default_factory=list)

    def add(self, o: Score) -> None:
        for k in (
            "gold",
            "found",
            "bad",
            "bad_flagged",
            "mismatches",
            "true_mismatches",
            "unverifiable",
            "checks",
            "seconds",
        ):
            setattr(self, k, getattr(self, k) + getattr(o, k))

    def summary(self, label: str) -> str:
        rr = self.found / self.gold if self.gold else 1.0
        mr = self.bad_flagged / self.bad if self.bad else 1.0
        mp = self.true_mismatches / self.mismatches if self.mismatches else 1.0
        return (
            f"{label:40} relation recall {rr:.3f} ({self.found}/{self.gold})  mismatch recall {mr:.3f} "
            f"({self.bad_flagged}/{self.bad})  mismatch precision {mp:.3f} "
            f"({self.true_mismatches}/{self.mismatches})  checks {self.checks} "
            f"(unverifiable {self.unverifiable})  run_checks {self.seconds * 1000:.1f} ms"
        )


def match(gold: list[dict], checks: list[Check], text: str) -> dict[int, int]:
    """gold index -> check index, one-to-one; exact stated first, then overlapping quotes."""
    used: dict[int, int] = {}
    taken: set[int] = set()
    for pass_ in ("stated", "span"):
        for gi, g in enumerate(gold):
            if gi in used:
                continue
            rules = RULE_OF_KIND.get(g["kind"], set())
            spans = _occurrences(text, g["quote"]) if pass_ == "span" else []
            for ci, c in enumerate(checks):
                if ci in taken or c.rule not in rules:
                    continue
                if not _same_operands(list(c.operands), [float(x) for x in g["operands"]]):
                    continue
                if pass_ == "stated" and not _close(c.stated or math.nan, float(g["stated"])):
                    continue
                if pass_ == "span" and not any(s < c.char_end and c.char_start < e for s, e in spans):
                    continue
                used[gi] = ci
                taken.add(ci)
                break
    return used


def with_gold_metrics(t: NormText, facts: list[Fact], gold: dict) -> list[Fact]:
    """Our facts with metric, subject and period copied from the gold fact of equal value whose quote
    overlaps: what the catalog relations and metric conflicts give once facts are annotated."""
    import dataclasses

    out = []
    for f in facts:
        g = next(
            (
                g
                for g in gold.get("facts", [])
                if _close(float(g["value"]), f.value)
                and any(s < f.char_end and f.char_start < e for s, e in _occurrences(t.text, g["quote"]))
            ),
            None,
        )
        out.append(
            dataclasses.replace(f, metric=g.get("metric"), subject=g.get("subject"), period=g.get("period"))
            if g
            else f
        )
    return out


def score_doc(
    name: str, raw: str, gold: dict, *, verbose: bool, gold_metrics: bool = False
) -> tuple[Score, list[Check], tuple]:
    t, sections, facts = analyse(raw, name)
    if gold_metrics:
        facts = with_gold_metrics(t, facts, gold)
    t0 = time.perf_counter()
    checks = run_checks(t, sections, facts, name)
    dt = time.perf_counter() - t0
    rels = gold.get("relations", [])
    m = match(rels, checks, t.text)
    s = Score(
        gold=len(rels),
        found=len(m),
        checks=len(checks),
        seconds=dt,
        unverifiable=sum(c.status == "unverifiable" for c in checks),
    )
    s.bad = sum(not g["consistent"] for g in rels)
    bad_checks = {ci for gi, ci in m.items() if not rels[gi]["consistent"]}
    s.bad_flagged = sum(checks[ci].status == "mismatch" for ci in bad_checks)
    s.mismatches = sum(c.status == "mismatch" for c in checks)
    s.true_mismatches = sum(checks[ci].status == "mismatch" for ci in bad_checks)
    for gi, g in enumerate(rels):
        tag = "ok " if g["consistent"] else "BAD"
        if gi not in m:
            s.lines.append(
                f"  MISS [{g['kind']} {tag}] {g['operands']} -> {g['stated']}  {g['quote'][:90]!r}"
            )
        elif not g["consistent"] and checks[m[gi]].status != "mismatch":
            c = checks[m[gi]]
            s.lines.append(
                f"  NOT FLAGGED [{c.rule} {c.status}] {g['operands']} -> {g['stated']}: {c.reason}"
            )
        elif verbose:
            c = checks[m[gi]]
            s.lines.append(f"  found [{c.rule} {c.status}] {list(c.operands)} -> {c.stated}")
    matched = set(m.values())
    for ci, c in enumerate(checks):
        if c.status == "mismatch" and ci not in bad_checks:
            why = "matches a CONSISTENT gold relation" if ci in matched else "no gold relation"
            s.lines.append(
                f"  FALSE ALARM ({why}) [{c.rule}] {list(c.operands)} -> {c.stated}: "
                f"{c.message_en} {c.quote[:80]!r}"
            )
        elif verbose and ci not in matched:
            s.lines.append(
                f"  extra [{c.rule} {c.status}] {list(c.operands)} -> {c.stated}: {c.quote[:70]!r}"
            )
    return s, checks, (t, sections, facts)


def read_raw(path: Path) -> str:
    """The file's text as the loader decodes it (BOM, UTF-16, ...); pages joined by form feeds."""
    return "\f".join(p.text for p in load(path).pages)


def documents(args: argparse.Namespace) -> list[tuple[str, str, Path, dict]]:
    """(set, name, path, gold) for the seeds and the corpus."""
    out = []
    for gf in sorted(Path(args.gold).glob("*.json")):
        g = json.loads(gf.read_text(encoding="utf-8"))
        p = Path(args.seeds) / g.get("doc", gf.stem + ".txt")
        if p.exists():
            out.append(("seeds", p.name, p, g))
    corpus = Path(args.corpus)
    if corpus.is_dir():
        for gf in sorted(corpus.glob("*.json")):
            g = json.loads(gf.read_text(encoding="utf-8"))
            cands = [corpus / g["doc"]] if g.get("doc") else []
            cands += [gf.with_suffix(s) for s in (".txt", ".md")]
            p = next((c for c in cands if c.exists()), None)
            if p is not None and "relations" in g:
                out.append(("corpus", p.name, p, g))
    if args.only:
        out = [d for d in out if args.only in d[1]]
    return out


# ----------------------------------------------------------------------------------------------
# Mutation test
# ----------------------------------------------------------------------------------------------

_RAW_NUM = re.compile(r"(?<![\d.,])\d{1,3}(?:\.\d{3})+(?:,\d+)?(?![\d])|(?<![\d.,])\d+(?:,\d+)?(?![\d])")


def _raw_value(s: str) -> float:
    return float(s.replace(".", "").replace(",", "."))


def gold_consistent(kind: str, operands: list[float], stated: float, decimals: int) -> bool:
    """FORMAT.md's rule, applied to a perturbed relation: is it still consistent?"""
    if kind in ("ratio", "share"):
        a, b = operands
        if b == 0:
            return False
        c = 100.0 * a / b
        return (
            abs(stated - c) <= 0.5 * 10**-decimals + 1e-9
            or abs(stated - math.floor(c * 10**decimals + 1e-7) / 10**decimals) <= 1e-9
        )
    if kind == "sum" and stated == 100 and any(not float(x).is_integer() for x in operands):
        total = sum(operands)
        n = len(operands)
        return 100 - n * 10**-decimals - 1e-9 <= total <= 100 + n * 0.5 * 10**-decimals + 1e-9
    if kind == "sum":
        return abs(sum(operands) - stated) < 1e-6
    return abs(operands[0] - stated) < 1e-9 if kind == "other" else True


def _decimals(tok: str) -> int:
    return len(tok.split(",", 1)[1]) if "," in tok else 0


def mutations(raw: str, g: dict) -> list[tuple[str, str]]:
    """(description, perturbed raw text) for each figure of a gold relation, keeping only perturbations
    that make the relation inconsistent (a change the percent's precision cannot see is no error)."""
    out: list[tuple[str, str]] = []
    q = g["quote"]
    at = raw.find(q)
    if at < 0:
        return out
    ops = [float(x) for x in g["operands"]]
    stated = float(g["stated"])
    shares_sum = g["kind"] == "sum" and stated == 100 and any(not x.is_integer() for x in ops)
    roles = [("op", i, v) for i, v in enumerate(ops)] + ([] if shares_sum else [("stated", -1, stated)])
    seen: set[int] = set()
    for role, idx, v in roles:
        hit = None
        for m in _RAW_NUM.finditer(q):
            if at + m.start() in seen:
                continue
            try:
                if _close(_raw_value(m.group(0)), v):
                    hit = m
                    break
            except ValueError:
                continue
        if hit is None:
            continue
        s, e = at + hit.start(), at + hit.end()
        seen.add(s)
        tok = raw[s:e]
        k = max(
            [_decimals(tok)]
            + [_decimals(m.group(0)) for m in _RAW_NUM.finditer(q) if "%" in q[m.end() : m.end() + 2]]
        )

        def keep(
            new_value: float | None, drop: bool = False, idx: int = idx, role: str = role, k: int = k
        ) -> bool:
            o, st = list(ops), stated
            if drop:
                del o[idx]
            elif role == "op":
                o[idx] = new_value  # type: ignore[assignment]
            else:
                st = new_value  # type: ignore[assignment]
            return not gold_consistent(g["kind"], o, st, k)

        # a digit changed: the last digit, +1 (9 -> 8)
        i = [j for j, c in enumerate(tok) if c.isdigit()][-1]
        d = int(tok[i])
        new = tok[:i] + str(d + 1 if d < 9 else 8) + tok[i + 1 :]
        if keep(_raw_value(new)):
            out.append((f"digit {tok}->{new}", raw[:s] + new + raw[e:]))
        # a decimal comma moved one place right
        if "," in tok:
            ip, fp = tok.split(",", 1)
            new = ip + fp[0] + ("," + fp[1:] if len(fp) > 1 else "")
            if keep(_raw_value(new)):
                out.append((f"comma {tok}->{new}", raw[:s] + new + raw[e:]))
        # a part dropped (sums of at least two parts): the part's clause or line goes
        # (with two parts, dropping one leaves "X, of which a" which is no error)
        if g["kind"] == "sum" and role == "op" and len(ops) >= 3 and not shares_sum and keep(None, drop=True):
            conn = [m.end() for m in re.finditer(r"(?i)trong đó:?|gồm:?|\(", raw[at:s])]
            left = max(
                raw.rfind(",", at, s),
                raw.rfind(";", at, s),
                raw.rfind("\n", 0, s),
                raw.rfind(" và ", at, s),
                at + conn[-1] if conn else -1,
            )
            ends = [x for x in (raw.find(c, e) for c in (",", ";", "\n", ")", " và ")) if x >= 0]
            right = min(ends) if ends else len(raw)
            if left >= 0 and right > e:
                out.append((f"drop part {tok}", raw[:left] + raw[right:]))
    return out


def _mismatch_keys(checks: list[Check]) -> Counter:
    """Mismatches by what they say (offsets move when a part is dropped); a multiset, so a second
    "17/20 = 80%" next to an existing one counts as new."""
    return Counter(
        (c.rule, tuple(sorted(round(x, 6) for x in c.operands)), round(c.stated or 0, 6))
        for c in checks
        if c.status == "mismatch"
    )


def run_mutations(docs: list[tuple[str, str, Path, dict]], *, verbose: bool) -> tuple[int, int, list[str]]:
    total = caught = 0
    misses: list[str] = []
    for _set, name, path, gold in docs:
        raw = read_raw(path)
        t, sections, facts = analyse(raw, name)
        base = run_checks(t, sections, facts, name)
        rels = gold.get("relations", [])
        m = match(rels, base, t.text)
        base_keys = _mismatch_keys(base)
        for gi, g in enumerate(rels):
            if not g["consistent"] or gi not in m or base[m[gi]].status != "ok":
                continue
            for desc, text in mutations(raw, g):
                total += 1
                t2, s2, f2 = analyse(text, name)
                new = _mismatch_keys(run_checks(t2, s2, f2, name)) - base_keys
                if new:
                    caught += 1
                else:
                    misses.append(f"  {name}: {desc} in {g['quote'][:70]!r}")
    return total, caught, misses


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--seeds", default=str(SHARED / "seeds"))
    ap.add_argument("--gold", default=str(SHARED / "gold"))
    ap.add_argument("--corpus", default=str(ROOT / "corpus"))
    ap.add_argument("--only", default="")
    ap.add_argument("--mutations", action="store_true")
    ap.add_argument("-v", "--verbose", action="store_true")
    ap.add_argument(
        "--gold-metrics",
        action="store_true",
        help="copy metric/subject/period from the gold facts (what annotation would give)",
    )
    args = ap.parse_args()
    docs = documents(args)
    totals = {"seeds": Score(), "corpus": Score()}
    for set_, name, path, gold in docs:
        s, _checks, _ = score_doc(
            name, read_raw(path), gold, verbose=args.verbose, gold_metrics=args.gold_metrics
        )
        totals[set_].add(s)
        print(s.summary(name[:40]))
        for line in s.lines:
            print(line)
    print()
    for set_, s in totals.items():
        if s.gold or s.checks:
            print(s.summary(f"TOTAL {set_}"))
    if args.mutations:
        for set_ in ("corpus", "seeds"):
            sel = [d for d in docs if d[0] == set_]
            if not sel:
                continue
            t0 = time.perf_counter()
            total, caught, misses = run_mutations(sel, verbose=args.verbose)
            rate = caught / total if total else 1.0
            print(
                f"\nmutations ({set_}): {caught}/{total} flagged = {rate:.3f} "
                f"({time.perf_counter() - t0:.1f} s)"
            )
            for line in misses[: 40 if not args.verbose else None]:
                print(line)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
