"""`baocao report`: one self-contained HTML file an auditor can open from a USB stick.

Why a single file: reports travel by e-mail and removable media to offices without our software,
often without a network, so everything (CSS, the tiny filter script, all text) is inline and nothing
is fetched. Every piece of document text goes through Jinja2's autoescaping or `html.escape`; the only
markup we add to document text is `<mark>` around the numbers a check is about.

Layout: an overview (what was read, what was checked, where the mismatches are), the mismatch list
worst first (each with its passage, the numbers highlighted, the computation written out, the section
path and the review state), then one section per document (`#doc-<doc_id>`) with its metadata, heading
tree, figures, checks and full text. The SQL behind the overview tables is the cookbook's
(`schemas/queries/*.sql`), so the report and an auditor's own queries agree.
"""

from __future__ import annotations

import html
import itertools
import math
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup

from pipeline import store
from pipeline.model import ocr_read_as
from pipeline.read import charts as charts_mod
from pipeline.read import queries
from pipeline.read.atomic import write_atomically
from pipeline.read.cells import clean_text
from pipeline.severity import rules as severity_rules

TEMPLATE_DIR = Path(__file__).resolve().parent / "templates"

PERCENT_RULES = frozenset({"ratio_percent", "share_of_total", "shares_exceed_total"})

RULE_LABELS: dict[str, tuple[str, str]] = {
    "ratio_percent": ("Tỷ lệ a/b = p %", "ratio a/b stated as p %"),
    "share_of_total": ("Tỷ trọng trong tổng", "share of a total"),
    "sum_parts": ("Tổng các thành phần", "parts adding to a total"),
    "shares_exceed_total": ("Các tỷ lệ của một tổng ≠ 100 %", "shares of one whole ≠ 100 %"),
    "conflicting_values": ("Một số liệu ghi hai giá trị", "one figure stated twice"),
    "list_count": ("Số lượng so với danh sách liệt kê", "count vs items listed"),
    "difference": ("Chênh lệch a − b", "stated difference a − b"),
    "per_unit_rate": ("Bình quân a/b", "per-unit rate a/b"),
}

STATUS_LABELS: dict[str, str] = {
    "ok": "khớp · ok",
    "mismatch": "không khớp · mismatch",
    "unverifiable": "chưa kiểm chứng · unverifiable",
}

REVIEW_LABELS: dict[str, str] = {
    "confirmed": "đã xác nhận · confirmed",
    "dismissed": "đã bác bỏ · dismissed",
    "": "chưa xem xét · open",
}

# A sentence ends at a line break, or at . ; ! ? followed by a space (a dot between digits groups
# thousands: "1.234" is one number, never a sentence end).
_LEFT_STOP = re.compile(r"\n|[.;!?](?=\s)")
_RIGHT_STOP = re.compile(r"\n|[.;!?](?=\s|$)")
PASSAGE_SIDE = 240  # at most this many characters of context either side of what a check is about
LONG_SPAN = 1500  # a check span longer than this (a whole table) is shown as windows around its numbers


# ------------------------------------------------------------------------------------------------
# Numbers as Vietnamese readers write them: 1.234.567 and 12,5
# ------------------------------------------------------------------------------------------------


def decimals_of(x: float) -> int:
    """Digits after the decimal point in the shortest faithful repr (42.32 → 2, 100.0 → 0)."""
    text = repr(round(float(x), 6))
    if "e" in text or "." not in text:
        return 0
    return len(text.split(".", 1)[1].rstrip("0"))


def vn_number(x: float | None, decimals: int | None = None) -> str:
    """Format like the reports do: '.' groups thousands, ',' is the decimal mark."""
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "–"
    if decimals is None:
        decimals = 0 if abs(x - round(x)) < 1e-9 else min(decimals_of(x), 4)
    text = f"{x:,.{decimals}f}"
    return text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")


