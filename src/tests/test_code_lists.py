"""Code lists (contract key ``code_list``): the loader counts unknown codes once per delivery (ledger
check ``<column>:code_list``), the staging ``relationships`` tests to seeds they replaced are gone,
and every one of those maps to a contract code list (src/clinical_dashboard/code_lists.py)."""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
from pathlib import Path

import duckdb
import pytest
import yaml

from clinical_dashboard.code_lists import NORMALISE, CodeList, codes, listed, seed_path
from clinical_dashboard.config import REPO_ROOT
from clinical_dashboard.contract_docs import DBT_SOURCES_PATH, EXTRACT_FORMATS_PATH
from clinical_dashboard.contracts import ContractError, contracts, load_contract
from clinical_dashboard.load import LoadConfig, run_load
from clinical_dashboard.validate import ValidationSettings, code_list_check, compile_checks, load_suite

NPR = ("npr_som", "npr_avtalesom", "npr_phv", "npr_avtalephv", "npr_phbu", "npr_tsb")
AVTALE = ("npr_avtalesom", "npr_avtalephv")
#: (staging model, column) -> (source, raw column, seed, seed column): every staging relationships
#: test to a seed there was before the loader counted code lists (111 dbt test nodes).
MOVED: dict[tuple[str, str], tuple[str, str, str, str]] = {}
for _s in NPR:
    _model = f"stg_npr__{_s.removeprefix('npr_')}"
    MOVED[(_model, "provider_id")] = (_s, "orgnr", *(("ref_contracted_specialists", "practice_id") if _s in AVTALE
                                                     else ("ref_treating_institutions", "org_number")))
    for _column, _raw, _seed, _field in [
            ("care_level_code", "omsorgsniva", "ref_npr_care_levels", "care_level_code"),
            ("urgency_code", "innmatehast", "ref_npr_urgency", "urgency_code"),
            ("main_diagnosis_code", "hovedtilstand", "ref_icd10_codes", "icd10_code"),
            *[(f"secondary_diagnosis_code_{i}", f"bitilstand_{i}", "ref_icd10_codes", "icd10_code") for i in (1, 2, 3)],
            *[(f"procedure_code_{i}", f"prosedyre_{i}", "ref_procedure_codes", "procedure_code") for i in range(1, 6)],
            ("specialty_code", "fagomrade", "ref_npr_specialties", "specialty_code"),
            ("drg_code", "drg", "ref_drg_names", "drg_code"),
            ("activity_category", "aktivitetskategori", "ref_npr_activity_categories", "activity_category"),
            ("stg_code", "stg", "ref_stg_codes", "stg_code"),
            ("payer_code", "debitor", "ref_npr_payers", "payer_code")]:
        MOVED[(_model, _column)] = (_s, _raw, _seed, _field)
MOVED.update({
    ("stg_npr__phbu_referrals", "provider_id"): ("npr_phbu_referrals", "orgnr", "ref_treating_institutions",
                                                 "org_number"),
    ("stg_npr__phbu_referrals", "specialty_code"): ("npr_phbu_referrals", "fagomrade", "ref_npr_specialties",
                                                    "specialty_code"),
    ("stg_helfo__lab_invoices", "provider_id"): ("helfo_lab", "orgnr", "ref_treating_institutions", "org_number"),
    ("stg_helfo__imaging_invoices", "provider_id"): ("helfo_imaging", "orgnr", "ref_treating_institutions",
                                                     "org_number"),
    ("stg_helfo__imaging_invoice_codes", "procedure_code"): ("helfo_imaging", "prosedyrekoder", "ref_procedure_codes",
                                                             "procedure_code"),
    ("stg_fhi__waiting_lists", "hf_area_code"): ("fhi_waiting_lists", "opptaksomrade", "ref_catchment_areas",
                                                 "hf_code"),
    ("stg_fhi__waiting_lists", "specialty_or_sector_code"): ("fhi_waiting_lists", "fagomrade", "ref_npr_specialties",
                                                             "specialty_code"),
    ("stg_kreftregisteret__cancer_survival", "area_code"): ("cancer_survival", "omrade", "ref_catchment_areas",
                                                            "hf_code"),
    ("stg_nki__discharge_summaries", "treating_hf_code"): ("nki_discharge_summaries", "behandlende_hf",
                                                           "ref_treating_institutions", "treating_hf_code"),
})
SEEDS = {p.stem for p in (REPO_ROOT / "seeds").rglob("*.csv")}


