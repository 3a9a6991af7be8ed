"""The check rules (schemas/checks.yaml) as one typed, validated object, loaded once per file version.

Why compiled here: the finders match the same word lists thousands of times per document, so each
list becomes one regex up front; and a wrong file (a missing message, a bad word list, an unknown
finder) must stop the run with a ConfigError naming file and key (exit 2), not misjudge reports.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field

from pipeline.check.relation import RULES, STATUSES
from pipeline.config import SCHEMA_DIR, Strict, config_error, load_model

CHECKS_PATH = SCHEMA_DIR / "checks.yaml"

Word = Annotated[str, Field(pattern=r"\S")]
Words = list[Word]


class Connectives(Strict):
    parts: Words
    parts_weak: Words
    percent_bridge: Words
    ratio_bridge_max_words: int = 16
    fraction_noun_words: int = 3
    share_list: Words
    negation: Words
    total_words: Words


class Aspect(Strict):
    part: Words
    total: Words


class Tolerance(Strict):
    """FORMAT.md's tolerance policy; the defaults are the values the checker assumed before the file."""

    percent_half_unit: float = 0.5
    accept_truncation: bool = True
    sum_absolute: float = 0.0
    float_epsilon: float = 1e-9
    approximate_relative: float = 0.05  # FORMAT.md: "khoảng/gần/xấp xỉ/ước X" is X ± 5 %
    ocr_doubtful_confidence: float = 0.9
    ocr_confusions: dict[str, str] = Field(default_factory=dict)


class CandidateRules(Strict):
    """How candidate readings are proposed and chosen (pipeline/check/candidates.py, select.py)."""

    passage_lines: int = 6
    headline_chars: int = 300
    headline_lines: int = 3
    plausible: float = 0.3
    strong: float = 0.75
    margin: float = 0.15
    cues: dict[str, float] = Field(default_factory=dict)
    base_words: Words = Field(default_factory=list)
    topic_breakers: Words = Field(default_factory=list)


class PerUnit(Strict):
    """Per-unit rates "0,8 máy/người" (pipeline/check/rates.py)."""

    person_words: Words = Field(default_factory=lambda: ["người"])
    person_nouns: Words = Field(default_factory=list)
    average_words: Words = Field(default_factory=lambda: ["trung bình", "bình quân"])


class Bilingual(Strict):
    vi: Annotated[str, Field(min_length=1)]
    en: Annotated[str, Field(min_length=1)]

    def text(self, lang: str) -> str:
        return self.vi if lang == "vi" else self.en


class StatusMessages(Strict):
    ok: Bilingual
    mismatch: Bilingual
    unverifiable: Bilingual

    def of(self, status: str) -> Bilingual:
        return getattr(self, status)


class ChecksFile(Strict):
    """schemas/checks.yaml, key for key."""

    version: int
    connectives: Connectives
    umbrella_units: Words = Field(default_factory=list)
    named_list_nouns: Words = Field(default_factory=list)
    per_unit: PerUnit = Field(default_factory=PerUnit)
    not_a_part_aspect: Aspect
    attribute_groups: dict[str, Words]
    change_words: Words
    percent_of_other: Words
    list_breakers: Words
    not_unit_words: Words
    label_words: Words
    label_stopwords: Words
    label_synonyms: dict[str, str]
    qualifiers: dict[Literal["lower_bound", "upper_bound", "approximate"], Words]
    tolerance: Tolerance
    candidates: CandidateRules = Field(default_factory=CandidateRules)
    percent_targets: Words = Field(default_factory=list)
    messages: dict[str, StatusMessages]
    reasons: dict[str, Bilingual]
    finders: list[str]


def _words_re(words: Sequence[str]) -> str:
    alts = sorted({re.escape(w.strip()) for w in words if w.strip()}, key=len, reverse=True)
    return "(?:" + "|".join(a.replace(r"\ ", r"\s+") for a in alts) + ")"


def _whole(words: Sequence[str]) -> re.Pattern[str]:
    return re.compile(r"(?<!\w)" + _words_re(words) + r"(?!\w)", re.I)


