"""Turn the public reference files (``../shared/reference``) into the project's dbt seeds.

The seeds under ``seeds/reference/`` are committed: a clean clone needs neither this module
nor the original files. Run ``clinical-dashboard build-seeds --reference-dir PATH`` only when
the reference data is refreshed. Every seed keeps the attribution of its source (see
``seeds/reference/_reference__seeds.yml`` and ``seeds/reference/SOURCES.md``).

Decisions taken here (documented in docs/generator.md as well):
- Municipality numbers are zero-padded to 4 digits, districts (bydel) to 6 digits.
- The population seed is at the finest residence unit: a municipality, or a district of Oslo,
  Bergen, Stavanger and Trondheim, where the unknown district ``xx99`` is derived as the
  municipality total minus the sum of its districts (never negative in the SSB data).
- Private hospitals carry no agreement RHF in ``skde_behandler.csv`` (their ``behrhf`` is 5,
  "Private sykehus"). The agreement RHF is taken from a place name in the institution's name
  where there is one (``agreement_rhf_basis = 'name'``), otherwise assigned deterministically
  in proportion to the RHFs' populations (``'assumed'``).
- Contracted specialists (avtalespesialister) are not in any public list here: a synthetic but
  fixed register of practices is written (``ref_contracted_specialists``), independent of the
  generator's ``--seed`` and ``--scale``.
"""

from __future__ import annotations

import csv
import hashlib
import io
from collections import defaultdict
from pathlib import Path

import numpy as np

CITY_MUNICIPALITIES = ("0301", "4601", "1103", "5001")

#: Catchment-area versions (file name -> version label); the newest is the default mapping.
CATCHMENT_FILES = {
    "skde_boomr_2024-04_version.csv": "2024-04",
    "skde_boomr_2025-08_version.csv": "2025-08",
    "skde_boomr.csv": "2026-04",
}

#: Treating HF (skde_behandler ``behhf``) -> catchment HF area (skde_boomr ``bohf``).
#: The two numberings differ; the crosswalk is by name (see SOURCES.md note on behandler.csv).
TREATING_HF_TO_HF_AREA = {
    "1": "1", "2": "2", "3": "3", "4": "4", "5": "6", "6": "7", "7": "8", "9": "10",
    "10": "11", "11": "12", "12": "13", "14": "20", "15": "22", "16": "15", "17": "19",
    "18": "16", "20": "14", "21": "23", "22": "21", "23": "18", "24": "17", "26": "11",
}

#: Place names in private hospitals' names -> RHF code (1 Nord, 2 Midt-Norge, 3 Vest, 4 Sør-Øst).
PLACE_TO_RHF = {
    "tromsø": "1", "bodø": "1", "harstad": "1", "narvik": "1", "alta": "1", "hammerfest": "1",
    "kirkenes": "1", "mo i rana": "1", "trondheim": "2", "ålesund": "2", "molde": "2",
    "kristiansund": "2", "levanger": "2", "steinkjer": "2", "malvik": "2", "stjørdal": "2",
    "bergen": "3", "stavanger": "3", "haugesund": "3", "førde": "3", "sandnes": "3",
    "voss": "3", "stord": "3", "oslo": "4", "drammen": "4", "fredrikstad": "4",
    "sarpsborg": "4", "tønsberg": "4", "sandefjord": "4", "skien": "4", "porsgrunn": "4",
    "kristiansand": "4", "arendal": "4", "hamar": "4", "lillehammer": "4", "gjøvik": "4",
    "moss": "4", "lillestrøm": "4", "bærum": "4", "sandvika": "4", "asker": "4",
    "larvik": "4", "hobøl": "4", "elverum": "4", "kongsberg": "4", "halden": "4",
}

PRIVATE_NON_COMMERCIAL_HF = {"23": "Diakonhjemmet", "24": "Lovisenberg", "26": "Haraldsplass"}

#: Codes named by the seed documents but missing from the vendored 2011-2017 code lists.
SUPPLEMENTARY_PROCEDURE_CODES = [
    ("SFN0GX", "NCRP", "Koronarangiografi (kode nyere enn vendret kodeliste)", "seed 000 (NOR focus area)"),
    ("SFN0HX", "NCRP", "Koronarangiografi med trykkmåling (kode nyere enn vendret kodeliste)", "seed 000 (NOR focus area)"),
    ("SFY0BB", "NCRP", "Koronarangiografi, annen (kode nyere enn vendret kodeliste)", "seed 000 (NOR focus area)"),
    ("SFN0CB", "NCRP", "Koronarangiografi via a. radialis (kode nyere enn vendret kodeliste)", "seed 000 (NOR focus area)"),
    ("SFN0DB", "NCRP", "Koronarangiografi via a. femoralis (kode nyere enn vendret kodeliste)", "seed 000 (NOR focus area)"),
    ("WMGA28", "NCMP", "Digital skjemabasert pasientoppfølging og monitorering", "seed 003 (RBF indicator 6)"),
    ("IEAB20", "NCMP", "Gjennomført nettbasert behandlingsprogram", "seed 003 (RBF indicator 7)"),
]

