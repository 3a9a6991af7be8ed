"""notebooks/explore.ipynb runs end to end (nbclient, a real Python kernel) and is stored without outputs;
without $BAOCAO_DB it finds its clone's build/demo.duckdb, and outside any clone it stops and says why."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import nbformat
import pytest
from conftest import ROOT
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError
from test_cookbook import make_metric_db

NOTEBOOK = ROOT / "notebooks" / "explore.ipynb"


def _run(db: Path | None, monkeypatch: pytest.MonkeyPatch, cwd: Path = NOTEBOOK.parent) -> nbformat.NotebookNode:
    """The notebook executed in `cwd`, with $BAOCAO_DB set to `db` (unset when None)."""
    monkeypatch.delenv("JPY_SESSION_NAME", raising=False)
    if db is None:
        monkeypatch.delenv("BAOCAO_DB", raising=False)
    else:
        monkeypatch.setenv("BAOCAO_DB", str(db))
    nb = nbformat.read(NOTEBOOK, as_version=4)
    client = NotebookClient(nb, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(cwd)}})
    client.execute()  # raises CellExecutionError with the failing cell's traceback
    return nb


def _outputs(nb: nbformat.NotebookNode, mime: str) -> list[str]:
    found = []
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            if out.get("output_type") == "stream" and mime == "text/plain":
                found.append(out["text"])
            elif mime in out.get("data", {}):
                found.append(out["data"][mime])
    return found


def test_notebook_is_committed_without_outputs() -> None:
    nb = nbformat.read(NOTEBOOK, as_version=4)
    nbformat.validate(nb)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert code
    for cell in code:
        assert cell.outputs == [] and cell.execution_count is None, f"strip outputs of: {cell.source[:60]!r}"


def test_notebook_runs_on_the_corpus_database(corpus_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    nb = _run(corpus_db, monkeypatch)
    text = "\n".join(_outputs(nb, "text/plain"))
    assert str(corpus_db.resolve()) in text, "the notebook opened the database it was given"
    assert "figures in" in text and "open or confirmed mismatches" in text
    assert "[[" in text, "the worst mismatch is traced to its passage"
    assert len(_outputs(nb, "image/png")) >= 2, "rate charts and mismatches by issuer and rule"


def test_notebook_charts_rates_when_facts_carry_metrics(tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    nb = _run(make_metric_db(tmp_path / "m.duckdb"), monkeypatch)
    html = "\n".join(_outputs(nb, "text/html"))
    assert "online_dossier_rate" in html and "UBND huyện Phú An" in html
    assert "4.47" in html, "the year-on-year fall (45,5 % → 41,03 %) is listed"


@pytest.mark.parametrize("start", [".", "notebooks"])
def test_notebook_without_baocao_db_opens_the_demo_database_of_the_clone_it_runs_in(
        corpus_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, start: str) -> None:
    clone = tmp_path / "clone"  # another clone than the one the package comes from: the folder wins
    (clone / "corpus").mkdir(parents=True)
    (clone / "notebooks").mkdir()
    (clone / "pyproject.toml").write_text("")
    (clone / "build").mkdir()
    shutil.copy(corpus_db, clone / "build" / "demo.duckdb")
    text = "\n".join(_outputs(_run(None, monkeypatch, cwd=clone / start), "text/plain"))
    assert str((clone / "build" / "demo.duckdb").resolve()) in text
    assert "open or confirmed mismatches" in text


def test_notebook_outside_any_clone_stops_and_says_to_set_baocao_db(tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    # The package as an install outside any clone would hold it: a folder with pipeline/ and no corpus/.
    site = tmp_path / "site"
    site.mkdir()
    (site / "pipeline").symlink_to(ROOT / "pipeline", target_is_directory=True)
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join([str(site), os.environ.get("PYTHONPATH", "")]).rstrip(os.pathsep))
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    with pytest.raises(CellExecutionError) as failed:
        _run(None, monkeypatch, cwd=elsewhere)
    message = str(failed.value)
    assert "FileNotFoundError" in message and "no baocao clone" in message
    assert "set BAOCAO_DB" in message and "start the notebook from the clone" in message
    assert not (elsewhere / "build").exists(), "nothing is built from a corpus that is not there"
