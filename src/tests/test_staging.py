"""Staging catches every injected defect with the right outcome (issue 3, items 3 and 4).

A tiny delivery (the session's ``small_delivery``: scale 0.002, seed 7, every source and year)
is loaded into the raw schema of a scratch DuckDB file with ``clinical-dashboard load`` and
built with ``dbt seed`` and ``dbt build --select staging`` (models and their data tests:
row conservation per file, keys, accepted values, relationships), then up to the public
marts: conftest's ``small_warehouse``, built once per session and also compared by
test_determinism. Then every line of the generator's defect ledger is checked against the
warehouse:

- ``normalised``: the row is staged and its code equals the clean original;
- ``flagged``: the row is staged with the flag set (unknown code, missing main diagnosis,
  unknown residence) and the delivered value kept;
- ``quarantined``: the row is in its folder's quarantine model with the expected reason;
- ``deduplicated``: the record is staged once, and the later copy is in quarantine as a
  removed duplicate of the earlier one.

And the other way round: staging rejects or flags nothing the ledger does not list (a
staging rule that fired on clean rows would hide real data).
"""

from __future__ import annotations

import csv
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest

from clinical_dashboard.generate import LEDGER_NAME
from warehouses import WAREHOUSE_NAME, build, compile_inline, copy_seeds, duckdb_target, load_raw

#: loads and builds whole deliveries with dbt: left out of `make check` (-m 'not slow')
pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class Staging:
    """Where a raw table's rows end up: staging model, quarantine model, key column."""

    model: str
    quarantine: str
    key: str
    key_is_number: bool = True


NPR_QUARANTINE = "stg_npr__quarantine"
HELFO_QUARANTINE = "stg_helfo__quarantine"
STAGING = {
    "npr_som": Staging("stg_npr__som", NPR_QUARANTINE, "contact_id"),
    "npr_avtalesom": Staging("stg_npr__avtalesom", NPR_QUARANTINE, "contact_id"),
    "npr_phv": Staging("stg_npr__phv", NPR_QUARANTINE, "contact_id"),
    "npr_avtalephv": Staging("stg_npr__avtalephv", NPR_QUARANTINE, "contact_id"),
    "npr_phbu": Staging("stg_npr__phbu", NPR_QUARANTINE, "contact_id"),
    "npr_tsb": Staging("stg_npr__tsb", NPR_QUARANTINE, "contact_id"),
    "npr_phbu_referrals": Staging("stg_npr__phbu_referrals", NPR_QUARANTINE, "referral_id", False),
    "helfo_lab": Staging("stg_helfo__lab_invoices", HELFO_QUARANTINE, "invoice_id"),
    "helfo_imaging": Staging("stg_helfo__imaging_invoices", HELFO_QUARANTINE, "invoice_id"),
    "fhi_waiting_lists": Staging("stg_fhi__waiting_lists", "stg_fhi__quarantine", "record_id", False),
    "nki_discharge_summaries": Staging("stg_nki__discharge_summaries", "stg_nki__quarantine", "record_id", False),
    "cancer_survival": Staging("stg_kreftregisteret__cancer_survival", "stg_kreftregisteret__quarantine",
                               "record_id", False),
    "kpr_contacts": Staging("stg_kpr__contacts", "stg_kpr__quarantine", "contact_id", False),
    "iplos_services": Staging("stg_kpr__iplos_services", "stg_kpr__quarantine", "iplos_id", False),
}
QUARANTINE_MODELS = sorted({s.quarantine for s in STAGING.values()})

#: raw column of a code defect -> staging column holding the normalised code (list)
CODE_COLUMNS = {"hovedtilstand": "main_diagnosis_code", "prosedyre_1": "procedure_code_1",
                "analysekoder": "lab_codes", "prosedyrekoder": "procedure_codes",
                "hoveddiagnose": "main_diagnosis_code"}
#: raw column of an unknown_code defect -> staging flag (KPR: on the contact)
UNKNOWN_CODE_FLAGS = {"hoveddiagnose": "has_unknown_diagnosis_code"}
#: raw columns of an unknown_code defect that staging keeps without a flag (NPR): the loader
#: counts the delivery's unknown codes (test_code_lists), staging keeps the code as delivered
UNKNOWN_CODES_KEPT = ("hovedtilstand", "prosedyre_1")
#: HELFO imaging code lists: unknown codes are flagged per code, in the code model
CODE_MODELS = {"prosedyrekoder": ("stg_helfo__imaging_invoice_codes", "procedure_code")}
#: the quarantine reason each quarantined defect must get, by source kind
QUARANTINE_REASONS = {"impossible_age": "impossible_age", "discharge_before_admission": "discharge_before_admission"}
REFERRAL_REASONS = {"impossible_age": "impossible_age", "discharge_before_admission": "assessed_before_received"}
SOURCE_REASONS = {"npr_phbu_referrals": REFERRAL_REASONS}


