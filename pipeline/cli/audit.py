"""The commands an auditor runs on a database: mismatches, named queries, reviews, exports, the report."""

from __future__ import annotations

import json
import os
import textwrap
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.text import Text

from pipeline import store
from pipeline.cli.common import DbOption, Format, ReviewDbOption, emit, existing_db, fail, out
from pipeline.cli.findings import blocks
from pipeline.cli.show import paged
from pipeline.read import queries, sheets
from pipeline.read.export import export_query, export_table
from pipeline.read.findings import Filters, count_findings, finding_rows
from pipeline.read.report import MAX_FINDINGS, write_report


class ExportTable(StrEnum):
    facts = "facts"
    checks = "checks"
    mismatches = "mismatches"


class ExportFormat(StrEnum):
    csv = "csv"
    parquet = "parquet"
    xlsx = "xlsx"


class Review(StrEnum):
    open = "open"
    confirmed = "confirmed"
    dismissed = "dismissed"
    any = "any"


class Status(StrEnum):
    mismatch = "mismatch"
    unverifiable = "unverifiable"
    ok = "ok"
    any = "any"


def mismatches(
    db: DbOption,
    doc: Annotated[str, typer.Option(
        metavar="TEXT", help="Only this document: its doc_id or part of its path.")] = "",
    province: Annotated[str, typer.Option(
        metavar="NAME", help="Only this province (part of the name; accents optional).")] = "",
    rule: Annotated[str, typer.Option(
        metavar="RULE", help="Only this rule, e.g. sum_parts (see `baocao query checks_by_rule`).")] = "",
    status: Annotated[Status, typer.Option(help="Which verdicts to list.")] = Status.mismatch,
    review: Annotated[Review | None, typer.Option(
        help="Only findings with this review decision (open = none yet). Default: all but dismissed.")] = None,
    limit: Annotated[int, typer.Option(min=0, metavar="N", help="At most this many findings (0 = all).")] = 0,
    format: Annotated[Format, typer.Option("--format", help="table (a block per finding), csv, json, markdown.")] = (
        Format.table
    ),
    include_dismissed: Annotated[bool, typer.Option(
        "--include-dismissed", help="Also list mismatches an auditor dismissed.")] = False,
    every_file: Annotated[bool, typer.Option(
        "--every-file", help="A report stored as several files: list its findings in each file, not once.")] = False,
) -> None:
    """List inconsistencies, worst first: where, the computation, the quote, and the check_id to review.

    Examples:

      baocao mismatches --db build/demo.duckdb --limit 10

      baocao mismatches --province "dak lak" --rule sum_parts --review open

      baocao mismatches --doc 2023_ubnd --format csv > findings.csv
    """
    filters = Filters(
        doc=doc, province=province, rule=rule, status="" if status is Status.any else status.value,
        review="" if review in (None, Review.any) else review.value,
        include_dismissed=include_dismissed or review is Review.any, per_report=not every_file, limit=limit,
    )
    rows = finding_rows(existing_db(db), filters)
    if format is not Format.table:
        emit(rows, format)
        return
    what = "mismatches" if status is Status.mismatch else f"checks ({status.value})"
    if not rows:
        out.print(f"no {what} match these filters", highlight=False)
        return
    shown = blocks(rows, out.width)
    # with --limit the footer says how many the filters select in all ("10 of 32")
    total = len(rows) if not limit or len(rows) < limit else count_findings(existing_db(db), filters)
    counted = f"{len(rows)} of {total}" if total > len(rows) else f"{len(rows)}"
    with paged(out, len(rows) * 6):
        for b in shown:
            out.print(b, highlight=False)
        out.print(Text(f"\n{counted} {what}, worst first. Review one: baocao review CHECK_ID --db {db} "
                       "--confirm|--dismiss", style="dim"))


