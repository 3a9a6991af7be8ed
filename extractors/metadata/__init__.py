"""Document metadata (số hiệu, kind, trích yếu, issuer, province, place, date, signer) from the text.

Why rules and not a model: a Vietnamese administrative document follows a fixed layout (Nghị định
30/2020/NĐ-CP): a header block with the issuing body and "Số: 957/BC-UBND", the date line
"<Place>, ngày 19 tháng 4 năm 2023", the kind in capitals ("BÁO CÁO") with the trích yếu under it,
an opening sentence "..., <issuer> báo cáo ...", a closing "Trên đây là báo cáo ... của <issuer>",
and the signature block ("TM. ỦY BAN NHÂN DÂN / KT. CHỦ TỊCH / PHÓ CHỦ TỊCH / <name>"). Text
extraction scrambles the two-column header, drops parts of it and pastes in incoming-document
stamps, so every field has several sources, tried in order of reliability, and a field that no
source settles is None rather than a guess.

The vocabulary (kinds, agency heads, signature roles, family names) is data in schemas/metadata.yaml.

Modules: `rules` (the vocabulary, validated), `layout` (header block, closing, stamps: where each
field may stand), `agency` (the issuing body from its several sources), `fields` (number, title,
date, signer, province).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence

from extractors.header import apply_header  # header reader: layouts A-D, news pages (issue 18)
from extractors.metadata.agency import (
    Agency,
    _agency_before_verb,
    _closing_agency,
    _complete,
    _header_agency,
    _recase,
    _signature_agency,
)
from extractors.metadata.fields import (
    _kind_from_number,
    decide_province,
    find_date_line,
    find_doc_number,
    find_signer,
    find_title,
)
from extractors.metadata.layout import _layout
from extractors.metadata.rules import MetaRules, load_rules
from pipeline.model import DocMeta, NormText, Section

__all__ = ["Agency", "MetaRules", "extract_metadata", "load_rules"]


# ----------------------------------------------------------------------------------------------- API


def extract_metadata(t: NormText, sections: Sequence[Section] = ()) -> DocMeta:
    """All metadata fields of one document; a field that the text does not settle is None."""
    rules = load_rules()
    text = unicodedata.normalize("NFC", t.text)
    if not text.strip():
        return DocMeta()
    lay = _layout(text, sections, rules)
    number = find_doc_number(lay)
    dl = find_date_line(lay)
    front_text = lay.span_text(text, 0, lay.front)
    front_end_char = lay.lines[lay.front - 1].end if lay.front else 0

    sources = [
        a
        for a in (
            _header_agency(lay, rules),
            _agency_before_verb(front_text, rules, rules.opening_verbs),
            _closing_agency(lay.span_text(text, lay.close_start, lay.close_end), rules),
            _signature_agency(lay, rules),
        )
        if a is not None
    ]
    agency = next((a for a in sources if a.complete), sources[0] if sources else None)
    province = decide_province(agency, dl.place, text, front_end_char, rules.national_re)
    issuer = None
    if agency is not None:
        agency = _complete(agency, sources, dl.place, province, text)
        province = province or decide_province(agency, dl.place, text, front_end_char, rules.national_re)
        if agency.complete:
            field = _recase(agency.head, agency.field, text)
            issuer = Agency(agency.head, field, agency.level, agency.name).render()

    # Header reader (issue 18): its fields fill or override these, by extractors/header's precedence.
    return apply_header(DocMeta(
        doc_number=number,
        doc_type=lay.doc_type or _kind_from_number(number, rules),
        title=find_title(lay, text, rules),
        issuer=issuer,
        province=province,
        place=dl.place,
        issued_date=dl.value,
        issued_date_text=dl.text,
        signer=find_signer(lay, rules),
    ), text)
