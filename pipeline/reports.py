"""One report, several files: the `documents.report_key` that groups a signed PDF, its DOCX draft and a
scan of the same report, so a finding is counted once per report and not once per file.

Why this rule: an official document is identified by its number, its issuer and its date (the header
every báo cáo carries), so files agreeing on those are one report. When the number is blank (a news
item, a portal page, a header OCR could not read) the files are compared by their words instead:
near-identical text (word-pair overlap, schemas/reports.yaml) is the same report, unless the two
disagree on a number, issuer or date both of them state — two monthly reports from one template share
most words but not their dates. A shorter text nearly all of whose distinctive word pairs are in one
longer text (a photographed or separately scanned page of the report) is part of that report; pairs
shared by many texts (a template's boilerplate) are not counted as evidence either way.

Files are grouped transitively (a scan like the PDF, the PDF with the same number as the DOCX), and the
key names the report as a person would: `88/BC-UBND|UBND huyện Yên Thành|2019-12-20`, or
`text:<sha256 prefix>` for a group without a number. `assign_report_keys` runs after every ingest, so
a file that joins a report later moves the whole group onto one key.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from itertools import pairwise

from pipeline.config import Strict, load_model


class ReportRules(Strict):
    version: int = 1
    min_text_overlap: float  # Jaccard of word pairs at or above which two texts are one report
    max_length_ratio: float  # texts whose lengths differ more than this are never compared by overlap
    min_part_containment: float  # share of a shorter text's distinctive word pairs found in one longer text
    min_part_pairs: int  # distinctive word pairs a text needs before it can be called a part of another
    max_pair_owners: int  # a word pair in more texts than this is boilerplate: not evidence of a part


@dataclass(frozen=True, slots=True)
class DocIdentity:
    """What identifies one stored file as a report: its header fields and its text."""

    doc_id: str
    sha256: str
    doc_number: str | None
    issuer: str | None
    issued: str | None  # issued_date_text, or the date
    text: str


_WORD = re.compile(r"\w+")


def rules() -> ReportRules:
    return load_model("reports.yaml", ReportRules)


def norm_number(s: str | None) -> str | None:
    """`88 / BC-UBND` and `88/bc-ubnd` are one document number."""
    if not s:
        return None
    return re.sub(r"\s+", "", s).upper() or None


def norm_field(s: str | None) -> str | None:
    return " ".join(s.split()).casefold() if s and s.strip() else None


def word_pairs(text: str) -> frozenset[int]:
    """The set of adjacent word pairs of a text (lower case), hashed: OCR noise changes few of them."""
    words = _WORD.findall(text.casefold())
    return frozenset(hash(pair) for pair in pairwise(words))


def overlap(a: frozenset[int], b: frozenset[int]) -> float:
    if not a or not b:
        return 0.0
    common = len(a & b)
    return common / (len(a) + len(b) - common)  # |a ∪ b| from the sizes: no union set is built


def conflict(a: DocIdentity, b: DocIdentity) -> bool:
    """The two state a header field both have, differently (a partial date agrees with a full one it begins)."""
    return _headers_conflict(_header(a), _header(b))


def _header(d: DocIdentity) -> tuple[str | None, str | None, str | None]:
    return norm_number(d.doc_number), norm_field(d.issuer), d.issued or None


def _headers_conflict(a: tuple[str | None, str | None, str | None],
                      b: tuple[str | None, str | None, str | None]) -> bool:
    if any(x is not None and y is not None and x != y for x, y in zip(a[:2], b[:2], strict=True)):
        return True
    x, y = a[2], b[2]
    return bool(x and y and not (x.startswith(y) or y.startswith(x)))


def group_reports(docs: Sequence[DocIdentity], r: ReportRules | None = None) -> dict[str, str]:
    """doc_id -> report_key for every document (see the module docstring)."""
    r = r or rules()
    parent = {d.doc_id: d.doc_id for d in docs}
    headers = {d.doc_id: _header(d) for d in docs}  # normalized once: compared pairwise below

    def conflicting(a: DocIdentity, b: DocIdentity) -> bool:
        return _headers_conflict(headers[a.doc_id], headers[b.doc_id])

    def find(x: str) -> str:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def union(a: str, b: str) -> None:
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)

    by_number: dict[str, list[DocIdentity]] = {}
    for d in docs:
        if (n := norm_number(d.doc_number)) is not None:
            by_number.setdefault(n, []).append(d)
    for same in by_number.values():
        for i, a in enumerate(same):
            for b in same[i + 1:]:
                if not conflicting(a, b):
                    union(a.doc_id, b.doc_id)
    # near-identical text: compare texts of similar length only (sorted by length, a sliding window)
    ordered = sorted(docs, key=lambda d: len(d.text))
    pairs = {d.doc_id: word_pairs(d.text) for d in ordered}
    for i, a in enumerate(ordered):
        for b in ordered[i + 1:]:
            if len(b.text) > r.max_length_ratio * max(len(a.text), 1):
                break
            if find(a.doc_id) != find(b.doc_id) and not conflicting(a, b) \
                    and overlap(pairs[a.doc_id], pairs[b.doc_id]) >= r.min_text_overlap:
                union(a.doc_id, b.doc_id)
    _join_parts(ordered, pairs, r, find, union, conflicting)
    groups: dict[str, list[DocIdentity]] = {}
    for d in docs:
        groups.setdefault(find(d.doc_id), []).append(d)
    keys: dict[str, str] = {}
    for members in groups.values():
        key = group_key(members)
        for d in members:
            keys[d.doc_id] = key
    return keys


def _join_parts(ordered: Sequence[DocIdentity], pairs: dict[str, frozenset[int]], r: ReportRules,
                find: Callable[[str], str], union: Callable[[str, str], None],
                conflicting: Callable[[DocIdentity, DocIdentity], bool]) -> None:
    """Join each text that is a part of one longer text (see the module docstring) to its report.

    An inverted index of word pairs keeps this near-linear: a pair is looked up once per text holding
    it, and pairs held by more than `max_pair_owners` texts are skipped."""
    owners: dict[int, list[int]] = {}
    for i, d in enumerate(ordered):
        for h in pairs[d.doc_id]:
            owners.setdefault(h, []).append(i)
    for i, a in enumerate(ordered):
        hits: Counter[int] = Counter()
        counted = 0
        for h in pairs[a.doc_id]:
            held = owners[h]
            if len(held) > r.max_pair_owners:
                continue
            counted += 1
            hits.update(j for j in held if j > i)  # only longer texts (ordered by length)
        if counted < r.min_part_pairs:
            continue
        for j, n in hits.most_common(3):
            b = ordered[j]
            if n / counted < r.min_part_containment:
                break
            if len(b.text) > len(a.text) and not conflicting(a, b):
                if find(a.doc_id) != find(b.doc_id):
                    union(a.doc_id, b.doc_id)
                break


def group_key(members: Sequence[DocIdentity]) -> str:
    """The key of one group: its header as most of its files state it, or its text's fingerprint."""
    number = _most_common([norm_number(d.doc_number) for d in members])
    if number is None:
        return "text:" + hashlib.sha256(min(d.sha256 or d.doc_id for d in members).encode()).hexdigest()[:16]
    issuer = _most_common([" ".join(d.issuer.split()) if d.issuer else None for d in members]) or ""
    issued = _most_common([d.issued for d in members]) or ""
    return f"{number}|{issuer}|{issued}"


def _most_common(values: Sequence[str | None]) -> str | None:
    present = [v for v in values if v]
    return Counter(sorted(present)).most_common(1)[0][0] if present else None


def assign_report_keys(con) -> int:
    """Recompute `documents.report_key` over the whole database; returns how many rows changed."""
    rows = con.execute(
        "SELECT doc_id, sha256, doc_number, issuer, coalesce(issued_date_text, CAST(issued_date AS VARCHAR)), "
        "coalesce(text, ''), report_key FROM documents").fetchall()
    docs = [DocIdentity(*row[:6]) for row in rows]
    keys = group_reports(docs)
    changed = [(keys[row[0]], row[0]) for row in rows if keys[row[0]] != row[6]]
    if changed:
        con.executemany("UPDATE documents SET report_key = ? WHERE doc_id = ?", changed)
    return len(changed)
