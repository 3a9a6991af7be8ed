"""How rows reach a person: tables that fit the terminal, machine formats, and a pager.

Why a module of its own: a table folded letter by letter into 80 columns is unreadable, so every list
the CLI prints goes through the one rule here — one line per row, numbers right-aligned, long text cut
with an ellipsis, columns that do not fit left out and named under the table (the full rows are one
`--format csv|json` away). On a terminal a long listing goes through the pager (`less -R -F -X`, which
quits at once when the output fits on one screen); piped output is never paged.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import os
import sys
from collections.abc import Iterator, Sequence
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from rich.console import Console
from rich.table import Table
from rich.text import Text

from pipeline.read.cells import clean_text, json_safe, spreadsheet_cell

MAX_CELL = 40  # widest a text column grows before it is cut
MIN_CELL = 10  # a column is cut to no fewer characters than this (fewer if its values are shorter)


class Format(StrEnum):
    table = "table"
    csv = "csv"
    json = "json"
    markdown = "markdown"


def cell(v: Any) -> str:
    """One value as a person reads it: numbers without float noise, lists comma-joined, NULL blank."""
    if v is None:
        return ""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float):
        return f"{v:.6g}" if abs(v) < 1e15 else f"{v:.4e}"
    if isinstance(v, list | tuple):
        return ", ".join(cell(x) for x in v)
    if isinstance(v, datetime):
        return v.isoformat(sep=" ", timespec="seconds")
    if isinstance(v, date):
        return v.isoformat()
    return clean_text(" ".join(str(v).split()), keep_newlines=False)  # one line per row, no raw control


def is_numeric(values: Sequence[Any]) -> bool:
    present = [v for v in values if v is not None]
    return bool(present) and all(isinstance(v, int | float) and not isinstance(v, bool) for v in present)


def natural_width(col: str, rows: Sequence[dict[str, Any]]) -> int:
    """The width a column would take uncut (up to MAX_CELL)."""
    return min(max([len(col), *(len(cell(r[col])) for r in rows)]), MAX_CELL)


def readable_width(col: str, rows: Sequence[dict[str, Any]]) -> int:
    """The narrowest a column may be cut to and still be read: its natural width up to MIN_CELL."""
    return min(natural_width(col, rows), MIN_CELL)


def fit_columns(rows: Sequence[dict[str, Any]], width: int) -> tuple[dict[str, int], list[str]]:
    """The columns shown at `width` with the width of each, and the columns left out.

    Columns are taken in order while each still fits at its readable width; the room left then goes
    to the cut columns, a character at a time, so short columns are whole and long ones share the rest.
    """
    cols = list(rows[0]) if rows else []
    widths: dict[str, int] = {}
    used = 1  # the left border; each column adds its two padding spaces and a border
    for c in cols:
        need = readable_width(c, rows)
        if widths and used + need + 3 > width:
            break
        widths[c] = need
        used += need + 3
    room = width - used
    natural = {c: natural_width(c, rows) for c in widths}
    while room > 0:
        grow = [c for c in widths if widths[c] < natural[c]]
        if not grow:
            break
        for c in grow[:room]:
            widths[c] += 1
        room -= min(len(grow), room)
    return widths, cols[len(widths):]


def table(rows: Sequence[dict[str, Any]], width: int, title: str = "") -> Table:
    """A one-line-per-row table for `width` columns (see the module docstring)."""
    widths, hidden = fit_columns(rows, width)
    caption = f"{len(rows)} rows"
    if hidden:
        caption += f"; not shown: {', '.join(hidden)} (--format csv or json has every column)"
    t = Table(title=title or None, caption=caption, caption_justify="left", header_style="bold")
    for c, w in widths.items():
        numeric = is_numeric([r[c] for r in rows])
        t.add_column(c, justify="right" if numeric else "left", no_wrap=True, overflow="ellipsis", width=w)
    for r in rows:
        t.add_row(*(Text(cut(c, cell(r[c]), w)) for c, w in widths.items()))
    return t


def cut(col: str, value: str, width: int) -> str:
    """A path is cut at its start (the file name is what tells files apart); other text rich cuts at the end."""
    if len(value) <= width or not (col == "path" or col.endswith("_path") or col == "reports"):
        return value
    return "…" + value[len(value) - width + 1:]


def markdown(rows: Sequence[dict[str, Any]]) -> str:
    """A GitHub-flavoured Markdown table (for pasting into notes and issues); `|` in values escaped."""
    if not rows:
        return ""
    cols = list(rows[0])
    esc = [[cell(r[c]).replace("|", "\\|") for c in cols] for r in rows]
    align = ["---:" if is_numeric([r[c] for r in rows]) else "---" for c in cols]
    lines = ["| " + " | ".join(cols) + " |", "| " + " | ".join(align) + " |"]
    lines += ["| " + " | ".join(v) + " |" for v in esc]
    return "\n".join(lines) + "\n"


def csv_text(rows: Sequence[dict[str, Any]]) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    if rows:
        w.writerow(list(rows[0]))
        w.writerows([[spreadsheet_cell(cell(v) if isinstance(v, list | tuple) else ("" if v is None else v))
                      for v in r.values()] for r in rows])
    return buf.getvalue()


def emit(console: Console, rows: Sequence[dict[str, Any]], fmt: Format, title: str = "") -> None:
    """Rows in `fmt` to the console's file: machine formats verbatim, a table paged on a terminal."""
    if fmt is Format.json:
        sys.stdout.write(json.dumps(json_safe(list(rows)), ensure_ascii=False, indent=2, default=str,
                                    allow_nan=False) + "\n")
    elif fmt is Format.csv:
        sys.stdout.write(csv_text(rows))
    elif fmt is Format.markdown:
        sys.stdout.write(markdown(rows))
    else:
        with paged(console, len(rows)):
            console.print(table(rows, console.width, title))


@contextlib.contextmanager
def paged(console: Console, n_lines: int) -> Iterator[None]:
    """Page what is printed inside when the console is a terminal and the output may not fit."""
    if not console.is_terminal or n_lines + 4 <= console.height:
        yield
        return
    os.environ.setdefault("LESS", "-R -F -X")  # colours, quit if one screen, leave the text on screen
    with console.pager(styles=True):
        yield
