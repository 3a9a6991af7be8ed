"""Reading the parts of a list once its total is known: walking an inline run ("X, trong đó a …, b
…") or the lines under a total line (bullets, nested bullets, plain lines).

Why apart from the finders that locate lists (`lists`): the same walks serve a connective, a colon, a
parenthesis and a bullet head; only where the list starts differs.
"""

from __future__ import annotations

import re

from pipeline.check.clauses import (
    bridge_ok,
    has_sentence_break,
    in_unit_phrase,
    matching_paren,
    part_excluded,
    umbrella,
    unit_heads,
)
from pipeline.check.passage import (
    FOOTNOTE_LINE_RE,
    SHARE_WORDS,
    SUPERSCRIPTS,
    Fig,
    Part,
    PartList,
    Passage,
    clean,
    compatible,
)


def walk_inline(
    doc: Passage,
    start: int,
    total: Fig | None,
    head: str,
    *,
    limit: int,
    first_sep: str | None = None,
    stop_at_total_words: bool = False,
) -> PartList | None:
    """Collect the parts that follow a connective in running text, up to the clause that ends them."""
    text = doc.text
    pos = start
    m = re.match(r"[\s:*]*", text[pos:limit])
    pos += m.end() if m else 0
    container_end = limit
    if pos < limit and text[pos] == "(":
        close = matching_paren(text, pos, limit)
        if close > 0:
            container_end = close
            pos += 1
    parts: list[Part] = []
    excluded: list[Part] = []
    sep = first_sep
    last_end = pos
    end = pos
    i_figs = doc.figs_between(pos, container_end)
    skip_until = -1
    home = doc.in_note(start)
    for f in i_figs:
        if f.start < skip_until:
            continue
        if doc.in_note(f.start) != home:
            continue  # a footnote body printed inside the sentence is not part of it
        gap = doc.without_notes(last_end, f.start) if home is None else text[last_end : f.start]
        if has_sentence_break(doc, gap, text[f.start : f.start + 1]):
            break
        opened = gap.count("(") - gap.count(")")
        if opened < 0:
            break  # a parenthesis opened before the list closes: the list is over
        if (
            opened > 0
            and f.kind == "percent"
            and parts
            and parts[-1].share is None
            and parts[-1].fig.end == last_end
            and re.fullmatch(r"[^()]*\(\s*", gap)
            and bridge_ok(doc, gap, max_words=SHARE_WORDS)
        ):
            parts[-1].share = f  # "trực tuyến 12.361 hồ sơ (62,5%)"
            close = text.find(")", f.end, f.end + 6)
            last_end = end = close + 1 if close >= 0 and not text[f.end : close].strip() else f.end
            continue
        if opened > 0:
            o = text.rfind("(", last_end, f.start)
            close = matching_paren(text, o, container_end)
            if close < 0:
                break
            skip_until = close  # a parenthetical aside with its own figures (a nested list)
            last_end = close + 1
            continue
        if doc.rules.breakers_re.search(clean(gap)):
            break
        if f.kind == "percent":
            if (
                parts
                and parts[-1].share is None
                and parts[-1].fig.end == last_end
                and bridge_ok(doc, gap, max_words=SHARE_WORDS)
            ):
                parts[-1].share = f
                last_end = end = f.end
                continue
            if not parts:
                return None  # percents of their own: rates of subgroups, not parts
            continue
        if f.kind == "ratio":
            break
        # a count or an amount
        if ";" in gap:
            if sep == ",":
                break
            sep = sep or ";"
        elif parts or first_sep:
            if "," in gap or re.search(r"(?<!\w)và(?!\w)", gap):
                sep = sep or ","
            elif parts and not re.search(r"\w", gap):
                break
        label = re.split(r"[,;(]", gap)[-1]
        if stop_at_total_words and doc.rules.total_words_re.match(clean(label).strip()):
            break
        if parts:
            same = compatible(f.unit, parts[0].fig.unit) or (
                total is not None and (compatible(f.unit, total.unit) or in_unit_phrase(doc, f.unit, total))
            )
            # a total in a generic noun ("12 đơn vị, trong đó 09 xã và 03 cơ quan") admits mixed parts;
            # such a list is weak anyway (its first part is not in the total's unit)
            mixed = total is not None and (
                not unit_heads(doc, total, parts[0].fig.unit) or umbrella(doc, total.unit)
            )
            if (not same and sep != ";" and not mixed) or f.kind != parts[0].fig.kind:
                break
        if total is not None and f.kind == "money" and total.kind not in ("money",):
            break
        part = Part(f, label)
        if part_excluded(doc, label, head):
            excluded.append(part)
        else:
            parts.append(part)
        last_end = end = f.end
    if not parts:
        return None
    return PartList(
        total=total,
        parts=parts,
        connective="",
        strong=True,
        start=start,
        end=end,
        head=head,
        sep=sep,
        excluded=excluded,
        close=container_end if container_end < limit else None,
    )


