"""Load validated registry deliveries into the ``raw`` schema of DuckDB, PostgreSQL or Spark.

``clinical-dashboard load --raw-dir data/raw --target duckdb|postgres|spark`` takes every delivery
file ``<raw-dir>/<source>/<year>.csv`` (names starting with ``_`` are ignored), validates it
(:mod:`clinical_dashboard.validate`) and loads it, one file at a time, each in one transaction.

The raw contract (the staging models rely on it):

- ``raw.<source>``, one relation per source (DuckDB and Spark: over the landing zone, one parquet
  file per delivery file; PostgreSQL: a table): every extract column in file order, typed as
  its contract's ``landing`` says or else as text (:mod:`clinical_dashboard.landing_types`), an
  empty field as NULL, then ``_file`` (text, the path relative to the raw dir, e.g.
  ``npr_som/2023.csv``), ``_line`` (bigint, the 1-based line in the file: the header is line 1,
  the first data row line 2), ``_delivery_hash`` (text, sha256 of the file's bytes) and
  ``_unparsed`` (the delivered text of the row's values that did not parse, JSON, else NULL).
- ``raw._deliveries``, one row per load attempt that changed something: ``file``, ``source``,
  ``year``, ``delivery_hash``, ``rows``, ``bytes``, ``status`` ('loaded' | 'rejected' |
  'withdrawn'), ``error`` (the :class:`~clinical_dashboard.validate.DeliveryError` message, or
  why a delivery was withdrawn), ``loaded_by_version``, ``attempted_at`` (timestamp),
  ``failed_expectations`` (row-level expectations that flagged rows; code-list warnings are not
  failures), ``rows_unparsed`` (rows with a value that did not parse as its landing type: staging
  quarantines them) and ``check_counts`` (JSON: every expectation of the suite -> the rows it
  flagged, the code-list warnings ``<column>:code_list`` included; published by the mart
  fct_delivery_checks). The current state of a file is its newest row; its rows are in raw when
  its newest 'loaded' or 'withdrawn' row is 'loaded'.

Rules:

- Same file, same bytes (sha256) as its newest 'loaded' row: skipped; nothing is written.
- A changed file replaces that file's rows, all or nothing: DuckDB and Spark write the file's new
  parquet file beside the old one, rename it into place and log it (the old version is kept
  aside until the log row is written, and put back when that fails or the run stops before it);
  PostgreSQL deletes where ``_file`` = file, inserts and logs in one transaction.
- A file that breaks its contract is rejected: nothing of it is loaded, an earlier good delivery
  of the same file stays, the rejection is logged in ``raw._deliveries`` (once per distinct
  file content and error) and in the report, and the load goes on with the other files. With
  ``--strict`` the exit code is then 1 (every file is still tried, each all-or-nothing).
- Any unexpected error while handling one file (a loader bug, a file that vanished, a reader
  that gave up) rejects that file the same way, naming the file and the error (the traceback
  goes to ``<report-dir>/files/<source>/<year>.traceback.txt``): the target's transaction is
  rolled back, so nothing of the file is half loaded, and the run goes on.
- Row-level problems never stop a file: the rows are loaded and the report flags them.
- The file name is the delivery year: a year after the current year (a delivery for a year
  that has not happened) is rejected like a contract breach; the current year is fine (NPR
  delivers the running year as T1/T2 extracts). A file with fewer than
  ``ValidationSettings.period_min_share`` (one half) of its rows in that year (by the suite's
  period column) is rejected: another year's delivery under this name.
- A file with the same bytes (sha256) as the loaded version of *another* file is rejected: a
  copy of a delivery in the wrong folder or under the wrong year would count its rows twice.
- The manifest ``<raw-dir>/_manifest.json`` (``{"files": [{"file": "npr_tsb/2023.csv",
  "rows": 6361}, ...]}``) vouches for each file's data rows: a file whose count differs is
  rejected (cut short in transfer, rows appended ...). No manifest: a WARNING on stderr and in
  the report, and each file's count is only compared with its source's plausible band (a
  row-level flag). A manifest that cannot be read (not JSON, no ``files`` list, an entry
  without a whole ``rows`` ...) **refuses the run** (:class:`LoaderError`, exit 2) before
  anything is opened: it is the delivery's own statement of what it holds, and which files it
  vouches for is unknown. A delivered file the manifest does not list, and a listed file that
  is not delivered, are WARNINGs.
- A delivery is a regular file in a real folder of the raw dir. A symbolic link (to a file
  inside or outside the raw dir, dangling, a loop, to a directory) as a delivery file or as a
  source folder is rejected unread: a link's bytes can change without a new delivery and a link
  can point at any file the loader can read; copy the delivery in (``cp -L``).
- A file that was loaded before and is no longer in the raw dir keeps its rows (a raw dir that
  holds only new deliveries is a normal way to load); each such file is a WARNING on stderr and
  in the report until it is withdrawn explicitly with ``--withdraw <source>/<year>.csv``, which
  deletes its rows and logs a 'withdrawn' row, in one transaction (refused while the file is
  still in the raw dir, which would bring it back).
- A file that changes while it is loaded (still being uploaded) is rejected.
- The manifest's ``population_fraction`` and ``synthetic`` (a synthetic delivery at scale s:
  the events of a fraction s of the residents; no manifest or no keys: a real delivery,
  fraction 1; :mod:`clinical_dashboard.delivery_scale`) are recorded in the ledger row of every
  file loaded; the warehouse divides its rates by that fraction of the population. A run whose
  fraction or flag differs from that of loaded files it does not replace **is refused**
  (:class:`LoaderError`) before anything is loaded; a file delivered again with the same bytes
  but another fraction is loaded again.

DuckDB: the target file is ``--duckdb-path``, else env ``CLINICAL_DASHBOARD_DUCKDB``, else the
**working copy** ``target/work/warehouse.duckdb`` (:data:`clinical_dashboard.publish.DEFAULT_WORK`).
The loader never writes the published warehouse ``target/warehouse.duckdb``: a path that
resolves to it (or is the same file, e.g. a link) is refused; ``clinical-dashboard build``
publishes the working copy after a green dbt build. The rows of a delivery file go to its parquet
file in the landing zone ``--landing-dir`` (default ``<folder>/<name>_landing`` beside the DuckDB
file, e.g. ``target/work/warehouse_landing/source=npr_som/year=2023/2023.parquet``); the DuckDB file holds the
ledger ``raw._deliveries`` and a view ``raw.<source>`` over its source's files, so a re-delivery
rewrites one file, never a table of every year. The ledger is the truth: opening the target puts
back a version set aside by a stopped run and removes parquet files of deliveries the ledger does
not hold as loaded (a WARNING each). A warehouse file of the older layout (raw rows in tables) is
moved into the landing zone when it is opened. Every target stages a delivery in an in-memory
DuckDB (``read_csv`` into a temporary table, the validation's staging) with a memory limit
(``--memory-limit``, env ``CLINICAL_DASHBOARD_LOAD_MEMORY``, default 3GB) beyond which it spills
to disk. The published warehouse's views read the working copy's landing zone: its marts
change only when a build is published, but ``raw.*`` there shows the newest loaded deliveries.
PostgreSQL: env
``PGHOST``/``PGPORT``/``PGUSER``/``PGPASSWORD``/``PGDATABASE`` (defaults 127.0.0.1, 5433,
postgres, '', clinical_dashboard, as profiles.yml); the file is staged and validated in an
in-memory DuckDB, written by DuckDB to a temporary CSV with the three extra columns, and streamed
into ``COPY ... FROM STDIN`` (psycopg2 ``copy_expert``); never row-by-row inserts. Spark
(the dbt target ``spark``, dbt-spark ``session``): the same landing zone under ``--spark-dir``
(env ``CLINICAL_DASHBOARD_SPARK_DIR``, default ``target/spark``; ``<spark-dir>/raw``), registered
as external tables in that folder's metastore (:class:`SparkTarget`).
"""

from __future__ import annotations

import errno
import json
import os
import re
import shutil
import sys
import tempfile
import time
import traceback
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import quote

import duckdb
from tqdm import tqdm

from .config import REPO_ROOT, SOURCES
from .delivery_scale import REAL, DeliveryScale, conflicts, recorded_scale, scale_from_manifest
from .landing_types import UNPARSED, column_type, typed_select
from .publish import DEFAULT_PUBLISHED, DEFAULT_WORK
from .validate import (DeliveryError, FileResult, ScanResult, Suite, ValidationSettings, attach_ge, check_period,
                       check_row_count, compile_checks, count_unexpected, ge_frame, load_suite, scan_file, stage,
                       validate_frame, write_report, year_of, _lit, _q)

#: The loader's DuckDB file by default: the working copy, never the published warehouse.
DEFAULT_DUCKDB_PATH = str(DEFAULT_WORK)
DEFAULT_SPARK_DIR = "target/spark"
#: Log4j 2 configuration of the local Spark driver, relative to the repository root (as in profiles.yml).
SPARK_LOG4J2 = "spark/log4j2.properties"
DEFAULT_REPORT_DIR = Path("target/validation")
MANIFEST_NAME = "_manifest.json"
STAGED = "_delivery_staged"
#: COPY options of a landing-zone file: zstd at its fastest level, which writes files as small as the
#: default level's (the delivered text repeats a lot) for less CPU (benchmarks/README.md)
LANDING_PARQUET = "format parquet, compression zstd, compression_level 1"
#: Memory of the in-memory DuckDB that stages every delivery (it spills to disk beyond); ``--memory-limit``
#: or env CLINICAL_DASHBOARD_LOAD_MEMORY override it.
STAGING_MEMORY_LIMIT = "3GB"
RAW_SCHEMA = "raw"
#: Columns added to the ledger since its first version: added to an older ledger when it is opened.
LATER_DELIVERIES_COLUMNS = (("rows_unparsed", "bigint"), ("check_counts", "text"),
                            ("population_fraction", "double precision"), ("synthetic", "boolean"))
