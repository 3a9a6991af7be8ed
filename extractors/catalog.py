"""The metric catalog (schemas/metrics.yaml): load, validate, and match a figure's context to a metric.

Why a data file: what a figure measures is vocabulary ("hồ sơ tiếp nhận trực tuyến", "DVCTT mức độ 4",
"máy tính cài phần mềm diệt virus"), and vocabulary grows with every new kind of report. So the
catalog holds, per metric, the nouns the figure counts (`heads`), the phrases its context must carry
(`cues`), whole-phrase `names`, vetoes (`not`), and the arithmetic between metrics (`parts`, rates as
`numerator`/`denominator`) that pipeline/check.py uses. Adding a metric is a YAML edit.

Matching is on words: lower case, tone marks placed the normalizer's way, punctuation as spaces,
abbreviations (TTHC, CBCC, BCCI, ...) expanded. Accented words must match exactly, because Vietnamese
words differ by their marks alone ("hộ" a household, "hồ sơ" a dossier); a run of words typed
WITHOUT diacritics ("ho so truc tuyen") is compared with the catalog phrases stripped of theirs, so
an unaccented report still matches. Phrases are looked up as word n-grams, so one pass over a
context finds every phrase of every metric.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import Field

from pipeline.config import Strict, config_error, load_model, schema_path
from pipeline.errors import ConfigError
from pipeline.vietnamese import fold, place_tones

CATALOG_FILE = "metrics.yaml"
CATALOG_PATH = schema_path(CATALOG_FILE)

KINDS = ("count", "percent", "money", "ratio", "other")
_KEY_RE = re.compile(r"^[a-z][a-z0-9_]*$")
_WORD_RE = re.compile(r"[^\W_]+")

# Which metric kinds a fact of a given kind can take. A fraction "373/416 hồ sơ" is a count of its
# numerator; a unit-per-unit rate ("0,85 người/máy", kind other with "/") reads like a percent metric.
FACT_TO_METRIC_KINDS: dict[str, tuple[str, ...]] = {
    "count": ("count",),
    "ratio": ("count",),
    "money": ("money",),
    "percent": ("percent", "ratio"),
    "rate": ("percent", "ratio"),
    "other": ("other",),
}


def words_of(text: str) -> list[str]:
    """Lower-case words of a text, punctuation dropped ("Tỷ lệ MT/CBCC" -> [tỷ, lệ, mt, cbcc])."""
    return _WORD_RE.findall(place_tones(unicodedata.normalize("NFC", text).lower()))


@dataclass(frozen=True, slots=True)
class Metric:
    key: str
    name: str
    kind: str
    en: str = ""
    unit: str | None = None
    heads: tuple[tuple[str, ...], ...] = ()  # folded, expanded word tuples
    cues: tuple[tuple[tuple[str, ...], ...], ...] = ()  # groups of alternatives
    names: tuple[tuple[str, ...], ...] = ()
    also: tuple[tuple[str, ...], ...] = ()
    excludes: tuple[tuple[str, ...], ...] = ()
    broader: str | None = None
    parts: tuple[str, ...] = ()
    numerator: tuple[str, ...] = ()
    denominator: str | None = None
    reports_as: str | None = None  # the vocabulary metric a catalog-only key is stored as
    order: int = 0

    @property
    def is_rate(self) -> bool:
        return bool(self.numerator) or self.kind in ("percent", "ratio")

    @property
    def is_default_for_heads(self) -> bool:
        """Heads but no cues and no names: the metric of any figure counting those nouns."""
        return bool(self.heads) and not self.cues and not self.names


@dataclass(frozen=True, slots=True)
class MetricMatch:
    key: str
    score: float


@dataclass(frozen=True, slots=True)
class Grammar:
    connectives: frozenset[tuple[str, ...]]
    denominator_markers: tuple[tuple[str, ...], ...]
    list_openers: tuple[tuple[str, ...], ...]
    measure_words: tuple[tuple[str, ...], ...] = ()
    # noun -> phrases: a table whose caption or header holds one counts that noun in its bare cells
    table_counts: tuple[tuple[str, tuple[tuple[str, ...], ...]], ...] = ()
    rate_words: tuple[tuple[str, ...], ...] = ()
    rate_anaphora: tuple[tuple[str, ...], ...] = ()
    change_words: tuple[tuple[str, ...], ...] = ()

    def table_noun(self, words: Sequence[str]) -> str | None:
        """The noun a table's bare counts count, from its caption and header words (`table_counts`)."""
        w = tuple(words)
        for noun, phrases in self.table_counts:
            if any(w[i:i + len(p)] == p for p in phrases for i in range(len(w) - len(p) + 1)):
                return noun
        return None


