"""Shared fixtures: small generated deliveries, made once per test session, and the small
delivery loaded and built once (test_staging and test_determinism both read it)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from clinical_dashboard.config import DEFAULT_SEEDS_DIR, GeneratorConfig
from clinical_dashboard.generate import run
from warehouses import WAREHOUSE_NAME, build, load_raw

os.environ.setdefault("DBT_SEND_ANONYMOUS_USAGE_STATS", "false")

#: The scale the generator tests run at: every source and year, a few thousand rows each.
TEST_SCALE = 0.002


@pytest.fixture(scope="session")
def seeds_dir() -> Path:
    return DEFAULT_SEEDS_DIR


@pytest.fixture(scope="session")
def small_delivery(tmp_path_factory: pytest.TempPathFactory) -> tuple[GeneratorConfig, dict]:
    """Every source and year at TEST_SCALE with the default dirty rate."""
    out = tmp_path_factory.mktemp("raw_small")
    config = GeneratorConfig(scale=TEST_SCALE, seed=7, out_dir=out, dirty_rate=0.005, show_progress=False)
    return config, run(config)


#: The commands that build ``small_warehouse``, with two dbt threads: the seeds, the staging
#: models with their data tests (row conservation per file, keys, accepted values,
#: relationships; cautious: a test that also reads a model outside staging, e.g. the
#: key-figure tests, is left to make test's build), then every other model up to the public
#: marts, without their data tests (they cannot change a mart).
SMALL_WAREHOUSE_BUILD = [
    ["seed", "--threads", "2"],
    ["build", "--select", "staging", "--indirect-selection", "cautious", "--threads", "2"],
    ["run", "--select", "+path:models/marts", "--exclude", "staging", "--threads", "2"],
]


#: Set by `make test` (Makefile): the DuckDB file its dbt-build step loaded from the extracts
#: in the folder of the second variable and built with `dbt build` (every model, seed and data
#: test, two threads) just before pytest starts; a failed build stops `make test` before
#: pytest. When the extracts are byte for byte ``small_delivery``'s, ``small_warehouse`` is
#: that file (read only) instead of a second load and build of the same delivery.
BUILT_WAREHOUSE_VAR, BUILT_RAW_VAR = "CLINICAL_DASHBOARD_TEST_WAREHOUSE", "CLINICAL_DASHBOARD_TEST_RAW"


def _differing_files(a: Path, b: Path) -> list[str]:
    """The relative paths of the files that differ between folders ``a`` and ``b`` (content,
    or present in one only)."""
    import filecmp

    files_a = {p.relative_to(a).as_posix() for p in a.rglob("*") if p.is_file()}
    files_b = {p.relative_to(b).as_posix() for p in b.rglob("*") if p.is_file()}
    differ = sorted(files_a ^ files_b)
    differ += sorted(f for f in files_a & files_b if not filecmp.cmp(a / f, b / f, shallow=False))
    return differ


def _make_test_warehouse(config: GeneratorConfig) -> Path | None:
    """`make test`'s built DuckDB file when the two variables are set (else None); fails when
    its extracts are not ``small_delivery``'s (the Makefile's TEST_SCALE and TEST_SEED and
    this file's TEST_SCALE and seed must agree)."""
    built, raw = os.environ.get(BUILT_WAREHOUSE_VAR), os.environ.get(BUILT_RAW_VAR)
    if not built or not raw:
        return None
    database, raw_dir = Path(built).resolve(), Path(raw).resolve()
    assert database.is_file(), f"{BUILT_WAREHOUSE_VAR}={built}: no such DuckDB file"
    assert raw_dir.is_dir(), f"{BUILT_RAW_VAR}={raw}: no such folder"
    differ = _differing_files(raw_dir, config.out_dir)
    assert not differ, (f"{BUILT_RAW_VAR}={raw} is not the delivery small_delivery generates (scale "
                        f"{config.scale}, seed {config.seed}); files that differ: {differ[:10]}")
    return database


@pytest.fixture(scope="session")
def small_warehouse(small_delivery, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """``small_delivery`` loaded with ``clinical-dashboard load`` (when built here: without its
    Great Expectations pass, which only writes the report) and built once per session (the
    DuckDB file):
    test_staging checks staging against the defect ledger on it, test_determinism compares
    its public marts with an incremental build's. Under `make test` it is the file the
    dbt-build step built from the same extracts (BUILT_WAREHOUSE_VAR: every data test passed
    there); otherwise it is built here (SMALL_WAREHOUSE_BUILD). Read it only: a test that
    changes a warehouse builds its own (a copy of the .duckdb file still reads the raw rows
    of this one's landing folder, so a copy must not be loaded into either)."""
    config, _ = small_delivery
    built = _make_test_warehouse(config)
    if built is not None:
        return built
    work = tmp_path_factory.mktemp("small_warehouse")
    database = work / WAREHOUSE_NAME
    load_raw(config.out_dir, database, work / "validation", great_expectations=False)  # raw rows, no report
    build(database, work, SMALL_WAREHOUSE_BUILD)
    return database


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """The marker ``test_warehouse`` on every test that reads ``small_warehouse`` (directly or
    through another fixture): `make test` runs the others from its start, beside the DuckDB
    build, and these after it (Makefile: pytest-early, pytest-warehouse)."""
    for item in items:
        if "small_warehouse" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.test_warehouse)
