"""The benchmark's measuring parts (clinical_dashboard.bench): peak RSS of a child process
tree and its CPU seconds, the raw-scan and ingest floors and the caches of generated extracts and
loaded warehouses. The national run itself is
`make bench`, never part of the test suite."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import duckdb
import pytest

from clinical_dashboard import bench
from clinical_dashboard.load import default_landing_dir


def test_run_stage_measures_peak_memory_of_the_process_tree(tmp_path: Path) -> None:
    # a grandchild holding ~300 MB: the sampled tree RSS must see it, the exit code is kept
    # and the CPU seconds of the whole tree: the grandchild counts ~1 CPU second, sleeping nothing
    script = ("import subprocess, sys; subprocess.run([sys.executable, '-c', "
              "\"b = bytearray(300 * 1024 * 1024); import time; time.sleep(1.5); t = time.process_time(); "
              "any(iter(lambda: time.process_time() - t >= 1.0, True))\"]); sys.exit(3)")
    stage = bench.run_stage("probe", [sys.executable, "-c", script], tmp_path / "probe.log")
    assert stage.returncode == 3
    assert 300 <= stage.peak_rss_mb < 600, stage
    assert stage.seconds >= 2.5
    assert 1.0 <= stage.cpu_seconds < stage.seconds, stage


def test_scan_reads_every_raw_table(tmp_path: Path) -> None:
    path = tmp_path / "w.duckdb"
    with duckdb.connect(str(path)) as con:
        con.execute("create schema raw")
        con.execute("create table raw.a as select cast(range as varchar) as x, 'y' as y from range(1000)")
        con.execute("copy (select 'z' as z from range(7)) to '" + str(tmp_path / "b.parquet") + "' (format parquet)")
        con.execute("create view raw.b as select * from read_parquet('" + str(tmp_path / "b.parquet") + "')")
        con.execute("create table raw._deliveries as select 'f' as file from range(3)")
        con.execute("create table main.not_raw as select 1 as n from range(50)")
    scan = bench.scan_raw(path)
    assert scan["tables"] == 2
    assert scan["rows"] == 1007


def test_ingest_floor_reads_every_delivery_file(tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    for rel, text in {"a/2023.csv": "x;y\n1;2\n3;\n", "b/2024.csv": "\ufeffz\n\"q;r\"\n",
                      "b/_scratch.csv": "z\n9\n"}.items():
        (raw / rel).parent.mkdir(parents=True, exist_ok=True)
        (raw / rel).write_text(text, encoding="utf-8")
    (raw / "_manifest.json").write_text("{}")
    floor = bench.ingest_floor(raw)
    assert (floor["files"], floor["rows"]) == (2, 3)
    assert floor["seconds"] >= 0 and floor["cpu_seconds"] >= 0


def test_load_steps_add_up_the_loaders_steps_over_the_files(tmp_path: Path) -> None:
    report = tmp_path / "report.json"
    assert bench.load_steps(report) is None
    report.write_text(json.dumps({"summary": {}, "files": [
        {"file": "a/2023.csv", "timings": {"scan": 1.25, "read": 2.0, "check": 0.5, "load": 3.0}},
        {"file": "a/2024.csv", "timings": {}},  # unchanged or rejected: no steps
        {"file": "b/2023.csv", "timings": {"scan": 0.25, "read": 1.0, "check": 1.5, "load": 0.04}}]}))
    assert bench.load_steps(report) == {"scan": 1.5, "read": 3.0, "check": 2.0, "load": 3.0}
    assert "load steps (s, summed over files): scan 1.5, read 3.0, check 2.0, load 3.0" in bench.summary(
        {"scale": 1.0, "seed": 42, "generate_s": None, "generate_cached": True, "load_s": 10.0,
         "load_peak_rss_mb": 1.0, "load_steps_s": bench.load_steps(report), "build_s": None,
         "build_peak_rss_mb": None, "build_ok": False, "build_floor_s": None, "build_to_floor_ratio": None})


def test_node_timings_list_every_node_slowest_first(tmp_path: Path) -> None:
    results = tmp_path / "run_results.json"
    assert bench.node_timings(results) is None
    results.write_text(json.dumps({"results": [
        {"unique_id": "model.clinical_dashboard.int_a", "status": "success", "execution_time": 1.234},
        {"unique_id": "test.clinical_dashboard.column_checks_int_a.abc", "status": "fail", "execution_time": 7.5},
        {"unique_id": "seed.clinical_dashboard.ref_b", "status": "success", "execution_time": None}]}))
    nodes = bench.node_timings(results)
    assert nodes == [
        {"node": "column_checks_int_a.abc", "type": "test", "status": "fail", "seconds": 7.5},
        {"node": "int_a", "type": "model", "status": "success", "seconds": 1.23},
        {"node": "ref_b", "type": "seed", "status": "success", "seconds": 0.0}]
    assert bench.slowest(nodes, 2) == "column_checks_int_a.abc 7.5 s, int_a 1.2 s"
    assert bench.slowest(None) == "n/a"
    assert bench.dbt_target_path(tmp_path, "build") != bench.dbt_target_path(tmp_path, "incremental_build")


def test_cached_extracts_are_reused(tmp_path: Path) -> None:
    config = bench.BenchConfig(scale=0.5, seed=3, cache_dir=tmp_path)
    folder = tmp_path / "scale-0.5-seed-3"
    folder.mkdir()
    (folder / "_manifest.json").write_text("{}")
    (folder / "_bench_generate.json").write_text(json.dumps({"seconds": 12.5, "peak_rss_mb": 99.0}))
    found, stage, timing = bench.extracts(config, 0.5, tmp_path / "logs")
    assert found == folder and stage is None and timing["seconds"] == 12.5


def test_ratio_is_none_without_both_figures() -> None:
    assert bench._ratio(10.0, 4.0) == 2.5
    assert bench._ratio(None, 4.0) is None
    assert bench._ratio(10.0, 0.0) is None


def _fake_extracts(tmp_path: Path, manifest: str) -> Path:
    raw = tmp_path / "scale-0.5-seed-3"
    raw.mkdir(exist_ok=True)
    (raw / "_manifest.json").write_text(manifest)
    return raw


def test_cached_load_is_copied_only_for_the_same_extracts_and_loader(tmp_path: Path, monkeypatch) -> None:
    loads: list[Path] = []

    def fake_load(name, raw, target, duckdb_path, log_dir):
        # as the loader: a fresh file whose raw view reads its landing zone
        loads.append(raw)
        bench._remove_warehouse(duckdb_path)
        landing = default_landing_dir(duckdb_path) / "t"
        landing.mkdir(parents=True)
        with duckdb.connect(str(duckdb_path)) as con:
            con.execute(f"copy (select {len(loads)} as load_number) to '{landing / '2023.parquet'}' (format parquet)")
            con.execute("create schema raw")
            con.execute(f"create view raw.t as select * from read_parquet('{landing.resolve() / '*.parquet'}')")
        return bench.Stage(name, 42.0, 7.0, 0, "log")

    monkeypatch.setattr(bench, "load_stage", fake_load)
    config = bench.BenchConfig(cache_dir=tmp_path)
    warehouse = tmp_path / "work" / "w.duckdb"

    def load_number() -> int:
        with duckdb.connect(str(warehouse), read_only=True) as con:
            return con.execute("select load_number from raw.t").fetchone()[0]

    raw = _fake_extracts(tmp_path, '{"files": 1}')
    stage, timing = bench.loaded(config, raw, warehouse, tmp_path / "logs")
    assert stage is not None and timing["seconds"] == 42.0 and load_number() == 1
    # the same extracts: the pristine copy, not a new load (the build had changed the file)
    with duckdb.connect(str(warehouse)) as con:
        con.execute("create table built as select 1 as x")
    stage, timing = bench.loaded(config, raw, warehouse, tmp_path / "logs")
    assert stage is None and timing["seconds"] == 42.0 and len(loads) == 1 and load_number() == 1
    with duckdb.connect(str(warehouse), read_only=True) as con:
        assert con.execute("select count(*) from information_schema.tables where table_name = 'built'"
                           ).fetchone()[0] == 0
    # the copy reads its own landing zone, not the cache's
    (default_landing_dir(warehouse) / "t" / "2023.parquet").unlink()
    with duckdb.connect(str(warehouse), read_only=True) as con, pytest.raises(duckdb.IOException):
        con.execute("select * from raw.t").fetchall()
    stage, _ = bench.loaded(config, raw, warehouse, tmp_path / "logs")
    assert stage is None and load_number() == 1
    # other extracts (a changed manifest), or --reload: a new load
    _fake_extracts(tmp_path, '{"files": 2}')
    stage, _ = bench.loaded(config, raw, warehouse, tmp_path / "logs")
    assert stage is not None and load_number() == 2
    stage, _ = bench.loaded(bench.BenchConfig(cache_dir=tmp_path, reuse_load=False), raw, warehouse,
                            tmp_path / "logs")
    assert stage is not None and load_number() == 3


def test_held_back_delivery_leaves_the_warehouse_and_comes_back_as_its_own_folder(tmp_path: Path) -> None:
    warehouse = tmp_path / "w.duckdb"
    landing = default_landing_dir(warehouse) / "source=npr_som"
    with duckdb.connect(str(warehouse)) as con:
        con.execute("create schema raw")
        for year in (2025, 2026):
            (landing / f"year={year}").mkdir(parents=True)
            con.execute(f"copy (select 'npr_som/{year}.csv' as _file, range as x from range(10)) "
                        f"to '{landing / f'year={year}' / f'{year}.parquet'}' (format parquet)")
        con.execute(f"create view raw.npr_som as select * from read_parquet('{landing / '*' / '*.parquet'}', "
                    "hive_partitioning = false)")
        con.execute("create table raw._deliveries as select 'npr_som/' || y || '.csv' as file "
                    "from (values (2025), (2026)) as years(y)")
    assert bench.hold_back(warehouse, "npr_som/2026.csv") == 10
    with duckdb.connect(str(warehouse), read_only=True) as con:
        assert con.execute("select distinct _file from raw.npr_som").fetchall() == [("npr_som/2025.csv",)]
        assert con.execute("select file from raw._deliveries").fetchall() == [("npr_som/2025.csv",)]
    raw = tmp_path / "raw"
    (raw / "npr_som").mkdir(parents=True)
    for year in (2025, 2026):
        (raw / "npr_som" / f"{year}.csv").write_text(f"a\n{year}\n")
    (raw / "_manifest.json").write_text(json.dumps({"files": [{"file": "npr_som/2025.csv", "rows": 1},
                                                              {"file": "npr_som/2026.csv", "rows": 1}]}))
    folder = bench.delivery_folder(raw, "npr_som/2026.csv", tmp_path / "new")
    assert sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*.csv")) == ["npr_som/2026.csv"]
    assert (folder / "npr_som" / "2026.csv").read_text() == "a\n2026\n"
    assert json.loads((folder / "_manifest.json").read_text())["files"] == [{"file": "npr_som/2026.csv", "rows": 1}]
