"""The relations of one list: its parts add up to its total, each part's share is the part over the
total, the shares add up to at most 100 %, and rates named after parts ("tỷ lệ giải quyết đúng hạn
đạt 98%") are the named parts over the total.

Why per list: all of these need the same decision — which figure is the total and which are its
parts — made once by the list finders.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from pipeline.check.candidates import names_other_whole
from pipeline.check.clauses import bridge_ok, norm_label
from pipeline.check.intervals import sum_fits
from pipeline.check.passage import Fig, Part, PartList, Passage, clean
from pipeline.check.relation import Reading, Relation


def approx(doc: Passage, figs: Sequence[Fig]) -> tuple[str | None, str | None]:
    for f in figs:
        if f.qualifier:
            kind = doc.rules.qualifier_kind.get(f.qualifier)
            if kind is None:
                kind = next(
                    (k for w, k in doc.rules.qualifier_kind.items() if f.qualifier.startswith(w)),
                    "approximate",
                )
            return kind, f.qualifier
    return None, None


def share_relation(
    doc: Passage,
    part: Fig,
    share: Fig,
    base: float,
    base_fig: Fig | None,
    *,
    connective: str,
    strong: bool,
    span_start: int,
    readings: tuple[Reading, ...] = (),
    note: str | None = None,
    note_args: tuple[tuple[str, str], ...] = (),
    rule: str = "share_of_total",
    confidence: float = 1.0,
) -> Relation:
    # the stated share last: one relation per claim (dedupe keys on the last fact)
    ids = part.fact_ids + (base_fig.fact_ids if base_fig else ()) + share.fact_ids
    alts = list(readings)
    for v, reason, args in part.alts:
        alts.append(Reading((v, base), share.value, reason, args, reportable=reason == "footnote_reading"))
    if base_fig is not None:
        for v, reason, args in base_fig.alts:
            alts.append(
                Reading((part.value, v), share.value, reason, args, reportable=reason == "footnote_reading")
            )
    kind, word = approx(doc, [share] if share.qualifier else [part] + ([base_fig] if base_fig else []))
    if kind and not share.qualifier:
        kind = "approximate"
    return Relation(
        rule=rule,
        operands=(part.value, base),
        stated=share.value,
        char_start=min(span_start, part.start),
        char_end=max(share.end, part.end),
        fact_ids=tuple(dict.fromkeys(ids)),
        connective=connective,
        decimals=(share.decimals,),
        strong=strong,
        approximate=kind,
        qualifier=word,
        readings=tuple(alts),
        note=note,
        note_args=note_args,
        spans=(part.half, base_fig.half if base_fig is not None else 0.0),
        # a hedged operand makes the computed value a bound too: only the stated hedge can decide
        hedge_on_stated=bool(share.qualifier) and not (part.qualifier or (base_fig and base_fig.qualifier))
        if kind
        else None,
        confidence=confidence,
    )


def _attribute_groups(doc: Passage, lst: PartList) -> set[str]:
    """Which attribute groups ("giới tính", "trình độ", …) the parts' labels belong to."""
    return {
        name for p in lst.parts for name, pat in doc.rules.attribute_groups if pat.search(clean(p.label))
    }


def relations_from_list(doc: Passage, lst: PartList) -> list[Relation]:
    if len(_attribute_groups(doc, lst)) >= 2:
        lst.strong = False  # overlapping subsets (women, party members, graduates), not a partition
    out: list[Relation] = []
    parts = lst.parts
    total = lst.total
    values = [p.fig.value for p in parts]
    psum = float(sum(values))
    conn = lst.connective
    if total is not None and len(parts) >= 2:
        ids = total.fact_ids + tuple(i for p in parts for i in p.fig.fact_ids)
        kind, word = approx(doc, [total] + [p.fig for p in parts])
        # "5,65 ngàn … 1,07 ngàn …": figures written rounded fit when their intervals do (FORMAT.md)
        figs = [p.fig for p in parts]
        rounded = ""
        if abs(psum - total.total_value) > 1e-9 and total.kind != "ratio" and sum_fits(total, figs):
            rounded = next((doc.text[f.start : f.end] for f in [total, *figs] if f.decimals), "")
        alts: list[Reading] = []
        for v, reason, args in total.alts:
            alts.append(Reading(tuple(values), v, reason, args, reportable=reason == "footnote_reading"))
        for j, p in enumerate(parts):
            for v, reason, args in p.fig.alts:
                vals = list(values)
                vals[j] = v
                alts.append(Reading(tuple(vals), total.total_value, reason, args))
        out.append(
            Relation(
                rule="sum_parts",
                operands=tuple(values),
                stated=total.total_value,
                char_start=min(total.start, parts[0].fig.start),
                char_end=max(total.end, parts[-1].fig.end),
                fact_ids=tuple(dict.fromkeys(ids)),
                connective=conn,
                decimals=(total.decimals,),
                strong=lst.strong and not rounded,
                approximate=kind,
                qualifier=word,
                readings=tuple(alts),
                note="approximate" if rounded else None,
                note_args=(("x", "=" + rounded),) if rounded else (),
                spans=tuple(p.fig.half for p in parts),
                stated_span=total.half,
                hedge_on_stated=bool(total.qualifier) and not any(p.fig.qualifier for p in parts)
                if kind
                else None,
            )
        )
    shares = [p for p in parts if p.share is not None]
    if shares:
        for p in shares:
            assert p.share is not None
            if total is not None and names_other_whole(doc, p.share, total):
                continue  # "…, chiếm 21,3% lực lượng lao động": a share of a whole not in the text
            if total is not None:
                readings: tuple[Reading, ...] = ()
                if len(parts) >= 2 and abs(psum - total.total_value) > 1e-9:
                    readings = (
                        Reading(
                            (p.fig.value, psum),
                            p.share.value,
                            "base_sum_of_parts",
                            (("x", plain_number(total.total_value)), ("y", plain_number(psum))),
                        ),
                    )
                out.append(
                    share_relation(
                        doc,
                        p.fig,
                        p.share,
                        total.total_value,
                        total,
                        connective=conn,
                        strong=lst.strong,
                        span_start=total.start,
                        readings=readings,
                    )
                )
            elif len(parts) >= 2:
                out.append(
                    share_relation(
                        doc,
                        p.fig,
                        p.share,
                        psum,
                        None,
                        connective=conn,
                        strong=lst.strong,
                        span_start=lst.start,
                        note="total_not_stated",
                        note_args=(("y", plain_number(psum)),),
                    )
                )
        if len(shares) >= 2:
            ids = tuple(i for p in shares for i in p.share.fact_ids)  # type: ignore[union-attr]
            kind, word = approx(doc, [p.share for p in shares if p.share])
            out.append(
                Relation(
                    rule="shares_exceed_total",
                    operands=tuple(p.share.value for p in shares if p.share),
                    stated=100.0,
                    char_start=lst.start,
                    char_end=max(p.share.end for p in shares if p.share),
                    fact_ids=ids,
                    connective=conn,
                    decimals=tuple(p.share.decimals for p in shares if p.share),
                    strong=lst.strong,
                    approximate=kind,
                    qualifier=word,
                    complete=len(shares) == len(parts),
                )
            )
    return out


