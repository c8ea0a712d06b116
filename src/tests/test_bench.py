"""The benchmark's measuring parts (clinical_dashboard.bench): peak RSS of a child process
tree, the raw-scan floor and the cache of generated extracts. The national run itself is
`make bench`, never part of the test suite."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import duckdb

from clinical_dashboard import bench


def test_run_stage_measures_peak_memory_of_the_process_tree(tmp_path: Path) -> None:
    # a grandchild holding ~300 MB: the sampled tree RSS must see it, the exit code is kept
    script = ("import subprocess, sys; subprocess.run([sys.executable, '-c', "
              "\"b = bytearray(300 * 1024 * 1024); import time; time.sleep(1.5)\"]); sys.exit(3)")
    stage = bench.run_stage("probe", [sys.executable, "-c", script], tmp_path / "probe.log")
    assert stage.returncode == 3
    assert 300 <= stage.peak_rss_mb < 600, stage
    assert stage.seconds >= 1.5


def test_scan_reads_every_raw_table(tmp_path: Path) -> None:
    path = tmp_path / "w.duckdb"
    with duckdb.connect(str(path)) as con:
        con.execute("create schema raw")
        con.execute("create table raw.a as select cast(range as varchar) as x, 'y' as y from range(1000)")
        con.execute("create table raw.b as select 'z' as z from range(7)")
        con.execute("create table main.not_raw as select 1 as n from range(50)")
    scan = bench.scan_raw(path)
    assert scan["tables"] == 2
    assert scan["rows"] == 1007


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
        loads.append(raw)
        duckdb_path.unlink(missing_ok=True)  # as load_stage: a fresh file
        with duckdb.connect(str(duckdb_path)) as con:
            con.execute(f"create table t as select {len(loads)} as load_number")
        return bench.Stage(name, 42.0, 7.0, 0, "log")

    monkeypatch.setattr(bench, "load_stage", fake_load)
    config = bench.BenchConfig(cache_dir=tmp_path)
    warehouse = tmp_path / "work" / "w.duckdb"

    def load_number() -> int:
        with duckdb.connect(str(warehouse), read_only=True) as con:
            return con.execute("select load_number from t").fetchone()[0]

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
    # other extracts (a changed manifest), or --reload: a new load
    _fake_extracts(tmp_path, '{"files": 2}')
    stage, _ = bench.loaded(config, raw, warehouse, tmp_path / "logs")
    assert stage is not None and load_number() == 2
    stage, _ = bench.loaded(bench.BenchConfig(cache_dir=tmp_path, reuse_load=False), raw, warehouse,
                            tmp_path / "logs")
    assert stage is not None and load_number() == 3


def test_held_back_delivery_leaves_the_warehouse_and_comes_back_as_its_own_folder(tmp_path: Path) -> None:
    warehouse = tmp_path / "w.duckdb"
    with duckdb.connect(str(warehouse)) as con:
        con.execute("create schema raw")
        con.execute("create table raw.npr_som as select 'npr_som/' || y || '.csv' as _file, range as x "
                    "from range(10), (values (2025), (2026)) as years(y)")
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