@dataclass(frozen=True, eq=False)
class Catalog:
    """The validated catalog with its phrase index, built once per process."""

    metrics: dict[str, Metric]
    abbreviations: dict[str, tuple[str, ...]]
    grammar: Grammar
    path: str = ""
    # phrase (word tuple) -> [(metric key, role, group index)]; role: cue | name | also | not | head
    index: dict[tuple[str, ...], list[tuple[str, str, int]]] = field(default_factory=dict)
    # the same phrases stripped of diacritics -> the phrases, for text typed without them
    ascii_index: dict[tuple[str, ...], list[tuple[str, ...]]] = field(default_factory=dict)
    max_len: int = 1
    rate_of: dict[str, str] = field(default_factory=dict)  # numerator metric -> its rate metric
    defaults: tuple[Metric, ...] = ()  # metrics without cues (defaults for their heads)
    vocabulary: frozenset[str] = frozenset()  # FORMAT.md's keys, the only ones stored in facts.metric

    def reported(self, key: str | None) -> str | None:
        """The key a fact tagged `key` is stored and scored under: the key itself when it is one of
        FORMAT.md's vocabulary, the vocabulary metric it refines (`reports_as`), else None. A catalog
        without a vocabulary reports every key as itself."""
        if key is None or not self.vocabulary or key in self.vocabulary:
            return key
        m = self.metrics.get(key)
        return m.reports_as if m is not None else None

    def __contains__(self, key: object) -> bool:
        return key in self.metrics

    def get(self, key: str | None) -> Metric | None:
        return self.metrics.get(key) if key else None

    # -------------------------------------------------------------------------------- context

    def expand(self, words: Sequence[str]) -> list[str]:
        """Expand abbreviations ("cbcc" -> "cán bộ công chức")."""
        out: list[str] = []
        for w in words:
            exp = self.abbreviations.get(w)
            if exp:
                out.extend(exp)
            else:
                out.append(w)
        return out

    def context(self, text: str) -> list[str]:
        """The lower-case, expanded words of a piece of report text."""
        return self.expand(words_of(text))

    def phrases_in(self, words: Sequence[str]) -> dict[tuple[str, ...], int]:
        """Catalog phrases present in the words, with the position of their first occurrence."""
        return self._phrases_in(tuple(words))

    @functools.lru_cache(maxsize=4096)  # noqa: B019 - the catalog lives for the process
    def _phrases_in(self, words: tuple[str, ...]) -> dict[tuple[str, ...], int]:
        found: dict[tuple[str, ...], int] = {}
        n = len(words)
        index, ascii_index = self.index, self.ascii_index
        for i in range(n):
            all_ascii = True
            for k in range(1, min(self.max_len, n - i) + 1):
                gram = tuple(words[i:i + k])
                if gram in index and gram not in found:
                    found[gram] = i
                all_ascii = all_ascii and gram[-1].isascii()
                if all_ascii:
                    for p in ascii_index.get(gram, ()):
                        found.setdefault(p, i)
        return found

    def has_phrase(self, words: Sequence[str], phrases: Iterable[tuple[str, ...]]) -> bool:
        wanted = set(phrases)
        if not wanted:
            return False
        longest = max(len(p) for p in wanted)
        for i in range(len(words)):
            for k in range(1, min(longest, len(words) - i) + 1):
                if tuple(words[i:i + k]) in wanted:
                    return True
        return False

    # -------------------------------------------------------------------------------- matching

    def head_ok(self, m: Metric, head: Sequence[str] | None, present: dict[tuple[str, ...], int]) -> bool:
        """Does the counted noun fit the metric? With no unit, one of its heads must be in the context.

        A unit may be shorter than the head ("máy" for "máy tính") when the metric's cues confirm it;
        the default metric of a noun needs the noun itself ("bộ" is not "bộ thủ tục")."""
        if not m.heads:
            return True
        if head:
            h = tuple(head)
            heads = m.heads if not all(w.isascii() for w in h) else tuple(tuple(fold(w) for w in mh) for mh in m.heads)
            loose = not m.is_default_for_heads
            return any(h == mh or h[: len(mh)] == mh or (loose and mh[: len(h)] == h) for mh in heads)
        return any(mh in present for mh in m.heads)

    def match(self, words: Sequence[str], fact_kind: str, head: Sequence[str] | None = None, *,
              keys: Iterable[str] | None = None, present: dict[tuple[str, ...], int] | None = None,
              allow_default: bool = True) -> MetricMatch | None:
        """The best metric for a figure of `fact_kind` whose context folds to `words`.

        Every cue group must be present and no `not` phrase; the score is the summed length of the best
        phrase per group (a `names` phrase counts double), plus half a point per `also` phrase, so the
        most specific metric wins ("tiếp nhận trực tuyến" beats "tiếp nhận"). A metric that is the
        default for its heads scores 0.1 and only fills in when nothing else fits.
        """
        kinds = FACT_TO_METRIC_KINDS.get(fact_kind, (fact_kind,))
        if present is None:
            present = self.phrases_in(words)
        if keys is None:
            # only metrics with a cue or name in the context, and the defaults for heads
            wanted = {k for p in present for k, role, _ in self.index[p] if role in ("cue", "name")}
            candidates = [self.metrics[k] for k in wanted] + [m for m in self.defaults if m.key not in wanted]
        else:
            candidates = [self.metrics[k] for k in keys if k in self.metrics]
        best: MetricMatch | None = None
        best_order = 0
        for m in candidates:
            if m.kind not in kinds:
                continue
            if any(x in present for x in m.excludes):
                continue
            score = 0.0
            named = [len(p) for p in m.names if p in present]
            if named:
                score = 2.0 * max(named) + len(m.cues)
            elif m.cues:
                for group in m.cues:
                    hits = [len(p) for p in group if p in present]
                    if not hits:
                        score = 0.0
                        break
                    score += max(hits)
                if score == 0.0:
                    continue
            elif m.heads and allow_default:
                score = 0.1
            else:
                continue
            # a percent need not repeat its noun ("tỷ lệ giải quyết đúng hạn đạt 97,9%"); a count must
            if (head is not None or fact_kind not in ("percent", "rate")) and not self.head_ok(m, head, present):
                continue
            score += 0.5 * sum(1 for p in m.also if p in present)
            if best is None or score > best.score + 1e-9 or (abs(score - best.score) <= 1e-9 and m.order < best_order):
                best, best_order = MetricMatch(m.key, score), m.order
        return best

    def narrower(self, key: str) -> list[Metric]:
        """Metrics whose `broader` is this one (channels of received dossiers, ...)."""
        return [m for m in self.metrics.values() if m.broader == key]


