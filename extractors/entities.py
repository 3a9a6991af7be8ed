"""Named things of a report — agencies, administrative units and levels, systems, legal references —
with spaCy on `spacy.blank("vi")`, for the entities table and for the subjects of facts.

Why this shape:
- No model download and no pyvi: a blank Vietnamese pipeline with our own tokenizer, one token per
  syllable and punctuation split off ("UBND," -> "UBND" ","), so token patterns see clean words and
  every entity keeps character offsets into NormText.text.
- What varies is data: schemas/entity_patterns.jsonl feeds an EntityRuler (agency heads, levels such
  as "cấp xã" / "các xã, thị trấn", communes and hamlets, software systems, publishing channels); the
  administrative-unit gazetteer (extractors.gazetteer, the legacy 63-province data of
  `vietnamadminunits`) adds one phrase pattern per province and district.
- Two small registered components do what patterns cannot: `baocao_org_extent` grows an agency or
  portal from its head to its full name ("Trung tâm Văn hóa – Thể thao và Truyền thanh huyện",
  "Cổng Thông tin điện tử tỉnh An Giang"), stopping at the verb; `baocao_law_refs` reads a legal
  reference ("Quyết định số 845/QĐ-UBND ngày 03/7/2021 của UBND tỉnh Bến Tre") into ONE LAW entity
  whose `normalized` holds its type, number, date and issuer.
The pipeline is built once per process (about 0.05 s plus the spaCy import) and cached.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, ValidationError

from extractors.gazetteer import gazetteer_index
from pipeline.config import Strict, config_error, read_text, schema_path
from pipeline.errors import ConfigError
from pipeline.model import Entity, NormText, Section, section_at, stable_id
from pipeline.vietnamese import place_tones, space_key

PATTERNS_FILE = "entity_patterns.jsonl"
LABELS = ("ORG", "LOC", "LEVEL", "SYSTEM", "MEDIA", "LAW")

# One token per syllable; numbers keep their separators, codes keep their joiners ("1260/QĐ-UBND",
# "HĐND&UBND", "VNPT-HIS", "22/6/2022"); any other punctuation is a token of its own.
_TOKEN_RE = re.compile(
    r"\d+(?:[.,/]\d+)*(?:/[\w.&-]*\w)?"  # 1.234 89,66 22/6/2022 1260/QĐ-UBND
    r"|[A-ZĐ0-9]+(?:[-&][A-ZĐ0-9][\w]*)+"  # HĐND-UBND VNPT-HIS CNTT-VT HĐND&UBND
    r"|\w+(?:[&/.'’]\w+)*"  # syllables, iOffice, Prosoft.ESCI
    r"|[^\w\s]"
)

# Words that end an agency or channel name: verbs, auxiliaries, prepositions, determiners.
_STOP = frozenset({
    "đã", "đang", "sẽ", "được", "bị", "có", "là", "đạt", "không", "chưa", "về", "tại", "trong", "theo",
    "để", "nhằm", "cho", "với", "từ", "đến", "trên", "dưới", "thì", "mà", "như", "nên", "vì", "do",
    "khi", "sau", "trước", "các", "những", "mọi", "này", "đó", "đây", "kia", "nào", "gì", "ai", "cũng",
    "vẫn", "còn", "đều", "rất", "hơn", "nhất", "đồng", "thời", "tiếp", "thực", "triển", "ban", "phát",
    "tổ", "xây", "phối", "hướng", "quản", "sử", "cung", "kết", "hoạt", "báo", "ký", "gửi", "nhận",
    "tham", "chỉ", "đề", "tăng", "giảm", "duy", "bảo", "lắp", "tích", "hoàn", "tập", "trình", "vận",
    "tuyên", "cập", "chủ", "yêu", "khai", "mở", "ứng", "hiện", "gồm", "bao", "tổng", "cụ", "riêng",
    "ngoài", "qua", "bằng", "mỗi", "hằng", "hàng", "thường", "đối", "cấp", "trân", "đưa", "làm", "lập",
    "cử", "bố", "chuyển", "đầu", "đăng", "ra", "vào", "lên", "xuống", "nâng", "mua", "thu", "chi",
    "nộp", "ghi", "viết", "tiến", "hỗ", "đôn", "rà", "thống", "kiểm", "giám", "xin",
})
# Lowercase words that may continue a name after its capitalised part ("Phục vụ hành chính công").
_NAME_WORDS = frozenset({
    "hóa", "hoá", "thao", "thanh", "tin", "thông", "truyền", "điện", "tử", "chính", "công", "hành",
    "vụ", "nghiệp", "chuyên", "môn", "môi", "trường", "kế", "hoạch", "đầu", "tư", "tài", "nông",
    "thôn", "dân", "lao", "động", "xã", "hội", "thương", "binh", "tế", "giáo", "dục", "đào", "tạo",
    "văn", "phòng", "ngoại", "nội", "khoa", "học", "giao", "vận", "tải", "pháp", "y", "tỉnh", "huyện",
    "thành", "phố", "thị", "trấn", "trực", "thuộc", "biên", "bộ", "đội", "chỉ", "huy", "quân", "sự",
    "mặt", "trận", "tổ", "quốc", "liên", "đoàn", "cựu", "chiến", "phụ", "nữ", "niên", "án", "dịch",
    "kết", "quả", "cửa", "một", "phục", "điều", "minh", "dữ", "liệu", "lưu", "trữ", "đất", "đai",
    "viễn", "trung", "ương", "zalo", "youtube", "facebook", "sở", "trang", "cổng", "ủy", "ban", "nhân",
    "đồng", "chứng", "thực", "bưu",
})
_LEVEL_WORDS = ("tỉnh", "huyện", "xã", "thị xã", "thành phố", "thị trấn", "quận", "phường")
_CONNECT = frozenset({"và", "-", "–", "&"})

_LAW_TYPES = (r"Kế\s+hoạch\s+hành\s+động|Quyết\s+định|Kế\s+hoạch|Công\s+văn|Văn\s+bản|Nghị\s+định|Nghị\s+quyết|"
              r"Thông\s+tư|Chỉ\s+thị|Hướng\s+dẫn|Chương\s+trình|Tờ\s+trình|Báo\s+cáo|Công\s+điện|Luật|Đề\s+án|"
              r"Thông\s+báo|Quy\s+chế|Quy\s+định|Kết\s+luận")
_LAW_RE = re.compile(
    rf"(?P<type>{_LAW_TYPES})(?:\s+(?:số|Số))?\s*:?\s*"
    r"(?P<number>\d+(?:/\d{4})?[/-][A-ZĐ][\wĐđ.&-]*(?:/[A-ZĐ][\wĐđ.&-]*)?|\d{1,4}(?=\s*,?\s+ngày))"
    r"(?:\s*,?\s+ngày\s+(?P<date>\d{1,2}[/.-]\d{1,2}[/.-](?:19|20)\d\d|\d{1,2}\s+tháng\s+\d{1,2}\s+năm\s+(?:19|20)\d\d))?"
)
_ISSUER_AFTER = re.compile(
    r"\s+của\s+(?P<issuer>(?:Thủ\s+tướng\s+Chính\s+phủ|Chính\s+phủ|Quốc\s+hội|Bộ\s+Chính\s+trị|Ban\s+Chấp\s+hành"
    r"|Ban\s+Thường\s+vụ\s+(?:Tỉnh|Huyện|Thành)\s+ủy|(?:Tỉnh|Huyện|Thành)\s+ủy"
    r"|(?:UBND|HĐND|Ủy\s+ban\s+nhân\s+dân|Hội\s+đồng\s+nhân\s+dân)(?:\s+(?:tỉnh|huyện|thành\s+phố|thị\s+xã|xã))?"
    r"(?:\s+\p{Lu}[\w]*)*"
    r"|(?:Sở|Bộ|Văn\s+phòng|Ban|Cục)\s+\S+(?:\s+(?!về\b|ngày\b|số\b|năm\b|theo\b|tại\b)\S+){0,7}))"
    .replace(r"\p{Lu}[\w]*", r"[A-ZÀ-ỸĐ][\w]*")
)
_ISSUER_OF_CODE = {"CP": "Chính phủ", "TTg": "Thủ tướng Chính phủ", "QH": "Quốc hội", "UBND": "UBND",
                   "HĐND": "HĐND", "BTTTT": "Bộ Thông tin và Truyền thông", "VPCP": "Văn phòng Chính phủ",
                   "TU": "Tỉnh ủy", "HU": "Huyện ủy", "BCĐ": "Ban Chỉ đạo"}


def _tokenize_words(text: str) -> tuple[list[str], list[bool]]:
    """Words and trailing-space flags such that the Doc text is exactly `text`: a single space after a
    token is its trailing space, any other whitespace run (newline, tab, double space) is a token."""
    words: list[str] = []
    spaces: list[bool] = []
    pos = 0
    for m in _TOKEN_RE.finditer(text):
        gap = text[pos:m.start()]
        if gap:
            if gap == " " and words and not spaces[-1]:
                spaces[-1] = True
            else:
                if gap.startswith(" ") and words and not spaces[-1]:
                    spaces[-1] = True
                    gap = gap[1:]
                if gap:
                    words.append(gap)
                    spaces.append(False)
        words.append(m.group())
        spaces.append(False)
        pos = m.end()
    if pos < len(text):
        tail = text[pos:]
        if tail == " " and words:
            spaces[-1] = True
        else:
            words.append(tail)
            spaces.append(False)
    return words, spaces


class SyllableTokenizer:
    """One token per syllable, punctuation split off; the Doc text is exactly the input text, so every
    span's start_char/end_char is an offset into NormText.text."""

    def __init__(self, vocab: Any) -> None:
        self.vocab = vocab

    def __call__(self, text: str) -> Any:
        from spacy.tokens import Doc  # spaCy loaded lazily: heavy import

        words, spaces = _tokenize_words(text)
        doc = Doc(self.vocab, words=words, spaces=spaces)
        # The text and the token texts as plain strings: `doc.text` and `doc[i]` build Python objects for
        # every token on each call, the components below read these instead.
        doc.user_data["baocao_text"] = text
        doc.user_data["baocao_words"] = words
        return doc


