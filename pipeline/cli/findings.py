"""`baocao mismatches` on a terminal: one compact block per finding, the way an auditor reads it.

Why blocks and not a table: a finding is read as a sentence — where it is (file, page, section with
its heading), what does not add up (the checker's computation), the words of the report with the
figures marked, and the `check_id` that `baocao review` takes. Eight such fields do not fit 80 columns
as a table; as a block of four or five lines they do, whatever the width.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from rich.console import Group, RenderableType
from rich.padding import Padding
from rich.text import Text

from extractors.numbers import find_numbers

QUOTE_LINES = 2  # the quote is cut to this many lines around the stated figure
TEXT_LINES = 2  # and the computation to this many


def clip(text: str, width: int, lines: int) -> str:
    """`text` on one line, cut with an ellipsis to fit `lines` lines of `width`."""
    flat = " ".join(text.split())
    room = max(width * lines - 1, 8)
    return flat if len(flat) <= room else flat[: room - 1].rstrip() + "…"


def quote_window(quote: str, stated: float | None, room: int) -> tuple[str, int]:
    """The part of a long quote a reader needs: `room` characters around the stated figure (the figure
    the check is about), with ellipses where it was cut; returns the text and its offset in `quote`."""
    flat = " ".join(quote.split())
    if len(flat) <= room:
        return flat, 0
    at = next((n.char_start for n in find_numbers(flat) if stated is not None and _same(n.value, stated)), 0)
    start = max(0, min(at - room // 3, len(flat) - room + 1))
    if start and (space := flat.find(" ", start, at)) != -1:  # begin at a word, not inside one
        start = space + 1
    end = min(len(flat), start + room - 2)
    if end < len(flat) and (space := flat.rfind(" ", start, end)) > at:
        end = space
    return ("…" if start else "") + flat[start:end] + ("…" if end < len(flat) else ""), start - (1 if start else 0)


def marked_quote(quote: str, stated: float | None, operands: Sequence[float], room: int,
                 before: str = "", after: str = "") -> Text:
    """The quote with its figures marked (the stated one in bold red, the operands in bold); a short
    quote ("391 hồ sơ") gets the words around it from its line, dimmed, so it can be read."""
    shown, _ = quote_window(quote, stated, room)
    spare = max(room - len(shown) - 2, 0)
    line_before = " ".join(before.split("\n")[-1].split())
    line_after = " ".join(after.split("\n")[0].split())
    lead = line_before[-(spare // 2):] if spare > 8 and line_before else ""
    tail = line_after[: spare - len(lead)] if spare > 8 and line_after else ""
    if lead and before.split("\n")[-1][-1:].isspace():
        lead += " "
    if tail and after[:1].isspace():
        tail = " " + tail
    text = Text("“", style="italic")
    text.append(("…" if len(lead) < len(line_before) else "") + lead.lstrip() if lead else "", style="dim")
    start = len(text.plain)
    text.append(shown, style="italic")
    text.append(tail.rstrip() + ("…" if len(tail.strip()) < len(line_after) else "") if tail else "", style="dim")
    text.append("”", style="italic")
    ops = list(operands or ())
    for n in find_numbers(shown):
        if stated is not None and _same(n.value, stated):
            text.stylize("bold red", start + n.char_start, start + n.char_end)
        elif any(_same(n.value, o) for o in ops):
            text.stylize("bold", start + n.char_start, start + n.char_end)
    return text


def _same(a: float, b: float) -> bool:
    return abs(a - b) <= 1e-9 * max(1.0, abs(b))


def block(i: int, r: dict[str, Any], width: int) -> RenderableType:
    """One finding in four or five lines at any width of 60 columns or more."""
    inner = max(width - 4, 30)
    head = Text(f"{i:>3} ", style="bold")
    head.append(r["rule"], style="bold magenta")
    if r.get("review_decision"):
        head.append(f"  [{r['review_decision']}]", style="green" if r["review_decision"] == "confirmed" else "dim")
    ident = f"  {r['check_id']}"
    if r.get("severity") is not None:
        ident = f"  sev {r['severity']:.2f}" + ident
    pad = width - len(head.plain) - len(ident)
    head.append(" " * max(pad, 1))
    head.append(ident.lstrip() if pad < 1 else ident, style="cyan")
    where = [Path(r["path"]).name]
    if r.get("page") is not None:
        where.append(f"p. {r['page']}")
    others = len(r.get("files") or ()) - 1  # the same report stored as other files (documents.report_key)
    if others > 0:
        where.append(f"report in {others + 1} files")
    if r.get("province"):
        where.append(r["province"])
    body: list[Text] = [Text(clip(" · ".join(where), inner, 1), style="dim")]
    section = r.get("section_trail") or r.get("section_path")
    if section:
        body.append(Text("§ " + clip(section, inner - 2, 1)))
    body.append(Text(clip(r.get("message_vi") or "", inner - 8, TEXT_LINES)))
    if r.get("quote"):
        room = (inner - 8) * QUOTE_LINES
        body.append(marked_quote(r["quote"], r.get("stated"), r.get("operands") or (), room,
                                 r.get("context_before") or "", r.get("context_after") or ""))
    return Group(head, *(Padding(t, (0, 0, 0, 4), expand=False) for t in body))


def blocks(rows: Sequence[dict[str, Any]], width: int) -> list[RenderableType]:
    """Every finding as a block, separated by a blank line."""
    out: list[RenderableType] = []
    for i, r in enumerate(rows, 1):
        if i > 1:
            out.append(Text(""))
        out.append(block(i, r, width))
    return out
