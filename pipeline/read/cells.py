"""What may leave the database as text: no live formula in a spreadsheet, no raw control character.

A value beginning with `=`, `+`, `-`, `@`, a tab or a carriage return is read by Excel and LibreOffice
as a formula (a file name or a review note can be `=HYPERLINK(...)`), so such text cells get the
leading apostrophe OWASP recommends; numbers stay numbers. Control characters (other than newline
and tab inside a cell) cannot be stored in XLSX at all and would reach a terminal raw, so they are
replaced by U+FFFD wherever text is shown or exported.
"""

from __future__ import annotations

import math
import re
from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_CONTROL_ANY = re.compile(r"[\x00-\x08\x0a-\x1f\x7f-\x9f]")
REPLACEMENT = "\ufffd"


def clean_text(s: str, *, keep_newlines: bool = True) -> str:
    """`s` with control characters replaced (newline, tab and CR kept when `keep_newlines`)."""
    return (_CONTROL if keep_newlines else _CONTROL_ANY).sub(REPLACEMENT, s)


def spreadsheet_cell(v: Any) -> Any:
    """A value safe for a CSV or XLSX cell: text neutralised and cleaned, lists joined, numbers untouched."""
    if isinstance(v, list | tuple):
        v = ", ".join("" if x is None else str(x) for x in v)
    if not isinstance(v, str):
        return v
    if v.startswith(FORMULA_STARTS):
        v = "'" + v
    return clean_text(v)


def json_safe(v: Any) -> Any:
    """`v` with every non-finite float as null: bare `Infinity`/`NaN` is not JSON (RFC 8259)."""
    if isinstance(v, float):
        return v if math.isfinite(v) else None
    if isinstance(v, dict):
        return {k: json_safe(x) for k, x in v.items()}
    if isinstance(v, list | tuple):
        return [json_safe(x) for x in v]
    return v
