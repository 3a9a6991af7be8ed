"""The wheel is the product: built from a copy of the source, installed into a fresh venv, its
`baocao ingest corpus/` must write documents and facts from a working directory outside the repo.

This is what proves `schemas/` (DDL, YAML rules, named SQL) and the report templates ship as package
data: an installed `baocao` that reads them from the checkout would pass every other test. To avoid
downloading every dependency again, the fresh venv sees this venv's site-packages through a plain path
line in a .pth file; such a line does not run the editable install's own .pth, so `pipeline` can only
come from the wheel (asserted).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import venv
from pathlib import Path

import duckdb
import pytest
from conftest import CORPUS, ROOT

pytestmark = pytest.mark.wheel

SOURCES = ("pipeline", "extractors", "schemas", "pyproject.toml", "README.md")


def _run(cmd: list[str], cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, f"{' '.join(cmd)} exited {done.returncode}:\n{done.stdout}\n{done.stderr}"
    return done


def test_the_installed_wheel_ingests_the_corpus(tmp_path: Path) -> None:
    # Build from a copy, so setuptools' build/ and egg-info land in tmp, not in the checkout.
    src = tmp_path / "src"
    for name in SOURCES:
        p = ROOT / name
        if p.is_dir():
            shutil.copytree(p, src / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        else:
            src.mkdir(exist_ok=True)
            shutil.copy2(p, src / name)
    dist = tmp_path / "dist"
    _run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(dist), str(src)], cwd=tmp_path)
    (wheel,) = dist.glob("baocao-*.whl")

    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=False)
    py = env_dir / "bin" / "python"
    purelib = Path(_run([str(py), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
                        cwd=tmp_path).stdout.strip())
    (purelib / "_baocao_test_deps.pth").write_text(sysconfig.get_path("purelib") + "\n", encoding="utf-8")
    _run([sys.executable, "-m", "pip", "--python", str(py), "install", "--no-deps", "--quiet", str(wheel)],
         cwd=tmp_path)

    work = tmp_path / "work"  # outside the repo: nothing can be found relative to the checkout
    work.mkdir()
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    probe = ("import pipeline, pipeline.config, pipeline.read.report as r; "
             "print(pipeline.__file__); print(pipeline.config.SCHEMA_DIR); print(r.TEMPLATE_DIR)")
    where = _run([str(py), "-c", probe], cwd=work, env=env).stdout.split()
    assert all(Path(w).is_relative_to(env_dir) for w in where), f"not imported from the wheel: {where}"

    db = work / "out.duckdb"
    _run([str(env_dir / "bin" / "baocao"), "ingest", str(CORPUS), "--db", str(db), "--quiet", "--workers", "2"],
         cwd=work, env=env)
    con = duckdb.connect(str(db), read_only=True)
    try:
        docs, = con.execute("SELECT count(*) FROM documents").fetchone()
        facts, = con.execute("SELECT count(*) FROM facts").fetchone()
        errors, = con.execute("SELECT count(*) FROM ingest_errors").fetchone()
    finally:
        con.close()
    n_reports = len([p for p in CORPUS.iterdir()
                     if p.suffix in (".txt", ".md") and not p.name.lower().startswith("readme")])
    assert docs == n_reports and facts > 0 and errors == 0, (docs, facts, errors)

    report = work / "report.html"
    _run([str(env_dir / "bin" / "baocao"), "report", "--db", str(db), "--out", str(report)], cwd=work, env=env)
    assert "<html" in report.read_text(encoding="utf-8")