def test_every_moved_relationships_test_is_a_contract_code_list() -> None:
    assert len(MOVED) == 111
    for (model, column), (source, raw, seed, field) in MOVED.items():
        found = contracts()[source].column(raw).code_list
        assert found is not None and (found.seed, found.column) == (seed, field), (model, column, found)
        assert seed_path(seed) is not None and codes(found)


def _staging_tests() -> list[tuple[str, str | None, dict]]:
    """(model, column, test) of every test in the staging ymls: the column tests, and the
    model-level tests with column None."""
    found = []
    for path in sorted((REPO_ROOT / "models" / "staging").rglob("*.yml")):
        for model in (yaml.safe_load(path.read_text("utf-8")) or {}).get("models", []):
            found += [(model["name"], None, test) for test in model.get("data_tests") or []]
            for column in model.get("columns", []):
                for test in column.get("data_tests") or []:
                    found.append((model["name"], column["name"], test))
    return found


def test_no_staging_relationships_test_to_a_seed_remains() -> None:
    """A staging column's code list is the loader's job; relationships tests to seeds are for keys
    of intermediate models and marts (and seeds among themselves)."""
    tests = _staging_tests()
    assert len({model for model, _, _ in tests}) > 30  # the ymls were read
    for model, column, test in tests:
        if isinstance(test, dict) and "relationships" in test:
            target = test["relationships"].get("arguments", test["relationships"]).get("to", "")
            assert re.sub(r"ref\('([^']+)'\)", r"\1", target) not in SEEDS, (model, column, target)


def test_every_code_list_column_is_documented_and_checked() -> None:
    page = EXTRACT_FORMATS_PATH.read_text("utf-8")
    sources_yml = DBT_SOURCES_PATH.read_text("utf-8")
    n = 0
    for source, contract in contracts().items():
        ids = {c.id for c in compile_checks(load_suite(source), 2023)}
        for column in contract.columns:
            if column.code_list is None:
                assert f"{column.name}:code_list" not in ids
                continue
            n += 1
            assert f"{column.name}:code_list" in ids, (source, column.name)
            assert column.code_list_note in page and column.code_list.label in sources_yml, (source, column.name)
    assert n >= 100


def _normalised(value: str, how: str | None) -> str | None:
    if how == "code":
        value = value.replace(".", "").replace(" ", "").upper()
    elif how in ("trim", "upper"):
        value = value.strip().upper() if how == "upper" else value.strip()
    return value or None


def _expected_unknown(path: Path, source: str) -> dict[str, int]:
    """The rows per code-list column whose (normalised) code is not in its seed, by Python."""
    contract = contracts()[source]
    counts = {c.name: 0 for c in contract.columns if c.code_list}
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle, delimiter=";"):
            for c in contract.columns:
                cl = c.code_list
                if cl is None or not row[c.name]:
                    continue
                if cl.when_column and row[cl.when_column].strip().lower() not in cl.when_values:
                    continue
                value = _normalised(row[c.name], cl.normalise)
                if value is None:
                    continue
                parts = [p for p in value.split(cl.separator)] if cl.separator else [value]
                if any(p and p not in codes(cl) and p not in cl.exceptions for p in parts):
                    counts[c.name] += 1
    return counts


#: (source, column, value) written into the first data lines of the copied files: unknown codes,
#: also in spellings that staging normalises (lower case, dot, blank), and one known code so spelt.
INJECTED = {
    "npr_tsb": [("hovedtilstand", "K999"), ("hovedtilstand", "k99.9"), ("bitilstand_2", "U99 9"),
                ("prosedyre_1", "zzz99"), ("orgnr", "000000001"), ("drg", "999X"), ("debitor", "77"),
                ("hovedtilstand", "f32.1")],
    "helfo_imaging": [("prosedyrekoder", "QQQ00"), ("prosedyrekoder", "")],
}


#: source -> its code-list columns, in files loaded as generated: the counts are the unknown codes
#: the generator injected (the KPR diagnoses and the laboratory code lists among them)
UNTOUCHED = {"npr_phv": ("hovedtilstand",), "kpr_contacts": ("hoveddiagnose",), "helfo_lab": ("analysekoder",)}
#: every source whose 2023 file the test loads: the ones it writes unknown codes into, then the rest
LOADED = (*INJECTED, "cancer_survival", "fhi_waiting_lists", *UNTOUCHED)


