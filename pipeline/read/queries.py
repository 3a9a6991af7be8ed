"""Named queries: the SQL of `schemas/queries/*.sql` (title, description and example in a comment
header), so the CLI, the HTML report, notebooks and auditors share one definition of each question.
Code here only reads a database.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from pipeline.config import SCHEMA_DIR, config_error, read_text

QUERY_DIR = SCHEMA_DIR / "queries"


def catalog_names() -> list[str]:
    return sorted(p.stem for p in QUERY_DIR.glob("*.sql"))


def named_query(name: str) -> str:
    """The SQL text of `schemas/queries/<name>.sql`; an unknown name is a KeyError saying how to list them.

    Only names of the catalog are accepted (compared with the folder's listing, never joined into a
    path first): `../../x` or an absolute path must not run an arbitrary .sql file from disk.
    """
    path = QUERY_DIR / f"{name}.sql"
    if name not in catalog_names() or not path.is_file():
        raise KeyError(f"no query named {name!r} (run `baocao query` to list them)")
    return read_text(path)


def rows(con, sql: str, params: dict[str, Any] | list[Any] | None = None) -> list[dict[str, Any]]:
    """Result rows as dicts keyed by column name (params named `$x` in a dict, or `?` in a list)."""
    cur = con.execute(sql, params or {})
    cols = [d[0] for d in cur.description]
    return [dict(zip(cols, r, strict=True)) for r in cur.fetchall()]


# ------------------------------------------------------------------------------------------------
# The SQL cookbook: every file in schemas/queries/ is a named query with a comment header
#   -- title: ...            one line
#   -- description: ...      continued on following "--   " lines
#   -- param: name = VALUE | what it means      (VALUE is JSON: "text", 12.5, true, null)
#   -- param: name TYPE = VALUE | what it means (TYPE: text, integer, number, boolean, date; without
#                                                it the type is the default's, text for null)
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
    param_types: dict[str, str] = field(default_factory=dict)  # name -> one of PARAM_TYPES

    def cast(self, name: str, raw: str) -> Any:
        """A value typed on the command line as the parameter's declared type (a ValueError says what is
        wrong: the parameter, the type it wants and the value given)."""
        if name not in self.params:
            known = ", ".join(self.params) or "none"
            raise KeyError(f"{self.name} has no parameter {name!r} (its parameters: {known})")
        return cast_value(self.param_types.get(name, "text"), raw, name)


PARAM_TYPES = ("text", "integer", "number", "boolean", "date")
_TRUE = {"true", "yes", "1", "on", "có"}
_FALSE = {"false", "no", "0", "off", "không"}


def type_of(default: Any) -> str:
    """The type a parameter without a declared one takes from its default."""
    if isinstance(default, bool):
        return "boolean"
    if isinstance(default, int):
        return "integer"
    if isinstance(default, float):
        return "number"
    return "text"


def _number(v: str) -> float:
    """A plain number (2.5) or one written the Vietnamese way (2,5 or 1.234,5)."""
    try:
        return float(v)
    except ValueError:
        if "," not in v:
            raise
        return float(v.replace(".", "").replace(",", "."))


def cast_value(kind: str, raw: str, name: str = "value") -> Any:
    """`raw` as `kind`; text stays exactly as typed (`doc=2022` is the string "2022")."""
    v = raw.strip()
    try:
        if kind == "integer":
            return int(v)
        if kind == "number":
            return _number(v)
        if kind == "date":
            return date.fromisoformat(v)
    except ValueError:
        want = {"integer": "a whole number", "number": "a number (e.g. 2.5)",
                "date": "a date YYYY-MM-DD"}[kind]
        raise ValueError(f"{name}={raw!r}: expected {want}") from None
    if kind == "boolean":
        if v.lower() in _TRUE:
            return True
        if v.lower() in _FALSE:
            return False
        raise ValueError(f"{name}={raw!r}: expected true or false")
    return raw


def parse_named_query(name: str, text: str) -> NamedQuery:
    fields: dict[str, str] = {}
    params: dict[str, Any] = {}
    param_help: dict[str, str] = {}
    param_types: dict[str, str] = {}
    last: str | None = None
    for line in text.splitlines():
        if not line.startswith("--"):
            break
        body = line[2:].strip()
        key, sep, value = body.partition(":")
        if sep and key in ("title", "description", "example", "param"):
            last = key
            if key == "param":
                decl, _, rest = value.partition("=")
                default, _, help_ = rest.partition("|")
                pname, _, ptype = decl.strip().partition(" ")
                try:
                    params[pname] = json.loads(default.strip())
                except json.JSONDecodeError:
                    params[pname] = default.strip()
                ptype = ptype.strip() or type_of(params[pname])
                if ptype not in PARAM_TYPES:
                    raise config_error(QUERY_DIR / f"{name}.sql", f"param {pname}",
                                       f"unknown type {ptype!r}; one of {', '.join(PARAM_TYPES)}")
                param_types[pname] = ptype
                param_help[pname] = help_.strip()
            else:
                fields[key] = value.strip()
        elif last in ("description", "example") and body:
            fields[last] = f"{fields[last]} {body}".strip()
    if "title" not in fields:
        raise config_error(QUERY_DIR / f"{name}.sql", "title", "the header has no '-- title:' line")
    return NamedQuery(name, fields["title"], fields.get("description", ""), fields.get("example", ""),
                      params, param_help, text, param_types)


def named_queries() -> list[NamedQuery]:
    """Every query of the cookbook, in file-name order."""
    return [parse_named_query(p.stem, read_text(p)) for p in sorted(QUERY_DIR.glob("*.sql"))]


def _bound(name: str, params: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """A named query's SQL and its parameters, those not given taking the header's defaults."""
    q = parse_named_query(name, named_query(name))
    unknown = set(params) - set(q.params)
    if unknown:
        raise KeyError(f"{name}.sql has no parameter {', '.join(sorted(unknown))}")
    return q.sql, {**q.params, **params}


def run_named(con, name: str, **params: Any) -> list[dict[str, Any]]:
    """Run a named query on an open connection; parameters not given take the header's defaults."""
    return rows(con, *_bound(name, params))


def column_named(con, name: str, column: str, **params: Any) -> list[Any]:
    """One column of a named query's rows, or with `column="count(*)"` their number: computed by
    DuckDB, so a summary over a whole archive does not bring every row (quotes, contexts) into Python."""
    sql, bound = _bound(name, params)
    inner = sql.strip().rstrip(";")
    return [r[0] for r in con.execute(f"SELECT {column} FROM (\n{inner}\n)", bound).fetchall()]


def named_df(con, name: str, **params: Any):
    """Like run_named, as a pandas DataFrame (for notebooks)."""
    return con.execute(*_bound(name, params)).df()
