"""Normalization: the one text every character offset refers to (`documents.text`).

Reports reach us as text layers, OCR output and Markdown exports of Word files, so the same sentence
arrives in many spellings: decomposed or composed accents, "hoà" or "hòa", `**bold**` and `$\\%$`
markup, footnote numbers glued to figures ("215¹²"), sentences cut by a page break or by the footnotes
printed at the bottom of the page. Extractors and the evaluator must see one spelling, so this stage
decides it once:

- Unicode NFC; Ð (eth, an OCR confusion) becomes Đ; invisible characters go, odd spaces become spaces.
- One tone-mark placement (`fold_tone`): the traditional one, tone on the first vowel of the open
  syllables oa, oe, uy (hòa, khỏe, thủy), not the newer "hoà, khoẻ, thuỷ". Administrative documents
  overwhelmingly type it ("Ủy ban", "văn hóa": 131 against 9 in the five seed reports),
  so folding changes the fewest characters. The evaluator applies `fold_tone` to gold strings too.
- Markdown/LaTeX markup is removed, keeping what a reader sees: `$373/416 = 89,66\\%$` -> `373/416 =
  89,66%`. Lines that were entirely bold (or Markdown headings) are kept in `NormText.bold_lines`.
- Footnote markers are cut out of the running text and kept as `FootnoteRef`s; footnote bodies that
  interrupt a paragraph are moved after it and listed in `NormText.asides`.
- Lines wrapped inside a sentence (also across a page break) are rejoined; running headers, footers
  and page numbers are dropped; whitespace is tidied, tabs kept as table column separators.

`normalize_fragment` applies the same inline rules to a short string (a gold quote, a name) so that
`normalize_fragment(quote) in normalize(doc).text` holds for quotes copied from the source file.
"""

from __future__ import annotations

import math
import unicodedata
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import regex as re
import yaml

from pipeline.errors import ConfigError
from pipeline.model import FootnoteRef, Loaded, NormText
from pipeline.ocr.repair import mark_ocr_tokens

RULES_PATH = Path(__file__).resolve().parent.parent / "schemas" / "normalize.yaml"


# --------------------------------------------------------------------------- rules (schemas/normalize.yaml)


@dataclass(frozen=True)
class _Rules:
    char_map: dict[str, str]  # character -> replacement ("" deletes)
    char_re: re.Pattern[str]  # any character of char_map
    latex_symbols: dict[str, str]
    latex_unwrap: re.Pattern[str]
    latex_frac: re.Pattern[str]
    unit_stems: frozenset[str]
    page_anywhere: tuple[re.Pattern[str], ...]
    page_edge: tuple[re.Pattern[str], ...]
    page_slack: int
    edge_lines: int
    running_min_pages: int
    running_min_share: float
    running_max_chars: int
    running_fold_digits_chars: int
    terminal: frozenset[str]
    sentence_end: frozenset[str]
    closers: str
    min_chars_across_break: int
    label_words: tuple[str, ...]
    wrap_min_lines: int
    wrap_min_share: float
    wrap_max_width: float
    wrap_percentile: float
    wrap_fit: float
    glyph_widths: dict[str, float]


