"""Crash-safe publishing (issue 9): the published warehouse changes only after a green build.

A tiny NKI delivery is loaded into a working copy; `clinical-dashboard build` builds the NKI
staging models (the smallest real part of the project) and publishes. Then: a failed build and
a build killed with SIGKILL midway leave the published file byte for byte as it was, readable,
and the next run completes and publishes.
"""

from __future__ import annotations

import hashlib
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

from clinical_dashboard.config import GeneratorConfig
from clinical_dashboard.generate import run
from clinical_dashboard.publish import (
    PRODUCTION_EXCLUDES,
    TEMPORARY_MARK,
    PublishError,
    changed_sources_selection,
    publish,
    remove_leftovers,
)
from warehouses import WAREHOUSE_NAME, duckdb_target, invoke_dbt, load_raw, parse_home, parsed_manifest

#: loads and builds whole deliveries with dbt: left out of `make check` (-m 'not slow')
pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[2]
# The NKI staging models and the tests among them (cautious: not the tests that also need seeds).
SELECTION = ["--select", "base_nki__discharge_summary_repeated_ids", "base_nki__discharge_summaries",
             "stg_nki__discharge_summaries", "stg_nki__quarantine", "--indirect-selection", "cautious"]
MART = "main.stg_nki__discharge_summaries"


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _rows(path: Path) -> int:
    with duckdb.connect(str(path), read_only=True) as con:
        return con.execute(f"select count(*) from {MART}").fetchone()[0]


@pytest.fixture(scope="module")
def setup(tmp_path_factory: pytest.TempPathFactory) -> dict:
    root = tmp_path_factory.mktemp("publish")
    raw = root / "raw"
    # seed 5 as test_bad_input's delivery: the generator's World of that seed is built once per process
    run(GeneratorConfig(scale=0.001, seed=5, years=(2023,), sources=("nki_discharge_summaries",), out_dir=raw,
                        show_progress=False))
    # the working copy where the session's parse of the project expects it, and dbt's output
    # beside that parse: the builds below read it instead of parsing the project again
    work, dbt_target = parse_home(root)
    published = root / "warehouse.duckdb"
    env = {**os.environ, "DBT_TARGET_PATH": str(dbt_target), "DBT_LOG_PATH": str(root / "dbt_logs"),
           "DBT_SEND_ANONYMOUS_USAGE_STATS": "false"}
    load_raw(raw, work, root / "validation", great_expectations=False)  # its raw rows matter, not its report
    return {"root": root, "work": work, "published": published, "env": env, "dbt_target": dbt_target}


def _build_command(setup: dict) -> list[str]:
    return [sys.executable, "-m", "clinical_dashboard.cli", "build", "--work", str(setup["work"]),
            "--published", str(setup["published"]), "--", *SELECTION]


def _build(setup: dict) -> subprocess.CompletedProcess:
    return subprocess.run(_build_command(setup), cwd=REPO, env=setup["env"], capture_output=True, text=True,
                          timeout=600)


def test_a_green_build_publishes(setup: dict) -> None:
    done = _build(setup)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert "published" in done.stdout
    assert _rows(setup["published"]) > 0
    assert _rows(setup["published"]) == _rows(setup["work"])
    assert not list(setup["published"].parent.glob(f"*{TEMPORARY_MARK}*"))
    # the models ran; the unit test (the selection has one, on the base model) and the data
    # tests of staging (tagged construction: dbt_project.yml) did not
    ran = [r["unique_id"] for r in json.loads((setup["dbt_target"] / "run_results.json").read_text())["results"]]
    assert "model.clinical_dashboard.stg_nki__discharge_summaries" in ran
    assert not [node for node in ran if node.startswith(("unit_test.", "test."))]


#: Person-level tests outside staging that hold by construction of their model (the reason is
#: beside each in its yml); every other test outside staging runs in production.
CONSTRUCTION_TESTS_OUTSIDE_STAGING = ("column_checks_int_municipal__transitions_",
                                      "column_checks_int_npr__contact_samples_",
                                      "column_checks_int_helfo__imaging_invoice_samples_",
                                      "column_checks_int_rbf__npr_contacts_",
                                      "column_checks_int_npr__contacts_",
                                      "assert_lab_code_groups_conserve_codes_and_nok")


def test_only_the_staging_tests_are_construction_tests(setup: dict) -> None:
    """The tag the production build leaves out (PRODUCTION_EXCLUDES) is on the data tests of
    staging and on the few person-level tests listed above, and on nothing else: the
    invariants on aggregates and the privacy tests run before anything is published."""
    assert PRODUCTION_EXCLUDES[-2:] == ("--exclude", "tag:construction")
    tests = [node for node in parsed_manifest(setup["work"], setup["root"]).nodes.values()
             if node.resource_type == "test"]
    staging = {node.name for node in tests if node.original_file_path.startswith(("models/staging/", "tests/staging/"))}
    tagged = {node.name for node in tests if "construction" in node.tags}
    listed = {name for name in tagged if name.startswith(CONSTRUCTION_TESTS_OUTSIDE_STAGING)}
    assert len(listed) == len(CONSTRUCTION_TESTS_OUTSIDE_STAGING)
    assert tagged == staging | listed
    assert "rows_conserved_stg_helfo__lab_invoices_ref_stg_helfo__quarantine___source_raw_helfo_lab___helfo_lab" in tagged
    untagged = {node.name for node in tests} - tagged
    assert len(untagged) > 150 and any(name.startswith("assert_utilisation_rates_hide") for name in untagged)


