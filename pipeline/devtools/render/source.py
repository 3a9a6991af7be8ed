"""The source report as the renderer reads it: decoded, markup cleaned, split into layout blocks."""

from __future__ import annotations

import re
import unicodedata

from pipeline.devtools.render.model import Block


def decode_source(data: bytes) -> str:
    """Decode a report: UTF-8 (with or without BOM) or UTF-16 with BOM; NFC so that every letter
    maps to one precomposed glyph (reportlab does no mark positioning)."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        text = data.decode("utf-16")
    elif data.startswith(b"\xef\xbb\xbf"):
        text = data[3:].decode("utf-8")
    else:
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            text = data.decode("utf-8", errors="replace")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return unicodedata.normalize("NFC", text)


_LATEX_SYMBOLS = {
    r"\%": "%",
    r"\times": "×",
    r"\cdot": ".",
    r"\geq": "≥",
    r"\ge": "≥",
    r"\leq": "≤",
    r"\le": "≤",
    r"\approx": "≈",
    r"\pm": "±",
    r"\left": "",
    r"\right": "",
    r"\,": "",
    r"\;": " ",
    r"\ ": " ",
    "{,}": ",",
    "{.}": ".",
}


def _latex_to_text(expr: str) -> str:
    """`$373/416 = 89,66\\%$` → `373/416 = 89,66%`: what a reader of the rendered formula sees."""
    expr = re.sub(r"\\frac\s*\{([^{}]*)\}\s*\{([^{}]*)\}", r"\1/\2", expr)
    expr = re.sub(r"\\(?:text|mathrm|textbf|mathbf|operatorname)\s*\{([^{}]*)\}", r"\1", expr)
    for k, v in _LATEX_SYMBOLS.items():
        expr = expr.replace(k, v)
    expr = re.sub(r"\\[A-Za-z]+", "", expr)  # any other command: drop it
    expr = expr.replace("{", "").replace("}", "").replace("~", " ")
    return re.sub(r"[ \t]+", " ", expr).strip()


def clean_markup(text: str) -> str:
    """Strip the Markdown/LaTeX that converted reports carry, keeping the words and numbers.

    A scan of the printed report shows "Tỷ lệ: 89,66%", not "$89,66\\%$"; the ground truth must be
    what is printed.
    """
    text = re.sub(r"\$\$(.+?)\$\$", lambda m: _latex_to_text(m.group(1)), text, flags=re.S)
    text = re.sub(r"\$([^$\n]+?)\$", lambda m: _latex_to_text(m.group(1)), text)
    out: list[str] = []
    for line in text.split("\n"):
        stripped = line.strip()
        if re.fullmatch(r"\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?", stripped):
            continue  # markdown table rule row
        if stripped.startswith("|") and stripped.endswith("|") and stripped.count("|") >= 3:
            line = "\t".join(c.strip() for c in stripped[1:-1].split("|"))
        line = re.sub(r"^\s{0,3}#{1,6}\s+", "", line)  # ATX heading marks
        line = re.sub(r"^(\s*)[*+]\s+", r"\1- ", line)  # bullets as the dash the documents use
        line = re.sub(r"(\*\*|__)(.+?)\1", r"\2", line)
        line = line.replace("**", "")
        line = re.sub(r"(?<![\w*])\*(?!\s)([^*\n]+?)(?<!\s)\*(?![\w*])", r"\1", line)  # *italic*
        line = re.sub(r"\\([\\`*_{}\[\]()#+\-.!%$])", r"\1", line)  # markdown escapes
        line = re.sub(r"^\s*>\s?", "", line)  # block quotes
        out.append(line.rstrip())
    return "\n".join(out).strip("\n") + "\n"


_NUMBERED_HEADING = re.compile(r"^(?:[IVXLC]+\.|\d+(?:\.\d+)*\.?|[a-zđ]\))\s+\S")


def _is_upper_line(s: str) -> bool:
    letters = [c for c in s if c.isalpha()]
    return len(letters) >= 2 and all(c.isupper() for c in letters)


def bold_lines(raw: str) -> frozenset[str]:
    """Lines a Markdown source wrapped whole in `**…**` (after cleanup): shown bold, as in the original."""
    out = set()
    for line in raw.split("\n"):
        s = line.strip()
        if len(s) > 4 and s.startswith("**") and s.endswith("**") and "**" not in s[2:-2]:
            out.add(re.sub(r"[ \t]+", " ", clean_markup(s).strip()))
    return frozenset(out)


def parse_blocks(text: str, bold_hints: frozenset[str] = frozenset()) -> list[Block]:
    """Split cleaned text into paragraphs (one per source line) and tables (runs of tab-separated lines).

    Layout hints only affect looks: short all-caps lines (national motto, "BÁO CÁO") are bold and
    centred, numbered headings ("II.", "2.1.", "a)") and other all-caps lines are bold.
    """
    blocks: list[Block] = []
    rows: list[tuple[str, ...]] = []

    def flush_table() -> None:
        if rows:
            blocks.append(Block("table", rows=tuple(rows)))
            rows.clear()

    for raw in text.split("\n"):
        line = raw.strip()
        if "\t" in raw and line:
            rows.append(tuple(c.strip() for c in raw.split("\t")))
            continue
        flush_table()
        if not line:
            continue
        line = re.sub(r"[ \t]+", " ", line)
        upper = _is_upper_line(line)
        centered = upper and len(line) <= 60
        bold = upper or line in bold_hints or (bool(_NUMBERED_HEADING.match(line)) and len(line) <= 120)
        blocks.append(Block("para", text=line, bold=bold, centered=centered))
    flush_table()
    return blocks


SUPERSCRIPTS = "⁰¹²³⁴⁵⁶⁷⁸⁹"
SUPER_RUN = re.compile(f"([{SUPERSCRIPTS}]+)")


def plain_digits(s: str) -> str:
    """Superscript digits as the plain digits a text layer or OCR gives for a footnote reference."""
    return s.translate(str.maketrans(SUPERSCRIPTS, "0123456789"))

