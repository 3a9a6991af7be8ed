"""Cross-page clean-up of a PDF's page texts (pure): running lines out, continued tables joined.

Why after every page is read: a running header, footer or page number is only recognisable by
repeating over pages, and a table continued on the next page repeats its header rows there.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence

_PAGE_NUMBER = re.compile(
    r"^\s*(?:(?:trang|page)\s*)?[-–—(\[]?\s*(\d{1,4})\s*[-–—)\]]?\s*(?:/\s*\d{1,4})?\s*$", re.IGNORECASE
)
MAX_RUNNING_LINE = 120  # a running header or footer is short; longer repeated lines are content
_ZONE = 3  # lines at the top and at the bottom of a page where running lines live


def _zone_indices(lines: Sequence[str]) -> list[int]:
    filled = [i for i, line in enumerate(lines) if line.strip()]
    return sorted(set(filled[:_ZONE] + filled[-_ZONE:]))


def _running_key(line: str) -> str:
    return re.sub(r"[^\S\t]+", " ", re.sub(r"\d+", "#", line.strip().lower()))


def strip_running_lines(texts: Sequence[str], *, min_share: float = 0.5) -> list[str]:
    """Remove running headers/footers and page numbers from page texts.

    A running line is one whose digit-blind form (so "Trang 3/20" matches "Trang 4/20") appears
    in the top or bottom three lines of at least half the pages (and at least three pages). Table
    rows (lines with tabs) and letter-less lines are never running lines; bare page numbers are
    removed when their offset from the page index is the one most pages agree on.
    """
    pages = [t.split("\n") for t in texts]
    n = len(pages)
    zones = [_zone_indices(lines) for lines in pages]

    running: set[str] = set()
    if n >= 3:
        counts: Counter[str] = Counter()
        for lines, zone in zip(pages, zones, strict=True):
            keys = {_running_key(lines[i]) for i in zone}
            counts.update(
                k
                for k in keys
                if k and len(k) <= MAX_RUNNING_LINE and "\t" not in k and re.search(r"[^\W\d_]", k)
            )
        need = max(3, math.ceil(min_share * n))
        running = {k for k, c in counts.items() if c >= need}

    numbers = _page_number_lines(pages, zones)
    out: list[str] = []
    for p, (lines, zone) in enumerate(zip(pages, zones, strict=True)):
        drop = {i for i in zone if _running_key(lines[i]) in running} | numbers.get(p, set())
        out.append("\n".join(line for i, line in enumerate(lines) if i not in drop).strip("\n"))
    return out


def _page_number_lines(pages: Sequence[Sequence[str]], zones: Sequence[Sequence[int]]) -> dict[int, set[int]]:
    candidates: list[tuple[int, int, int]] = []  # (page, line, offset of the number from the page)
    for p, (lines, zone) in enumerate(zip(pages, zones, strict=True)):
        filled = [i for i in zone if lines[i].strip()]
        edge = set(filled[:1] + filled[-1:])
        for i in edge:
            m = _PAGE_NUMBER.match(lines[i])
            if m:
                candidates.append((p, i, int(m.group(1)) - (p + 1)))
    if not candidates:
        return {}
    offsets = Counter(off for _, _, off in candidates)
    offset, support = offsets.most_common(1)[0]
    n = len(pages)
    if n > 2 and support < max(2, n // 3):
        return {}
    if n <= 2 and offset != 0:
        return {}
    found: dict[int, set[int]] = {}
    for p, i, off in candidates:
        if off == offset:
            found.setdefault(p, set()).add(i)
    return found


def join_continued_tables(texts: Sequence[str], *, max_header_rows: int = 3) -> list[str]:
    """Make a table that runs over a page break read as one table.

    When a page ends with TSV rows and the next starts with rows of the same column count, the
    next page's repeat of the table's header rows is dropped. Rows stay on the page where they
    are printed, so figures keep their page number; with running headers/footers gone the rows
    of both pages follow each other directly.
    """
    out = list(texts)
    header: list[str] = []  # header rows of the table open at the end of the previous page
    for p in range(len(out)):
        lines = out[p].split("\n")
        filled = [i for i, line in enumerate(lines) if line.strip()]
        if p > 0 and header and filled and "\t" in lines[filled[0]]:
            width = header[0].count("\t")
            if lines[filled[0]].count("\t") == width:
                k = 0
                while (
                    k < min(len(header), max_header_rows)
                    and k < len(filled)
                    and (lines[filled[k]].strip() == header[k].strip())
                ):
                    k += 1
                if k:
                    drop = set(filled[:k])
                    lines = [line for i, line in enumerate(lines) if i not in drop]
                    out[p] = "\n".join(lines)
                    filled = [i for i, line in enumerate(lines) if line.strip()]
                continues = True
            else:
                continues = False
        else:
            continues = False
        header = _open_table_header(lines, filled, header if continues else [])
    return out


def _open_table_header(lines: Sequence[str], filled: Sequence[int], inherited: list[str]) -> list[str]:
    """Header rows of the table that the page ends with ([] when it ends with prose)."""
    if not filled or "\t" not in lines[filled[-1]]:
        return []
    width = lines[filled[-1]].count("\t")
    start = len(filled) - 1
    while start > 0 and lines[filled[start - 1]].count("\t") == width and "\t" in lines[filled[start - 1]]:
        start -= 1
    if start == 0 and inherited:  # the whole page is the continued table
        return inherited
    return [lines[i] for i in filled[start : start + 3]]
