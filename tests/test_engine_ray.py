"""The Ray engine gives the same answers as the local engine, on a Ray instance and on a real cluster.

One folder (corpus/, a text-layer PDF and a DOCX rendered from one of its reports, and a broken PDF) is
ingested by the local engine, by `--engine ray` on a Ray instance the run starts itself, and through
`--address` on a two-node cluster that the test starts with `ray start` (one CPU a node, so both must
work); every table is compared row by row, in the canonical sorted, timestamp-free dump of
scripts/dump_tables.py. Every Ray process a test starts is stopped by its process group at teardown.
Skipped, with the reason, where the [ray] extra is not installed.
"""

from __future__ import annotations

import contextlib
import importlib.util
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest
from conftest import CORPUS, ROOT

from pipeline import store
from pipeline.devtools.render.corpus import render_report
from pipeline.errors import EngineError
from pipeline.ingest import Summary, ingest
from pipeline.ingest_ray import import_ray, require_ray, run_batch, store_batch
from pipeline.reports import assign_report_keys
from pipeline.store.arrow import LAKE_TABLES, table_schemas

BIN = Path(sys.executable).parent
_spec = importlib.util.spec_from_file_location("dump_tables", ROOT / "scripts" / "dump_tables.py")
dump_tables = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(dump_tables)


def _has_ray() -> bool:
    return importlib.util.find_spec("ray") is not None


needs_ray = pytest.mark.skipif(not _has_ray(), reason="Ray is not installed: pip install '.[ray]' (make setup does)")


def _dump(db: Path, out: Path) -> dict[str, str]:
    dump_tables.dump(db, out)
    return {p.name: p.read_text(encoding="utf-8") for p in sorted(out.iterdir())}


def _ray_env() -> dict[str, str]:
    """Ray's processes and drivers of one test share a token of their own (nothing from ~/.ray)."""
    return {**os.environ, "RAY_AUTH_MODE": "token", "RAY_AUTH_TOKEN": secrets.token_hex(32),
            "RAY_USAGE_STATS_ENABLED": "0"}


def _baocao(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([str(BIN / "baocao"), *args], capture_output=True, text=True, env=env, timeout=600,
                          check=False)


@pytest.fixture(scope="module")
def inputs(tmp_path_factory) -> Path:
    """corpus/, a PDF and a DOCX of its smallest report, and a PDF that cannot be read."""
    folder = tmp_path_factory.mktemp("inputs")
    shutil.copytree(CORPUS, folder / "corpus")
    smallest = min(CORPUS.glob("*.txt"), key=lambda p: p.stat().st_size)
    render_report(smallest, folder / "rendered", levels=(), docx=True)
    (folder / "rendered" / "hong.pdf").write_bytes(b"%PDF-1.4\nnot really a pdf\n")
    return folder


@pytest.fixture(scope="module")
def local_dump(inputs: Path, tmp_path_factory) -> dict[str, str]:
    db = tmp_path_factory.mktemp("local") / "local.duckdb"
    summary = ingest([inputs], db, workers=2)
    assert summary.documents >= 19 and summary.errors == 1, summary.failures
    return _dump(db, db.parent / "dump")


def test_engine_ray_without_ray_is_a_clear_usage_error(monkeypatch) -> None:
    monkeypatch.setitem(sys.modules, "ray", None)  # what `import ray` meets where Ray is not installed
    for call in (require_ray, import_ray):
        with pytest.raises(EngineError, match=r"pip install 'baocao\[ray\]'") as e:
            call()
        assert e.value.exit_code == 2


def test_address_and_lake_need_the_ray_engine(tmp_path: Path) -> None:
    proc = _baocao("ingest", str(CORPUS), "--db", str(tmp_path / "x.duckdb"), "--lake", str(tmp_path / "lake"))
    assert proc.returncode == 2 and "--engine ray" in proc.stderr
    assert not (tmp_path / "x.duckdb").exists()


@needs_ray
@pytest.mark.ray
def test_ray_engine_stores_the_same_rows_as_the_local_engine(inputs: Path, local_dump: dict[str, str],
                                                            tmp_path: Path) -> None:
    db, lake = tmp_path / "ray.duckdb", tmp_path / "lake"
    proc = _baocao("ingest", str(inputs), "--db", str(db), "--engine", "ray", "--workers", "2",
                   "--lake", str(lake), env=_ray_env())
    assert proc.returncode == 1, proc.stdout + proc.stderr  # the broken PDF: exit 1, as the local engine
    assert "hong.pdf" in proc.stderr
    assert _dump(db, tmp_path / "dump") == local_dump
    # The lake holds this run's rows of every table, one Parquet dataset per table, partitioned by run.
    con = duckdb.connect(str(db), read_only=True)
    for table in LAKE_TABLES:
        files = list((lake / table).glob("run=*/part-*.parquet"))
        assert files, table
        runs, n = con.execute(
            f"SELECT count(DISTINCT run), count(*) FROM read_parquet('{lake}/{table}/*/*.parquet', "
            "hive_partitioning = true)").fetchone()
        assert (runs, n) == (1, con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]), table
    con.close()


