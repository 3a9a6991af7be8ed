"""Fuzzing (issue 17): the number grammar, the layout and the whole per-document analysis (figures,
meaning, every relation finder and check) over generated text never raise, keep every span inside
the text and keep their invariants. Examples are few (the suite stays fast) but drawn from the pieces
real reports are made of: Vietnamese words, figures in Vietnamese notation, multiplier words,
percent signs, headings, bullets, table pipes, tabs and runs of spaces."""

from __future__ import annotations

import hashlib
import math

import regex
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from extractors import meaning
from extractors.numbers import find_numbers, parse_vi_number
from pipeline.check.passage import Passage
from pipeline.check.rules import load_rules
from pipeline.ingest import analyze
from pipeline.model import Loaded, Page
from pipeline.normalize import normalize
from pipeline.structure.layout import build_layout

FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Pieces of administrative prose, written for this test (no sentence of any real report).
WORDS = [
    "Năm", "năm 2023", "toàn tỉnh", "huyện", "xã", "có", "gồm", "đạt", "chiếm", "tăng", "giảm", "so với",
    "cùng kỳ", "trong đó", "tổng số", "còn lại", "hồ sơ", "trường hợp", "hộ nghèo", "lượt người",
    "tỷ", "triệu", "nghìn", "tỷ đồng", "triệu đồng", "ha", "km", "người", "%", "bằng", "là", "được",
    "I.", "II.", "III.", "1.", "2.1.", "a)", "b)", "-", "+", "*", "•", "|", "\t", "   ", ":", ";", ",", ".",
    "(", ")", "/", "\n", "\n", "\n\n", "Tổng cộng", "Cộng", "Đạt", "Không đạt", "STT", "Chỉ tiêu",
    "Kết quả", "BÁO CÁO", "Số: 12/BC-UBND", "ngày 05 tháng 3 năm 2024", "Nơi nhận:", "TM. ỦY BAN NHÂN DÂN",
    "kế hoạch", "dự toán", "thực hiện", "ước", "trên", "gần", "khoảng", "hơn", "lần", "điểm", "bình quân",
]
VI_LETTERS = "aăâbcdđeêghiklmnoôơpqrstuưvxyàáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵĐÂƯƠ"
CHAOS = VI_LETTERS + "0123456789.,;:%-+*/()|•\t \n\u00a0"


@st.composite
def vi_number(draw) -> str:
    """A figure as reports write it: grouped thousands with dots, a decimal comma, a percent sign."""
    n = draw(st.integers(min_value=0, max_value=10**12))
    grouped = f"{n:,}".replace(",", ".") if draw(st.booleans()) else str(n)
    if draw(st.booleans()):
        grouped += "," + str(draw(st.integers(min_value=0, max_value=999)))
    return grouped + draw(st.sampled_from(["", "", "%", " %", " tỷ", " triệu", " ha"]))


piece = st.one_of(st.sampled_from(WORDS), vi_number(), st.text(CHAOS, min_size=1, max_size=6))
passages = st.one_of(
    st.lists(piece, min_size=1, max_size=60).map(" ".join),
    st.lists(piece, min_size=1, max_size=60).map("".join),
    st.text(CHAOS, max_size=400),
)


def _loaded(text: str) -> Loaded:
    sha = hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()
    return Loaded(path="<fuzz>", sha256=sha, source_kind="text", pages=(Page(1, text),))


@FUZZ
@given(passages)
def test_numbers_found_in_any_text_are_well_formed_and_inside_it(text: str) -> None:
    end = 0
    for tok in find_numbers(text):
        assert end <= tok.char_start < tok.char_end <= len(text)  # in order, not overlapping
        end = tok.char_end
        assert text[tok.char_start:tok.char_end] == tok.text
        assert any(c.isdigit() for c in tok.text)
        assert math.isfinite(tok.value) and tok.decimals >= 0


@FUZZ
@given(st.one_of(vi_number(), st.text(CHAOS, max_size=30)))
def test_parsing_a_number_either_refuses_it_or_gives_a_finite_value(s: str) -> None:
    try:
        value, decimals = parse_vi_number(s)
    except ValueError:
        return
    assert math.isfinite(value) and decimals >= 0


