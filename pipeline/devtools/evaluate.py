"""`baocao eval`: score what is stored against gold annotations (../shared/gold/FORMAT.md).

Gold quotes are raw substrings of the source file, while our offsets refer to the normalized text, so
each quote is normalized with the same inline transforms before it is located. A gold fact is matched
by a stored fact of equal value whose span overlaps an occurrence of the quote (one-to-one); a gold
relation by a check of the corresponding rule with the same operands and stated value. In OCR'd
documents a quote the recognizer garbled is located approximately (rapidfuzz alignment, score ≥ 85), so
fact recall measures the figures, not the spelling of the words around them.
"""

from __future__ import annotations

import json
import math
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rapidfuzz import fuzz

from pipeline import store
from pipeline.normalize import normalize_fragment
from pipeline.read import queries
from pipeline.vietnamese import place_tones as fold_tone

META_FIELDS = ("doc_number", "doc_type", "issuer", "province", "place", "issued_date", "signer", "title")
# Gold's ratio/share split is the annotator's reading of "a/b, chiếm p%"; either check rule answers it.
RULE_OF_KIND = {"ratio": {"ratio_percent", "share_of_total"}, "share": {"share_of_total", "ratio_percent"},
                "sum": {"sum_parts", "shares_exceed_total"},
                "other": {"conflicting_values", "list_count", "difference", "per_unit_rate"}}
# Renderings of one report (PDF, scans, DOCX) are scored against the report's gold.
_RENDER_SUFFIX = re.compile(r"\.(scan-[a-z]+|docx|pdf|png|jpe?g|tiff?|image)$")


@dataclass
class PR:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    def add(self, other: PR) -> None:
        self.tp += other.tp
        self.fp += other.fp
        self.fn += other.fn

    def as_dict(self) -> dict[str, float]:
        return {"precision": round(self.precision, 4), "recall": round(self.recall, 4),
                "tp": self.tp, "fp": self.fp, "fn": self.fn}


@dataclass
class Acc:
    right: int = 0
    total: int = 0

    @property
    def value(self) -> float:
        return self.right / self.total if self.total else 1.0

    def add(self, ok: bool) -> None:
        self.right += bool(ok)
        self.total += 1

    def merge(self, other: Acc) -> None:
        self.right += other.right
        self.total += other.total

    def as_dict(self) -> dict[str, float]:
        return {"accuracy": round(self.value, 4), "right": self.right, "total": self.total}


@dataclass
class DocScore:
    name: str
    metadata: Acc = field(default_factory=Acc)
    meta_wrong: list[str] = field(default_factory=list)
    meta_fields: dict[str, Acc] = field(default_factory=dict)  # per metadata field (issue 18)
    headings: PR = field(default_factory=PR)
    heading_levels: PR = field(default_factory=PR)
    facts: PR = field(default_factory=PR)
    metric: Acc = field(default_factory=Acc)
    subject: Acc = field(default_factory=Acc)
    period: Acc = field(default_factory=Acc)
    relations: PR = field(default_factory=PR)
    mismatches: PR = field(default_factory=PR)
    misses: list[str] = field(default_factory=list)


@dataclass
class Scores:
    docs: list[DocScore]
    missing: list[str]  # gold files with no stored document

    def total(self, docs: list[DocScore] | None = None, name: str = "all") -> DocScore:
        t = DocScore(name)
        for d in self.docs if docs is None else docs:
            t.metadata.merge(d.metadata)
            for f, acc in d.meta_fields.items():
                t.meta_fields.setdefault(f, Acc()).merge(acc)
            for name in ("headings", "heading_levels", "facts", "relations", "mismatches"):
                getattr(t, name).add(getattr(d, name))
            for name in ("metric", "subject", "period"):
                getattr(t, name).merge(getattr(d, name))
        return t

    def as_dict(self) -> dict[str, Any]:
        def one(d: DocScore) -> dict[str, Any]:
            return {
                "metadata": d.metadata.as_dict(), "headings": d.headings.as_dict(),
                "heading_levels": d.heading_levels.as_dict(), "facts": d.facts.as_dict(),
                "metric": d.metric.as_dict(), "subject": d.subject.as_dict(), "period": d.period.as_dict(),
                "relations": d.relations.as_dict(), "mismatches": d.mismatches.as_dict(),
            }
        total = self.total()
        every = one(total) | {"metadata_fields": {f: a.as_dict() for f, a in total.meta_fields.items()}}
        return {"all": every, "documents": {d.name: one(d) for d in self.docs},
                "missing": self.missing}