def _load_rules(path: Path = RULES_PATH) -> _Rules:
    """Read and validate schemas/normalize.yaml once; any defect is a ConfigError naming the file."""
    try:
        raw: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
        chars, latex, notes = raw["characters"], raw["latex"], raw["footnotes"]
        debris, joining, wrap = raw["page_debris"], raw["joining"], raw["hard_wrap"]
        char_map: dict[str, str] = {str(k): str(v) for k, v in chars["replace"].items()}
        char_map.update(dict.fromkeys(chars["delete"], ""))
        char_map.update(dict.fromkeys(chars["space"], " "))
        # Control characters other than tab and newline carry nothing a reader sees.
        char_map.update(dict.fromkeys(map(chr, [*range(0x00, 0x09), *range(0x0B, 0x20), 0x7F]), ""))
        unwrap = "|".join(sorted(map(re.escape, latex["unwrap"]), key=len, reverse=True))
        fracs = "|".join(sorted(map(re.escape, latex["fractions"]), key=len, reverse=True))
        return _Rules(
            char_map=char_map,
            char_re=re.compile("[" + "".join(map(re.escape, char_map)) + "]"),
            latex_symbols={str(k): str(v) for k, v in latex["symbols"].items()},
            latex_unwrap=re.compile(rf"\\(?:{unwrap})\s*\{{([^{{}}]*)\}}"),
            latex_frac=re.compile(rf"\\(?:{fracs})\s*\{{([^{{}}]*)\}}\s*\{{([^{{}}]*)\}}"),
            unit_stems=frozenset(notes["unit_stems"]),
            page_anywhere=tuple(re.compile(p) for p in debris["page_number_anywhere"]),
            page_edge=tuple(re.compile(p) for p in debris["page_number_at_edge"]),
            page_slack=int(debris["page_number_slack"]),
            edge_lines=int(debris["edge_lines"]),
            running_min_pages=int(debris["running_min_pages"]),
            running_min_share=float(debris["running_min_share"]),
            running_max_chars=int(debris["running_max_chars"]),
            running_fold_digits_chars=int(debris["running_fold_digits_chars"]),
            terminal=frozenset(joining["terminal"]),
            sentence_end=frozenset(joining["sentence_end"]),
            closers=str(joining["closers"]),
            min_chars_across_break=int(joining["min_chars_across_break"]),
            label_words=tuple(str(w) for w in joining["label_words"]),
            wrap_min_lines=int(wrap["min_lines"]),
            wrap_min_share=float(wrap["min_share"]),
            wrap_max_width=float(wrap["max_width"]),
            wrap_percentile=float(wrap["percentile"]),
            wrap_fit=float(wrap["fit"]),
            glyph_widths={k: float(wrap["glyph_widths"][k]) for k in ("upper", "digit", "space", "punct")},
        )
    except (OSError, yaml.YAMLError, KeyError, TypeError, ValueError, AttributeError, re.error) as e:
        raise ConfigError(f"invalid normalization rules: {type(e).__name__}: {e}", path=str(path)) from e


_RULES = _load_rules()


# --------------------------------------------------------------------------- characters and tone marks

_TONE_MARKS = "\u0300\u0301\u0303\u0309\u0323"  # huyền, sắc, ngã, hỏi, nặng


def _tone_moves() -> dict[str, str]:
    """'oà' -> 'òa' for every case and tone of the open syllables oa, oe, uy."""
    moves: dict[str, str] = {}
    for first, seconds in (("o", "aeAE"), ("O", "aeAE"), ("u", "yY"), ("U", "yY")):
        for second in seconds:
            for tone in _TONE_MARKS:
                toned_second = unicodedata.normalize("NFC", second + tone)
                moves[first + toned_second] = unicodedata.normalize("NFC", first + tone) + second
    return moves


_TONE_MOVES = _tone_moves()
# The pair must end the syllable (an "oàn" keeps its tone on a) and "uy" after q is the vowel y with
# the consonant "qu" (quý keeps its tone on y).
_TONE_RE = re.compile(
    "(?<![qQ])(?:" + "|".join(sorted(_TONE_MOVES, key=len, reverse=True)) + r")(?![\p{L}\p{M}])"
)


def fold_tone(s: str) -> str:
    """Put the tone mark of open oa/oe/uy syllables on the first vowel: hoà->hòa, khoẻ->khỏe, thuỷ->thủy.

    Expects NFC input (normalize_fragment and normalize call it after NFC).
    """
    return _TONE_RE.sub(lambda m: _TONE_MOVES[m[0]], s)


_PUA_BULLET = re.compile(r"(?m)^([ \t]*)[\uE000-\uF8FF](?=[ \t])")
_PUA = re.compile(r"[\uE000-\uF8FF\U000F0000-\U0010FFFD]")


def _clean_chars(s: str) -> str:
    """Line ends, invisible and look-alike characters, NFC and tone placement: no markup touched."""
    s = s.replace("\r\n", "\n").replace("\r", "\n").replace("\v", "\n").replace("\f", "\n")
    if _RULES.char_re.search(s):
        s = _RULES.char_re.sub(lambda m: _RULES.char_map[m[0]], s)
    # Symbol-font bullets come out of PDFs as private-use characters; other private-use characters
    # carry nothing, and our own markers below live in that range.
    s = _PUA_BULLET.sub(r"\1-", s)
    s = _PUA.sub("", s)
    return fold_tone(unicodedata.normalize("NFC", s))


# --------------------------------------------------------------------------- inline markup

