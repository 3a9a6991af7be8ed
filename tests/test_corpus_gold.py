"""Checks that the hand-written sample corpus and its gold annotations agree with each other.

The corpus (corpus/*.txt, corpus/*.md) is our own wording; each report has a gold JSON beside it in the
format of shared/gold/FORMAT.md. These tests guard the gold itself: if a quote drifts from the text, or a
relation's verdict does not follow the FORMAT.md rounding rule, evaluation against the corpus would
silently measure the wrong thing.
"""

from __future__ import annotations

import json
import math
import re
import unicodedata
from collections import Counter
from pathlib import Path

import pytest
import yaml

CORPUS = Path(__file__).resolve().parent.parent / "corpus"
REPORTS = sorted(
    p for p in CORPUS.iterdir() if p.suffix in {".txt", ".md"} and p.with_suffix(".json").exists()
)

KINDS = {k["name"] for k in yaml.safe_load((CORPUS.parent / "schemas" / "metadata.yaml").read_text("utf-8"))[
    "doc_types"]}
METADATA_KEYS = {"doc_number", "doc_type", "issuer", "province", "place", "issued_date", "signer", "title"}
FACT_KEYS = {"metric", "value", "unit", "subject", "period", "quote"}
RELATION_KEYS = {"kind", "quote", "operands", "stated", "computed", "consistent", "note"}
RELATION_KINDS = {"ratio", "sum", "share", "other"}
# Metric vocabulary of shared/gold/FORMAT.md, copied so the test needs no path outside the repo.
METRICS = {
    "dossiers_received",
    "dossiers_direct",
    "dossiers_online",
    "dossiers_interlinked",
    "dossiers_carried_over",
    "dossiers_postal",
    "dossiers_resolved",
    "dossiers_early",
    "dossiers_on_time",
    "dossiers_late",
    "dossiers_rejected",
    "dossiers_pending",
    "online_dossier_rate",
    "on_time_rate",
    "procedures_total",
    "procedures_level_2",
    "procedures_level_3",
    "procedures_level_4",
    "procedures_partial_online",
    "documents_issued",
    "documents_signed",
    "signature_rate",
    "certificates_issued",
    "computers",
    "computer_staff_rate",
    "computers_antivirus",
    "antivirus_rate",
    "email_accounts",
    "email_usage_rate",
    "budget",
    "staff_trained",
    "smartphone_rate",
    "broadband_household_rate",
    "eid_accounts",
    "eid_rate",
}
NUMBER = re.compile(r"\d[\d.,]*\d|\d")
PERIOD = re.compile(r"^\d{4}$|^\d{4}-\d{2}-\d{2}\.\.\d{4}-\d{2}-\d{2}$")
ISSUED_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")