@dataclass(frozen=True)
class Rules:
    path: str  # the file read, named by configuration errors found later (an unknown finder)
    config: ChecksFile
    parts_re: re.Pattern[str]
    weak_parts_re: re.Pattern[str]
    share_list_re: re.Pattern[str]
    negation_re: re.Pattern[str]
    bridge_re: str  # alternation of percent bridge words
    strong_bridge_re: str
    total_words_re: re.Pattern[str]
    breakers_re: re.Pattern[str]
    label_before_re: re.Pattern[str]
    not_part_re: re.Pattern[str]
    umbrella_units: frozenset[str]
    attribute_groups: tuple[tuple[str, re.Pattern[str]], ...]
    change_re: re.Pattern[str]
    percent_of_other_re: re.Pattern[str]
    base_words_re: re.Pattern[str]
    percent_target_re: re.Pattern[str]
    topic_breakers_re: re.Pattern[str]
    not_unit: frozenset[str]
    qualifier_kind: dict[str, str]
    qualifier_re: re.Pattern[str]
    stopwords: frozenset[str]
    synonyms: tuple[tuple[re.Pattern[str], str], ...]
    ratio_bridge_max_words: int
    tolerance: Tolerance
    messages: dict[str, StatusMessages]
    reasons: dict[str, Bilingual]
    finders: tuple[str, ...]  # names, in the order they run (checked against the registry by `finders`)


def load_rules(path: str | None = None) -> Rules:
    """checks.yaml (or the file at `path`) validated and compiled; a bad file is a ConfigError (exit 2)."""
    p = Path(path) if path else CHECKS_PATH
    cfg = load_model(p, ChecksFile)  # cached per file version; the compiled rules follow that cache
    done = _COMPILED.get(str(p))
    if done is None or done[0] is not cfg:
        done = _COMPILED[str(p)] = (cfg, _compile(str(p), cfg))
    return done[1]


_COMPILED: dict[str, tuple[ChecksFile, Rules]] = {}


def _compile(path: str, cfg: ChecksFile) -> Rules:
    for rule in RULES:
        if rule not in cfg.messages:
            raise config_error(path, f"messages.{rule}", f"no vi/en messages (statuses: {', '.join(STATUSES)})")
    con = cfg.connectives
    bridge = list(con.percent_bridge)
    strong_bridge = [w for w in bridge if w.split()[0] in ("chiếm", "tỷ", "tỉ") or "tỷ lệ" in w or "tỉ lệ" in w]
    quals: dict[str, str] = {}
    for kind, words in cfg.qualifiers.items():
        for w in words:
            quals[w] = kind
    try:
        return Rules(
            path=path,
            config=cfg,
            parts_re=_whole(con.parts),
            weak_parts_re=re.compile(r"(?<=[,;]\s)" + _words_re(con.parts_weak) + r"(?!\w)", re.I),
            share_list_re=_whole(con.share_list),
            negation_re=re.compile(
                r"(?<!\w)" + _words_re(con.negation) + r"\s+((?:[^\W\d_]+\s+){0,2}[^\W\d_]+)", re.I
            ),
            bridge_re=_words_re(bridge),
            strong_bridge_re=_words_re(strong_bridge),
            total_words_re=_whole(con.total_words),
            breakers_re=_whole(cfg.list_breakers),
            label_before_re=re.compile(r"(?<!\w)" + _words_re(cfg.label_words) + r"\s*$", re.I),
            not_part_re=re.compile(
                r"^\W*(?:số\s+)?(?:hồ\s+sơ\s+)?" + _words_re(cfg.not_a_part_aspect.part) + r"\s+(\w+(?:\s+\w+)?)",
                re.I,
            ),
            umbrella_units=frozenset(cfg.umbrella_units),
            attribute_groups=tuple((name, _whole(words)) for name, words in cfg.attribute_groups.items()),
            change_re=_whole(cfg.change_words),
            percent_of_other_re=re.compile(r"[\s*]*" + _words_re(cfg.percent_of_other) + r"(?!\w)", re.I),
            base_words_re=_whole(cfg.candidates.base_words or ["tổng số"]),
            percent_target_re=_whole(cfg.percent_targets or ["phấn đấu"]),
            topic_breakers_re=_whole(cfg.candidates.topic_breakers or ["trong khi đó"]),
            not_unit=frozenset(cfg.not_unit_words),
            qualifier_kind=quals,
            qualifier_re=re.compile(r"(?<!\w)" + _words_re(list(quals)) + r"\s*$", re.I),
            stopwords=frozenset(cfg.label_stopwords),
            synonyms=tuple(
                (re.compile(r"(?<!\w)" + re.escape(k) + r"(?!\w)"), v)
                for k, v in sorted(cfg.label_synonyms.items(), key=lambda kv: -len(kv[0]))
            ),
            ratio_bridge_max_words=con.ratio_bridge_max_words,
            tolerance=cfg.tolerance,
            messages=cfg.messages,
            reasons=cfg.reasons,
            finders=tuple(cfg.finders),
        )
    except re.error as e:
        raise config_error(path, None, f"a word list does not compile: {e}") from e