# Footnote markers become one private-use character each while lines are rearranged, so their offset
# survives joining; they are removed and recorded when the text is assembled.
_SENTINEL_BASE = 0xF0000
_SENTINEL_RE = re.compile(r"[\U000F0000-\U000FFFFD]")
# Escaped Markdown punctuation is parked in another private-use range so emphasis rules skip it.
_ESCAPE_BASE = 0x100000
_ESCAPE_RE = re.compile(r"\\([!-/:-@\[-`{-~])")
_PARKED_RE = re.compile(r"[\U00100000-\U0010007F]")

_SUPERSCRIPT_DIGITS = "⁰¹²³⁴⁵⁶⁷⁸⁹"
_SUP_TO_ASCII = str.maketrans(_SUPERSCRIPT_DIGITS, "0123456789")
_ASCII_TO_SUP = str.maketrans("0123456789", _SUPERSCRIPT_DIGITS)

_MD_HEADING = re.compile(r"^ {0,3}#{1,6}[ \t]+(.*?)(?:[ \t]+#+)?[ \t]*$")
_MD_RULE = re.compile(r"^ {0,3}(?:(?:-[ \t]*){3,}|(?:\*[ \t]*){3,}|(?:_[ \t]*){3,}|=+)$")
_MD_TABLE_RULE = re.compile(r"^[ \t]*\|?[ \t]*:?-{3,}:?[ \t]*(?:\|[ \t]*:?-{3,}:?[ \t]*)*\|?[ \t]*$")
_LABEL = r"(?:[IVXLC]+|\d+(?:\.\d+)*|[a-zđ])[.)]"
_BOLD_LINE = re.compile(
    rf"^(?:{_LABEL}[ \t]*)?(\*\*|__)(?=\S)(?:(?!\1).)+?(?<=\S)\1[ \t.:;,{_SUPERSCRIPT_DIGITS}]*$"
)
_NOTE_BODY = re.compile(rf"^([{_SUPERSCRIPT_DIGITS}]+)([.)]?)(?:[ \t]+|(?=\p{{Lu}}))(?=\S)(.*)$")
_MD_NOTE_BODY = re.compile(r"^\[\^([^\]\s]+)\]:[ \t]*(.*)$")

_MATH = re.compile(r"(?<![\\$])\$\$(.+?)\$\$|(?<![\\$])\$(?=[^\s$])((?:[^$\\\n]|\\.)+?)(?<=[^\s\\])\$(?!\d)")
_LATEX_DECIMAL = re.compile(r"\{([,.])\}")
_LATEX_SCRIPT = re.compile(r"([\^_])\{([^{}]*)\}")
_LATEX_SPACE = re.compile(r"\\[,;: ]")
_LATEX_CMD = re.compile(r"\\([A-Za-z]+)\s*")
_LATEX_CHAR = re.compile(r"\\([%$&#_{}!|])")

_NOTE_MARKERS = re.compile(
    rf"(?<=\S)[ ]*(?:(?P<sup>[{_SUPERSCRIPT_DIGITS}]+)"
    r"|\[\^(?P<md>[^\]\s]+)\](?!:)"
    r"|<sup>[ ]*(?P<html>\d{1,3})[ ]*</sup>"
    r"|(?<=[^\s\d^])\^(?P<caret>\d{1,3})\^?(?!\d))"
)
_MARKER_HINT = re.compile(rf"[{_SUPERSCRIPT_DIGITS}^]|<sup>")
_UNIT_BEFORE = re.compile(r"(?:^|[^\p{L}])(\p{L}{1,2})$")

_LINK = re.compile(r"!?\[([^\]\n]*)\]\((?:[^()\s]|\([^()\s]*\))*(?:[ \t]+\"[^\"]*\")?\)")
_SPAN_ATTR = re.compile(r"\[([^\]\n]*)\]\{[.#][\w-]+\}")
_AUTOLINK = re.compile(r"<((?:https?|ftp|mailto):[^>\s]+|[\w.+-]+@[\w-]+\.[\w.-]+)>")
_HTML_BREAK = re.compile(r"<br[ \t]*/?>", re.IGNORECASE)
_HTML_TAG = re.compile(
    r"</?(?:b|i|u|s|em|strong|span|sup|sub|p|div|font|mark|small)\b[^>\n]*>", re.IGNORECASE
)
_BOLD = re.compile(r"(\*\*|(?<![\w_])__)(?=\S)((?:(?!\1).)+?)(?<=\S)\1")
_STRAY_BOLD = re.compile(r"\*\*+|(?<![\w_])__+|__+(?![\w_])")
_ITALIC_STAR = re.compile(r"(?<![\w*])\*(?=[^\s*])([^*\n]+?)(?<=[^\s*])\*(?![\w*])")
_ITALIC_UNDERSCORE = re.compile(r"(?<![\w_])_(?=[^\s_])([^_\n]+?)(?<=[^\s_])_(?![\w_])")
_HARD_BREAK = re.compile(r"\\$")
_SPACES = re.compile(r" {2,}")
_SPACE_TAB = re.compile(r" *\t *")
_FRAGMENT_EDGE_EMPHASIS = re.compile(r"^[*_]+(?=\w)|(?<=[\w.%)])[*_]+$")


