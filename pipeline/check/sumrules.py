"""The data of the sum finders (schemas/sums.yaml) as one typed object: accounting identities between
metrics, compound parts, levels of administration, stage verbs and list openers.

Why a file of its own: which totals split into which parts is knowledge about reports, not code; a
new identity or phrasing is a data change. Metric keys are checked against the catalog here, once, so
a misspelt key stops the run (exit 2) instead of silently never matching.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated

from pydantic import Field

from extractors.catalog import Catalog, load_catalog
from pipeline.config import SCHEMA_DIR, Strict, config_error, load_model

SUMS_PATH = SCHEMA_DIR / "sums.yaml"

Word = Annotated[str, Field(pattern=r"\S")]


class _IdentitySpec(Strict):
    total: Word
    parts: list[list[Word]]
    optional: list[Word] = Field(default_factory=list)
    complete: bool = False


class _CompoundSpec(Strict):
    phrases: list[Word]
    metrics: list[Word]


class SumsFile(Strict):
    version: int
    identities: list[_IdentitySpec]
    compound_parts: list[_CompoundSpec] = Field(default_factory=list)
    unit_levels: list[list[Word]] = Field(default_factory=list)
    whole_words: list[Word] = Field(default_factory=list)
    stage_verbs: list[Word] = Field(default_factory=list)
    list_openers: list[Word] = Field(default_factory=list)
    trailing_total_words: list[Word] = Field(default_factory=list)
    stage_metrics: dict[Word, list[Word]] = Field(default_factory=dict)
    remainder_words: list[Word] = Field(default_factory=list)
    remainder_negation: list[Word] = Field(default_factory=list)
    exclusion_words: list[Word] = Field(default_factory=list)
    label_verbs: list[Word] = Field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Identity:
    """total = sum of parts; each part may be filled by any metric of its set."""

    total: str
    parts: tuple[frozenset[str], ...]
    optional: tuple[str, ...] = ()
    complete: bool = False  # the parts exhaust the total: a misfit on an unambiguous reading is a mismatch


@dataclass(frozen=True, slots=True)
class SumRules:
    identities: tuple[Identity, ...]
    compounds: tuple[tuple[re.Pattern[str], frozenset[str]], ...]
    levels: tuple[tuple[str, ...], ...]
    level_re: re.Pattern[str] | None
    whole_re: re.Pattern[str] | None
    stage_re: re.Pattern[str] | None
    opener_re: re.Pattern[str] | None
    trailing_re: re.Pattern[str] | None
    stages: tuple[tuple[re.Pattern[str], str], ...] = ()  # phrase -> metric, for figures without one
    remainder_re: re.Pattern[str] | None = None
    remainder_negation_re: re.Pattern[str] | None = None
    exclusion_re: re.Pattern[str] | None = None  # "không tính X (A) thì M B": M's total = A + B
    label_verb_re: re.Pattern[str] | None = None  # the verb that ends a figure's label ("đạt", "là")


def _whole(words: Sequence[str]) -> re.Pattern[str] | None:
    alts = sorted({re.escape(w.strip()) for w in words if w.strip()}, key=len, reverse=True)
    if not alts:
        return None
    return re.compile(r"(?<!\w)(?:" + "|".join(alts).replace(r"\ ", r"\s+") + r")(?!\w)", re.I)


def load_sum_rules(path: str | Path | None = None, catalog: Catalog | None = None) -> SumRules:
    """The sum rules, validated against the catalog; cached per file."""
    p = Path(path) if path else SUMS_PATH
    try:
        version = p.stat().st_mtime_ns
    except OSError as e:
        raise config_error(p, None, f"cannot read: {e}") from e
    return _compile(str(p), version, catalog or load_catalog())


@functools.lru_cache(maxsize=8)
def _compile(path: str, _version: int, catalog: Catalog) -> SumRules:
    cfg = load_model(path, SumsFile)

    def known(key: str, where: str) -> str:
        if key not in catalog:
            raise config_error(path, where, f"unknown metric {key!r} (not in metrics.yaml)")
        return key

    ids: list[Identity] = []
    for i, spec in enumerate(cfg.identities):
        where = f"identities[{i}]"
        ids.append(
            Identity(
                known(spec.total, where),
                tuple(frozenset(known(k, where) for k in alts) for alts in spec.parts),
                tuple(known(k, where) for k in spec.optional),
                spec.complete,
            )
        )
    # a metric's own `parts:` in metrics.yaml is an identity too (incomplete: the catalog lists channels)
    for key, m in catalog.metrics.items():
        if m.parts and not any(x.total == key and set().union(*x.parts) == set(m.parts) for x in ids):
            ids.append(Identity(key, tuple(frozenset([k]) for k in m.parts), (), False))
    compounds = []
    for i, c in enumerate(cfg.compound_parts):
        rx = _whole(c.phrases)
        if rx is not None:
            compounds.append((rx, frozenset(known(k, f"compound_parts[{i}]") for k in c.metrics)))
    stages = []
    for key, words in cfg.stage_metrics.items():
        rx = _whole(words)
        if rx is not None:
            stages.append((rx, known(key, "stage_metrics")))
    levels = tuple(tuple(w.lower() for w in group) for group in cfg.unit_levels)
    return SumRules(
        identities=tuple(ids),
        compounds=tuple(compounds),
        levels=levels,
        level_re=_whole([w for g in levels for w in g]),
        whole_re=_whole(cfg.whole_words),
        stage_re=_whole(cfg.stage_verbs),
        opener_re=_whole(cfg.list_openers),
        trailing_re=_whole(cfg.trailing_total_words),
        stages=tuple(stages),
        remainder_re=_whole(cfg.remainder_words),
        remainder_negation_re=_whole(cfg.remainder_negation),
        exclusion_re=_whole(cfg.exclusion_words),
        label_verb_re=_whole(cfg.label_verbs),
    )
