"""One contract per source (contracts/<source>.yml): everything that describes a source agrees with it.

Fails when the contracts and any of these differ: the generator's output (header and manifest of
every file), the dbt sources (models/staging/_raw__sources.yml), the loader's suites (and so Great
Expectations), docs/extract-formats.md; and checks that a broken contract is refused with a
message naming file, line and column (in a shared file that contracts ``extends``, that file).
"""

from __future__ import annotations

import csv
import re
import shutil
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pyarrow as pa
import pytest
import yaml

from clinical_dashboard.config import SOURCES
from clinical_dashboard.contract_docs import (DBT_CONTRACT_MACRO_PATH, DBT_SOURCES_PATH, EXTRACT_FORMATS_PATH,
                                              LOADER_COLUMNS, column_description, dbt_contract_macro,
                                              dbt_sources_yaml, table_description)
from clinical_dashboard.contracts import (CONTRACTS_DIR, TYPES, ContractError, contracts, formats, load_contract,
                                          source_columns)
from clinical_dashboard.validate import compile_checks, load_suite


# ---------------------------------------------------------------------------- the contract files
def test_one_contract_per_source() -> None:
    files = sorted(p.name for p in CONTRACTS_DIR.glob("*.yml"))
    assert files == sorted([f"{s}.yml" for s in SOURCES] + ["formats.yml"])
    assert list(contracts()) == list(SOURCES)
    for source, contract in contracts().items():
        assert contract.source == source and contract.path == f"contracts/{source}.yml"
        assert contract.file == f"{source}/<year>.csv"
        assert all(c.type in TYPES for c in contract.columns)
        assert set(contract.key) <= set(contract.column_names) and contract.year_rule


# ---------------------------------------------------------------------------- shared extract formats
NPR_ACTIVITY = ("npr_som", "npr_avtalesom", "npr_phv", "npr_avtalephv", "npr_phbu", "npr_tsb")
SHARED_NPR = "shared/npr_activity.yml"


def test_the_npr_activity_sources_share_one_format_file() -> None:
    """The six NPR activity contracts give only their own keys; columns, year, key and pairs come
    from the one shared file, so they are identical."""
    shared_keys = set(yaml.safe_load((CONTRACTS_DIR / SHARED_NPR).read_text("utf-8")))
    assert shared_keys == {"year", "key", "pairs", "columns"}
    som = contracts()["npr_som"]
    for source in NPR_ACTIVITY:
        own = yaml.safe_load((CONTRACTS_DIR / f"{source}.yml").read_text("utf-8"))
        assert set(own) == {"source", "description", "file", "extends", "row_count"}, source
        assert own["extends"] == SHARED_NPR, source
        contract = contracts()[source]
        assert contract.extends == f"contracts/{SHARED_NPR}" and contract.path == f"contracts/{source}.yml"
        assert contract.columns == som.columns and len(contract.columns) == 31, source
        assert (contract.year_column, contract.year_rule, contract.key, contract.pairs) == (
            som.year_column, som.year_rule, som.key, som.pairs), source
    assert len({contracts()[s].row_count for s in NPR_ACTIVITY}) == 5  # their own (phv and phbu: one band)
    assert len({contracts()[s].description for s in NPR_ACTIVITY}) == 6
    # every shared file is used, and the others describe their own shape
    shared_files = {p.relative_to(CONTRACTS_DIR).as_posix() for p in CONTRACTS_DIR.rglob("*.yml")
                    if p.parent != CONTRACTS_DIR}
    assert shared_files == {SHARED_NPR}
    assert {c.source for c in contracts().values() if c.extends} == set(NPR_ACTIVITY)


def test_a_change_to_the_shared_file_reaches_all_six_sources(tmp_path: Path) -> None:
    folder = tmp_path / "contracts"
    shutil.copytree(CONTRACTS_DIR, folder)
    shared = folder / SHARED_NPR
    text = shared.read_text("utf-8")
    assert text.count("    description: Sex\n") == 1
    shared.write_text(text.replace("    description: Sex\n", "    description: Sex at birth\n"), "utf-8")
    changed = contracts(folder)
    assert list(changed) == list(SOURCES)
    for source in SOURCES:
        if source in NPR_ACTIVITY:
            assert changed[source].column("kjonn").description == "Sex at birth", source
        else:
            assert changed[source].columns == contracts()[source].columns, source