def _latex_to_text(expr: str) -> str:
    """Inline LaTeX to what it reads as: \\frac{a}{b} -> a/b, \\times -> ×, \\text{x} -> x, \\% -> %."""
    s = _LATEX_DECIMAL.sub(r"\1", expr)
    for _ in range(8):  # innermost first; nesting deeper than this is not report arithmetic
        t = _RULES.latex_unwrap.sub(r"\1", s)
        t = _RULES.latex_frac.sub(lambda m: f"{_operand(m[1])}/{_operand(m[2])}", t)
        t = _LATEX_SCRIPT.sub(r"\1\2", t)
        if t == s:
            break
        s = t
    s = _LATEX_SPACE.sub(" ", s)
    s = _LATEX_CHAR.sub(r"\1", s)
    s = _LATEX_CMD.sub(lambda m: _latex_symbol(m[1]), s)
    s = s.replace("{", "").replace("}", "")
    return _SPACES.sub(" ", s).strip()


def _latex_symbol(name: str) -> str:
    sym = _RULES.latex_symbols.get(name)
    if sym is None:
        return name
    return f" {sym} " if sym and not sym.isspace() and sym not in "%." else sym


def _operand(s: str) -> str:
    s = s.strip()
    return f"({s})" if re.search(r"[\s+\-×÷]", s) else s


def _park(s: str) -> str:
    """Hide characters from the emphasis rules (restored by `_unpark`)."""
    return s.translate({ord(c): chr(_ESCAPE_BASE + ord(c)) for c in "*_\\[]()<>`#^"})


def _unpark(s: str) -> str:
    return _PARKED_RE.sub(lambda m: chr(ord(m[0]) - _ESCAPE_BASE), s)


NoteSink = Callable[[str], str]


def _replace_markers(s: str, sink: NoteSink | None) -> str:
    """Cut footnote markers out of the running text; `sink` turns each into a placeholder to locate."""

    def one(m: re.Match[str]) -> str:
        if m["sup"]:
            if set(m["sup"]) <= {"²", "³"}:
                unit = _UNIT_BEFORE.search(s, 0, m.start())
                if unit and unit[1] in _RULES.unit_stems and m.start() == unit.end():
                    return m[0]  # m², km³: an exponent
            number = m["sup"].translate(_SUP_TO_ASCII)
        else:
            number = m["md"] or m["html"] or m["caret"]
        return sink(number) if sink else ""

    return _NOTE_MARKERS.sub(one, s) if _MARKER_HINT.search(s) else s


def _strip_markup(s: str, sink: NoteSink | None) -> str:
    """Inline Markdown/LaTeX/HTML of one line to plain text; footnote markers go to `sink`."""
    if "$" in s:
        s = _MATH.sub(lambda m: _park(_latex_to_text(m[1] if m[1] is not None else m[2])), s)
    if "\\" in s:
        s = _HARD_BREAK.sub("", s)
        s = _ESCAPE_RE.sub(lambda m: chr(_ESCAPE_BASE + ord(m[1])), s)
    s = _replace_markers(s, sink)
    if "[" in s or "<" in s:
        s = _SPAN_ATTR.sub(r"\1", s)
        s = _LINK.sub(r"\1", s)
        s = _AUTOLINK.sub(r"\1", s)
        s = _HTML_BREAK.sub(" ", s)
        s = _HTML_TAG.sub("", s)
    if "*" in s or "_" in s:
        s = _BOLD.sub(r"\2", s)
        s = _STRAY_BOLD.sub("", s)
        s = _ITALIC_STAR.sub(r"\1", s)
        s = _ITALIC_UNDERSCORE.sub(r"\1", s)
    if not s.isascii():
        s = _unpark(s)
    return s