def _fold(s: str | None) -> str:
    """Comparison key for names: normalized, tone placement folded, case and spacing ignored."""
    if s is None:
        return ""
    return re.sub(r"\s+", " ", fold_tone(normalize_fragment(str(s)))).strip().casefold()


def _close(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return False
    return math.isclose(float(a), float(b), rel_tol=1e-9, abs_tol=1e-6)


FUZZY_QUOTE_SCORE = 85.0
OCR_KINDS = ("pdf-ocr", "image-ocr")
_SEPARATORS_AS_SPACE = str.maketrans("\t\n|", "   ")  # a cell or line break is a space to a quote


def _occurrences(text: str, quote: str, *, fuzzy: bool = False) -> list[tuple[int, int]]:
    """Where a gold quote stands in our text, whitespace and cell-separator differences ignored (a PDF
    or a scan breaks lines inside a sentence where the source had a space; a Markdown table becomes
    tab-separated cells)."""
    parts = [p for p in re.split(r"[\s|]+", normalize_fragment(quote)) if p]  # a Markdown table cell is a tab cell
    if not parts:
        return []
    pattern = re.compile(r"[\s|]+".join(re.escape(part) for part in parts))
    found = [(m.start(), m.end()) for m in pattern.finditer(text)]
    if found or not fuzzy:
        return found
    # OCR text: a misread letter ("tiép" for "tiếp", ">" for "≥") must not hide a value extracted at the
    # right place, so the best approximate alignment counts when it is close enough.
    spaced = text.translate(_SEPARATORS_AS_SPACE)  # same length: offsets stay valid
    hit = fuzz.partial_ratio_alignment(" ".join(parts), spaced, score_cutoff=FUZZY_QUOTE_SCORE)
    return [(hit.dest_start, hit.dest_end)] if hit else []


def _score_metadata(score: DocScore, gold: dict, row: dict) -> None:
    for f in META_FIELDS:
        g = gold.get(f)
        ours = row.get("issued_date_text") if f == "issued_date" else row.get(f)
        ok = _fold(g) == _fold(ours)
        score.metadata.add(ok)
        score.meta_fields.setdefault(f, Acc()).add(ok)
        if not ok:
            score.meta_wrong.append(f"{f}: gold={g!r} ours={ours!r}")


def _heading_key(label: str | None, text: str | None) -> str:
    """Headings are matched by label; a heading without one (a table's title line) by its text."""
    return _fold(label) if label else "text:" + _fold(" ".join((text or "").split()))


def _score_headings(score: DocScore, gold: list[dict], sections: list[tuple]) -> None:
    g_labels = Counter(_heading_key(h["label"], h.get("text")) for h in gold)
    o_labels = Counter(_heading_key(lbl, txt) for lbl, _lvl, txt in sections)
    tp = sum((g_labels & o_labels).values())
    score.headings.add(PR(tp, sum(o_labels.values()) - tp, sum(g_labels.values()) - tp))
    g_lv = Counter((_heading_key(h["label"], h.get("text")), h["level"]) for h in gold)
    o_lv = Counter((_heading_key(lbl, txt), lvl) for lbl, lvl, txt in sections)
    tp = sum((g_lv & o_lv).values())
    score.heading_levels.add(PR(tp, sum(o_lv.values()) - tp, sum(g_lv.values()) - tp))
    for lbl in (g_labels - o_labels):
        score.misses.append(f"heading missed: {lbl}")
    for lbl in (o_labels - g_labels):
        score.misses.append(f"heading extra: {lbl}")


def _score_facts(score: DocScore, gold: list[dict], facts: list[dict], text: str, *, ocr: bool = False) -> None:
    used: set[int] = set()
    matched = 0
    for g in gold:
        spans = _occurrences(text, g["quote"], fuzzy=ocr)
        best = None
        for i, f in enumerate(facts):
            if i in used or not _close(f["value"], g["value"]):
                continue
            if any(f["char_start"] < e and s < f["char_end"] for s, e in spans):
                best = i
                break
        if best is None:
            where = "quote not found" if not spans else "not extracted"
            score.misses.append(f"fact missed ({where}): {g['value']} in {g['quote'][:80]!r}")
            continue
        used.add(best)
        matched += 1
        f = facts[best]
        where = f"{g['value']:g} in {g['quote'][:60]!r}"
        if g.get("metric"):
            score.metric.add(f["metric"] == g["metric"])
            if f["metric"] != g["metric"]:
                score.misses.append(f"metric: gold={g['metric']} ours={f['metric']} ({where})")
        if g.get("subject"):
            score.subject.add(_fold(f["subject"]) == _fold(g["subject"]))
            if _fold(f["subject"]) != _fold(g["subject"]):
                score.misses.append(f"subject: gold={g['subject']!r} ours={f['subject']!r} ({where})")
        if g.get("period"):
            score.period.add((f["period"] or "") == g["period"])
            if (f["period"] or "") != g["period"]:
                score.misses.append(f"period: gold={g['period']} ours={f['period']} ({where})")
    extra = [f for i, f in enumerate(facts) if i not in used]
    for f in extra:
        score.misses.append(f"fact extra: {f['value']:g} {f['quote'][:60]!r}")
    score.facts.add(PR(matched, len(extra), len(gold) - matched))


def _same_operands(a: list[float], b: list[float]) -> bool:
    if len(a) != len(b):
        return False
    return all(_close(x, y) for x, y in zip(sorted(a), sorted(b), strict=True))


def _score_relations(score: DocScore, gold: list[dict], checks: list[dict]) -> None:
    gold_of: dict[int, int] = {}  # check index -> the gold relation it matched
    for gi, g in enumerate(gold):
        rules = RULE_OF_KIND.get(g["kind"], set())
        hit = next(
            (i for i, c in enumerate(checks)
             if i not in gold_of and c["rule"] in rules and _close(c["stated"], g["stated"])
             and _same_operands(list(c["operands"] or []), list(g["operands"]))),
            None,
        )
        if hit is None:
            score.misses.append(f"relation missed ({g['kind']}, {'ok' if g['consistent'] else 'BAD'}): "
                                f"{g['operands']} -> {g['stated']}")
            continue
        gold_of[hit] = gi
        if not g["consistent"] and checks[hit]["status"] != "mismatch":
            score.misses.append(f"mismatch not flagged ({checks[hit]['status']}): {g['operands']} -> {g['stated']}")
    score.relations.add(PR(len(gold_of), 0, len(gold) - len(gold_of)))
    n_bad = sum(not g["consistent"] for g in gold)
    tp = fp = 0
    for i, c in enumerate(checks):
        if c["status"] != "mismatch":
            continue
        if i in gold_of and not gold[gold_of[i]]["consistent"]:
            tp += 1
        else:
            fp += 1
            score.misses.append(f"false alarm ({c['rule']}): {list(c['operands'])} -> {c['stated']} "
                                f"{c['quote'][:70]!r}")
    score.mismatches.add(PR(tp, fp, n_bad - tp))


def rendering_kind(name: str) -> str:
    """text, pdf, docx, scan-clean, scan-mild, ... from a document's file name."""
    m = re.search(r"\.(scan-[a-z]+)\.[a-z]+$", name)
    if m:
        return m.group(1)
    suffix = Path(name).suffix.lower().lstrip(".")
    return {"txt": "text", "md": "text", "markdown": "text"}.get(suffix, suffix or "text")


def gold_key(name: str) -> str:
    """The gold file a document (or a rendering of it) is scored against: the report's stem."""
    stem = Path(name).name
    for suffix in (".txt", ".md", ".markdown"):
        if stem.endswith(suffix):
            stem = stem[: -len(suffix)]
    while True:
        new = _RENDER_SUFFIX.sub("", stem)
        if new == stem:
            return stem
        stem = new


def evaluate(db: str | Path, gold_dir: Path) -> Scores:
    golds = {}
    for gf in sorted(Path(gold_dir).glob("*.json")):
        g = json.loads(gf.read_text(encoding="utf-8"))
        if isinstance(g, dict) and "facts" in g:
            golds[gold_key(g.get("doc") or gf.stem)] = g
    with store.reader(db) as con:
        docs = queries.rows(con, "SELECT * FROM documents ORDER BY path", [])
        scores, seen = [], set()
        for d in docs:
            key = gold_key(d["path"])
            if key not in golds:
                continue
            seen.add(key)
            g = golds[key]
            s = DocScore(Path(d["path"]).name)
            _score_metadata(s, g.get("metadata", {}), d)
            secs = con.execute("SELECT label, level, heading FROM sections WHERE doc_id = ? ORDER BY char_start",
                               [d["doc_id"]]).fetchall()
            _score_headings(s, g.get("headings", []), secs)
            facts = queries.rows(con, "SELECT * FROM facts WHERE doc_id = ? ORDER BY char_start", [d["doc_id"]])
            _score_facts(s, g.get("facts", []), facts, d["text"], ocr=d["source_kind"] in OCR_KINDS)
            checks = queries.rows(con, "SELECT * FROM checks WHERE doc_id = ? ORDER BY char_start", [d["doc_id"]])
            _score_relations(s, g.get("relations", []), checks)
            scores.append(s)
    return Scores(scores, sorted(set(golds) - seen))


def format_scores(scores: Scores, *, verbose: bool = False) -> str:
    lines = [f"{'document':44} {'meta':>6} {'head P/R':>11} {'facts P/R':>11} {'metric':>6} "
             f"{'subj':>6} {'period':>6} {'rel R':>6} {'mism P/R':>11}"]

    def row(d: DocScore) -> str:
        return (f"{d.name[:44]:44} {d.metadata.value:6.2f} {d.headings.precision:5.2f}/{d.headings.recall:<5.2f} "
                f"{d.facts.precision:5.2f}/{d.facts.recall:<5.2f} {d.metric.value:6.2f} {d.subject.value:6.2f} "
                f"{d.period.value:6.2f} {d.relations.recall:6.2f} "
                f"{d.mismatches.precision:5.2f}/{d.mismatches.recall:<5.2f}")

    for d in scores.docs:
        lines.append(row(d))
    groups: dict[str, list[DocScore]] = {}
    for d in scores.docs:
        groups.setdefault(rendering_kind(d.name), []).append(d)
    if len(groups) > 1:  # renderings of the same reports: one line per kind, to compare with the text
        for kind, docs in sorted(groups.items()):
            lines.append(row(scores.total(docs, f"all {kind} ({len(docs)})")))
    t = scores.total()
    lines.append(row(t))
    lines.append(
        f"totals: metadata {t.metadata.right}/{t.metadata.total}; headings tp={t.headings.tp} fp={t.headings.fp} "
        f"fn={t.headings.fn} (with level: P={t.heading_levels.precision:.2f} R={t.heading_levels.recall:.2f}); "
        f"facts tp={t.facts.tp} fp={t.facts.fp} fn={t.facts.fn}; metric {t.metric.right}/{t.metric.total}, "
        f"subject {t.subject.right}/{t.subject.total}, period {t.period.right}/{t.period.total}; "
        f"relations {t.relations.tp}/{t.relations.tp + t.relations.fn}; mismatches tp={t.mismatches.tp} "
        f"fp={t.mismatches.fp} fn={t.mismatches.fn}"
    )
    if t.meta_fields:
        lines.append("metadata by field: " + ", ".join(f"{f} {a.value:.2f}" for f, a in t.meta_fields.items()))
    if scores.missing:
        lines.append("gold without a stored document: " + ", ".join(scores.missing))
    if verbose:
        for d in scores.docs:
            lines.append(f"--- {d.name}")
            lines.extend("  " + m for m in d.meta_wrong)
            lines.extend("  " + m for m in d.misses)
    return "\n".join(lines)
