"""The check stage: recompute every arithmetic claim a report makes and give a verdict.

    passage    the per-document view the finders read (lines, bullets, footnotes, figures)
    clauses    small text predicates over a passage (sentence breaks, bridges, labels, units)
    walk, lists          a total and its parts: inline runs, lines under a total; the list finders
    parts      the relations of one list: sum of parts, shares, rates named after parts
    formulas, tables, shares, fractions, counts, conflicts, catalog   the other relation finders
    dedupe     one list per set of parts, one relation per claim
    finders    the ordered registry (schemas/checks.yaml `finders:`) and `find_relations`
    verdict    judge, tolerance, approximate figures, other readings → ok / mismatch / unverifiable
    messages   vi/en messages and reasons from schemas/checks.yaml
    run        `run_checks`, the stage's entry
    recheck    `baocao check`: the one module that reads and writes the store

Finders import only `extractors` (numbers, catalog), `pipeline.model` and `pipeline.config`; nothing in
`extractors/` imports this package.
"""

from pipeline.check.run import run_checks

__all__ = ["run_checks"]