def spell_out(rule: str, status: str, operands: Sequence[float] | None, stated: float | None,
              expected: float | None) -> str:
    """The computation in one line, e.g. '179 / 188 × 100 = 95,21 % ≠ 94,2 % (lệch 1,01 điểm %)'.

    An auditor should be able to redo it on a calculator without reading the rule's code.
    """
    ops = [float(x) for x in (operands or [])]
    rel = {"ok": "≈", "mismatch": "≠"}.get(status, "?")
    if stated is None:
        return " ; ".join(vn_number(x) for x in ops)
    pct = rule in PERCENT_RULES
    sd = decimals_of(stated)
    ed = max(2, sd + 1) if pct else (0 if expected is None or abs(expected - round(expected)) < 1e-9 else 2)
    exp_txt = vn_number(expected, ed) if expected is not None else "?"
    gap = ""
    if expected is not None and status != "ok":
        diff = abs(expected - stated)
        gap = (f" (lệch {vn_number(diff, max(2, sd))} điểm %)" if pct
               else f" (lệch {vn_number(diff)})")
    if rule in ("ratio_percent", "share_of_total") and len(ops) == 2:
        a, b = vn_number(ops[0]), vn_number(ops[1])
        return f"{a} / {b} × 100 = {exp_txt} % {rel} {vn_number(stated)} %{gap}"
    if rule == "shares_exceed_total" and ops:
        parts = " + ".join(f"{vn_number(x)} %" for x in ops)
        return f"{parts} = {exp_txt} % {rel} {vn_number(stated)} %{gap}"
    if rule == "sum_parts" and ops:
        parts = " + ".join(vn_number(x) for x in ops)
        return f"{parts} = {exp_txt} {rel} {vn_number(stated)} (tổng ghi){gap}"
    if rule == "conflicting_values" and ops:
        return f"lần đầu ghi {vn_number(ops[0])} {rel} sau đó ghi {vn_number(stated)}{gap}"
    if rule == "list_count":
        return f"ghi {vn_number(stated)} {rel} liệt kê {exp_txt} mục{gap}"
    shown = f"[{'; '.join(vn_number(x) for x in ops)}] → " if ops else ""
    return f"{shown}{exp_txt} {rel} {vn_number(stated)}{gap}"


# ------------------------------------------------------------------------------------------------
# Passages with highlighted numbers
# ------------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Mark:
    start: int
    end: int
    cls: str  # stated | operand | fact
    title: str = ""


def _window(text: str, s: int, e: int, side: int = PASSAGE_SIDE) -> tuple[int, int]:
    """Widen [s, e) to the sentence(s) around it, at most `side` characters each way."""
    lo = max(0, s - side)
    starts = [m.end() for m in _LEFT_STOP.finditer(text, lo, s)]
    start = starts[-1] if starts else lo
    m = _RIGHT_STOP.search(text, e, min(len(text), e + side))
    end = m.end() if m else min(len(text), e + side)
    while start < s and text[start].isspace():
        start += 1
    return start, max(end, e)


def _merge(spans: Iterable[tuple[int, int]], gap: int = 40) -> list[tuple[int, int]]:
    out: list[list[int]] = []
    for s, e in sorted(spans):
        if out and s <= out[-1][1] + gap:
            out[-1][1] = max(out[-1][1], e)
        else:
            out.append([s, e])
    return [(s, e) for s, e in out]


def highlight(text: str, start: int, end: int, marks: Sequence[Mark], span: tuple[int, int] | None = None,
              ) -> Markup:
    """text[start:end] escaped, with <mark> around each mark and the relation's own span underlined.

    Overlapping marks are cut at every boundary, so the output is always well nested.
    """
    cuts = {start, end}
    inside = [m for m in marks if m.end > start and m.start < end]
    for m in inside:
        cuts.update((max(m.start, start), min(m.end, end)))
    if span:
        cuts.update(x for x in span if start < x < end)
    points = sorted(cuts)
    out: list[str] = []
    pending = sorted(inside, key=lambda m: m.start)  # a sweep: marks enter at their start, leave at end
    active: list[Mark] = []
    i = 0
    for a, b in itertools.pairwise(points):
        while i < len(pending) and pending[i].start <= a:
            active.append(pending[i])
            i += 1
        active = [m for m in active if m.end > a]
        piece = html.escape(text[a:b])
        covering = [m for m in active if b <= m.end]
        if covering:
            cls = " ".join(sorted({m.cls for m in covering}))
            title = html.escape(" · ".join(m.title for m in covering if m.title), quote=True)
            piece = f'<mark class="{cls}" title="{title}">{piece}</mark>'
        if span and span[0] <= a and b <= span[1]:
            piece = f'<span class="rel">{piece}</span>'
        out.append(piece)
    return Markup("".join(out))