def head_total(doc: Passage, conn_start: int) -> tuple[Fig | None, str, int]:
    """The figure a connective refers back to: the last count or fraction in its sentence, or in the
    previous sentence when the connective opens one ("... 527 máy. Trong đó: ...")."""
    lo = doc.sentence_start(conn_start)
    before = clean(doc.text[lo:conn_start]).strip(" \t-+*•·")
    note = FOOTNOTE_LINE_RE.match(before)
    if note and not before[note.end() :].strip():
        # "⁹ Gồm 1.043 … và 244 …": a footnote breaking down the figure that carries marker 9
        return _noted_figure(doc, (note.group(1) or note.group(2)).translate(SUPERSCRIPTS)), "", lo
    if not before and doc.text[lo - 1 : lo] == "(":
        # "tiếp nhận 9.418 hồ sơ (trong đó ...)": the head is the sentence before the parenthesis
        hi = lo - 1
        lo = doc.sentence_start(hi)
        head = doc.text[lo:hi]
        cands = [f for f in doc.figs_between(lo, hi) if f.countlike or f.kind == "ratio"]
        return (cands[-1] if cands else None), head, lo
    if not before or not re.search(r"[^\W\d_]", before):
        j = lo - 1
        while j > 0 and doc.text[j] in " \t\n.:;*":
            j -= 1
        if j <= 0:
            return None, "", lo
        lo = doc.sentence_start(j + 1)
        if doc.text[lo - 1 : lo] == "(":  # the previous sentence is a parenthetical: not our head
            return None, "", lo
    head = doc.text[lo:conn_start]
    cands = [f for f in doc.figs_between(lo, conn_start) if f.countlike or f.kind == "ratio"]
    # figures inside a closed parenthetical belong to it, not to the head
    cands = [
        f for f in cands if doc.text[f.end : conn_start].count(")") <= doc.text[f.end : conn_start].count("(")
    ]
    if not cands:
        return None, head, lo
    return cands[-1], head, lo


def _noted_figure(doc: Passage, number: str) -> Fig | None:
    """The figure a footnote marker was glued to: from NormText.footnotes, or the marker still in the text."""
    for fn in doc.t.footnotes:
        if fn.number.translate(SUPERSCRIPTS) == number:
            for f in reversed(doc.figs_between(max(0, fn.char_start - 60), fn.char_start + 80)):
                if (
                    f.countlike
                    and f.start < fn.char_start <= f.end
                    and re.fullmatch(r"[\d.,]+\s*", doc.text[f.start : fn.char_start])
                ):
                    return f
    sup = number.translate(str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹"))
    for m in re.finditer(re.escape(sup) + r"(?![⁰¹²³⁴⁵⁶⁷⁸⁹])", doc.text):
        for f in reversed(doc.figs_between(max(0, m.start() - 40), m.start() + 1)):
            if f.countlike and f.end == m.start():
                return f
    return None


def pick_total(
    cands_head: Fig | None, doc: Passage, lo: int, conn_start: int, first: Fig | None
) -> Fig | None:
    """Among head figures prefer the last one in the parts' unit ("20 Đài ... của 20 xã, trong đó 14 Đài")."""
    if cands_head is None or first is None or first.unit is None:
        return cands_head
    cands = [f for f in doc.figs_between(lo, conn_start) if f.countlike or f.kind == "ratio"]
    for f in reversed(cands):
        if f.unit is not None and compatible(f.unit, first.unit):
            return f
    return cands_head


def _fig_on_line(doc: Passage, i: int, unit: str | None, kind: str | None) -> tuple[Fig | None, Fig | None]:
    """The part a bullet line states (its first count in the total's unit) and the share after it."""
    s, e = doc.lines[i]
    figs = doc.figs_between(s, e)
    part = None
    for f in figs:
        if (
            f.countlike
            and compatible(f.unit, unit)
            and (kind is None or (f.kind == "money") == (kind == "money"))
        ):
            part = f
            break
    if part is None:
        return None, None
    share = None
    for f in figs:
        if f.start >= part.end:
            if f.kind == "percent" and bridge_ok(doc, doc.text[part.end : f.start], max_words=SHARE_WORDS):
                share = f
            break
    return part, share


def block_list(
    doc: Passage, head_line: int, total: Fig | None, head: str, *, conn: str, siblings: bool = False
) -> PartList | None:
    """Parts stated one per line under a head line: bullets deeper than the head, or plain lines."""
    n = len(doc.lines)
    hd = doc.depth(head_line)
    i = head_line + 1
    while i < n and doc.blank(i):
        i += 1
    if i >= n or doc.is_heading(i):
        return None
    d = doc.depth(i)
    plain = False
    if siblings:
        if d != hd or d == 0:
            return None
    elif d <= hd:
        if not (hd == 0 and d == 0 and conn):
            return None
        plain = True
    unit = total.unit if total else None
    kind = total.kind if total else None
    parts: list[Part] = []
    excluded: list[Part] = []
    end = doc.lines[head_line][1]
    while i < n:
        if doc.blank(i):
            i += 1
            continue
        if doc.is_heading(i):
            break
        di = doc.depth(i)
        if di < d:
            break
        if di == d:
            part, share = _fig_on_line(doc, i, unit, kind)
            s, e = doc.lines[i]
            if part is None:
                if plain:
                    break
                i += 1
                continue
            label = doc.text[s : part.start]
            if total is not None and part.total_value > total.total_value and siblings:
                break
            if plain and (e - s > 200 or ":" not in label):
                break
            p = Part(part, label, share)
            (excluded if part_excluded(doc, label, head) else parts).append(p)
            unit = unit or part.unit
            kind = kind or part.kind
            end = (share or part).end
        i += 1
    if not parts:
        return None
    return PartList(
        total=total,
        parts=parts,
        connective=(conn + " + dòng liệt kê").strip(),
        strong=not siblings,
        start=total.start if total else doc.lines[head_line][0],
        end=end,
        head=head,
        sep="\n",
        excluded=excluded,
    )
