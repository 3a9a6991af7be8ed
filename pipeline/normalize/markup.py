"""Characters and inline markup of one source line: look-alike characters, NFC, tone placement,
Markdown/LaTeX/HTML to what a reader sees, footnote markers cut out into placeholders.

Why apart from line handling: these rules look at one line at a time and never at its neighbours, so
`normalize_fragment` applies them to a quote exactly as `normalize` does to a whole document.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable

import regex as re

from pipeline.normalize.rules import RULES as _RULES
from pipeline.vietnamese import place_tones

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
    return place_tones(unicodedata.normalize("NFC", s))


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

