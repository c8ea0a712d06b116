"""Loading deliveries and building them with dbt, for the tests that need a built warehouse
(test_staging, test_determinism, and conftest's session-wide ``small_warehouse``).

dbt runs in the pytest process (dbtRunner: no interpreter start per command). dbt-duckdb
keeps the file of its last command open in this process, and DuckDB lets another process
(the loader) or a connection with another configuration at it only once it is closed:
every command here lets go of the file when it ends (``release_duckdb``), so that fixtures
may load and build files in any order.

A dbt parse is kept per target path (partial parsing) but redone in full whenever the
DuckDB path differs (dbt hashes the connection into its parse state): a caller building
one file in several commands passes the same ``work`` folder each time.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def load_raw(raw_dir: Path, database: Path, report_dir: Path) -> None:
    """The delivery into raw.<source> with the project's loader (the raw contract)."""
    command = [sys.executable, "-m", "clinical_dashboard.cli", "load", "--raw-dir", str(raw_dir),
               "--target", "duckdb", "--duckdb-path", str(database), "--report-dir", str(report_dir),
               "--no-progress"]
    done = subprocess.run(command, capture_output=True, text=True, cwd=REPO)
    assert done.returncode == 0, f"clinical-dashboard load failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"


def release_duckdb() -> None:
    """Close dbt-duckdb's database in this process (its environment, kept between commands),
    so that the loader or another connection may open the file."""
    from dbt.adapters.duckdb.connections import DuckDBConnectionManager

    with DuckDBConnectionManager._LOCK:
        environment, DuckDBConnectionManager._ENV = DuckDBConnectionManager._ENV, None
    if environment is not None:
        environment.close()


@contextmanager
def duckdb_target(database: Path):
    """CLINICAL_DASHBOARD_DUCKDB (profiles.yml) set to ``database`` for dbt commands; the
    file released at the end."""
    previous = os.environ.get("CLINICAL_DASHBOARD_DUCKDB")
    os.environ["CLINICAL_DASHBOARD_DUCKDB"] = str(database)
    try:
        yield
    finally:
        release_duckdb()
        if previous is None:
            os.environ.pop("CLINICAL_DASHBOARD_DUCKDB", None)
        else:
            os.environ["CLINICAL_DASHBOARD_DUCKDB"] = previous


def run_dbt(args: list[str], work: Path) -> None:
    """One dbt command in this process on the DuckDB target, its target path ``work/target``
    (the manifest and the partial-parse state) and logs in ``work/logs``; fails with the
    nodes that did not pass."""
    from dbt.cli.main import dbtRunner

    result = dbtRunner().invoke([*args, "--project-dir", str(REPO), "--profiles-dir", str(REPO),
                                 "--target", "duckdb", "--target-path", str(work / "target"),
                                 "--log-path", str(work / "logs")])
    failures = []
    for node in getattr(result.result, "results", None) or []:
        status = str(getattr(node.status, "value", node.status))
        if status not in ("success", "pass"):
            failures.append(f"{node.node.unique_id}: {status} {node.message or ''}".strip())
    assert result.success, (f"dbt {' '.join(args)} failed: {result.exception or ''}\n"
                            + "\n".join(failures[:40]))


def build(database: Path, work: Path, commands: list[list[str]]) -> None:
    """dbt ``commands`` one after the other on ``database`` (one parse: same target path)."""
    with duckdb_target(database):
        try:
            for command in commands:
                run_dbt(command, work)
        finally:
            shutil.rmtree(work / "logs", ignore_errors=True)
