"""The vocabulary of document headers (schemas/metadata.yaml), validated once into `MetaRules`.

Why typed: kinds, agency heads, signature markers and family names are edited by hand; a wrong type,
an unknown key or a pattern that does not compile stops the run with one `FILE: KEY: message`.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Literal

import regex

from pipeline.config import Strict, config_error, load_model, schema_path
from pipeline.vietnamese import tone_key

SCHEMA_FILE = "metadata.yaml"


class _DocType(Strict):
    name: str
    codes: tuple[str, ...] = ()


class _Head(Strict):
    long: str
    short: str
    unit: Literal["required", "optional"]


class _File(Strict):
    doc_types: list[_DocType]
    untyped_number_kind: str
    agency_heads: list[_Head]
    agency_stopwords: list[str]
    field_max_lower_run: int
    report_verb: str
    opening_verbs: list[str]
    report_verb_adverbs: list[str]
    closing_markers: list[str]
    closing_reference_patterns: list[str]
    motto_patterns: list[str]
    stamp_markers: list[str]
    stamp_line_prefixes: list[str]
    stamp_window_lines: int
    title_stop_prefixes: list[str]
    title_max_lines: int
    title_max_chars: int
    header_max_lines: int
    header_block_lines: int
    type_line_within: int
    header_max_chars: int
    tail_max_lines: int
    signature_markers: list[str]
    signature_ignore: list[str]
    non_name_words: list[str]
    surnames: list[str]
    national_scope_words: list[str] | None = None


@dataclass(frozen=True, slots=True)
class AgencyHead:
    long: str
    short: str
    unit_required: bool
    n_words: int
    key: str  # tone_key(long)


@dataclass(frozen=True, slots=True)
class MetaRules:
    doc_types: tuple[str, ...]  # longest first
    kind_by_code: dict[str, str]  # casefolded number code -> kind
    untyped_number_kind: str
    heads: tuple[AgencyHead, ...]  # longest first
    stopwords: frozenset[str]
    field_max_lower_run: int
    report_verb: str
    opening_verbs: tuple[str, ...]
    verb_adverbs: tuple[str, ...]
    closing_markers: tuple[str, ...]
    closing_refs: tuple[regex.Pattern[str], ...]
    motto: tuple[regex.Pattern[str], ...]
    stamp_markers: frozenset[str]
    stamp_prefixes: tuple[str, ...]
    stamp_window: int
    title_stops: tuple[str, ...]
    title_max_lines: int
    title_max_chars: int
    header_max_lines: int
    header_max_chars: int
    header_block_lines: int
    type_line_within: int
    tail_max_lines: int
    signature_re: regex.Pattern[str]
    signature_any_re: regex.Pattern[str]
    signature_ignore: tuple[regex.Pattern[str], ...]
    non_name_words: frozenset[str]
    surnames: frozenset[str]
    national_re: regex.Pattern[str] | None = None  # "cả nước", "toàn quốc": a text about the whole country


@lru_cache(maxsize=4)
def load_rules(path: str | Path = SCHEMA_FILE) -> MetaRules:
    """schemas/metadata.yaml (or the file `path`) as `MetaRules`; a bad file is a ConfigError (exit 2)."""
    where = schema_path(path)
    d = load_model(where, _File)

    def compile_all(patterns: list[str], key: str, flags: int = 0) -> tuple[regex.Pattern[str], ...]:
        out = []
        for k, p in enumerate(patterns):
            try:
                out.append(regex.compile(p, flags))
            except regex.error as e:
                raise config_error(where, f"{key}.{k}", f"bad pattern: {e}") from e
        return tuple(out)

    heads = [AgencyHead(h.long, h.short, h.unit == "required", len(h.long.split()), tone_key(h.long))
             for h in d.agency_heads]
    markers = "|".join(d.signature_markers)
    signature_re, signature_any_re = compile_all([rf"^(?:{markers})", rf"(?<!\S)(?:{markers})"],
                                                 "signature_markers")
    return MetaRules(
        doc_types=tuple(sorted((k.name for k in d.doc_types), key=len, reverse=True)),
        kind_by_code={c.casefold(): k.name for k in d.doc_types for c in k.codes},
        untyped_number_kind=d.untyped_number_kind,
        heads=tuple(sorted(heads, key=lambda h: h.n_words, reverse=True)),
        stopwords=frozenset(tone_key(w) for w in d.agency_stopwords),
        field_max_lower_run=d.field_max_lower_run,
        report_verb=d.report_verb,
        opening_verbs=tuple(d.opening_verbs),
        verb_adverbs=tuple(sorted(d.report_verb_adverbs, key=len, reverse=True)),
        closing_markers=tuple(d.closing_markers),
        closing_refs=compile_all(d.closing_reference_patterns, "closing_reference_patterns"),
        motto=compile_all(d.motto_patterns, "motto_patterns", regex.IGNORECASE),
        stamp_markers=frozenset(tone_key(m) for m in d.stamp_markers),
        stamp_prefixes=tuple(p.casefold() for p in d.stamp_line_prefixes),
        stamp_window=d.stamp_window_lines,
        title_stops=tuple(d.title_stop_prefixes),
        title_max_lines=d.title_max_lines,
        title_max_chars=d.title_max_chars,
        header_max_lines=d.header_max_lines,
        header_max_chars=d.header_max_chars,
        header_block_lines=d.header_block_lines,
        type_line_within=d.type_line_within,
        tail_max_lines=d.tail_max_lines,
        signature_re=signature_re,
        signature_any_re=signature_any_re,
        signature_ignore=compile_all(d.signature_ignore, "signature_ignore"),
        non_name_words=frozenset(tone_key(w) for w in d.non_name_words),
        surnames=frozenset(tone_key(w) for w in d.surnames),
        national_re=regex.compile(r"(?<![\p{L}\p{M}])(?:" + "|".join(regex.escape(w) for w in d.national_scope_words)
                                  + r")(?![\p{L}\p{M}])", regex.IGNORECASE) if d.national_scope_words else None,
    )