def test_a_failed_build_leaves_the_published_warehouse(setup: dict) -> None:
    before = _digest(setup["published"])
    # A real failure: the working copy loses the raw view the staging models read.
    with duckdb.connect(str(setup["work"])) as con:
        con.execute("alter view raw.nki_discharge_summaries rename to nki_discharge_summaries_hidden")
    try:
        done = _build(setup)
    finally:
        with duckdb.connect(str(setup["work"])) as con:
            con.execute("alter view raw.nki_discharge_summaries_hidden rename to nki_discharge_summaries")
    assert done.returncode == 1
    assert "was NOT replaced" in done.stdout
    assert _digest(setup["published"]) == before
    assert _rows(setup["published"]) > 0


def test_sigkill_midway_leaves_the_published_warehouse_and_the_next_run_completes(setup: dict) -> None:
    published: Path = setup["published"]
    before_digest, before_inode = _digest(published), published.stat().st_ino
    rows_before = _rows(published)
    # A reader holds the published file open during the build (the dashboard, an analyst).
    reader = duckdb.connect(str(published), read_only=True)
    process = subprocess.Popen(_build_command(setup), cwd=REPO, env=setup["env"], stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True, start_new_session=True)
    seen = []
    deadline = time.monotonic() + 300
    try:
        for line in process.stdout:
            seen.append(line)
            # dbt is writing a model into the working copy (the repeated ids: a table)
            if "START sql incremental model" in line or "START sql table model" in line:
                break
            assert time.monotonic() < deadline, "the build never started a model:\n" + "".join(seen)
        os.killpg(process.pid, signal.SIGKILL)
    finally:
        process.wait(timeout=60)
    assert process.returncode == -signal.SIGKILL
    assert not any("published" in line for line in seen)
    assert reader.execute(f"select count(*) from {MART}").fetchone()[0] == rows_before
    reader.close()
    assert _digest(published) == before_digest
    assert published.stat().st_ino == before_inode
    assert _rows(published) == rows_before

    done = _build(setup)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert published.stat().st_ino != before_inode  # replaced by a new file, not written in place
    assert _rows(published) == rows_before


def test_a_leftover_from_a_killed_publish_is_removed(tmp_path: Path) -> None:
    published = tmp_path / "warehouse.duckdb"
    leftover = tmp_path / f"warehouse.duckdb{TEMPORARY_MARK}12345"
    leftover.write_bytes(b"half a copy")
    assert remove_leftovers(published) == [leftover]
    assert not leftover.exists()


def test_publish_copies_a_consistent_file(tmp_path: Path) -> None:
    work, published = tmp_path / "work.duckdb", tmp_path / "published.duckdb"
    with duckdb.connect(str(work)) as con:
        con.execute("create table t as select range as i from range(1000)")
    published.write_bytes(b"an older warehouse")
    publish(work, published)
    with duckdb.connect(str(published), read_only=True) as con:
        assert con.execute("select sum(i) from t").fetchone()[0] == 499500


def test_sources_select_what_reads_them() -> None:
    assert changed_sources_selection(()) == ()
    assert changed_sources_selection(("npr_som", "helfo_lab")) == (
        "--select", "source:raw.npr_som+", "source:raw.helfo_lab+", "stg_loader__current_deliveries+1")
    with pytest.raises(PublishError, match=r"unknown sources \['npr_smo'\]; choose from npr_som"):
        changed_sources_selection(("npr_smo",))


def test_a_sources_build_rebuilds_every_reader_of_the_ledger(tmp_path: Path) -> None:
    """The selection, resolved by dbt: every model that reads the loader's ledger (the source,
    through the view of its current files) is rebuilt with any new delivery, whatever its
    source; the selection stops one step after the view (the rate populations and another
    source's base model stay out)."""
    with duckdb_target(tmp_path / WAREHOUSE_NAME):
        result = invoke_dbt(["ls", "--resource-type", "model", "--output", "name", "--quiet",
                             *changed_sources_selection(("fhi_waiting_lists",))], tmp_path)
    assert result.success, result.exception
    selected = set(result.result)
    assert {"stg_loader__current_deliveries", "int_rate_population_fraction", "fct_delivery_checks",
            "base_fhi__waiting_lists"} <= selected, sorted(selected)
    assert "int_rate_population" not in selected and "base_npr__som" not in selected, sorted(selected)


def test_build_refuses_an_unknown_source(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "clinical_dashboard.cli", "build", "--sources", "npr_smo",
         "--work", str(tmp_path / "none.duckdb"), "--published", str(tmp_path / "published.duckdb")],
        capture_output=True, text=True, cwd=REPO)
    assert result.returncode == 2
    assert "unknown sources ['npr_smo']" in result.stderr
