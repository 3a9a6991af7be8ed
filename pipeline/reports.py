"""One report, several files: the `documents.report_key` that groups a signed PDF, its DOCX draft and a
scan of the same report, so a finding is counted once per report and not once per file.

Why this rule: an official document is identified by its number, its issuer and its date (the header
every báo cáo carries), so files agreeing on those are one report. When the number is blank (a news
item, a portal page, a header OCR could not read) the files are compared by their words instead:
near-identical text (word-pair overlap, schemas/reports.yaml) is the same report, unless the two
disagree on a number, issuer or date both of them state — two monthly reports from one template share
most words but not their dates. A shorter text nearly all of whose distinctive word pairs are in one
longer text (a photographed or separately scanned page of the report) is part of that report; pairs
shared by many texts (a template's boilerplate) are not counted as evidence either way: two texts are
compared at all only when they share a word pair few texts hold, or have the very same words.

The comparison runs inside DuckDB (word pairs hashed by SQL, joined on the rare ones), so only the
headers of the stored files come into Python: the writer's memory stays within DuckDB's bound
however many documents the database holds, and the cost grows with the pairs of files that share
rare word pairs, not with every pair of files of similar length.

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

import duckdb
import pyarrow as pa

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


def rules() -> ReportRules:
    return load_model("reports.yaml", ReportRules)


def norm_number(s: str | None) -> str | None:
    """`88 / BC-UBND` and `88/bc-ubnd` are one document number."""
    if not s:
        return None
    return re.sub(r"\s+", "", s).upper() or None


def norm_field(s: str | None) -> str | None:
    return " ".join(s.split()).casefold() if s and s.strip() else None


def _header(d: _Head) -> tuple[str | None, str | None, str | None]:
    return norm_number(d.doc_number), norm_field(d.issuer), d.issued or None


def _headers_conflict(a: tuple[str | None, str | None, str | None],
                      b: tuple[str | None, str | None, str | None]) -> bool:
    if any(x is not None and y is not None and x != y for x, y in zip(a[:2], b[:2], strict=True)):
        return True
    x, y = a[2], b[2]
    return bool(x and y and not (x.startswith(y) or y.startswith(x)))


def group_reports(docs: Sequence[DocIdentity], r: ReportRules | None = None) -> dict[str, str]:
    """doc_id -> report_key for every document (see the module docstring); the texts are compared in
    an in-memory DuckDB, by the same queries as `assign_report_keys`."""
    con = duckdb.connect()
    try:
        con.execute("CREATE TABLE documents (doc_id VARCHAR, text VARCHAR)")
        con.executemany("INSERT INTO documents VALUES (?, ?)", [(d.doc_id, d.text) for d in docs])
        heads = [_Head(d.doc_id, d.sha256, d.doc_number, d.issuer, d.issued, len(d.text)) for d in docs]
        return _group(con, heads, r or rules())
    finally:
        con.close()


@dataclass(frozen=True, slots=True)
class _Head:
    """A stored file without its text: what grouping keeps in memory per document."""

    doc_id: str
    sha256: str
    doc_number: str | None
    issuer: str | None
    issued: str | None
    length: int  # characters of text


# The texts' word pairs, their owners and the pairs of documents sharing distinctive ones, computed
# by DuckDB (out of core, within the writer's memory bound) so that no text is held in Python.
_WORDS_SQL = r"""
CREATE OR REPLACE TEMP TABLE _rk_chunk AS
SELECT k.idx, regexp_extract_all(lower(coalesce(d.text, '')), '[\pL\pN_]+') AS w
FROM documents d JOIN _rk_heads k USING (doc_id) WHERE k.idx >= $lo AND k.idx < $hi;
INSERT INTO _rk_words SELECT idx, hash(w) FROM _rk_chunk WHERE len(w) > 0;
INSERT INTO _rk_pairs
SELECT DISTINCT idx, hash(p) AS h FROM (SELECT idx, unnest(list_zip(array_pop_back(w), w[2:])) AS p FROM _rk_chunk);
"""
_RARE_SQL = """
CREATE OR REPLACE TEMP TABLE _rk_rare AS
SELECT p.idx, p.h FROM _rk_pairs p
JOIN (SELECT h FROM _rk_pairs GROUP BY h HAVING count(*) <= $max_owners) USING (h);
CREATE OR REPLACE TEMP TABLE _rk_cand AS
SELECT a.idx AS i, b.idx AS j, count(*) AS hits
FROM _rk_rare a JOIN _rk_rare b ON a.h = b.h AND a.idx < b.idx GROUP BY ALL;
"""
_TEMP_TABLES = ("_rk_cand", "_rk_rare", "_rk_chunk", "_rk_words", "_rk_pairs", "_rk_heads")
_CHUNK = 200  # documents whose texts are split into word pairs in one statement (bounds DuckDB's memory)
# Near-identical texts: candidates of similar length, no conflicting header, Jaccard of all word pairs.
_SAME_TEXT_SQL = """
WITH sizes AS (SELECT idx, count(*) AS n FROM _rk_pairs GROUP BY idx),
c AS (
    SELECT c.i, c.j, si.n AS ni, sj.n AS nj FROM _rk_cand c
    JOIN _rk_heads a ON a.idx = c.i JOIN _rk_heads b ON b.idx = c.j
    JOIN sizes si ON si.idx = c.i JOIN sizes sj ON sj.idx = c.j
    WHERE b.length <= $max_length_ratio * greatest(a.length, 1)
      AND least(si.n, sj.n) >= $min_overlap * greatest(si.n, sj.n)
      AND NOT (coalesce(a.number <> b.number, false) OR coalesce(a.issuer <> b.issuer, false)
               OR coalesce(NOT (starts_with(a.issued, b.issued) OR starts_with(b.issued, a.issued)), false)))