DELIVERIES_COLUMNS = (
    ("file", "text"), ("source", "text"), ("year", "integer"), ("delivery_hash", "text"), ("rows", "bigint"),
    ("bytes", "bigint"), ("status", "text"), ("error", "text"), ("loaded_by_version", "text"),
    ("attempted_at", "timestamp"), ("failed_expectations", "integer"),
) + LATER_DELIVERIES_COLUMNS
#: The loader's columns after the contract's: where a row came from, and the delivered text of its
#: values that did not parse as their landing type (:mod:`clinical_dashboard.landing_types`).
EXTRA_COLUMNS = (("_file", "text"), ("_line", "bigint"), ("_delivery_hash", "text"), (UNPARSED, "text"))
#: WARNING lines printed per kind on stderr (the report lists them all).
MAX_WARNINGS_SHOWN = 20


class LoaderError(RuntimeError):
    """The loader cannot run (no database, a raw table of another shape ...); not a delivery problem."""


def duckdb_config() -> dict[str, object]:
    """Settings of every DuckDB connection the loader opens: ``threads`` from env
    CLINICAL_DASHBOARD_DUCKDB_THREADS when set (the same variable as dbt's, through the hook in
    macros/cross_db/engine_threads.sql; ``make test`` sets 1), else DuckDB's default of one per
    core."""
    threads = os.environ.get("CLINICAL_DASHBOARD_DUCKDB_THREADS", "").strip()
    if not threads:
        return {}
    if not threads.isdigit() or int(threads) < 1:
        raise LoaderError(f"CLINICAL_DASHBOARD_DUCKDB_THREADS must be a whole number above 0, not {threads!r}")
    return {"threads": int(threads)}


def loader_version() -> str:
    try:
        return version("clinical-dashboard")
    except PackageNotFoundError:  # pragma: no cover - running from a source tree without install
        return "0+unknown"


@dataclass(frozen=True)
class LoadConfig:
    """Everything a load run needs."""

    raw_dir: Path
    target: str = "duckdb"
    #: DuckDB file; ``None``: env CLINICAL_DASHBOARD_DUCKDB, else the working copy target/work/warehouse.duckdb.
    duckdb_path: Path | None = None
    report_dir: Path = DEFAULT_REPORT_DIR
    strict: bool = False
    show_progress: bool = True
    validation: ValidationSettings = field(default_factory=ValidationSettings)
    #: PostgreSQL connection settings; ``None``: from PG* env variables (see module docstring).
    postgres: dict | None = None
    #: Spark warehouse + metastore folder; ``None``: env CLINICAL_DASHBOARD_SPARK_DIR, else target/spark.
    spark_dir: Path | None = None
    #: Deliveries (``<source>/<year>.csv``) no longer delivered whose rows to remove from raw.
    withdraw: tuple[str, ...] = ()
    #: DuckDB's landing zone; ``None``: :func:`default_landing_dir` of the DuckDB file.
    landing_dir: Path | None = None
    #: DuckDB ``memory_limit`` of the staging; ``None``: env CLINICAL_DASHBOARD_LOAD_MEMORY, else 3GB.
    memory_limit: str | None = None

    def resolved_memory_limit(self) -> str:
        return self.memory_limit or os.environ.get("CLINICAL_DASHBOARD_LOAD_MEMORY") or STAGING_MEMORY_LIMIT

    def resolved_landing_dir(self) -> Path:
        return self.landing_dir or default_landing_dir(self.resolved_duckdb_path())

    def resolved_duckdb_path(self) -> Path:
        return Path(self.duckdb_path or os.environ.get("CLINICAL_DASHBOARD_DUCKDB") or DEFAULT_DUCKDB_PATH)

    def duckdb_path_origin(self) -> str:
        if self.duckdb_path:
            return "--duckdb-path"
        return "env CLINICAL_DASHBOARD_DUCKDB" if os.environ.get("CLINICAL_DASHBOARD_DUCKDB") else "the default"

    def resolved_spark_dir(self) -> str:
        return str(self.spark_dir or os.environ.get("CLINICAL_DASHBOARD_SPARK_DIR") or DEFAULT_SPARK_DIR)


def default_landing_dir(duckdb_path: Path) -> Path:
    """The landing zone of a DuckDB warehouse file: ``<folder>/<stem>_landing`` beside it
    (``target/work/warehouse_landing`` for the working copy)."""
    return duckdb_path.with_name(f"{duckdb_path.stem}_landing")


def postgres_settings() -> dict:
    return {"host": os.environ.get("PGHOST", "127.0.0.1"), "port": int(os.environ.get("PGPORT", "5433")),
            "user": os.environ.get("PGUSER", "postgres"), "password": os.environ.get("PGPASSWORD", ""),
            "dbname": os.environ.get("PGDATABASE", "clinical_dashboard")}


# ------------------------------------------------------------------------------------------
# delivery files
# ------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Delivery:
    rel: str  # e.g. npr_som/2023.csv
    source: str
    year: int | None
    path: Path
    #: why the entry is refused unread, (expected, found, hint): a symbolic link
    problem: tuple[str, str, str] | None = None


_LINK_HINT = ("deliveries are not read through symbolic links: a link's bytes can change without a new "
              "delivery, and a link can point at any file; copy the delivery itself into the raw dir (cp -L)")


def _link_problem(link: Path, root: Path, expected: str, name: str = "") -> tuple[str, str, str]:
    """(expected, found, hint) for the symbolic link ``link`` (``name``: what to call it, when it
    is not the delivery file itself)."""
    try:
        target = os.readlink(link)
    except OSError as error:  # pragma: no cover - it was a link a moment ago
        target = f"(unreadable: {error.strerror})"
    try:
        resolved = link.resolve(strict=True)
    except RuntimeError:  # Python 3.11: 'Symlink loop from ...'
        found = f"a symbolic link to {target!r} that loops back on itself"
    except OSError as error:
        found = f"a symbolic link to {target!r}, " + (
            "a loop that never reaches a file" if error.errno == errno.ELOOP
            else "which does not exist (a dangling link)")
    else:
        kind = "a directory" if resolved.is_dir() else "a file"
        where = "inside" if resolved == root or resolved.is_relative_to(root) else "outside"
        found = f"a symbolic link to {kind} {where} the raw dir ({target!r})"
    return expected, f"{name}: {found}" if name else found, _LINK_HINT


def walk_raw_dir(raw_dir: Path) -> tuple[list[Delivery], list[str]]:
    """(deliveries, ignored entries) of ``raw_dir``.

    A delivery is every ``<source>/<name>.csv`` (names starting with '_' or '.' ignored); one
    that is a symbolic link, or lies in a source folder that is one, carries its ``problem``
    (a source folder link that leads nowhere is one refused entry of its own). Ignored (named,
    not read): anything in a source folder that is not ``<name>.csv`` (``2023.csv.gz``,
    ``2023.CSV``, a sub-folder) and a ``.csv`` directly in the raw dir.
    """
    if not raw_dir.is_dir():
        raise LoaderError(f"raw dir {raw_dir} does not exist: generate extracts first "
                          "(clinical-dashboard generate --out ...) or pass --raw-dir")
    root = raw_dir.resolve()
    found: list[Delivery] = []
    ignored: list[str] = []
    for folder in sorted(raw_dir.iterdir()):
        source = folder.name
        if source.startswith(("_", ".")):
            continue
        if folder.is_symlink() and not folder.is_file():
            # a source folder that is a link (to a directory, dangling, a loop): its files are refused
            problem = _link_problem(folder, root, "a source folder that is a real folder of the raw dir",
                                    f"the folder {source}")
            entries = sorted(e for e in folder.iterdir() if e.suffix == ".csv" and not e.name.startswith(("_", "."))) \
                if folder.is_dir() else []
            for entry in entries:
                rel = f"{source}/{entry.name}"
                found.append(Delivery(rel, source, year_of(rel), entry, problem))
            if not entries:
                found.append(Delivery(source, source, None, folder, problem))
            continue
        if folder.is_file():
            if folder.suffix.lower() == ".csv":
                ignored.append(f"{source}: not in a source folder (<source>/<year>.csv)")
            continue
        if not folder.is_dir():
            continue
        for entry in sorted(folder.iterdir()):
            if entry.name.startswith(("_", ".")):
                continue
            rel = f"{source}/{entry.name}"
            if entry.suffix == ".csv" and entry.is_symlink():
                found.append(Delivery(rel, source, year_of(rel), entry,
                                      _link_problem(entry, root, "a delivery file (a regular file)")))
            elif entry.suffix == ".csv" and entry.is_file():
                found.append(Delivery(rel, source, year_of(rel), entry))
            else:
                ignored.append(f"{rel}: not a file named <year>.csv")
    order = {s: i for i, s in enumerate(SOURCES)}
    found.sort(key=lambda d: (order.get(d.source, len(order)), d.source, d.rel))
    return found, ignored


def discover(raw_dir: Path) -> list[Delivery]:
    """Every ``<source>/<name>.csv`` under ``raw_dir`` (names starting with '_' ignored)."""
    return walk_raw_dir(raw_dir)[0]


def ignored_entries(raw_dir: Path) -> list[str]:
    """What the loader does not read although it may be a delivery (see :func:`walk_raw_dir`)."""
    return walk_raw_dir(raw_dir)[1]


def read_manifest_rows(raw_dir: Path) -> dict[str, int] | None:
    """file -> data rows from the delivery manifest; ``None`` when there is none.

    Raises :class:`LoaderError` for a manifest that cannot be read: it vouches for every file
    of the delivery, so the run is refused rather than any file loaded unchecked.
    """
    path = raw_dir / MANIFEST_NAME
    if not path.exists() and not path.is_symlink():
        return None

    def broken(reason: str) -> LoaderError:
        return LoaderError(f"the delivery manifest {path} cannot be read ({reason}); it vouches for the row "
                           "count of every file of the delivery, so nothing was loaded. Ask the registry for the "
                           f"manifest again, or move it out of the way (any name but {MANIFEST_NAME}) to load "
                           "with the row-count bands only (the report then says there is no manifest)")

    try:
        data = json.loads(path.read_bytes().decode("utf-8"))
    except OSError as error:
        raise broken(f"{type(error).__name__}: {error.strerror or error}") from None
    except UnicodeDecodeError as error:
        raise broken(f"not UTF-8: byte 0x{error.object[error.start]:02X} at byte offset {error.start:,}") from None
    except ValueError as error:
        raise broken(f"not JSON: {error}") from None
    if not isinstance(data, dict) or not isinstance(data.get("files"), list):
        raise broken('expected a JSON object with a list "files"')
    rows: dict[str, int] = {}
    for i, entry in enumerate(data["files"]):
        if not isinstance(entry, dict) or not isinstance(entry.get("file"), str):
            raise broken(f'files[{i}] has no "file" name')
        name, count = entry["file"], entry.get("rows")
        if isinstance(count, bool) or not isinstance(count, int) or count < 0:
            raise broken(f'files[{i}] ({name}) has "rows" {count!r}, expected a whole number of data rows')
        if rows.get(name, count) != count:
            raise broken(f"{name} is listed twice, with {rows[name]:,} and {count:,} rows")
        rows[name] = count
    return rows


