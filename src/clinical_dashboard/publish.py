"""Crash-safe publishing of the DuckDB warehouse (issue 9).

Two files:

* the **working copy** (``target/work/warehouse.duckdb`` by default): ``clinical-dashboard load``
  writes the raw schema into it and ``dbt build`` builds every model in it;
* the **published warehouse** (``target/warehouse.duckdb``): the file the dashboard exports,
  analysts and BI tools read. Nothing ever writes it in place.

``build_and_publish`` runs ``dbt build`` on the working copy in this process (dbtRunner) and,
only when every model, seed and test succeeded, publishes: the working copy is checkpointed
(its write-ahead log folded in), copied next to the published file under a temporary name,
flushed to disk, and renamed over the published file (``os.replace``: atomic on one file
system). A reader that opened the old file keeps reading it; a reader that opens the path
afterwards gets the new one; no reader ever sees a half-built warehouse. A crash at any moment
(a failed model, a failed test, SIGKILL, the OOM killer, a power cut before the rename) leaves
the published warehouse as it was; a left-over temporary file is removed by the next run. The
next run rebuilds the working copy from where it stands (dbt rebuilds every selected model).
"""

from __future__ import annotations

import os
import shutil
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

import duckdb

#: Default locations, relative to the repository root (the Makefile uses the same).
DEFAULT_WORK = Path("target/work/warehouse.duckdb")
DEFAULT_PUBLISHED = Path("target/warehouse.duckdb")
TEMPORARY_MARK = ".publishing-"


class PublishError(RuntimeError):
    """A build that cannot start or whose result is not published (message says why)."""


@dataclass(frozen=True)
class PublishConfig:
    work: Path = DEFAULT_WORK
    published: Path = DEFAULT_PUBLISHED
    project_dir: Path = Path(".")
    profiles_dir: Path = Path(".")
    #: extra dbt arguments after ``dbt build`` (e.g. ``--select staging``)
    dbt_args: tuple[str, ...] = field(default_factory=tuple)
    target: str = "duckdb"


#: The ledger's current files (models/staging/loader): what the models reading the ledger read.
LEDGER_MODEL = "stg_loader__current_deliveries"


def changed_sources_selection(sources: tuple[str, ...]) -> tuple[str, ...]:
    """dbt arguments that build only what reads the raw tables of ``sources`` (the sources of
    new deliveries): ``--select source:raw.<source>+ ...``; nothing for no sources (build
    everything). Only the staging base models read the raw schema
    (models/staging/_raw__sources.yml), so the models and tests outside the selection are those
    whose input did not change. The models that read the loader's ledger
    are always rebuilt: the view of its current files (LEDGER_MODEL) and one step on, the
    population fraction of the delivery (int_rate_population_fraction; a delivery of another
    fraction replaces every file, and its test then stops the build until it is built in full)
    and the check counts of the current files (fct_delivery_checks)."""
    from .config import SOURCES

    unknown = sorted(set(sources) - set(SOURCES))
    if unknown:
        raise PublishError(f"unknown sources {unknown}; choose from {', '.join(SOURCES)}")
    if not sources:
        return ()
    return ("--select", *(f"source:raw.{source}+" for source in sources), f"{LEDGER_MODEL}+1")


def remove_leftovers(published: Path) -> list[Path]:
    """Delete temporary copies a killed publish left beside the published file."""
    removed = []
    if published.parent.is_dir():
        for path in published.parent.glob(f"{published.name}{TEMPORARY_MARK}*"):
            path.unlink(missing_ok=True)
            removed.append(path)
    return removed


def publish(work: Path, published: Path) -> float:
    """Atomically replace ``published`` by a consistent copy of ``work``; returns seconds."""
    started = time.perf_counter()
    with duckdb.connect(str(work)) as con:
        con.execute("checkpoint")
    published.parent.mkdir(parents=True, exist_ok=True)
    temporary = published.with_name(f"{published.name}{TEMPORARY_MARK}{os.getpid()}")
    try:
        with work.open("rb") as source, temporary.open("wb") as copy:
            shutil.copyfileobj(source, copy, length=16 * 1024 * 1024)
            copy.flush()
            os.fsync(copy.fileno())
        # A published file's stale write-ahead log would be replayed onto the new file.
        Path(f"{published}.wal").unlink(missing_ok=True)
        os.replace(temporary, published)
    finally:
        temporary.unlink(missing_ok=True)
    directory = os.open(published.parent, os.O_RDONLY)
    try:
        os.fsync(directory)
    finally:
        os.close(directory)
    return time.perf_counter() - started


#: The production build leaves out what tests the project's SQL rather than the delivery:
#: dbt's unit tests (the models on fixed inputs) and the data tests tagged ``construction``
#: (staging's row-level tests, which hold for any delivery by construction of the base models:
#: dbt_project.yml). `make test` runs both (its `dbt build`); a build of a new delivery need
#: not. Every other data test still runs before anything is published.
PRODUCTION_EXCLUDES = ("--exclude-resource-type", "unit_test", "--exclude", "tag:construction")


def run_dbt_build(config: PublishConfig) -> tuple[bool, list[str]]:
    """``dbt build`` on the working copy, in this process, without unit tests and construction
    tests (:data:`PRODUCTION_EXCLUDES`); (success, failed nodes)."""
    from dbt.cli.main import dbtRunner

    previous = os.environ.get("CLINICAL_DASHBOARD_DUCKDB")
    os.environ["CLINICAL_DASHBOARD_DUCKDB"] = str(config.work)
    try:
        result = dbtRunner().invoke([
            "build", "--target", config.target, "--project-dir", str(config.project_dir),
            "--profiles-dir", str(config.profiles_dir), *PRODUCTION_EXCLUDES, *config.dbt_args,
        ])
    finally:
        if previous is None:
            os.environ.pop("CLINICAL_DASHBOARD_DUCKDB", None)
        else:
            os.environ["CLINICAL_DASHBOARD_DUCKDB"] = previous
    failed = []
    for node in getattr(result.result, "results", None) or []:
        status = str(getattr(node.status, "value", node.status))
        if status not in ("success", "pass", "warn", "skipped"):
            failed.append(f"{node.node.unique_id}: {status}")
    if result.exception is not None:
        failed.append(f"dbt: {result.exception}")
    return bool(result.success), failed


def build_and_publish(config: PublishConfig, out: TextIO = sys.stdout) -> int:
    """Build the working copy; publish it only after a green build. Returns an exit code."""
    if not config.work.is_file():
        raise PublishError(f"{config.work}: no working warehouse; load the extracts into it first "
                           f"(clinical-dashboard load --duckdb-path {config.work})")
    for path in remove_leftovers(config.published):
        print(f"removed {path} (left by an interrupted publish)", file=out)
    started = time.perf_counter()
    success, failed = run_dbt_build(config)
    if not success:
        print(f"dbt build failed after {time.perf_counter() - started:,.1f} s; "
              f"{config.published} was NOT replaced (it still holds the last green build).", file=out)
        for line in failed[:20]:
            print(f"  {line}", file=out)
        return 1
    seconds = publish(config.work, config.published)
    print(f"published {config.work} -> {config.published} ({config.published.stat().st_size / 1e6:,.1f} MB, "
          f"{seconds:,.1f} s) after a green build of {time.perf_counter() - started:,.1f} s", file=out)
    return 0
