"""Shared fixtures: paths, the optional ../shared folder, and one ingested corpus database per run."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
SHARED = ROOT.parent / "shared"


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    if not (SHARED / "seeds").is_dir() or not (SHARED / "gold").is_dir():
        pytest.skip(f"{SHARED} with seeds/ and gold/ is not beside this clone (only CI and developers have it)")
    return SHARED


@pytest.fixture(scope="session")
def corpus_db(tmp_path_factory) -> Path:
    """corpus/ ingested once (text originals only) for the tests that read a populated database."""
    from pipeline.ingest import ingest

    db = tmp_path_factory.mktemp("corpus") / "corpus.duckdb"
    summary = ingest([CORPUS], db, workers=1)
    assert summary.errors == 0, summary.failures
    return db