#: Særtjenestegrupper (STG) named by seed 003 plus the ordinary outpatient groups.
STG_CODES = [
    ("TS08A", "phv_tsb", "Samarbeidsmøte med pasient (PHV/TSB)", "seed 003"),
    ("TS08B", "phv_tsb", "Samarbeidsmøte uten pasient (PHV/TSB)", "seed 003"),
    ("TS01", "phv_tsb", "Teambasert oppfølging ACT/FACT-team", "seed 003"),
    ("XS08", "somatic", "Samarbeidsaktiviteter, somatikk", "seed 003"),
    ("XS09", "somatic", "Teambasert oppfølging, somatikk", "seed 003"),
    ("CS11", "somatic", "Telemedisinsk monitorering via medisinsk utstyr, HDG 3 øre-nese-hals", "seed 003"),
    ("ES11", "somatic", "Telemedisinsk monitorering via medisinsk utstyr, HDG 5 sirkulasjonssystemet", "seed 003"),
    ("HS11", "somatic", "Telemedisinsk monitorering via medisinsk utstyr, HDG 8 muskel-skjelett", "seed 003"),
    ("JS11", "somatic", "Telemedisinsk monitorering via medisinsk utstyr, HDG 9 hud", "seed 003"),
    ("XS11", "somatic", "Fjernmonitorering og asynkron telemedisinsk oppfølging, andre somatiske lidelser", "seed 003"),
]


def _read(path: Path, delimiter: str = ";") -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle, delimiter=delimiter))


def _write(path: Path, header: list[str], rows: list[list[object]]) -> int:
    path.parent.mkdir(parents=True, exist_ok=True)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    path.write_text(buffer.getvalue(), encoding="utf-8")
    return len(rows)


def _pad(code: str, width: int) -> str:
    code = code.strip()
    return code.zfill(width) if code.isdigit() else code


def _stable_uniform(key: str) -> float:
    """A number in [0, 1) fixed by ``key`` alone (no global random state)."""
    return int(hashlib.sha256(key.encode()).hexdigest()[:12], 16) / 16**12


def build_catchment(ref: Path, out: Path) -> int:
    rows = []
    for file_name, version in CATCHMENT_FILES.items():
        for r in _read(ref / file_name):
            komnr = r["komnr"].strip()
            if not komnr.isdigit():
                continue  # comment rows
            bydel = r["bydel"].strip()
            bydel = "" if bydel in ("", ".") else _pad(bydel, 6)
            hospital_code = r.get("bosh", "").strip()
            hospital_name = r.get("bosh_navn", "").strip()
            if hospital_code in ("", "."):
                hospital_code, hospital_name = "", ""
            rows.append([
                version, _pad(komnr, 4), r["komnr_navn"].strip(), bydel, r["bydel_navn"].strip(),
                r["borhf"].strip(), r["borhf_navn"].strip(), r["bohf"].strip(), r["bohf_navn"].strip(),
                hospital_code, hospital_name,
            ])
    header = ["mapping_version", "municipality_code", "municipality_name", "district_code",
              "district_name", "rhf_code", "rhf_name", "hf_code", "hf_name", "hospital_code",
              "hospital_name"]
    return _write(out / "ref_catchment_areas.csv", header, rows)


#: The population seed's columns: one row per year, residence unit and sex, the residents of
#: each single-year age 0..MAX_AGE (MAX_AGE: that age or older) as one list, "|"-separated.
#: dbt reads a seed cell by cell in Python (agate; on PostgreSQL one bound value per cell):
#: the lists make 31,600 cells of what single-age rows made 4 million. int_population gives
#: the rows back, one per age.
POPULATION_COLUMNS = ["year_jan1", "municipality_code", "district_code", "sex", "population_by_age"]
MAX_AGE = 105