# ------------------------------------------------------------------------------- building
def _load_and_build(raw: Path, work: Path, seeded: Path, selection: str) -> Path:
    """``raw`` loaded into ``work/warehouse.duckdb`` (no Great Expectations pass), the seeds
    copied from the seeded warehouse ``seeded`` and ``selection`` built on it (cautious: a data
    test that also reads a model or seed outside the selection, e.g. the key-figure tests,
    which compare marts with int_npr__contacts, waits for the full build); the DuckDB file."""
    database = work / WAREHOUSE_NAME
    load_raw(raw, database, work / "validation", great_expectations=False)
    copy_seeds(seeded, database, work)
    build(database, work, [["build", "--select", selection, "--indirect-selection", "cautious"]])
    return database


@pytest.fixture(scope="module")
def warehouse(small_warehouse) -> Path:
    """The small delivery loaded and built through staging with its data tests (conftest's
    ``small_warehouse``, shared with test_determinism); the DuckDB file."""
    return small_warehouse


@pytest.fixture(scope="module")
def ledger(small_delivery) -> list[dict[str, str]]:
    config, _ = small_delivery
    with (config.out_dir / LEDGER_NAME).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle, delimiter=";"))


@pytest.fixture(scope="module")
def con(warehouse: Path):
    # read_only: the warehouse is shared with test_determinism (dbt has let go of it)
    connection = duckdb.connect(str(warehouse), read_only=True)
    yield connection
    connection.close()


# ------------------------------------------------------------------------------- lookups
def _rows(con, sql: str, params: list | None = None) -> list[dict]:
    cursor = con.execute(sql, params or [])
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row)) for row in cursor.fetchall()]


class Warehouse:
    """Staged rows at the ledger's lines (and the first copies of duplicates) and every
    quarantined row, keyed by (file, line)."""

    def __init__(self, con, ledger: list[dict[str, str]]):
        import pyarrow as pa

        self.con = con
        positions = {(d["file"], int(d["line_number"])) for d in ledger}
        positions |= {(d["file"], int(d["original_value"].removeprefix("copy of line ")))
                      for d in ledger if d["defect"] == "exact_duplicate"}
        files, lines = zip(*sorted(positions))
        con.register("ledger_positions", pa.table({"file": list(files), "line": list(lines)}))
        self.staged: dict[tuple[str, int], dict] = {}
        for source in sorted({d["source"] for d in ledger}):
            query = (f"select staged.* from main.{STAGING[source].model} as staged "
                     "join ledger_positions on staged.source_file = ledger_positions.file "
                     "and staged.source_line = ledger_positions.line")
            for row in _rows(con, query):
                self.staged[(row["source_file"], row["source_line"])] = row
        self.quarantined: dict[tuple[str, int], dict] = {}
        for model in QUARANTINE_MODELS:
            for row in _rows(con, f"select * from main.{model}"):
                self.quarantined[(row["file"], row["line"])] = row
        # how often each duplicated record is staged, in one query per source
        self.key_counts: dict[tuple[str, str], int] = {}
        duplicated = defaultdict(set)
        for d in ledger:
            if d["defect"] == "exact_duplicate":
                duplicated[d["source"]].add(d["record_id"])
        for source, keys in duplicated.items():
            staging = STAGING[source]
            cast = "bigint" if staging.key_is_number else "varchar"
            query = (f"select cast({staging.key} as varchar) as record_id, count(*) as n "
                     f"from main.{staging.model} where {staging.key} in (select unnest(?::{cast}[])) "
                     f"group by {staging.key}")
            values = [int(k) if staging.key_is_number else k for k in keys]
            for row in _rows(con, query, [values]):
                self.key_counts[(source, row["record_id"])] = row["n"]
        # the code rows of the invoices whose code lists carry a defect
        self.code_rows: dict[tuple[str, int], list[dict]] = defaultdict(list)
        for column, (model, _) in CODE_MODELS.items():
            invoices = [int(d["record_id"]) for d in ledger if d["column_name"] == column]
            if invoices:
                query = (f"select * from main.{model} where invoice_id in (select unnest(?::bigint[])) "
                         "order by invoice_id, code_position")
                for row in _rows(con, query, [invoices]):
                    self.code_rows[(model, row["invoice_id"])].append(row)

    def key_count(self, source: str, key: str) -> int:
        return self.key_counts.get((source, key), 0)

    def codes(self, model: str, invoice_id: int) -> list[dict]:
        return self.code_rows.get((model, invoice_id), [])


