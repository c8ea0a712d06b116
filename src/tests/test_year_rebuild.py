"""The rules behind year-by-year rebuilds (macros/incremental/year_rebuild.sql, issue 8).

A model built year by year recomputes a year only when its ``input_version`` changes, so what
goes into the version decides whether a stale year can survive a change. These tests pin the
parts that are not data: the project's vars are all in it, the source of the macros and
models upstream is in it, a var's value changes it, and a model that reaches a source
through an upstream model it has not declared as an entry does not compile. (That a full
and an incremental build give the same marts is test_determinism.py.)
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from warehouses import WAREHOUSE_NAME, compile_inline, duckdb_target

#: loads and builds whole deliveries with dbt: left out of `make check` (-m 'not slow')
pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[2]
PLAN_MACROS = REPO / "macros" / "incremental" / "year_rebuild_plan.sql"


@pytest.fixture(scope="module")
def scratch(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """An empty DuckDB file for dbt's connection (compiling needs no data), and one folder
    for the module's compiles (on the session's parse of the project: warehouses.py)."""
    work = tmp_path_factory.mktemp("year_rebuild")
    with duckdb_target(work / WAREHOUSE_NAME):
        yield work


def test_the_rules_name_every_project_var() -> None:
    project_vars = set(yaml.safe_load((REPO / "dbt_project.yml").read_text("utf-8"))["vars"])
    macro = PLAN_MACROS.read_text("utf-8")
    body = macro[macro.index("macro year_rebuild_vars"):]
    listed = set(re.findall(r"'([a-z_]+)'", body[: body.index("endmacro")]))
    assert listed == project_vars, (
        f"year_rebuild_vars() must list exactly the vars of dbt_project.yml: missing "
        f"{sorted(project_vars - listed)}, not a var {sorted(listed - project_vars)}")


def test_the_rules_hold_upstream_code_and_change_with_a_var(scratch: Path) -> None:
    sql = ("select 1 as x from {{ ref('int_samples') }} "
           "-- {{ local_md5(year_rebuild_rules_text()) }} {{ year_rebuild_rules_text() | length }}"
           " {{ 'has_macro' if 'macro.clinical_dashboard.procedure_sample_id' in year_rebuild_rules_text() }}"
           " {{ 'has_model' if 'model.clinical_dashboard.int_procedure_branch_rankings' in year_rebuild_rules_text() }}"
           " {{ 'has_seed' if 'seed.clinical_dashboard.ref_samples' in year_rebuild_rules_text() }}")
    ok, default = compile_inline(sql, scratch)
    assert ok, default
    # int_samples calls procedure_sample_id(); it reads the rankings model and the seed
    assert "has_macro" in default and "has_model" in default and "has_seed" in default, default
    ok, other = compile_inline(sql, scratch / "vars", ("--vars", "{min_cell_count: 6}"))
    assert ok, other
    digest = re.compile(r"-- ([0-9a-f]{32})")
    assert digest.search(default) and digest.search(other)
    assert digest.search(default).group(1) != digest.search(other).group(1), \
        "a var's value must change the rules of a year-by-year model"


def test_a_source_reached_through_an_undeclared_model_does_not_compile(scratch: Path) -> None:
    reads = "select 1 as x from {{ ref('int_npr__contacts') }} "
    ok, error = compile_inline(reads + "{% do year_rebuild_check_entries([]) %}", scratch)
    assert not ok
    for base in ("base_npr__som", "base_npr__tsb", "base_npr__avtalephv"):
        assert base in error, error
    declared = ("{% do year_rebuild_check_entries(raw_year_entries(['base_npr__som', "
                "'base_npr__avtalesom', 'base_npr__phv', 'base_npr__avtalephv', 'base_npr__phbu', "
                "'base_npr__tsb'])) %}")
    ok, compiled = compile_inline(reads + declared, scratch)
    assert ok, compiled


def test_the_repeated_ids_of_a_declared_base_view_need_no_entry(scratch: Path) -> None:
    """A base view reads its source and the table of that source's repeated ids, which reads the
    source too: the ids reach the model through the base rows' outcomes, so declaring the base
    model covers them; left undeclared, both are named."""
    reads = "select 1 as x from {{ ref('stg_helfo__lab_invoices') }} "
    ok, error = compile_inline(reads + "{% do year_rebuild_check_entries([]) %}", scratch)
    assert not ok
    assert "base_helfo__lab_invoices" in error and "base_helfo__lab_repeated_ids" in error, error
    declared = "{% do year_rebuild_check_entries(raw_year_entries(['base_helfo__lab_invoices'])) %}"
    ok, compiled = compile_inline(reads + declared, scratch)
    assert ok, compiled
