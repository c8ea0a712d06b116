"""Aggregated registry deliveries: FHI waiting lists, NKI discharge summaries, cancer survival.

These sources arrive as published tables, not person-level records (SPEC section 4):

* ``fhi_waiting_lists``: FHI's annual waiting-list data per year, catchment HF area,
  specialty or sector and age group (seed 000, 'waiting times and new referrals'). The annual
  file of a year is published the following year, so there is no file for 2026 (the newest
  delivery year): ``generate_waiting_lists`` returns ``None`` for 2026 (no file).
* ``nki_discharge_summaries``: the NKI indicator 'discharge summary sent within 1 day' per
  year, treating HF and sector (seed 003 indicator 9, seed 004). The 2026 file covers
  January-August.
* ``cancer_survival``: the Cancer Registry's 5-year relative survival per publication year,
  area (Norway, RHF area, HF area) and cancer site, with a 95% interval.

Volumes scale with ``scale``; rates, waiting times and survival levels do not.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from ..config import NEWEST_YEAR, YEARS
from ..contracts import column_docs, source_columns
from .activity import delivered_share, year_trend
from .helfo import source_rng, static_rng
from .world import World, load_params

WAITING_SOURCE = "fhi_waiting_lists"
NKI_SOURCE = "nki_discharge_summaries"
CANCER_SOURCE = "cancer_survival"

AGE_GROUPS = ("0-9", "10-19", "20-39", "40-59", "60-69", "70-79", "80+")
AGE_GROUP_BOUNDS = ((0, 9), (10, 19), (20, 39), (40, 59), (60, 69), (70, 79), (80, 105))
_AGE_COLUMNS = ("r_0_9", "r_10_19", "r_20_39", "r_40_59", "r_60_69", "r_70_79", "r_80")

#: Years each source has a file for (the annual waiting-list file of 2026 is not yet published).
AVAILABLE_YEARS: dict[str, tuple[int, ...]] = {
    WAITING_SOURCE: tuple(y for y in YEARS if y < NEWEST_YEAR),
    NKI_SOURCE: YEARS,
    CANCER_SOURCE: YEARS,
}

NORWAY_CODE = "8888"
NORWAY_NAME = "Norge"

#: Columns (delivery order) and their documentation of each source of this module, from the source
#: contracts (contracts/fhi_waiting_lists.yml, nki_discharge_summaries.yml, cancer_survival.yml).
SOURCE_COLUMNS: dict[str, tuple[str, ...]] = {
    s: source_columns(s) for s in (WAITING_SOURCE, NKI_SOURCE, CANCER_SOURCE)}
SOURCE_COLUMN_DOCS: dict[str, dict[str, tuple[str, str, str]]] = {
    s: column_docs(s) for s in (WAITING_SOURCE, NKI_SOURCE, CANCER_SOURCE)}
WAITING_LIST_COLUMNS = SOURCE_COLUMNS[WAITING_SOURCE]
NKI_COLUMNS = SOURCE_COLUMNS[NKI_SOURCE]
CANCER_COLUMNS = SOURCE_COLUMNS[CANCER_SOURCE]


def _hf_order(world: World) -> np.ndarray:
    """HF area indices in numeric code order."""
    return np.argsort(world.hf_codes.astype(int), kind="stable")


def _population_by_group(world: World, year: int) -> np.ndarray:
    """Residents per [HF area index, waiting-list age group]."""
    pop = world.population_for(year).sum(axis=1)  # [unit, age]
    per_hf = np.zeros((world.hf_codes.shape[0], pop.shape[1]))
    np.add.at(per_hf, world.unit_hf_index, pop)
    return np.stack([per_hf[:, lo: hi + 1].sum(axis=1) for lo, hi in AGE_GROUP_BOUNDS], axis=1)


# ============================================================================ waiting lists
def generate_waiting_lists(world: World, seed: int, year: int, scale: float) -> pa.Table | None:
    """FHI annual waiting-list data for one year (contracts/fhi_waiting_lists.yml).

    Returns ``None`` for 2026: FHI publishes the annual file of a year in the next year, so the
    newest (partial) delivery year has no file. Raises ``ValueError`` for years outside 2019-2026.
    """
    if year not in YEARS:
        raise ValueError(f"no {WAITING_SOURCE} for {year}: years are {YEARS[0]}-{YEARS[-1]}")
    if year not in AVAILABLE_YEARS[WAITING_SOURCE]:
        return None
    specs = load_params("fhi_waiting_specialties")
    trend = {int(r["year"]): r for r in load_params("fhi_waiting_trend")}[year]
    rng = source_rng(seed, year, WAITING_SOURCE)
    wait_rng = source_rng(seed, year, WAITING_SOURCE, 7)  # waiting times do not depend on scale
    area_rng = static_rng(seed, WAITING_SOURCE)  # area effects are the same every year
    n_hf = world.hf_codes.shape[0]
    sector_effect = {sec: np.exp(area_rng.normal(0.0, 0.12, n_hf)) for sec in ("somatikk", "vop", "phbu", "tsb")}
    pop = _population_by_group(world, year)
    volume = year_trend(year)["volume_factor"]
    hf_order = _hf_order(world)
    cols: dict[str, list] = {c: [] for c in WAITING_LIST_COLUMNS}
    age_wait = np.array([0.95, 1.0, 1.02, 1.0, 0.98, 0.97, 0.95])  # mild age gradient (assumed)
    for r in specs:
        sector = r["sector"]
        rates = np.array([float(r[c]) for c in _AGE_COLUMNS])
        groups = np.flatnonzero(rates > 0)
        referral_effect = sector_effect[sector] * np.exp(area_rng.normal(0.0, 0.08, n_hf))
        wait_effect = np.exp(area_rng.normal(0.0, 0.15, n_hf))
        expected = pop[:, groups] * rates[groups][None, :] * referral_effect[:, None]
        full = float(r["referrals_2023"]) * volume * expected / expected.sum()  # at scale 1
        counts = rng.poisson(full * scale)
        wait_factor = float(trend["wait_factor_somatikk" if sector == "somatikk" else "wait_factor_psykisk"])
        noise = np.exp(wait_rng.normal(0.0, 1.0, full.shape) * np.minimum(0.5 / np.sqrt(full + 1.0), 0.3))
        mean_wait = (float(r["mean_wait_2023"]) * wait_factor * wait_effect[:, None]
                     * age_wait[groups][None, :] * noise)
        mean_wait = np.maximum(mean_wait, 3.0)
        median_ratio = wait_rng.uniform(0.62, 0.85, full.shape)
        for h in hf_order:
            for j, g in enumerate(groups):
                cols["aar"].append(year)
                cols["opptaksomrade"].append(world.hf_codes[h])
                cols["opptaksomrade_navn"].append(world.hf_names[world.hf_codes[h]])
                cols["fagomrade"].append(r["fagomrade"])
                cols["aldersgruppe"].append(AGE_GROUPS[g])
                cols["nyhenviste"].append(int(counts[h, j]))
                cols["ventetid_gjennomsnitt"].append(round(float(mean_wait[h, j]), 1))
                cols["ventetid_median"].append(max(1, int(round(float(mean_wait[h, j] * median_ratio[h, j])))))
    types = {"aar": pa.int64(), "nyhenviste": pa.int64(), "ventetid_gjennomsnitt": pa.float64(),
             "ventetid_median": pa.int64()}
    return pa.table({c: pa.array(cols[c], type=types.get(c, pa.string())) for c in WAITING_LIST_COLUMNS})


# ============================================================================ NKI
SECTORS = ("somatikk", "psykisk_helsevern", "tsb")


def _nki_totals(year: int) -> dict[str, float]:
    """National discharges per sector at scale 1.0 in ``year`` (before the partial-year cut)."""
    som = {(int(r["year"]), r["region_code"], r["figure"]): float(r["value"])
           for r in load_params("npr_som_calibration")}
    base = year if year in (2022, 2023) else 2023
    somatic = sum(v for (y, reg, fig), v in som.items() if y == base and fig == "inpatient_stays")
    vol = {(r["source"], r["figure"]): float(r["value_2023"]) for r in load_params("source_volumes")}
    factor = year_trend(year)["volume_factor"]
    return {
        "somatikk": somatic * (1.0 if year in (2022, 2023) else factor),
        "psykisk_helsevern": (vol[("npr_phv", "inpatient_stays")] + vol[("npr_phbu", "inpatient_stays")]) * factor,
        "tsb": vol[("npr_tsb", "inpatient_stays")] * factor,
    }


def generate_nki(world: World, seed: int, year: int, scale: float) -> pa.Table:
    """NKI 'discharge summary sent within 1 day' per treating HF and sector (contracts/nki_discharge_summaries.yml)."""
    rng = source_rng(seed, year, NKI_SOURCE)
    area_rng = static_rng(seed, NKI_SOURCE)
    hfs = load_params("nki_treating_hf")
    inst = world.institutions
    names = {c: n for c, n in zip(inst["treating_hf_code"], inst["treating_hf_name"]) if c}
    trend = {int(r["year"]): r for r in load_params("nki_trend")}[year]
    totals = _nki_totals(year)
    share_year = delivered_share(year)
    cols: dict[str, list] = {c: [] for c in NKI_COLUMNS}
    # each HF's distance from the national level is fixed (same seed, same HFs every year)
    offsets = {sec: area_rng.normal(0.0, 0.05, len(hfs)) for sec in SECTORS}
    for sec in SECTORS:
        weights = np.array([float(r[f"{sec}_weight"]) for r in hfs])
        expected = totals[sec] * share_year * scale * weights / weights.sum()
        denominators = rng.poisson(expected)
        share = np.clip(float(trend[sec]) + offsets[sec] + rng.normal(0.0, 0.012, len(hfs)), 0.45, 0.92)
        numerators = rng.binomial(denominators, share)
        for i, r in enumerate(hfs):
            if weights[i] <= 0:
                continue
            code = r["treating_hf_code"]
            cols["aar"].append(year)
            cols["behandlende_hf"].append(code)
            cols["behandlende_hf_navn"].append(names.get(code, r["treating_hf_short_name"]))
            cols["sektor"].append(sec)
            cols["teller"].append(int(numerators[i]))
            cols["nevner"].append(int(denominators[i]))
    types = {"aar": pa.int64(), "teller": pa.int64(), "nevner": pa.int64()}
    table = pa.table({c: pa.array(cols[c], type=types.get(c, pa.string())) for c in NKI_COLUMNS})
    order = sorted(range(table.num_rows), key=lambda i: (int(cols["behandlende_hf"][i]), SECTORS.index(cols["sektor"][i])))
    return table.take(pa.array(order))


# ============================================================================ cancer survival
def _wilson(successes: np.ndarray, n: np.ndarray, z: float = 1.959964) -> tuple[np.ndarray, np.ndarray]:
    """Wilson score interval of a binomial proportion (contains the observed proportion)."""
    n_safe = np.maximum(n, 1)
    p = successes / n_safe
    denom = 1 + z**2 / n_safe
    centre = (p + z**2 / (2 * n_safe)) / denom
    half = z * np.sqrt(p * (1 - p) / n_safe + z**2 / (4 * n_safe**2)) / denom
    return np.clip(centre - half, 0.0, p), np.clip(centre + half, p, 1.0)


def generate_cancer_survival(world: World, seed: int, year: int, scale: float) -> pa.Table:
    """Cancer Registry 5-year relative survival by area and site (contracts/cancer_survival.yml)."""
    rng = source_rng(seed, year, CANCER_SOURCE)
    area_rng = static_rng(seed, CANCER_SOURCE)
    sites = load_params("cancer_sites")
    first, last = year - 9, year - 5
    mid = (first + last) / 2
    # residence shares from the oldest population the world has (the diagnosis years lie before it)
    pop = world.population_for(YEARS[0])  # [unit, sex, age]
    n_hf = world.hf_codes.shape[0]
    hf_order = _hf_order(world)
    rhf_of_hf = np.searchsorted(world.rhf_codes, world.hf_rhf)
    patients, survivors = {}, {}
    for r in sites:
        key = r["kreftsted"]
        if key == "alle":
            continue
        sexes = {"all": [0, 1], "male": [0], "female": [1]}[r["sex"]]
        at_risk = pop[:, sexes, int(r["age_from"]):].sum(axis=(1, 2))
        share = np.bincount(world.unit_hf_index, weights=at_risk, minlength=n_hf)
        share = share / share.sum()
        incidence = float(r["incidence_2017"]) * 1.015 ** (mid - 2017)
        n = rng.poisson(incidence * 5 * scale * share)
        level = float(r["rel_survival_2023"]) + float(r["trend_pp_per_year"]) * (year - 2023)
        relative = np.clip(level + area_rng.normal(0.0, float(r["area_sd_pp"]), n_hf), 1.0, 105.0) / 100.0
        observed_p = np.clip(relative * float(r["expected_survival"]), 0.0, 1.0)
        patients[key] = n
        survivors[key] = rng.binomial(n, observed_p)
        survivors[key + "_expected"] = n * float(r["expected_survival"])
    listed = [k for k in patients]
    patients["alle"] = sum(patients[k] for k in listed)
    survivors["alle"] = sum(survivors[k] for k in listed)
    survivors["alle_expected"] = sum(survivors[k + "_expected"] for k in listed)

    cols: dict[str, list] = {c: [] for c in CANCER_COLUMNS}

    def add(level: str, code: str, name: str, site: str, n: int, s: int, expected_alive: float) -> None:
        cols["aar"].append(year)
        cols["diagnoseperiode_fra"].append(first)
        cols["diagnoseperiode_til"].append(last)
        cols["omradeniva"].append(level)
        cols["omrade"].append(code)
        cols["omrade_navn"].append(name)
        cols["kreftsted"].append(site)
        cols["antall_pasienter"].append(int(n))
        if n == 0:
            for c in ("relativ_overlevelse", "nedre_ki", "ovre_ki"):
                cols[c].append(None)
            return
        expected = expected_alive / n  # mean expected survival of these patients
        lo, hi = _wilson(np.array([s]), np.array([n]))
        cols["relativ_overlevelse"].append(round(100.0 * s / n / expected, 1))
        cols["nedre_ki"].append(round(100.0 * float(lo[0]) / expected, 1))
        cols["ovre_ki"].append(round(100.0 * float(hi[0]) / expected, 1))

    output = [r for r in sites if r["output"] == "1"]
    for r in output:
        k = r["kreftsted"]
        n, s, e = patients[k], survivors[k], survivors[k + "_expected"]
        add("norge", NORWAY_CODE, NORWAY_NAME, k, n.sum(), s.sum(), e.sum())
        for j, rhf in enumerate(world.rhf_codes):
            sel = rhf_of_hf == j
            add("rhf", rhf, world.rhf_names[rhf], k, n[sel].sum(), s[sel].sum(), e[sel].sum())
        for h in hf_order:
            add("hf", world.hf_codes[h], world.hf_names[world.hf_codes[h]], k, n[h], s[h], e[h])
    types = {"aar": pa.int64(), "diagnoseperiode_fra": pa.int64(), "diagnoseperiode_til": pa.int64(),
             "antall_pasienter": pa.int64(), "relativ_overlevelse": pa.float64(), "nedre_ki": pa.float64(),
             "ovre_ki": pa.float64()}
    return pa.table({c: pa.array(cols[c], type=types.get(c, pa.string())) for c in CANCER_COLUMNS})


GENERATORS = {WAITING_SOURCE: generate_waiting_lists, NKI_SOURCE: generate_nki,
              CANCER_SOURCE: generate_cancer_survival}

__all__ = ["AVAILABLE_YEARS", "SOURCE_COLUMNS", "SOURCE_COLUMN_DOCS", "GENERATORS", "generate_cancer_survival",
           "generate_nki", "generate_waiting_lists"]
