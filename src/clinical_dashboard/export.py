"""Parquet export of the public marts for the dashboard (``clinical-dashboard export``).

The Evidence dashboard never opens the DuckDB warehouse: DuckDB allows one writer, so a
dashboard holding the file would block ``dbt build`` (and its node DuckDB 1.4.2 cannot read a
file written by DuckDB 2.0). After the build, this module opens the warehouse read-only and
writes one parquet file per public mart, named ``<mart>.parquet``, plus ``_manifest.json``.
The manifest carries the delivery the marts are built from (``delivery``: the row of
``dim_delivery``, whether it is synthetic and its population fraction) when that mart is on the
list: the dashboard shows a banner on every page for a synthetic delivery.

Which marts are exported is one list: the dbt var ``dashboard_exports`` in dbt_project.yml.
Each file is written under a temporary name and renamed, so a reader never sees half a file;
parquet files of marts no longer on the list are removed, because the dashboard turns every
parquet file of the folder into a source table.
"""

from __future__ import annotations

import json
import os
import time
from dataclasses import dataclass
from pathlib import Path

import duckdb

from .config import read_yaml

#: dbt var in dbt_project.yml that lists the marts the dashboard reads.
EXPORT_VAR = "dashboard_exports"
MANIFEST_NAME = "_manifest.json"
#: The one-row mart of the delivery (synthetic or real, population fraction), copied into the manifest.
DELIVERY_MART = "dim_delivery"


class ExportError(Exception):
    """A mart cannot be exported (missing, ambiguous, or no export list)."""


@dataclass(frozen=True)
class ExportConfig:
    duckdb_path: Path
    out_dir: Path
    marts: tuple[str, ...]


def marts_from_project(project_dir: Path = Path(".")) -> tuple[str, ...]:
    """The export list: var ``dashboard_exports`` of ``<project_dir>/dbt_project.yml``."""
    project_file = project_dir / "dbt_project.yml"
    if not project_file.exists():
        raise ExportError(f"{project_file} not found: run from the dbt project folder or pass --project-dir")
    project = read_yaml(project_file)
    marts = (project.get("vars") or {}).get(EXPORT_VAR)
    if not marts or not isinstance(marts, list) or not all(isinstance(m, str) and m for m in marts):
        raise ExportError(f"{project_file}: vars.{EXPORT_VAR} must be a non-empty list of model names")
    if len(set(marts)) != len(marts):
        raise ExportError(f"{project_file}: vars.{EXPORT_VAR} names a mart twice")
    return tuple(marts)


def _quote(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


def _schema_of(con: duckdb.DuckDBPyConnection, mart: str, duckdb_path: Path) -> str:
    schemas = [row[0] for row in con.execute(
        "select table_schema from information_schema.tables "
        "where table_catalog = current_database() and table_name = ? order by table_schema",
        [mart]).fetchall()]
    if not schemas:
        raise ExportError(f"mart {mart!r} is not in {duckdb_path}: build it first (dbt build -s {mart})")
    if len(schemas) > 1:
        # the marts' schema (dbt: +schema marts) wins over a stale copy that a build before
        # the marts had their own schema left in `main`
        if "main_marts" in schemas:
            return "main_marts"
        if "main" in schemas:
            return "main"
        raise ExportError(f"mart {mart!r} is in several schemas of {duckdb_path}: {', '.join(schemas)}")
    return schemas[0]


def export_marts(config: ExportConfig) -> dict:
    """Write ``<out_dir>/<mart>.parquet`` for every mart of the list; return the manifest."""
    if not config.duckdb_path.exists():
        raise ExportError(f"{config.duckdb_path} does not exist: build the warehouse first")
    if not config.marts:
        raise ExportError("no marts to export")
    config.out_dir.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    entries = []
    delivery = None
    # read_only: never takes the writer lock, fails fast (instead of waiting) while a build writes.
    with duckdb.connect(str(config.duckdb_path), read_only=True) as con:
        for mart in config.marts:
            relation = f"{_quote(_schema_of(con, mart, config.duckdb_path))}.{_quote(mart)}"
            target = config.out_dir / f"{mart}.parquet"
            partial = config.out_dir / f".{mart}.parquet.partial"
            path_literal = str(partial).replace("'", "''")
            con.execute(f"copy (select * from {relation}) to '{path_literal}' (format parquet, compression zstd)")
            os.replace(partial, target)
            rows = con.execute(f"select count(*) from {relation}").fetchone()[0]
            columns = [row[0] for row in con.execute(f"describe {relation}").fetchall()]
            entries.append({"mart": mart, "file": target.name, "rows": rows, "columns": columns})
            if mart == DELIVERY_MART:
                found = con.execute(f"select is_synthetic, population_fraction from {relation}").fetchone()
                delivery = {"is_synthetic": bool(found[0]), "population_fraction": float(found[1])} if found else None
    listed = {f"{mart}.parquet" for mart in config.marts}
    removed = sorted(p.name for p in config.out_dir.glob("*.parquet") if p.name not in listed)
    for name in removed:
        (config.out_dir / name).unlink()
    manifest = {
        "warehouse": str(config.duckdb_path.resolve()),
        "exported_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "seconds": round(time.perf_counter() - started, 2),
        "marts": entries,
        "delivery": delivery,
        "removed": removed,
    }
    (config.out_dir / MANIFEST_NAME).write_text(json.dumps(manifest, indent=2) + "\n", "utf-8")
    return manifest
