"""Small predicates over a passage that several finders share: does a gap end the sentence, do the
words between a figure and a percent tie them, what a label means once stopwords and synonyms are
dropped, which period a figure belongs to, and whether a noun heads a total's unit.

Why shared: a finder that decided "same sentence" or "same unit" its own way would disagree with the
others about the same two figures.
"""

from __future__ import annotations

import re
import unicodedata

from pipeline.check.passage import WORD_RE, Fig, Passage, clean, compatible
from pipeline.structure.layout import SENT_BREAK, bullet_marks


def has_sentence_break(doc: Passage, gap: str, next_char: str = "") -> bool:
    # "tách nhập hộ… là 44 hộ": an ellipsis before a lower-case word trails off a list, it ends no sentence
    g = re.sub(r"(?:…|\.\.\.)(?=\s+[^\W\d_A-ZÀ-ỸĐ])", "", clean(gap))
    if SENT_BREAK.search(g + (" " if next_char else "")):
        return True
    if "\n" in g:
        before, _, after = g.partition("\n")
        if before.rstrip().endswith((".", ";", ":", "!", "?")):
            return True
        rest = after.lstrip("\n \t")
        if bullet_marks(rest) or re.match(r"[-–+•·]\s", rest):
            return True
    return False


COMMA_BRIDGE_WORDS = 10


def bridge_ok(doc: Passage, gap: str, *, max_words: int, weak_words: int = 3) -> bool:
    """The words between a part (or fraction) and a percent tie them: "... hồ sơ, chiếm 12,5%"."""
    g = clean(gap)
    if ";" in g or "\n" in g.strip(" \t") or SENT_BREAK.search(g):
        return False
    # "đạt trên 85%": the qualifier belongs to the number, not to the bridge
    g = doc.rules.qualifier_re.sub("", g.strip()).strip()
    if not g:
        return False
    bridge = doc.rules.bridge_re
    m = re.search(r"(?:(?<!\w)" + bridge + r"(?!\w)[\s:=]*)+\(?\s*$|\(\s*$|=\s*$", g, re.I)
    if not m:
        return False
    words = WORD_RE.findall(g[: m.start()])
    strong = re.search(r"(?<!\w)" + doc.rules.strong_bridge_re + r"(?!\w)|=|\(", g[m.start() :], re.I)
    limit = max_words if strong else min(max_words, weak_words)
    # "N hồ sơ được trả kết quả trước và đúng hạn, đạt p%": a weak bridge after the one comma that
    # closes the part's description ties the percent to the clause's figure
    if not strong and re.fullmatch(r"[^,;()]*,\s*", g[: m.start()]):
        limit = max(limit, min(max_words, COMMA_BRIDGE_WORDS))
    return len(words) <= limit


def norm_label(doc: Passage, s: str) -> tuple[str, ...]:
    s = unicodedata.normalize("NFC", clean(s).lower())
    for pat, rep in doc.rules.synonyms:
        s = pat.sub(rep, s)
    return tuple(w for w in WORD_RE.findall(s) if w not in doc.rules.stopwords)


def period_of(doc: Passage, fig: Fig | None, head: str) -> str | None:
    if fig is not None and fig.period:
        return fig.period
    m = re.findall(r"(?:đến|tới)\s+(?:ngày\s+)?(\d{1,2}/\d{1,2}/\d{4})", head)
    if m:
        return "..".join(re.findall(r"\d{1,2}/\d{1,2}/\d{4}", head)) or m[-1]
    years = re.findall(r"(?<!\w)năm\s+(\d{4})", head, re.I)
    return years[-1] if years else None


# ----------------------------------------------------------------------------------------------
# Lists: a total and its parts
# ----------------------------------------------------------------------------------------------


def matching_paren(text: str, open_pos: int, limit: int) -> int:
    depth = 0
    for i in range(open_pos, min(limit, len(text))):
        if text[i] == "(":
            depth += 1
        elif text[i] == ")":
            depth -= 1
            if depth == 0:
                return i
    return -1


def part_excluded(doc: Passage, label: str, head: str) -> bool:
    """ "đã giải quyết 100 hồ sơ, trong đó ... đang giải quyết 4": a stage, not a part."""
    m = doc.rules.not_part_re.match(clean(label).strip().lower())
    if not m:
        return False
    verb = m.group(1).split()[0]
    totals = doc.rules.config.not_a_part_aspect.total
    return any(
        re.search(rf"(?<!\w){re.escape(t)}\s+(?:[\w,]+\s+){{0,2}}{re.escape(verb)}", head.lower())
        for t in totals
    )


def in_unit_phrase(doc: Passage, unit: str | None, total: Fig) -> bool:
    """ "13 thôn, buôn, trong đó 10 thôn và 04 buôn": the nouns written after a total name its parts."""
    if unit is None:
        return True
    m = re.match(r"[^\d;.(:\n]{0,60}", doc.text[total.end :])
    phrase = m.group(0) if m else ""
    cut = doc.rules.parts_re.search(phrase)
    words = set(WORD_RE.findall((phrase[: cut.start()] if cut else phrase).lower()))
    return unit.split()[0] in words


def umbrella(doc: Passage, unit: str | None) -> bool:
    return unit is not None and unit in doc.rules.umbrella_units


def unit_heads(doc: Passage, total: Fig, unit: str | None) -> bool:
    """Can a total counted in its noun have a part counted in `unit`?"""
    return compatible(total.unit, unit) or in_unit_phrase(doc, unit, total) or umbrella(doc, total.unit)


