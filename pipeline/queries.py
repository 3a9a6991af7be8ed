"""Read-side operations on a stored database: named queries, reviews and exports.

Named SQL lives in `schemas/queries/*.sql` (title, description and example in a comment header) so the
CLI, the HTML report, notebooks and auditors share one definition of each question.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from pipeline import store

QUERY_DIR = store.SCHEMA_DIR / "queries"


def named_query(name: str) -> str:
    return (QUERY_DIR / f"{name}.sql").read_text(encoding="utf-8")


def _rows(con, sql: str, params: dict[str, Any] | None = None) -> list[dict[str, Any]]:
    cur = con.execute(sql, params or {})
    cols = [d[0] for d in cur.description]
    return [dict(zip(cols, r, strict=True)) for r in cur.fetchall()]


def mismatch_rows(db: str | Path, *, include_dismissed: bool = False) -> list[dict[str, Any]]:
    con = store.connect(db)
    try:
        return _rows(con, named_query("mismatches"), {"include_dismissed": include_dismissed})
    finally:
        con.close()


def record_review(db: str | Path, check_id: str, decision: str, note: str | None, by: str | None) -> None:
    """Append a decision; the latest one per check wins (see view latest_reviews)."""
    con = store.connect(db)
    try:
        if not con.execute("SELECT 1 FROM checks WHERE check_id = ?", [check_id]).fetchone():
            raise KeyError(f"{check_id}: no such check in {db}")
        con.execute("INSERT INTO reviews VALUES (?, ?, ?, ?, ?)", [check_id, decision, note, by, datetime.now()])
    finally:
        con.close()


def export_table(db: str | Path, table: str, fmt: str, out: Path) -> int:
    """Write one table or view to csv, parquet or xlsx; returns the number of rows."""
    con = store.connect(db)
    try:
        sql = {
            "facts": "SELECT f.*, d.path FROM facts f JOIN documents d USING (doc_id) ORDER BY d.path, f.char_start",
            "checks": "SELECT c.*, d.path FROM checks c JOIN documents d USING (doc_id) ORDER BY d.path, c.char_start",
            "mismatches": "SELECT * FROM mismatches ORDER BY severity DESC NULLS LAST, path, char_start",
        }[table]
        out.parent.mkdir(parents=True, exist_ok=True)
        n = con.execute(f"SELECT count(*) FROM ({sql})").fetchone()[0]
        if fmt in ("csv", "parquet"):
            opts = "FORMAT csv, HEADER" if fmt == "csv" else "FORMAT parquet"
            sel = sql
            if fmt == "csv":  # lists (operands, fact_ids) do not fit CSV cells: render them as text
                cols = [d[0] for d in con.execute(f"SELECT * FROM ({sql}) LIMIT 0").description]
                types = [r[1] for r in con.execute(f"DESCRIBE ({sql})").fetchall()]
                parts = [f'CAST("{c}" AS VARCHAR) AS "{c}"' if t.endswith("[]") else f'"{c}"'
                         for c, t in zip(cols, types, strict=True)]
                sel = f"SELECT {', '.join(parts)} FROM ({sql})"
            con.execute(f"COPY ({sel}) TO '{_sql_str(out)}' ({opts})")
        else:
            df = con.execute(sql).df()
            for col in df.columns:  # Excel cannot hold lists or tz-aware times
                if df[col].map(lambda v: isinstance(v, list | tuple)).any():
                    df[col] = df[col].map(lambda v: ", ".join(map(str, v)) if v is not None else None)
            df.to_excel(out, index=False, sheet_name=table)
        return int(n)
    finally:
        con.close()


def _sql_str(p: Path) -> str:
    return str(p).replace("'", "''")


# ------------------------------------------------------------------------------------------------
# The SQL cookbook: every file in schemas/queries/ is a named query with a comment header
#   -- title: ...            one line
#   -- description: ...      continued on following "--   " lines
#   -- param: name = VALUE | what it means      (VALUE is JSON: "text", 12.5, true, null)
#   -- example: ...          how to run it
# DuckDB binds named parameters written `$name`. The header is data so the README, the report,
# notebooks and tests list and run the same questions without a second copy of the SQL.
# ------------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class NamedQuery:
    name: str
    title: str
    description: str
    example: str
    params: dict[str, Any]  # name -> default value
    param_help: dict[str, str]
    sql: str


def parse_named_query(name: str, text: str) -> NamedQuery:
    fields: dict[str, str] = {}
    params: dict[str, Any] = {}
    param_help: dict[str, str] = {}
    last: str | None = None
    for line in text.splitlines():
        if not line.startswith("--"):
            break
        body = line[2:].strip()
        key, sep, value = body.partition(":")
        if sep and key in ("title", "description", "example", "param"):
            last = key
            if key == "param":
                pname, _, rest = value.partition("=")
                default, _, help_ = rest.partition("|")
                try:
                    params[pname.strip()] = json.loads(default.strip())
                except json.JSONDecodeError:
                    params[pname.strip()] = default.strip()
                param_help[pname.strip()] = help_.strip()
            else:
                fields[key] = value.strip()
        elif last in ("description", "example") and body:
            fields[last] = f"{fields[last]} {body}".strip()
    if "title" not in fields:
        raise ValueError(f"{name}.sql: the header has no '-- title:' line")
    return NamedQuery(name, fields["title"], fields.get("description", ""), fields.get("example", ""),
                      params, param_help, text)


def named_queries() -> list[NamedQuery]:
    """Every query of the cookbook, in file-name order."""
    return [parse_named_query(p.stem, p.read_text(encoding="utf-8")) for p in sorted(QUERY_DIR.glob("*.sql"))]


def run_named(con, name: str, **params: Any) -> list[dict[str, Any]]:
    """Run a named query on an open connection; parameters not given take the header's defaults."""
    q = parse_named_query(name, named_query(name))
    unknown = set(params) - set(q.params)
    if unknown:
        raise KeyError(f"{name}.sql has no parameter {', '.join(sorted(unknown))}")
    return _rows(con, q.sql, {**q.params, **params})


