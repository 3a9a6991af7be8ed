"""Who the issuer is and what a report is about by default: the issuer's level, the issuer named as a
subject (NULL), the default subject of a report, the level a subject names.

Split from `subject` (which resolves each figure's subject) so that both stay readable.
"""

from __future__ import annotations

import re

from extractors.gazetteer import is_city, province_named
from extractors.header.rules import header_rules
from extractors.meaning.context import _TITLE_TAI
from pipeline.model import DocMeta
from pipeline.vietnamese import fold_words

_LEVEL_OF = re.compile(r"(?:^|\s)(cấp\s+(?:xã|huyện|tỉnh))$")


def _level_of(v: str) -> str | None:
    """"cấp xã" for "cấp xã", "UBND cấp xã", "khối các cơ quan cấp xã" (a level kept as written)."""
    m = _LEVEL_OF.search(v)
    return m.group(1) if m else None


def _is_level(v: str) -> bool:
    return _level_of(v) is not None


def _issuer_level(issuer: str | None) -> str | None:
    if not issuer:
        return None
    low = issuer.lower()
    if low.startswith("sở") or " sở " in low:
        return "sở"
    for level in ("xã", "phường", "thị trấn", "huyện", "quận", "thị xã", "thành phố", "tỉnh"):
        if re.search(rf"(?:ubnd|ủy\s+ban\s+nhân\s+dân|hđnd)\s+{level}\b", low):
            return {"phường": "xã", "thị trấn": "xã", "quận": "huyện", "thị xã": "huyện"}.get(level, level)
    return None


def _default_subject(meta: DocMeta, issuer_level: str | None) -> str | None:
    """Who a report's figures are about when nothing nearer says: a provincial department reports on
    the province ("toàn tỉnh"); a title "... tại Trung tâm Phục vụ hành chính công tỉnh" names its unit;
    otherwise the issuer itself (NULL)."""
    if meta.title:
        m = _TITLE_TAI.search(meta.title)
        if m:
            return " ".join(m.group("org").split())
    if issuer_level == "sở":
        if is_city(meta.province):
            city = _city_as_written(meta.issuer or "", meta.province or "")
            if city is not None:
                return city  # a city's department reports on the city ("Sở ... TP.HCM" -> "TP.HCM")
        return "toàn tỉnh"
    return None


def _city_as_written(issuer: str, province: str) -> str | None:
    """The end of an issuer's name that names its city, as written ("TP.HCM", "thành phố Đà Nẵng")."""
    aliases = header_rules().sec.province_aliases
    words = issuer.split()
    for n in range(min(4, len(words) - 1), 0, -1):
        tail = " ".join(words[-n:])
        if aliases.get(tail) == province or province_named(tail) == province:
            return tail
    return None


def _is_issuer(value: str, label: str, meta: DocMeta, issuer_level: str | None) -> bool:
    f = fold_words(value)
    issuer = fold_words(meta.issuer or "")
    if not f:
        return False
    if label == "MEDIA":
        return False  # a portal or page is never the issuer itself
    if issuer and (f == issuer or (len(f) > 6 and issuer.endswith(" " + f))):
        return True
    place = fold_words(meta.place or "")
    if place and f.endswith(" " + place) and re.match(
            r"^(?:don vi|dia phuong|ubnd|uy ban nhan dan|huyen|tinh|xa|thanh pho|thi xa)\b", f):
        head = f[: -len(place)].strip()
        level = {"huyen": "huyện", "tinh": "tỉnh", "xa": "xã", "thanh pho": "huyện", "thi xa": "huyện"}
        lv = next((v for k, v in level.items() if head.endswith(k)), None)
        if lv is None or lv == issuer_level:
            return True
    if label == "LEVEL":
        lv = _level_of(value)
        f = fold_words(lv) if lv and value.startswith(("UBND", "Ủy ban")) else f
        return (issuer_level == "xã" and f in ("cap xa", "toan xa")) or \
            (issuer_level == "huyện" and f == "toan huyen")
    if label == "ORG":
        m = re.match(r"^(?:ubnd|uy ban nhan dan)\s+(tinh|huyen|xa|thanh pho|thi xa)(?:\s+(.+))?$", f)
        if m:
            lvl = {"tinh": "tỉnh", "huyen": "huyện", "xa": "xã", "thanh pho": "huyện", "thi xa": "huyện"}[m.group(1)]
            place = m.group(2)
            return lvl == issuer_level and (not place or place in issuer)
        if issuer_level == "sở" and (f in ("so",) or (f.startswith("so ") and issuer.startswith(f))):
            return True
    if label == "LOC":
        place = fold_words(meta.place or "")
        m = re.match(r"^(tinh|huyen|xa|thanh pho|thi xa|thi tran|phuong)\s+(.+)$", f)
        if m and place and m.group(2) == place:
            lvl = {"tinh": "tỉnh", "huyen": "huyện", "xa": "xã", "phuong": "xã", "thi tran": "xã"}.get(
                m.group(1), "huyện")
            return lvl == issuer_level
    return False


def _own_unit(name: str, meta: DocMeta) -> bool:
    """The document's own province or the unit its issuer names ("toàn tỉnh Ninh Thuận" in a report
    of Ninh Thuận is "toàn tỉnh"; "toàn huyện X" on a news page about X stays "huyện X")."""
    f = fold_words(name)
    return bool(f) and (f == fold_words(meta.province or "") or fold_words(meta.issuer or "").endswith(" " + f))
