"""`clinical-dashboard export`: the parquet files the dashboard reads."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest

from clinical_dashboard.cli import main
from clinical_dashboard.export import ExportConfig, ExportError, export_marts, marts_from_project

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture()
def warehouse(tmp_path: Path) -> Path:
    """A DuckDB file with two marts in `main` and one in another schema, like a dbt build."""
    path = tmp_path / "warehouse.duckdb"
    with duckdb.connect(str(path)) as con:
        con.execute("create table main.dim_areas as select * from (values ('norway', 'norway', 'Norge'), "
                    "('rhf', '1', 'Helse Nord RHF')) as t(area_level, area_code, area_name)")
        con.execute("create table main.fct_rates as select * from (values ('s1', 2025, 123.456::double, false), "
                    "('s1', 2024, null, true)) as t(sample_id, year, std_rate, is_suppressed)")
        con.execute("create schema main_reference")
        con.execute("create table main_reference.ref_only as select 1 as x")
    return path


def test_export_writes_one_parquet_per_mart_with_the_mart_rows(warehouse: Path, tmp_path: Path) -> None:
    out = tmp_path / "exports"
    manifest = export_marts(ExportConfig(warehouse, out, ("dim_areas", "fct_rates")))
    assert sorted(p.name for p in out.iterdir()) == ["_manifest.json", "dim_areas.parquet", "fct_rates.parquet"]
    rows = duckdb.sql(f"select sample_id, year, std_rate, is_suppressed from read_parquet('{out / 'fct_rates.parquet'}') "
                      "order by year").fetchall()
    # the suppressed cell stays null (never 0) and the types survive
    assert rows == [("s1", 2024, None, True), ("s1", 2025, 123.456, False)]
    assert [(m["mart"], m["rows"]) for m in manifest["marts"]] == [("dim_areas", 2), ("fct_rates", 2)]
    assert json.loads((out / "_manifest.json").read_text())["marts"][1]["columns"] == [
        "sample_id", "year", "std_rate", "is_suppressed"]


def test_export_removes_parquet_of_marts_no_longer_listed(warehouse: Path, tmp_path: Path) -> None:
    out = tmp_path / "exports"
    export_marts(ExportConfig(warehouse, out, ("dim_areas", "fct_rates")))
    manifest = export_marts(ExportConfig(warehouse, out, ("dim_areas",)))
    assert manifest["removed"] == ["fct_rates.parquet"]
    assert not (out / "fct_rates.parquet").exists()


def test_export_fails_on_a_missing_mart_and_leaves_no_partial_file(warehouse: Path, tmp_path: Path) -> None:
    out = tmp_path / "exports"
    with pytest.raises(ExportError, match="fct_missing.*build it first"):
        export_marts(ExportConfig(warehouse, out, ("dim_areas", "fct_missing")))
    assert not list(out.glob(".*partial"))


def test_export_opens_the_warehouse_read_only(warehouse: Path, tmp_path: Path) -> None:
    before = warehouse.stat().st_mtime_ns
    export_marts(ExportConfig(warehouse, tmp_path / "exports", ("dim_areas",)))
    assert warehouse.stat().st_mtime_ns == before
    assert not warehouse.with_suffix(".duckdb.wal").exists()


def test_export_list_is_the_dbt_var(tmp_path: Path) -> None:
    marts = marts_from_project(REPO)
    assert {"dim_areas", "dim_samples", "dim_periods", "fct_utilisation_rates", "fct_area_variation"} <= set(marts)
    (tmp_path / "dbt_project.yml").write_text("name: x\nvars:\n  dashboard_exports: [a, a]\n")
    with pytest.raises(ExportError, match="twice"):
        marts_from_project(tmp_path)
    (tmp_path / "dbt_project.yml").write_text("name: x\nvars: {}\n")
    with pytest.raises(ExportError, match="non-empty list"):
        marts_from_project(tmp_path)


def test_every_exported_mart_is_a_model_and_the_dashboard_pages_use_only_exported_marts() -> None:
    marts = set(marts_from_project(REPO))
    models = {p.stem for p in (REPO / "models" / "marts").rglob("*.sql")}
    assert marts <= models, f"exported but not a mart model: {sorted(marts - models)}"
    import re

    used = set()
    for page in [*(REPO / "dashboard" / "pages").rglob("*.md"), *(REPO / "dashboard" / "partials").rglob("*.md")]:
        used |= set(re.findall(r"\bmarts\.(\w+)", page.read_text("utf-8")))
    assert used <= marts, f"pages read marts that are not exported: {sorted(used - marts)}"


def test_cli_export(warehouse: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "exports"
    assert main(["export", "--duckdb-path", str(warehouse), "--out", str(out), "--mart", "dim_areas"]) == 0
    assert "exported 1 marts" in capsys.readouterr().out
    assert main(["export", "--duckdb-path", str(tmp_path / "nope.duckdb"), "--out", str(out), "--mart", "x"]) == 2