def plain_number(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else repr(x)


_RATE_AFTER = re.compile(r"[\s,;.*]*(?:(?:và|với)\s+)?(tỷ lệ|tỉ lệ)\s+(.{3,100}?)\s*(?:đạt|là|:|=)", re.I)
_SHARE_AFTER = re.compile(r"[\s,;.*]*((?:[^\W\d_]+[ \t]+){1,10}?)chiếm(?:\s+(?:tỷ|tỉ)\s+lệ)?\s*:?\s*", re.I)


def named_rates(doc: Passage, lst: PartList) -> list[Relation]:
    """A rate or share right after a list that names some of its parts:
    "(trước hạn 50, đúng hạn 40, quá hạn 10), tỷ lệ giải quyết sớm và đúng hạn đạt 90%" (numerator = the
    parts named, base = the total), "…; hồ sơ trực tuyến chiếm 33,55% tổng số hồ sơ tiếp nhận"."""
    if lst.total is None or len(lst.parts) < 2:
        return []
    text = doc.text
    end = max([lst.end] + [p.fig.end for p in lst.excluded])
    if lst.close is not None and lst.close >= end:
        end = lst.close + 1
    window = text[end : end + 200]
    out: list[Relation] = []
    for pattern, rule in ((_RATE_AFTER, "ratio_percent"), (_SHARE_AFTER, "share_of_total")):
        m = pattern.match(window)
        if not m:
            continue
        label = m.group(2) if rule == "ratio_percent" else m.group(1)
        pct = doc.next_fig(end + m.end())
        if (
            pct is None
            or pct.kind != "percent"
            or not bridge_ok(doc, text[end + m.start(1) : pct.start], max_words=20, weak_words=20)
        ):
            continue
        chosen = _parts_named(doc, lst, label)
        if not chosen:
            continue
        num = float(sum(p.fig.value for p in chosen))
        ids = tuple(i for p in chosen for i in p.fig.fact_ids) + lst.total.fact_ids + pct.fact_ids
        kind, word = approx(doc, [pct])
        out.append(
            Relation(
                rule=rule,
                operands=(num, lst.total.total_value),
                stated=pct.value,
                char_start=lst.total.start,
                char_end=pct.end,
                fact_ids=tuple(dict.fromkeys(ids)),
                connective=("tỷ lệ " if rule == "ratio_percent" else "chiếm: ")
                + " và ".join(clean(p.label).strip(" ,;(") for p in chosen),
                decimals=(pct.decimals,),
                strong=True,
                approximate=kind,
                qualifier=word,
            )
        )
        break
    return out


def _parts_named(doc: Passage, lst: PartList, label: str) -> list[Part]:
    """The parts whose labels a rate's name lists ("sớm và đúng hạn" -> trước hạn, đúng hạn); [] unless
    every term names exactly one part."""
    labels = [(norm_label(doc, p.label), p) for p in lst.parts]
    chosen: list[Part] = []
    for term in (t for t in re.split(r",|\s+và\s+|\s+hoặc\s+", label) if t.strip()):
        tw = norm_label(doc, term)
        hits = [
            p
            for lw, p in labels
            if lw and any(tw[j : j + len(lw)] == lw for j in range(len(tw) - len(lw) + 1))
        ]
        if len(hits) != 1 or hits[0] in chosen:
            return []
        chosen.append(hits[0])
    return chosen