def population_lists(rows: list[list[object]]) -> list[list[object]]:
    """(year, municipality, district, sex, age, population) rows -> the seed's rows, sorted,
    every age 0..MAX_AGE present exactly once per unit and sex."""
    units: dict[tuple, dict[int, int]] = defaultdict(dict)
    for year, municipality, district, sex, age, population in rows:
        ages = units[(str(year), municipality, district, sex)]
        if age in ages:
            raise ValueError(f"population: age {age} twice for {(year, municipality, district, sex)}")
        ages[age] = population
    lists = []
    for key in sorted(units):
        ages = units[key]
        if sorted(ages) != list(range(MAX_AGE + 1)):
            raise ValueError(f"population: {key} does not have every age 0-{MAX_AGE} once")
        lists.append([*key, "|".join(str(ages[age]) for age in range(MAX_AGE + 1))])
    return lists


def build_population(ref: Path, out: Path) -> int:
    """Population at the finest residence unit, with the derived unknown district ``xx99``;
    returns the number of (unit, sex, age) populations written."""
    district_sum: dict[tuple[str, str, str, str], int] = defaultdict(int)
    rows: list[list[object]] = []
    for r in _read(ref / "ssb_population_bydel_sex_age_2019_2026.csv", ","):
        district = r["location_code"].split("_nor")[1]
        key = (r["year_jan1"], district[:4], r["sex"], r["age"])
        district_sum[key] += int(r["population"])
        rows.append([r["year_jan1"], district[:4], district, r["sex"], int(r["age"]), int(r["population"])])
    for r in _read(ref / "ssb_population_kommune_sex_age_2019_2026.csv", ","):
        komnr = r["komnr"]
        if komnr in CITY_MUNICIPALITIES:
            key = (r["year_jan1"], komnr, r["sex"], r["age"])
            unknown = int(r["population"]) - district_sum[key]
            if unknown < 0:
                raise ValueError(f"districts of {komnr} exceed the municipality total at {key}")
            rows.append([r["year_jan1"], komnr, komnr + "99", r["sex"], int(r["age"]), unknown])
        else:
            rows.append([r["year_jan1"], komnr, "", r["sex"], int(r["age"]), int(r["population"])])
    n = _write(out / "ref_population.csv", POPULATION_COLUMNS, population_lists(rows))
    norway = [[r["year_jan1"], r["sex"], int(r["age"]), int(r["population"])]
              for r in _read(ref / "ssb_population_norway_sex_age_2015_2026.csv", ",")]
    _write(out / "ref_population_norway.csv", ["year_jan1", "sex", "age", "population"], norway)
    return n * (MAX_AGE + 1) + len(norway)


def build_renumbering(ref: Path, out: Path) -> int:
    level = {"municip": "municipality", "wardbergen": "district", "wardtrondheim": "district"}
    rows = []
    for r in _read(ref / "fhi_csdata_redistricting_to_2024_changes_2015_2024.csv", ","):
        if r["granularity_geo"] not in level:
            continue
        width = 4 if level[r["granularity_geo"]] == "municipality" else 6
        rows.append([level[r["granularity_geo"]], int(r["calyear"]), _pad(r["code_original"], width),
                     _pad(r["code_2024"], width), round(float(r["weighting"]), 6)])
    # A municipality that absorbed others and kept its number ("innlemmet" in SKDE's notes, e.g.
    # Stavanger 1103 in 2020) is valid before the change too, but FHI lists only changed codes.
    listed = {(r[1], r[2]) for r in rows if r[0] == "municipality"}
    years = sorted({r[1] for r in rows})
    for r in _read(ref / "skde_forny_komnr.csv"):
        if r["aar"].strip().isdigit() and "innlemmet" in (r.get("kommentar") or ""):
            code = _pad(r["ny_komnr"], 4)
            for year in years:
                if year < int(r["aar"]) and (year, code) not in listed:
                    rows.append(["municipality", year, code, code, 1.0])
                    listed.add((year, code))
    rows.sort(key=lambda r: (r[0], r[1], r[2], r[3]))
    header = ["geo_level", "valid_year", "original_code", "code_2024", "population_weight"]
    n = _write(out / "ref_municipality_renumbering.csv", header, rows)
    history = []
    for r in _read(ref / "skde_forny_komnr.csv"):
        if not r["aar"].strip().isdigit():
            continue
        history.append([int(r["aar"]), _pad(r["gml_komnr"], 4), r["gml_navn"].strip(),
                        _pad(r["ny_komnr"], 4), r["ny_navn"].strip()])
    for r in _read(ref / "skde_forny_bydel.csv"):
        history.append([int(r["aar"]), r["fra_bydel"].strip(), r["fra_navn"].strip(),
                        r["til_bydel"].strip(), r["til_navn"].strip()])
    n += _write(out / "ref_municipality_changes_skde.csv",
                ["change_year", "old_code", "old_name", "new_code", "new_name"], history)
    return n