def _words(doc: Any) -> list[str]:
    """The token texts of `doc` (as the tokenizer made them, or read from the Doc)."""
    words = doc.user_data.get("baocao_words")
    return words if words is not None else [t.text for t in doc]


class _PatternLine(Strict):
    """One line of schemas/entity_patterns.jsonl."""

    label: Literal["ORG", "LOC", "LEVEL", "SYSTEM", "MEDIA", "LAW"]
    pattern: str | list[dict[str, Any]] = Field(min_length=1)
    id: str | None = None
    normalized: str | None = None  # the value a match stands for (levels: "cấp xã")
    not_before: tuple[str, ...] = ()  # agency heads: words after which the head is not a name
    alone: bool = False  # agency heads: a name by itself


def load_patterns(path: str | Path = PATTERNS_FILE) -> tuple[list[dict], dict[str, Any]]:
    """EntityRuler patterns from the JSONL file, and what the ruler cannot hold, by pattern id and text:
    `normalized` values (levels), `not_before` words of agency heads, `alone` (a name by itself)."""
    patterns: list[dict] = []
    normalized: dict[str, Any] = {}
    where = schema_path(path)
    for n, line in enumerate(read_text(where).splitlines(), 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        try:
            d = _PatternLine.model_validate_json(line)
        except ValidationError as e:
            err = e.errors()[0]
            key = ".".join(str(x) for x in err["loc"])
            raise config_error(where, f"line {n}" + (f" {key}" if key else ""), err["msg"]) from e
        pid = d.id or f"{d.label.lower()}.{n}"
        if d.normalized:
            normalized[f"{pid}|{space_key(d.pattern) if isinstance(d.pattern, str) else ''}"] = d.normalized
            normalized.setdefault(pid, d.normalized)
        if d.label in ("ORG", "MEDIA") and isinstance(d.pattern, str):
            normalized[f"head|{space_key(d.pattern)}"] = {"not_before": frozenset(x.lower() for x in d.not_before),
                                                         "alone": d.alone}
        patterns.append({"label": d.label, "pattern": d.pattern, "id": pid})
    return patterns, normalized


def _gazetteer_patterns() -> list[dict]:
    """One phrase pattern per province and district (with its level word), from the gazetteer."""
    try:
        idx = gazetteer_index()
    except ConfigError:  # pragma: no cover - install problem: generic patterns still work
        return []
    out: list[dict] = []
    seen: set[str] = set()

    def add(text: str, pid: str) -> None:
        k = text.casefold()
        if k not in seen:
            seen.add(k)
            out.append({"label": "LOC", "pattern": text, "id": pid})

    for short in sorted(set(idx.provinces.values())):
        name = place_tones(short)
        add(f"tỉnh {name}", "gazetteer.province")
        add(f"thành phố {name}", "gazetteer.province")
    for dists in idx.districts.values():
        for d in dists:
            name = place_tones(d.name)
            add(f"{d.kind} {name}", "gazetteer.district")
            if d.kind == "thành phố":
                add(f"TP. {name}", "gazetteer.district")
                add(f"TP {name}", "gazetteer.district")
    return out


@functools.lru_cache(maxsize=2)
def build_nlp(patterns_path: str | None = None) -> Any:
    """The spaCy pipeline: blank "vi" + syllable tokenizer + EntityRuler + name extent + legal refs."""
    import spacy  # spaCy is heavy (~1 s to import): loaded on first use
    from spacy.language import Language

    _register_components(Language)
    nlp = spacy.blank("vi", config={"nlp": {"tokenizer": {"use_pyvi": False}}})
    nlp.tokenizer = SyllableTokenizer(nlp.vocab)
    patterns, normalized = load_patterns(patterns_path or PATTERNS_FILE)
    ruler = nlp.add_pipe("entity_ruler", config={"phrase_matcher_attr": "LOWER", "validate": False,
                                                  "overwrite_ents": True})
    with nlp.select_pipes(enable=[]):
        ruler.add_patterns(patterns + _gazetteer_patterns())
    nlp.add_pipe("baocao_org_extent")
    nlp.add_pipe("baocao_law_refs")
    nlp.meta["baocao_normalized"] = {k: v for k, v in normalized.items() if isinstance(v, str)}
    _HEADS.clear()
    _HEADS.update({k: v for k, v in normalized.items() if k.startswith("head|")})
    return nlp


_HEADS: dict[str, Any] = {}


_REGISTERED = False


def _register_components(Language: Any) -> None:
    global _REGISTERED
    if _REGISTERED:
        return
    from spacy.util import filter_spans  # spaCy loaded lazily: heavy import

    @Language.component("baocao_org_extent")
    def org_extent(doc: Any) -> Any:
        """Keep an agency head only when a name follows it, and grow ORG and MEDIA entities to the end
        of the name (before the verb)."""
        heads: dict[str, Any] = doc.user_data.get("baocao_heads") or _HEADS
        spans = []
        kept = []
        words = _words(doc)
        for e in doc.ents:
            if e.label_ == "LOC" and e.ent_id_ == "loc.head":
                # "xã Phú Bình", "Thị trấn Đồng Tâm": a commune-level word and a capitalised name
                end = e.end
                while end < len(words) and end - e.end < 5 and words[end][:1].isupper() \
                        and words[end].isalpha():
                    end += 1
                if end > e.end:
                    kept.append(_span(doc, e.start, end, e))
                continue
            if e.label_ not in ("ORG", "MEDIA") or _valid_head(words, e, heads):
                kept.append(e)
        # where the next agency or channel begins (an acronym such as "UBND" inside "Văn phòng HĐND-UBND
        # huyện" is part of the name, not a new agency)
        doc.user_data["baocao_ent_starts"] = frozenset(
            e.start for e in kept if e.label_ in ("ORG", "MEDIA") and not (len(e) == 1 and e.text.isupper()))
        for ent in kept:
            if ent.label_ not in ("ORG", "MEDIA") or ent.ent_id_ == "loc.head":
                spans.append(ent)
                continue
            spans.append(_span(doc, ent.start, _name_end(doc, words, ent.start, ent.end), ent))
        # an extended name swallows the units and levels inside it ("Cổng ... tỉnh An Giang")
        doc.ents = filter_spans(spans)
        return doc

    @Language.component("baocao_law_refs")
    def law_refs(doc: Any) -> Any:
        """"Quyết định số 845/QĐ-UBND ngày 03/7/2021 của UBND tỉnh Bến Tre" as one LAW entity."""
        text = doc.user_data.get("baocao_text")
        if text is None:
            text = doc.text
        laws = []
        info: dict[tuple[int, int], str] = {}
        for m in _LAW_RE.finditer(text):
            if not m.group("date") and "/" not in m.group("number") and "-" not in m.group("number"):
                continue
            end = m.end()
            issuer = None
            im = _ISSUER_AFTER.match(text, end)
            if im:
                issuer = _trim_issuer(im.group("issuer"))
                end = im.start("issuer") + len(issuer)
            number = m.group("number")
            if issuer is None:
                code = number.rsplit("-", 1)[-1] if "-" in number else None
                issuer = _ISSUER_OF_CODE.get(code or "")
            span = doc.char_span(m.start(), end, label="LAW", alignment_mode="expand")
            if span is None:
                continue
            laws.append(span)
            info[(span.start_char, span.end_char)] = json.dumps(
                {"type": " ".join(m.group("type").split()), "number": number,
                 "date": _iso_date(m.group("date")), "issuer": issuer}, ensure_ascii=False)
        if laws:
            keep = [e for e in doc.ents if not any(e.start < law.end and law.start < e.end for law in laws)]
            doc.ents = filter_spans(keep + laws)
        doc.user_data["baocao_law"] = info
        return doc

    _REGISTERED = True


def _span(doc: Any, start: int, end: int, ent: Any) -> Any:
    from spacy.tokens import Span  # spaCy is heavy (~1 s): loaded only when entities are built

    return Span(doc, start, end, label=ent.label_, kb_id=ent.kb_id_, span_id=ent.id_)


def _is_name_token(text: str) -> bool:
    return text[:1].isupper() or (text.isupper() and len(text) > 1)


_HEAD_FIRSTS = frozenset({"UBND", "HĐND", "Sở", "Phòng", "Văn", "Trung", "Ban", "Bộ", "Ủy", "Hội", "Cục", "Chi",
                          "Công", "Bệnh", "Trường", "Liên", "Tỉnh", "Huyện", "Đơn", "Cổng", "Trang", "Kho",
                          "Ngân", "Viện", "Tòa"})


def _valid_head(words: list[str], ent: Any, heads: dict[str, Any]) -> bool:
    meta = heads.get(f"head|{space_key(ent.text)}")
    return ent.label_ != "ORG" or meta is None or meta["alone"] or _names_follow(words, ent, meta)


def _names_follow(words: list[str], ent: Any, meta: dict[str, Any]) -> bool:
    """A head ("Sở", "Phòng", "Ban") names an agency only if a name follows: a capitalised word, or for
    a capitalised head a lowercase word that does not make an ordinary compound ("Ban hành")."""
    if ent.end >= len(words):
        return False
    nxt = words[ent.end]
    low = nxt.lower()
    lower_head = not words[ent.start][:1].isupper()
    # "cơ quan Đảng", "cơ quan nhà nước": after a lowercase head a not_before word names a kind of body,
    # capitalised or not; after a capitalised head only a lowercase one does ("Ban hành", not "Ban Tuyên giáo")
    if not any(c.isalpha() for c in nxt) or (low in meta["not_before"]
                                              and (lower_head or not _is_name_token(nxt))):
        return False
    if words[ent.start][:1].isupper():
        return _is_name_token(nxt) or (nxt.islower() and low not in _STOP)
    return nxt.istitle() and len(nxt) > 1  # "ngành Giáo dục", not "mạng nội bộ LAN"


def _name_end(doc: Any, words: list[str], start: int, end: int) -> int:
    """Token index where the name that starts at `start` ends (exclusive), at most 16 tokens long.

    A name goes on over capitalised words, one lowercase word right after a capitalised one (the second
    syllable of "Đào tạo", "Tài chính"), lowercase words usual in names ("Phục vụ hành chính công"),
    level words ("tỉnh", "huyện"), and "và"/"-" before another capitalised word that is not a new agency.
    """
    n = len(words)
    i = end
    limit = min(n, start + 16)
    last_good = end
    caps = 0  # capitalised syllables in a row since the head (the head itself does not count)
    lower_run = 0
    starts = doc.user_data.get("baocao_ent_starts", frozenset())
    while i < limit:
        t = words[i]
        low = t.lower()
        if t in _CONNECT:
            if i + 1 < n and _is_name_token(words[i + 1]) and words[i + 1] not in _HEAD_FIRSTS:
                i += 1
                caps = lower_run = 0
                continue
            break
        if low == "của" and i + 1 < n and (words[i + 1] in ("Sở", "UBND", "Ủy", "Bộ", "Văn", "Trung", "HĐND")
                                           or words[i + 1] in ("tỉnh", "huyện", "xã")):
            i += 2
            last_good = i
            caps = lower_run = 0
            continue
        if not any(c.isalnum() for c in t) or t[:1].isdigit() or i in starts:
            break  # punctuation, a number, or the head of the next agency or channel
        if _is_name_token(t):
            i += 1
            last_good = i
            caps = caps + 1 if t.istitle() else 2  # an acronym is a whole word
            lower_run = 0
            continue
        # the second syllable of a capitalised word ("Đào tạo", "Trả kết quả"): only after ONE
        # capitalised syllable; after "Phú Thọ" a lowercase word is the next word of the sentence
        second = caps == 1 and lower_run < 2 and low not in _STOP and low not in _LEVEL_WORDS
        if second or (low in _NAME_WORDS and low not in _STOP) or low in _LEVEL_WORDS:
            i += 1
            last_good = i
            lower_run += 1
            if not second:
                caps = 0
            continue
        break
    return max(last_good, end)


def _trim_issuer(s: str) -> str:
    # a name ends at a sentence end or a blank line ("... của Bộ Thông tin và Truyền thông.\n\nXã A có ...")
    s = re.split(r"[.;:!?](?=\s)|\n[ \t]*\n", s, maxsplit=1)[0]
    s = s.strip().rstrip(",;.")
    for stop in (" về ", " ngày ", " số ", " theo ", " tại ", " trên ", " năm "):
        k = s.find(stop)
        if k > 0:
            s = s[:k]
    return s.strip()


def _iso_date(s: str | None) -> str | None:
    if not s:
        return None
    m = re.match(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$", s) or \
        re.match(r"(\d{1,2})\s+tháng\s+(\d{1,2})\s+năm\s+(\d{4})$", s)
    if not m:
        return None
    d, mo, y = (int(x) for x in m.groups())
    if not (1 <= d <= 31 and 1 <= mo <= 12):
        return None
    return f"{y:04d}-{mo:02d}-{d:02d}"


def extract_entities(t: NormText, sections: Sequence[Section]) -> list[Entity]:
    """Every entity of the document, in text order, with offsets into NormText.text."""
    nlp = build_nlp()
    text = t.text
    doc = nlp(text)
    law = doc.user_data.get("baocao_law", {})
    normalized: dict[str, str] = nlp.meta.get("baocao_normalized", {})
    out: list[Entity] = []
    for ent in doc.ents:
        s, e = ent.start_char, ent.end_char
        if t.in_aside(s) and ent.label_ == "LAW":
            pass  # footnotes cite documents: keep them, they are entities too
        label = ent.label_
        surface = text[s:e]
        if label == "LAW":
            norm = law.get((s, e))
        elif label == "LEVEL":
            norm = (normalized.get(f"{ent.ent_id_}|{space_key(surface)}") or normalized.get(ent.ent_id_)
                    or " ".join(surface.split()))
        elif label == "LOC":
            norm = _normalize_loc(surface)
        else:
            norm = " ".join(surface.split())
        sec = section_at(sections, s)
        out.append(Entity(entity_id=stable_id(label, s, e, surface), label=label, text=surface,
                          normalized=norm, char_start=s, char_end=e,
                          section_id=sec.section_id if sec else None))
    return out


def _normalize_loc(surface: str) -> str:
    """"XÃ PHÚ BÌNH" / "Xã Phú Bình" -> "xã Phú Bình": the level word lower case, the name title case."""
    words = surface.split()
    low = [w.lower() for w in words]
    for n in (3, 2, 1):
        head = " ".join(low[:n])
        if head in ("tổ dân phố", "thị trấn", "thị xã", "thành phố") or (n == 1 and head in (
                "tỉnh", "huyện", "xã", "phường", "quận", "ấp", "thôn", "khóm", "buôn", "bản", "tp.", "tp")):
            name = " ".join(w if not w.isupper() or len(w) < 2 else w.capitalize() for w in words[n:])
            level = "thành phố" if head in ("tp.", "tp") else head
            return f"{level} {name}".strip()
    return " ".join(words)