def _code_list_counts(check_counts: dict[str, int]) -> dict[str, int]:
    """column -> unknown codes, from a ledger row's check counts (`<column>:code_list`)."""
    return {k.split(":")[0]: v for k, v in check_counts.items() if k.endswith(":code_list")}


def _inject(src: Path, dst: Path, values: list[tuple[str, str]]) -> list[int]:
    lines = src.read_text("utf-8").splitlines()
    header = lines[0].split(";")
    for n, (column, value) in enumerate(values, start=1):
        fields = lines[n].split(";")
        if column == "prosedyrekoder" and value == "":
            value = fields[header.index(column)].split("|")[0] + "|zzz.99"  # a known code, then an unknown one
        fields[header.index(column)] = value
        lines[n] = ";".join(fields)
    dst.parent.mkdir(parents=True, exist_ok=True)
    dst.write_text("\n".join(lines) + "\n", "utf-8")
    return list(range(2, len(values) + 2))


def test_a_delivery_with_unknown_codes_gives_exactly_those_counts(small_delivery, tmp_path: Path) -> None:
    config, _ = small_delivery
    raw = tmp_path / "raw"
    for source in LOADED:
        rel = f"{source}/2023.csv"
        if source in INJECTED:
            _inject(config.out_dir / rel, raw / rel, INJECTED[source])
        else:
            (raw / source).mkdir(parents=True)
            shutil.copy(config.out_dir / rel, raw / rel)
    db = tmp_path / "w.duckdb"
    run_load(LoadConfig(raw_dir=raw, duckdb_path=db, report_dir=tmp_path / "v", show_progress=False,
                        validation=ValidationSettings(use_great_expectations=False)), out=io.StringIO())
    with duckdb.connect(str(db), read_only=True) as con:
        ledger = {f: json.loads(c) for f, c, s in con.execute(
            "select file, check_counts, status from raw._deliveries").fetchall() if s == "loaded"}
    report = {f["file"]: {c["id"]: c for c in f["checks"]}
              for f in json.loads((tmp_path / "v" / "report.json").read_text("utf-8"))["files"]}
    for source in LOADED:
        rel = f"{source}/2023.csv"
        expected = _expected_unknown(raw / rel, source)
        got = _code_list_counts(ledger[rel])
        assert got == expected, rel
        for column, n in expected.items():
            check = report[rel][f"{column}:code_list"]
            assert check["unexpected_count"] == n and check["success"] and check["warning"], (rel, column)
    # an untouched file: exactly the generator's unknown_code defects (its defect ledger), per column
    with (config.out_dir / "_defect_ledger.csv").open(encoding="utf-8", newline="") as handle:
        ledger_rows = [r for r in csv.DictReader(handle, delimiter=";") if r["defect"] == "unknown_code"]
    for source, columns in UNTOUCHED.items():
        rel = f"{source}/2023.csv"
        defects = [r for r in ledger_rows if r["file"] == rel]
        found = _code_list_counts(ledger[rel])
        assert set(columns) <= set(found), (rel, found)
        assert defects and found == {c: sum(r["column_name"] == c for r in defects) for c in found}, rel
    # the injected unknown codes are among them: at least once each, whatever the file held before
    tsb = ledger["npr_tsb/2023.csv"]
    assert tsb["hovedtilstand:code_list"] >= 2 and tsb["bitilstand_2:code_list"] >= 1
    assert min(tsb[f"{c}:code_list"] for c in ("prosedyre_1", "orgnr", "drg", "debitor")) >= 1
    assert ledger["helfo_imaging/2023.csv"]["prosedyrekoder:code_list"] >= 2
    # a known code in another spelling (f32.1 -> F321) is not counted: the first lines hold exactly
    # the injected unknowns
    with duckdb.connect() as con:
        check = code_list_check(contracts()["npr_tsb"].column("hovedtilstand"))
        for value, unknown in (("f32.1", False), ("k99.9", True), ("", False)):
            found = con.execute(f"select {check.unexpected_sql} from (select nullif(?, '') as hovedtilstand)",
                                [value]).fetchone()
            assert found == (unknown,), value


