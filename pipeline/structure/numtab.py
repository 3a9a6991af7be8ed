"""Numeric tables: tables whose columns collapsed to single spaces, read through their headers.

Why: text copied out of a PDF or a web statistics page often keeps a table as lines "label n1 n2 …"
whose cells are separated by one space, so the space-aligned parser of `pipeline.structure.tables`
sees no columns. What still marks the table is the grammar of its rows:

- a **row** is a label (at most `MAX_LABEL_WORDS` words, holding a letter) followed by at least
  `MIN_NUMBERS` value tokens: numbers written the Vietnamese way ("1.234", "12,5", "48,6%") or marks
  of an empty cell ("-", "…", "..."); at least one of them a number, not all of them years;
- a **block** is at least `MIN_ROWS` consecutive rows that can be read with one count of value cells
  whose percent cells stand in the same positions in every row (an empty cell fits any position).
  Running prose does not form one: its lines end in a word or a full stop, and a date ("12/3/2024")
  or a document number ("15/BC-UBND") is no value token.

Such a block is a table of style "numeric": a label cell, then one cell per value. Its header lines
(up to `MAX_HEADER_LINES` lines right above, holding no figure but names or a row of years) are
mapped onto the columns only when their tokens can be aligned, never guessed:
- a **row of years** with one year per value column names each column by its year;
- a **sub-header** ("Tổng % Tổng %") of short tokens, set flush right over the last columns, whose
  "%" tokens stand exactly over the percent columns;
- a **header of column names**, each name opening with a capital letter ("Đơn vị Cán bộ Máy tính Tỷ
  lệ"), one a value column (a leading extra name heads the label column); or K names over the K
  non-percent columns ("Tổng Đã xử lý Chưa xử lý …" over counts each followed by its percent): a
  percent column then belongs to the count column before it and is named "<that name> %".
The nearest header lines that align are taken (a caption above them is not a header). A block of
fewer than `MIN_ROWS` rows (one row of totals under its header, as statistics pages print) is a
table only under a header of names over a sub-header of percents, both aligned. A row label
that ends in a number ("Mức 3 …") leaves the count of values ambiguous; the count whose header
aligns wins, else the rows' common count is kept with unnamed columns.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence

import regex

from pipeline.structure.tables import Cell, Row, Table, is_total_label

MIN_ROWS = 3
MIN_NUMBERS = 2
MAX_HEADER_LINES = 2
MAX_LABEL_WORDS = 14
MAX_SUBHEADER_TOKEN = 6
MAX_YEAR_FILLERS = 3

_NUMBER = regex.compile(r"[-+]?\d(?:[\d.,]*\d)?%?")
_EMPTY = regex.compile(r"[-–—…]|\.{2,3}")
_YEAR = regex.compile(r"(?:19|20)\d\d")
_TOKEN = regex.compile(r"\S+")
_LETTER = regex.compile(r"\p{L}")
_CAPITAL = regex.compile(r"\p{Lu}")
_DIGIT = regex.compile(r"\d")
_FILLER = regex.compile(r"\p{L}{1,6}\.?")
_COUNTER_HEAD = regex.compile(r"\s*(?:STT|TT)\s+", regex.IGNORECASE)  # the header of a row counter column

Span = tuple[int, int]


def _value(line: str, a: int, b: int) -> str | None:
    """'p' (percent), 'n' (number), 'e' (empty cell) for a value token, else None."""
    if _NUMBER.fullmatch(line, a, b):
        return "p" if line[b - 1] == "%" else "n"
    return "e" if _EMPTY.fullmatch(line, a, b) else None


def _trailing(line: str) -> list[Span]:
    """Spans (in the line) of the value tokens that end it; [] if the line is no row (see the module
    docstring)."""
    toks = [(m.start(), m.end()) for m in _TOKEN.finditer(line)]
    k = len(toks)
    while k > 0 and _value(line, *toks[k - 1]) is not None:
        k -= 1
    if k == 0 or k > MAX_LABEL_WORDS or not _LETTER.search(line, 0, toks[k - 1][1]):
        return []
    vals = toks[k:]
    kinds = [_value(line, a, b) for a, b in vals]
    if "n" not in kinds and "p" not in kinds:
        return []
    if all(_YEAR.fullmatch(line, a, b) or kd == "e" for (a, b), kd in zip(vals, kinds, strict=True)):
        return []  # "Chỉ tiêu 2021 2022 2023": a header of years, not a row
    return vals


def _years_line(line: str) -> list[Span] | None:
    """Spans of the year columns of a header line of years ("2021 2022 2023", "Chỉ tiêu 2021 2022 Sơ
    bộ 2023"), a short word before a year ("Sơ bộ", "Prel.") joined to it; else None."""
    toks = [(m.start(), m.end()) for m in _TOKEN.finditer(line)]
    first = next((i for i, t in enumerate(toks) if _YEAR.fullmatch(line, *t)), None)
    if first is None or any(_DIGIT.search(line, a, b) for a, b in toks[:first]):
        return None
    out: list[Span] = []
    lead: int | None = None
    fillers = 0
    for a, b in toks[first:]:
        if _YEAR.fullmatch(line, a, b):
            out.append((a if lead is None else lead, b))
            lead = None
        elif _FILLER.fullmatch(line, a, b) and fillers < MAX_YEAR_FILLERS:
            fillers += 1
            lead = a if lead is None else lead
        else:
            return None
    return out if len(out) >= 2 and lead is None else None


def _kinds(line: str, spans: Sequence[Span]) -> tuple[str, ...]:
    return tuple(_value(line, a, b) or "e" for a, b in spans)


def _pattern(rows: Sequence[tuple[str, ...]]) -> tuple[bool, ...] | None:
    """Whether each column is a percent column, when every row agrees (empty cells fit any), else None."""
    out: list[bool] = []
    for col in zip(*rows, strict=True):
        seen = {k for k in col if k != "e"}
        if len(seen) > 1:
            return None
        out.append(seen == {"p"})
    return tuple(out)


def _names(header: str, acronyms_join: bool = False) -> list[str]:
    """Column names of a header line: a new name opens at every capitalised word (with
    `acronyms_join`, not at a word in capitals, which then continues the name before it: "Số TTHC")."""
    out: list[str] = []
    for m in _TOKEN.finditer(header):
        w = m.group(0)
        acronym = len(w) > 1 and w.isupper()
        if not out or (_CAPITAL.match(w) and not (acronyms_join and acronym)):
            out.append(w)
        else:
            out[-1] += " " + w
    return out


def _subheader(h: str, pct: tuple[bool, ...]) -> list[str] | None:
    """The names a sub-header ("Tổng % Tổng %") gives the columns it stands over, or None."""
    n = len(pct)
    toks = h.split()
    if not toks or len(toks) > n or "%" not in toks or any(len(t) > MAX_SUBHEADER_TOKEN for t in toks):
        return None
    pos = range(n - len(toks), n)  # flush right
    if not all((t == "%") == pct[p] for t, p in zip(toks, pos, strict=True)):
        return None
    names = [""] * n
    for t, p in zip(toks, pos, strict=True):
        names[p] = t if t != "%" else ""
    return names


def _top(h: str, pct: tuple[bool, ...]) -> tuple[str, list[str]] | None:
    """(label name, column names) from a header line of column names (module docstring), or None."""
    n = len(pct)
    years = _years_line(h)
    if years is not None:
        if len(years) != n:
            return None
        label = h[:years[0][0]].strip()
        return label, [h[a:b] for a, b in years]
    for joined in (False, True):
        cols = _names(h, joined)
        if len(cols) in (n, n + 1):  # one name a column ("Đơn vị Cán bộ Máy tính Tỷ lệ")
            return ("", cols) if len(cols) == n else (cols[0], cols[1:])
    cols = _names(h)
    counts = [p for p in range(n) if not pct[p]]
    label = ""
    if len(cols) == len(counts) + 1:
        label, cols = cols[0], cols[1:]
    if len(cols) != len(counts) or pct[0]:
        return None
    top = [""] * n
    for name, p in zip(cols, counts, strict=True):
        top[p] = name
    for p in range(n):
        if pct[p]:
            top[p] = top[p - 1] + " %"
    return label, top


def _align(headers: Sequence[str], pct: tuple[bool, ...]) -> tuple[tuple[str, ...], bool] | None:
    """The name of the label column and of each value column from all the header lines (top to
    bottom), and whether a sub-header of percents stood over the percent columns; None when one of
    the lines does not align."""
    n = len(pct)
    names = [""] * n
    label = ""
    sub_seen = False
    for h in headers:
        h = _COUNTER_HEAD.sub("", h, count=1) if _COUNTER_HEAD.match(h) else h
        sub = _subheader(h, pct)
        if sub is not None:
            names = [(a + " " + b).strip() for a, b in zip(names, sub, strict=True)]
            sub_seen = True
            continue
        top = _top(h, pct)
        if top is None:
            return None
        label = top[0] or label
        names = [(t + " " + s).strip() if s and t and not t.endswith("%") else (t or s)
                 for t, s in zip(top[1], names, strict=True)]
    return (label, *names), sub_seen


def _header_lines(text: str, lines: Sequence[Span], first: int, taken: frozenset[int]) -> list[int]:
    """Indices of up to MAX_HEADER_LINES lines right above the first row that hold no figure (a line
    of years aside) and end no sentence."""
    out: list[int] = []
    k = first - 1
    while k >= 0 and len(out) < MAX_HEADER_LINES and k not in taken:
        body = text[lines[k][0]:lines[k][1]].strip()
        if not body or body.endswith((".", ":", ";")) or (_DIGIT.search(body) and _years_line(body) is None
                                                          and not _names_with_digits(body)):
            break
        out.insert(0, k)
        k -= 1
    return out


def _names_with_digits(body: str) -> bool:
    """A header line whose digits only number or date its names ("Mức độ 1 Mức độ 2 …", "Năm 2022
    Năm 2023 So sánh (%)"): it opens with a word, every digit token is a small number or a year."""
    toks = body.split()
    return bool(toks) and _LETTER.match(toks[0]) is not None and all(
        not _DIGIT.search(t) or (t.isdigit() and len(t) <= 2) or _YEAR.fullmatch(t) for t in toks)


def find_numeric(text: str, lines: Sequence[Span], taken: frozenset[int]) -> list[Table]:
    """Every numeric table of the text (see the module docstring); `taken` are indices of lines that
    already belong to another table or are asides."""
    trail = [[] if i in taken else _trailing(text[s:e]) for i, (s, e) in enumerate(lines)]
    out: list[Table] = []
    i = 0
    while i < len(lines):
        j = i
        while j < len(lines) and len(trail[j]) >= MIN_NUMBERS:
            j += 1
        if j == i:
            i += 1
            continue
        table = _block(text, lines, range(i, j), trail, taken)
        if table is not None:
            out.append(table)
        i = j
    return out


def _readings(text: str, lines: Sequence[Span], rows: range, trail: list[list[Span]],
              htext: Sequence[str]) -> tuple[int, tuple[str, ...], int] | None:
    """(count of value cells, header names, header lines used) of the best-supported reading. Fewer
    than MIN_ROWS rows are read only under a header of names over a sub-header of percents that
    both align."""
    common = min(len(trail[r]) for r in rows)
    short = len(rows) < MIN_ROWS
    labelled = named = plain = None
    for n in range(common, MIN_NUMBERS - 1, -1):
        pct = _pattern([_kinds(text[lines[r][0]:lines[r][1]], trail[r][-n:]) for r in rows])
        if pct is None:
            continue
        names, used = None, 0
        for k in range(len(htext), 0, -1):  # the nearest header lines that align
            got = _align(htext[-k:], pct)
            if got is not None and (not short or (k >= 2 and got[1])):
                names, used = got[0], k
                break
        if short and names is None:
            continue
        if names is not None and names[0] and labelled is None:
            labelled = (n, names, used)  # the header also names the label column: the best-supported reading
        elif names is not None and named is None:
            named = (n, names, used)
        elif plain is None and all(len(trail[r]) == n for r in rows):
            plain = (n, (), 0)
    return labelled or named or plain


def _block(text: str, lines: Sequence[Span], rows: range, trail: list[list[Span]],
           taken: frozenset[int]) -> Table | None:
    heads = _header_lines(text, lines, rows[0], taken)
    reading = _readings(text, lines, rows, trail, [text[lines[k][0]:lines[k][1]] for k in heads])
    if reading is None:
        return None
    n, header, used = reading
    heads = heads[len(heads) - used:]
    labels = [text[lines[r][0]:lines[r][0] + trail[r][-n:][0][0]] for r in rows]
    counter = _counter(labels)
    shift = 1 if counter else 0
    if counter and header:
        header = ("STT", *header)
    built: list[Row] = []
    for k in heads:
        s, e = lines[k]
        years = _years_line(text[s:e])
        if years is not None and len(years) == n:  # one cell a year, as the other tables' header rows
            lab = text[s:s + years[0][0]].strip()
            cells = ([Cell(s, s + years[0][0], len(built), 0, lab)] if lab and not counter else [])
            cells += [Cell(s + a, s + b, len(built), c, text[s + a:s + b])
                      for c, (a, b) in enumerate(years, start=len(cells))]
            built.append(Row(s, e, tuple(cells), False))
            continue
        built.append(Row(s, e, (Cell(s, e, len(built), 0, text[s:e].strip()),), False))
    total: int | None = None
    for r, lab in zip(rows, labels, strict=True):
        s, e = lines[r]
        nums = trail[r][-n:]
        r_i = len(built)
        cells: list[Cell] = []
        a = s
        m = _TOKEN.search(lab) if counter else None
        if counter:
            if m is not None and m.group(0).isdigit():
                cells.append(Cell(s + m.start(), s + m.end(), r_i, 0, m.group(0)))
                a = s + m.end()
            else:  # a total row without its number
                cells.append(Cell(s, s, r_i, 0, ""))
        label = text[a:s + nums[0][0]].strip()
        if total is None and r_i > 0 and is_total_label(label):
            total = r_i
        cells.append(Cell(a, s + nums[0][0], r_i, shift, label))
        cells += [Cell(s + x, s + y, r_i, c, text[s + x:s + y]) for c, (x, y) in enumerate(nums, start=1 + shift)]
        built.append(Row(s, e, tuple(cells), False))
    return Table(built[0].start, built[-1].end, "numeric", tuple(built), header, len(heads), total, counter)


def _counter(labels: Sequence[str]) -> bool:
    """Whether the row labels open with a counter 1, 2, 3 … (an STT column) before their words; a total
    row ("Tổng cộng") may lack it."""
    firsts = [lab.split()[0] for lab in labels if lab.split()]
    nums = [int(f) for f in firsts if f.isdigit() and len(f) <= 3]
    if len(nums) < 2 or len(nums) < len(labels) - 1:
        return False
    if any(len(lab.split()) < 2 or not _LETTER.search(lab) for lab in labels if lab.split()[0].isdigit()):
        return False
    return all(b == a + 1 for a, b in itertools.pairwise(nums))