def _tidy_spaces(s: str) -> str:
    if "  " in s:
        s = _SPACES.sub(" ", s)
    if "\t" in s:
        s = _SPACE_TAB.sub("\t", s)
    return s.strip(" ")


# --------------------------------------------------------------------------- lines

_BULLETS = "-+*•●○◦▪■□◆◇➢➤►✓–—"
_LABEL_START = re.compile(
    rf"^(?:[{re.escape(_BULLETS)}]"
    r"|\(?(?:[a-zđ]|[ivx]{1,4}|\d{1,2})\)"
    r"|(?:[a-zđ]|[IVXLC]{1,6}|\d{1,2}(?:\.\d{1,2})*)\.(?:\s|$)"
    r"|\d{1,2}(?:\.\d{1,2})+(?:\s|$)"
    rf"|(?:{'|'.join(map(re.escape, _RULES.label_words))})\s+[\dIVXLC]"
    r")"
)
_SETEXT = re.compile(r"^ {0,3}(?:={2,}|-{3,})[ \t]*$")
_BLOCKQUOTE = re.compile(r"^(?:>[ \t]?)+(?=[^\s\d=])")

# Gaps between two source lines, weakest first: none, a page break, a blank line.
_NO_GAP, _PAGE_GAP, _BLANK_GAP = 0, 1, 2


@dataclass(slots=True)
class _Line:
    """One source line after inline cleanup. kind: text | table | note."""

    text: str
    page: int  # 0-based page index
    kind: str = "text"
    bold: bool = False  # entirely bold in the source, or a Markdown heading
    label: bool = False  # starts with a bullet or a list/heading label


@dataclass(slots=True)
class _Para:
    """One output line: source lines joined where a sentence was wrapped."""

    text: str
    page: int
    kind: str
    bold: bool
    last: str  # the last source line joined in (the wrap decision looks at it)
    breaks: list[tuple[int, int]] = field(default_factory=list)  # (offset in text, page) where a page begins

    @classmethod
    def of(cls, line: _Line, kind: str | None = None) -> _Para:
        return cls(text=line.text, page=line.page, kind=kind or line.kind, bold=line.bold,
                   last=line.text)


def _balance_bold(lines: list[str]) -> list[str]:
    """Bold that spans lines ("**TM. ỦY BAN\\nCHỦ TỊCH**") is closed and reopened at each line end."""
    out = list(lines)
    i = 0
    while i < len(out):
        if out[i].count("**") % 2 == 1:
            j = i + 1
            while j < len(out) and j <= i + 5 and out[j].strip() and out[j].count("**") == 0:
                j += 1
            if j < len(out) and j <= i + 5 and out[j].strip() and out[j].count("**") % 2 == 1:
                out[i] = out[i].rstrip() + "**"
                for k in range(i + 1, j):
                    out[k] = "**" + out[k].strip() + "**"
                out[j] = "**" + out[j].lstrip()
                i = j + 1
                continue
        i += 1
    return out


def _make_line(raw: str, page: int, sink: NoteSink | None) -> _Line | None:
    """Inline cleanup of one source line; None for a blank line or pure markup (rules, table rules)."""
    if not raw.strip() or _MD_RULE.match(raw) or ("|" in raw and _MD_TABLE_RULE.match(raw)):
        return None
    s = raw.strip(" ")
    bold = False
    heading = _MD_HEADING.match(s)
    if heading:
        s, bold = heading[1], True
    elif s.startswith(">"):
        s = _BLOCKQUOTE.sub("", s)
    if not bold and ("**" in s or "__" in s):
        bold = bool(_BOLD_LINE.match(s.strip()))
    kind = "text"
    note = _NOTE_BODY.match(s) or _MD_NOTE_BODY.match(s)
    if note:
        kind = "note"
        if note.re is _MD_NOTE_BODY:
            label, s = note[1].translate(_ASCII_TO_SUP), note[2]
        else:
            label, s = note[1] + note[2], note[3]
        s = label + " " + _strip_markup(s, sink)
    else:
        s = _strip_markup(s, sink)
    s = _tidy_spaces(s)
    if not s.strip():
        return None
    if kind == "text" and ("\t" in s or s.startswith("|")):
        kind = "table"
    return _Line(text=s, page=page, kind=kind, bold=bold, label=bool(_LABEL_START.match(s)))