def named_df(con, name: str, **params: Any):
    """Like run_named, as a pandas DataFrame (for notebooks)."""
    q = parse_named_query(name, named_query(name))
    return con.execute(q.sql, {**q.params, **params}).df()


def review_history(db: str | Path, check_id: str | None = None) -> list[dict[str, Any]]:
    """Every decision recorded, latest first (optionally for one check); reviews are never deleted."""
    con = store.connect(db)
    try:
        return _rows(con, "SELECT * FROM reviews WHERE $cid IS NULL OR check_id = $cid ORDER BY \"at\" DESC",
                     {"cid": check_id})
    finally:
        con.close()


def cookbook_markdown() -> str:
    """The README's '## SQL cookbook' section, generated from the query headers (docs_cookbook.md)."""
    qs = named_queries()
    out = [
        "## SQL cookbook",
        "",
        f"{len(qs)} questions an auditor asks of a baocao database, each a named query in "
        "`schemas/queries/` (the HTML report and `notebooks/explore.ipynb` use the same files, and "
        "`tests/test_cookbook.py` runs every one). Parameters are DuckDB named parameters (`$name`) "
        "with the defaults shown. From Python:",
        "",
        "```python",
        "from pipeline import queries, store",
        'con = store.connect("build/demo.duckdb")',
        'queries.named_df(con, "online_rate_fell", min_drop=2.0)   # a pandas DataFrame',
        'queries.run_named(con, "document_checks", doc="phong_dien")  # a list of dicts',
        "```",
        "",
        "A query without parameters also runs in the `duckdb` shell: "
        "`duckdb build/demo.duckdb < schemas/queries/checks_by_rule.sql`.",
        "",
        "| query | answers |",
        "| --- | --- |",
    ]
    out += [f"| [`{q.name}`](#{_anchor(q.title)}) | {q.title} |" for q in qs]
    for q in qs:
        out += ["", f"### {q.title}", "", q.description, ""]
        if q.params:
            out.append("Parameters: " + "; ".join(
                f"`${k}` (default `{json.dumps(v, ensure_ascii=False)}`): {q.param_help.get(k, '')}".rstrip(": ")
                for k, v in q.params.items()) + ".")
            out.append("")
        out.append(f"File `schemas/queries/{q.name}.sql`. Example: `{q.example}`")
        body = "\n".join(line for line in q.sql.splitlines() if not line.startswith("--")).strip()
        out += ["", "<details><summary>SQL</summary>", "", "```sql", body, "```", "", "</details>"]
    return "\n".join(out) + "\n"


def _anchor(title: str) -> str:
    """GitHub's heading anchor: lower case, punctuation dropped, spaces to hyphens."""
    import re

    return re.sub(r"[^\w\- ]", "", title.lower()).replace(" ", "-")
