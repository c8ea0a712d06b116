"""NPR-PHBU referrals with their assessment outcome (SPEC sections 4 and 11; seed 001).

One row per referral received by child and adolescent mental health care (PHBU, specialty
310): the child, residence, receiving institution, date received, date assessed and the
outcome: accepted with a right to necessary health care, accepted without that right, or
rejected. Seed 001's health-community tables count new ('nyhenviste' = accepted) and
rejected ('avviste') referrals per Oslo district; rejected share = rejected / received.

Volumes: ``source_volumes.csv`` (npr_phbu_referrals: referrals received in 2023) times the
trend in ``phbu_referrals_trend.csv`` (seed 001: Oslo +25% from 2019 to 2022). Rejected
share: the national level of the year (seed 001: ~24% in 2019, ~16-17% from 2022), shifted per
residence unit; Oslo districts take the 2022 district figures of seed 001
(``phbu_referrals_oslo_districts.csv``: 3% to 34%), other areas a seeded HF and unit effect.
"""

from __future__ import annotations

import re

import numpy as np
import pyarrow as pa

from ..contracts import column_docs, source_columns
from .activity import delivered_share, utilisation_profile
from .helfo import (date_order, day_probabilities, id_digits, invoices_per_person, residence,
                    small_take, source_rng, static_rng, strings_from_bytes)
from .world import World, load_params
from .writer import contract_table

SOURCE = "npr_phbu_referrals"
UNLINKABLE_SHARE = 0.002
#: Share of accepted referrals that get a right to necessary health care (assumed).
RIGHT_SHARE = 0.82

#: The columns (delivery order) and their documentation, from contracts/npr_phbu_referrals.yml.
COLUMNS = source_columns(SOURCE)
COLUMN_DOCS = column_docs(SOURCE)
SOURCE_COLUMNS: dict[str, tuple[str, ...]] = {SOURCE: COLUMNS}
SOURCE_COLUMN_DOCS: dict[str, dict[str, tuple[str, str, str]]] = {SOURCE: COLUMN_DOCS}

_CHILD_MENTAL = re.compile(r"\bbup|barne|barn[- ]|barn$|ungdom|\bunge\b|nic waal", re.I)
_MENTAL = re.compile(r"psyk|bup", re.I)


def _logit(p: np.ndarray | float) -> np.ndarray:
    p = np.clip(p, 1e-6, 1 - 1e-6)
    return np.log(p / (1 - p))


def _expit(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x))


def child_mental_institutions(world: World) -> list[np.ndarray]:
    """Child and adolescent mental health institutions per HF area index: public (incl. private
    non-commercial) institutions of the area whose names say so; if an area has none, its
    mental health institutions; if none either, ``World.institution_pool('child_mental')``."""
    inst = world.institutions
    names, orgs = inst["institution_name"], inst["org_number"]
    public = inst["institution_type"] != "private"
    fallback = world.institution_pool("child_mental")["per_hf"]
    out = []
    for h, hf in enumerate(world.hf_codes):
        here = public & (inst["hf_area_code"] == hf)
        child = np.array([bool(_CHILD_MENTAL.search(n) and _MENTAL.search(n)) for n in names]) & here
        if child.any():
            out.append(orgs[child])
            continue
        mental = np.array([bool(_MENTAL.search(n)) for n in names]) & here
        out.append(orgs[mental] if mental.any() else fallback[h])
    return out


def _unit_effects(world: World, seed: int, year_2022_national: float) -> tuple[np.ndarray, np.ndarray]:
    """Per residence unit: relative referral rate and log-odds shift of the rejected share.

    Oslo districts follow seed 001 (2022); other units get a seeded HF effect and unit effect.
    """
    rng = static_rng(seed, SOURCE)
    n_hf = world.hf_codes.shape[0]
    hf_rate = np.exp(rng.normal(0.0, 0.12, n_hf))
    hf_shift = rng.normal(0.0, 0.35, n_hf)
    rate = hf_rate[world.unit_hf_index] * np.exp(rng.normal(0.0, 0.10, world.n_units()))
    shift = hf_shift[world.unit_hf_index] + rng.normal(0.0, 0.20, world.n_units())
    oslo = {r["district_code"]: r for r in load_params("phbu_referrals_oslo_districts")}
    pop = world.population_for(2022)[:, :, :18].sum(axis=(1, 2))
    in_oslo = np.array([d in oslo for d in world.unit_district])
    if in_oslo.any():
        received = np.array([float(oslo[d]["new_2022"]) + float(oslo[d]["rejected_2022"]) if d in oslo else 0.0
                             for d in world.unit_district])
        per_child = received[in_oslo].sum() / pop[in_oslo].sum()
        ok = in_oslo & (pop > 200)
        rate[ok] = (received[ok] / pop[ok]) / per_child * hf_rate[world.unit_hf_index[ok]]
        rejected = np.array([float(oslo[d]["rejected_2022"]) / max(float(oslo[d]["new_2022"]) + float(oslo[d]["rejected_2022"]), 1.0)
                             if d in oslo else 0.0 for d in world.unit_district])
        shift[in_oslo] = _logit(np.maximum(rejected[in_oslo], 0.005)) - _logit(year_2022_national)
    return rate, shift