def passage(text: str, span: tuple[int, int], marks: Sequence[Mark]) -> Markup:
    """The sentence(s) around a check and around each number it uses, joined by ' … '."""
    s, e = span
    wins = [_window(text, m.start, m.end) for m in marks]
    if e - s <= LONG_SPAN:
        wins.append(_window(text, s, e))
    if not wins:
        wins.append(_window(text, s, min(e, s + LONG_SPAN)))
    pieces = []
    merged = _merge(wins)
    for i, (a, b) in enumerate(merged):
        lead = "… " if i == 0 and a > 0 and text[a - 1] != "\n" else ""
        pieces.append(Markup(lead) + highlight(text, a, b, marks, span))
    return Markup(' <span class="gap">…</span> ').join(pieces)


def _number_spellings(x: float) -> list[str]:
    """How a value may be written in the text, for checks whose facts cannot be resolved."""
    forms = {vn_number(x)}
    if abs(x - round(x)) < 1e-9:
        forms.add(str(round(x)))
    else:
        forms.add(vn_number(x).replace(".", ""))
        forms.add(f"{x}")
    return sorted(forms, key=len, reverse=True)


def check_marks(text: str, check: dict[str, Any], facts_by_id: dict[str, dict[str, Any]]) -> list[Mark]:
    """The numbers a check is about: its facts (by fact_ids), the stated figure marked apart.

    Falls back to searching the check's span for the operands and the stated value as written when
    the facts are gone (e.g. rows from an older extractor).
    """
    stated = check.get("stated")
    marks: list[Mark] = []
    stated_seen = False
    for fid in check.get("fact_ids") or []:
        f = facts_by_id.get(fid)
        if f is None or f["char_start"] is None:
            continue
        is_stated = (stated is not None and not stated_seen and f["value"] is not None
                     and abs(f["value"] - stated) < 1e-6 and check["rule"] != "shares_exceed_total")
        if check["rule"] == "conflicting_values":
            ops = list(check.get("operands") or [])
            is_stated = is_stated and not (ops and abs(ops[0] - stated) < 1e-6)
        stated_seen = stated_seen or is_stated
        label = "số ghi / stated" if is_stated else "toán hạng / operand"
        marks.append(Mark(f["char_start"], f["char_end"], "stated" if is_stated else "operand",
                          f"{label}: {vn_number(f['value'])}"))
    if marks:
        return marks
    s, e = check["char_start"], check["char_end"]
    values = [(float(x), "operand") for x in (check.get("operands") or [])]
    if stated is not None and check["rule"] != "shares_exceed_total":
        values.append((float(stated), "stated"))
    taken: list[tuple[int, int]] = []
    for value, cls in values:
        for form in _number_spellings(value):
            for m in re.finditer(rf"(?<![\d.,]){re.escape(form)}(?![\d]|[.,]\d)", text[s:e]):
                a, b = s + m.start(), s + m.end()
                if not any(a < tb and ta < b for ta, tb in taken):
                    taken.append((a, b))
                    marks.append(Mark(a, b, cls, vn_number(value)))
                    break
            else:
                continue
            break
    return marks


# ------------------------------------------------------------------------------------------------
# Heading tree
# ------------------------------------------------------------------------------------------------


def heading_tree(sections: Sequence[dict[str, Any]], counts: dict[str, tuple[int, int]]) -> Markup:
    """Nested <ul> from parent_id links; a section whose parent is unknown becomes a root."""
    ids = {s["section_id"] for s in sections}
    children: dict[str | None, list[dict[str, Any]]] = defaultdict(list)
    for s in sorted(sections, key=lambda s: (s["char_start"] or 0, s["level"] or 0)):
        parent = s["parent_id"] if s["parent_id"] in ids else None
        children[parent].append(s)

    def render(parent: str | None, depth: int) -> str:
        items = children.get(parent, [])
        if not items or depth > 12:
            return ""
        out = ["<ul>"]
        for s in items:
            n_facts, n_mm = counts.get(s["section_id"], (0, 0))
            badge = f' <span class="tag mm">{n_mm} ✗</span>' if n_mm else ""
            facts = f' <span class="muted">{n_facts} số liệu</span>' if n_facts else ""
            page = f' <span class="muted">tr. {s["page"]}</span>' if s.get("page") else ""
            out.append(
                f'<li><b>{html.escape(s["label"] or "")}</b> {html.escape(s["heading"] or "")}'
                f"{page}{facts}{badge}{render(s['section_id'], depth + 1)}</li>"
            )
        out.append("</ul>")
        return "".join(out)

    return Markup(render(None, 0))