def _page_lines(text: str, page: int, sink: NoteSink | None) -> list[_Line | None]:
    """One page's source lines, cleaned; None stands for a blank line."""
    out: list[_Line | None] = []
    for raw in _balance_bold(_clean_chars(text).split("\n")):
        if _SETEXT.match(raw):
            prev = out[-1] if out else None
            if prev is not None and prev.kind == "text" and not prev.label:
                prev.bold = True  # "Heading\n=====": a setext heading
            out.append(None)
            continue
        out.append(_make_line(raw, page, sink))
    return out


# --------------------------------------------------------------------------- page-break debris


def _plain(s: str) -> str:
    return s if s.isascii() else _SENTINEL_RE.sub("", s)


def _edge_indices(lines: list[_Line | None], n: int) -> list[int]:
    filled = [i for i, ln in enumerate(lines) if ln is not None]
    return sorted(set(filled[:n] + filled[-n:]))


def _is_page_number(s: str, n_pages: int, at_edge: bool) -> bool:
    if any(p.fullmatch(s) for p in _RULES.page_anywhere):
        return True
    if not at_edge or n_pages < 2:
        return False
    limit = n_pages + _RULES.page_slack
    for p in _RULES.page_edge:
        m = p.fullmatch(s)
        if m:
            n = int(m["n"])
            of = int(m.groupdict().get("of") or n)
            if 1 <= n <= of <= limit:
                return True
    return False


_DIGITS = re.compile(r"\d+")


def _running_key(s: str) -> str:
    """Running lines compare case- and space-insensitively; short ones ("Trang 3") also ignore digits,
    longer ones must repeat exactly (body lines that differ only in their figures are not headers)."""
    s = " ".join(_plain(s).casefold().split())
    folded = _DIGITS.sub("#", s)
    return folded if len(folded) - folded.count("#") <= _RULES.running_fold_digits_chars else s


def _drop_page_debris(pages: list[list[_Line | None]]) -> None:
    """Remove running headers/footers and page numbers (in place), looking only at page edges."""
    n_pages = len(pages)
    edges = [_edge_indices(lines, _RULES.edge_lines) for lines in pages]
    running: set[str] = set()
    if n_pages >= _RULES.running_min_pages:
        seen: Counter[str] = Counter()
        for lines, idx in zip(pages, edges, strict=True):
            seen.update({
                _running_key(ln.text) for ln in (lines[i] for i in idx)
                if ln is not None and ln.kind == "text" and len(ln.text) <= _RULES.running_max_chars
            })
        need = max(_RULES.running_min_pages, math.ceil(_RULES.running_min_share * n_pages))
        running = {k for k, c in seen.items() if c >= need}
    for lines, idx in zip(pages, edges, strict=True):
        edge = set(idx)
        for i, ln in enumerate(lines):
            if ln is None or ln.kind == "table":
                continue
            plain = _plain(ln.text)
            if _is_page_number(plain, n_pages, i in edge) or (i in edge and _running_key(plain) in running):
                lines[i] = None


# --------------------------------------------------------------------------- joining wrapped lines

_Item = _Line | int | None  # a line, a page break (the new page's index), a blank line


def _first_char(s: str) -> str:
    for ch in s:
        if not _SENTINEL_RE.match(ch):
            return ch
    return ""


def _glued_hyphen(s: str) -> bool:
    return s.endswith(("-", "‐")) and len(s) > 1 and not s[-2].isspace()


def _is_upper_line(s: str) -> bool:
    letters = [c for c in s if c.isalpha()]
    return len(letters) >= 2 and all(c.isupper() for c in letters)


_UPPER = re.compile(r"\p{Lu}")
_DIGIT = re.compile(r"\d")
_PUNCT = re.compile(r"[\p{P}\p{S}]")


def _width(s: str) -> float:
    """Printed width of a line in lower-case letter widths (serif fonts: capitals are wider, spaces
    and punctuation narrower), so that a line of capitals and a line of prose compare."""
    w = _RULES.glyph_widths
    return (len(s) + w["upper"] * len(_UPPER.findall(s)) + w["digit"] * len(_DIGIT.findall(s))
            + w["space"] * s.count(" ") + w["punct"] * len(_PUNCT.findall(s)))


PRINTED_SOURCES = ("text_layer", "ocr")  # Page.source values whose lines are the printed lines


