"""Vietnamese number notation: parse it, write it, and find every number in a text.

Vietnamese administrative writing groups thousands with dots and separates decimals with a comma
(`1.133.820.000`, `89,66`), but reports pasted from spreadsheets also carry English decimals before a
percent sign (`95.9%`). The rules, in order:

1. Both `.` and `,` present: the last one is the decimal separator, the other groups thousands.
2. Only commas: one comma is a decimal comma (`0,33`); several are English thousands groups (`1,234,567`).
3. Only dots: several dots group thousands (`1.133.820.000`). One dot followed by exactly three digits
   groups thousands (`19.214`), also before `%` (`1.200%` is twelve hundred percent, as in a growth
   rate), unless the digits before it are `0` (`0.125` is a decimal: no grouped number starts with 0).
   Any other single dot is an English decimal point (`95.9`, `4.36`, `71.55%`). So `12.345%` reads
   12345 %: a three-decimal English percent is rarer than a grouped one, and an impossible share is
   then caught by the checks instead of being silently reinterpreted.
4. Thousands groups must be well formed (1–3 leading digits, then groups of exactly 3); anything else
   (`2.4.1`, `1,2,3`) is not a number but a label or a list, and `parse_vi_number` raises `ValueError`.

5. Statistics tables and text copied from them group thousands with spaces (`230 065`, `2 376,90`). A
   space-grouped number is read as one only where it cannot be two columns: it is followed by a word
   (`12 480 hồ sơ`) with no digit just before it, or it is the whole of a field — a table cell of the
   document's layout, or, outside tables, the text between a line edge, tab, pipe or run of spaces
   and the next line edge, tab or pipe. `54 952 59,1%` and `Cấp 2 710 719` (a row whose columns are
   one space apart, or whose spaces were collapsed) stay separate numbers, and no number runs over
   the edge of a table cell (a stacked table's "330 340" line holds two cells, not 330340).

`decimals` is the count of digits after the decimal separator as written (`74,0` → 1), the stated
precision that later sets a check's tolerance. Multiplier words (`1,5 tỷ`, `300 triệu`, `2 nghìn`) scale
the value; `decimals` still describes the digits as written.
"""

from __future__ import annotations

import bisect
import math
from collections.abc import Sequence
from dataclasses import replace

import regex

from pipeline.model import NumberToken

MULTIPLIERS: dict[str, float] = {
    "nghìn tỷ": 1e12,
    "ngàn tỷ": 1e12,
    "tỷ": 1e9,
    "tỉ": 1e9,
    "triệu": 1e6,
    "nghìn": 1e3,
    "ngàn": 1e3,
}

_DIGITS = regex.compile(r"\d+(?:[.,]\d+)*")
_GROUPED = regex.compile(r"\d{1,3}(?:\.\d{3})+")
_GROUPED_EN = regex.compile(r"\d{1,3}(?:,\d{3})+")
_SPACE_GROUP = regex.compile(r"[ \u00a0\u202f](?=\d{3})")

# A run of digits and separators; the look-behind keeps `t63`, `IPv6` and `x.100` out. Word
# boundaries after a multiplier keep `tỷ lệ` (a ratio) and `triệu tập` (to convene) from scaling.
_TOKEN = regex.compile(
    r"""
    (?<![\w.,])
    (?P<num>
        (?<!\d[\ \u00a0\u202f])\d{1,3}(?:[\ \u00a0\u202f]\d{3})+(?:,\d+)?(?=[\ \u00a0]?[^\W\d_])
      | \d+(?:[.,]\d+)*)
    (?:[ \u00a0]?(?P<mult>nghìn\ tỷ|ngàn\ tỷ|tỷ|tỉ|triệu|nghìn|ngàn)(?!\w)(?!\ (?:lệ|trọng|tập)\b))?
    (?P<pct>[ \u00a0]?%)?
    """,
    regex.VERBOSE,
)


def parse_vi_number(s: str) -> tuple[float, int]:
    """The value and the decimals as written of one number in Vietnamese (or English-decimal) notation.

    `s` may end in `%` and start with a minus sign.
    Raises ValueError for anything that is not one well-formed number, or one too large for a finite
    float (a 400-digit run would become `inf` and poison every check and JSON output).
    """
    value, decimals = _parse_vi_number(s)
    if not math.isfinite(value):
        raise ValueError(f"does not fit a number: {s[:20]!r}...")
    return value, decimals


