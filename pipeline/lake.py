"""The lake: every table of an ingest run as a Parquet dataset, beside the DuckDB database.

`LAKE/<table>/run=<run id>/part-<batch>.parquet`: one folder per table (the document tables and
`ingest_errors`), partitioned by ingest run (hive style, so `read_parquet('LAKE/facts/**/*.parquet',
hive_partitioning = true)` or `pyarrow.dataset` see a `run` column), one file per stored batch.
The location is a local folder or any URI pyarrow's file systems open (`s3://bucket/lake`,
`gs://...`, `hdfs://...`), so cluster nodes and the writer can share object storage.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path

import pyarrow as pa
import pyarrow.fs as pafs
import pyarrow.parquet as pq


def new_run_id() -> str:
    """Sortable by time, unique across writers: 20261203T171500Z-3f9a1c."""
    return datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ") + "-" + secrets.token_hex(3)


class Lake:
    """Writes one ingest run's batches (written by the one writer, after their transaction commits)."""

    def __init__(self, location: str | Path, run_id: str | None = None) -> None:
        where = str(location)
        if "://" not in where:
            where = str(Path(where).expanduser().resolve())
        self.fs, self.root = pafs.FileSystem.from_uri(where)
        self.run_id = run_id or new_run_id()
        self._parts = 0
        self.files: list[str] = []

    def write(self, tables: Mapping[str, pa.Table]) -> None:
        """One part file per table that has rows."""
        self._parts += 1
        for table, t in tables.items():
            if not t.num_rows:
                continue
            folder = f"{self.root}/{table}/run={self.run_id}"
            self.fs.create_dir(folder, recursive=True)
            path = f"{folder}/part-{self._parts:06d}.parquet"
            pq.write_table(t, path, filesystem=self.fs)
            self.files.append(path)