# ------------------------------------------------------------------------------------ loading

_Phrase = str | int | float  # a phrase as YAML types it ("4", 4.0 are phrases too)
_Refs = str | list[str] | None  # one metric key or a list of them


class _MetricSpec(Strict):
    """One entry of `metrics:`; the checks between entries (references, kinds, cycles) follow below."""

    name: str
    kind: str  # one of KINDS, checked with a message that lists them
    en: str | None = None
    unit: _Phrase | None = None
    heads: list[_Phrase] | None = None
    cues: list[_Phrase | list[_Phrase]] | None = None  # groups of alternatives (a bare phrase: a group of one)
    names: list[_Phrase] | None = None
    also: list[_Phrase] | None = None
    not_: list[_Phrase] | None = Field(None, alias="not")
    broader: _Refs = None
    parts: _Refs = None
    numerator: _Refs = None
    denominator: _Refs = None
    reports_as: str | None = None


class _GrammarSpec(Strict):
    connectives: list[_Phrase] | None = None
    denominator_markers: list[_Phrase] | None = None
    list_openers: list[_Phrase] | None = None
    measure_words: list[_Phrase] | None = None
    table_counts: dict[str, list[_Phrase]] | None = None
    rate_words: list[_Phrase] | None = None
    rate_anaphora: list[_Phrase] | None = None
    change_words: list[_Phrase] | None = None