def _parse_vi_number(s: str) -> tuple[float, int]:
    text = s.strip()
    if text.endswith("%"):
        text = text[:-1].rstrip()
    sign = 1.0
    if text[:1] in ("-", "\u2212"):
        sign, text = -1.0, text[1:].lstrip()
    if not text or not _DIGITS.fullmatch(text):
        raise ValueError(f"not a number: {s!r}")
    n_dot, n_comma = text.count("."), text.count(",")

    if n_dot and n_comma:
        dec_sep = "," if text.rfind(",") > text.rfind(".") else "."
        group_sep = "." if dec_sep == "," else ","
        int_part, _, frac = text.rpartition(dec_sep)
        if int_part.count(dec_sep) or not _is_grouped(int_part, group_sep):
            raise ValueError(f"malformed grouping: {s!r}")
        return sign * _value(int_part.replace(group_sep, ""), frac), len(frac)
    if n_comma:
        if n_comma == 1:
            int_part, frac = text.split(",")
            return sign * _value(int_part, frac), len(frac)
        if _GROUPED_EN.fullmatch(text):
            return sign * float(text.replace(",", "")), 0
        raise ValueError(f"malformed grouping: {s!r}")
    if n_dot:
        if n_dot == 1:
            int_part, frac = text.split(".")
            if len(frac) == 3 and not int_part.startswith("0"):
                return sign * float(int_part + frac), 0
            return sign * _value(int_part, frac), len(frac)
        if _GROUPED.fullmatch(text):
            return sign * float(text.replace(".", "")), 0
        raise ValueError(f"malformed grouping: {s!r}")
    return sign * float(text), 0


def _is_grouped(int_part: str, sep: str) -> bool:
    if sep not in int_part:
        return True
    return bool((_GROUPED if sep == "." else _GROUPED_EN).fullmatch(int_part))


def _value(int_part: str, frac: str) -> float:
    return float(f"{int_part}.{frac}") if frac else float(int_part)


def format_vi(x: float, decimals: int = 0) -> str:
    """Write a number the Vietnamese way: `format_vi(1234567.5, 1) == "1.234.567,5"` (inverse of parsing)."""
    if decimals < 0:
        raise ValueError("decimals must be >= 0")
    s = f"{abs(x):.{decimals}f}"
    int_part, _, frac = s.partition(".")
    groups = []
    while len(int_part) > 3:
        groups.append(int_part[-3:])
        int_part = int_part[:-3]
    groups.append(int_part)
    out = ".".join(reversed(groups))
    if decimals:
        out += "," + frac
    if x < 0 and float(s) != 0:
        out = "-" + out
    return out


def find_numbers(text: str, cells: Sequence[tuple[int, int]] = ()) -> list[NumberToken]:
    """Every well-formed number in `text`, with its multiplier word and percent sign when attached.

    An amount spelled out by descending multipliers (`15 tỷ 500 triệu`) is one number. Malformed digit
    runs such as the heading label `2.4.1` yield nothing. `cells` are the sorted (start, end) spans of
    the text's table cells (`pipeline.structure.layout`): the table, not the spaces, decides where a
    number ends there (rule 5). Whether a number is a figure (and not a date, a document number or a
    label) is decided by `extractors.figures`.
    """
    tokens = _scan(text)
    if cells:
        tokens = _split_at_cells(tokens, text, cells)
    return _join_fields(tokens, text, _fields(text, cells))


def _scan(text: str) -> list[NumberToken]:
    out: list[NumberToken] = []
    last_factor = 0.0  # multiplier of the previous token, 0 if it had none
    for m in _TOKEN.finditer(text):
        num, mult, pct = m.group("num"), m.group("mult"), m.group("pct")
        try:
            value, decimals = parse_vi_number(_SPACE_GROUP.sub("", num) + ("%" if pct else ""))
        except ValueError:
            last_factor = 0.0
            continue
        factor = MULTIPLIERS[mult] if mult else 1.0
        value = round(value * factor, 6)
        if not math.isfinite(value):  # a huge number times "tỷ"
            last_factor = 0.0
            continue
        prev = out[-1] if out else None
        if (prev is not None and mult and not pct and 0 < factor < last_factor
                and text[prev.char_end:m.start()] == " "):
            out[-1] = NumberToken(text=text[prev.char_start:m.end()], value=round(prev.value + value, 6),
                                  char_start=prev.char_start, char_end=m.end(), decimals=0)
        else:
            out.append(NumberToken(text=m.group(0), value=value, char_start=m.start(), char_end=m.end(),
                                   decimals=decimals, is_percent=bool(pct)))
        last_factor = factor if mult else 0.0
    return out