def decode(raw: bytes) -> str:
    """Decode a corpus file the way a loader must: honour a UTF-16 or UTF-8 byte-order mark."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return raw.decode("utf-16")
    if raw.startswith(b"\xef\xbb\xbf"):
        return raw.decode("utf-8-sig")
    return raw.decode("utf-8")


def parse_token(token: str) -> tuple[float, int]:
    """Value and decimal places of a number as Vietnamese reports write it (1.234 groups, 12,5 is decimal)."""
    if re.fullmatch(r"\d{1,3}(\.\d{3})+", token):
        return float(token.replace(".", "")), 0
    if re.fullmatch(r"\d+,\d+", token):
        return float(token.replace(",", ".")), len(token.split(",")[1])
    if re.fullmatch(r"\d+\.\d{1,2}", token):  # English decimal point, e.g. 71.55%
        return float(token), len(token.split(".")[1])
    if re.fullmatch(r"\d+", token):
        return float(token), 0
    return math.nan, 0


def quote_numbers(quote: str) -> list[tuple[float, int]]:
    return [parse_token(m.group()) for m in NUMBER.finditer(quote)]


def stated_decimals(value: float, quote: str) -> int:
    """Decimals of the stated figure as written in the quote (a JSON number loses trailing zeros)."""
    for number, decimals in quote_numbers(quote):
        if abs(number - value) < 1e-9:
            return decimals
    text = repr(float(value))
    return 0 if text.endswith(".0") else len(text.split(".")[1])


def percent_consistent(stated: float, exact: float, decimals: int) -> bool:
    """FORMAT.md: within half a unit of the last stated decimal, or equal to the truncated value."""
    if abs(stated - exact) <= 0.5 * 10**-decimals + 1e-9:
        return True
    truncated = math.floor(exact * 10**decimals + 1e-9) / 10**decimals
    return abs(truncated - stated) < 1e-9


def is_percent_partition(rel: dict) -> bool:
    """A sum of shares of one whole: percents listed in the quote, total 100 implied or written."""
    if rel["kind"] != "sum" or rel["stated"] != 100 or "%" not in rel["quote"]:
        return False
    written = [n for n, _ in quote_numbers(rel["quote"])]
    return all(any(abs(o - w) < 1e-9 for w in written) for o in rel["operands"])


def recompute(rel: dict) -> tuple[float, bool]:
    kind, ops, stated, quote = rel["kind"], rel["operands"], rel["stated"], rel["quote"]
    if kind in ("ratio", "share"):
        part, total = ops
        exact = part / total * 100
        return round(exact, 2), percent_consistent(stated, exact, stated_decimals(stated, quote))
    if kind == "sum":
        total = sum(ops)
        if is_percent_partition(rel):
            places = [stated_decimals(o, quote) for o in ops]
            below = sum(10**-k for k in places)  # each share truncated
            above = sum(0.5 * 10**-k for k in places)  # each share rounded
            return round(total, 2), -below - 1e-9 <= total - 100 <= above + 1e-9
        return total, abs(total - stated) < 1e-9
    if len(ops) > 1:  # other: count of listed items (each operand 1) vs the stated count
        return sum(ops), sum(ops) == stated
    return ops[0], ops[0] == stated  # other: conflicting values, operands = [first value]


def load(report: Path) -> tuple[str, dict]:
    return decode(report.read_bytes()), json.loads(report.with_suffix(".json").read_text(encoding="utf-8"))


@pytest.fixture(params=REPORTS, ids=[p.name for p in REPORTS])
def report(request: pytest.FixtureRequest) -> tuple[Path, str, dict]:
    path = request.param
    text, gold = load(path)
    return path, text, gold


def test_corpus_has_at_least_ten_reports() -> None:
    assert len(REPORTS) >= 10


def test_gold_has_every_required_key(report: tuple[Path, str, dict]) -> None:
    path, _, gold = report
    assert gold["doc"] == path.name
    assert gold["source"] == "corpus"
    assert set(gold["metadata"]) == METADATA_KEYS
    assert gold["headings"] and gold["facts"] and gold["relations"]
    for heading in gold["headings"]:
        assert set(heading) == {"label", "level", "text"}
    for fact in gold["facts"]:
        assert set(fact) == FACT_KEYS
    for rel in gold["relations"]:
        assert set(rel) == RELATION_KEYS
        assert rel["kind"] in RELATION_KINDS


def test_metadata_values_are_well_formed(report: tuple[Path, str, dict]) -> None:
    _, _, gold = report
    meta = gold["metadata"]
    assert meta["doc_type"] in KINDS  # a report, or a decision with its attached regulation (layout E)
    assert meta["issuer"] and meta["title"]
    assert meta["issued_date"] is None or ISSUED_DATE.match(meta["issued_date"])
    assert meta["doc_number"] is None or "/" in meta["doc_number"]


def test_every_quote_is_an_exact_substring_of_the_decoded_file(report: tuple[Path, str, dict]) -> None:
    _, text, gold = report
    missing = [f["quote"] for f in gold["facts"] if f["quote"] not in text]
    missing += [r["quote"] for r in gold["relations"] if r["quote"] not in text]
    assert missing == []


def test_heading_texts_occur_in_the_document(report: tuple[Path, str, dict]) -> None:
    _, text, gold = report
    normalized = " ".join(unicodedata.normalize("NFC", text).split())  # a heading may be broken across lines
    assert [h["text"] for h in gold["headings"] if h["text"] not in normalized] == []


def test_fact_value_is_written_in_its_quote(report: tuple[Path, str, dict]) -> None:
    _, _, gold = report
    wrong = []
    for fact in gold["facts"]:
        written = [n for n, _ in quote_numbers(fact["quote"])]
        scaled = [n * k for n in written for k in (1, 1e6, 1e9)]  # "300 triệu", "1 tỷ"
        if not any(abs(v - fact["value"]) < 1e-6 for v in scaled):
            wrong.append((fact["value"], fact["quote"]))
    assert wrong == []


def test_fact_fields_follow_the_format(report: tuple[Path, str, dict]) -> None:
    _, _, gold = report
    for fact in gold["facts"]:
        assert fact["metric"] is None or fact["metric"] in METRICS, fact
        assert isinstance(fact["value"], int | float) and not isinstance(fact["value"], bool)
        assert fact["unit"]
        assert fact["period"] is None or PERIOD.match(fact["period"]), fact
        if fact["metric"] == "budget":
            assert fact["unit"] in {"đồng", "đ"}
        if fact["unit"] == "%":
            assert 0 <= fact["value"] <= 100


def test_relation_verdict_follows_the_rounding_rule(report: tuple[Path, str, dict]) -> None:
    _, _, gold = report
    for rel in gold["relations"]:
        computed, consistent = recompute(rel)
        assert rel["consistent"] is consistent, rel["quote"]
        assert abs(rel["computed"] - computed) < 1e-9, rel["quote"]


def test_relation_operands_match_their_kind(report: tuple[Path, str, dict]) -> None:
    _, _, gold = report
    for rel in gold["relations"]:
        if rel["kind"] in ("ratio", "share"):
            assert len(rel["operands"]) == 2 and rel["operands"][1] > 0
        elif rel["kind"] == "sum":
            assert len(rel["operands"]) >= 2
        elif len(rel["operands"]) == 1:
            assert rel["consistent"] is False, "a single-operand 'other' is a conflicting value"
        else:
            assert set(rel["operands"]) == {1}, "a multi-operand 'other' counts listed items"


def test_every_report_has_a_deliberate_mismatch(report: tuple[Path, str, dict]) -> None:
    _, _, gold = report
    assert any(not r["consistent"] for r in gold["relations"])
    assert any(r["consistent"] for r in gold["relations"])


def mismatch_kind(rel: dict) -> str:
    if rel["kind"] == "sum":
        return "shares_exceed_total" if is_percent_partition(rel) else "sum_parts"
    if rel["kind"] == "other":
        return "conflicting_values" if len(rel["operands"]) == 1 else "listed_count"
    return {"ratio": "ratio_percent", "share": "share_of_total"}[rel["kind"]]


def test_corpus_covers_every_kind_of_mismatch_at_least_twice() -> None:
    kinds: Counter[str] = Counter()
    for path in REPORTS:
        _, gold = load(path)
        kinds.update(mismatch_kind(r) for r in gold["relations"] if not r["consistent"])
    for kind in ("ratio_percent", "sum_parts", "share_of_total", "shares_exceed_total", "conflicting_values"):
        assert kinds[kind] >= 2, kind
    exceeding = [
        r
        for p in REPORTS
        for r in load(p)[1]["relations"]
        if not r["consistent"] and mismatch_kind(r) == "shares_exceed_total"
    ]
    assert all(sum(r["operands"]) > 100 for r in exceeding)


def test_corpus_keeps_consistent_cases_that_only_truncation_explains() -> None:
    truncated = []
    for path in REPORTS:
        for rel in load(path)[1]["relations"]:
            if rel["kind"] in ("ratio", "share") and rel["consistent"]:
                exact = rel["operands"][0] / rel["operands"][1] * 100
                places = stated_decimals(rel["stated"], rel["quote"])
                if abs(rel["stated"] - exact) > 0.5 * 10**-places + 1e-9:
                    truncated.append(rel["quote"])
    assert len(truncated) >= 2


def test_corpus_exercises_encodings_and_layout_quirks() -> None:
    raws = {p.name: p.read_bytes() for p in REPORTS}
    texts = {name: decode(raw) for name, raw in raws.items()}
    assert any(raw.startswith(b"\xef\xbb\xbf") for raw in raws.values())
    assert any(raw.startswith(b"\xff\xfe") for raw in raws.values())
    assert any(not unicodedata.is_normalized("NFC", t) for t in texts.values())
    assert any("\f" in t for t in texts.values())
    assert any(re.search(r"\d[¹²³⁴⁵⁶⁷⁸⁹⁰]", t) for t in texts.values())
    assert sum(p.suffix == ".md" for p in REPORTS) >= 2


def test_readme_lists_every_report() -> None:
    readme = (CORPUS / "README.md").read_text(encoding="utf-8")
    assert [p.name for p in REPORTS if p.name not in readme] == []