def con_count(con, sql: str, params: list) -> int:
    return con.execute(sql, params).fetchone()[0]


def _normalised(code: str) -> str:
    return code.replace(".", "").replace(" ", "").upper()


# ------------------------------------------------------------------------------- checks
def _check(defect: dict[str, str], warehouse: Warehouse) -> str | None:
    """None when staging handled the ledger line as expected, else what went wrong."""
    source, file, line = defect["source"], defect["file"], int(defect["line_number"])
    kind, handling, column = defect["defect"], defect["expected_handling"], defect["column_name"]
    staged = warehouse.staged.get((file, line))
    quarantined = warehouse.quarantined.get((file, line))
    if handling in ("normalised", "flagged"):
        if staged is None:
            reason = quarantined["reason_code"] if quarantined else "nowhere"
            return f"not staged (quarantine reason: {reason})"
    if handling == "normalised":
        value = staged[CODE_COLUMNS[column]]
        expected = _normalised(defect["original_value"])
        return None if value == expected else f"{CODE_COLUMNS[column]} = {value!r}, expected {expected!r}"
    if handling == "flagged":
        if kind == "missing_main_diagnosis":
            ok = staged["is_missing_main_diagnosis"] is True and staged["main_diagnosis_code"] is None
            return None if ok else "is_missing_main_diagnosis not set"
        if kind == "unknown_municipality":
            ok = (staged["is_unknown_residence"] is True and staged["municipality_code"] is None
                  and staged["municipality_code_reported"] == defect["injected_value"])
            return None if ok else (f"is_unknown_residence={staged['is_unknown_residence']}, "
                                    f"municipality_code={staged['municipality_code']!r}")
        if kind == "unknown_code" and column in UNKNOWN_CODES_KEPT:
            code_column = CODE_COLUMNS[column]
            ok = staged[code_column] == _normalised(defect["injected_value"])
            return None if ok else f"{code_column}={staged[code_column]!r}"
        if kind == "unknown_code" and column in UNKNOWN_CODE_FLAGS:
            flag, code_column = UNKNOWN_CODE_FLAGS[column], CODE_COLUMNS[column]
            ok = staged[flag] is True and staged[code_column] == _normalised(defect["injected_value"])
            return None if ok else f"{flag}={staged[flag]}, {code_column}={staged[code_column]!r}"
        if kind == "unknown_code" and column == "analysekoder":
            # no code-level model: the invoice is staged with its list, and int_helfo__lab_code_groups
            # counts the code in the group without a field (the Total sample only)
            first = _normalised(defect["injected_value"].split("|")[0])
            known = warehouse.con.execute("select count(*) from main_reference.ref_nlk_lab_codes where lab_code = ?",
                                          [first]).fetchone()[0]
            ok = staged["lab_codes"].split("|")[0] == first and known == 0
            return None if ok else f"lab_codes = {staged['lab_codes']!r}, first code known: {known}"
        if kind == "unknown_code" and column in CODE_MODELS:
            model, code_column = CODE_MODELS[column]
            codes = warehouse.codes(model, staged["invoice_id"])
            first = defect["injected_value"].split("|")[0]
            ok = bool(codes) and codes[0][code_column] == first and codes[0][f"is_unknown_{code_column}"] is True
            return None if ok else f"first code in {model} not flagged unknown: {codes[:1]}"
        return f"no rule for flagged defect {kind} in column {column}"
    if handling == "quarantined":
        reasons = SOURCE_REASONS.get(source, QUARANTINE_REASONS)
        expected = reasons[kind]
        if staged is not None:
            return "staged instead of quarantined"
        if quarantined is None:
            return "neither staged nor quarantined"
        ok = quarantined["outcome"] == "quarantined" and quarantined["reason_code"] == expected
        return None if ok else f"quarantine reason {quarantined['reason_code']!r}, expected {expected!r}"
    if handling == "deduplicated":
        copy_of = int(defect["original_value"].removeprefix("copy of line "))
        first, later = sorted((line, copy_of))
        if warehouse.key_count(source, defect["record_id"]) != 1:
            return f"record {defect['record_id']} staged {warehouse.key_count(source, defect['record_id'])} times"
        removed = warehouse.quarantined.get((file, later))
        if (file, first) not in warehouse.staged:
            return f"first copy (line {first}) not staged"
        ok = (removed is not None and removed["outcome"] == "deduplicated"
              and removed["first_copy_file"] == file and removed["first_copy_line"] == first)
        return None if ok else f"later copy (line {later}) not recorded as a removed duplicate: {removed}"
    return f"unknown expected handling {handling!r}"


