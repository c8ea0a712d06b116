"""Compare a generated NPR-SOM year with seed 002 (tables 1-3), scaled.

Counting follows seed 002: stays by care level (inpatient = discharge after admission, day
treatment = same day), planned (urgency 4) and emergency (urgency 1-3) stays, unique patients
(linkable person ids) in all and per type, and the residence region by the municipality
number (mapped to 2024 numbering, then to the RHF of the catchment mapping); contacts with no
known residence count in the region of the treating institution, as NPR does. Exact duplicate
rows are counted once (staging removes them).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import duckdb

from .world import load_params

FIGURES = (
    ("norway", "patients_total"), ("norway", "patients_inpatient"), ("norway", "patients_planned"),
    ("norway", "patients_emergency"), ("norway", "patients_day"), ("norway", "patients_outpatient"),
    ("norway", "inpatient_stays"), ("norway", "stays_planned"), ("norway", "stays_emergency"),
    ("norway", "day_treatments"), ("norway", "outpatient_contacts"),
    *((r, f) for r in ("4", "3", "2", "1") for f in ("inpatient_stays", "day_treatments", "outpatient_contacts")),
    ("norway", "private_inpatient_stays"), ("norway", "private_day_treatments"),
    ("norway", "private_outpatient_contacts"),
)
REGION_NAMES = {"norway": "Norway", "1": "Helse Nord", "2": "Helse Midt-Norge", "3": "Helse Vest",
                "4": "Helse Sør-Øst"}


@dataclass
class Row:
    region: str
    figure: str
    target: float
    generated: float

    @property
    def deviation(self) -> float:
        return self.generated / self.target - 1.0 if self.target else 0.0


def targets(year: int) -> dict[tuple[str, str], float]:
    out: dict[tuple[str, str], float] = {}
    for r in load_params("npr_som_calibration"):
        if int(r["year"]) == year:
            out[(r["region_code"], r["figure"])] = float(r["value"])
    regions = ("1", "2", "3", "4")
    for fig in ("inpatient_stays", "day_treatments", "outpatient_contacts"):
        out[("norway", fig)] = sum(out[(r, fig)] for r in regions)
    return out


def measure(raw_dir: Path, seeds_dir: Path, year: int = 2023, mapping_version: str = "2026-04") -> dict[tuple[str, str], float]:
    path = raw_dir / "npr_som" / f"{year}.csv"
    ref = seeds_dir / "reference"
    con = duckdb.connect()
    con.execute(f"""
        create temp table som as
        select distinct * from read_csv('{path}', delim=';', header=true, all_varchar=true);
        create temp table renumber as
        select original_code, code_2024 from (
            select original_code, code_2024,
                   row_number() over (partition by original_code order by population_weight desc, code_2024) as rn
            from read_csv('{ref / 'ref_municipality_renumbering.csv'}', all_varchar=true)
            where geo_level = 'municipality' and valid_year = '{min(max(year, 2019), 2023)}'
        ) where rn = 1;
        create temp table muni_rhf as
        select distinct municipality_code, rhf_code
        from read_csv('{ref / 'ref_catchment_areas.csv'}', all_varchar=true)
        where mapping_version = '{mapping_version}' and coalesce(district_code, '') = '';
        create temp table inst as
        select org_number, case when institution_type = 'private' then agreement_rhf_code
                                else treating_rhf_code end as rhf_code,
               institution_type
        from read_csv('{ref / 'ref_treating_institutions.csv'}', all_varchar=true);
        create temp table c as
        select s.*, coalesce(m.rhf_code, i.rhf_code) as region, i.institution_type,
               case when s.omsorgsniva = '1' then 'inpatient' when s.omsorgsniva = '2' then 'day'
                    else 'outpatient' end as kind
        from som s
        left join renumber r on r.original_code = s.komnrhjem
        left join muni_rhf m on m.municipality_code = coalesce(r.code_2024, s.komnrhjem)
        left join inst i on i.org_number = s.orgnr;
    """)
    q = con.execute("""
        select region, kind, count(*) as n,
               count(*) filter (where innmatehast = '4') as planned,
               count(*) filter (where innmatehast in ('1', '2', '3')) as emergency,
               count(*) filter (where institution_type = 'private') as private
        from c group by all
    """).fetchall()
    got: dict[tuple[str, str], float] = {}
    names = {"inpatient": "inpatient_stays", "day": "day_treatments", "outpatient": "outpatient_contacts"}
    for region, kind, n, planned, emergency, private in q:
        for key, value in (((region, names[kind]), n), (("norway", names[kind]), n),
                           (("norway", "private_" + names[kind]), private)):
            got[key] = got.get(key, 0) + value
        if kind == "inpatient":
            got[("norway", "stays_planned")] = got.get(("norway", "stays_planned"), 0) + planned
            got[("norway", "stays_emergency")] = got.get(("norway", "stays_emergency"), 0) + emergency
    for fig, cond in (("patients_total", "true"), ("patients_inpatient", "kind = 'inpatient'"),
                      ("patients_planned", "kind = 'inpatient' and innmatehast = '4'"),
                      ("patients_emergency", "kind = 'inpatient' and innmatehast in ('1', '2', '3')"),
                      ("patients_day", "kind = 'day'"), ("patients_outpatient", "kind = 'outpatient'")):
        got[("norway", fig)] = con.execute(
            f"select count(distinct lopenr) from c where lopenr is not null and {cond}").fetchone()[0]
    return got


def compare(raw_dir: Path, seeds_dir: Path, scale: float, year: int = 2023) -> list[Row]:
    want = targets(year)
    got = measure(raw_dir, seeds_dir, year)
    return [Row(region, fig, want[(region, fig)], got.get((region, fig), 0) / scale)
            for region, fig in FIGURES if (region, fig) in want]


def format_table(rows: list[Row], scale: float, year: int) -> str:
    lines = [f"NPR-SOM {year} at scale {scale:g} against seed 002 (generated counts divided by the scale)",
             f"{'region':<16} {'figure':<28} {'seed 002':>12} {'generated':>12} {'deviation':>10}"]
    for r in rows:
        lines.append(f"{REGION_NAMES[r.region]:<16} {r.figure:<28} {r.target:>12,.0f} {r.generated:>12,.0f} "
                     f"{r.deviation:>+9.2%}")
    worst = max(rows, key=lambda r: abs(r.deviation))
    lines.append(f"largest deviation: {worst.deviation:+.2%} ({REGION_NAMES[worst.region]}, {worst.figure})")
    return "\n".join(lines)
