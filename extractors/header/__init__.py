"""One header reader for every layout a document reaches us in, and how its fields join the rest.

Why a package: the official header (rebuilt from pipe rows, cell-per-line runs or damaged PDF text,
layout.py; read in official.py), a legal-text site's metadata table (layout.site_table) and a news
page's furniture (page.py) are different grammars, but the caller wants one answer per field.
`apply_header` is that answer, with one precedence:

1. the document's own header, when it was rebuilt from cells (pipe rows, "|" runs), overrides what the
   line-based metadata code found; in plain lines it only fills what that code left empty, except a
   number that lost its hyphen, which it repairs;
2. a site's metadata table fills what is still empty, never overriding the document;
3. on a page with no official header, the headline is the title and the publication date line is the
   issued date; the named source fills an empty issuer;
4. a central body (Chính phủ, a Bộ …) has no province.
"""

from __future__ import annotations

import dataclasses
import unicodedata
from datetime import date

import regex

from extractors import gazetteer as gz
from extractors.header.agency import compose_issuer, is_central
from extractors.header.layout import rebuild, site_line, site_table
from extractors.header.official import OfficialHeader, kind_of_code, read_official, repair_code
from extractors.header.page import PageFields, read_page
from extractors.header.rules import header_rules
from pipeline.model import DocMeta

__all__ = ["OfficialHeader", "PageFields", "apply_header", "read_header"]

_DMY_RE = regex.compile(r"(?P<d>\d{1,2})[/.-](?P<m>\d{1,2})[/.-](?P<y>(?:19|20)\d{2})")


def read_header(text: str) -> tuple[OfficialHeader, dict[str, str], PageFields]:
    """The official header, the site table (label → value) and the page fields of one text."""
    rules = header_rules()
    text = unicodedata.normalize("NFC", text)
    site = site_table(text, rules)
    # The site's table is not the document's own header: its line is blanked (same length) for that reader.
    own = "\n".join(" " * len(ln) if site and site_line(ln, rules) else ln for ln in text.split("\n"))
    return read_official(rebuild(own, rules), own, rules), site, read_page(text, rules)


def _key(s: str | None) -> str:
    return regex.sub(r"[\s\-]", "", s or "").casefold()


def _province_of(issuer: str | None, aliases: dict[str, str]) -> str | None:
    """The province an issuer's name carries: a unit with its level word, a short alias ("TP.HCM"), or a
    bare province name ending it ("Sở Giáo dục và Đào tạo Bạc Liêu")."""
    if not issuer:
        return None
    for m in gz.find_admin_units(issuer):
        if m.is_province or len(m.provinces) == 1:
            return m.provinces[0]
    for alias, prov in aliases.items():
        if regex.search(rf"(?<![\p{{L}}\p{{M}}]){regex.escape(alias)}(?![\p{{L}}\p{{M}}])", issuer):
            return prov
    words = issuer.split()
    for n in (3, 2):
        if len(words) > n + 1 and all(w[:1].isupper() for w in words[-n:]):
            prov = gz.province_named(" ".join(words[-n:]))
            if prov:
                return prov
    return None


def _headline_province(title: str | None) -> str | None:
    """A page's headline led by a province and a colon ("Bạc Liêu: …") is about that province."""
    head, sep, _ = (title or "").partition(":")
    return gz.province_named(head.strip()) if sep and 0 < len(head.split()) <= 4 else None


def _site_fields(site: dict[str, str], text: str) -> dict[str, object]:
    rules = header_rules()
    out: dict[str, object] = {}
    if "doc_number" in site:
        num = site["doc_number"].split()[0]
        head, _, code = num.rpartition("/")
        out["doc_number"] = f"{head}/{repair_code(code, rules)}" if head else num
    if "doc_type" in site:
        out["doc_type"] = site["doc_type"].upper()
    if "issuer" in site:
        comp = compose_issuer([site["issuer"]], text, rules)
        out["issuer"] = comp[0] if (comp and comp[1] is not None) or (comp and not comp[2]) else site["issuer"]
    if "signer" in site:
        out["signer"] = site["signer"]
    if "issued_date" in site and (m := _DMY_RE.search(site["issued_date"])):
        try:
            d = date(int(m["y"]), int(m["m"]), int(m["d"]))
            out["issued_date"], out["issued_date_text"] = d, d.isoformat()
        except ValueError:
            pass
    return out


def apply_header(old: DocMeta, text: str) -> DocMeta:
    """The metadata with the header reader's fields merged in, by the precedence of this module."""
    rules = header_rules()
    off, site, page = read_header(text)
    new: dict[str, object] = {f.name: getattr(old, f.name) for f in dataclasses.fields(DocMeta)}
    if off.found:
        cells = off.layout != "lines"
        mine = {"doc_number": off.doc_number, "doc_type": off.doc_type, "issuer": off.issuer, "place": off.place,
                "issued_date": off.issued_date, "issued_date_text": off.issued_date_text}
        for k, v in mine.items():
            if v is None:
                continue
            bare = k == "issuer" and new[k] in {h[1] for h in rules.heads}  # "Văn phòng" alone names no body
            if cells or bare or new[k] is None or (k == "doc_number" and _key(str(new[k])) == _key(off.doc_number)):
                if k == "doc_number" and new[k] not in (None, v) and off.doc_type:
                    new["doc_type"] = off.doc_type  # the repaired code names the kind ("BCUBND" → BC-UBND)
                new[k] = v
        if cells and isinstance(new["title"], str):  # a title read across cells keeps no cell separators
            new["title"] = " ".join(new["title"].replace("|", " ").split()) or None
        if new["issued_date_text"] == off.issued_date_text and off.issued_date_text:
            new["issued_date"] = off.issued_date
    for k, v in _site_fields(site, text).items():
        if new.get(k) is None:
            new[k] = v
    if new["doc_type"] is None and new["doc_number"]:
        new["doc_type"] = kind_of_code(str(new["doc_number"]).rpartition("/")[2], rules)
    if not off.found:
        new["title"] = page.title  # no headline above the lead: the excerpt has no title
        if page.issued_date_text:
            new["issued_date"], new["issued_date_text"] = page.issued_date, page.issued_date_text
        if new["issuer"] is None and page.issuer:
            new["issuer"] = page.issuer
    issuer = new["issuer"]
    if isinstance(issuer, str) and is_central(issuer, rules):
        new["province"] = None
    elif new["province"] is None:
        new["province"] = _province_of(issuer if isinstance(issuer, str) else None, rules.sec.province_aliases)
        if new["province"] is None and not off.found:
            new["province"] = _headline_province(page.title)
    return DocMeta(**new)  # type: ignore[arg-type]