def build_location_names(ref: Path, out: Path) -> int:
    rows = [[r["granularity_geo"], r["code"], r["location_name"]]
            for r in _read(ref / "fhi_csdata_location_names_2024.csv", ",")]
    return _write(out / "ref_location_names.csv", ["geo_level", "location_code", "location_name"], rows)


def _rhf_population_shares(ref: Path) -> dict[str, float]:
    """Share of the 2024 population per RHF code (newest catchment mapping)."""
    muni_rhf = {}
    for r in _read(ref / "skde_boomr.csv"):
        if r["komnr"].strip().isdigit() and not r["bydel"].strip():
            muni_rhf[_pad(r["komnr"], 4)] = r["borhf"].strip()
    totals: dict[str, int] = defaultdict(int)
    for r in _read(ref / "ssb_population_kommune_sex_age_2019_2026.csv", ","):
        if r["year_jan1"] == "2024":
            totals[muni_rhf.get(r["komnr"], "4")] += int(r["population"])
    total = sum(v for k, v in totals.items() if k in "1234")
    return {k: totals[k] / total for k in "1234"}


def build_institutions(ref: Path, out: Path) -> int:
    shares = _rhf_population_shares(ref)
    rows = []
    for r in _read(ref / "skde_behandler.csv"):
        orgnr = r["orgnr"].strip()
        if not orgnr.isdigit():
            continue
        rhf = r["behrhf"].strip()
        hf = r["behhf"].strip()
        if rhf == "5":
            kind = "private"
            name = r["org_navn"].lower()
            agreement = next((v for k, v in PLACE_TO_RHF.items() if k in name), "")
            basis = "name" if agreement else "assumed"
            if not agreement:
                u, acc = _stable_uniform("agreement-rhf:" + orgnr), 0.0
                for code in "1234":
                    acc += shares[code]
                    if u < acc:
                        agreement = code
                        break
                agreement = agreement or "4"
        else:
            kind = "private_non_commercial" if hf in PRIVATE_NON_COMMERCIAL_HF else "public"
            agreement, basis = rhf, "owner"
        rows.append([
            orgnr, r["org_navn"].strip(), r["behsh"].strip(), r["behsh_navn"].strip(), hf,
            r["behhf_navn"].strip(), r["behhf_navnkort"].strip(), rhf, r["behrhf_navnkort"].strip(),
            kind, agreement, basis, TREATING_HF_TO_HF_AREA.get(hf, ""),
        ])
    header = ["org_number", "institution_name", "treating_hospital_code", "treating_hospital_name",
              "treating_hf_code", "treating_hf_name", "treating_hf_short_name", "treating_rhf_code",
              "treating_rhf_name", "institution_type", "agreement_rhf_code", "agreement_rhf_basis",
              "hf_area_code"]
    return _write(out / "ref_treating_institutions.csv", header, rows)


#: Specialties of the synthetic contracted-specialist register with their national counts
#: (order of magnitude of the real register: about 1,000 somatic and 700 mental-health practices).
CONTRACTED_SPECIALTIES = {
    "somatic": {"300": 180, "290": 130, "200": 150, "240": 80, "150": 60, "140": 50,
                "190": 40, "250": 40, "050": 60, "070": 40, "110": 60, "170": 30, "220": 30,
                "090": 20, "130": 20},
    "mental_health": {"320": 700},
}


def build_contracted_specialists(ref: Path, out: Path) -> int:
    """A fixed synthetic register of contracted-specialist practices (seeded, not --seed)."""
    rng = np.random.default_rng(20240101)
    weights: dict[str, int] = defaultdict(int)
    for r in _read(ref / "ssb_population_kommune_sex_age_2019_2026.csv", ","):
        if r["year_jan1"] == "2024":
            weights[r["komnr"]] += int(r["population"])
    munis = sorted(weights)
    pop = np.array([weights[m] for m in munis], dtype=float)
    # practices concentrate in towns: weight by population^1.3
    p = pop**1.3 / (pop**1.3).sum()
    muni_rhf = {}
    for r in _read(ref / "skde_boomr.csv"):
        if r["komnr"].strip().isdigit() and not r["bydel"].strip():
            muni_rhf[_pad(r["komnr"], 4)] = r["borhf"].strip()
    rows = []
    serial = 0
    for sector, specialties in CONTRACTED_SPECIALTIES.items():
        for specialty, count in specialties.items():
            chosen = rng.choice(len(munis), size=count, p=p)
            for i in chosen:
                serial += 1
                practice_id = f"99{serial:07d}"
                rows.append([practice_id, f"Avtalespesialist {serial:04d}", sector, specialty,
                             munis[i], muni_rhf.get(munis[i], "4")])
    header = ["practice_id", "practice_name", "sector", "specialty_code", "municipality_code",
              "agreement_rhf_code"]
    return _write(out / "ref_contracted_specialists.csv", header, rows)


