"""The small frozen records that flow between stages: load → normalize → segment → extract → check → store.

Every stage is a pure function from some of these to others; only loaders read files and only
`pipeline.store` touches DuckDB. Character offsets always refer to `NormText.text`, which is what
`documents.text` stores, so `quote == text[char_start:char_end]` holds everywhere.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from datetime import date


@dataclass(frozen=True, slots=True)
class TokenRepair:
    """An OCR token rewritten where the Vietnamese number format decides (`1O.5O0` → `10.500`), or
    flagged as a number the format rejects (rule `malformed_number`, text kept as read)."""

    index: int  # which whitespace-separated token of Page.text (the repaired text)
    original: str  # the token as the recognizer read it
    rule: str  # which repair (schemas/ocr_repair.yaml)


@dataclass(frozen=True, slots=True)
class OcrMark:
    """A span of the normalized text read by OCR that a figure built on it must carry: a repaired token
    or one the recognizer was unsure of."""

    char_start: int
    char_end: int
    confidence: float  # the recognizer's word confidence, 0–1 (lowered for a repair)
    original: str | None = None  # the token as read, when it was repaired
    rule: str | None = None


@dataclass(frozen=True, slots=True)
class Page:
    """One page of raw text as a loader produced it (a text file without form feeds is one page)."""

    number: int  # 1-based
    text: str
    source: str = "text"  # text | text_layer | ocr
    ocr_confidence: float | None = None
    seconds: float = 0.0
    status: str = "ok"  # ok | empty | ocr_timeout | ocr_failed | ocr_unavailable | bad_text_layer | ...
    error: str | None = None  # why, when the status is a problem (recorded in ingest_errors)
    # OCR pages only: one confidence (0–1) per whitespace-separated token of `text`, and the tokens
    # that `pipeline.ocrfix` rewrote. Empty for text pages.
    token_confidence: tuple[float, ...] = ()
    repairs: tuple[TokenRepair, ...] = ()


@dataclass(frozen=True, slots=True)
class Loaded:
    """A file read into pages; no interpretation beyond decoding."""

    path: str
    sha256: str
    source_kind: str  # text | pdf | pdf-ocr | image-ocr | docx
    pages: tuple[Page, ...]
    # The doc_id ingest assigned when the content's own is taken by another path (store.identity).
    doc_key: str | None = None
    # What the loader could not read (a DOCX's comments, an embedded spreadsheet): stored with the
    # document as `ingest_errors` rows of stage `load` beginning "warning:", never silent.
    warnings: tuple[str, ...] = ()

    @property
    def doc_id(self) -> str:
        return self.doc_key or doc_id_for(self.sha256)


def doc_id_for(sha256: str) -> str:
    """A content's own doc_id: its first stored path gets it, so check ids (and the reviews keyed by
    them) follow the content; the same bytes at a second path get a path-salted id (two documents)."""
    return sha256[:16]


@dataclass(frozen=True, slots=True)
class FootnoteRef:
    """A superscript footnote marker that normalization split off the word or number it was glued to."""

    char_start: int  # span of the marker in NormText.text (kept as e.g. "[^10]"-free text: see normalize)
    char_end: int
    number: str


@dataclass(frozen=True, slots=True)
class NormText:
    """The one normalized text of a document; every offset in the database refers to it."""

    text: str
    page_starts: tuple[int, ...] = (0,)  # offset at which page i+1 begins
    footnotes: tuple[FootnoteRef, ...] = ()
    # Spans [start, end) of text that is not body prose (footnote bodies moved to the end,
    # running headers kept for reference); extractors skip figures inside them.
    asides: tuple[tuple[int, int], ...] = ()
    # Spans [start, end) of lines whose content the source set entirely in bold (or as a markdown
    # heading): emphasis markup is stripped from `text`, so this is how the segmenter still sees it.
    bold_lines: tuple[tuple[int, int], ...] = ()
    ocr_pages: tuple[int, ...] = ()  # 1-based numbers of the pages whose text came from OCR
    ocr_marks: tuple[OcrMark, ...] = ()  # repaired or low-confidence OCR tokens, by char_start

    def page_at(self, offset: int) -> int:
        """1-based page number of a character offset."""
        return max(1, bisect.bisect_right(self.page_starts, offset))

    def in_aside(self, offset: int) -> bool:
        return any(s <= offset < e for s, e in self.asides)


@dataclass(frozen=True, slots=True)
class Section:
    section_id: str
    parent_id: str | None
    level: int  # 1 = top
    label: str  # "II", "2.4.3", "a", "Chỉ tiêu 8.4"
    heading: str
    path: str  # labels from the root joined by " > "
    char_start: int  # start of the heading line
    char_end: int  # end of the section's body (start of the next section at the same or higher level)
    page: int
    kind: str = ""  # which heading rule matched (roman, decimal, letter, tieu_chi, chi_tieu, bold, ...)
    repaired_from: str | None = None  # the label as OCR read it ("IIL"), when repaired by sequence


@dataclass(frozen=True, slots=True)
class NumberToken:
    """A number as written, with its parsed value; produced by extractors.numbers."""

    text: str
    value: float
    char_start: int
    char_end: int
    decimals: int  # digits after the decimal separator as written (precision for tolerance)
    is_percent: bool = False


# Extractor suffix of a figure whose digits OCR may have got wrong (a guessed digit, a word below the
# low-confidence line of schemas/ocr_repair.yaml): checks resting on it are never a mismatch.
UNSURE_TAG = "+unsure"
_OCR_READING = re.compile(r"\+[a-z_]+:([^+]*)")


def ocr_tag(rule: str, original: str) -> str:
    """The extractor suffix naming an OCR repair or flag and what OCR read: `+letter_digit:S12`."""
    return f"+{rule}:{original}"


def ocr_read_as(extractor: str | None) -> str:
    """What OCR read where a figure's token was repaired or flagged ("S12"); "" for figures read as
    they stand. The inverse of `ocr_tag`."""
    m = _OCR_READING.search(extractor or "")
    return m.group(1) if m else ""


@dataclass(frozen=True, slots=True)
class Fact:
    fact_id: str
    value: float
    kind: str  # count | percent | money | ratio | other
    char_start: int
    char_end: int
    quote: str
    page: int = 1
    section_id: str | None = None
    metric: str | None = None
    unit: str | None = None
    numerator: float | None = None
    denominator: float | None = None
    subject: str | None = None
    period: str | None = None
    extractor: str = ""
    confidence: float = 1.0
    decimals: int = 0  # stated precision of value (for percents: digits after the comma)
    qualifier: str | None = None  # "trên", "gần", "khoảng", ... an approximate figure cannot be checked exactly
    status: str | None = None  # for criterion tables: "Đạt" / "Không đạt"


# A cell of a criterion table that states a status, not a figure: "Đ" / "Đạt" met, "Không đạt" /
# "Chưa đạt" / "KĐ" not met, "x" ticked. Shared by the criterion facts and the OCR table layout.
STATUS_CELL = re.compile(r"^\s*(?P<s>Đạt|Đ|X|x|Không\s+đạt|Chưa\s+đạt|KĐ|CĐ)\s*$")


@dataclass(frozen=True, slots=True)
class Check:
    check_id: str
    rule: str
    status: str  # ok | mismatch | unverifiable
    stated: float | None
    expected: float | None
    tolerance: float | None
    operands: tuple[float, ...]
    message_vi: str
    message_en: str
    quote: str
    char_start: int
    char_end: int
    page: int = 1
    fact_ids: tuple[str, ...] = ()
    reason: str | None = None  # why unverifiable, when it is
    section_id: str | None = None
    severity: float = 0.0  # relative size of the discrepancy, for ordering "worst first"
    confidence: float = 1.0  # how strongly the text's structure supports this reading (0–1)


@dataclass(frozen=True, slots=True)
class DocMeta:
    doc_number: str | None = None
    doc_type: str | None = None
    title: str | None = None
    issuer: str | None = None
    province: str | None = None
    place: str | None = None
    issued_date: date | None = None
    issued_date_text: str | None = None  # "2023-04-19", "2023-05", "2023"
    signer: str | None = None


@dataclass(frozen=True, slots=True)
class Entity:
    entity_id: str
    label: str  # ORG | LOC | LEVEL | SYSTEM | LAW | ...
    text: str
    normalized: str | None
    char_start: int
    char_end: int
    section_id: str | None = None


@dataclass(frozen=True, slots=True)
class DocResult:
    """Everything one document produces; built in a worker, written by the single writer."""

    loaded: Loaded
    norm: NormText
    meta: DocMeta
    sections: tuple[Section, ...]
    facts: tuple[Fact, ...]
    checks: tuple[Check, ...] = ()
    entities: tuple[Entity, ...] = ()
    timings: dict[str, float] = field(default_factory=dict)

    @property
    def doc_id(self) -> str:
        return self.loaded.doc_id


def stable_id(*parts: object) -> str:
    """A short id that depends only on its parts, so ids survive re-ingest and re-check."""
    import hashlib

    h = hashlib.blake2b("\x1f".join(map(str, parts)).encode("utf-8"), digest_size=8)
    return h.hexdigest()


def section_at(sections: tuple[Section, ...] | list[Section], offset: int) -> Section | None:
    """The innermost section whose span contains the offset (sections are in document order)."""
    best: Section | None = None
    for s in sections:
        if s.char_start > offset:
            break
        if s.char_start <= offset < s.char_end and (best is None or s.level >= best.level):
            best = s
    return best