def test_the_ge_suite_looks_codes_up_in_the_seed_in_the_delivered_spellings() -> None:
    """GE's value set: the frame's values that the seed does not list (normalised in Python);
    a ``when`` is GE's row_condition. GE then counts what the loader's SQL counts."""
    import pandas as pd

    from clinical_dashboard.validate import ge_suite

    column = contracts()["npr_tsb"].column("hovedtilstand")
    check = code_list_check(column)
    frame = pd.DataFrame({"hovedtilstand": ["K358", "k35.8", "K35 8", "K999", "k99.9", None]})
    suite = ge_suite("t", [check], ("hovedtilstand",), full=True, frame=frame)
    (expectation,) = [e for e in suite.expectations if e.meta.get("check_id") == check.id]
    value_set = set(expectation.value_set)
    assert value_set == {"K999", "k99.9"}  # the frame's spellings that are not listed codes
    cancer = code_list_check(contracts()["cancer_survival"].column("omrade"))
    assert cancer.per_row and "omradeniva" in cancer.kwargs["row_condition"]


def test_a_list_of_codes_is_judged_as_in_python_and_as_code_by_code() -> None:
    """A column of codes joined by a separator is matched against one regular expression made of the
    list (``listed_run``): the SQL must pass exactly the values that ``listed`` (Python, GE's value
    sets) passes, and flag a value as soon as one of its codes is not a code of the list, including
    codes run together, prefixes and extensions of codes, and characters that are regex syntax."""
    column = contracts()["helfo_lab"].column("analysekoder")
    check = code_list_check(column)
    known = codes(column.code_list)
    a, b, c = known[0], known[1], known[-1]
    values = [a, f"{a}|{b}", f"{a}|{b}|{c}", f"{a.lower()}|{b[:3]}.{b[3:]}", f" {a} | {b} ", f"{a}||{b}",
              f"|{a}|", "|", f"{a}{b}", f"{a}|{b}X", f"{a}|{b[:-1]}", f"X{a}", f"{a}|NOR99999", f"{a};{b}",
              f"{a}|.*", ".*", f"({a})", f"{a}|{a}", f"{a}\n", f"{a}|{b}Ø", "NPU0123[4]", "", None]
    with duckdb.connect() as con:
        for value in values:
            (unknown,) = con.execute(f"select {check.unexpected_sql} from (select nullif(?, '') as analysekoder)",
                                     [value]).fetchone()
            parts = [p for p in (value or "").replace(".", "").replace(" ", "").upper().split("|") if p]
            assert unknown == any(p not in known for p in parts), value
            assert unknown == (value not in (None, "") and not listed(column.code_list, value)), value
    assert "NOR99999" not in known  # the generator's unknown code


@pytest.mark.parametrize("entry, problem", [
    ("{seed: ref_no_such_seed, column: code}", "no single file seeds/**/ref_no_such_seed.csv"),
    ("{seed: ref_icd10_codes, column: no_such_column}", "has no column 'no_such_column'"),
    ("{seed: ref_icd10_codes, column: icd10_code, normalise: lower}", "normalise 'lower'"),
    ("{seed: ref_icd10_codes, column: icd10_code, colour: red}", "unknown key 'colour'"),
])
def test_a_broken_code_list_names_file_line_and_column(tmp_path: Path, entry: str, problem: str) -> None:
    contracts_dir = REPO_ROOT / "contracts"
    text = (contracts_dir / "nki_discharge_summaries.yml").read_text("utf-8")
    old = re.search(r"    code_list: \{seed: ref_treating_institutions[^\n]*\n", text).group(0)
    text = text.replace(old, f"    code_list: {entry}\n")
    shutil.copy(contracts_dir / "formats.yml", tmp_path / "formats.yml")
    (tmp_path / "nki_discharge_summaries.yml").write_text(text, "utf-8")
    with pytest.raises(ContractError) as error:
        load_contract(tmp_path / "nki_discharge_summaries.yml")
    line = text[:text.index("    code_list:")].count("\n") + 1
    assert f"line {line}, column 'behandlende_hf'" in str(error.value) and problem in str(error.value)


def test_the_normalisations_are_the_staging_macros() -> None:
    macro = (REPO_ROOT / "macros" / "staging" / "normalise_code.sql").read_text("utf-8")
    assert "nullif(upper(replace(replace({{ expression }}, '.', ''), ' ', '')), '')" in macro
    assert NORMALISE["code"] == "nullif(upper(replace(replace({}, '.', ''), ' ', '')), '')"
    assert "nullif(trim({{ expression }}), '')" in macro and NORMALISE["trim"] == "nullif(trim({}), '')"
    assert CodeList("ref_icd10_codes", "icd10_code").label == "ref_icd10_codes.icd10_code"