def read_manifest_scale(raw_dir: Path) -> DeliveryScale:
    """The population fraction and synthetic flag the delivery manifest states (no manifest, or
    no such keys: a real delivery, fraction 1); :mod:`clinical_dashboard.delivery_scale`.

    Raises :class:`LoaderError` for a fraction that cannot be used, before anything is loaded.
    Call after :func:`read_manifest_rows`, which refuses a manifest that cannot be read.
    """
    path = raw_dir / MANIFEST_NAME
    data = json.loads(path.read_bytes().decode("utf-8")) if path.exists() else None
    try:
        return scale_from_manifest(data)
    except ValueError as error:
        raise LoaderError(f"the delivery manifest {path} states no usable population fraction ({error}); the "
                          "warehouse divides every rate by that fraction of the population, so nothing was "
                          "loaded") from None


# ------------------------------------------------------------------------------------------
# targets
# ------------------------------------------------------------------------------------------
class Target(Protocol):
    description: str
    stage_con: Any

    def ensure_table(self, source: str, columns: tuple[str, ...]) -> None: ...
    def latest(self, rel: str) -> dict | None: ...
    def ever_loaded(self, rel: str) -> bool: ...
    def copy_of(self, rel: str, sha256: str) -> str | None: ...
    def table_exists(self, source: str) -> bool: ...
    def replace(self, source: str, rel: str, columns: tuple[str, ...], delivery: dict, bar: tqdm) -> None: ...
    def record(self, delivery: dict) -> None: ...
    def current_files(self) -> dict[str, tuple[str, int]]: ...
    def current_scales(self) -> dict[str, DeliveryScale]: ...
    def withdraw(self, source: str, rel: str, delivery: dict) -> int: ...
    def abort(self) -> None: ...
    def close(self) -> None: ...


def _deliveries_ddl(text: str = "varchar") -> list[str]:
    """The ledger, and the columns an older ledger lacks."""
    cols = ", ".join(f"{_q(n)} {t.replace('text', text)}" for n, t in DELIVERIES_COLUMNS)
    return [f"create table if not exists {RAW_SCHEMA}._deliveries ({cols})"] + [
        f"alter table {RAW_SCHEMA}._deliveries add column if not exists {_q(n)} {t.replace('text', text)}"
        for n, t in LATER_DELIVERIES_COLUMNS]


def _contract_columns(source: str) -> tuple:
    suite = load_suite(source)
    if suite is None:
        raise LoaderError(f"no contract for source {source!r} (contracts/{source}.yml)")
    return suite.columns


def _raw_ddl(source: str, engine: str) -> str:
    """The raw table of ``source`` on PostgreSQL: the landing zone's columns and types."""
    cols = [f"{_q(c.name)} {column_type(c, engine)}" for c in _contract_columns(source)]
    cols += [f"{_q(n)} {t}" for n, t in EXTRA_COLUMNS]
    return f"create table if not exists {RAW_SCHEMA}.{_q(source)} ({', '.join(cols)})"


def _typed_delivery_sql(source: str, rel: str, delivery_hash: str) -> str:
    """The staged delivery (text, file order) as the landing zone holds it: typed, in file order.
    No ORDER BY: DuckDB keeps a table's insertion order through projections and COPY (the
    connection's ``preserve_insertion_order``, on), so the rows are written as they were staged
    without sorting them again."""
    return typed_select(_contract_columns(source), f"(select *, rowid + 2 as _line from {STAGED})",
                        f"{_lit(rel)} as _file, _line, {_lit(delivery_hash)} as _delivery_hash")


def _check_columns(source: str, found: list[str], columns: tuple[str, ...], where: str) -> None:
    wanted = list(columns) + [n for n, _ in EXTRA_COLUMNS]
    if found != wanted:
        raise LoaderError(f"{where} table {RAW_SCHEMA}.{source} has columns {found}, but its contract "
                          f"(contracts/{source}.yml) wants {wanted}: the contract changed; drop "
                          f"{RAW_SCHEMA}.{source} (and its rows in {RAW_SCHEMA}._deliveries) to reload it")


def _copy_of_sql(placeholder: str) -> str:
    """Another file whose current (newest loaded, not withdrawn since) version has the given hash."""
    return (f"select d.file from {RAW_SCHEMA}._deliveries as d where d.status = 'loaded' and d.delivery_hash = "
            f"{placeholder} and d.file <> {placeholder} and not exists (select 1 from {RAW_SCHEMA}._deliveries as n "
            "where n.file = d.file and n.status in ('loaded', 'withdrawn') and n.attempted_at > d.attempted_at) "
            "order by d.file limit 1")


def _current_sql(columns: str) -> str:
    """``columns`` of every file whose rows are in raw: its newest 'loaded' or 'withdrawn' row is 'loaded'."""
    return (f"select {columns} from (select {columns}, status, row_number() over "
            "(partition by file order by attempted_at desc) as newest "
            f"from {RAW_SCHEMA}._deliveries where status in ('loaded', 'withdrawn')) as current_state "
            "where newest = 1 and status = 'loaded' order by file")


_CURRENT_FILES_SQL = _current_sql('file, source, "rows"')
#: file, population fraction and synthetic flag recorded with every current file (delivery_scale.py).
_CURRENT_SCALES_SQL = _current_sql("file, population_fraction, synthetic")

#: The temporary tables a delivery's staging may leave behind when it stops half-way.
_STAGING_TABLES = (STAGED, f"{STAGED}_rejects", f"{STAGED}_rejects_scan", "_delivery_row")


def _drop_staging(con) -> None:
    for name in _STAGING_TABLES:
        con.execute(f"drop table if exists {name}")


def _delivery_values(d: dict) -> list:
    return [d.get(n) for n, _ in DELIVERIES_COLUMNS]


def staging_connection(work_dir: Path, memory_limit: str):
    """An in-memory DuckDB for staging deliveries: at most ``memory_limit``, spilling to ``work_dir``."""
    con = duckdb.connect(config=duckdb_config())
    con.execute(f"set temp_directory = {_lit(str(work_dir / 'duckdb_tmp'))}")
    try:
        con.execute(f"set memory_limit = {_lit(memory_limit)}")
    except duckdb.Error as error:
        con.close()
        raise LoaderError(f"memory limit {memory_limit!r} (--memory-limit or CLINICAL_DASHBOARD_LOAD_MEMORY): "
                          f"{str(error).strip().splitlines()[0]}; give a size such as 3GB or 500MB") from None
    con.execute("set TimeZone = 'UTC'")
    # file order through projections and COPY (the default, relied upon: _typed_delivery_sql)
    con.execute("set preserve_insertion_order = true")
    return con


def _parquet(path: Path | str) -> str:
    """``read_parquet`` of a landing file or glob: the ``source=``/``year=`` folders are where a
    file lies, not columns (DuckDB would add them as hive partitions by default)."""
    return f"read_parquet({_lit(str(path))}, hive_partitioning = false)"


def landing_file(root: Path, source: str, rel: str) -> Path:
    """Where the delivery ``rel`` (``npr_som/2023.csv``) of ``source`` lands under the landing
    zone ``root``: ``<root>/source=npr_som/year=2023/2023.parquet``."""
    name = Path(rel).with_suffix(".parquet").name
    if name.startswith((".", "_")):  # never read (discover() skips such files anyway)
        raise LoaderError(f"cannot land {rel}: a file name starting with '.' or '_'")
    year = year_of(rel)
    if year is None:  # discover() rejects such names before they are loaded
        raise LoaderError(f"cannot land {rel}: its name is not a data year (<source>/<year>.csv)")
    return root / f"source={source}" / f"year={year}" / name