def generate_phbu_referrals(world: World, seed: int, year: int, scale: float) -> pa.Table:
    """NPR-PHBU referrals received in ``year`` with their assessment (contracts/npr_phbu_referrals.yml)."""
    rng = source_rng(seed, year, SOURCE)
    volume = {r["figure"]: float(r["value_2023"]) for r in load_params("source_volumes") if r["source"] == SOURCE}
    trend = {int(r["year"]): r for r in load_params("phbu_referrals_trend")}
    total = int(round(volume["referrals"] * float(trend[year]["volume_factor"]) * delivered_share(year) * scale))
    rate, shift = _unit_effects(world, seed, float(trend[2022]["rejected_share"]))

    # children: distinct residents (0-17 on 1 January), a few with two or three referrals
    profile = utilisation_profile("phbu_patient").copy()
    profile[:, 18:] = 0.0
    pop = world.population_for(year)
    weight = pop * profile[None, :, :] * rate[:, None, None]
    n_children = int(round(total / 1.08))
    people = world.sample_people(rng, year, n_children, weight) if n_children else None
    if people is None or len(people) == 0:
        return pa.table({c: pa.array([], type=_TYPES.get(c, pa.string())) for c in COLUMNS})
    per_child = invoices_per_person(rng, len(people), max(total, len(people)), 1.5)
    child = np.repeat(np.arange(len(people)), per_child)
    n = child.shape[0]

    # date received (weekdays; fewer in July), row order by date then residence
    day, order = date_order(rng, day_probabilities(year, 0.03, 0.02), n)
    child = child[order]
    # a 17-year-old is referred before turning 18
    bday = (people.person_id % np.uint64(365)).astype(np.int64)[child]
    too_old = (people.age[child] == 17) & (day >= bday)
    day = np.where(too_old, (rng.random(n) * np.maximum(bday, 1)).astype(np.int64), day)
    resort = np.argsort(day, kind="stable")
    day, child, bday = day[resort], child[resort], bday[resort]
    age = np.minimum(people.age[child] + (day >= bday), 17)  # (birthday on 1 January: stays 17)
    assessed = day + 1 + np.minimum(rng.geometric(1 / 6.0, n), 40)

    # assessment outcome: national level of the year, shifted by residence
    unit = people.unit[child]
    base = _logit(float(trend[year]["rejected_share"]))
    intercept = _calibrate(base, shift[unit], float(trend[year]["rejected_share"]))
    p_reject = _expit(intercept + shift[unit])
    u = rng.random(n)
    outcome = np.where(u < p_reject, 2, np.where(rng.random(n) < RIGHT_SHARE, 0, 1))

    # receiving institution: child mental health care of the resident's HF area
    hf = world.unit_hf_index[unit]
    pools = child_mental_institutions(world)
    org_table = np.unique(np.concatenate(pools))
    index = {o: i for i, o in enumerate(org_table)}
    org = np.empty(n, dtype=np.int64)
    pick = rng.random(n)
    for h in np.unique(hf):
        sel = np.flatnonzero(hf == h)
        options = np.array([index[o] for o in pools[h]])
        org[sel] = options[(pick[sel] * options.shape[0]).astype(np.int64)]

    kom_values, kom, byd_values, byd = residence(world, rng, year, people)
    epoch = int(np.datetime64(f"{year}-01-01").astype(np.int64))
    ids = np.char.add(f"H{year}", np.char.zfill(np.arange(1, n + 1).astype(str), 8))
    cols = {
        "henvisning_id": pa.array(ids, type=pa.string()),
        "lopenr": strings_from_bytes(id_digits(people.person_id).view("V12").ravel()[child],
                                     rng.random(n) >= UNLINKABLE_SHARE),
        "kjonn": pa.array(people.sex[child].astype(np.int64) + 1),
        "fodselsar": pa.array(people.birth_year[child].astype(np.int64)),
        "alder": pa.array(age.astype(np.int64)),
        "komnrhjem": small_take(kom_values, kom[child]),
        "bydelhjem": small_take(byd_values, byd[child]),
        "orgnr": small_take(org_table, org),
        "mottatt_dato": pa.array((day + epoch).astype(np.int32)).view(pa.date32()),
        "vurdering_dato": pa.array((assessed + epoch).astype(np.int32)).view(pa.date32()),
        "vurdering": small_take(np.array(["rettighet", "behov_uten_rettighet", "avvist"]), outcome),
        "fagomrade": small_take(np.array(["310"]), np.zeros(n, dtype=np.int64)),
    }
    return contract_table(SOURCE, cols)


_TYPES = {"kjonn": pa.int64(), "fodselsar": pa.int64(), "alder": pa.int64(),
          "mottatt_dato": pa.date32(), "vurdering_dato": pa.date32()}


def _calibrate(start: float, shift: np.ndarray, target: float) -> float:
    """Intercept such that the mean of expit(intercept + shift) equals ``target``."""
    lo, hi = start - 4.0, start + 4.0
    for _ in range(50):
        mid = (lo + hi) / 2
        if _expit(mid + shift).mean() < target:
            lo = mid
        else:
            hi = mid
    return (lo + hi) / 2


GENERATORS = {SOURCE: generate_phbu_referrals}

__all__ = ["COLUMNS", "COLUMN_DOCS",
           "SOURCE_COLUMNS", "SOURCE_COLUMN_DOCS",
           "GENERATORS", "child_mental_institutions", "generate_phbu_referrals"]