def _line_capacity(pages: list[list[_Line | None]], *, printed: bool = False) -> float:
    """Width of a full printed line when the source is hard-wrapped (PDF text layer, OCR), else 0.

    Hard-wrapped means most text lines run straight into another text line; Markdown and DOCX put a
    paragraph on one line between blank lines, and there only the lower-case rule joins lines.
    `printed` pages (a text layer or OCR) are hard-wrapped whatever that share: Tesseract puts a blank
    line between paragraphs, so on a page of short paragraphs few lines run on, yet each is a printed line.
    """
    texts: list[str] = []
    runs_on = 0
    for lines in pages:
        for ln, nxt in zip(lines, [*lines[1:], None], strict=True):
            if ln is not None and ln.kind == "text" and not ln.bold:
                texts.append(ln.text)
                runs_on += nxt is not None and nxt.kind == "text"
    if len(texts) < _RULES.wrap_min_lines or (not printed and runs_on < _RULES.wrap_min_share * len(texts)):
        return 0.0
    widths = sorted(map(_width, texts))
    full = widths[int(_RULES.wrap_percentile * (len(widths) - 1))]
    return full if full <= _RULES.wrap_max_width else 0.0


def _continues(prev: _Para, line: _Line, gap: int, capacity: float) -> bool:
    """Is `line` the rest of the sentence that `prev` left open (a wrapped line)?"""
    if prev.kind != "text" or line.kind != "text" or prev.bold or line.bold or line.label:
        return False
    text = _plain(prev.text)
    tail = text.rstrip(_RULES.closers + " ")
    first = _first_char(line.text)
    if not tail or not first:
        return False
    if gap == _BLANK_GAP and len(prev.last) < _RULES.min_chars_across_break:
        return False
    if _glued_hyphen(text):  # CNTT-/VT, 2021-/2025: one token broken at its hyphen
        return gap != _BLANK_GAP or first.islower()
    if text[-1] in "-‐–—":  # "kinh tế -/xã hội"
        return first.islower() or first.isdigit()
    if first.islower():
        return tail[-1] not in _RULES.sentence_end
    # A hard-wrapped layout also breaks before capitals and digits: a full line runs on unless it
    # closes a sentence (a colon or semicolon at the end of a full line does not close it).
    if gap == _BLANK_GAP or not capacity:
        return False
    if _is_upper_line(line.text) and not _is_upper_line(prev.last):
        return False  # a heading in capitals after prose
    # How full the line would be with the next line's first word: a wrapped line had no room left.
    fit = (_width(prev.last) + _width(" " + _plain(line.text).split(" ", 1)[0])) / capacity
    return tail[-1] not in _RULES.sentence_end and fit >= _RULES.wrap_fit


def _glue(left: str, right: str) -> str:
    """A hyphen glued to a word joins without a space (CNTT-VT); anything else joins with one space."""
    return left + right if _glued_hyphen(left) else left + " " + right


def _lift_notes(stream: list[_Item]) -> list[_Item | list[_Line]]:
    """Group each footnote body with its wrapped continuation lines into one item."""
    out: list[_Item | list[_Line]] = []
    i, n = 0, len(stream)
    while i < n:
        item = stream[i]
        i += 1
        if not (isinstance(item, _Line) and item.kind == "note"):
            out.append(item)
            continue
        group = [item]
        while i < n:
            nxt = stream[i]
            if not isinstance(nxt, _Line) or nxt.kind != "text" or nxt.label or nxt.bold:
                break
            if not (_first_char(nxt.text).islower() or _runs_to_page_end(stream, i)):
                break
            group.append(nxt)
            i += 1
        out.append(group)
    return out


def _runs_to_page_end(stream: list[_Item], i: int) -> bool:
    """True when lines from i on run without a blank line to a page break (a bottom-of-page note)."""
    for item in stream[i:]:
        if isinstance(item, int):
            return True
        if item is None:
            return False
    return False


