"""Loading deliveries and building them with dbt, for the tests that need a built warehouse
(test_staging, test_determinism, test_year_rebuild, test_bad_input, and conftest's
session-wide ``small_warehouse``).

dbt runs in the pytest process (dbtRunner: no interpreter start per command) on one parse of
the project per session (``parsed_manifest``): every command gets a copy of that manifest
(``dbtRunner(manifest=...)``) and so skips parsing, a full parse costing some 16 CPU seconds
per new target path or DuckDB file. The parse is also kept on disk (target/pytest-parses/),
named by a hash of everything it is made from (the project's files, dbt's version, the
environment's DBT_ and CLINICAL_DASHBOARD_ variables): a later pytest process of the same
tree reads it instead of parsing again (`make test` runs pytest as three processes), and one
that needs it while another parses waits for that parse (a lock file beside it). A
manifest's relations carry the database name dbt-duckdb takes from the DuckDB file's name
(its stem): one parse is kept per file name, so the files the tests build are all called
``warehouse.duckdb`` (WAREHOUSE_NAME), each in a folder of its own. Each command gets a
fresh copy of the parse, as if it had parsed itself (a command adds to its manifest:
``compile --inline`` its node), read from the parse's msgpack as dbt's partial parsing reads
its saved manifest. Variables given with ``--vars`` reach ``var()`` when a node is compiled
(the run's configuration); the parse is that of the project's own vars.

dbt-duckdb keeps the file of its last command open in this process, and DuckDB lets another
process (the loader) or a connection with another configuration at it only once it is
closed: every command here lets go of the file when it ends (``release_duckdb``), so that
fixtures may load and build files in any order.
"""

from __future__ import annotations

import hashlib
import io
import os
import shutil
from contextlib import contextmanager, redirect_stderr, redirect_stdout
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
#: The name of every DuckDB file the tests build with dbt (the database name of the shared parse).
WAREHOUSE_NAME = "warehouse.duckdb"


def load_raw(raw_dir: Path, database: Path, report_dir: Path, great_expectations: bool = True,
             withdraw: tuple[str, ...] = ()) -> None:
    """The delivery into raw.<source> with the project's loader (the raw contract): the
    command ``clinical-dashboard load`` in this process (its Great Expectations import, some
    10 CPU seconds, paid once per session instead of once per load). ``great_expectations=False``:
    the same load (``run_load``, every check counted in DuckDB, the same raw rows) without the
    Great Expectations pass, which only adds to the report (some 0.6 CPU seconds a file), for
    fixtures that read the raw rows and not the report. ``withdraw``: deliveries no longer in
    ``raw_dir`` whose rows to remove (``--withdraw``; without Great Expectations only)."""
    out, err = io.StringIO(), io.StringIO()
    assert great_expectations is False or not withdraw, "withdraw: only without Great Expectations"
    if not great_expectations:
        from clinical_dashboard.load import LoadConfig, run_load
        from clinical_dashboard.validate import ValidationSettings

        config = LoadConfig(raw_dir=raw_dir, duckdb_path=database, report_dir=report_dir, show_progress=False,
                            validation=ValidationSettings(use_great_expectations=False), withdraw=withdraw)
        with redirect_stdout(out), redirect_stderr(err):
            code = run_load(config).exit_code
        assert code == 0, f"load failed ({code}):\n{out.getvalue()[-3000:]}\n{err.getvalue()[-3000:]}"
        return
    from clinical_dashboard.cli import main

    with redirect_stdout(out), redirect_stderr(err):
        code = main(["load", "--raw-dir", str(raw_dir), "--target", "duckdb", "--duckdb-path", str(database),
                     "--report-dir", str(report_dir), "--no-progress"])
    assert code == 0, f"clinical-dashboard load failed ({code}):\n{out.getvalue()[-3000:]}\n{err.getvalue()[-3000:]}"


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


def _dbt_options(work: Path) -> list[str]:
    return ["--project-dir", str(REPO), "--profiles-dir", str(REPO), "--target", "duckdb",
            "--target-path", str(work / "target"), "--log-path", str(work / "logs")]


#: file name -> the session's parse for DuckDB files of that name (dbt's msgpack of the manifest)
_PARSES: dict[str, bytes] = {}
#: file name -> the folder this process parsed in (``parse_home``)
_PARSE_HOMES: dict[str, Path] = {}
#: The parses kept between processes (``_parse_file``).
PARSE_CACHE = REPO / "target" / "pytest-parses"
#: What dbt's parse reads: the project's folders (dbt_project.yml's paths) and files.
_PARSE_INPUTS = ("models", "macros", "seeds", "tests", "snapshots", "analyses", "dbt_project.yml", "profiles.yml")