def _report(problems: list[str], what: str) -> str:
    return f"{len(problems)} {what}:\n" + "\n".join(problems[:60]) + ("\n..." if len(problems) > 60 else "")


def test_staging_build_passes_its_data_tests(warehouse: Path) -> None:
    """The fixture's dbt build (staging models and their data tests, including row
    conservation; under `make test` its dbt-build step's, which runs every data test)
    succeeded."""
    assert warehouse.exists()


def test_every_injected_defect_is_caught(con, ledger: list[dict[str, str]]) -> None:
    assert ledger, "the delivery has no defect ledger lines"
    warehouse = Warehouse(con, ledger)
    uncaught = []
    for defect in ledger:
        problem = _check(defect, warehouse)
        if problem:
            uncaught.append(f"{defect['file']} line {defect['line_number']} ({defect['record_id']}): "
                            f"{defect['defect']} in {defect['column_name'] or 'the row'} "
                            f"(expected {defect['expected_handling']}): {problem}")
    handled = Counter(d["expected_handling"] for d in ledger)
    assert not uncaught, _report(uncaught, f"of {len(ledger)} injected defects not caught ({dict(handled)})")


def test_nothing_else_is_rejected_or_flagged(con, ledger: list[dict[str, str]]) -> None:
    """Staging quarantines and flags exactly the ledger's rows: no false positives."""
    expected_rejects: set[tuple[str, int]] = set()
    flagged: dict[str, set[tuple[str, int]]] = defaultdict(set)
    for d in ledger:
        position = (d["file"], int(d["line_number"]))
        if d["expected_handling"] == "quarantined":
            expected_rejects.add(position)
        elif d["expected_handling"] == "deduplicated":
            copy_of = int(d["original_value"].removeprefix("copy of line "))
            expected_rejects.add((d["file"], max(position[1], copy_of)))
        elif d["expected_handling"] == "flagged":
            flagged[d["defect"]].add(position)
    problems = []
    for model in QUARANTINE_MODELS:
        for row in _rows(con, f"select file, line, reason_code from main.{model}"):
            if (row["file"], row["line"]) not in expected_rejects:
                problems.append(f"{model}: {row['file']} line {row['line']} rejected ({row['reason_code']}) "
                                "but the ledger has no defect there")
    flag_rules = [
        ("unknown_municipality", "is_unknown_residence and municipality_code_reported is not null"),
        ("missing_main_diagnosis", "is_missing_main_diagnosis"),
        ("unknown_code", "has_unknown_diagnosis_code"),  # KPR (NPR keeps its unknown codes unflagged)
    ]
    for source, staging in STAGING.items():
        columns = {r["column_name"] for r in _rows(con, "select column_name from information_schema.columns "
                                                        "where table_name = ?", [staging.model])}
        for defect, condition in flag_rules:
            needed = {w for w in condition.replace(" is not null", "").split() if w not in ("and", "or")}
            if not needed <= columns:
                continue
            for row in _rows(con, f"select source_file, source_line from main.{staging.model} where {condition}"):
                if (row["source_file"], row["source_line"]) not in flagged[defect]:
                    problems.append(f"{staging.model}: {row['source_file']} line {row['source_line']} "
                                    f"flagged ({condition}) but the ledger has no {defect} there")
    for model, code in CODE_MODELS.values():
        unknown = con_count(con, f"select count(*) from main.{model} where is_unknown_{code}", [])
        injected = sum(1 for d in ledger if d["defect"] == "unknown_code"
                       and CODE_MODELS.get(d["column_name"], ("",))[0] == model)
        if unknown != injected:
            problems.append(f"{model}: {unknown} codes flagged unknown, {injected} injected")
    assert not problems, _report(problems, "rows rejected or flagged without an injected defect")