SELECT c.i, c.j FROM c
JOIN _rk_pairs x ON x.idx = c.i JOIN _rk_pairs y ON y.idx = c.j AND y.h = x.h
GROUP BY c.i, c.j, c.ni, c.nj
HAVING count(*) >= $min_overlap * (c.ni + c.nj - count(*))
"""
# Identical texts (a file copied under another name, an item syndicated word for word): one report even
# when their every word pair is shared by so many files that none is distinctive.
_SAME_WORDS_SQL = "SELECT list(idx ORDER BY idx) FROM _rk_words GROUP BY wh HAVING count(*) > 1"
# Parts: for each text with enough distinctive pairs, the three later (longer) texts sharing most.
_PARTS_SQL = """
WITH counted AS (SELECT idx, count(*) AS n FROM _rk_rare GROUP BY idx HAVING count(*) >= $min_pairs)
SELECT i, j, hits, n FROM (
    SELECT c.i, c.j, c.hits, counted.n,
           row_number() OVER (PARTITION BY c.i ORDER BY c.hits DESC, c.j) AS rank
    FROM _rk_cand c JOIN counted ON counted.idx = c.i)
WHERE rank <= 3 ORDER BY i, rank
"""


def _group(con, docs: Sequence[_Head], r: ReportRules) -> dict[str, str]:
    ordered = sorted(docs, key=lambda d: (d.length, d.doc_id))
    headers = [_header(d) for d in ordered]  # normalized once: compared pairwise below
    parent = list(range(len(ordered)))

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def union(a: int, b: int) -> None:
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)

    by_number: dict[str, list[int]] = {}
    for i, h in enumerate(headers):
        if h[0] is not None:
            by_number.setdefault(h[0], []).append(i)
    for same in by_number.values():
        for k, a in enumerate(same):
            for b in same[k + 1:]:
                if not _headers_conflict(headers[a], headers[b]):
                    union(a, b)
    heads = pa.table({"idx": pa.array(range(len(ordered)), pa.int32()),
                      "doc_id": [d.doc_id for d in ordered], "number": [h[0] for h in headers],
                      "issuer": [h[1] for h in headers], "issued": [h[2] for h in headers],
                      "length": pa.array([d.length for d in ordered], pa.int64())})
    con.register("_rk_heads_arrow", heads)
    try:
        con.execute("CREATE OR REPLACE TEMP TABLE _rk_heads AS SELECT * FROM _rk_heads_arrow")
        con.execute("CREATE OR REPLACE TEMP TABLE _rk_pairs (idx INTEGER, h UBIGINT); "
                    "CREATE OR REPLACE TEMP TABLE _rk_words (idx INTEGER, wh UBIGINT)")
        for lo in range(0, len(ordered), _CHUNK):
            con.execute(_WORDS_SQL.replace("$lo", str(lo)).replace("$hi", str(lo + _CHUNK)))
        con.execute(_RARE_SQL.replace("$max_owners", str(int(r.max_pair_owners))))
        same = con.execute(_SAME_TEXT_SQL.replace("$max_length_ratio", repr(float(r.max_length_ratio)))
                           .replace("$min_overlap", repr(float(r.min_text_overlap)))).fetchall()
        for a, b in same:
            union(a, b)
        for (members,) in con.execute(_SAME_WORDS_SQL).fetchall():
            for k, a in enumerate(members):
                for b in members[k + 1:]:
                    if not _headers_conflict(headers[a], headers[b]):
                        union(a, b)
        _join_parts(con.execute(_PARTS_SQL.replace("$min_pairs", str(int(r.min_part_pairs)))).fetchall(),
                    ordered, headers, r, union)
    finally:
        con.unregister("_rk_heads_arrow")
        con.execute("; ".join(f"DROP TABLE IF EXISTS {t}" for t in _TEMP_TABLES))
    groups: dict[int, list[_Head]] = {}
    for i, d in enumerate(ordered):
        groups.setdefault(find(i), []).append(d)
    keys: dict[str, str] = {}
    for members in groups.values():
        key = group_key(members)
        for d in members:
            keys[d.doc_id] = key
    return keys


def _join_parts(rows: Sequence[tuple[int, int, int, int]], ordered: Sequence[_Head], headers: Sequence[tuple],
                r: ReportRules, union: Callable[[int, int], None]) -> None:
    """Join each text that is a part of one longer text (see the module docstring) to its report:
    `rows` are (text, later text, distinctive pairs shared, the text's distinctive pairs), best first."""
    done: set[int] = set()
    for i, j, hits, counted in rows:
        if i in done:
            continue
        if hits / counted < r.min_part_containment:
            done.add(i)
            continue
        if ordered[j].length > ordered[i].length and not _headers_conflict(headers[i], headers[j]):
            union(i, j)
            done.add(i)


def group_key(members: Sequence[_Head]) -> str:
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
    """Recompute `documents.report_key` over the whole database; returns how many rows changed.

    Only the headers come into Python; the texts are compared inside DuckDB, so the driver's memory
    does not grow with the number of stored documents."""
    rows = con.execute(
        "SELECT doc_id, sha256, doc_number, issuer, coalesce(issued_date_text, CAST(issued_date AS VARCHAR)), "
        "length(coalesce(text, '')), report_key FROM documents").fetchall()
    keys = _group(con, [_Head(*row[:6]) for row in rows], rules())
    changed = [(keys[row[0]], row[0]) for row in rows if keys[row[0]] != row[6]]
    if changed:  # one UPDATE joined to the new keys: row-by-row updates take seconds per 10,000 documents
        con.register("_rk_changed", pa.table({"key": [k for k, _ in changed], "doc_id": [d for _, d in changed]}))
        try:
            con.execute("UPDATE documents SET report_key = c.key FROM _rk_changed c WHERE documents.doc_id = c.doc_id")
        finally:
            con.unregister("_rk_changed")
    return len(changed)