class Landing:
    """The landing zone: one parquet file per delivery file, partitioned by source and data year:
    ``<root>/source=<source>/year=<year>/<delivery>.parquet`` (the delivery ``npr_som/2023.csv``
    lands as ``source=npr_som/year=2023/2023.parquet``; every engine reads the ``key=value``
    folders, and a year's files are one folder).

    A file holds the delivery's rows in file order with the raw contract's columns (an extract
    column typed as its contract's ``landing`` says, else the delivered text; an empty field as
    NULL; then ``_file``, ``_line``, ``_delivery_hash``, ``_unparsed``:
    :mod:`clinical_dashboard.landing_types`). It is
    written by the staging DuckDB beside its final name and renamed into place (atomic), and a
    corrected re-delivery replaces its own file only. The file it replaces (or removes, for a
    withdrawal) is kept as ``.<delivery>.parquet.prev`` until the target has recorded the change
    (:meth:`commit`); :meth:`rollback` puts it back. Hidden names are never read. A landing zone
    of the earlier layout (``<root>/<source>/<delivery>.parquet``) is moved into this one when
    it is opened.
    """

    def __init__(self, root: Path, memory_limit: str):
        self.root = root.resolve()
        self.root.mkdir(parents=True, exist_ok=True)
        self.work_dir = Path(tempfile.mkdtemp(prefix="clinical-dashboard-load-"))
        self.con = staging_connection(self.work_dir, memory_limit)
        #: path -> its previous version (None: there was none) of the change not yet committed
        self.pending: dict[Path, Path | None] = {}
        self._move_flat_layout()

    def _move_flat_layout(self) -> None:
        """Files of the earlier layout ``<root>/<source>/<delivery>.parquet`` (and a version set
        aside by a stopped run, ``.<delivery>.parquet.prev``) moved to their partition folders."""
        for old in sorted(p for p in self.root.iterdir() if p.is_dir() and p.name in SOURCES):
            for path in sorted(old.iterdir()):
                aside = path.name.startswith(".") and path.name.endswith(".parquet.prev")
                name = self.set_aside_from(path).name if aside else path.name
                if path.is_file() and name.endswith(".parquet") and not name.startswith((".", "_")):
                    new = self.path(old.name, f"{old.name}/{Path(name).stem}.csv")
                    new = self.previous(new) if aside else new
                    new.parent.mkdir(parents=True, exist_ok=True)
                    os.replace(path, new)
                elif path.is_file() and path.name.endswith(".tmp"):
                    path.unlink()  # a write that stopped half-way
            if not any(old.iterdir()):
                old.rmdir()

    def source_dir(self, source: str) -> Path:
        return self.root / f"source={source}"

    def sources(self) -> list[str]:
        """The sources with a folder in the landing zone."""
        return sorted(p.name.removeprefix("source=") for p in self.root.glob("source=*") if p.is_dir())

    @staticmethod
    def delivery_of(path: Path) -> str:
        """The delivery file (``npr_som/2023.csv``) of a landing file (``.../source=npr_som/year=2023/2023.parquet``)."""
        return f"{path.parent.parent.name.removeprefix('source=')}/{path.stem}.csv"

    @staticmethod
    def previous(path: Path) -> Path:
        return path.with_name(f".{path.name}.prev")

    @staticmethod
    def set_aside_from(backup: Path) -> Path:
        """The file that :meth:`previous` named ``backup`` (its inverse)."""
        return backup.with_name(backup.name[1:].removesuffix(".prev"))

    def _set_aside(self, path: Path) -> None:
        if path in self.pending:
            raise LoaderError(f"{path}: changed twice before the change was recorded (a loader bug)")
        backup = self.previous(path) if path.is_file() else None
        if backup is not None:
            os.replace(path, backup)
        self.pending[path] = backup

    def commit(self) -> None:
        """The target recorded the changes: drop the previous versions."""
        for path, backup in self.pending.items():
            if backup is not None:
                backup.unlink(missing_ok=True)
            if path.parent.is_dir() and not any(path.parent.iterdir()):
                path.parent.rmdir()  # the year's last file was withdrawn
        self.pending.clear()

    def rollback(self) -> None:
        """The changes were not recorded: put the previous versions back."""
        for path, backup in self.pending.items():
            if backup is not None and backup.is_file():
                os.replace(backup, path)
            elif backup is None:
                path.unlink(missing_ok=True)
        self.pending.clear()

    def delivery_hash(self, path: Path) -> str | None:
        row = self.con.execute(f"select _delivery_hash from {_parquet(path)} limit 1").fetchone()
        return row[0] if row else None

    def files(self, source: str) -> list[Path]:
        return sorted(self.source_dir(source).glob("year=*/[!.]*.parquet"))

    def glob(self, source: str) -> str:
        return str(self.source_dir(source) / "year=*" / "*.parquet")

    def columns(self, files: list[Path]) -> list[str]:
        cursor = self.con.execute(f"select * from {_parquet(files[0])} limit 0")
        return [d[0] for d in cursor.description]

    def check(self, source: str, columns: tuple[str, ...], where: str) -> None:
        self.retype(source)
        files = self.files(source)
        if files:
            _check_columns(source, self.columns(files), columns, f"{where} (parquet in {files[0].parent})")
        self.source_dir(source).mkdir(parents=True, exist_ok=True)

    def path(self, source: str, rel: str) -> Path:
        return landing_file(self.root, source, rel)

    def write(self, source: str, rel: str, delivery_hash: str) -> int:
        """Write the staged delivery, typed, as the parquet file of ``rel`` (replacing an earlier one);
        returns the rows with a value that did not parse."""
        path = self.path(source, rel)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.tmp")
        try:
            self.con.execute(f"copy ({_typed_delivery_sql(source, rel, delivery_hash)}) "
                             f"to {_lit(str(tmp))} ({LANDING_PARQUET})")
            unparsed = self.con.execute(f"select count(*) from {_parquet(tmp)} "
                                        f"where {UNPARSED} is not null").fetchone()[0]
            self._set_aside(path)
            os.replace(tmp, path)
        finally:
            tmp.unlink(missing_ok=True)
        return int(unparsed)

    def retype(self, source: str) -> None:
        """Parquet files of an older loader (every column as text, no ``_unparsed``) typed in place."""
        suite = load_suite(source)
        for path in self.files(source):
            if suite is None or UNPARSED in self.columns([path]):
                continue
            tmp = path.with_name(f".{path.name}.tmp")
            query = typed_select(suite.columns, _parquet(path), "_file, _line, _delivery_hash")
            self.con.execute(f"copy ({query} order by _line) to {_lit(str(tmp))} ({LANDING_PARQUET})")
            os.replace(tmp, path)

    def remove(self, source: str, rel: str) -> int:
        """Set the parquet file of ``rel`` aside (see :meth:`commit`); returns its rows (0: none)."""
        path = self.path(source, rel)
        rows = self.con.execute(f"select count(*) from {_parquet(path)}").fetchone()[0] \
            if path.is_file() else 0
        if path.is_file():
            self._set_aside(path)
        return rows

    def abort(self) -> None:
        """After an unexpected error: the previous versions back, no staging, no temporary files."""
        self.rollback()
        _drop_staging(self.con)
        for leftover in self.root.glob("source=*/year=*/.*.tmp"):
            leftover.unlink(missing_ok=True)

    def close(self) -> None:
        try:
            self.con.execute(f"drop table if exists {STAGED}")
        finally:
            self.con.close()
            shutil.rmtree(self.work_dir, ignore_errors=True)


class DuckDBTarget:
    """The DuckDB warehouse file: raw rows in its landing zone (:class:`Landing`), read through a
    view ``raw.<source>`` per source, and the ledger ``raw._deliveries`` as a table in the file.

    A delivery's parquet file is renamed into place before its ledger row is written (with the
    view, in one transaction): after a crash between the two the ledger names the older bytes, so
    the next load takes the file again. A file of the raw tables of older versions (rows in
    ``raw.<source>`` tables) is moved into the landing zone when it is opened.
    """

    def __init__(self, path: Path, landing_dir: Path, memory_limit: str = STAGING_MEMORY_LIMIT):
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            self.con = duckdb.connect(str(path), config=duckdb_config())
        except duckdb.IOException as error:
            raise LoaderError(f"cannot open {path}: {error} (is dbt or the dashboard holding it open?)") from None
        self.landing = Landing(landing_dir, memory_limit)
        self.stage_con = self.landing.con
        self.description = f"duckdb `{path}` (raw rows in {landing_dir})"
        self.con.execute(f"create schema if not exists {RAW_SCHEMA}")
        for statement in _deliveries_ddl():
            self.con.execute(statement)
        self._move_raw_tables()
        self._reconcile()

    def _reconcile(self) -> None:
        """The ledger is the truth: a parquet file of a delivery it does not hold as loaded (a
        landing zone left from another warehouse file, or a first delivery renamed into place
        just before a crash) is removed with a WARNING, and every view is made again."""
        for backup in sorted(self.landing.root.glob("source=*/year=*/.*.parquet.prev")):
            path = self.landing.set_aside_from(backup)
            latest = self.latest(self.landing.delivery_of(path)) or {}
            recorded = path.is_file() and latest.get("status") == "loaded" and \
                latest.get("delivery_hash") == self.landing.delivery_hash(path)
            if recorded or (not path.is_file() and latest.get("status") == "withdrawn"):
                backup.unlink()  # the change was recorded before the stop
            else:
                os.replace(backup, path)  # it was not: the previous version stays
        current = self.current_files()
        self.landing.abort()  # leftover temporary files
        for source in self.landing.sources():
            for path in self.landing.files(source):
                if self.landing.delivery_of(path) not in current:
                    tqdm.write(f"WARNING  {path} is not a loaded delivery in {RAW_SCHEMA}._deliveries: removed "
                               "(a landing zone of another warehouse file, or a load that stopped half-way)",
                               file=sys.stderr)
                    path.unlink()
            suite = load_suite(source)
            if suite is not None:
                self.landing.retype(source)
                self._refresh_view(source, suite.column_names)

    def _move_raw_tables(self) -> None:
        """Raw tables of an older warehouse: each file's rows to its parquet file, then the view."""
        tables = [t for t, in self.con.execute(
            "select table_name from information_schema.tables where table_schema = ? and table_type = 'BASE TABLE' "
            "and table_name <> '_deliveries' order by 1", [RAW_SCHEMA]).fetchall()]
        for source in tables:
            table = f"{RAW_SCHEMA}.{_q(source)}"
            names = [r[0] for r in self.con.execute(f"select * from {table} limit 0").description]
            columns = tuple(n for n in names if n not in dict(EXTRA_COLUMNS))
            for rel, in self.con.execute(f"select distinct _file from {table} order by 1").fetchall():
                path = self.landing.path(source, rel)
                path.parent.mkdir(parents=True, exist_ok=True)
                tmp = path.with_name(f".{path.name}.tmp")
                self.con.execute(f"copy (select * from {table} where _file = ? order by _line) to {_lit(str(tmp))} "
                                 "(format parquet, compression zstd)", [rel])  # text: typed by _reconcile
                os.replace(tmp, path)
            self.con.execute("begin transaction")
            self.con.execute(f"drop table {table}")
            self._refresh_view(source, columns)
            self.con.execute("commit")

    def _refresh_view(self, source: str, columns: tuple[str, ...]) -> None:
        """``raw.<source>`` over the source's parquet files (none: an empty view of the same columns)."""
        view = f"{RAW_SCHEMA}.{_q(source)}"
        if self.landing.files(source):
            body = f"select * from {_parquet(self.landing.glob(source))}"
        else:
            typed = [f"cast(null as {column_type(c, 'duckdb')}) as {_q(c.name)}" for c in _contract_columns(source)]
            typed += [f"cast(null as {t.replace('text', 'varchar')}) as {_q(n)}" for n, t in EXTRA_COLUMNS]
            body = f"select {', '.join(typed)} where false"
        self.con.execute(f"create or replace view {view} as {body}")

    def ensure_table(self, source: str, columns: tuple[str, ...]) -> None:
        self.landing.check(source, columns, "DuckDB")

    def table_exists(self, source: str) -> bool:
        return bool(self.landing.files(source))

    def latest(self, rel: str) -> dict | None:
        cursor = self.con.execute(f"select * from {RAW_SCHEMA}._deliveries where file = ? "
                                  "order by attempted_at desc limit 1", [rel])
        row = cursor.fetchone()
        return dict(zip([d[0] for d in cursor.description], row)) if row else None

    def ever_loaded(self, rel: str) -> bool:
        return bool(self.con.execute(f"select count(*) from {RAW_SCHEMA}._deliveries where file = ? "
                                     "and status = 'loaded'", [rel]).fetchone()[0])

    def copy_of(self, rel: str, sha256: str) -> str | None:
        row = self.con.execute(_copy_of_sql("?"), [sha256, rel]).fetchone()
        return row[0] if row else None

    def _commit(self, source: str, columns: tuple[str, ...], delivery: dict) -> None:
        """Record the landing zone's pending change in the ledger (with the view), or undo it."""
        try:
            self.con.execute("begin transaction")
            try:
                self.record(delivery)
                self._refresh_view(source, columns)
                self.con.execute("commit")
            except BaseException:
                self.con.execute("rollback")
                raise
        except BaseException:
            self.landing.rollback()
            raise
        self.landing.commit()

    def replace(self, source: str, rel: str, columns: tuple[str, ...], delivery: dict, bar: tqdm) -> None:
        delivery["rows_unparsed"] = self.landing.write(source, rel, delivery["delivery_hash"])
        self._commit(source, columns, delivery)

    def record(self, delivery: dict) -> None:
        self.con.execute(f"insert into {RAW_SCHEMA}._deliveries values ({', '.join('?' * len(DELIVERIES_COLUMNS))})",
                         _delivery_values(delivery))

    def current_files(self) -> dict[str, tuple[str, int]]:
        return {f: (s, r) for f, s, r in self.con.execute(_CURRENT_FILES_SQL).fetchall()}

    def current_scales(self) -> dict[str, DeliveryScale]:
        return {f: recorded_scale(p, y) for f, p, y in self.con.execute(_CURRENT_SCALES_SQL).fetchall()}

    def withdraw(self, source: str, rel: str, delivery: dict) -> int:
        """Delete the parquet file of ``rel`` and log ``delivery`` (status 'withdrawn')."""
        suite = load_suite(source)
        columns = suite.column_names if suite else ()
        rows = self.landing.remove(source, rel)
        self._commit(source, columns, {**delivery, "rows": rows})
        return rows

    def abort(self) -> None:
        """After an unexpected error: roll back an open transaction, drop the staging tables."""
        try:
            self.con.execute("rollback")
        except duckdb.Error:
            pass  # no transaction was open
        self.landing.abort()

    def close(self) -> None:
        try:
            self.landing.close()
        finally:
            self.con.close()