def test_batches_as_arrow_tables_store_the_rows_of_the_local_engine(tmp_path: Path) -> None:
    """The Ray engine's path without Ray: `run_batch` (an actor's work) and the batch writer."""
    files = sorted(CORPUS.glob("*.txt"))[:4]
    for f in files:
        shutil.copy(f, tmp_path / f.name)
    local = tmp_path / "local.duckdb"
    ingest([tmp_path], local, workers=1)
    db = tmp_path / "arrow.duckdb"
    con = store.connect(db)
    batch = run_batch([(str(tmp_path / f.name), None) for f in files], "auto", table_schemas(con))
    assert not batch.failures and len(batch.docs) == len(files)
    summary = Summary()
    stored = store_batch(con, summary, batch)
    assign_report_keys(con)
    con.close()
    assert summary.documents == len(files) and stored.keys() == batch.tables.keys()
    assert _dump(db, tmp_path / "d2") == _dump(local, tmp_path / "d1")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _cluster_cpus(address: str, env: dict[str, str]) -> float:
    proc = subprocess.run([str(BIN / "ray"), "status", "--address", address], capture_output=True, text=True,
                          env=env, timeout=60, check=False)
    m = re.search(r"[\d.]+/([\d.]+) CPU", proc.stdout)
    return float(m.group(1)) if m else 0.0


def _stop(procs: list[subprocess.Popen]) -> None:
    """Each `ray start --block` and everything it started (its own process group): TERM, then KILL."""
    for p in reversed(procs):
        with contextlib.suppress(ProcessLookupError):
            os.killpg(p.pid, signal.SIGTERM)
    deadline = time.monotonic() + 10
    for p in reversed(procs):
        with contextlib.suppress(subprocess.TimeoutExpired):
            p.wait(timeout=max(0.1, deadline - time.monotonic()))
        with contextlib.suppress(ProcessLookupError):
            os.killpg(p.pid, signal.SIGKILL)  # the group's raylet, GCS and workers, if still there
        p.wait()


@pytest.fixture
def two_nodes(tmp_path: Path) -> Iterator[tuple[str, dict[str, str]]]:
    """A head and a second node on this machine, one CPU each; both stopped, whatever happens."""
    env = _ray_env()
    address = f"127.0.0.1:{_free_port()}"
    temp = tempfile.mkdtemp(prefix="brt", dir="/tmp")  # short: Ray's socket paths live under it
    common = ["--num-cpus", "1", "--node-ip-address", "127.0.0.1", "--disable-usage-stats", "--block"]
    procs: list[subprocess.Popen] = []

    def start(*args: str, log: str) -> None:
        with (tmp_path / log).open("wb") as out:
            procs.append(subprocess.Popen([str(BIN / "ray"), "start", *args, *common], env=env, stdout=out,
                                          stderr=subprocess.STDOUT, start_new_session=True))

    def wait_for(cpus: float) -> None:
        deadline = time.monotonic() + 120
        while _cluster_cpus(address, env) < cpus:
            assert all(p.poll() is None for p in procs), (tmp_path / "head.log").read_text(errors="replace")
            assert time.monotonic() < deadline, f"the cluster never reached {cpus} CPUs"
            time.sleep(0.5)

    try:
        start("--head", "--port", address.rpartition(":")[2], "--include-dashboard", "false", "--temp-dir", temp,
              log="head.log")
        wait_for(1)
        start("--address", address, log="node2.log")
        wait_for(2)
        yield address, env
    finally:
        _stop(procs)
        shutil.rmtree(temp, ignore_errors=True)
        current = Path(tempfile.gettempdir()) / "ray" / "ray_current_cluster"  # `ray start` left our address
        with contextlib.suppress(OSError):
            if current.read_text().strip().endswith(address.rpartition(":")[2]):
                current.unlink()


@needs_ray
@pytest.mark.ray
def test_two_node_cluster_shares_the_work_and_gives_the_same_rows(
        inputs: Path, local_dump: dict[str, str], two_nodes: tuple[str, dict[str, str]], tmp_path: Path) -> None:
    address, env = two_nodes
    db = tmp_path / "cluster.duckdb"
    proc = _baocao("ingest", str(inputs), "--db", str(db), "--engine", "ray", "--address", address, env=env)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    m = re.search(r"ray: (\d+) documents on (\d+) nodes \(([^)]*)\)", proc.stdout)
    assert m, proc.stdout
    per_node = [int(part.rsplit(" ", 1)[1]) for part in m.group(3).split(", ")]  # "<node id> <n>, ..."
    assert m.group(2) == "2" and len(per_node) == 2 and min(per_node) > 0, proc.stdout  # both nodes worked
    assert _dump(db, tmp_path / "dump") == local_dump
    # Idempotent: again through the cluster, nothing is stored twice; only the broken file is retried.
    again = _baocao("ingest", str(inputs), "--db", str(db), "--engine", "ray", "--address", address, env=env)
    assert again.returncode == 1, again.stdout + again.stderr
    assert re.search(r"this run: 0 documents, \d+ unchanged", again.stdout), again.stdout
    second = _dump(db, tmp_path / "dump2")
    assert {k: v for k, v in second.items() if k != "ingest_errors.jsonl"} == {
        k: v for k, v in local_dump.items() if k != "ingest_errors.jsonl"}
    assert second["ingest_errors.jsonl"].splitlines() == local_dump["ingest_errors.jsonl"].splitlines() * 2
