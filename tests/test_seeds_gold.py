"""The five real seed reports scored against their hand-checked gold (needs ../shared), and corpus/
against its own gold (always).

The issue targets are measured and printed by `make eval`; here we guard against regressions with
floors a little under the current measurements.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.devtools.evaluate import evaluate, format_scores
from pipeline.ingest import ingest


@pytest.fixture(scope="module")
def seed_scores(shared_dir: Path, tmp_path_factory):
    db = tmp_path_factory.mktemp("seeds") / "seeds.duckdb"
    summary = ingest([shared_dir / "seeds"], db, workers=1)
    assert summary.errors == 0, summary.failures
    scores = evaluate(db, shared_dir / "gold")
    print(format_scores(scores))
    return scores


def test_every_seed_has_a_gold_file_and_is_scored(seed_scores) -> None:
    assert len(seed_scores.docs) == 5 and not seed_scores.missing


def test_seed_metadata_headings_and_facts_stay_above_floor(seed_scores) -> None:
    t = seed_scores.total()
    assert t.metadata.value >= 0.85
    assert t.headings.precision >= 0.9 and t.headings.recall >= 0.9
    assert t.facts.recall >= 0.85 and t.facts.precision >= 0.8


def test_seed_meaning_and_checks_stay_above_floor(seed_scores) -> None:
    t = seed_scores.total()
    assert t.metric.value >= 0.85 and t.subject.value >= 0.75 and t.period.value >= 0.8
    assert t.relations.recall >= 0.85
    assert t.mismatches.recall >= 0.95 and t.mismatches.precision >= 0.85


def test_corpus_scores_against_its_own_gold(corpus_db) -> None:
    from conftest import CORPUS

    scores = evaluate(corpus_db, CORPUS)
    assert len(scores.docs) >= 10 and not scores.missing
    t = scores.total()
    assert t.metadata.value >= 0.9 and t.headings.recall >= 0.95
    assert t.facts.recall >= 0.95 and t.facts.precision >= 0.95
    assert t.relations.recall >= 0.9
    assert t.mismatches.recall >= 0.9 and t.mismatches.precision >= 0.9