class _CatalogFile(Strict):
    version: int | None = None
    vocabulary: list[str] | None = None
    abbreviations: dict[str, _Phrase] | None = None
    grammar: _GrammarSpec | None = None
    metrics: dict[str, _MetricSpec]



def load_catalog(path: str | Path | None = None) -> Catalog:
    """The catalog at `path` (default schemas/metrics.yaml), validated; cached per file version.

    A malformed file is a ConfigError naming the file and the offending entry (the CLI exits 2).
    """
    p = schema_path(path or CATALOG_FILE)
    try:
        version = p.stat().st_mtime_ns
    except OSError as e:
        raise config_error(p, None, f"metric catalog not found: {e}") from e
    return _load_cached(str(p), version)


@functools.lru_cache(maxsize=8)
def _load_cached(path: str, _version: int) -> Catalog:
    def fail(msg: str) -> ConfigError:
        return config_error(path, None, msg)

    raw = load_model(path, _CatalogFile)  # parsed once per file version, duplicate keys refused
    if not raw.metrics:
        raise fail("expected a mapping with a non-empty 'metrics' mapping")

    abbreviations: dict[str, tuple[str, ...]] = {}
    for k, v in (raw.abbreviations or {}).items():
        kw, vw = words_of(str(k)), words_of(str(v))
        if len(kw) != 1 or not vw:
            raise fail(f"abbreviation {k!r}: expected one word mapped to a phrase")
        abbreviations[kw[0]] = tuple(vw)

    def expand(words: list[str]) -> tuple[str, ...]:
        out: list[str] = []
        for w in words:
            out.extend(abbreviations.get(w, (w,)))
        return tuple(out)

    def phrase(value: object, where: str) -> tuple[str, ...]:
        if not isinstance(value, str | int | float) or not str(value).strip():
            raise fail(f"{where}: expected a non-empty phrase, got {value!r}")
        w = expand(words_of(str(value)))
        if not w:
            raise fail(f"{where}: phrase {value!r} has no letters or digits")
        return w

    def phrases(value: object, where: str) -> tuple[tuple[str, ...], ...]:
        if value is None:
            return ()
        if not isinstance(value, list):
            raise fail(f"{where}: expected a list of phrases")
        return tuple(dict.fromkeys(phrase(v, where) for v in value))

    g = raw.grammar or _GrammarSpec()
    grammar = Grammar(
        connectives=frozenset(phrases(g.connectives, "grammar.connectives")),
        denominator_markers=phrases(g.denominator_markers, "grammar.denominator_markers"),
        list_openers=phrases(g.list_openers, "grammar.list_openers"),
        measure_words=phrases(g.measure_words, "grammar.measure_words"),
        table_counts=tuple((str(noun), phrases(ps, f"grammar.table_counts.{noun}"))
                           for noun, ps in (g.table_counts or {}).items()),
        rate_words=phrases(g.rate_words, "grammar.rate_words"),
        rate_anaphora=phrases(g.rate_anaphora, "grammar.rate_anaphora"),
        change_words=phrases(g.change_words, "grammar.change_words"),
    )

    metrics: dict[str, Metric] = {}
    for order, (key, spec) in enumerate(raw.metrics.items()):
        where = f"metric {key!r}"
        if not _KEY_RE.match(key):
            raise fail(f"{where}: keys are lower_snake_case identifiers")
        name = spec.name
        if not name.strip():
            raise fail(f"{where}: 'name' (Vietnamese name) is required")
        kind = spec.kind
        if kind not in KINDS:
            raise fail(f"{where}: kind must be one of {', '.join(KINDS)}, got {kind!r}")
        cues_raw = spec.cues or []
        groups = []
        for g in cues_raw:
            group = phrases(g if isinstance(g, list) else [g], f"{where} cues")
            if not group:
                raise fail(f"{where}: empty cue group")
            groups.append(group)

        def refs(value: object, field_name: str, *, where: str = where) -> tuple[str, ...]:
            if value is None:
                return ()
            items = value if isinstance(value, list) else [value]
            if not all(isinstance(x, str) and x for x in items):
                raise fail(f"{where}: '{field_name}' must name metrics")
            return tuple(items)

        denominator = refs(spec.denominator, "denominator")
        if len(denominator) > 1:
            raise fail(f"{where}: 'denominator' names one metric")
        broader = refs(spec.broader, "broader")
        if len(broader) > 1:
            raise fail(f"{where}: 'broader' names one metric")
        metrics[key] = Metric(
            key=key, name=name.strip(), kind=kind, en=str(spec.en or ""),
            unit=str(spec.unit) if spec.unit is not None else None,
            heads=phrases(spec.heads, f"{where} heads"), cues=tuple(groups),
            names=phrases(spec.names, f"{where} names"), also=phrases(spec.also, f"{where} also"),
            excludes=phrases(spec.not_, f"{where} not"), broader=broader[0] if broader else None,
            parts=refs(spec.parts, "parts"), numerator=refs(spec.numerator, "numerator"),
            denominator=denominator[0] if denominator else None, reports_as=spec.reports_as, order=order,
        )
    vocabulary = frozenset(raw.vocabulary or ())
    missing = sorted(vocabulary - metrics.keys())
    if missing:
        raise fail(f"vocabulary key {missing[0]!r} has no catalog entry")

    for m in metrics.values():
        where = f"metric {m.key!r}"
        for ref in (*m.parts, *m.numerator, *(x for x in (m.denominator, m.broader) if x)):
            if ref not in metrics:
                raise fail(f"{where}: refers to unknown metric {ref!r}")
        if m.reports_as is not None and (m.reports_as not in vocabulary or m.key in vocabulary
                                         or metrics[m.reports_as].kind != m.kind):
            raise fail(f"{where}: reports_as names a vocabulary metric of the same kind, for a key outside it")
        if m.key in m.parts or m.key in m.numerator or m.denominator == m.key or m.broader == m.key:
            raise fail(f"{where}: refers to itself")
        for part in m.parts:
            if metrics[part].kind != m.kind:
                raise fail(f"{where}: part {part!r} is a {metrics[part].kind}, the total a {m.kind}")
        if (m.numerator or m.denominator) and m.kind not in ("percent", "ratio"):
            raise fail(f"{where}: a rate (numerator/denominator) must be of kind percent or ratio")
        if m.denominator and not m.numerator:
            raise fail(f"{where}: a denominator needs a numerator")
        if m.broader and metrics[m.broader].kind != m.kind:
            raise fail(f"{where}: broader metric {m.broader!r} is of another kind")
        seen, cur = {m.key}, m.broader
        while cur:
            if cur in seen:
                raise fail(f"{where}: 'broader' makes a cycle")
            seen.add(cur)
            cur = metrics[cur].broader

    index: dict[tuple[str, ...], list[tuple[str, str, int]]] = {}

    def add(p: tuple[str, ...], key: str, role: str, gi: int = 0) -> None:
        index.setdefault(p, []).append((key, role, gi))

    for m in metrics.values():
        for gi, group in enumerate(m.cues):
            for p in group:
                add(p, m.key, "cue", gi)
        for role, ps in (("name", m.names), ("also", m.also), ("not", m.excludes), ("head", m.heads)):
            for p in ps:
                add(p, m.key, role)
    for p in (*grammar.connectives, *grammar.denominator_markers, *grammar.list_openers, *grammar.measure_words):
        add(p, "", "grammar")

    ascii_index: dict[tuple[str, ...], list[tuple[str, ...]]] = {}
    for p in index:
        stripped = tuple(fold(w) for w in p)
        if stripped != p:
            ascii_index.setdefault(stripped, []).append(p)
    for k, v in list(abbreviations.items()):
        if fold(k) != k:
            abbreviations.setdefault(fold(k), v)
    # a metric's rate: the one rate whose numerator names it (dossiers_early -> on_time_rate)
    in_rates: dict[str, list[str]] = {}
    for m in metrics.values():
        for num in m.numerator:
            in_rates.setdefault(num, []).append(m.key)
    rate_of = {num: rates[0] for num, rates in in_rates.items() if len(rates) == 1}
    return Catalog(metrics=metrics, abbreviations=abbreviations, grammar=grammar, path=path, index=index,
                   ascii_index=ascii_index, max_len=max((len(p) for p in index), default=1), rate_of=rate_of,
                   defaults=tuple(m for m in metrics.values() if not m.cues and not m.names),
                   vocabulary=vocabulary)