class _ProgressReader:
    """A binary file whose reads advance a progress bar (for COPY FROM STDIN)."""

    def __init__(self, handle, bar: tqdm, total: int, weight: int):
        self.handle, self.bar, self.total, self.weight, self.done = handle, bar, max(total, 1), weight, 0

    def read(self, size: int = -1) -> bytes:
        data = self.handle.read(size)
        step = int(len(data) / self.total * self.weight)
        self.done += step
        self.bar.update(step)
        return data

    def readline(self, size: int = -1) -> bytes:  # pragma: no cover - psycopg2 uses read
        return self.read(size)


class PostgresTarget:
    def __init__(self, settings: dict, memory_limit: str = STAGING_MEMORY_LIMIT):
        import psycopg2

        self.settings = settings
        self.description = (f"postgres `{settings['user']}@{settings['host']}:{settings['port']}/"
                            f"{settings['dbname']}`")
        try:
            self.pg = psycopg2.connect(connect_timeout=10, application_name="clinical-dashboard load", **settings)
        except psycopg2.OperationalError as error:
            raise LoaderError(f"cannot connect to PostgreSQL at {settings['host']}:{settings['port']} database "
                              f"{settings['dbname']!r}: {str(error).strip()} (start the server, create the "
                              "database, or set PGHOST/PGPORT/PGUSER/PGPASSWORD/PGDATABASE)") from None
        self.work_dir = Path(tempfile.mkdtemp(prefix="clinical-dashboard-load-"))
        self.stage_con = staging_connection(self.work_dir, memory_limit)
        with self.pg.cursor() as cur:
            cur.execute(f"create schema if not exists {RAW_SCHEMA}")
            for statement in _deliveries_ddl("text"):
                cur.execute(statement)
        self.pg.commit()

    def ensure_table(self, source: str, columns: tuple[str, ...]) -> None:
        with self.pg.cursor() as cur:
            cur.execute(_raw_ddl(source, "postgres"))
            cur.execute("select column_name from information_schema.columns where table_schema = %s and "
                        "table_name = %s order by ordinal_position", [RAW_SCHEMA, source])
            found = [r[0] for r in cur.fetchall()]
        self.pg.commit()
        _check_columns(source, found, columns, "PostgreSQL")

    def table_exists(self, source: str) -> bool:
        with self.pg.cursor() as cur:
            cur.execute("select count(*) from information_schema.tables where table_schema = %s and table_name = %s",
                        [RAW_SCHEMA, source])
            exists = bool(cur.fetchone()[0])
        self.pg.commit()
        return exists

    def latest(self, rel: str) -> dict | None:
        with self.pg.cursor() as cur:
            cur.execute(f"select * from {RAW_SCHEMA}._deliveries where file = %s order by attempted_at desc limit 1",
                        [rel])
            row = cur.fetchone()
            names = [d[0] for d in cur.description]
        self.pg.commit()
        return dict(zip(names, row)) if row else None

    def ever_loaded(self, rel: str) -> bool:
        with self.pg.cursor() as cur:
            cur.execute(f"select count(*) from {RAW_SCHEMA}._deliveries where file = %s and status = 'loaded'", [rel])
            found = bool(cur.fetchone()[0])
        self.pg.commit()
        return found

    def copy_of(self, rel: str, sha256: str) -> str | None:
        with self.pg.cursor() as cur:
            cur.execute(_copy_of_sql("%s"), [sha256, rel])
            row = cur.fetchone()
        self.pg.commit()
        return row[0] if row else None

    def replace(self, source: str, rel: str, columns: tuple[str, ...], delivery: dict, bar: tqdm) -> None:
        cols = ", ".join(_q(c) for c in columns)
        table = f"{RAW_SCHEMA}.{_q(source)}"
        with tempfile.TemporaryDirectory(dir=self.work_dir) as tmp:
            csv_path = Path(tmp) / "delivery.csv"
            # DuckDB writes NULL as an unquoted empty field, which COPY (csv) reads as NULL.
            # (the typed rows, as the landing zone holds them)
            self.stage_con.execute(
                f"copy ({_typed_delivery_sql(source, rel, delivery['delivery_hash'])}) to {_lit(str(csv_path))} "
                "(format csv, header false, delimiter ',', quote '\"')")
            size = csv_path.stat().st_size
            earlier = self.ever_loaded(rel)  # a new file has no rows to delete: skip that scan
            try:
                with self.pg.cursor() as cur:
                    if earlier:
                        cur.execute(f"delete from {table} where _file = %s", [rel])
                    with csv_path.open("rb") as handle:
                        reader = _ProgressReader(handle, bar, size, delivery["bytes"] // 2)
                        cur.copy_expert(f"copy {table} ({cols}, _file, _line, _delivery_hash, {UNPARSED}) from stdin "
                                        "with (format csv, header false)", reader, size=1 << 20)
                        bar.update(delivery["bytes"] // 2 - reader.done)
                    cur.execute(f"select count(*) from {table} where _file = %s and {UNPARSED} is not null", [rel])
                    delivery["rows_unparsed"] = cur.fetchone()[0]
                    placeholders = ", ".join(["%s"] * len(DELIVERIES_COLUMNS))
                    cur.execute(f"insert into {RAW_SCHEMA}._deliveries values ({placeholders})",
                                _delivery_values(delivery))
                    # statistics of the new rows with them (ANALYZE sees its own transaction's
                    # rows), so that the next dbt build plans the base views with them instead of
                    # waiting for autovacuum, as dbt's post-hook refresh_statistics does for models
                    cur.execute(f"analyze {table}")
                self.pg.commit()
            except BaseException:
                self.pg.rollback()
                raise

    def record(self, delivery: dict) -> None:
        with self.pg.cursor() as cur:
            placeholders = ", ".join(["%s"] * len(DELIVERIES_COLUMNS))
            cur.execute(f"insert into {RAW_SCHEMA}._deliveries values ({placeholders})", _delivery_values(delivery))
        self.pg.commit()

    def current_files(self) -> dict[str, tuple[str, int]]:
        with self.pg.cursor() as cur:
            cur.execute(_CURRENT_FILES_SQL)
            found = {f: (s, r) for f, s, r in cur.fetchall()}
        self.pg.commit()
        return found

    def current_scales(self) -> dict[str, DeliveryScale]:
        with self.pg.cursor() as cur:
            cur.execute(_CURRENT_SCALES_SQL)
            found = {f: recorded_scale(p, y) for f, p, y in cur.fetchall()}
        self.pg.commit()
        return found

    def withdraw(self, source: str, rel: str, delivery: dict) -> int:
        exists = self.table_exists(source)
        table = f"{RAW_SCHEMA}.{_q(source)}"
        try:
            with self.pg.cursor() as cur:
                rows = 0
                if exists:
                    cur.execute(f"delete from {table} where _file = %s", [rel])
                    rows = cur.rowcount
                    if rows:
                        cur.execute(f"analyze {table}")  # as after a delivery (replace)
                placeholders = ", ".join(["%s"] * len(DELIVERIES_COLUMNS))
                cur.execute(f"insert into {RAW_SCHEMA}._deliveries values ({placeholders})",
                            _delivery_values({**delivery, "rows": rows}))
            self.pg.commit()
        except BaseException:
            self.pg.rollback()
            raise
        return rows

    def abort(self) -> None:
        self.pg.rollback()
        _drop_staging(self.stage_con)

    def close(self) -> None:
        self.stage_con.close()
        self.pg.close()
        shutil.rmtree(self.work_dir, ignore_errors=True)


def spark_conf(spark_dir: str) -> dict[str, str]:
    """The Spark settings of the ``spark`` output of profiles.yml (server_side_parameters), for
    ``spark_dir`` as given there (env CLINICAL_DASHBOARD_SPARK_DIR, default target/spark,
    relative to the working directory). The loader and dbt must open the same warehouse and
    metastore: src/tests/test_load_spark.py checks that the two stay in step."""
    return {
        "spark.master": "local[2]",
        "spark.driver.memory": os.environ.get("CLINICAL_DASHBOARD_SPARK_DRIVER_MEMORY", "4g"),
        "spark.sql.shuffle.partitions": "4",
        "spark.default.parallelism": "2",
        "spark.ui.enabled": "false",
        "spark.ui.showConsoleProgress": "false",
        "spark.sql.ui.retainedExecutions": "20",
        "spark.ui.retainedJobs": "50",
        "spark.ui.retainedStages": "50",
        "spark.ui.retainedTasks": "1000",
        "spark.ui.dagGraph.retainedRootRDDs": "50",
        "spark.sql.session.timeZone": "UTC",
        "spark.sql.analyzer.maxIterations": "1000",
        "spark.sql.warehouse.dir": f"{spark_dir}/warehouse",
        "spark.hadoop.javax.jdo.option.ConnectionURL":
            f"jdbc:derby:;databaseName={spark_dir}/metastore_db;create=true",
        "spark.driver.extraJavaOptions":
            f"-Dderby.system.home={spark_dir} -Dlog4j2.configurationFile={SPARK_LOG4J2}",
        # as dbt-spark sets it (dbt/adapters/spark/connections.py)
        "spark.sql.ansi.enabled": "false",
    }


def _spark_location(path: Path) -> str:
    """A folder as a file URI for Spark, ``=`` kept as it is: Spark takes ``source%3Dnpr_som``
    literally (``Path.as_uri`` escapes ``=``), and would then read an empty folder."""
    return "file://" + quote(str(path.resolve()), safe="/=")


def _spark_type(logical: str) -> str:
    return {"text": "string", "bigint": "bigint", "integer": "int", "timestamp": "timestamp",
            "double precision": "double", "boolean": "boolean"}[logical]


class SparkTarget:
    """Raw tables for Spark: the landing zone ``<spark-dir>/raw`` (:class:`Landing`, one parquet
    file per delivery file), registered in the Spark metastore.

    ``<spark-dir>/raw_deliveries/`` holds one small parquet file per row of ``raw._deliveries``.
    At the end of the run every raw table is (re)registered as an external parquet table
    ``raw.<source>`` (and ``raw._deliveries``) in the metastore that the dbt target ``spark``
    uses (:func:`spark_conf`); that starts a local Spark session (~10 s), so dbt must not run at
    the same time (Derby admits one process).
    """

    def __init__(self, spark_dir: str, memory_limit: str = STAGING_MEMORY_LIMIT):
        self.spark_dir = spark_dir
        self.root = Path(spark_dir).resolve()
        self.landing = Landing(self.root / "raw", memory_limit)
        self.tables_dir = self.landing.root
        self.deliveries_dir = self.root / "raw_deliveries"
        self.deliveries_dir.mkdir(parents=True, exist_ok=True)
        self.description = f"spark `{spark_dir}` (parquet under {self.tables_dir})"
        self.stage_con = self.landing.con
        # raw._deliveries as a DuckDB table in memory: the lookups are the DuckDB target's
        self.stage_con.execute(f"create schema if not exists {RAW_SCHEMA}")
        for statement in _deliveries_ddl():
            self.stage_con.execute(statement)
        if any(self.deliveries_dir.glob("*.parquet")):
            files = f"read_parquet({_lit(str(self.deliveries_dir / '*.parquet'))}, union_by_name = true)"
            found = {d[0] for d in self.stage_con.execute(f"select * from {files} limit 0").description}
            names = ", ".join(f"cast({_q(n)} as timestamp)" if n == "attempted_at" else
                              (_q(n) if n in found else f"cast(null as {t.replace('text', 'varchar')})")
                              for n, t in DELIVERIES_COLUMNS)  # files of an older ledger lack the later columns
            self.stage_con.execute(f"insert into {RAW_SCHEMA}._deliveries select {names} from {files}")
        self.lookups = DuckDBTarget.__new__(DuckDBTarget)
        self.lookups.con = self.stage_con

    def ensure_table(self, source: str, columns: tuple[str, ...]) -> None:
        self.landing.check(source, columns, "Spark")

    def table_exists(self, source: str) -> bool:
        return bool(self.landing.files(source))

    def latest(self, rel: str) -> dict | None:
        return self.lookups.latest(rel)

    def ever_loaded(self, rel: str) -> bool:
        return self.lookups.ever_loaded(rel)

    def copy_of(self, rel: str, sha256: str) -> str | None:
        return self.lookups.copy_of(rel, sha256)

    def _commit(self, delivery: dict) -> None:
        try:
            self.record(delivery)
        except BaseException:
            self.landing.rollback()
            raise
        self.landing.commit()

    def replace(self, source: str, rel: str, columns: tuple[str, ...], delivery: dict, bar: tqdm) -> None:
        delivery["rows_unparsed"] = self.landing.write(source, rel, delivery["delivery_hash"])
        self._commit(delivery)

    def current_files(self) -> dict[str, tuple[str, int]]:
        return self.lookups.current_files()

    def current_scales(self) -> dict[str, DeliveryScale]:
        return self.lookups.current_scales()

    def withdraw(self, source: str, rel: str, delivery: dict) -> int:
        rows = self.landing.remove(source, rel)  # registered tables are folders: the file's rows are gone
        self._commit({**delivery, "rows": rows})
        return rows

    def abort(self) -> None:
        self.landing.abort()

    def record(self, delivery: dict) -> None:
        placeholders = ", ".join("?" * len(DELIVERIES_COLUMNS))
        self.stage_con.execute("create or replace temp table _delivery_row as "
                               f"select * from {RAW_SCHEMA}._deliveries limit 0")
        self.stage_con.execute(f"insert into _delivery_row values ({placeholders})", _delivery_values(delivery))
        # attempted_at as an instant (UTC): Spark reads it as its timestamp type
        name = f"{delivery['attempted_at']:%Y%m%dT%H%M%S%f}-{os.getpid()}-{time.perf_counter_ns()}.parquet"
        tmp = self.deliveries_dir / f".{name}.tmp"
        self.stage_con.execute(
            "copy (select * replace (cast(attempted_at as timestamptz) as attempted_at) from _delivery_row) "
            f"to {_lit(str(tmp))} (format parquet)")
        os.replace(tmp, self.deliveries_dir / name)
        self.stage_con.execute(f"insert into {RAW_SCHEMA}._deliveries select * from _delivery_row")
        self.stage_con.execute("drop table _delivery_row")

    def register(self) -> None:
        """(Re)register every raw table and raw._deliveries in the Spark metastore."""
        try:
            from pyspark.sql import SparkSession
        except ImportError:
            raise LoaderError("the Spark target needs pyspark: install the spark extra "
                              "(.tools/bin/uv sync --extra spark, or make test-spark)") from None
        builder = SparkSession.builder.appName("clinical-dashboard load").enableHiveSupport()
        for key, value in spark_conf(self.spark_dir).items():
            builder = builder.config(key, value)
        spark = builder.getOrCreate()
        try:
            spark.sparkContext.setLogLevel("ERROR")
            spark.sql(f"create database if not exists {RAW_SCHEMA}")
            tables = {"_deliveries": (self.deliveries_dir, [(n, _spark_type(t)) for n, t in DELIVERIES_COLUMNS])}
            for source in self.landing.sources():
                if self.landing.files(source):
                    self.landing.retype(source)
                    tables[source] = (self.landing.source_dir(source), [
                        (c.name, column_type(c, "spark")) for c in _contract_columns(source)
                    ] + [(n, _spark_type(t)) for n, t in EXTRA_COLUMNS])
            for table, (location, columns) in tables.items():
                ddl = ", ".join(f"`{c}` {t}" for c, t in columns)
                # external tables: dropping one leaves its files. The year=<year> folders are read
                # as folders of files (recursiveFileLookup), not as a partition column: the raw
                # table's columns are the contract's, as on DuckDB and PostgreSQL.
                spark.sql(f"drop table if exists {RAW_SCHEMA}.`{table}`")
                spark.sql(f"create table {RAW_SCHEMA}.`{table}` ({ddl}) using parquet "
                          f"options (recursiveFileLookup 'true') location {_lit(_spark_location(location))}")
        finally:
            spark.stop()

    def close(self) -> None:
        try:
            self.stage_con.execute(f"drop table if exists {STAGED}")
            self.register()
        finally:
            self.landing.close()


def published_warehouses() -> tuple[Path, ...]:
    """The published warehouse (``clinical-dashboard build --published``'s default), relative to
    the working directory and to the repository."""
    return (DEFAULT_PUBLISHED, REPO_ROOT / DEFAULT_PUBLISHED)


def refuse_published(path: Path, origin: str = "--duckdb-path") -> None:
    """Raise :class:`LoaderError` when ``path`` is the published warehouse (the same resolved
    path, or the same file through a link)."""
    resolved = path.resolve()
    for published in published_warehouses():
        same = resolved == published.resolve()
        if not same:
            try:
                same = os.path.samefile(path, published)
            except OSError:  # one of them does not exist: not the same file
                same = False
        if same:
            raise LoaderError(
                f"{path} (from {origin}) is the published warehouse {published}: the loader only writes the "
                f"working copy ({DEFAULT_WORK}, its default), and `clinical-dashboard build` publishes that after "
                f"a green dbt build. Load with --duckdb-path {DEFAULT_WORK} (or unset CLINICAL_DASHBOARD_DUCKDB)")


def open_target(config: LoadConfig) -> Target:
    memory_limit = config.resolved_memory_limit()
    if config.target == "duckdb":
        path = config.resolved_duckdb_path()
        refuse_published(path, config.duckdb_path_origin())
        return DuckDBTarget(path, config.resolved_landing_dir(), memory_limit)
    if config.target == "postgres":
        return PostgresTarget(config.postgres or postgres_settings(), memory_limit)
    if config.target == "spark":
        return SparkTarget(config.resolved_spark_dir(), memory_limit)
    raise LoaderError(f"unknown target {config.target!r}: use duckdb, postgres or spark")


# ------------------------------------------------------------------------------------------
# one file
# ------------------------------------------------------------------------------------------
def _result_path(report_dir: Path, rel: str) -> Path:
    return report_dir / "files" / (rel.removesuffix(".csv") + ".json")


def _stored_result(report_dir: Path, rel: str, sha256: str) -> FileResult | None:
    path = _result_path(report_dir, rel)
    if not path.is_file():
        return None
    try:
        result = FileResult.from_dict(json.loads(path.read_text("utf-8")))
    except (ValueError, TypeError, KeyError):
        return None
    return result if result.delivery_hash == sha256 else None


def _today() -> date:
    """Today's date (a function, so tests can move the clock)."""
    return date.today()


def _now() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None)


def _reject(delivery: Delivery, target: Target, error: DeliveryError, sha: str, size: int, suite: Suite | None,
            started: float) -> FileResult:
    """Log the rejection of ``delivery`` (once per distinct content and message) and its result."""
    row = {"file": delivery.rel, "source": delivery.source, "year": delivery.year,
           "loaded_by_version": loader_version(), "delivery_hash": sha, "rows": None, "bytes": size, "status": "rejected", "error": error.message,
           "attempted_at": _now(), "failed_expectations": None}
    latest = target.latest(delivery.rel)
    if not (latest and latest["status"] == "rejected" and latest["delivery_hash"] == sha
            and latest["error"] == error.message):
        target.record(row)
    return FileResult(delivery.rel, delivery.source, delivery.year, "rejected", sha, None, size, error.as_dict(),
                      suite.name if suite else "", suite.basis if suite else "",
                      seconds=time.perf_counter() - started, validated_at=str(row["attempted_at"]))


def _file_state(path: Path) -> tuple[int, int]:
    """(size, modification time in ns): a file that changes while it is loaded changes these."""
    stat = path.stat()
    return stat.st_size, stat.st_mtime_ns


def load_file(delivery: Delivery, target: Target, config: LoadConfig, manifest_rows: dict[str, int] | None,
              bar: tqdm, ge_pool: ThreadPoolExecutor, scale: DeliveryScale = REAL
              ) -> tuple[FileResult, Future | None]:
    """Validate one delivery file and load it (or reject it, or skip it when unchanged).

    ``manifest_rows``: file -> data rows of the delivery manifest (``None``: no manifest).
    ``scale``: the delivery's population fraction and synthetic flag, recorded with the file;
    the same bytes recorded with another scale are loaded again (so the ledger states this one).
    Returns the result and, for a loaded file, the pending Great Expectations run.
    """
    started = time.perf_counter()
    timings: dict[str, float] = {}
    clock = [started]

    def step(name: str) -> None:
        now = time.perf_counter()
        timings[name] = round(now - clock[0], 2)
        clock[0] = now

    rel = delivery.rel
    if delivery.problem is not None:  # a symbolic link: refused unread
        return _reject(delivery, target, DeliveryError(rel, 1, 1, *delivery.problem), "", 0, None, started), None
    state = _file_state(delivery.path)
    size = state[0]
    suite: Suite | None = load_suite(delivery.source)

    def reject(error: DeliveryError, scan: ScanResult | None) -> FileResult:
        return _reject(delivery, target, error, scan.sha256 if scan else "", size, suite, started)

    bar.set_postfix_str(f"scan {rel}")
    if suite is None:
        bar.update(2 * size)
        return reject(DeliveryError(rel, 1, 1, "a source with a contract", repr(delivery.source),
                                    f"unknown source: add contracts/{delivery.source}.yml"),
                      scan_file(delivery.path, rel, ())), None
    columns = suite.column_names
    scan = scan_file(delivery.path, rel, columns, progress=bar.update)
    if delivery.year is None:
        bar.update(size)
        return reject(DeliveryError(rel, 1, 1, "a file named <year>.csv (e.g. 2023.csv)",
                                    repr(delivery.path.name)), scan), None
    today = _today()
    if delivery.year > today.year:
        bar.update(size)
        return reject(DeliveryError(rel, 1, 1, f"a delivery year up to {today.year} (today is {today.isoformat()})",
                                    f"{delivery.year} in the file name {delivery.path.name!r}",
                                    "a delivery for a year that has not happened: a wrong file name?"), scan), None
    step("scan")
    latest = target.latest(rel)
    if latest and latest["status"] == "loaded" and latest["delivery_hash"] == scan.sha256 \
            and target.table_exists(delivery.source) \
            and recorded_scale(latest.get("population_fraction"), latest.get("synthetic")) == scale:
        bar.update(size)
        stored = _stored_result(config.report_dir, rel, scan.sha256)
        if stored is None:
            stored = FileResult(rel, delivery.source, delivery.year, "unchanged", scan.sha256, latest["rows"],
                                size, suite=suite.name, suite_basis=suite.basis,
                                note=f"validated when it was loaded; that report is not in {config.report_dir}")
        stored.status, stored.seconds = "unchanged", time.perf_counter() - started
        stored.validated_at = stored.validated_at or str(latest["attempted_at"])
        return stored, None
    if scan.error is not None:
        bar.update(size)
        return reject(scan.error, scan), None
    other = target.copy_of(rel, scan.sha256)
    if other is not None:
        bar.update(size)
        return reject(DeliveryError(rel, 1, 1, f"a delivery of {delivery.source} for {delivery.year}",
                                    f"the same bytes (sha256 {scan.sha256[:12]}...) as the loaded {other}",
                                    "a copy of another delivery in the wrong folder or under the wrong year? its "
                                    "rows would count twice"), scan), None
    con = target.stage_con
    bar.set_postfix_str(f"read {rel}")
    try:
        try:
            rows = stage(con, scan, columns, STAGED)
        finally:
            # a file that changed since the scan explains any disagreement of the reader with it
            now = _file_state(delivery.path)
            if now != state:
                raise DeliveryError(rel, 1, 1, "a file that stays the same while it is loaded",
                                    f"{state[0]:,} bytes when the load began, {now[0]:,} bytes and a new "
                                    "modification time after reading it", "the file changed while it was loaded: "
                                    "still being uploaded or written? load it again when it is complete")
        # the delivery as a whole, before it may replace anything
        if manifest_rows is not None and rel in manifest_rows:
            check_row_count(rel, rows, manifest_rows[rel], scan.lines, MANIFEST_NAME)
        check_period(con, STAGED, suite, rel, delivery.year, rows, config.validation.period_min_share)
    except DeliveryError as error:
        con.execute(f"drop table if exists {STAGED}")
        bar.update(size)
        return reject(error, scan), None
    step("read")
    bar.set_postfix_str(f"check {rel}")
    checks = compile_checks(suite, delivery.year, manifest_rows=(manifest_rows or {}).get(rel))
    results = count_unexpected(con, STAGED, checks, rows)
    pending = None
    if config.validation.use_great_expectations:
        # GE runs in a worker thread while the next files load (DuckDB releases the GIL)
        frame, info = ge_frame(con, STAGED, columns, rows, config.validation)
        pending = ge_pool.submit(validate_frame, frame, info, rel, checks, columns,
                                 _result_path(config.report_dir, rel).with_suffix(".html"))
    failed = sum(not r.success for r in results)
    row = {"file": rel, "source": delivery.source, "year": delivery.year, "loaded_by_version": loader_version(),
           "delivery_hash": scan.sha256, "rows": rows, "bytes": size, "status": "loaded", "error": None,
           "attempted_at": _now(), "failed_expectations": failed,
           "check_counts": json.dumps({r.id: r.unexpected_count for r in results}, sort_keys=True),
           "population_fraction": scale.population_fraction, "synthetic": scale.synthetic}
    step("check")
    bar.set_postfix_str(f"load {rel}")
    target.ensure_table(delivery.source, columns)
    before = bar.n
    target.replace(delivery.source, rel, columns, row, bar)
    bar.update(max(size - (bar.n - before), 0))
    con.execute(f"drop table if exists {STAGED}")
    step("load")
    result = FileResult(rel, delivery.source, delivery.year, "loaded", scan.sha256, rows, size, None, suite.name,
                        suite.basis, results, None, seconds=time.perf_counter() - started,
                        validated_at=str(row["attempted_at"]), timings=timings)
    return result, pending


def _unexpected(delivery: Delivery, target: Target, report_dir: Path, error: Exception,
                started: float) -> FileResult:
    """An unexpected error while handling ``delivery``: roll the target back and reject the file,
    naming it and the error (the traceback goes to a file beside its report)."""
    trace = "".join(traceback.format_exception(type(error), error, error.__traceback__))
    path = _result_path(report_dir, delivery.rel).with_suffix(".traceback.txt")
    try:
        target.abort()
    except Exception as abort_error:  # noqa: BLE001 - the target is unusable: stop the run, clearly
        raise LoaderError(f"{delivery.rel}: an unexpected {type(error).__name__} ({error}), and the target could "
                          f"not be rolled back after it ({abort_error!r}): the run stops here") from None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(trace, "utf-8")
        where = f"the traceback is in {path}"
    except OSError:
        where = "the traceback could not be written"
    first = next((line for line in str(error).strip().splitlines() if line.strip()), "")
    rejection = DeliveryError(delivery.rel, 1, 1, "a delivery the loader can read and load",
                              f"an unexpected {type(error).__name__}" + (f": {first}" if first else ""),
                              f"nothing of it was loaded (an earlier delivery of it, if any, stays); {where}; "
                              "please report it with the file")
    try:
        return _reject(delivery, target, rejection, "", 0, None, started)
    except Exception as record_error:  # noqa: BLE001
        raise LoaderError(f"{rejection.message}; recording the rejection failed too ({record_error!r}): the run "
                          "stops here") from None


_REL = re.compile(r"[^/\\]+/[^/\\]+\.csv")


def _check_withdrawals(config: LoadConfig, delivered: set[str]) -> tuple[str, ...]:
    """The files to withdraw, checked before anything is opened."""
    for rel in config.withdraw:
        if not _REL.fullmatch(rel):
            raise LoaderError(f"--withdraw {rel!r}: name the delivery as <source>/<year>.csv, as in raw._deliveries "
                              "(e.g. npr_tsb/2022.csv)")
        if rel in delivered or os.path.lexists(config.raw_dir / rel):
            raise LoaderError(f"--withdraw {rel}: the file is still in {config.raw_dir} and this load would bring it "
                              "back; remove it from the raw dir first (nothing was changed)")
    return tuple(dict.fromkeys(config.withdraw))


def _withdraw(target: Target, files: tuple[str, ...], out) -> list[dict]:
    """Withdraw ``files`` (all checked first: any that has no rows in raw refuses them all)."""
    if not files:
        return []
    current = target.current_files()
    missing = [rel for rel in files if rel not in current]
    if missing:
        raise LoaderError(f"--withdraw {', '.join(missing)}: no rows of it in raw (never loaded, or withdrawn "
                          "already; see raw._deliveries); nothing was changed")
    done = []
    for rel in files:
        source = current[rel][0]
        latest = target.latest(rel) or {}
        row = {"file": rel, "source": source, "year": year_of(rel), "delivery_hash": latest.get("delivery_hash"),
               "rows": 0, "bytes": None, "status": "withdrawn",
               "error": "withdrawn (clinical-dashboard load --withdraw): no longer delivered",
               "loaded_by_version": loader_version(), "attempted_at": _now(), "failed_expectations": None}
        rows = target.withdraw(source, rel, row)
        print(f"withdrawn {rel}: {rows:,} rows removed from {RAW_SCHEMA}.{source}", file=out)
        done.append({"file": rel, "source": source, "rows": rows})
    return done


def _warn(warnings: list[str], lines: list[str], kind: str) -> None:
    """Print ``lines`` as WARNING lines on stderr (at most MAX_WARNINGS_SHOWN) and keep them all."""
    warnings.extend(lines)
    for line in lines[:MAX_WARNINGS_SHOWN]:
        tqdm.write(f"WARNING  {line}", file=sys.stderr)
    if len(lines) > MAX_WARNINGS_SHOWN:
        tqdm.write(f"WARNING  ... and {len(lines) - MAX_WARNINGS_SHOWN:,} more {kind} (see the report)",
                   file=sys.stderr)


def _finish(result: FileResult, pending: Future | None, report_dir: Path) -> None:
    """Attach GE's results (when they come) and store the file's validation result."""
    if pending is not None:
        try:
            attach_ge(result, pending.result())
        except Exception as error:  # noqa: BLE001 - the file is loaded; GE's failure goes into the report
            result.ge = {"mode": "error", "description": f"Great Expectations failed: {error!r}"}
    path = _result_path(report_dir, result.file)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(result.to_dict(), default=str) + "\n", "utf-8")  # compact: see write_report