def build_code_lists(ref: Path, out: Path) -> int:
    n = 0
    icd = [[r["ICD10"].strip(), r["Tekst"].strip()] for r in _read(ref / "skde_icd10_no.csv")]
    n += _write(out / "ref_icd10_codes.csv", ["icd10_code", "title_nb"], icd)
    icpc2 = [[r["code"].strip(), r["text_nb"].strip(), r["chapter"].strip()]
             for r in _read(ref / "icpc2_codes_no.csv", ",")]
    n += _write(out / "ref_icpc2_codes.csv", ["icpc2_code", "title_nb", "chapter"], icpc2)
    procedures = []
    for system, file_name in (("NCSP", "skde_ncsp_codes_2011_2017.csv"),
                              ("NCMP", "skde_ncmp_codes_2011_2017.csv"),
                              ("NCRP", "skde_ncrp_codes_2016_2017.csv")):
        for r in _read(ref / file_name, ","):
            procedures.append([r["code"].strip(), system, r["title_nb"].strip(), file_name])
    known = {p[0] for p in procedures}
    procedures += [list(s) for s in SUPPLEMENTARY_PROCEDURE_CODES if s[0] not in known]
    n += _write(out / "ref_procedure_codes.csv", ["procedure_code", "code_system", "title_nb", "source"],
                procedures)
    n += _write(out / "ref_stg_codes.csv", ["stg_code", "sector", "title_nb", "source"],
                [list(s) for s in STG_CODES])
    simple = {
        "skde_npr_fagomrade_codes.csv": ("ref_npr_specialties.csv", "specialty_code"),
        "skde_npr_aktivitetskategori.csv": ("ref_npr_activity_categories.csv", "activity_category"),
        "skde_npr_debitor.csv": ("ref_npr_payers.csv", "payer_code"),
        "skde_npr_innmatehast.csv": ("ref_npr_urgency.csv", "urgency_code"),
        "skde_npr_omsorgsniva.csv": ("ref_npr_care_levels.csv", "care_level_code"),
        "skde_icd10_kapitler.csv": ("ref_icd10_chapters.csv", "chapter_number"),
        "skde_isf_hdg_hoveddiagnosegrupper_2017.csv": ("ref_isf_main_diagnosis_groups.csv", "hdg_code"),
        "skde_drg_names_2022.csv": ("ref_drg_names.csv", "drg_code"),
    }
    for src, (dst, key) in simple.items():
        rows = _read(ref / src, ",")
        cols = list(rows[0].keys())
        data = [[r[cols[0]].strip(), r["title_nb"].strip(), (r.get("note") or "").strip()] for r in rows]
        n += _write(out / dst, [key, "title_nb", "note"], data)
    lab = []
    for r in _read(ref / "nlk_laboratoriekodeverk_2023-05-23.csv"):
        field = r["FAGOMRAADE_NLK"].strip()
        field = field[:1].upper() + field[1:].lower()
        lab.append([r["KODE"].strip(), r["NORSK_BRUKSNAVN"].strip(), field,
                    r["REFUSJONSKATEGORI"].strip(), r["REFUSJON_stat"].replace(",", ".").strip(),
                    r["REFUSJON_privat"].replace(",", ".").strip(), r["FRADATO"].strip(),
                    r["TILDATO"].strip()])
    n += _write(out / "ref_nlk_lab_codes.csv",
                ["lab_code", "name_nb", "field_of_expertise", "reimbursement_category",
                 "reimbursement_public_nok", "reimbursement_private_nok", "valid_from", "valid_to"],
                lab)
    return n


def build_seeds(reference_dir: Path, seeds_dir: Path) -> dict[str, int]:
    out = seeds_dir / "reference"
    steps = {
        "catchment": build_catchment, "population": build_population,
        "renumbering": build_renumbering, "location_names": build_location_names,
        "institutions": build_institutions, "contracted_specialists": build_contracted_specialists,
        "code_lists": build_code_lists,
    }
    return {name: step(reference_dir, out) for name, step in steps.items()}