def _branches_to(sections: Sequence[dict[str, Any]], counts: dict[str, list[int]]) -> list[dict[str, Any]]:
    """The sections holding a mismatch and their ancestors: the part of the tree a reader follows to a
    finding (the whole tree of every document is most of a large report's size)."""
    by_id = {s["section_id"]: s for s in sections}
    keep: set[str] = set()
    for sid, (_, n_mm) in counts.items():
        while n_mm and sid in by_id and sid not in keep:
            keep.add(sid)
            sid = by_id[sid]["parent_id"]
    return [s for s in sections if s["section_id"] in keep]


# ------------------------------------------------------------------------------------------------
# Gathering
# ------------------------------------------------------------------------------------------------


def _rule_label(rule: str) -> str:
    vi, en = RULE_LABELS.get(rule, (rule, ""))
    return f"{vi} · {en}" if en else vi


def _count_by(rows: list[dict[str, Any]], key) -> list[tuple[str, float]]:
    """(label, count) pairs, most first; rows without the key count as unknown."""
    counts: dict[str, int] = defaultdict(int)
    for r in rows:
        counts[key(r) or "(không rõ · unknown)"] += 1
    return sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))


def gap_histogram(findings: list[dict[str, Any]]) -> list[tuple[str, float]]:
    """Open findings by the size of their gap in the figure's own terms: points for a percent,
    per cent of the expected value for a count or an amount (the terms of `checks.severity`)."""
    pct_rules = set(severity_rules().percent_rules)
    bins = {"percent": [(0.5, "< 0,5 điểm %"), (1, "0,5–1 điểm %"), (2, "1–2 điểm %"), (5, "2–5 điểm %"),
                        (float("inf"), "≥ 5 điểm %")],
            "count": [(1, "< 1 %"), (5, "1–5 %"), (10, "5–10 %"), (float("inf"), "≥ 10 %")]}
    counts = {label: 0 for kind in bins.values() for _, label in kind}
    for m in findings:
        if m.get("stated") is None or m.get("expected") is None:
            continue
        gap = abs(m["stated"] - m["expected"])
        kind = "percent" if m["rule"] in pct_rules else "count"
        if kind == "count":
            gap = 100 * gap / max(abs(m["expected"]), 1.0)
        label = next(lbl for top, lbl in bins[kind] if gap < top)
        counts[label] += 1
    return [(f"{'tỷ lệ' if k == 'percent' else 'số lượng'}: {lbl}", counts[lbl])
            for k, kind in bins.items() for _, lbl in kind if counts[lbl]]