# ------------------------------------------------------------------------------------------
# a run
# ------------------------------------------------------------------------------------------
@dataclass
class LoadRun:
    results: list[FileResult]
    report_md: Path
    report_json: Path
    target: str
    seconds: float
    exit_code: int = 0

    @property
    def rejected(self) -> list[FileResult]:
        return [r for r in self.results if r.status == "rejected"]


def run_load(config: LoadConfig, out=None) -> LoadRun:
    """Validate and load every delivery file under ``config.raw_dir``; write the report."""
    out = out or sys.stdout
    started, started_at = time.perf_counter(), _now()
    deliveries, ignored = walk_raw_dir(config.raw_dir)
    for entry in ignored:
        print(f"IGNORED  {entry}", file=sys.stderr)
    manifest_rows = read_manifest_rows(config.raw_dir)  # LoaderError when it cannot be read
    scale = read_manifest_scale(config.raw_dir)
    delivered = {d.rel for d in deliveries}
    withdraw = _check_withdrawals(config, delivered)
    warnings: list[str] = []
    if manifest_rows is None:
        manifest = {"status": "missing", "note": f"no {MANIFEST_NAME}: row counts are not checked against the "
                    "registry's, only against each source's plausible band"}
        _warn(warnings, [f"no {MANIFEST_NAME} in {config.raw_dir}: the row counts cannot be checked against the "
                         "registry's; each file's count is only compared with its source's plausible band"],
              "about the manifest")
    else:
        manifest = {"status": "read", "files": len(manifest_rows),
                    "note": f"{MANIFEST_NAME} lists {len(manifest_rows):,} files; a file whose data rows differ "
                            f"from its count is rejected; {scale.describe()}"}
        _warn(warnings, [f"{d.rel} is not listed in {MANIFEST_NAME}: its row count cannot be checked against the "
                         f"registry's (only against the {d.source} band)"
                         for d in deliveries if d.rel not in manifest_rows and d.problem is None],
              "files not in the manifest")
        _warn(warnings, [f"{rel} is listed in {MANIFEST_NAME} ({rows:,} rows) but is not in {config.raw_dir}: "
                         "lost in transfer?" for rel, rows in sorted(manifest_rows.items()) if rel not in delivered],
              "files of the manifest not delivered")
    target = open_target(config)
    results: list[FileResult] = []
    withdrawn: list[dict] = []
    total = sum(_size(d) for d in deliveries) * 2
    bar = tqdm(total=total, unit="B", unit_scale=True, unit_divisor=1024, desc="load", disable=not config.show_progress,
               file=sys.stderr, bar_format="{l_bar}{bar}| {n_fmt}/{total_fmt} {elapsed}<{remaining} {postfix}")
    pending: list[tuple[FileResult, Future | None]] = []
    ge_pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="great-expectations")
    manifest.update(population_fraction=scale.population_fraction, synthetic=scale.synthetic)
    try:
        if delivered:  # (a run that only withdraws files delivers no scale)
            _refuse_other_scales(target, delivered | set(withdraw), scale, config.raw_dir)
        withdrawn = _withdraw(target, withdraw, out)
        _warn(warnings, [f"{rel} was loaded before but is no longer delivered (not in {config.raw_dir}): its "
                         f"{rows:,} rows stay in {RAW_SCHEMA}.{source} until you withdraw it with "
                         f"`clinical-dashboard load --withdraw {rel}`"
                         for rel, (source, rows) in target.current_files().items() if rel not in delivered],
              "loaded files no longer delivered")
        for delivery in deliveries:
            file_started = time.perf_counter()
            try:
                result, future = load_file(delivery, target, config, manifest_rows, bar, ge_pool, scale)
            except LoaderError:
                raise  # the target or the project is wrong (a raw table of another shape ...): stop
            except Exception as error:  # noqa: BLE001 - any other failure rejects this file only
                result, future = _unexpected(delivery, target, config.report_dir, error, file_started), None
            results.append(result)
            if result.status == "loaded":
                pending.append((result, future))
            if result.status == "rejected":
                tqdm.write(f"REJECTED {result.error['message'] if result.error else delivery.rel}", file=sys.stderr)
            elif result.status == "loaded":
                flagged = f"; {len(result.failed_checks)} expectations flagged {result.flagged_rows:,} values" \
                    if result.failed_checks else ""
                tqdm.write(f"loaded   {delivery.rel}: {result.rows:,} rows in {result.seconds:.1f} s{flagged}",
                           file=out)
            else:
                tqdm.write(f"unchanged {delivery.rel} (same sha256 as loaded {result.validated_at})", file=out)
                expected = (manifest_rows or {}).get(delivery.rel)
                if expected is not None and result.rows is not None and expected != result.rows:
                    _warn(warnings, [f"{delivery.rel} is unchanged since it was loaded with {result.rows:,} rows, but "
                                     f"{MANIFEST_NAME} now says {expected:,}: the loaded rows stay; ask the registry "
                                     "which is right"], "manifest disagreements")
        bar.set_postfix_str("great expectations")
        for result, future in pending:
            _finish(result, future, config.report_dir)
        mixed = sorted({s.describe() for s in target.current_scales().values()})
        _warn(warnings, [f"the warehouse now holds files of {' and of '.join(mixed)} (a rejected file's earlier "
                         "version stays): dbt build refuses such a warehouse; deliver the rejected files again"]
              if len(mixed) > 1 else [], "deliveries of different population fractions")
    finally:
        ge_pool.shutdown(wait=True, cancel_futures=True)
        bar.close()
        description = target.description
        target.close()
    seconds = time.perf_counter() - started
    meta = {"raw_dir": str(config.raw_dir.resolve()), "target": description, "started_at": str(started_at),
            "seconds": round(seconds, 2), "version": loader_version(), "ignored": ignored, "manifest": manifest,
            "withdrawn": withdrawn, "warnings": warnings}
    md, js = write_report(config.report_dir, results, meta)
    run = LoadRun(results, md, js, description, seconds)
    loaded = [r for r in results if r.status == "loaded"]
    print(f"{len(loaded)} loaded ({sum(r.rows or 0 for r in loaded):,} rows), "
          f"{sum(r.status == 'unchanged' for r in results)} unchanged, {len(run.rejected)} rejected, "
          f"into {description} in {seconds:.1f} s", file=out)
    print(f"validation report: {md.resolve()} (and {js.name})", file=out)
    if run.rejected:
        print(f"{len(run.rejected)} file(s) rejected; nothing of them was loaded (see the report)", file=sys.stderr)
        if config.strict:
            run.exit_code = 1
    return run


