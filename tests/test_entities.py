"""Entities with spaCy: agencies, units and levels, systems, legal references, with offsets into the text."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from extractors.entities import build_nlp, extract_entities
from pipeline.model import NormText
from pipeline.structure.tree import segment


def ents(text: str):
    t = NormText(text=text)
    return extract_entities(t, segment(t))


def by_label(text: str, label: str) -> list[str]:
    return [e.text for e in ents(text) if e.label == label]


def test_pipeline_is_blank_vietnamese_without_pyvi_and_built_once() -> None:
    nlp = build_nlp()
    assert nlp.lang == "vi"
    assert build_nlp() is nlp
    assert "entity_ruler" in nlp.pipe_names
    doc = nlp("UBND huyện,  Sở Nội vụ.\nHĐND-UBND")
    assert doc.text == "UBND huyện,  Sở Nội vụ.\nHĐND-UBND"  # offsets map one to one
    assert "," in [t.text for t in doc]  # punctuation is its own token


def test_legal_reference_is_one_entity_with_type_number_date_and_issuer() -> None:
    text = "Thực hiện Quyết định số 845/QĐ-UBND ngày 03/7/2021 của UBND tỉnh Bến Tre về việc ban hành quy chế."
    laws = [e for e in ents(text) if e.label == "LAW"]
    assert len(laws) == 1
    law = laws[0]
    assert law.text == "Quyết định số 845/QĐ-UBND ngày 03/7/2021 của UBND tỉnh Bến Tre"
    info = json.loads(law.normalized or "{}")
    assert info == {"type": "Quyết định", "number": "845/QĐ-UBND", "date": "2021-07-03", "issuer": "UBND tỉnh Bến Tre"}


def test_legal_reference_written_out_in_words_and_issuer_from_its_code() -> None:
    text = "Theo Nghị định 61/2018/NĐ-CP ngày 23 tháng 4 năm 2018, các xã thực hiện."
    law = next(e for e in ents(text) if e.label == "LAW")
    info = json.loads(law.normalized or "{}")
    assert info["date"] == "2018-04-23" and info["issuer"] == "Chính phủ" and info["number"] == "61/2018/NĐ-CP"


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Phòng Tài nguyên và Môi trường đã cấp 12 giấy phép.", "Phòng Tài nguyên và Môi trường"),
        ("Trung tâm Văn hóa – Thể thao và Du lịch huyện đã đăng 40 tin.",
         "Trung tâm Văn hóa – Thể thao và Du lịch huyện"),
        ("Văn phòng HĐND-UBND huyện đã phát hành 900 văn bản.", "Văn phòng HĐND-UBND huyện"),
        ("- Đơn vị sự nghiệp trực thuộc UBND huyện: 30 máy.", "Đơn vị sự nghiệp trực thuộc UBND huyện"),
        ("Bộ Chỉ huy Quân sự tỉnh: 12 camera.", "Bộ Chỉ huy Quân sự tỉnh"),
    ],
)
def test_agency_grows_from_its_head_to_the_end_of_its_name(text: str, name: str) -> None:
    assert name in by_label(text, "ORG")


@pytest.mark.parametrize("text", ["Ban hành kế hoạch năm nay.", "Hội nghị trực tuyến đã diễn ra.",
                                  "Phòng chống mã độc cho máy chủ."])
def test_a_head_word_that_opens_an_ordinary_phrase_is_not_an_agency(text: str) -> None:
    assert by_label(text, "ORG") == []


def test_levels_are_normalized() -> None:
    text = "UBND các xã, thị trấn đã triển khai; cấp huyện đạt 100%; toàn tỉnh có."
    found = {e.text: e.normalized for e in ents(text) if e.label == "LEVEL"}
    assert found == {"UBND các xã, thị trấn": "cấp xã", "cấp huyện": "cấp huyện", "toàn tỉnh": "toàn tỉnh"}


def test_places_come_from_the_gazetteer_and_communes_from_their_level_word() -> None:
    locs = by_label("Tại huyện Châu Thành, tỉnh An Giang có xã Vĩnh Hanh và thị trấn An Châu.", "LOC")
    assert "huyện Châu Thành" in locs and "tỉnh An Giang" in locs
    assert "xã Vĩnh Hanh" in locs and "thị trấn An Châu" in locs


def test_systems_and_channels() -> None:
    found = ents("Phần mềm iDesk kết nối LGSP; Cổng Thông tin điện tử tỉnh Bến Tre đăng 50 tin.")
    assert {"iDesk", "LGSP"} <= {e.text for e in found if e.label == "SYSTEM"}
    assert "Cổng Thông tin điện tử tỉnh Bến Tre" in [e.text for e in found if e.label == "MEDIA"]


def test_entity_offsets_quote_the_text_and_ids_are_stable() -> None:
    text = "Sở Nội vụ và UBND huyện Châu Thành ban hành Kế hoạch số 12/KH-UBND ngày 05/01/2022."
    first, again = ents(text), ents(text)
    assert [e.entity_id for e in first] == [e.entity_id for e in again]
    for e in first:
        assert text[e.char_start:e.char_end] == e.text


@pytest.mark.parametrize("line", ['{"label": "ORG"}', '{"label": "PERSON", "pattern": "ông"}', "not json"])
def test_a_bad_pattern_file_is_a_config_error(tmp_path: Path, line: str) -> None:
    from extractors.entities import load_patterns
    from pipeline.errors import ConfigError

    path = tmp_path / "patterns.jsonl"
    path.write_text('{"label": "LEVEL", "pattern": "cấp xã", "id": "level.xa"}\n' + line + "\n", encoding="utf-8")
    with pytest.raises(ConfigError):
        load_patterns(path)