# ---------------------------------------------------------------------------- the generator
def test_generated_files_have_the_contract_columns(small_delivery) -> None:
    config, manifest = small_delivery
    seen = set()
    for entry in manifest["files"]:
        source = entry["source"]
        with (config.out_dir / entry["file"]).open(encoding="utf-8", newline="") as handle:
            header = next(csv.reader(handle, delimiter=";"))
        assert tuple(header) == source_columns(source), entry["file"]
        assert tuple(entry["columns"]) == source_columns(source), entry["file"]
        seen.add(source)
    assert seen == set(SOURCES)


def test_the_writer_emits_contract_order_and_refuses_other_columns(tmp_path: Path) -> None:
    from clinical_dashboard.generate.writer import write_extract

    columns = source_columns("nki_discharge_summaries")
    shuffled = pa.table({c: [str(i)] for i, c in reversed(list(enumerate(columns)))})
    write_extract(shuffled, tmp_path / "a.csv", "nki_discharge_summaries")
    header, row = (tmp_path / "a.csv").read_text("utf-8").splitlines()
    assert header.split(";") == list(columns) and row.split(";") == [str(i) for i in range(len(columns))]
    with pytest.raises(ValueError, match=r"contracts/nki_discharge_summaries\.yml: missing \['nevner'\], "
                                         r"not in the contract \['extra'\]"):
        write_extract(shuffled.drop(["nevner"]).append_column("extra", pa.array(["x"])), tmp_path / "b.csv",
                      "nki_discharge_summaries")


def test_documented_values_match_the_generator() -> None:
    """Column docs that used to be computed from the generator's parameters still say what it makes."""
    from clinical_dashboard.generate import aggregates, helfo, iplos, kpr, referrals
    from clinical_dashboard.generate.activity import STG_VOCAB
    from clinical_dashboard.generate.world import load_params

    for source in ("npr_som", "npr_avtalesom", "npr_phv", "npr_avtalephv", "npr_phbu", "npr_tsb"):
        stg = contracts()[source].column("stg")
        assert stg.values == STG_VOCAB[1:] and stg.allowed == ", ".join(STG_VOCAB[1:]) + " or empty", source
    waiting = contracts()["fhi_waiting_lists"]
    assert waiting.column("fagomrade").allowed == "; ".join(
        f"{r['fagomrade']} = {r['name']}" for r in load_params("fhi_waiting_specialties"))
    assert waiting.column("aldersgruppe").values == aggregates.AGE_GROUPS
    assert waiting.column("aldersgruppe").allowed == ", ".join(aggregates.AGE_GROUPS)
    sites = [r for r in load_params("cancer_sites") if r["output"] == "1"]
    kreftsted = contracts()["cancer_survival"].column("kreftsted")
    assert kreftsted.allowed == "; ".join(f"{r['kreftsted']} = {r['name_en']} ({r['icd10']})" for r in sites)
    assert set(kreftsted.values) == {r["kreftsted"] for r in sites}
    assert aggregates.NORWAY_CODE in contracts()["cancer_survival"].column("omrade").description
    assert contracts()["nki_discharge_summaries"].column("sektor").values == aggregates.SECTORS
    for source in ("helfo_lab", "helfo_imaging"):
        assert f"(about {helfo.UNLINKABLE_SHARE:.1%})" in contracts()[source].column("lopenr").description
        assert f"(about {helfo.NO_ADDRESS_SHARE:.1%} of residents)" in contracts()[source].column(
            "komnrhjem").description
    assert f"(about {referrals.UNLINKABLE_SHARE:.1%})" in contracts()["npr_phbu_referrals"].column(
        "lopenr").description
    assert f"(about {kpr.UNLINKABLE_SHARE:.1%})" in contracts()["kpr_contacts"].column("lopenr").description
    assert contracts()["kpr_contacts"].column("kontakttype").values == kpr.CONTACT_TYPES
    assert contracts()["iplos_services"].column("tjeneste").values == tuple(r["service_code"] for r in iplos.services())
    assert all(f"{r['service_code']} = {r['name_nb']}" in contracts()["iplos_services"].column("tjeneste").allowed
               for r in iplos.services())


