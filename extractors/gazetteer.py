"""Vietnamese administrative units (63 provinces and their districts, before the 2025 reorganisation).

Why a wrapper: reports name places in several spellings ("Hạ Hoà" / "Hạ Hòa", "HUYỆN PHÚ TÂN") and
many district names exist in more than one province ("Phú Tân" is in An Giang and in Cà Mau), so the
metadata extractor needs *all* candidate provinces of a name, not the one guess that
`vietnamadminunits.parse_address` returns. We therefore read the package's own legacy data file and
index it by a spelling-tolerant key.

Measured on the 2-core machine: `import vietnamadminunits` takes 0.6 s (its __init__ loads all its
parsers), so we do not import it; reading and indexing its legacy JSON (2.6 MB) takes 0.15 s warm
(up to 0.7 s from a cold disk). The index is built lazily, once per worker process.
"""

from __future__ import annotations

import importlib.util
import json
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import regex

from pipeline.errors import ConfigError
from pipeline.vietnamese import strip_marks, tone_key

LEVEL_WORDS: tuple[str, ...] = ("thành phố", "thị xã", "thị trấn", "tỉnh", "huyện", "quận", "xã", "phường")
PROVINCE_LEVEL = "tỉnh"
DISTRICT_LEVELS = ("huyện", "quận", "thị xã", "thành phố")


@dataclass(frozen=True, slots=True)
class District:
    name: str  # short name as the gazetteer spells it: "Phú Tân"
    kind: str  # "huyện" | "quận" | "thị xã" | "thành phố"
    province: str  # short province name: "An Giang"


@dataclass(frozen=True, slots=True)
class AdminMention:
    """One "<level word> <Name>" in a text that the gazetteer recognises."""

    level: str  # the level word, lowercased: "tỉnh", "huyện", "thành phố", ...
    name: str  # canonical short name: "Phú Tân"
    provinces: tuple[str, ...]  # provinces this mention can belong to (one for a province mention)
    is_province: bool
    char_start: int
    char_end: int


@dataclass(frozen=True, slots=True)
class GazetteerIndex:
    provinces: dict[str, str]  # tone_key(name or alias) -> short province name
    provinces_loose: dict[str, str]  # strip_marks(name) -> short name (only unambiguous keys)
    districts: dict[str, tuple[District, ...]]  # tone_key(short name) -> every district so named
    districts_loose: dict[str, tuple[District, ...]]
    cities: frozenset[str] = frozenset()  # short names of the centrally-run cities ("Hà Nội", "Đà Nẵng")


# Older or longer names still used in reports, mapped to the gazetteer's short province name.
_PROVINCE_ALIASES = {
    "Thừa Thiên Huế": "Huế",
    "Thừa Thiên - Huế": "Huế",
    "Bà Rịa Vũng Tàu": "Bà Rịa - Vũng Tàu",
    "Bà Rịa – Vũng Tàu": "Bà Rịa - Vũng Tàu",
    "TP. Hồ Chí Minh": "Hồ Chí Minh",
    "Thành phố Hồ Chí Minh": "Hồ Chí Minh",
    "Đắc Lắc": "Đắk Lắk",
    "Đắk Lắc": "Đắk Lắk",
    "Đắc Nông": "Đắk Nông",
}


def _legacy_data_path() -> Path:
    """The package's legacy data file, found without importing the package: its __init__ loads every
    parser (0.6 s), of which we need none."""
    spec = importlib.util.find_spec("vietnamadminunits")
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError("vietnamadminunits is not installed")
    return Path(next(iter(spec.submodule_search_locations))) / "data" / "parser_legacy.json"


def _legacy_data() -> dict:
    """The package's administrative-units JSON (2.6 MB). Not cached: the index and the commune lists
    built from it are, and holding the parsed file would keep ~14 MB in every worker."""
    try:
        return json.loads(_legacy_data_path().read_text("utf-8"))
    except (OSError, ValueError, ModuleNotFoundError) as e:  # pragma: no cover - install problem
        raise ConfigError(f"vietnamadminunits legacy data unreadable: {e}") from e