def _parse_file(name: str, root: Path = REPO) -> Path:
    """Where the parse for DuckDB files named ``name`` is kept, named by a hash of its inputs:
    every file dbt reads to parse, dbt's and the adapter's versions, and the DBT_ and
    CLINICAL_DASHBOARD_ variables (the profile reads the latter; the DuckDB file's path, set
    per command, gives only its name to the manifest, which is in the hash)."""
    from importlib.metadata import version

    digest = hashlib.sha256(f"{name}\0{version('dbt-core')}\0{version('dbt-duckdb')}\0".encode())
    for entry in _PARSE_INPUTS:
        path = root / entry
        files = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path] if path.exists() else []
        for file in files:
            digest.update(f"{file.relative_to(root).as_posix()}\0{file.stat().st_size}\0".encode())
            digest.update(file.read_bytes())
    for key, value in sorted(os.environ.items()):
        if key.startswith(("DBT_", "CLINICAL_DASHBOARD_")) and key != "CLINICAL_DASHBOARD_DUCKDB":
            digest.update(f"{key}={value}\0".encode())
    return PARSE_CACHE / f"{name}-{digest.hexdigest()[:32]}.msgpack"


def _parse(name: str, work: Path, kept: Path) -> None:
    """dbt's parse of the project for DuckDB files named ``name``, in ``work/parse``; kept in
    this process and on disk as ``kept`` (``_parse_file``; the other parses for that name
    removed)."""
    from dbt.cli.main import dbtRunner
    from dbt.parser.manifest import extended_mashumaro_encoder

    folder = work / "parse"
    with duckdb_target(folder / name):  # then the caller's target again
        result = dbtRunner().invoke(["parse", *_dbt_options(folder), "--quiet"])
    assert result.success, f"dbt parse failed: {result.exception or ''}"
    _PARSES[name] = result.result.to_msgpack(extended_mashumaro_encoder)
    _PARSE_HOMES[name] = folder
    shutil.rmtree(folder / "logs", ignore_errors=True)
    partial = kept.with_name(f"{kept.name}.{os.getpid()}")
    partial.write_bytes(_PARSES[name])
    os.replace(partial, kept)  # whole or not at all for a process reading it
    for old in kept.parent.glob(f"{name}-*.msgpack"):
        if old != kept:
            old.unlink(missing_ok=True)


@contextmanager
def _parse_lock(name: str):
    """The parse for DuckDB files named ``name`` to this process alone: a process that needs it
    while another one parses waits and reads that one's parse instead of parsing as well."""
    import fcntl

    PARSE_CACHE.mkdir(parents=True, exist_ok=True)
    with (PARSE_CACHE / f"{name}.lock").open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def parsed_manifest(database: Path, work: Path):
    """A fresh copy of dbt's parse of the project for DuckDB files named like ``database``:
    the one kept on disk for this tree, or parsed the first time, in ``work/parse``."""
    from dbt.contracts.graph.manifest import Manifest
    from dbt.parser.manifest import extended_mashumuro_decoder

    if database.name not in _PARSES:
        with _parse_lock(database.name):
            kept = _parse_file(database.name)
            if kept.exists():
                _PARSES[database.name] = kept.read_bytes()
            else:
                _parse(database.name, work, kept)
    return Manifest.from_msgpack(_PARSES[database.name], decoder=extended_mashumuro_decoder)


def parse_home(work: Path) -> tuple[Path, Path]:
    """(DuckDB file named WAREHOUSE_NAME, dbt target folder) that this process's parse was made
    for (parsed first, in ``work/parse``, when this process has not parsed: a parse read from
    disk has no such folder). A dbt process building that file with that target path (and the
    same dbt target and vars) reads the parse as its partial parse (dbt keys it on the
    connection's settings, the file's path among them) instead of parsing the project again,
    some 7 CPU seconds. For one user per session: the file is not there until that user makes
    it."""
    if WAREHOUSE_NAME not in _PARSE_HOMES:
        with _parse_lock(WAREHOUSE_NAME):
            _parse(WAREHOUSE_NAME, work, _parse_file(WAREHOUSE_NAME))
    folder = _PARSE_HOMES[WAREHOUSE_NAME]
    assert not (folder / WAREHOUSE_NAME).exists(), f"{folder / WAREHOUSE_NAME} is taken"
    return folder / WAREHOUSE_NAME, folder / "target"