# ---------------------------------------------------------------------------- the loader's suites
def test_the_loader_suites_are_the_contracts() -> None:
    for source, contract in contracts().items():
        suite = load_suite(source)
        assert suite.basis == contract.path and suite.column_names == contract.column_names
        for spec, column in zip(suite.columns, contract.columns):
            for key in ("name", "type", "not_null", "unique", "format", "values", "range", "in_year"):
                assert getattr(spec, key) == getattr(column, key), (source, column.name, key)
        assert suite.pairs == tuple((p.a, p.b, p.label) for p in contract.pairs)
        assert suite.row_count_band == contract.row_count
        assert suite.period_column == contract.year_column, source
        checks = compile_checks(suite, 2023)
        unique = {c.column for c in checks if c.kind == "unique"}
        assert unique == ({contract.key[0]} if len(contract.key) == 1 else set()), source
        # Great Expectations runs these same checks (validate.ge_suite), so it derives from the contract too
        assert {c.column for c in checks if c.column and "," not in c.column} <= set(contract.column_names)
    assert load_suite("no_such_source") is None


def test_the_loader_does_not_import_the_generator() -> None:
    code = ("import sys, clinical_dashboard.load, clinical_dashboard.validate, clinical_dashboard.contracts; "
            "clinical_dashboard.validate.load_suite('npr_som'); "
            "print(sorted(m for m in sys.modules if m.startswith('clinical_dashboard.generate')))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]", result.stdout


# ---------------------------------------------------------------------------- dbt sources
def test_dbt_sources_file_is_generated_from_the_contracts() -> None:
    assert DBT_SOURCES_PATH.read_text("utf-8") == dbt_sources_yaml(), (
        "models/staging/_raw__sources.yml is stale: run `.venv/bin/clinical-dashboard contracts dbt-sources`")
    assert DBT_CONTRACT_MACRO_PATH.read_text("utf-8") == dbt_contract_macro(), (
        "macros/staging/raw_contracts.sql is stale: run `.venv/bin/clinical-dashboard contracts dbt-sources`")


def test_raw_contract_macro_gives_every_contract_key_and_columns() -> None:
    """The generated macro, rendered by Jinja as dbt does, returns each contract's key, columns
    and data year: the year of its year column when that lands as a date, else the column."""
    import jinja2

    class Returned(Exception):
        pass

    def give_back(value):
        raise Returned(value)

    env = jinja2.Environment(extensions=["jinja2.ext.do"])
    env.globals["return"] = give_back
    env.globals["exceptions"] = {"raise_compiler_error": give_back}
    macro = env.from_string(DBT_CONTRACT_MACRO_PATH.read_text("utf-8")).module.raw_contract
    years = {}
    for source, contract in contracts().items():
        with pytest.raises(Returned) as returned:
            macro(source)
        year_column = next(c for c in contract.columns if c.name == contract.year_column)
        year = f"extract(year from {year_column.name})" if year_column.landing == "date" else year_column.name
        assert returned.value.args[0] == {"key": list(contract.key), "columns": list(contract.column_names),
                                          "year": year}, source
        years[source] = returned.value.args[0]["year"]
    assert (years["npr_som"], years["helfo_lab"], years["nki_discharge_summaries"]) == (
        "extract(year from utdato)", "extract(year from provedato)", "aar")
    with pytest.raises(Returned) as returned:
        macro("no_such_source")
    assert "no contract for a raw table named no_such_source" in returned.value.args[0]


def test_dbt_sources_names_order_and_descriptions() -> None:
    from clinical_dashboard.load import EXTRA_COLUMNS

    assert [n for n, _ in LOADER_COLUMNS] == [n for n, _ in EXTRA_COLUMNS]
    (raw,) = yaml.safe_load(DBT_SOURCES_PATH.read_text("utf-8"))["sources"]
    assert raw["name"] == "raw" and raw["schema"] == "raw"
    assert [t["name"] for t in raw["tables"]] == list(SOURCES)
    for table in raw["tables"]:
        contract = contracts()[table["name"]]
        names = [c["name"] for c in table["columns"]]
        assert names == list(contract.column_names) + [n for n, _ in EXTRA_COLUMNS], table["name"]
        assert table["description"].strip() == table_description(contract)
        for column in table["columns"][:len(contract.columns)]:
            assert column["description"].strip() == column_description(contract, column["name"])


def test_cli_checks_and_writes_dbt_sources(tmp_path: Path, capsys) -> None:
    from clinical_dashboard.cli import main

    assert main(["contracts", "dbt-sources", "--check"]) == 0
    sources = tmp_path / "models" / "staging" / "_raw__sources.yml"
    macro = tmp_path / "macros" / "staging" / "raw_contracts.sql"
    assert main(["contracts", "dbt-sources", "--check", "--out", str(tmp_path)]) == 1
    assert main(["contracts", "dbt-sources", "--out", str(tmp_path)]) == 0
    assert sources.read_text("utf-8") == dbt_sources_yaml()
    assert macro.read_text("utf-8") == dbt_contract_macro()
    macro.write_text("stale\n", "utf-8")
    assert main(["contracts", "dbt-sources", "--check", "--out", str(tmp_path)]) == 1
    assert main(["contracts", "check"]) == 0
    assert "contracts/npr_som.yml: npr_som, 31 columns, year from utdato, key kontakt_id" in capsys.readouterr().out


# ---------------------------------------------------------------------------- docs/extract-formats.md
def test_extract_formats_page_lists_the_contract_columns() -> None:
    page = EXTRACT_FORMATS_PATH.read_text("utf-8")
    shown: dict[str, list[str]] = {}
    for part in page.split("\n## `")[1:]:
        source = part.split("`", 1)[0]
        names = re.findall(r"^\| `([^`]+)` \|", part, flags=re.M)
        if not names:
            names = shown[re.search(r"Columns: as `([^`]+)` above", part).group(1)]
        shown[source] = names
    assert list(shown) == list(SOURCES)
    for source, names in shown.items():
        assert tuple(names) == source_columns(source), source


# ---------------------------------------------------------------------------- broken contracts
GOOD = (CONTRACTS_DIR / "npr_tsb.yml").read_text("utf-8")  # extends the shared file
SHARED = (CONTRACTS_DIR / SHARED_NPR).read_text("utf-8")
#: npr_tsb as one self-contained file (how the sources that share no format are written)
STANDALONE = GOOD.replace(f"extends: {SHARED_NPR}\n", "") + SHARED


def _line_of(text: str, needle: str) -> int:
    """The 1-based line where the first ``needle`` (which may span lines) starts."""
    return text[:text.index(needle)].count("\n") + 1


def _contract_dir(tmp_path: Path, text: str, name: str = "npr_tsb.yml", shared: str | None = SHARED) -> Path:
    """A contracts folder in ``tmp_path``: formats.yml, ``name`` with ``text`` and the shared NPR file."""
    (tmp_path / "formats.yml").write_text((CONTRACTS_DIR / "formats.yml").read_text("utf-8"), "utf-8")
    (tmp_path / name).write_text(text, "utf-8")
    if shared is not None:
        (tmp_path / "shared").mkdir(exist_ok=True)
        (tmp_path / SHARED_NPR).write_text(shared, "utf-8")
    return tmp_path / name


def test_the_good_contract_loads_from_another_folder(tmp_path: Path) -> None:
    contract = load_contract(_contract_dir(tmp_path, GOOD))
    assert contract.columns == contracts()["npr_tsb"].columns and contract.path.endswith("npr_tsb.yml")
    assert contract.extends == str(tmp_path / SHARED_NPR)
    (tmp_path / "alone").mkdir()
    alone = load_contract(_contract_dir(tmp_path / "alone", STANDALONE, shared=None))
    assert alone == replace(contracts()["npr_tsb"], path=str(tmp_path / "alone" / "npr_tsb.yml"), extends="")


# (what to replace, with what, the line to name (a text on it), the column, a phrase of the message)
BROKEN = {
    "unknown column key": ("    range: [0, 106]\n", "    range: [0, 106]\n    vaules: ['1']\n",
                           "vaules:", "alder", "unknown key 'vaules'"),
    "unknown type": ("    type: date\n    landing: date\n    not_null: true\n    in_year: true\n",
                     "    type: datetime\n    landing: date\n    not_null: true\n    in_year: true\n",
                     "type: datetime", "utdato",
                     "unknown type 'datetime'"),
    "unknown format": ("format: icd10\n", "format: icd11\n", "format: icd11", "hovedtilstand",
                       "unknown format 'icd11'"),
    "duplicate column": ("  - name: bitilstand_2\n", "  - name: bitilstand_1\n", "- name: bitilstand_1\n    label_nb: "
                         "Bitilstand 2", "bitilstand_1", "duplicate column"),
    "pair with an unknown column": ("{a: utdato, b: inndato,", "{a: utdato, b: innndato,", "b: innndato",
                                    "innndato", "names an unknown column"),
    "in_year on a non-date": ("    range: [1900, 2026]\n", "    range: [1900, 2026]\n    in_year: true\n",
                              "in_year: true\n    description: Birth year", "fodselsar", "in_year needs type date"),
    "a landing type that does not fit": ("    landing: integer\n    not_null: true\n    range: [0, 106]",
                                         "    landing: date\n    not_null: true\n    range: [0, 106]",
                                         "landing: date", "alder", "landing 'date' does not fit type 'integer'"),
    "values that are not text": ("values: ['1', '2']\n", "values: [yes, no]\n", "values: [yes, no]", "kjonn",
                                 "values must be a non-empty list of text values"),
    "range too wide": ("range: [0, 106]", "range: [0, 106000]", "range: [0, 106000]", "alder",
                       "range is too wide"),
    "a flag that is not true/false": ("    unique: true\n", "    unique: 'ja'\n", "unique: 'ja'", "kontakt_id",
                                      "unique must be true or false"),
    "no description": ("    description: Sex\n", "", "- name: kjonn", "kjonn", "the column lacks 'description'"),
    "year column without in_year": ("  column: utdato\n", "  column: inndato\n", "year:", "inndato",
                                    "the year column must be the one column with in_year"),
    "unique column that is not the key": ("    format: person_id\n", "    unique: true\n    format: person_id\n",
                                          "- name: lopenr", "lopenr", "a unique column must be the contract's"),
    "key that is not unique": ("key: [kontakt_id]", "key: [lopenr]", "- name: kontakt_id", "kontakt_id",
                               "a unique column must be the contract's"),
    "key naming an unknown column": ("key: [kontakt_id]", "key: [kontakt]", "key: [kontakt]", "kontakt",
                                     "key names an unknown column"),
}


@pytest.mark.parametrize("layout", ["shared", "standalone"])
@pytest.mark.parametrize("case", sorted(BROKEN))
def test_a_broken_contract_names_file_line_and_column(tmp_path: Path, case: str, layout: str) -> None:
    """Broken in the shared file: the message names the shared file (and the contract that extends
    it); broken in a self-contained contract: that contract."""
    old, new, line_text, column, phrase = BROKEN[case]
    if layout == "shared":
        assert SHARED.count(old) >= 1, case
        text = SHARED.replace(old, new, 1)
        path = _contract_dir(tmp_path, GOOD, shared=text)
        named = tmp_path / SHARED_NPR
    else:
        assert STANDALONE.count(old) >= 1, case
        text = STANDALONE.replace(old, new, 1)
        path = named = _contract_dir(tmp_path, text, shared=None)
    with pytest.raises(ContractError) as error:
        load_contract(path)
    message = str(error.value)
    assert message.startswith(f"{named} line {_line_of(text, line_text)}, column {column!r}: "), message
    assert phrase in message, message
    assert (f"the shared extract format of {path}, named by its extends" in message) == (layout == "shared")


@pytest.mark.parametrize("where, old, new, phrase", [
    ("contract", "source: npr_tsb\n", "source: npr_som\n",
     "line 6: source 'npr_som' differs from the file name 'npr_tsb'"),
    ("contract", "file: npr_tsb/<year>.csv", "file: npr_tsb/<year>.txt", "file must be 'npr_tsb/<year>.csv'"),
    ("contract", "row_count: [250000, 1000000]", "row_count: [1000000, 250000]", "row_count must be [low, high]"),
    ("contract", "row_count: [250000, 1000000]\n", "row_count: [250000, 1000000]\nowner: NPR\n",
     "line 15: unknown key 'owner' in the contract"),
    ("contract", "description: ", "descr: ", "unknown key 'descr' in the contract"),
    ("shared", "columns:\n", "columns:\n  - name: [\n", "not valid YAML"),
    ("shared", "key: [kontakt_id]\n", "key: [kontakt_id]\nrow_count: [1, 2]\n",
     "line 13: unknown key 'row_count' in the shared extract format; allowed: year, key, pairs, columns"),
    ("shared", "key: [kontakt_id]\n", "", "line 1: the shared extract format lacks 'key'"),
])
def test_broken_contract_level_entries_are_refused(tmp_path: Path, where: str, old: str, new: str,
                                                   phrase: str) -> None:
    broken = (GOOD if where == "contract" else SHARED)
    assert broken.count(old) == 1
    broken = broken.replace(old, new, 1)
    path = (_contract_dir(tmp_path, broken) if where == "contract" else
            _contract_dir(tmp_path, GOOD, shared=broken))
    with pytest.raises(ContractError, match=re.escape(phrase)) as error:
        load_contract(path)
    named = path if where == "contract" else tmp_path / SHARED_NPR
    assert str(error.value).startswith(str(named)), error.value


def test_extends_must_name_an_existing_file_in_a_subfolder(tmp_path: Path) -> None:
    line = _line_of(GOOD, "extends:")

    def refused(value: str) -> str:
        path = _contract_dir(tmp_path, GOOD.replace(f"extends: {SHARED_NPR}", f"extends: {value}"))
        with pytest.raises(ContractError) as error:
            load_contract(path)
        message = str(error.value)
        assert message.startswith(f"{path} line {line}: "), message
        return message

    assert f"extends 'shared/npr_activty.yml': no such file {tmp_path / 'shared' / 'npr_activty.yml'}" in refused(
        "shared/npr_activty.yml")
    assert f"extends '../npr_activity.yml' points outside {tmp_path}/" in refused("../npr_activity.yml")
    assert f"extends '{tmp_path / SHARED_NPR}' points outside" in refused(str(tmp_path / SHARED_NPR))
    (tmp_path / "npr_activity.yml").write_text(SHARED, "utf-8")
    assert "names a file directly in" in refused("npr_activity.yml")
    assert "must name a .yml file" in refused("shared/npr_activity.yaml")
    assert "extends must be a path relative to the contracts folder" in refused("[]")


def test_a_shared_file_may_not_extend_another(tmp_path: Path) -> None:
    text = "extends: shared/other.yml\n" + SHARED
    path = _contract_dir(tmp_path, GOOD, shared=text)
    (tmp_path / "shared" / "other.yml").write_text(SHARED, "utf-8")
    with pytest.raises(ContractError) as error:
        load_contract(path)
    assert str(error.value).startswith(f"{tmp_path / SHARED_NPR} line 1: a shared file may not itself extend "
                                       f"another (one level of extends only) (the shared extract format of {path}"
                                       ), error.value


@pytest.mark.parametrize("key", ["columns", "key", "year", "pairs"])
def test_a_contract_that_extends_may_not_redefine_the_shared_keys(tmp_path: Path, key: str) -> None:
    """Columns (and year, key, pairs) in the contract and in its shared file: refused, naming both."""
    body = SHARED[SHARED.index(f"{key}:"):]
    body = body[:next((i for i in (body.find(f"\n{k}:") for k in ("year", "key", "pairs", "columns")) if i > 0),
                      len(body) - 1) + 1]
    assert body.startswith(f"{key}:") and body.count("\n") >= 1
    text = GOOD + body
    path = _contract_dir(tmp_path, text)
    with pytest.raises(ContractError) as error:
        load_contract(path)
    message = str(error.value)
    assert message.startswith(f"{path} line {_line_of(text, f'{chr(10)}{key}:') + 1}: {key!r} is given here, but "
                              f"this contract extends {tmp_path / SHARED_NPR}, which alone gives year, key, pairs, "
                              f"columns (no override)"), message


def test_a_broken_format_is_refused(tmp_path: Path) -> None:
    path = _contract_dir(tmp_path, GOOD)
    text = (tmp_path / "formats.yml").read_text("utf-8").replace("regex: '^[0-9]{4}$'", "regex: '[0-9]{4}'")
    (tmp_path / "formats.yml").write_text(text, "utf-8")
    with pytest.raises(ContractError, match=r"formats\.yml line \d+: format 'municipality': anchor the regex"):
        load_contract(path)


def test_the_repository_formats_are_all_used() -> None:
    used = {c.format for contract in contracts().values() for c in contract.columns if c.format}
    # integer and decimal are the type checks' formats (validate.compile_checks)
    assert used | {"integer", "decimal"} == set(formats())