@lru_cache(maxsize=1)
def gazetteer_index() -> GazetteerIndex:
    """The gazetteer indexed by `tone_key` and, for OCR-damaged names, by `strip_marks` (built once)."""
    data = _legacy_data()
    try:
        prov_data = data["DICT_PROVINCE"]
        dist_data = data["DICT_PROVINCE_DISTRICT"]
    except KeyError as e:  # pragma: no cover - install problem
        raise ConfigError(f"vietnamadminunits legacy data unreadable: {e}") from e

    provinces: dict[str, str] = {}
    loose_p: dict[str, set[str]] = {}
    districts: dict[str, list[District]] = {}
    loose_d: dict[str, list[District]] = {}
    cities: set[str] = set()
    for pkey, p in prov_data.items():
        short = p["provinceShort"]
        if p["province"].casefold().startswith("thành phố"):
            cities.add(short)
        for name in (short, p["province"]):
            provinces[tone_key(name)] = short
            loose_p.setdefault(strip_marks(name), set()).add(short)
        for d in dist_data.get(pkey, {}).values():
            # Names shared by a town and its rural district carry a suffix: "Cao Lãnh (Huyện)".
            name = regex.sub(r"\s*\([^)]*\)\s*$", "", d["districtShort"])
            dist = District(name, d["districtType"].casefold(), short)
            districts.setdefault(tone_key(dist.name), []).append(dist)
            loose_d.setdefault(strip_marks(dist.name), []).append(dist)
    for alias, short in _PROVINCE_ALIASES.items():
        provinces[tone_key(alias)] = short
        loose_p.setdefault(strip_marks(alias), set()).add(short)
    return GazetteerIndex(
        provinces=provinces,
        provinces_loose={k: next(iter(v)) for k, v in loose_p.items() if len(v) == 1},
        districts={k: tuple(v) for k, v in districts.items()},
        districts_loose={k: tuple(v) for k, v in loose_d.items()},
        cities=frozenset(cities),
    )


def province_named(name: str) -> str | None:
    """The short province name for "An Giang", "tỉnh An Giang", "AN GIANG", "Thừa Thiên Huế"; else None."""
    name = _drop_level(name)
    idx = gazetteer_index()
    return idx.provinces.get(tone_key(name)) or idx.provinces_loose.get(strip_marks(name))


def is_city(province: str | None) -> bool:
    """A centrally-run city ("Hà Nội", "Hồ Chí Minh"): a province-level unit that is a city."""
    return bool(province) and province in gazetteer_index().cities


def districts_named(name: str) -> tuple[District, ...]:
    """Every district (any province) with this short name; several when the name is shared."""
    name = _drop_level(name)
    idx = gazetteer_index()
    found = idx.districts.get(tone_key(name))
    if found:
        return found
    return idx.districts_loose.get(strip_marks(name), ())


def provinces_of_district(name: str) -> tuple[str, ...]:
    """Provinces having a district of this name, in gazetteer order."""
    return tuple(dict.fromkeys(d.province for d in districts_named(name)))


def province_of_district(name: str, within: Iterable[str] = ()) -> str | None:
    """The province of a district; when the name is shared, the one candidate also in `within`."""
    cands = provinces_of_district(name)
    if len(cands) == 1:
        return cands[0]
    narrowed = [p for p in cands if p in set(within)]
    return narrowed[0] if len(narrowed) == 1 else None


def _drop_level(name: str) -> str:
    name = " ".join(name.split())
    low = name.casefold()
    for w in (*LEVEL_WORDS, "tp.", "tp"):
        if low.startswith(w + " ") or (w.endswith(".") and low.startswith(w)):
            return name[len(w) :].strip()
    return name


_SYL = r"\p{Lu}[\p{L}\p{M}]*"
_MENTION_RE = regex.compile(
    r"(?<![\p{L}\p{M}])(?P<level>(?i:thành phố|thị xã|thị trấn|tỉnh|huyện|quận|xã|phường)|TP\.?|Tp\.)"
    rf"[ \t]+(?P<name>{_SYL}(?:[ \t]+(?:-[ \t]+)?{_SYL}){{0,4}})",
    regex.VERSION1,
)
_NAME_SYL_RE = regex.compile(r"\p{Lu}[\p{L}\p{M}]*|-")


