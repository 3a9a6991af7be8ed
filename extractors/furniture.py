"""Spans of a text whose numbers are never reported figures: page furniture, dates and times.

News items and portal pages wrap a report's figures in the page's own numbers: date lines with a time
of day ("06:03, 18/03/2020", "Cập nhật lúc: 19:52 04/04/2018", "Thứ Sáu, 27/10/2023, 21:11 (GMT+7)"),
view and comment counters ("Lượt xem: 1.234", "Bình luận" followed by "0"), and image or comment
numbers left alone on a line. Their dates and times come in every notation: "18-3-2020", "14.3.2023",
"2019-02", "tháng 5-2023", "ngày 15-6", "08h30", "21:11". None of them is a figure the report states,
so `extractors.figures` drops every number inside these spans. The phrases are data
(schemas/units.yaml, `furniture`); the shapes below are the notations themselves.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator

import regex
from pydantic import Field

from pipeline.config import Strict, load_model

_TIME = regex.compile(r"(?<![\d:.,/])(?:[01]?\d|2[0-3])(?::[0-5]\d){1,2}(?![\d:])"  # 21:11, 09:08:07
                      r"|(?<![\d:.,/])(?:[01]?\d|2[0-3])h[0-5]\d(?!\d)", regex.IGNORECASE)  # 08h30
_DATE = regex.compile(r"(?<![\d/.,-])\d{1,2}([/.-])\d{1,2}\1(?:\d{4}|\d{2})(?![\d/])")
_ISO_DATE = regex.compile(r"(?<![\d/.,-])(?:19|20)\d{2}-(?:0[1-9]|1[0-2])(?:-(?:0[1-9]|[12]\d|3[01]))?(?![\d/.-])")
_MONTH_YEAR = regex.compile(r"(?<![\d/.,-])(?:0?[1-9]|1[0-2])-(?:19|20)\d{2}(?![\d/.-])")  # tháng 5-2023
_DAY = r"(?:0?[1-9]|[12]\d|3[01])"
_MONTH = r"(?:0?[1-9]|1[0-2])(?!\d|[/.,-]\d|\s*%)"
_NUMBERS_ONLY = regex.compile(r"[\s\d.,:()\[\]/+\-–—|•*]+")
_BARE_NUMBER = regex.compile(r"[ \t]*\d{1,3}(?:[.,]\d{3})*[ \t]*")


class Furniture(Strict):
    """schemas/units.yaml `furniture`: the phrases that make a line page furniture."""

    counter_labels: list[str] = Field(min_length=1)
    dateline_words: list[str] = Field(min_length=1)
    day_words: list[str] = Field(min_length=1)
    daytime_words: list[str] = Field(min_length=1)
    dateline_max: int = Field(gt=0)


@functools.lru_cache(maxsize=4)
def _patterns() -> tuple[regex.Pattern[str], regex.Pattern[str], regex.Pattern[str], int]:
    cfg = load_model("units.yaml", Furniture, section="furniture")

    def alt(phrases: list[str]) -> str:
        return "|".join(r"\s+".join(regex.escape(w) for w in p.split())
                        for p in sorted(set(phrases), key=len, reverse=True))

    counter = regex.compile(r"[ \t]*(?:[-•*+][ \t]*)?(?:" + alt(cfg.counter_labels) + r")[ \t]*[:(]?[ \t]*"
                            r"(?:\d[\d., ]*)?\)?[ \t]*", regex.IGNORECASE)
    words = regex.compile(r"(?<!\w)(?:" + alt(cfg.dateline_words + cfg.counter_labels) + r")(?!\w)",
                          regex.IGNORECASE)
    day = regex.compile(r"(?<=(?<!\w)(?:" + alt(cfg.day_words) + r")[ \u00a0]+)" + _DAY + "-" + _MONTH
                        + r"|(?<=(?<!\w)(?:" + alt(cfg.daytime_words) + r")[ \u00a0]+)" + _DAY + "[-/]" + _MONTH,
                        regex.IGNORECASE)
    return counter, words, day, cfg.dateline_max


def _lines(text: str) -> Iterator[tuple[int, int]]:
    pos = 0
    for line in text.split("\n"):
        yield pos, pos + len(line)
        pos += len(line) + 1


def furniture_spans(text: str) -> list[tuple[int, int]]:
    """Every span of `text` whose numbers are dates, times or page furniture, in text order."""
    counter, words, day, longest = _patterns()
    spans = [m.span() for pat in (_TIME, _DATE, _ISO_DATE, _MONTH_YEAR, day) for m in pat.finditer(text)]
    lines = list(_lines(text))
    for k, (s, e) in enumerate(lines):
        line = text[s:e]
        if not line.strip():
            continue
        counts = counter.fullmatch(line) is not None and any(c.isdigit() for c in line)
        if counts or _is_dateline(line, words, longest) or (_BARE_NUMBER.fullmatch(line) and _alone(text, lines, k)):
            spans.append((s, e))
    return sorted(spans)


def _is_dateline(line: str, words: regex.Pattern[str], longest: int) -> bool:
    """A short line holding a time of day or a date and otherwise only date-line words and numbers."""
    time, date = _TIME.search(line), _DATE.search(line) or _ISO_DATE.search(line)
    if len(line.strip()) > longest or not (time or date):
        return False
    rest = _NUMBERS_ONLY.sub(" ", words.sub(" ", _TIME.sub(" ", line))).strip(" ,.;:-–|()")
    # a time next to a date may share the line with the page's section name ("Thời sự 19:15 12/04/2019")
    return not rest or (time is not None and date is not None and len(rest.split()) <= 3)


def _alone(text: str, lines: list[tuple[int, int]], k: int) -> bool:
    """A bare number on its own line whose nearest non-empty neighbours are prose, not more numbers
    (a column of figures one per line, as PDF tables are often extracted, is a table)."""
    def neighbour(step: int) -> str | None:
        j = k + step
        while 0 <= j < len(lines):
            s, e = lines[j]
            if text[s:e].strip():
                return text[s:e]
            j += step
        return None

    for n in (neighbour(-1), neighbour(1)):
        if n is not None and (_NUMBERS_ONLY.fullmatch(n) is not None
                              or sum(c.isdigit() for c in n) * 3 > len(n.strip())):
            return False
    return True
