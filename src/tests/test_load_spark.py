"""The Spark target of the loader (issue 8): the same raw layout as on DuckDB, and the same Spark
settings as the dbt target ``spark`` of profiles.yml.

The parquet files are compared with a DuckDB load of the same delivery; registering them in the
Spark metastore (a local JVM, ~15 s) runs only when pyspark is installed (``make test-spark``
installs it) and CLINICAL_DASHBOARD_SPARK_TESTS=1. The loads run without the Great Expectations
pass (``NO_GE``): it only adds to the report, which these tests do not read.
"""

from __future__ import annotations

import io
import os
import re
from pathlib import Path

import duckdb
import pytest
import yaml

from clinical_dashboard.config import GeneratorConfig
from clinical_dashboard.generate import run
from clinical_dashboard.load import DEFAULT_SPARK_DIR, LoadConfig, SparkTarget, run_load, spark_conf
from clinical_dashboard.validate import ValidationSettings

ROOT = Path(__file__).resolve().parents[2]
SOURCES = ("npr_tsb", "helfo_imaging")
NO_GE = ValidationSettings(use_great_expectations=False)


def _render_env_defaults(text: str) -> str:
    """profiles.yml's `{{ env_var('NAME', 'default') }}` as its default."""
    return re.sub(r"\{\{\s*env_var\('[A-Z_]+',\s*'([^']*)'\)\s*\}\}", r"\1", text)


def test_the_loader_opens_the_metastore_and_warehouse_of_the_dbt_target() -> None:
    profiles = yaml.safe_load((ROOT / "profiles.yml").read_text("utf-8"))
    spark = profiles["clinical_dashboard"]["outputs"]["spark"]
    assert (spark["type"], spark["method"]) == ("spark", "session")
    profile_params = {k: _render_env_defaults(str(v)) for k, v in spark["server_side_parameters"].items()}
    loader = spark_conf(DEFAULT_SPARK_DIR)
    loader.pop("spark.sql.ansi.enabled")  # dbt-spark sets it itself
    loader["spark.driver.memory"] = profile_params["spark.driver.memory"]  # both from the same env var
    assert profile_params == loader


@pytest.fixture(scope="module")
def delivery(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("raw")
    run(GeneratorConfig(scale=0.001, seed=5, years=(2023,), sources=SOURCES, out_dir=out, show_progress=False))
    return out


def _load_spark(raw: Path, spark_dir: Path, tmp: Path, monkeypatch, register: bool = False):
    if not register:
        monkeypatch.setattr(SparkTarget, "register", lambda self: None)
    config = LoadConfig(raw_dir=raw, target="spark", spark_dir=spark_dir, report_dir=tmp / "validation-spark",
                        show_progress=False, validation=NO_GE)
    return run_load(config, out=io.StringIO())


def test_the_parquet_raw_tables_equal_the_duckdb_raw_tables(delivery: Path, tmp_path: Path, monkeypatch) -> None:
    db = tmp_path / "w.duckdb"
    run_load(LoadConfig(raw_dir=delivery, duckdb_path=db, report_dir=tmp_path / "validation", show_progress=False,
                        validation=NO_GE), out=io.StringIO())
    _load_spark(delivery, tmp_path / "spark", tmp_path, monkeypatch)
    with duckdb.connect(str(db), read_only=True) as con:
        for source in SOURCES:
            glob = str(tmp_path / "spark" / "raw" / f"source={source}" / "year=*" / "*.parquet")
            tables = []
            for relation in (f"raw.{source}", f"read_parquet('{glob}', hive_partitioning = false)"):
                cursor = con.execute(f"select * from {relation} order by _file, _line")
                tables.append(([(d[0], str(d[1])) for d in cursor.description], cursor.fetchall()))
            assert tables[0][1], f"no rows in raw.{source}"
            assert tables[1] == tables[0]  # names, types and rows
    deliveries = duckdb.sql(f"select file, status, rows from read_parquet('{tmp_path}/spark/raw_deliveries/*.parquet') "
                            "order by file").fetchall()
    assert [(f, s) for f, s, _ in deliveries] == [(f"{s}/2023.csv", "loaded") for s in sorted(SOURCES)]


def test_loading_twice_changes_nothing(delivery: Path, tmp_path: Path, monkeypatch) -> None:
    first = _load_spark(delivery, tmp_path / "spark", tmp_path, monkeypatch)
    second = _load_spark(delivery, tmp_path / "spark", tmp_path, monkeypatch)
    assert {r.status for r in first.results} == {"loaded"}
    assert {r.status for r in second.results} == {"unchanged"}
    assert len(list((tmp_path / "spark" / "raw_deliveries").glob("*.parquet"))) == len(SOURCES)


@pytest.mark.skipif(os.environ.get("CLINICAL_DASHBOARD_SPARK_TESTS") != "1",
                    reason="starts a local Spark JVM: set CLINICAL_DASHBOARD_SPARK_TESTS=1 (needs the spark extra)")
def test_the_raw_tables_are_registered_in_spark(delivery: Path, tmp_path: Path, monkeypatch) -> None:
    pyspark = pytest.importorskip("pyspark.sql")
    monkeypatch.chdir(ROOT)  # the log4j configuration path is relative to the repository
    spark_dir = tmp_path / "spark"
    _load_spark(delivery, spark_dir, tmp_path, monkeypatch, register=True)
    builder = pyspark.SparkSession.builder.enableHiveSupport()
    for key, value in spark_conf(str(spark_dir)).items():
        builder = builder.config(key, value)
    spark = builder.getOrCreate()
    try:
        assert sorted(r.tableName for r in spark.sql("show tables in raw").collect()) == \
            sorted(["_deliveries", *SOURCES])
        columns = [r.col_name for r in spark.sql("describe raw.npr_tsb").collect()]
        assert columns[-4:] == ["_file", "_line", "_delivery_hash", "_unparsed"]
        assert "year" not in columns  # the year=<year> folders are read as folders, not as a column
        assert spark.sql("select count(*) from raw._deliveries").collect()[0][0] == len(SOURCES)
        # every delivery's rows, read from its source=<source>/year=<year>/ folder
        landed = {s: duckdb.sql(f"select count(*) from read_parquet('{spark_dir}/raw/source={s}/year=*/*.parquet', "
                                "hive_partitioning = false)").fetchall()[0][0] for s in SOURCES}
        assert all(landed.values())
        assert {s: spark.sql(f"select count(*) from raw.{s}").collect()[0][0] for s in SOURCES} == landed
    finally:
        spark.stop()
