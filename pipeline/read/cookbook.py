"""docs/cookbook.md, generated from the headers of the named queries so the documentation cannot
drift from the SQL (tests/test_cookbook.py compares them; the README links the page)."""

from __future__ import annotations

import json
import re

from pipeline.read.queries import named_queries


def cookbook_markdown() -> str:
    """The page docs/cookbook.md, generated from the query headers.

    Regenerate with
    python -c 'from pipeline.read import cookbook; print(cookbook.cookbook_markdown(), end="")' > docs/cookbook.md
    """
    qs = named_queries()
    out = [
        "# SQL cookbook",
        "",
        f"{len(qs)} questions an auditor asks of a baocao database, each a named query in "
        "`schemas/queries/` (the HTML report and `notebooks/explore.ipynb` use the same files, and "
        "`tests/test_cookbook.py` runs every one). Parameters are DuckDB named parameters (`$name`) "
        "with the defaults shown. From Python:",
        "",
        "```python",
        "from pipeline import store",
        "from pipeline.read import queries",
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
        out += ["", f"## {q.title}", "", q.description, ""]
        if q.params:
            out.append("Parameters: " + "; ".join(
                f"`${k}` (default `{json.dumps(v, ensure_ascii=False)}`): {q.param_help.get(k, '')}".rstrip(": ")
                for k, v in q.params.items()) + ".")
            out.append("")
        out.append(f"File `schemas/queries/{q.name}.sql`. Example: `{q.example}`")
        cmd = " ".join(["baocao query", q.name, *(f"-p {k}=…" for k in q.params)])
        out.append(f"From the command line: `{cmd}` (`baocao query {q.name} --help` lists the parameters).")
        body = "\n".join(line for line in q.sql.splitlines() if not line.startswith("--")).strip()
        out += ["", "<details><summary>SQL</summary>", "", "```sql", body, "```", "", "</details>"]
    return "\n".join(out) + "\n"


def _anchor(title: str) -> str:
    """GitHub's heading anchor: lower case, punctuation dropped, spaces to hyphens."""
    return re.sub(r"[^\w\- ]", "", title.lower()).replace(" ", "-")
