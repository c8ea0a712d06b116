"""Two builds from the same deliveries give identical public marts (issue 9, item 3), and an
incremental build after new deliveries equals a full build (issue 8, item 2).

The first build is the session's ``small_warehouse`` (conftest.py): the small delivery
(``small_delivery``: scale 0.002, seed 7, every source and year; the files the staging tests
use) loaded with ``clinical-dashboard load`` and built at once with two dbt threads: ``dbt
seed``, the staging models with their data tests, then every other model up to the public
marts (``+path:models/marts``) without theirs (``make test``'s dbt build runs those; they
cannot change a mart and would double the time). Under ``make test`` it is the file the
dbt-build step built from the same extracts (``dbt build``, two threads). test_staging
checks the same file against the defect ledger, so the delivery is loaded and built once
for both. The second build
gets the deliveries in two steps, as a registry sends them, with one dbt thread instead of
two (models run in another order) and DuckDB on four threads instead of one (the order of a
parallel aggregate's sums differs; SECOND_BUILD_DUCKDB_THREADS): first without the newest
NPR-TSB year and with the newest NPR-SOM year cut to its first half (a tertial delivered
early), built in full (``dbt run --select +path:models/marts`` on a warehouse without
models); then every delivery (the new
file, and the NPR-SOM year re-delivered whole, which replaces its rows), built again
incrementally, as ``clinical-dashboard build --sources npr_som,npr_tsb`` builds: only the
models that read the two sources (``--select source:raw.npr_som+ source:raw.npr_tsb+``:
their tables of repeated ids, the base views over the raw rows and what reads them). Then
every public mart (every model under
models/marts, from the manifest) is compared row for row, order-independent and exactly,
floats included: ``EXCEPT ALL`` both ways over the two attached files, and equal row counts.
No mart may be empty (an empty mart would compare equal without proving anything).

The second warehouse starts as a copy of the first as it stood before its build (its raw
schema and the seeds' tables, every model dropped: ``warehouses.copy_loaded``), with the two
newest files taken out again (``clinical_dashboard.bench.hold_back``: their landing files and
ledger lines), and the early half of the NPR-SOM year loaded by the loader (here and for the
late files without its Great Expectations pass, which only writes the validation report:
``warehouses.load_raw``). The loader's
share of the early state is thus the first's (a whole load of the delivery costs some 100
CPU seconds; that loading the same files gives the same raw rows is test_load's
``test_loading_twice_changes_nothing``, and no model reads a load time); every model of the
second is built by its own dbt runs.

Cost: the second warehouse's two builds (a full one and the incremental one) and the loads of
the changed files; the first is shared with test_staging.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import duckdb
import pytest

from clinical_dashboard.bench import hold_back
from clinical_dashboard.publish import changed_sources_selection
from warehouses import WAREHOUSE_NAME, build, copy_loaded, load_raw

#: loads and builds whole deliveries with dbt: left out of `make check` (-m 'not slow')
pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[2]


#: DuckDB's threads in the second build's statements. `make test` runs DuckDB on one thread per
#: process (CLINICAL_DASHBOARD_DUCKDB_THREADS=1), the first build among them; the second runs on
#: several, so that a sum of doubles whose order follows DuckDB's threads (a missing
#: ordered_sum) differs between the two builds, as it did between two builds on the machine's
#: default before.
SECOND_BUILD_DUCKDB_THREADS = "4"


def _build(database: Path, work: Path, threads: int, sources: tuple[str, ...] = ()) -> None:
    """Every model up to the public marts on ``database`` (its seeds are loaded); with
    ``sources`` (the sources of new deliveries) only the models that read them, as
    ``clinical-dashboard build --sources`` selects them. ``threads`` dbt threads, DuckDB on
    SECOND_BUILD_DUCKDB_THREADS threads."""
    selection = changed_sources_selection(sources) if sources else ["--select", "+path:models/marts"]
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("CLINICAL_DASHBOARD_DUCKDB_THREADS", SECOND_BUILD_DUCKDB_THREADS)
        build(database, work, [["run", *selection, "--threads", str(threads)]])


def _public_marts(work: Path) -> list[tuple[str, str]]:
    """(schema, table) of every model under models/marts, from the build's manifest."""
    manifest = json.loads((work / "target" / "manifest.json").read_text("utf-8"))
    marts = sorted((node["schema"], node["alias"]) for node in manifest["nodes"].values()
                   if node["resource_type"] == "model"
                   and node["original_file_path"].replace("\\", "/").startswith("models/marts/"))
    assert marts, "no models under models/marts in the manifest"
    return marts