@FUZZ
@given(passages)
def test_the_layout_of_any_text_stays_inside_it(text: str) -> None:
    norm = normalize(_loaded(text))
    n = len(norm.text)
    layout = build_layout(norm)
    previous = -1
    for ln in layout.lines:
        assert previous < ln.start <= ln.body <= ln.end <= n
        assert "\n" not in norm.text[ln.start:ln.end]
        previous = ln.start
    assert list(layout.line_starts) == [ln.start for ln in layout.lines]
    for s in layout.sentences:
        assert 0 <= s.start <= s.end <= n and 0 <= s.line < len(layout.lines)
    for item in layout.items:
        assert 0 <= item.start <= item.text_start <= item.end <= n
        assert item.parent is None or 0 <= item.parent < len(layout.items)
    for t in layout.tables:
        assert 0 <= t.start <= t.end <= n and t.rows
    for a in layout.asides:
        assert 0 <= a.start <= a.end <= n


@FUZZ
@given(passages)
def test_the_whole_analysis_of_any_passage_keeps_its_spans_and_figures(text: str) -> None:
    result = analyze(_loaded("BÁO CÁO\nKết quả thực hiện năm 2024\n" + text))
    body = result.norm.text
    n = len(body)
    ids = set()
    for f in result.facts:
        assert 0 <= f.char_start < f.char_end <= n
        assert f.quote == body[f.char_start:f.char_end]
        assert f.status is not None or any(c.isdigit() for c in f.quote)  # a figure's span holds its digits
        assert math.isfinite(f.value) and 0 <= f.confidence <= 1
        ids.add(f.fact_id)
    assert len(ids) == len(result.facts)
    for c in result.checks:
        assert c.status in {"ok", "mismatch", "unverifiable"}
        assert 0 <= c.char_start <= c.char_end <= n
        assert set(c.fact_ids) <= ids
        assert all(x is None or math.isfinite(x) for x in (c.stated, c.expected, c.tolerance, *c.operands))
    for s in result.sections:
        assert 0 <= s.char_start <= s.char_end <= n


def _sentence_start_by_scanning(text: str, lo: int, pos: int) -> int:
    """The definition `Passage.sentence_start` implements from its parenthesis index: from `pos` back
    to the sentence's start `lo` (the Layout's), stopping after an unclosed '('."""
    depth = 0
    for i in range(pos - 1, lo - 1, -1):
        if text[i] == ")":
            depth += 1
        elif text[i] == "(":
            if depth == 0:
                return i + 1
            depth -= 1
    return lo


@FUZZ
@given(st.text(".!?…* \n\t()aĐ1,;", max_size=300), st.data())
def test_a_sentence_start_from_the_paren_index_equals_a_scan_of_the_sentence(text: str, data) -> None:
    norm = normalize(_loaded("BÁO CÁO\n" + text))
    passage = Passage(norm, (), (), load_rules())
    for pos in data.draw(st.lists(st.integers(0, len(norm.text)), max_size=8)):
        lo = passage.layout.sentence_floor(pos)
        assert passage.sentence_start(pos) == _sentence_start_by_scanning(norm.text, lo, pos)


@FUZZ
@given(st.text("ab .;\n", max_size=300), st.integers(3, 40))
def test_sentences_are_cut_only_past_the_longest_a_figure_looks_back_over(text: str, longest: int) -> None:
    starts = sorted({0} | {m.end() for m in regex.finditer(r"\. ", text)})
    bounded = meaning._bounded_sentences(text, starts, longest)
    assert set(starts) <= set(bounded) and bounded == sorted(set(bounded))
    for s, e in zip(bounded, [*bounded[1:], len(text)], strict=True):
        space = regex.search(r"\s+", text[s + longest:e])
        assert e - s <= longest or space is None or s + longest + space.end() >= e  # no space left to cut at
        if s not in starts:
            assert text[s - 1].isspace()
