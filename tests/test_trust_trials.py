"""Interrupted ingests (issue 17): a Ctrl-C (SIGINT to the process group) or a kill -9 of the group at
seeded random moments of a two-worker run, then a rerun, gives exactly the tables of an uninterrupted
run (canonical dumps of scripts/dump_tables.py); the Ctrl-C'd run exits 130 with no traceback, leaves no
process behind and has stored exactly the documents its summary line counts. `scripts/trials.py` runs
the same trials 50 at a time."""

from __future__ import annotations

import importlib.util
import random
import sys
from pathlib import Path

import pytest
from conftest import ROOT

_spec = importlib.util.spec_from_file_location("trials", ROOT / "scripts" / "trials.py")
trials = importlib.util.module_from_spec(_spec)
sys.modules["trials"] = trials  # its dataclasses look their module up
_spec.loader.exec_module(trials)


@pytest.fixture(scope="module")
def uninterrupted(tmp_path_factory) -> tuple[Path, Path, dict[str, bytes], float]:
    work = tmp_path_factory.mktemp("trials")
    folder = trials.make_folder(work / "in", copies=1)
    ref, seconds = trials.reference(folder, work)
    return folder, work, ref, seconds


@pytest.mark.parametrize("kind, seed", [("sigint", 1), ("kill9", 2)])
def test_an_interrupted_run_then_a_rerun_equals_an_uninterrupted_run(uninterrupted, kind: str, seed: int) -> None:
    folder, work, ref, seconds = uninterrupted
    rng = random.Random(seed)
    for _ in range(2):
        # mostly while documents are being written: start-up alone is a few seconds of the run
        t = trials.run_trial(kind, folder, work, ref, rng.uniform(0.4 * seconds, 0.95 * seconds), to="group")
        assert t.ok(), t
        if kind == "sigint":
            assert t.rc in (0, 130), t
            assert not t.traceback and len(t.stderr.splitlines()) <= 1, t.stderr
