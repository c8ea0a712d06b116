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