# ------------------------------------------------------------------------------- plausibility (issue 26)
#: The delivery issue 26 was found with: one stay of 12,204 days and one row dated 2031.
HOSTILE_FILE = "npr_tsb/2023.csv"
LONG_STAY = ("1990-01-01", "2023-06-01")
STRAY_YEAR = ("2031-02-20", "2031-03-01")
NPR_ACTIVITY = ("npr_som", "npr_avtalesom", "npr_phv", "npr_avtalephv", "npr_phbu", "npr_tsb")
PROJECT = REPO / "dbt_project.yml"


def _project_vars() -> dict:
    import yaml

    return yaml.safe_load(PROJECT.read_text("utf-8"))["vars"]


def test_data_years_are_the_generators_years() -> None:
    """var data_years (the years a build computes) = the years the registries deliver."""
    from clinical_dashboard.config import YEARS

    data_years = _project_vars()["data_years"]
    configured = tuple(range(data_years["first"], data_years["last"] + 1))
    assert configured == tuple(YEARS), (
        f"dbt_project.yml vars.data_years {data_years} must span the generator's YEARS {YEARS} "
        "(src/clinical_dashboard/config.py): change both together")


def test_no_stay_bound_is_below_the_generators_longest_stay() -> None:
    """A bound below the generator's cap would quarantine good generated stays."""
    import re

    activity = (REPO / "src" / "clinical_dashboard" / "generate" / "activity.py").read_text("utf-8")
    cap = re.search(r"los = np\.minimum\(los, (\d+)\)", activity)
    assert cap, "activity.py no longer caps the length of stay with `los = np.minimum(los, N)`: update this test"
    referrals = (REPO / "src" / "clinical_dashboard" / "generate" / "referrals.py").read_text("utf-8")
    wait = re.search(r"assessed = day \+ 1 \+ np\.minimum\(rng\.geometric\([^)]*\), (\d+)\)", referrals)
    assert wait, "referrals.py no longer caps the assessment wait as expected: update this test"
    bounds = _project_vars()["max_length_of_stay_days"]
    assert set(bounds) == set(NPR_ACTIVITY), f"max_length_of_stay_days must name every NPR activity source: {bounds}"
    low = {source: bound for source, bound in bounds.items() if bound < int(cap.group(1))}
    assert not low, f"max_length_of_stay_days below the generator's longest stay ({cap.group(1)} days): {low}"
    assert _project_vars()["max_referral_assessment_days"] >= 1 + int(wait.group(1))


@pytest.fixture(scope="module")
def hostile_warehouse(small_warehouse, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[int, tuple[str, str]]]:
    """The NPR extracts of 2023 with issue 26's two rows written over two clean inpatient stays
    of npr_tsb/2023.csv, loaded (without the loader's Great Expectations pass, which only
    writes the report) and built through the NPR staging models the changed file reaches
    (``base_npr__tsb+`` within NPR staging: base_npr__tsb, stg_npr__tsb, stg_npr__quarantine)
    and the other NPR base models stg_npr__quarantine reads, with their data tests (including
    rows_conserved) and unit tests; the seeds those read are small_warehouse's, copied. The
    other NPR staging models read only untouched generated files (their tests are make test's
    build's). Returns the DuckDB file and {line: (inndato, utdato)}."""
    from clinical_dashboard.config import GeneratorConfig
    from clinical_dashboard.generate import run

    raw = tmp_path_factory.mktemp("raw_implausible")
    run(GeneratorConfig(scale=0.001, seed=5, years=(2023,), sources=NPR_ACTIVITY + ("npr_phbu_referrals",),
                        out_dir=raw, show_progress=False))
    with (raw / LEDGER_NAME).open(encoding="utf-8", newline="") as handle:
        dirty = {int(d["line_number"]) for d in csv.DictReader(handle, delimiter=";") if d["file"] == HOSTILE_FILE}
    path = raw / HOSTILE_FILE
    lines = path.read_text("utf-8").splitlines()
    header = lines[0].split(";")
    start, end, level = header.index("inndato"), header.index("utdato"), header.index("omsorgsniva")
    # clean inpatient lines only, and not a first copy of an injected duplicate (its id is shared)
    candidates = [n for n in range(2, len(lines) + 1)
                  if n not in dirty and n - 1 not in dirty and n + 1 not in dirty
                  and lines[n - 1].split(";")[level] == "1"]
    changed = {candidates[0]: LONG_STAY, candidates[-1]: STRAY_YEAR}
    for line, (admission, discharge) in changed.items():
        fields = lines[line - 1].split(";")
        fields[start], fields[end] = admission, discharge
        lines[line - 1] = ";".join(fields)
    path.write_text("\n".join(lines) + "\n", "utf-8")  # same row count: the manifest still holds

    database = _load_and_build(raw, tmp_path_factory.mktemp("staging_implausible"), small_warehouse,
                               "path:models/staging/npr/base stg_npr__tsb stg_npr__quarantine")
    return database, changed