def _early_deliveries(raw: Path, early: Path) -> dict[str, int]:
    """A copy of the delivery ``raw`` as it stood earlier: the newest NPR-TSB year not yet
    delivered, the newest NPR-SOM year with the first half of its rows (its manifest entry
    changed to match). (file -> rows) of the two files."""
    shutil.copytree(raw, early)
    manifest = json.loads((early / "_manifest.json").read_text("utf-8"))
    newest = {source: max(p.stem for p in (early / source).glob("*.csv")) for source in ("npr_som", "npr_tsb")}
    tsb = f"npr_tsb/{newest['npr_tsb']}.csv"
    (early / tsb).unlink()
    som = f"npr_som/{newest['npr_som']}.csv"
    lines = (early / som).read_bytes().splitlines(keepends=True)
    kept = lines[: 1 + (len(lines) - 1) // 2]
    (early / som).write_bytes(b"".join(kept))
    files = [f for f in manifest["files"] if f["file"] != tsb]
    for entry in files:
        if entry["file"] == som:
            entry["rows"] = len(kept) - 1
            entry.pop("sha256", None)
    manifest["files"] = files
    (early / "_manifest.json").write_text(json.dumps(manifest, indent=2), "utf-8")
    return {tsb: 0, som: len(kept) - 1}


def _built_files(database: Path) -> dict[str, int]:
    """(file -> rows) of two base models."""
    with duckdb.connect(str(database), read_only=True) as con:
        return dict(con.execute("select source_file, count(*) from main.base_npr__som group by 1").fetchall()
                    + con.execute("select source_file, count(*) from main.base_npr__tsb group by 1").fetchall())


@pytest.fixture(scope="module")
def two_builds(small_delivery, small_warehouse, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, list]:
    config, _ = small_delivery
    root = tmp_path_factory.mktemp("determinism")
    # The first: every delivery, one full build (conftest's small_warehouse, only read here;
    # under `make test` the file its dbt-build step built from the same extracts).
    first = small_warehouse
    # The second: an earlier state of the deliveries, built in full: the first's raw schema
    # and seeds without a model, the two newest files taken out, the early NPR-SOM half
    # loaded (the loader skips the files it holds unchanged).
    second = root / "second" / WAREHOUSE_NAME
    early = _early_deliveries(config.out_dir, root / "early_raw")
    copy_loaded(first, second, root / "second")
    for file in early:
        hold_back(second, file)
    load_raw(root / "early_raw", second, root / "validation_early", great_expectations=False)
    _build(second, root / "second", threads=1)
    early_built = _built_files(second)
    for file, rows in early.items():
        assert early_built.get(file, 0) == rows, (file, early_built.get(file), rows)
    YEAR_VERSIONS["early"] = _year_versions(second)
    # The second again: the rest of the deliveries, built incrementally: only what reads the
    # two sources (`clinical-dashboard build --sources npr_som,npr_tsb`).
    load_raw(config.out_dir, second, root / "validation_late", great_expectations=False)
    _build(second, root / "second", threads=1, sources=tuple(sorted({f.split("/")[0] for f in early})))
    assert _built_files(second) == _built_files(first)
    marts = _public_marts(root / "second")
    with duckdb.connect(str(first), read_only=True) as con:
        built = set(con.execute("select table_schema, table_name from information_schema.tables").fetchall())
    assert not set(marts) - built, f"public marts missing from the first build: {sorted(set(marts) - built)}"
    YEAR_VERSIONS["first"], YEAR_VERSIONS["second"] = _year_versions(first), _year_versions(second)
    YEAR_VERSIONS["late"] = {(f.split("/")[0], int(Path(f).stem)) for f in early}
    return first, second, marts


#: The models built by partition (macros/incremental/year_rebuild.sql), each with its partition
#: columns, and the input_version of each of their partitions after each build of the fixture
#: (filled by two_builds).
YEAR_REBUILD_MODELS = {
    "int_npr__contacts": ("source", "year"),
    "int_sample_stratum_events": ("year",),
    "int_npr__key_figure_values": ("year",),
    "int_patient_flow_contacts": ("year",),
    "int_rbf__indicator_units": ("data_year",),
}
YEAR_VERSIONS: dict = {}


def _year_versions(database: Path) -> dict[str, dict[tuple, str]]:
    """(model -> partition -> input_version) of the models built by partition; one version per
    partition, and no version shared by two (a version names its partition). Under
    ``calculations``: (data year -> the rows of int_rbf__calculation_periods reading it), the
    RBF units' other yearly input."""
    versions: dict[str, dict[tuple, str]] = {}
    with duckdb.connect(str(database), read_only=True) as con:
        for model, key_columns in YEAR_REBUILD_MODELS.items():
            keys = ", ".join(key_columns)
            rows = con.execute(f"select distinct {keys}, input_version from main.{model}").fetchall()
            partitions = [row[:-1] for row in rows]
            assert len(partitions) == len(set(partitions)), f"{model}: a partition with two input versions: {sorted(rows)}"
            assert len({row[-1] for row in rows}) == len(rows), f"{model}: two partitions share a version"
            versions[model] = {row[:-1]: row[-1] for row in rows}
        calculations: dict[int, list] = {}
        for row in con.execute("select * from main.int_rbf__calculation_periods").fetchall():
            calculations.setdefault(row[6], []).append(row)
        columns = [c[0] for c in con.execute("select * from main.int_rbf__calculation_periods limit 0").description]
        assert columns[6] == "data_year", columns
        versions["calculations"] = {(year,): sorted(rows) for year, rows in calculations.items()}
    return versions


def _compare(first: Path, second: Path, relations: list[tuple[str, str]]) -> tuple[list[str], list[str]]:
    """(differences, empty relations) of ``relations`` (schema, name) between the two files,
    row for row and bit for bit: equal columns, equal row counts and ``EXCEPT ALL`` both ways.
    Both files read only (the first is shared with test_staging)."""
    con = duckdb.connect(str(second), read_only=True)
    second_build = con.execute("select current_database()").fetchone()[0]
    con.execute(f"attach '{first}' as first_build (read_only)")
    differences, empty = [], []
    for schema, table in relations:
        a, b = f'first_build."{schema}"."{table}"', f'"{second_build}"."{schema}"."{table}"'
        columns_a = con.execute(f"select * from {a} limit 0").description
        columns_b = con.execute(f"select * from {b} limit 0").description
        if [c[:2] for c in columns_a] != [c[:2] for c in columns_b]:
            differences.append(f"{table}: columns differ")
            continue
        rows_a = con.execute(f"select count(*) from {a}").fetchone()[0]
        rows_b = con.execute(f"select count(*) from {b}").fetchone()[0]
        only_a = con.execute(f"select count(*) from (select * from {a} except all select * from {b})").fetchone()[0]
        only_b = con.execute(f"select count(*) from (select * from {b} except all select * from {a})").fetchone()[0]
        if rows_a != rows_b or only_a or only_b:
            sample = con.execute(f"select * from {a} except all select * from {b} limit 3").fetchall()
            differences.append(f"{table}: {rows_a} vs {rows_b} rows, {only_a} rows only in the first build, "
                               f"{only_b} only in the second; e.g. {sample}")
        if rows_a == 0:
            empty.append(table)
    con.close()
    return differences, empty


def test_full_and_incremental_builds_give_identical_public_marts(two_builds) -> None:
    first, second, marts = two_builds
    differences, empty = _compare(first, second, marts)
    assert not differences, "public marts differ between a full and an incremental build of the same deliveries:\n" + "\n".join(differences)
    # an empty mart would compare equal without proving anything
    assert not empty, f"marts empty at this scale (the comparison proves nothing for them): {empty}"


def test_every_table_is_the_same_in_both_builds(two_builds) -> None:
    """Not only the marts: every table the second build wrote (base, intermediate and mart
    models; the seeds' tables are copies) equals the first's, bit for bit. A sum of doubles
    that adds in the order a parallel aggregate finishes differs in its last bits between
    builds before any published figure shows it (a published figure changes only where the
    value lies at a rounding boundary): int_procedure_branch_rankings' costs and the NOK of
    int_helfo__lab_code_groups and int_sample_stratum_events were such sums (docs/testing.md,
    "Determinism"). Such a difference shows in some builds and not in others, so a pass here
    does not prove a sum order-free; a failure names one that is not."""
    first, second, _ = two_builds
    with duckdb.connect(str(second), read_only=True) as con:
        con.execute(f"attach '{first}' as first_build (read_only)")
        tables = con.execute("select schema_name, table_name from duckdb_tables() where schema_name <> 'raw' "
                             "and database_name = current_database() order by 1, 2").fetchall()
        # per table: its columns, its rows and an order-free checksum of them (the sum of a hash
        # of each row: any changed bit of any value changes it); the tables that differ are then
        # compared row for row, for the message
        summary = "select count(*), sum(hash(row_values)::hugeint) from {} as row_values"
        changed = [(schema, table) for schema, table in tables
                   if con.execute(summary.format(f'first_build."{schema}"."{table}"')).fetchone()
                   != con.execute(summary.format(f'"{schema}"."{table}"')).fetchone()
                   or con.execute(f'select * from first_build."{schema}"."{table}" limit 0').description
                   != con.execute(f'select * from "{schema}"."{table}" limit 0').description]
    assert len(tables) > 100, tables  # the models' tables, not only the seeds
    differences, _ = _compare(first, second, changed)
    assert not changed, "tables differ between two builds of the same deliveries:\n" + "\n".join(differences)


def test_year_versions_follow_the_deliveries_not_the_build_history(two_builds) -> None:
    """The models built by partition: the full and the incremental build hold the same
    input_version for every partition (a function of the inputs, not of how the warehouse got
    there), and the incremental build changed exactly the versions of the partitions the late
    deliveries touched (the newest NPR-SOM and NPR-TSB years; their (source, year) in
    int_npr__contacts), so it recomputed those and kept the rest. The RBF units also
    recompute the data years whose calculations changed (the late deliveries complete the
    newest year's T1, so the next RBF year's preliminary calculation, which reads NKI two
    years back, becomes calculable), and only those."""
    assert YEAR_VERSIONS["first"] == YEAR_VERSIONS["second"]
    late = YEAR_VERSIONS["late"]
    late_years = {(year,) for _, year in late}
    early_calculations = YEAR_VERSIONS["early"]["calculations"]
    final_calculations = YEAR_VERSIONS["second"]["calculations"]
    recalculated = {year for year in set(early_calculations) | set(final_calculations)
                    if early_calculations.get(year) != final_calculations.get(year)}
    for model, key_columns in YEAR_REBUILD_MODELS.items():
        early, final = YEAR_VERSIONS["early"][model], YEAR_VERSIONS["second"][model]
        assert len(final) >= 5, f"{model}: too few partitions to prove anything: {sorted(final)}"
        changed = {key for key in final if early.get(key) != final[key]}
        expected = late if len(key_columns) == 2 else late_years
        if model == "int_rbf__indicator_units":
            assert recalculated - late_years, f"the late deliveries changed no older year's RBF calculations: {sorted(recalculated)}"
            expected = (late_years | recalculated) & set(final)
        assert changed == expected, f"{model}: versions changed for {sorted(changed)}, expected {sorted(expected)}"


def test_a_withdrawn_delivery_leaves_no_partition_behind(two_builds, small_delivery, tmp_path: Path) -> None:
    """Last in this module: it changes the second warehouse. The newest NPR-TSB year, withdrawn
    (``clinical-dashboard load --withdraw``), and int_npr__contacts built again incrementally
    with the source's repeated ids (what reads it is the same machinery, proven above): it
    holds none of the file's rows and, per source and year, exactly the contacts the staging
    views give now (the strategy deletes a partition that lost its rows; the recomputed rows
    are what a full build writes); no model built by partition keeps a marker row of the
    strategy; and int_npr__contacts kept every other partition's version."""
    config, _ = small_delivery
    _, second, _ = two_builds
    tsb = sorted(f for f in (config.out_dir / "npr_tsb").glob("*.csv"))[-1]
    withdrawn = f"npr_tsb/{tsb.name}"
    raw = tmp_path / "raw"
    shutil.copytree(config.out_dir, raw)
    (raw / withdrawn).unlink()
    manifest = json.loads((raw / "_manifest.json").read_text("utf-8"))
    manifest["files"] = [f for f in manifest["files"] if f["file"] != withdrawn]
    (raw / "_manifest.json").write_text(json.dumps(manifest, indent=2), "utf-8")
    load_raw(raw, second, tmp_path / "validation", great_expectations=False, withdraw=(withdrawn,))
    build(second, second.parent, [["run", "--select", "base_npr__tsb_repeated_ids", "int_npr__contacts"]])
    after = _year_versions(second)["int_npr__contacts"]
    before = YEAR_VERSIONS["second"]["int_npr__contacts"]
    kept = {key for key in before if key[0] != "npr_tsb" or key[1] != int(tsb.stem)}
    assert {key: after.get(key) for key in kept} == {key: before[key] for key in kept}
    staged = " union all ".join(
        f"select source, contact_year as year from main.stg_npr__{table}"
        for table in ("som", "avtalesom", "phv", "avtalephv", "phbu", "tsb"))
    with duckdb.connect(str(second), read_only=True) as con:
        assert con.execute("select count(*) from main.int_npr__contacts where source_file = ?",
                           [withdrawn]).fetchone()[0] == 0
        differences = con.execute(
            f"(select source, year, count(*) from main.int_npr__contacts group by all except all "
            f"select source, year, count(*) from ({staged}) group by all) union all "
            f"(select source, year, count(*) from ({staged}) group by all except all "
            f"select source, year, count(*) from main.int_npr__contacts group by all)").fetchall()
        assert not differences, f"int_npr__contacts and the staging views differ: {sorted(differences)}"
        for model in YEAR_REBUILD_MODELS:
            markers = con.execute(f"select count(*) from main.{model} where input_version like 'current:%'").fetchone()[0]
            assert markers == 0, f"{model}: {markers} marker rows"