def query(
    ctx: typer.Context,
    name: Annotated[str | None, typer.Argument(
        metavar="NAME", help="A named query of the cookbook; omit to list them.")] = None,
    db: Annotated[Path | None, typer.Option(
        "--db", envvar="BAOCAO_DB", show_envvar=True, metavar="FILE",
        help="The baocao database to read (made by `baocao ingest`).")] = None,
    param: Annotated[list[str] | None, typer.Option(
        "--param", "-p", metavar="NAME=VALUE",
        help="A parameter of the query, cast to its declared type (see `baocao query NAME --help`).")] = None,
    format: Annotated[Format, typer.Option("--format", help="table (fits the terminal), csv, json or markdown.")] = (
        Format.table
    ),
    help_: Annotated[bool, typer.Option("--help", "-h", help="Show this message, or a query's parameters.")] = False,
) -> None:
    """Run a named query of the SQL cookbook (schemas/queries/*.sql).

    Examples:

      baocao query                                   (list the queries)

      baocao query online_rate_fell --help           (what it answers, its parameters)

      baocao query online_rate_fell --db build/demo.duckdb -p min_drop=2 --format markdown
    """
    if help_:
        if name is None:
            typer.echo(ctx.get_help())
        else:
            typer.echo(query_help(_named(name)))
        return
    if name is None:
        for q in queries.named_queries():
            params = " ".join(f"-p {k}={json.dumps(v, ensure_ascii=False)}" for k, v in q.params.items())
            out.print(f"[bold]{q.name}[/bold]  {escape(q.title)}  [dim]{escape(params)}[/dim]", highlight=False)
        return
    if db is None:
        raise fail("give --db FILE (or set BAOCAO_DB)")
    q = _named(name)
    values = parse_params(q, param or [])
    try:
        with store.reader(existing_db(db)) as con:
            rows = queries.run_named(con, name, **values)
    except KeyError as e:  # an unknown query or parameter
        raise fail(str(e.args[0])) from e
    emit(rows, format, title=name)


def _named(name: str) -> queries.NamedQuery:
    try:
        return queries.parse_named_query(name, queries.named_query(name))
    except KeyError as e:
        raise fail(str(e.args[0])) from e


def parse_params(q: queries.NamedQuery, items: list[str]) -> dict[str, object]:
    """`-p NAME=VALUE` options cast to the query's declared types; a bad one is a usage error (exit 2)."""
    values: dict[str, object] = {}
    for item in items:
        key, sep, raw = item.partition("=")
        if not sep:
            raise fail(f"-p {item!r}: expected NAME=VALUE")
        try:
            values[key.strip()] = q.cast(key.strip(), raw)
        except (KeyError, ValueError) as e:
            raise fail(str(e.args[0])) from e
    return values


def query_help(q: queries.NamedQuery) -> str:
    """`baocao query NAME --help`: what the query answers and each parameter with type and default."""
    lines = [textwrap.fill(f"{q.name}: {q.title}", 78), "", textwrap.fill(q.description, 78), ""]
    if q.params:
        lines.append("Parameters (-p NAME=VALUE):")
        for k, v in q.params.items():
            lines.append(f"  {k} ({q.param_types.get(k, 'text')}, default {json.dumps(v, ensure_ascii=False)})")
            if q.param_help.get(k):
                lines.append(textwrap.fill(q.param_help[k], 78, initial_indent="      ",
                                           subsequent_indent="      "))
    else:
        lines.append("No parameters.")
    example = [f"-p {k}={v if not isinstance(v, str) else (v or 'VALUE')}" for k, v in q.params.items()]
    lines += ["", *shell_lines(["Run: baocao query", q.name, "--db FILE", *example]),
              f"SQL: schemas/queries/{q.name}.sql"]
    return "\n".join(lines)


def shell_lines(words: list[str], width: int = 78, indent: str = "       ") -> list[str]:
    """A command wrapped to `width` between its words (`-p NAME=VALUE` stays whole), each line but the
    last ending in ` \\`, so the lines pasted into a shell still run as one command."""
    lines = [words[0]]
    for word in words[1:]:
        if len(lines[-1]) + 1 + len(word) + 2 <= width:
            lines[-1] += f" {word}"
        else:
            lines[-1] += " \\"
            lines.append(f"{indent}{word}")
    return lines


