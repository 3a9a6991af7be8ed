"""The header reader's vocabulary, read once from schemas/header.yaml and schemas/metadata.yaml.

Why a separate model: the reader needs the document kinds and agency heads that the older metadata
code also reads (metadata.yaml), plus its own rules (header.yaml: layout furniture, publication
labels, attribution phrases). Keeping all of it in one typed, frozen object lets every function of
the reader stay pure.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import regex
from pydantic import BaseModel

from extractors.gazetteer import tone_key
from pipeline.config import Strict, config_error, load_model, load_yaml, schema_path

SCHEMA = "header.yaml"
VOCABULARY = "metadata.yaml"


class SiteLabels(Strict):
    doc_number: list[str]
    doc_type: list[str]
    issuer: list[str]
    signer: list[str]
    issued_date: list[str]


class HeaderSection(Strict):
    scan_lines: int
    page_scan_lines: int
    motto_keys: list[str]
    publication_labels: list[str]
    date_line_max_words: int
    furniture_patterns: list[str]
    headline_min_words: int
    headline_max_words: int
    headline_period_max_words: int
    lead_pattern: str
    attribution_patterns: list[str]
    lead_chars: int
    lead_subject_patterns: list[str]
    province_aliases: dict[str, str]
    generic_after_head: list[str]
    agency_stops: list[str]
    extra_heads: list[str]
    short_forms: dict[str, str]
    central_heads: list[str]
    site_labels: SiteLabels


class _Kind(BaseModel):
    name: str
    codes: list[str] = []


class _Head(BaseModel):
    long: str
    short: str
    unit: str


@dataclass(frozen=True, slots=True)
class HeaderRules:
    sec: HeaderSection
    kinds: tuple[str, ...]  # longest first
    kind_by_code: tuple[tuple[str, str], ...]  # (code, kind), longest code first
    untyped_kind: str
    heads: tuple[tuple[str, str, bool], ...]  # (long, short, unit required), longest first
    furniture: tuple[regex.Pattern[str], ...]
    lead: regex.Pattern[str]
    attributions: tuple[regex.Pattern[str], ...]
    lead_subjects: tuple[regex.Pattern[str], ...]
    surnames: frozenset[str]  # first syllables of person names (metadata.yaml surnames)
    stamp_markers: frozenset[str]  # tone keys of an incoming-document stamp's marker lines ("ĐẾN")


@lru_cache(maxsize=2)
def header_rules() -> HeaderRules:
    """The header vocabulary; a pattern that does not compile is a ConfigError naming its key."""
    sec = load_model(SCHEMA, HeaderSection)
    raw = load_yaml(VOCABULARY)
    kinds = [_Kind.model_validate(k) for k in raw["doc_types"]]
    heads = [_Head.model_validate(h) for h in raw["agency_heads"]]
    all_heads = [(h.long, h.short, h.unit == "required") for h in heads]
    all_heads += [(h, sec.short_forms.get(h, h), False) for h in sec.extra_heads]
    head_alt = "|".join(regex.escape(h[0]) for h in sorted(all_heads, key=lambda h: -len(h[0])))
    # An agency's name: a head, then words, a comma only before a capitalised word ("Sở Giáo dục,
    # Khoa học và Công nghệ"); trimmed at the first stop by the reader.
    agency = rf"(?P<agency>(?:{head_alt})(?:(?:,)?[ \t]+[^\s,;:()]+){{0,14}})"
    try:
        furniture = tuple(regex.compile(p) for p in sec.furniture_patterns)
        lead = regex.compile(sec.lead_pattern)
        attributions = tuple(regex.compile(p.replace("AGENCY", agency)) for p in sec.attribution_patterns)
        lead_subjects = tuple(regex.compile(p.replace("AGENCY", agency)) for p in sec.lead_subject_patterns)
    except regex.error as e:
        raise config_error(schema_path(SCHEMA), "patterns", f"bad pattern: {e}") from e
    return HeaderRules(
        sec=sec,
        kinds=tuple(sorted((k.name for k in kinds), key=len, reverse=True)),
        kind_by_code=tuple(sorted(((c, k.name) for k in kinds for c in k.codes), key=lambda x: -len(x[0]))),
        untyped_kind=str(raw["untyped_number_kind"]),
        heads=tuple(sorted(all_heads, key=lambda h: -len(h[0]))),
        furniture=furniture,
        lead=lead,
        attributions=attributions,
        lead_subjects=lead_subjects,
        surnames=frozenset(str(x) for x in raw["surnames"]),
        stamp_markers=frozenset(tone_key(str(m)) for m in raw["stamp_markers"]),
    )