def test_implausible_stay_and_stray_year_end_in_quarantine(hostile_warehouse) -> None:
    """Issue 26 items 2 and 7: the stay of 12,204 days is quarantined as
    admission_long_before_period, the row dated 2031 as outside_data_years; neither is staged,
    and every raw row of the file is staged or quarantined exactly once."""
    database, changed = hostile_warehouse
    con = duckdb.connect(str(database), read_only=True)
    try:
        expected = {line: ("admission_long_before_period" if dates == LONG_STAY else "outside_data_years")
                    for line, dates in changed.items()}
        found = dict(con.execute(
            "select line, reason_code from main.stg_npr__quarantine where file = ? and outcome = 'quarantined' "
            "and line in (select unnest(?::bigint[]))", [HOSTILE_FILE, list(changed)]).fetchall())
        assert found == expected, f"{HOSTILE_FILE}: quarantine reasons by line {found}, expected {expected}"
        staged = con.execute("select count(*) from main.stg_npr__tsb where source_file = ? "
                             "and source_line in (select unnest(?::bigint[]))",
                             [HOSTILE_FILE, list(changed)]).fetchone()[0]
        assert staged == 0, f"{staged} of the implausible rows of {HOSTILE_FILE} staged"
        bound = _project_vars()["max_length_of_stay_days"]["npr_tsb"]
        longest, years = con.execute(
            "select max(discharge_date - admission_date), list(distinct contact_year) "
            "from main.stg_npr__tsb").fetchone()
        assert longest <= bound, f"a staged TSB stay of {longest} days (bound {bound})"
        assert years == [2023], f"staged TSB years {years}, expected only 2023"
        raw_rows, staged_rows, other_rows = con.execute(
            "select (select count(*) from raw.npr_tsb where _file = $1), "
            "(select count(*) from main.stg_npr__tsb where source_file = $1), "
            "(select count(*) from main.stg_npr__quarantine where file = $1)", [HOSTILE_FILE]).fetchone()
        assert raw_rows == staged_rows + other_rows, (
            f"{HOSTILE_FILE}: {raw_rows} raw rows, {staged_rows} staged + {other_rows} quarantined")
    finally:
        con.close()


def test_a_stray_year_gets_no_year_rebuild_version(hostile_warehouse, tmp_path: Path) -> None:
    """The models built by partition compute only the configured years: the raw table and the
    base model hold the 2031 row (quarantined), yet the plan's versions of NPR-TSB
    (int_npr__contacts' entry) are the data years only (2023 here), and a full build's year
    filter is the configured data years."""
    database, _ = hostile_warehouse
    sql = ("select 1 as x from {{ ref('base_npr__tsb') }} where {{ year_rebuild_filter({}, 'contact_year') }} "
           "-- years: {% if execute %}{{ tojson(year_rebuild_versions("
           "raw_year_entries(['base_npr__tsb'], partitioned=true), []"
           ").keys() | list | sort) }}{% endif %}")
    with duckdb_target(database):
        ok, compiled = compile_inline(sql, tmp_path)
    assert ok, compiled
    con = duckdb.connect(str(database), read_only=True)
    try:
        held = [r[0] for r in con.execute("select distinct contact_year from main.base_npr__tsb order by 1").fetchall()]
    finally:
        con.close()
    assert 2031 in held, f"the fixture's 2031 row is not in base_npr__tsb (years {held})"
    assert '-- years: ["npr_tsb/2023"]' in compiled, f"year_rebuild versions: {compiled.split('-- years:')[-1].strip()}"
    # a full build reads the configured data years only
    data_years = _project_vars()["data_years"]
    expected = f"where contact_year between {data_years['first']} and {data_years['last']}"
    assert expected in compiled, f"full-build year filter: {compiled.split(' -- ')[0]}"
