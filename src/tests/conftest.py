"""Shared fixtures: small generated deliveries, made once per test session, and the small
delivery loaded and built once (test_staging and test_determinism both read it)."""

from __future__ import annotations

import dataclasses
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
def world_42(seeds_dir: Path):
    """The generator's World of seed 42 (the demo's), built once per session for the tests that
    call the source generators directly (test_generate_helfo_aggregates, test_generate_municipal)."""
    from clinical_dashboard.generate.world import World

    return World(seeds_dir, 42)


@pytest.fixture(scope="session")
def small_delivery(request: pytest.FixtureRequest,
                   tmp_path_factory: pytest.TempPathFactory) -> tuple[GeneratorConfig, dict]:
    """Every source and year at TEST_SCALE with the default dirty rate. Under `make test`
    (BUILT_RAW_VAR set), the extracts its test-extracts step wrote before any pytest step
    started (checked to be this delivery: ``_check_built_extracts``), so that the tests read
    the very files the warehouse holds, instead of a second generation of them."""
    built = _built_raw()
    out = built if built is not None else tmp_path_factory.mktemp("raw_small")
    config = GeneratorConfig(scale=TEST_SCALE, seed=7, out_dir=out, dirty_rate=0.005, show_progress=False)
    return config, (_check_built_extracts(config) if built is not None else run(config))


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
#: pytest. In a session with a test that reads ``small_warehouse``, ``small_warehouse`` is that
#: file (read only) instead of a second load and build of the same delivery; in every session,
#: ``small_delivery`` is those extracts (checked to be its delivery) instead of a second
#: generation of them.
BUILT_WAREHOUSE_VAR, BUILT_RAW_VAR = "CLINICAL_DASHBOARD_TEST_WAREHOUSE", "CLINICAL_DASHBOARD_TEST_RAW"


def _built_warehouse(session: pytest.Session) -> Path | None:
    """The DuckDB file of `make test`'s build when BUILT_WAREHOUSE_VAR and BUILT_RAW_VAR are set
    and this session runs a test that reads ``small_warehouse`` (make test's pytest-warehouse
    step, after its dbt-build step), else None."""
    built = os.environ.get(BUILT_WAREHOUSE_VAR)
    if not built or _built_raw() is None or not any("small_warehouse" in getattr(item, "fixturenames", ())
                                                    for item in session.items):
        return None
    database = Path(built).resolve()
    assert database.is_file(), f"{BUILT_WAREHOUSE_VAR}={built}: no such DuckDB file"
    return database


def _built_raw() -> Path | None:
    """The extracts folder of `make test`'s test-extracts step when BUILT_RAW_VAR is set (every
    pytest step of make test starts after it), else None. Read only: the DuckDB and PostgreSQL
    builds load the same files beside the tests."""
    raw = os.environ.get(BUILT_RAW_VAR)
    if not raw:
        return None
    raw_dir = Path(raw).resolve()
    assert raw_dir.is_dir(), f"{BUILT_RAW_VAR}={raw}: no such folder"
    return raw_dir


def _check_built_extracts(config: GeneratorConfig) -> dict:
    """The manifest of the extracts in ``config.out_dir`` (make test's test-extracts step);
    fails unless they are the delivery ``config`` generates (the Makefile's TEST_SCALE and
    TEST_SEED and this file's TEST_SCALE and seed must agree): the generator's settings in the
    manifest are ``config``'s (the same settings give the same bytes: test_generate's
    test_same_options_give_the_same_bytes), and the folder holds exactly the manifest's files,
    each with its bytes and rows, and a ledger line per defect."""
    import csv
    import json

    from clinical_dashboard.generate import GENERATOR_VERSION, LEDGER_NAME, read_manifest

    raw = config.out_dir
    manifest = read_manifest(raw)
    settings = {k: v for k, v in dataclasses.asdict(config).items()
                if k not in ("out_dir", "seeds_dir", "show_progress", "extra")}
    expected = json.loads(json.dumps({"generator_version": GENERATOR_VERSION, "synthetic": True,
                                      "population_fraction": config.scale, "settings": settings}, default=list))
    stated = {key: manifest.get(key) for key in expected}
    assert stated == expected, (f"{BUILT_RAW_VAR}={raw} is not the delivery small_delivery generates (scale "
                                f"{config.scale}, seed {config.seed}): its manifest states {stated}")
    listed = {entry["file"]: entry for entry in manifest["files"]}
    found = {p.relative_to(raw).as_posix() for p in raw.rglob("*.csv") if p.name != LEDGER_NAME}
    assert found == set(listed), f"{raw}: files not in its manifest {sorted(found - set(listed))[:10]}, " \
                                 f"missing {sorted(set(listed) - found)[:10]}"
    for file, entry in listed.items():
        data = (raw / file).read_bytes()
        assert (len(data), data.count(b"\n") - 1) == (entry["bytes"], entry["rows"]), (file, entry)
    with (raw / LEDGER_NAME).open(encoding="utf-8", newline="") as handle:
        assert sum(1 for _ in csv.reader(handle, delimiter=";")) - 1 == manifest["defects"], LEDGER_NAME
    return manifest


@pytest.fixture(scope="session")
def small_warehouse(small_delivery, request: pytest.FixtureRequest,
                    tmp_path_factory: pytest.TempPathFactory) -> Path:
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
    built = _built_warehouse(request.session)
    if built is not None:
        assert config.out_dir == _built_raw(), (config.out_dir, built)  # small_delivery: its extracts
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


# ------------------------------------------------------------------ CPU seconds per test phase
#: (CPU seconds, "phase test id") of every setup, call and teardown: this process's CPU and
#: that of the child processes it waited for (dbt, the loader, npm run as subprocesses). The
#: wall times of --durations grow with whatever else runs on the machine (make test runs its
#: steps beside each other); CPU seconds do not, so this list shows which test costs work.
_PHASE_CPU: list[tuple[float, str]] = []
CPU_REPORT_LINES = 12


def _cpu_seconds() -> float:
    times = os.times()
    return times.user + times.system + times.children_user + times.children_system


def _phase_cpu(phase: str):
    """A hook wrapper around one test phase that records its CPU seconds in the test's user
    properties, which its report carries (to pytest-xdist's controller too)."""
    @pytest.hookimpl(hookwrapper=True)
    def wrapper(item: pytest.Item):
        start = _cpu_seconds()
        yield
        item.user_properties.append((f"cpu_seconds_{phase}", _cpu_seconds() - start))
    return wrapper


pytest_runtest_setup = _phase_cpu("setup")
pytest_runtest_call = _phase_cpu("call")
pytest_runtest_teardown = _phase_cpu("teardown")


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    """The phase's CPU seconds into _PHASE_CPU: in the test's own process, or from a worker's
    report in pytest-xdist's controller (`make check` runs two workers)."""
    for name, seconds in report.user_properties:
        if name == f"cpu_seconds_{report.when}":
            _PHASE_CPU.append((seconds, f"{report.when:8} {report.nodeid}"))


def pytest_terminal_summary(terminalreporter, exitstatus, config: pytest.Config) -> None:
    """The phases that cost the most CPU seconds, and the session's total."""
    if not _PHASE_CPU:
        return
    terminalreporter.write_sep("=", f"most CPU seconds (of {sum(c for c, _ in _PHASE_CPU):,.1f} in all)")
    for seconds, phase in sorted(_PHASE_CPU, reverse=True)[:CPU_REPORT_LINES]:
        terminalreporter.write_line(f"{seconds:7.2f}s {phase}")