def _refuse_other_scales(target: Target, delivered: set[str], scale: DeliveryScale, raw_dir: Path) -> None:
    """One warehouse, one delivery set: refuse the run (:class:`LoaderError`) when files that stay
    loaded (not in ``delivered``: the raw dir's files and those withdrawn now) were recorded with
    another population fraction or synthetic flag."""
    kept = {rel: s for rel, s in target.current_scales().items() if rel not in delivered}
    found = conflicts(kept, scale)
    if found:
        stated = f"as its {MANIFEST_NAME} states" if (raw_dir / MANIFEST_NAME).exists() else f"it has no {MANIFEST_NAME}"
        held = "; ".join(f"{len(files)} file(s) of {other.describe()} ({', '.join(files[:3])}"
                         f"{f' and {len(files) - 3} more' if len(files) > 3 else ''})"
                         for other, files in found.items())
        raise LoaderError(
            f"{raw_dir} is {scale.describe()} ({stated}), but the warehouse holds files of another delivery that "
            f"this one does not replace: {held}. A warehouse holds one delivery set, and every rate divides by its "
            "one population fraction, so nothing was loaded. Load into a new warehouse (--duckdb-path), deliver "
            "those files again with this delivery, or withdraw them (--withdraw <source>/<year>.csv)")


def _size(delivery: Delivery) -> int:
    try:
        return delivery.path.stat().st_size if delivery.problem is None else 0
    except OSError:  # gone since it was found: load_file says so
        return 0