def _one_metric(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The rows of the rate stated most often: rates of different metrics on one axis would mislead."""
    counts: dict[str, int] = defaultdict(int)
    for r in rows:
        counts[r["metric"]] += r["figures"]
    if not counts:
        return []
    top = min(counts, key=lambda m: (-counts[m], m))
    return [r for r in rows if r["metric"] == top]


# Findings embedded with their passage, worst first: a finding costs ~3 KB of HTML, and a folder with
# thousands of them is read through `baocao mismatches` and the exports, not one page; the counts and
# charts always cover every finding.
MAX_FINDINGS = 500


def gather(con, *, full_text: bool = False, max_findings: int = MAX_FINDINGS) -> dict[str, Any]:
    """Everything the template shows, read once from the database.

    Each embedded finding carries its passage; a document's whole text is embedded only with `full_text`
    (it is most of the file: without it 1,000 documents stay a few MB), and at most `max_findings`
    findings (0: all) are embedded, the worst first.
    """
    docs = queries.rows(con, "SELECT * EXCLUDE (text) FROM documents ORDER BY issued_date NULLS LAST, path")
    texts = dict(con.execute("SELECT doc_id, text FROM documents").fetchall())
    facts = queries.rows(con, """
        SELECT f.*, s.path AS section_path FROM facts f
        LEFT JOIN sections s ON s.doc_id = f.doc_id AND s.section_id = f.section_id
        ORDER BY f.doc_id, f.char_start""")
    checks = queries.rows(con, """
        SELECT c.*, s.path AS section_path, lr.decision AS review_decision, lr.note AS review_note,
               lr."by" AS review_by, lr."at" AS review_at
        FROM checks c
        LEFT JOIN sections s ON s.doc_id = c.doc_id AND s.section_id = c.section_id
        LEFT JOIN latest_reviews lr USING (check_id)
        ORDER BY c.doc_id, c.char_start, c.rule""")
    sections = queries.rows(con, "SELECT * FROM sections ORDER BY doc_id, char_start, level")
    mismatch_order = queries.run_named(con, "mismatches", include_dismissed=True)

    facts_by_doc: dict[str, list[dict[str, Any]]] = defaultdict(list)
    facts_by_id: dict[tuple[str, str], dict[str, Any]] = {}
    for f in facts:
        facts_by_doc[f["doc_id"]].append(f)
        facts_by_id[(f["doc_id"], f["fact_id"])] = f
    checks_by_doc: dict[str, list[dict[str, Any]]] = defaultdict(list)
    check_by_id: dict[str, dict[str, Any]] = {}
    for c in checks:
        checks_by_doc[c["doc_id"]].append(c)
        check_by_id[c["check_id"]] = c
    sections_by_doc: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for s in sections:
        sections_by_doc[s["doc_id"]].append(s)
    doc_by_id = {d["doc_id"]: d for d in docs}

    def decorate(c: dict[str, Any]) -> dict[str, Any]:
        text = texts.get(c["doc_id"]) or ""
        own = {fid: facts_by_id[(c["doc_id"], fid)] for fid in (c.get("fact_ids") or [])
               if (c["doc_id"], fid) in facts_by_id}
        marks = check_marks(text, c, own)
        return {
            **c,
            "rule_label": _rule_label(c["rule"]),
            "status_label": STATUS_LABELS.get(c["status"], c["status"]),
            "computation": spell_out(c["rule"], c["status"], c.get("operands"), c.get("stated"),
                                     c.get("expected")),
            "passage": passage(text, (c["char_start"], c["char_end"]), marks) if text else Markup(""),
            "review": c.get("review_decision") or "",
            "review_label": REVIEW_LABELS.get(c.get("review_decision") or "", c.get("review_decision")),
            "doc": doc_by_id.get(c["doc_id"], {}),
        }

    # one row per finding of a report (a PDF, its DOCX and a scan show it once), with the files it is in
    # and its section as labels with heading text
    mismatches = [{**decorate(check_by_id[m["check_id"]]), "files": m["files"], "section_trail": m["section_trail"]}
                  for m in mismatch_order if m["check_id"] in check_by_id]
    decorated = {m["check_id"]: m for m in mismatches}
    shown = mismatches if full_text or max_findings <= 0 else mismatches[:max_findings]
    embedded = {m["check_id"] for m in shown}

    doc_pages = []
    for d in docs:
        did = d["doc_id"]
        text = texts.get(did) or ""
        counts: dict[str, list[int]] = defaultdict(lambda: [0, 0])
        for f in facts_by_doc[did]:
            counts[f["section_id"]][0] += 1
        for c in checks_by_doc[did]:
            if c["status"] == "mismatch":
                counts[c["section_id"]][1] += 1
        fact_marks = []
        for f in facts_by_doc[did]:
            if f["char_start"] is None:
                continue
            read = ocr_read_as(f["extractor"])
            fact_marks.append(Mark(f["char_start"], f["char_end"], "fact ocrfix" if read else "fact",
                                   f"{vn_number(f['value'])} {f['unit'] or ''} · {f['kind']}"
                                   + (f" · {f['metric']}" if f["metric"] else "")
                                   + (f" · OCR đọc / read: {read}" if read else "")))
        doc_checks = [{**(decorated.get(c["check_id"]) or decorate(c)), "embedded": c["check_id"] in embedded}
                      for c in checks_by_doc[did]]
        status_counts = {k: sum(c["status"] == k for c in doc_checks) for k in STATUS_LABELS}
        doc_pages.append({
            **d,
            "name": Path(d["path"] or did).name,
            # without full_text the tree holds the branches leading to findings, not every heading
            "tree": heading_tree(sections_by_doc[did] if full_text else _branches_to(sections_by_doc[did], counts),
                                 {k: (v[0], v[1]) for k, v in counts.items()}),
            "n_sections": len(sections_by_doc[did]),
            # without full_text a document lists its findings (not its every figure and holding check),
            # which keeps the report a few MB for 1,000 documents; the counts are always complete
            "facts": facts_by_doc[did] if full_text else [],
            "n_facts": len(facts_by_doc[did]),
            "checks": doc_checks if full_text else [c for c in doc_checks if c["status"] == "mismatch"],
            "n_checks": len(doc_checks),
            "status_counts": status_counts,
            "fulltext": highlight(text, 0, len(text), fact_marks) if full_text else None,
        })

    # the reports with most open problems first (what an auditor opens first), each report's best-read
    # file before its other files, a file with its own open mismatches (a copy's may differ)
    open_by_doc: dict[str, int] = defaultdict(int)
    for c in checks:
        if c["status"] == "mismatch" and (c.get("review_decision") or "") != "dismissed":
            open_by_doc[c["doc_id"]] += 1
    open_by_report: dict[str, int] = defaultdict(int)
    for m in mismatch_order:
        if (m["review_decision"] or "") != "dismissed":
            open_by_report[m["report_key"]] += 1
    primary = {r["doc_id"] for r in queries.rows(con, "SELECT doc_id FROM report_primary")}

    def report_of(d: dict[str, Any]) -> str:
        return d.get("report_key") or d["doc_id"]

    doc_pages.sort(key=lambda d: (-open_by_report.get(report_of(d), 0), report_of(d),
                                  d["doc_id"] not in primary, -open_by_doc.get(d["doc_id"], 0)))
    for d in doc_pages:
        d["open_findings"] = open_by_doc.get(d["doc_id"], 0)
    open_findings = [m for m in mismatches if m["review"] != "dismissed"]
    charts = {
        "by_province": charts_mod.hbar(_count_by(open_findings, lambda m: m["doc"].get("province")),
                                       title="Open mismatches by province"),
        "by_rule_chart": charts_mod.hbar(_count_by(open_findings, lambda m: m["rule"]),
                                         title="Open mismatches by rule"),
        "gaps": charts_mod.hbar(gap_histogram(open_findings), title="Open mismatches by size of the gap"),
        "rates": charts_mod.rate_dots(_one_metric(queries.run_named(con, "rates_by_unit_year")),
                                      title="Rates by unit and year"),
    }
    by_rule = queries.run_named(con, "checks_by_rule")
    for r in by_rule:
        r["label"] = _rule_label(r["rule"])
    by_issuer = queries.run_named(con, "mismatches_by_issuer")
    years = sorted({str(d["issued_date"].year) if d.get("issued_date")
                    else (d.get("issued_date_text") or "")[:4] for d in docs} - {""})
    periods = [r[0] for r in con.execute(
        "SELECT period FROM facts WHERE period IS NOT NULL GROUP BY period ORDER BY period").fetchall()]
    review_counts = {k: sum(m["review"] == k for m in mismatches) for k in REVIEW_LABELS}
    return {
        **charts,
        "rates_metric": next((r["metric"] for r in _one_metric(queries.run_named(con, "rates_by_unit_year"))), ""),
        "docs": doc_pages,
        "mismatches": shown,
        "n_mismatches": len(mismatches),
        "by_rule": by_rule,
        "by_issuer": by_issuer,
        "max_rule": max([r["relations_checked"] for r in by_rule] or [1]),
        "max_issuer": max([r["mismatches"] for r in by_issuer] or [1]) or 1,
        "issuers": sorted({d["issuer"] for d in docs if d.get("issuer")}),
        "provinces": sorted({d["province"] for d in docs if d.get("province")}),
        "years": years,
        "periods": periods,
        "n_reports": con.execute("SELECT count(DISTINCT coalesce(report_key, doc_id)) FROM documents").fetchone()[0],
        "n_facts": len(facts),
        "n_checks": len(checks),
        "status_counts": {k: sum(c["status"] == k for c in checks) for k in STATUS_LABELS},
        "review_counts": review_counts,
        "n_errors": con.execute("SELECT count(*) FROM ingest_errors").fetchone()[0],
    }


# ------------------------------------------------------------------------------------------------
# Rendering
# ------------------------------------------------------------------------------------------------


def _env() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATE_DIR),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["vn"] = vn_number
    env.filters["rule_label"] = _rule_label
    env.filters["basename"] = lambda p: Path(p).name if p else ""
    return env


def render_report(data: dict[str, Any], *, db_name: str, generated_at: datetime | None = None) -> str:
    template = _env().get_template("report.html.j2")
    return template.render(**data, db_name=db_name,
                           generated_at=(generated_at or datetime.now()).strftime("%Y-%m-%d %H:%M"))


def write_report(db_path: str | Path, out_path: str | Path, *, full_text: bool = False,
                 max_findings: int = MAX_FINDINGS) -> Path:
    """Read the database and write the HTML report; returns the path written."""
    with store.reader(db_path) as con:
        data = gather(con, full_text=full_text, max_findings=max_findings)
    out = Path(out_path)
    html_text = clean_text(render_report(data, db_name=Path(db_path).name))  # no raw control character
    write_atomically(out, html_text.encode("utf-8"))
    return out
