"""notebooks/explore.ipynb runs end to end (nbclient, a real Python kernel) and is stored without outputs."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest
from conftest import ROOT
from nbclient import NotebookClient
from test_cookbook import make_metric_db

NOTEBOOK = ROOT / "notebooks" / "explore.ipynb"


def _run(db: Path, monkeypatch: pytest.MonkeyPatch) -> nbformat.NotebookNode:
    monkeypatch.setenv("BAOCAO_DB", str(db))
    nb = nbformat.read(NOTEBOOK, as_version=4)
    client = NotebookClient(nb, timeout=120, kernel_name="python3",
                            resources={"metadata": {"path": str(NOTEBOOK.parent)}})
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