def _join(pages: list[list[_Line | None]], *, move_notes: bool, capacity: float = 0.0) -> list[_Para]:
    """Merge wrapped lines into output lines; footnote bodies that cut a paragraph go after it."""
    stream: list[_Item] = []
    for k, lines in enumerate(pages):
        if k:
            stream.append(k)
        stream.extend(lines)
    paras: list[_Para] = []
    waiting: list[_Para] = []
    cur: _Para | None = None
    gap = _NO_GAP
    for item in _lift_notes(stream):
        if item is None:
            gap = _BLANK_GAP
            continue
        if isinstance(item, int):
            gap = max(gap, _PAGE_GAP)
            continue
        if isinstance(item, list):
            note = _Para.of(item[0], kind="note")
            for ln in item[1:]:
                note.text = _glue(note.text, ln.text)
            if move_notes:  # set aside until the paragraph it interrupted is complete
                waiting.append(note)
                gap = max(gap, _PAGE_GAP)
                continue
            item = _Line(text=note.text, page=note.page, kind="note")
        if cur is not None and _continues(cur, item, gap, capacity):
            cur.text = _glue(cur.text, item.text)
            if item.page != cur.page and all(p != item.page for _, p in cur.breaks):
                cur.breaks.append((len(cur.text) - len(item.text), item.page))
            cur.last = item.text
        else:
            if cur is not None:
                paras.append(cur)
            paras.extend(waiting)
            waiting = []
            cur = _Para.of(item)
        gap = _NO_GAP
    if cur is not None:
        paras.append(cur)
    paras.extend(waiting)
    return paras


# --------------------------------------------------------------------------- assembly


def _assemble(paras: list[_Para], n_pages: int, notes: list[str]) -> NormText:
    """Concatenate output lines, take the footnote placeholders out and record every offset."""
    parts: list[str] = []
    pos = 0
    refs: list[FootnoteRef] = []
    asides: list[tuple[int, int]] = []
    bold: list[tuple[int, int]] = []
    page_marks: list[tuple[int, int]] = []
    for para in paras:
        if parts:
            parts.append("\n")
            pos += 1
        text, breaks = para.text, para.breaks
        if not text.isascii() and _SENTINEL_RE.search(text):
            text, breaks = _take_markers(text, breaks, pos, notes, refs)
        page_marks.append((pos, para.page))
        page_marks.extend((pos + off, pg) for off, pg in breaks)
        end = pos + len(text)
        if para.kind == "note":
            asides.append((pos, end))
        if para.bold:
            bold.append((pos, end))
        parts.append(text)
        pos = end
    full = "".join(parts)
    starts = [len(full)] * (n_pages + 1)
    for off, pg in page_marks:
        starts[pg] = min(starts[pg], off)
    for k in range(n_pages - 1, -1, -1):
        starts[k] = min(starts[k], starts[k + 1])
    starts[0] = 0
    return NormText(text=full, page_starts=tuple(starts[:n_pages]), footnotes=tuple(refs),
                    asides=tuple(asides), bold_lines=tuple(bold))


def _take_markers(
    text: str, breaks: list[tuple[int, int]], pos: int, notes: list[str], refs: list[FootnoteRef]
) -> tuple[str, list[tuple[int, int]]]:
    """Remove footnote placeholders from one output line, recording where each stood."""
    found = [m.start() for m in _SENTINEL_RE.finditer(text)]
    for k, at in enumerate(found):
        where = pos + at - k
        number = notes[ord(text[at]) - _SENTINEL_BASE]
        refs.append(FootnoteRef(char_start=where, char_end=where, number=number))
    shifted = [(off - sum(1 for at in found if at < off), pg) for off, pg in breaks]
    return _SENTINEL_RE.sub("", text), shifted


def normalize(loaded: Loaded) -> NormText:
    """The normalized text of a document: one output line per paragraph, pages joined by a newline."""
    notes: list[str] = []

    def sink(number: str) -> str:
        notes.append(number)
        return chr(_SENTINEL_BASE + len(notes) - 1)

    pages = [_page_lines(p.text, k, sink) for k, p in enumerate(loaded.pages)]
    _drop_page_debris(pages)
    printed = bool(loaded.pages) and all(p.source in PRINTED_SOURCES for p in loaded.pages)
    paras = _join(pages, move_notes=True, capacity=_line_capacity(pages, printed=printed))
    norm = _assemble(paras, max(1, len(pages)), notes)
    ocr_pages = tuple(k + 1 for k, p in enumerate(loaded.pages) if p.source == "ocr")
    if not ocr_pages:
        return norm
    return mark_ocr_tokens(replace(norm, ocr_pages=ocr_pages), loaded)


def normalize_fragment(s: str) -> str:
    """The inline rules of `normalize` applied to a short string (a quote copied from the source file).

    Same characters, tone placement, markup and marker removal, spacing and joining of wrapped lines;
    no page debris and no moving of footnotes. Emphasis cut open by the fragment's ends is dropped too.
    """
    paras = _join([_page_lines(s, 0, None)], move_notes=False)
    return _FRAGMENT_EDGE_EMPHASIS.sub("", "\n".join(p.text for p in paras))
