"""Counts of listed names: "03 đơn vị: A, B và C" states 3 and lists three.

Why cautious: names may contain commas or "và", so another split of the same list is a reading that
makes a count unverifiable rather than a mismatch.
"""

from __future__ import annotations

import re

from pipeline.check.clauses import matching_paren
from pipeline.check.parts import approx
from pipeline.check.passage import WORD_RE, YEAR_RE, Passage
from pipeline.check.relation import Reading, Relation

_LIST_OPENER = re.compile(
    r"[ \t]*(?:[^\s,;:()]+(?:[ \t]+|,[ \t]*(?=gồm|bao gồm|là))){0,14}?"
    r"(?:(?:gồm|bao gồm|gồm có|là)[ \t]*:?|:|\()[ \t]*"
)
_LIST_ITEM_SPLIT = re.compile(r"\s*[,;]\s*|\s+và\s+")
# "cho 4 xã Tân An, Tân Bình và Tân Lập.": a count, its noun (lower case) and the names right after it,
# the last joined by "và" (a closed list), every name capitalised.
_UPPER = "[" + "".join(c for c in map(chr, range(0x41, 0x1EFA)) if c.isalpha() and c.isupper()) + "]"
_LOWER = "[" + "".join(c for c in map(chr, range(0x61, 0x1EFA)) if c.isalpha() and c.islower()) + "]"
_NAME = _UPPER + r"[^\W\d_]*(?:[ \t]+" + _UPPER + r"[^\W\d_]*){0,3}"
_NAMED_LIST = re.compile(
    r"[ \t]+(?:" + _LOWER + r"+[ \t]+){0,2}?(" + _NAME + r"(?:,[ \t]*" + _NAME + r")*[ \t]+và[ \t]+" + _NAME
    + r")(?=[ \t]*(?:[.;:)\n]|,[ \t]|$)|[ \t]+" + _LOWER + ")"
)
_SEMICOLON_ITEM_WORDS = 25  # items set apart by ";" may be long names holding commas and "và"


def list_count_relations(doc: Passage) -> list[Relation]:
    """ "13/16 (A, B, …, và M)", "02 đơn vị … gồm: A năm 2020, B năm 2022": the count of names listed."""
    out: list[Relation] = []
    text = doc.text
    for f in doc.figs:
        if not (f.countlike or f.kind == "ratio") or f.kind == "money":
            continue
        n = f.total_value
        if not float(n).is_integer() or not 2 <= n <= 60:
            continue
        after = text[f.end : f.end + 600]
        m = _LIST_OPENER.match(after)
        named = None
        if not m and (f.unit or "").lower() in doc.rules.config.named_list_nouns:
            named = _NAMED_LIST.match(after)
        if not m and not named:
            continue
        opener = m.group(0).strip() if m else ""
        body_start = f.end + (m.end() if m else named.start(1))
        if doc.figs_between(f.end, body_start):
            continue
        if named:
            body = named.group(1)
        elif opener.endswith("("):
            close = matching_paren(text, body_start - 1, body_start + 600)
            if close < 0:
                continue
            body = text[body_start:close]
        else:
            stop = re.search(r"[.\n]|;\s*[^\W\d_]+\s+\d", text[body_start : body_start + 600])
            body = text[body_start : body_start + (stop.start() if stop else 0)]
        if not body.strip() or doc.figs_between(body_start, body_start + len(body)):
            continue  # figures inside: a list of parts, not of names
        if re.search(r"\d", YEAR_RE.sub("", body)):
            continue
        # Semicolons set apart the items of a list in parentheses: commas and "và" inside an item belong to
        # its name (outside parentheses a semicolon may close a group: "A, B; các huyện: C, D").
        semi = ";" in body and opener.endswith("(") and ":" not in body
        items = [x for x in (re.split(r"\s*;\s*", body.strip(" .:")) if semi else
                             _LIST_ITEM_SPLIT.split(body.strip(" .:"))) if x.strip()]
        longest = _SEMICOLON_ITEM_WORDS if semi else 8
        if len(items) < 2 or any(len(WORD_RE.findall(x)) > longest or not WORD_RE.search(x) for x in items):
            continue
        if not (semi or "," in body or re.search(r"\s và\s", body)):
            continue
        alt_counts = set() if semi else {
            len([x for x in re.split(r"\s*,\s*", body.strip(" .:")) if x.strip()]),
        }
        alt_counts.discard(len(items))
        readings = tuple(
            Reading(tuple([1.0] * c), n, "list_split", (("y", str(c)),)) for c in sorted(alt_counts) if c >= 1
        )
        kind, word = approx(doc, [f])
        end = body_start + len(body)
        out.append(
            Relation(
                rule="list_count",
                operands=tuple([1.0] * len(items)),
                stated=n,
                char_start=f.start,
                char_end=min(len(text), end + (1 if opener.endswith("(") else 0)),
                fact_ids=f.fact_ids,
                connective=opener or ":",
                strong=True,
                approximate=kind,
                qualifier=word,
                readings=readings,
            )
        )
    return out


