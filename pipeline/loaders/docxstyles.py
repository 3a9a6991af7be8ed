"""What a DOCX body walk needs besides the body: styles, fonts, list numbering and footnotes.

Why: Word does not store automatic list numbers ("1.", "a)", "II.") in the text, and a run's font
(which tells a TCVN3/VNI legacy run), caps and bold are inherited through a chain of styles. The
`Context` resolves these once per document; `docxbody` asks it per paragraph and per run.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from lxml import etree

from pipeline.loaders.legacy import (
    ENCODINGS,
    convert_legacy,
    is_legacy_range,
    legacy_font_encoding,
    legacy_signature_count,
)
from pipeline.loaders.syllables import syllable_share

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
FOOTNOTES_REL = "/footnotes"
_FOOTNOTE_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, recover=True)
_HEADING_STYLE = re.compile(r"(?:heading|tiêu đề|title|đề mục)\s*(\d)?$", re.IGNORECASE)


def w(tag: str) -> str:
    return f"{{{W_NS}}}{tag}"


def val(el: etree._Element | None, attr: str = "val") -> str | None:
    return None if el is None else el.get(w(attr))


def on(el: etree._Element | None) -> bool | None:
    """A Word on/off property: absent -> None, present -> its val (default on)."""
    if el is None:
        return None
    return val(el) not in {"0", "false", "off"}


@dataclass
class Styles:
    by_id: dict[str, etree._Element]
    default_paragraph: str | None
    defaults_rpr: etree._Element | None

    @classmethod
    def of(cls, root: etree._Element | None) -> Styles:
        if root is None:
            return cls({}, None, None)
        by_id: dict[str, etree._Element] = {}
        default_paragraph = None
        for style in root.iter(w("style")):
            sid = style.get(w("styleId"))
            if sid:
                by_id[sid] = style
                is_default = style.get(w("default")) in {"1", "true", "on"}
                if is_default and style.get(w("type")) == "paragraph":
                    default_paragraph = sid
        defaults = root.find(f"{w('docDefaults')}/{w('rPrDefault')}/{w('rPr')}")
        return cls(by_id, default_paragraph, defaults)

    def chain(self, style_id: str | None) -> list[etree._Element]:
        out: list[etree._Element] = []
        seen: set[str] = set()
        while style_id and style_id in self.by_id and style_id not in seen and len(out) < 12:
            seen.add(style_id)
            style = self.by_id[style_id]
            out.append(style)
            style_id = val(style.find(w("basedOn")))
        return out

    def name(self, style_id: str | None) -> str:
        style = self.by_id.get(style_id or "")
        return (val(style.find(w("name"))) or "") if style is not None else ""


@dataclass
class _Level:
    start: int
    fmt: str
    text: str
    suffix: str
    legal: bool


@dataclass
class _Numbering:
    levels: dict[str, dict[int, _Level]]  # abstractNumId -> ilvl -> level
    nums: dict[str, str]  # numId -> abstractNumId
    overrides: dict[str, dict[int, int]]  # numId -> ilvl -> start
    counters: dict[str, dict[int, int]] = field(default_factory=dict)
    started: set[str] = field(default_factory=set)

    @classmethod
    def of(cls, root: etree._Element | None) -> _Numbering:
        levels: dict[str, dict[int, _Level]] = {}
        nums: dict[str, str] = {}
        overrides: dict[str, dict[int, int]] = {}
        if root is None:
            return cls(levels, nums, overrides)
        for abstract in root.iter(w("abstractNum")):
            aid = abstract.get(w("abstractNumId")) or ""
            levels[aid] = {}
            for lvl in abstract.iter(w("lvl")):
                levels[aid][int(lvl.get(w("ilvl")) or 0)] = _parse_level(lvl)
        for num in root.iter(w("num")):
            nid = num.get(w("numId")) or ""
            nums[nid] = val(num.find(w("abstractNumId"))) or ""
            for override in num.iter(w("lvlOverride")):
                start = val(override.find(w("startOverride")))
                if start is not None and start.lstrip("-").isdigit():
                    overrides.setdefault(nid, {})[int(override.get(w("ilvl")) or 0)] = int(start)
        return cls(levels, nums, overrides)

    def label(self, num_id: str, ilvl: int) -> str | None:
        """The next label of list `num_id` at level `ilvl` ("2.", "b)", "-"), advancing the counters."""
        aid = self.nums.get(num_id)
        if aid is None or aid not in self.levels:
            return None
        levels = self.levels[aid]
        level = levels.get(ilvl)
        if level is None:
            return None
        counters = self.counters.setdefault(aid, {})
        if num_id not in self.started:  # a new list instance may restart its levels
            self.started.add(num_id)
            for lv, start in self.overrides.get(num_id, {}).items():
                counters[lv] = start - 1
        counters[ilvl] = counters.get(ilvl, level.start - 1) + 1
        for deeper in [k for k in counters if k > ilvl]:
            del counters[deeper]
        if level.fmt == "bullet":
            return _bullet(level.text)
        if level.fmt == "none":
            return None

        def substitute(m: re.Match[str]) -> str:
            k = int(m.group(1)) - 1
            lv = levels.get(k)
            if lv is None:
                return ""
            value = counters.get(k, lv.start)
            fmt = "decimal" if level.legal and k < ilvl else lv.fmt
            return format_number(value, fmt)

        text = re.sub(r"%(\d)", substitute, level.text).strip()
        return text or None


def _parse_level(lvl: etree._Element) -> _Level:
    start = val(lvl.find(w("start")))
    return _Level(
        start=int(start) if start and start.lstrip("-").isdigit() else 1,
        fmt=val(lvl.find(w("numFmt"))) or "decimal",
        text=val(lvl.find(w("lvlText"))) or "",
        suffix=val(lvl.find(w("suff"))) or "tab",
        legal=bool(on(lvl.find(w("isLgl")))),
    )


def _roman(n: int) -> str:
    if n <= 0 or n >= 4000:
        return str(n)
    out = []
    for value, digits in (
        (1000, "M"),
        (900, "CM"),
        (500, "D"),
        (400, "CD"),
        (100, "C"),
        (90, "XC"),
        (50, "L"),
        (40, "XL"),
        (10, "X"),
        (9, "IX"),
        (5, "V"),
        (4, "IV"),
        (1, "I"),
    ):
        while n >= value:
            out.append(digits)
            n -= value
    return "".join(out)


def _letters(n: int) -> str:
    """Word's letter numbering: a..z, then aa..zz, aaa.. (repeat, not base-26)."""
    if n <= 0:
        return str(n)
    return chr(ord("a") + (n - 1) % 26) * ((n - 1) // 26 + 1)


def format_number(n: int, fmt: str) -> str:
    """A list counter in Word's number format (decimal, lowerLetter, upperRoman, decimalZero...)."""
    if fmt == "lowerLetter":
        return _letters(n)
    if fmt == "upperLetter":
        return _letters(n).upper()
    if fmt == "lowerRoman":
        return _roman(n).lower()
    if fmt == "upperRoman":
        return _roman(n)
    if fmt == "decimalZero":
        return f"{n:02d}"
    return str(n)  # decimal and every format we do not render specially


def _bullet(symbol: str) -> str:
    """A bullet's visible character; Symbol/Wingdings private-use glyphs become "-" "+" or "•"."""
    symbol = symbol.strip()
    if not symbol:
        return "•"
    c = symbol[0]
    if "\uf000" <= c <= "\uf0ff":
        c = chr(ord(c) - 0xF000)
        return c if c in "-+*" else "•"
    if c in "-–+*•·>":
        return "-" if c == "–" else c
    return "•"


@dataclass
class Context:
    styles: Styles
    numbering: _Numbering
    footnotes: dict[str, etree._Element]
    legacy_ok: dict[str, bool] = field(default_factory=dict)  # encoding -> its runs really are legacy
    unread: list[str] = field(default_factory=list)  # parts that could not be read, and why

    @classmethod
    def of(cls, document) -> Context:
        part = document.part
        styles_root = None
        try:
            styles_root = part.styles.element  # type: ignore[attr-defined]
        except (KeyError, NotImplementedError, AttributeError):
            styles_root = None
        numbering_root = None
        try:
            numbering_root = part.numbering_part.element
        except (KeyError, NotImplementedError, AttributeError):
            numbering_root = None
        footnotes: dict[str, etree._Element] = {}
        unread: list[str] = []
        for rel in part.rels.values():
            if rel.reltype.endswith(FOOTNOTES_REL) and not rel.is_external:
                try:  # a DTD in the part is no reason to drop the footnotes: entities stay unresolved
                    root = etree.fromstring(rel.target_part.blob, _FOOTNOTE_PARSER)
                except etree.XMLSyntaxError as e:
                    unread.append(f"the footnotes ({rel.target_part.partname.lstrip('/')}) are not read: {e}")
                    continue
                if root is None:  # nothing lxml could recover
                    unread.append(f"the footnotes ({rel.target_part.partname.lstrip('/')}) are not read: no XML")
                    continue
                for note in root.iter(w("footnote")):
                    if note.get(w("type")) in (None, "normal"):
                        footnotes[note.get(w("id")) or ""] = note
        context = cls(Styles.of(styles_root), _Numbering.of(numbering_root), footnotes, unread=unread)
        context.legacy_ok = context._verify_legacy(document.element.body)
        return context

    # fonts -----------------------------------------------------------------------------------
    def run_format(self, run: etree._Element, paragraph_style: str | None) -> tuple[str | None, bool, bool]:
        """(legacy encoding of the run's font or None, upper-case it, bold) for one w:r."""
        rpr = run.find(w("rPr"))
        levels: list[etree._Element] = []
        if rpr is not None:
            levels.append(rpr)
            levels += [s.find(w("rPr")) for s in self.styles.chain(val(rpr.find(w("rStyle"))))]
        levels += [
            s.find(w("rPr")) for s in self.styles.chain(paragraph_style or self.styles.default_paragraph)
        ]
        if self.styles.defaults_rpr is not None:
            levels.append(self.styles.defaults_rpr)
        font = None
        caps = bold = None
        for level in levels:
            if level is None:
                continue
            fonts = level.find(w("rFonts"))
            if font is None and fonts is not None:
                font = _font_of(fonts)
            if caps is None:
                caps = on(level.find(w("caps")))
            if bold is None:
                bold = on(level.find(w("b")))
        encoding, upper_font = legacy_font_encoding(font or None)
        return encoding, bool(caps) or upper_font, bool(bold)

    def heading_level(self, p: etree._Element) -> int | None:
        """1..6 for a heading paragraph (Heading n / Tiêu đề n / Title style, or an outline level)."""
        ppr = p.find(w("pPr"))
        outline = val(ppr.find(w("outlineLvl"))) if ppr is not None else None
        for style in self.styles.chain(self.paragraph_style(p)):
            name = val(style.find(w("name"))) or ""
            m = _HEADING_STYLE.match(name.strip())
            if m:
                return min(int(m.group(1) or 1), 6)
            if outline is None:
                spr = style.find(w("pPr"))
                outline = val(spr.find(w("outlineLvl"))) if spr is not None else None
        if outline is not None and outline.isdigit() and int(outline) < 9:
            return min(int(outline) + 1, 6)
        return None

    def paragraph_style(self, p: etree._Element) -> str | None:
        return val(p.find(f"{w('pPr')}/{w('pStyle')}")) or self.styles.default_paragraph

    def num_pr(self, p: etree._Element) -> tuple[str, int] | None:
        numpr = p.find(f"{w('pPr')}/{w('numPr')}")
        num_id = val(numpr.find(w("numId"))) if numpr is not None else None
        ilvl = val(numpr.find(w("ilvl"))) if numpr is not None else None
        if num_id is None:
            for style in self.styles.chain(self.paragraph_style(p)):
                snum = style.find(f"{w('pPr')}/{w('numPr')}")
                if snum is not None:
                    num_id = val(snum.find(w("numId")))
                    ilvl = ilvl or val(snum.find(w("ilvl")))
                    if num_id is not None:
                        break
        if num_id is None or num_id == "0":
            return None
        return num_id, int(ilvl) if ilvl and ilvl.isdigit() else 0

    def _verify_legacy(self, body: etree._Element) -> dict[str, bool]:
        """Does text in legacy-named fonts really read as legacy? Fonts lie after Unicode conversion."""
        samples: dict[str, list[str]] = {enc: [] for enc in ENCODINGS}
        for p in body.iter(w("p")):
            style = self.paragraph_style(p)
            for run in p.iter(w("r")):
                encoding, _, _ = self.run_format(run, style)
                if encoding:
                    samples[encoding].append("".join(t.text or "" for t in run.iter(w("t"))))
        verdict: dict[str, bool] = {}
        for enc, parts in samples.items():
            text = " ".join(parts)
            if not parts or not is_legacy_range(text):
                verdict[enc] = False
                continue
            before, _ = syllable_share(text)
            after, _ = syllable_share(convert_legacy(text, enc))
            verdict[enc] = after >= before - 0.02 or legacy_signature_count(text) > 0
        return verdict


def _font_of(fonts: etree._Element) -> str | None:
    for attr in ("hAnsi", "ascii", "cs"):
        if fonts.get(w(f"{attr}Theme")) is not None and fonts.get(w(attr)) is None:
            return ""  # a theme font: modern, never legacy
        name = fonts.get(w(attr))
        if name:
            return name
    return None