# A field outside tables: after a line edge, tab, pipe or run of spaces, up to the next line edge, tab
# or pipe (trailing spaces allowed); only fields that are one space-grouped number matter.
_EDGE_FIELD = regex.compile(r"(?<=(?:^|[\n|\t]|[ \u00a0]{2})[ \u00a0]?)\d{1,3}(?:[ \u00a0\u202f]\d{3})+(?:,\d+)?"
                            r"(?=[ \t\u00a0]*(?:$|[|\t\n]))")
_SPACE_GROUPED = regex.compile(r"[-+]?\d{1,3}(?:[ \u00a0\u202f]\d{3})+(?:,\d+)?")


def _cell_finder(cells: Sequence[tuple[int, int]]):  # type: ignore[no-untyped-def]
    starts = [s for s, _ in cells]

    def cell_of(pos: int) -> int | None:
        k = bisect.bisect_right(starts, pos) - 1
        return k if k >= 0 and pos < cells[k][1] else None

    return cell_of


def _split_at_cells(tokens: list[NumberToken], text: str, cells: Sequence[tuple[int, int]]) -> list[NumberToken]:
    """A token that runs over a cell boundary, read again cell by cell."""
    cell_of = _cell_finder(cells)
    out: list[NumberToken] = []
    for tok in tokens:
        first, last = cell_of(tok.char_start), cell_of(tok.char_end - 1)
        if first is None or first == last:
            out.append(tok)
            continue
        for k in range(first, (last if last is not None else first) + 1):
            a, b = max(cells[k][0], tok.char_start), min(cells[k][1], tok.char_end)
            out.extend(replace(t, char_start=t.char_start + a, char_end=t.char_end + a) for t in _scan(text[a:b]))
    return out


def _fields(text: str, cells: Sequence[tuple[int, int]]) -> list[tuple[int, int]]:
    """(start, end) of every field whose whole text is one space-grouped number: table cells, and
    edge-delimited fields outside them (rule 5), in text order."""
    out = []
    for a, b in cells:
        lead = a + len(text[a:b]) - len(text[a:b].lstrip())
        body = text[a:b].strip()
        if _SPACE_GROUPED.fullmatch(body):
            out.append((lead, lead + len(body)))
    cell_of = _cell_finder(cells)
    out += [(m.start(), m.end()) for m in _EDGE_FIELD.finditer(text)
            if not cells or (cell_of(m.start()) is None and cell_of(m.end() - 1) is None)]
    return sorted(out)


def _join_fields(tokens: list[NumberToken], text: str, fields: list[tuple[int, int]]) -> list[NumberToken]:
    """The tokens with those inside one field that is a space-grouped number ("230 065", "2 376,90")
    made that one number; the only place space groups are joined outside prose."""
    if not fields:
        return tokens
    out: list[NumberToken] = []
    starts = [a for a, _ in fields]
    i = 0
    while i < len(tokens):
        tok = tokens[i]
        k = bisect.bisect_right(starts, tok.char_start) - 1
        if k >= 0 and tok.char_start <= fields[k][0] + 1 and tok.char_end <= fields[k][1]:
            a, end = fields[k]
            j = i
            while j < len(tokens) and tokens[j].char_end <= end:
                j += 1
            if j - i >= 2:
                body = text[a:end]
                sign = -1.0 if body.startswith("-") else 1.0
                value, decimals = parse_vi_number(regex.sub(r"[^\d,]", "", body))
                out.append(NumberToken(text=text[tok.char_start:end], value=sign * value,
                                       char_start=tok.char_start, char_end=end, decimals=decimals))
                i = j
                continue
        out.append(tok)
        i += 1
    return out