def review(
    check_id: Annotated[str, typer.Argument(metavar="CHECK_ID", help="The check's id (see `baocao mismatches`).")],
    db: ReviewDbOption,
    confirm: Annotated[bool, typer.Option("--confirm", help="The mismatch is real.")] = False,
    dismiss: Annotated[bool, typer.Option("--dismiss", help="The mismatch is a false alarm.")] = False,
    note: Annotated[str | None, typer.Option(metavar="TEXT", help="Why.")] = None,
    by: Annotated[str | None, typer.Option(metavar="NAME", help="Who decided (default: $USER).")] = None,
) -> None:
    """Record an auditor's decision on a check; it survives re-ingest and `check`.

    Examples:

      baocao review 3a48ee2830cce036 --db build/demo.duckdb --confirm --note "checked the signed copy"

      baocao review 819099c9c0fa3379 --dismiss --note "two different scopes" --by lan
    """
    if confirm == dismiss:
        raise fail("give exactly one of --confirm or --dismiss")
    try:
        store.record_review(existing_db(db), check_id, "confirmed" if confirm else "dismissed", note,
                            by or os.environ.get("USER"))
    except KeyError as e:
        raise fail(str(e.args[0])) from e
    out.print(f"{check_id}: {'confirmed' if confirm else 'dismissed'}", highlight=False)


def export(
    db: DbOption,
    out_path: Annotated[Path, typer.Option("--out", metavar="FILE", help="File to write: .csv, .xlsx or .parquet.")],
    table: Annotated[ExportTable | None, typer.Option(help="A table to export.")] = None,
    query_name: Annotated[str | None, typer.Option(
        "--query", metavar="NAME", help="A named query to export instead (see `baocao query`).")] = None,
    param: Annotated[list[str] | None, typer.Option(
        "--param", "-p", metavar="NAME=VALUE", help="A parameter of --query, cast to its declared type.")] = None,
    format: Annotated[ExportFormat | None, typer.Option(
        "--format", help="File format (default: from the extension of --out).")] = None,
    include_dismissed: Annotated[bool, typer.Option(
        "--include-dismissed", help="Also export mismatches an auditor dismissed.")] = False,
    every_file: Annotated[bool, typer.Option(
        "--every-file", help="Mismatches of every file of a report, not only its best-read file's.")] = False,
) -> None:
    """Export facts, checks, mismatches or a named query for spreadsheets and other tools.

    CSV is written with a byte-order mark (Excel reads the Vietnamese right); XLSX has a frozen
    header row and a filter. Mismatches are those `baocao mismatches` lists: a report's best-read
file's (--every-file: every file's), dismissed ones left out unless --include-dismissed.

    Examples:

      baocao export --db build/demo.duckdb --table mismatches --out mismatches.xlsx

      baocao export --query online_rate_fell -p min_drop=2 --out fell.csv
    """
    if (table is None) == (query_name is None):
        raise fail("give exactly one of --table or --query")
    if param and query_name is None:
        raise fail("-p goes with --query")
    try:
        fmt = sheets.format_for(out_path, format.value if format else None)
    except ValueError as e:
        raise fail(str(e)) from e
    db = existing_db(db)
    if query_name is not None:
        q = _named(query_name)
        n = export_query(db, query_name, parse_params(q, param or []), fmt, out_path)
    else:
        n = export_table(db, table.value, fmt, out_path, include_dismissed=include_dismissed,
                         every_file=every_file)
    out.print(f"{n} rows → {out_path}", highlight=False)


def report(
    db: DbOption,
    out_path: Annotated[Path, typer.Option("--out", metavar="FILE", help="HTML file to write.")],
    full_text: Annotated[bool, typer.Option(
        "--full-text", help="Also embed every document's whole text (large for many documents).")] = False,
    max_findings: Annotated[int, typer.Option(
        metavar="N", min=0, help="Embed at most N findings with their passage, worst first (0 = all); "
        "counts and charts cover every finding.")] = MAX_FINDINGS,
) -> None:
    """Write a self-contained HTML audit report (one file, no network needed to open it).

    Example:

      baocao report --db build/demo.duckdb --out build/report.html
    """
    write_report(existing_db(db), out_path, full_text=full_text, max_findings=max_findings)
    out.print(f"report → {out_path}", highlight=False)
