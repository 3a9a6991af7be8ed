"""The data of normalization (schemas/normalize.yaml), validated once at import into `RULES`.

Why typed: every later rule reads these values on every line, so a wrong type or a pattern that does
not compile must stop the run at start-up with one `FILE: KEY: message`, not fail mid-document.
"""

from __future__ import annotations

from dataclasses import dataclass

import regex as re

from pipeline.config import Strict, config_error, load_model, schema_path

RULES_FILE = "normalize.yaml"


class _Characters(Strict):
    replace: dict[str, str]
    delete: str
    space: str


class _Latex(Strict):
    symbols: dict[str, str]
    unwrap: list[str]
    fractions: list[str]


class _Footnotes(Strict):
    unit_stems: list[str]


class _PageDebris(Strict):
    page_number_anywhere: list[str]
    page_number_at_edge: list[str]
    page_number_slack: int
    edge_lines: int
    running_min_pages: int
    running_min_share: float
    running_max_chars: int
    running_fold_digits_chars: int


class _Joining(Strict):
    terminal: str
    sentence_end: str
    closers: str
    min_chars_across_break: int
    label_words: list[str]


class _GlyphWidths(Strict):
    upper: float
    digit: float
    space: float
    punct: float


class _HardWrap(Strict):
    min_lines: int
    min_share: float
    percentile: float
    max_width: float
    fit: float
    glyph_widths: _GlyphWidths


class _File(Strict):
    version: int
    characters: _Characters
    latex: _Latex
    footnotes: _Footnotes
    page_debris: _PageDebris
    joining: _Joining
    hard_wrap: _HardWrap


@dataclass(frozen=True)
class Rules:
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


def _compile(patterns: list[str], key: str) -> tuple[re.Pattern[str], ...]:
    out = []
    for k, p in enumerate(patterns):
        try:
            out.append(re.compile(p))
        except re.error as e:
            raise config_error(schema_path(RULES_FILE), f"{key}.{k}", f"bad pattern: {e}") from e
    return tuple(out)


def load_rules(name: str = RULES_FILE) -> Rules:
    """schemas/normalize.yaml (or the file `name`) as `Rules`; any defect is a ConfigError naming it."""
    f = load_model(name, _File)
    chars, latex, debris, joining, wrap = f.characters, f.latex, f.page_debris, f.joining, f.hard_wrap
    char_map: dict[str, str] = dict(chars.replace)
    char_map.update(dict.fromkeys(chars.delete, ""))
    char_map.update(dict.fromkeys(chars.space, " "))
    # Control characters other than tab and newline carry nothing a reader sees.
    char_map.update(dict.fromkeys(map(chr, [*range(0x00, 0x09), *range(0x0B, 0x20), 0x7F]), ""))
    unwrap = "|".join(sorted(map(re.escape, latex.unwrap), key=len, reverse=True))
    fracs = "|".join(sorted(map(re.escape, latex.fractions), key=len, reverse=True))
    g = wrap.glyph_widths
    return Rules(
        char_map=char_map,
        char_re=re.compile("[" + "".join(map(re.escape, char_map)) + "]"),
        latex_symbols=dict(latex.symbols),
        latex_unwrap=re.compile(rf"\\(?:{unwrap})\s*\{{([^{{}}]*)\}}"),
        latex_frac=re.compile(rf"\\(?:{fracs})\s*\{{([^{{}}]*)\}}\s*\{{([^{{}}]*)\}}"),
        unit_stems=frozenset(f.footnotes.unit_stems),
        page_anywhere=_compile(debris.page_number_anywhere, "page_debris.page_number_anywhere"),
        page_edge=_compile(debris.page_number_at_edge, "page_debris.page_number_at_edge"),
        page_slack=debris.page_number_slack,
        edge_lines=debris.edge_lines,
        running_min_pages=debris.running_min_pages,
        running_min_share=debris.running_min_share,
        running_max_chars=debris.running_max_chars,
        running_fold_digits_chars=debris.running_fold_digits_chars,
        terminal=frozenset(joining.terminal),
        sentence_end=frozenset(joining.sentence_end),
        closers=joining.closers,
        min_chars_across_break=joining.min_chars_across_break,
        label_words=tuple(joining.label_words),
        wrap_min_lines=wrap.min_lines,
        wrap_min_share=wrap.min_share,
        wrap_max_width=wrap.max_width,
        wrap_percentile=wrap.percentile,
        wrap_fit=wrap.fit,
        glyph_widths={"upper": g.upper, "digit": g.digit, "space": g.space, "punct": g.punct},
    )


RULES = load_rules()