def invoke_dbt(args: list[str], work: Path):
    """One dbt command in this process on the DuckDB target (CLINICAL_DASHBOARD_DUCKDB, set by
    ``duckdb_target``) with the session's parse, its target path ``work/target`` and logs in
    ``work/logs``; dbt's result."""
    from dbt.cli.main import dbtRunner

    database = Path(os.environ["CLINICAL_DASHBOARD_DUCKDB"])
    return dbtRunner(manifest=parsed_manifest(database, work)).invoke([*args, *_dbt_options(work)])


def run_dbt(args: list[str], work: Path) -> None:
    """``invoke_dbt``; fails with the nodes that did not pass."""
    result = invoke_dbt(args, work)
    failures = []
    for node in getattr(result.result, "results", None) or []:
        status = str(getattr(node.status, "value", node.status))
        if status not in ("success", "pass"):
            failures.append(f"{node.node.unique_id}: {status} {node.message or ''}".strip())
    assert result.success, (f"dbt {' '.join(args)} failed: {result.exception or ''}\n"
                            + "\n".join(failures[:40]))


def compile_inline(sql: str, work: Path, extra: tuple[str, ...] = ()) -> tuple[bool, str]:
    """``dbt compile --inline`` in this process (inside ``duckdb_target``): (success, compiled
    SQL or the error)."""
    result = invoke_dbt(["compile", "--inline", sql, "--quiet", *extra], work)
    if not result.success:
        return False, str(result.exception or "") + " ".join(
            str(getattr(r, "message", "")) for r in (getattr(result.result, "results", None) or []))
    return True, result.result.results[0].node.compiled_code


def build(database: Path, work: Path, commands: list[list[str]]) -> None:
    """dbt ``commands`` one after the other on ``database``."""
    with duckdb_target(database):
        try:
            for command in commands:
                run_dbt(command, work)
        finally:
            shutil.rmtree(work / "logs", ignore_errors=True)


def _seeds(database: Path, work: Path) -> list[tuple[str, str]]:
    """(schema, table) of every seed of the project."""
    manifest = parsed_manifest(database, work)
    return sorted((node.schema, node.alias) for node in manifest.nodes.values() if node.resource_type == "seed")


def copy_loaded(source: Path, to: Path, work: Path) -> None:
    """``to`` (named WAREHOUSE_NAME): the warehouse ``source`` (loaded and built) as it stood
    after its load and ``dbt seed``, before any model: a copy of the file and of its landing
    zone, its raw views made again over the copy's landing zone by the loader itself (opening
    the warehouse reconciles it with its ledger), every relation dropped but the raw schema
    (the views and the loader's ledger raw._deliveries) and the seeds' tables (the CSVs of
    seeds/, the same in every build)."""
    import duckdb

    from clinical_dashboard.load import DuckDBTarget, default_landing_dir

    assert to.name == WAREHOUSE_NAME, to
    assert not Path(f"{source}.wal").exists(), f"{source} has a write-ahead log: not closed cleanly"
    seeds = set(_seeds(to, work))
    to.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source, to)
    shutil.copytree(default_landing_dir(source), default_landing_dir(to))
    DuckDBTarget(to, default_landing_dir(to)).close()
    old = str(default_landing_dir(source).resolve())
    with duckdb.connect(str(to)) as con:
        views = con.execute("select view_name, sql from duckdb_views() where schema_name = 'raw' "
                            "and not internal").fetchall()
        assert views and not any(old in sql for _, sql in views), f"raw views still reading {old}: {views[:3]}"
        found = set()
        relations = con.execute(
            "select schema_name, view_name, 'view' from duckdb_views() where not internal and schema_name <> 'raw' "
            "union all select schema_name, table_name, 'table' from duckdb_tables() where schema_name <> 'raw'"
        ).fetchall()
        for schema, name, kind in relations:
            if (schema, name) in seeds:
                found.add((schema, name))
            else:
                con.execute(f'drop {kind} if exists "{schema}"."{name}" cascade')
        assert found == seeds, f"seeds missing from {source}: {sorted(seeds - found)}"
        con.execute("checkpoint")


def copy_seeds(source: Path, to: Path, work: Path) -> None:
    """The seeds' tables of the seeded warehouse ``source`` (read only) into ``to``: what ``dbt
    seed`` would load into it (the CSVs of seeds/), without dbt reading them again."""
    import duckdb

    with duckdb.connect(str(to)) as con:
        con.execute(f"attach '{source}' as seeded (read_only)")
        try:
            for schema, table in _seeds(to, work):
                con.execute(f'create schema if not exists "{schema}"')
                con.execute(f'create table "{schema}"."{table}" as select * from seeded."{schema}"."{table}"')
        finally:
            con.execute("detach seeded")