def find_admin_units(text: str) -> list[AdminMention]:
    """Province and district mentions ("tỉnh An Giang", "huyện Hạ Hoà", "HUYỆN PHÚ TÂN") in order.

    The name after the level word is the longest run of capitalised syllables (at most five) whose
    prefix the gazetteer knows; unknown names and ward-level units (xã, phường, thị trấn) are skipped.
    """
    out: list[AdminMention] = []
    for m in _MENTION_RE.finditer(text):
        level = m.group("level").casefold()
        if level in ("xã", "phường", "thị trấn"):
            continue
        if level.startswith("tp"):
            level = "thành phố"
        syls = [(s.start(), s.end()) for s in _NAME_SYL_RE.finditer(text, m.start("name"), m.end("name"))]
        hit = _longest_known(text, syls, level)
        if hit is None:
            continue
        end, name, provinces, is_prov = hit
        out.append(AdminMention(level, name, provinces, is_prov, m.start(), end))
    return out


def _longest_known(
    text: str, syls: list[tuple[int, int]], level: str
) -> tuple[int, str, tuple[str, ...], bool] | None:
    for n in range(len(syls), 0, -1):
        if text[syls[n - 1][0] : syls[n - 1][1]] == "-":
            continue
        span = text[syls[0][0] : syls[n - 1][1]]
        if level in (PROVINCE_LEVEL, "thành phố"):
            prov = province_named(span)
            if prov is not None:
                return syls[n - 1][1], prov, (prov,), True
            if level == PROVINCE_LEVEL:
                continue
        dists = districts_named(span)
        if dists:
            same_kind = [d for d in dists if d.kind == level] or list(dists)
            provs = tuple(dict.fromkeys(d.province for d in same_kind))
            return syls[n - 1][1], same_kind[0].name, provs, False
    return None


@dataclass(frozen=True, slots=True)
class BareUnit:
    """A province or district named without its level word ("Nghi Xuân đạt ...", "Hà Tĩnh có ...")."""

    name: str  # as written
    is_province: bool
    char_start: int
    char_end: int


_BARE_RE = regex.compile(rf"(?<![\p{{L}}\p{{M}}]){_SYL}(?:[ \t]+{_SYL}){{1,3}}", regex.VERSION1)


@lru_cache(maxsize=1)
def _communes() -> dict[str, frozenset[str]]:
    """Short province name -> tone keys of its communes, wards and towns' short names (built once)."""
    data = _legacy_data()
    try:
        prov_data = data["DICT_PROVINCE"]
        wards = data["DICT_PROVINCE_DISTRICT_WARD_NO_ACCENTED"]
    except KeyError as e:  # pragma: no cover - install problem
        raise ConfigError(f"vietnamadminunits legacy data unreadable: {e}") from e
    out: dict[str, frozenset[str]] = {}
    for pkey, dists in wards.items():
        p = prov_data.get(pkey)
        if p is None:
            continue
        out[p["provinceShort"]] = frozenset(tone_key(w["wardShort"]) for d in dists.values() for w in d.values()
                                            if isinstance(w.get("wardShort"), str))
    return out


def find_bare_communes(text: str, province: str | None) -> list[BareUnit]:
    """Communes of `province` named bare in a list of units ("thị trấn A 100%, Xuân Hội trên 96%"):
    runs of two or three capitalised syllables that the gazetteer knows as a commune, ward or town of
    that province and not as a province or district."""
    names = _communes().get(province or "")
    if not names:
        return []
    out: list[BareUnit] = []
    for m in _BARE_RE.finditer(text):
        syls = [(s.start(), s.end()) for s in _NAME_SYL_RE.finditer(text, m.start(), m.end())]
        if len(syls) > 3 or "-" in m.group(0):
            continue
        span = text[syls[0][0]:syls[-1][1]]
        if tone_key(span) in names and province_named(span) is None and not districts_named(span):
            out.append(BareUnit(span, False, syls[0][0], syls[-1][1]))
    return out


def find_bare_units(text: str) -> list[BareUnit]:
    """Runs of two to four capitalised syllables that the gazetteer knows as a province or district:
    reports and news name their own places bare ("Đô Lương: ...", "Hà Tĩnh đạt 99%"). The longest
    known prefix of each run is taken; a run the gazetteer does not know is no unit."""
    out: list[BareUnit] = []
    for m in _BARE_RE.finditer(text):
        syls = [(s.start(), s.end()) for s in _NAME_SYL_RE.finditer(text, m.start(), m.end())]
        for n in range(len(syls), 1, -1):
            span = text[syls[0][0]:syls[n - 1][1]]
            prov = province_named(span) is not None and _drop_level(span) == span
            if prov or districts_named(span):
                out.append(BareUnit(span, prov, syls[0][0], syls[n - 1][1]))
                break
    return out
