"""The official header's lines, rebuilt from the layouts it arrives in, before any field is read.

Why: a header is two columns (issuer and number on the left; motto, place and date on the right).
Copied out of an HTML table it becomes pipe rows ("ỦY BAN NHÂN DÂN | CỘNG HÒA … |"); out of some
sites, one cell per line with lines holding only "|" between cells, a field broken mid-phrase
("An Giang, ngày 12" / "tháng 7 năm 2023"); out of a PDF, letters lost or doubled and hyphens dropped
("QĐUBND"). Reading fields is simple once the header is a list of cells, each one field's text with
its own line breaks joined, so this module only rebuilds cells and knows nothing of fields.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import regex

from extractors.gazetteer import strip_marks
from extractors.header.rules import HeaderRules

_SEP_ONLY_RE = regex.compile(r"^[ \t]*\|[ \t|]*$")
_RULE_RE = regex.compile(r"^[-_=*.~ \t]{3,}$")
_SPACES_RE = regex.compile(r"[ \t]{2,}")
_NEXT_LABEL_RE = regex.compile(r"[ \t]+(?=\p{Lu}[\p{Ll}\p{M}]*(?:[ \t][\p{Ll}\p{M}]+){0,3}[ \t]*:)")


@dataclass(frozen=True, slots=True)
class Cell:
    text: str  # the cell's lines joined by single spaces
    lines: tuple[str, ...]  # its lines, rules and empty lines dropped
    start: int  # offset of its first character in the document text
    end: int  # offset after its last character
    column: int  # 0 = left, 1 = right, -1 = unknown (one cell per line)


@dataclass(frozen=True, slots=True)
class HeaderCells:
    cells: tuple[Cell, ...]
    layout: str  # "pipe-rows" | "cell-lines" | "lines"
    end: int  # offset where the scanned header region ends


def _clean(s: str) -> str:
    return _SPACES_RE.sub(" ", s).strip()


def is_motto(s: str, rules: HeaderRules) -> bool:
    """A motto line, however damaged its letters: compared without diacritics and spaces."""
    key = strip_marks(s).replace(" ", "")
    return any(k.replace(" ", "") in key for k in rules.sec.motto_keys)


def rebuild(text: str, rules: HeaderRules) -> HeaderCells:
    """The header region's cells: pipe rows split into their cells (left column first), runs of lines
    between "|"-only lines joined into one cell, otherwise one cell per line."""
    spans: list[tuple[int, int]] = []
    pos = 0
    for raw in text.splitlines(keepends=True):
        spans.append((pos, pos + len(raw.rstrip("\r\n"))))
        pos += len(raw)
        if len(spans) >= rules.sec.scan_lines:
            break
    end = spans[-1][1] if spans else 0
    lines = [(text[a:b], a, b) for a, b in spans]
    if any(_SEP_ONLY_RE.match(s) for s, _, _ in lines):
        return HeaderCells(tuple(_cell_runs(lines)), "cell-lines", end)
    if sum("|" in s for s, _, _ in lines[:8]) >= 2:
        return HeaderCells(tuple(_pipe_rows(lines)), "pipe-rows", end)
    return HeaderCells(tuple(_side_by_side(lines)), "lines", end)


def _side_by_side(lines: list[tuple[str, int, int]]) -> list[Cell]:
    """Plain lines, each split at a tab or a run of three or more spaces: a PDF prints the two columns
    side by side ("UỶ BAN NHÂN DÂN    CỘNG HOÀ XÃ HỘI …"); the left column's cells come first."""
    out: list[Cell] = []
    for s, a, _b in lines:
        i = 0
        for col, part in enumerate(regex.split(r"\t+| {3,}", s)):
            c = _clean(part)
            j = a + s.find(part, i)
            i = j - a + len(part)
            if c and not _RULE_RE.match(c):
                out.append(Cell(c, (c,), j, j + len(part), min(col, 1)))
    return sorted(out, key=lambda c: (c.column, c.start))


def _cell_runs(lines: list[tuple[str, int, int]]) -> list[Cell]:
    out: list[Cell] = []
    run: list[tuple[str, int, int]] = []

    def flush() -> None:
        kept = [(_clean(s), a, b) for s, a, b in run if _clean(s) and not _RULE_RE.match(s)]
        if kept:
            out.append(Cell(" ".join(s for s, _, _ in kept), tuple(s for s, _, _ in kept), kept[0][1], kept[-1][2], -1))
        run.clear()

    for ln in lines:
        if _SEP_ONLY_RE.match(ln[0]):
            flush()
        elif not ln[0].strip():
            continue
        else:
            run.append(ln)
    flush()
    return out


def _pipe_rows(lines: list[tuple[str, int, int]]) -> list[Cell]:
    out: list[Cell] = []
    for s, a, _b in lines:
        if "|" not in s:
            c = _clean(s)
            if c and not _RULE_RE.match(c):
                out.append(Cell(c, (c,), a, a + len(s), -1))
            continue
        col, i = 0, 0
        for part in s.split("|"):
            c = _clean(part)
            if c and not _RULE_RE.match(c):
                j = a + i + part.find(part.strip())
                out.append(Cell(c, (c,), j, j + len(part.strip()), col))
            i += len(part) + 1
            if part.strip():
                col += 1
    # The left column's cells come first: issuer and number, then the right column's motto and date.
    return sorted(out, key=lambda c: (c.column if c.column >= 0 else 0, c.start)) if out else out


def site_table(text: str, rules: HeaderRules) -> dict[str, str]:
    """A legal-text site's metadata table ("Số hiệu: 45/2023/QĐ-UBND | Loại văn bản: Quyết định | …")
    in the first lines: label → value, for the labels of schemas/header.yaml site_labels."""
    labels = rules.sec.site_labels.model_dump()
    head = "\n".join(text.splitlines()[: rules.sec.scan_lines])
    out: dict[str, str] = {}
    for field, names in labels.items():
        alt = "|".join(regex.escape(n) for n in names)
        m = regex.search(rf"(?<![\p{{L}}\p{{M}}])(?:{alt})[ \t]*:[ \t|]*(?P<v>[^|\n\t]+)", head)
        # Without its cell separators (a scan, a copy as plain text) a value ends where the next label starts.
        v = _NEXT_LABEL_RE.split(m.group("v"), maxsplit=1)[0] if m else ""
        if v.strip():
            out[field] = _clean(v)
    return out if len(out) >= 2 else {}


def site_line(line: str, rules: HeaderRules) -> bool:
    """A line of a site's metadata table (once a table was found): it carries one of its labels."""
    names = tuple(n for ns in rules.sec.site_labels.model_dump().values() for n in ns)
    return any(p.search(line) for p in _site_label_patterns(names))


@functools.lru_cache(maxsize=8)
def _site_label_patterns(names: tuple[str, ...]) -> tuple[regex.Pattern, ...]:
    return tuple(regex.compile(rf"(?<![\p{{L}}\p{{M}}]){regex.escape(n)}[ \t]*:") for n in names)
