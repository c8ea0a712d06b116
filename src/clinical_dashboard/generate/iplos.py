"""IPLOS: municipal health and care service decisions with functional level (seed 001).

One row per person, year and service decision in force at some time of the year. Calibrated to
seed 001 (Oslo health community, 2021):

- frail elderly (75+ at the end of the year with functional level 2-5) per 1,000 residents 75+:
  283 in Oslo (11,555 of 40,805), of them 168 with level 4-5 ('dårlig / svært dårlig
  funksjonsevne') and 115 with level 2-3 ('noe redusert / redusert'); elsewhere
  ``NATIONAL_FACTOR`` times that (seed 001: Oslo lies somewhat below the national average), with
  fixed district and municipality effects (seed 001: large variation between districts). The
  rates (``iplos_rates.csv``) hold for every year; within 75+ frailty rises with age.
- other recipients: residents under 75 by age band, and 75+ with level 1, per 1,000
  (``iplos_rates.csv``, assumed so that Oslo has about seed 001's 31,990 recipients in all);
- services: each service with its seed 001 share of the frail (home health care 69.5%, practical
  help 40.9%, long-term stay 33.6% ...) or an assumed share for the others
  (``iplos_services.csv``), drawn independently given at least one service per person;
- dates: a decision began before the year with a service-specific probability (then up to a
  few years earlier), else on a day of the year; time-limited stays last ``days_min`` to
  ``days_max`` days, other decisions end within the year with probability ``END_SHARE``
  (``vedtak_slutt`` blank: still in force at the end of the year).

Persons are linked to the NPR-SOM patients of the year (``municipal.linked_people``). The
annual file is published after the year's end: no file for 2026.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from ..config import YEARS
from ..contracts import column_docs, source_columns
from .helfo import residence, small_take, source_rng
from .municipal import cell_index, linked_people, npr_som_patients, person_id_text, serial_ids, unit_factor
from .world import N_AGES, World, load_params
from .writer import contract_table

SOURCE = "iplos_services"
AVAILABLE_YEARS = {SOURCE: tuple(y for y in YEARS if y < YEARS[-1])}
#: Frail elderly per 1,000 outside Oslo relative to Oslo (seed 001: Oslo somewhat below average).
NATIONAL_FACTOR = 1.08
OSLO = "0301"
#: Share of recipients taken from the NPR-SOM patients of the year: frail elderly use more
#: specialist care than other inhabitants of their age, and at 0.6 they came out with half
#: the contacts per person of the others (fct_health_community_specialist_use).
LINK_SHARE = 0.9
#: Functional level of recipients under 75 (levels 1-5).
YOUNGER_LEVELS = (0.35, 0.20, 0.20, 0.15, 0.10)
#: Share of open-ended decisions that end within the year (long-term stays: mostly by death).
END_SHARE = {"langtidsopphold_institusjon": 0.30}
END_SHARE_DEFAULT = 0.20
#: Frailty rises by this factor per year of age over 74 (on 1 January).
AGE_GRADIENT = 1.07
GROUPS = ("other", "level_2", "level_3", "level_4", "level_5")

COLUMNS = source_columns(SOURCE)
COLUMN_DOCS = column_docs(SOURCE)
SOURCE_COLUMNS: dict[str, tuple[str, ...]] = {SOURCE: COLUMNS}
SOURCE_COLUMN_DOCS: dict[str, dict[str, tuple[str, str, str]]] = {SOURCE: COLUMN_DOCS}


def services() -> list[dict[str, str]]:
    return load_params("iplos_services")


def service_probabilities(shares: np.ndarray) -> np.ndarray:
    """Independent probabilities q whose draws, given at least one service, have the marginal
    shares ``shares``: q = shares * P(at least one | q), solved by iteration."""
    q = shares.copy()
    for _ in range(50):
        q = shares * (1.0 - np.prod(1.0 - q))
    return q


def group_targets(world: World, seed: int, year: int, scale: float) -> np.ndarray:
    """Expected recipients per group (``GROUPS``) and [unit, sex, age on 1 January]. Frail
    elderly per unit: the rate per 1,000 times the unit's residents 75+ on 1 January of the next
    year, spread over the ages 74+ on 1 January by the frailty gradient."""
    pop = world.population_for(year)
    effect = unit_factor(world, seed, SOURCE, 0.10, 0.15)
    oslo = world.unit_municipality == OSLO
    old = np.arange(N_AGES) >= 74
    # the rates are per 1,000 residents 75+ on 1 January of the next year (SKDE's population of
    # the year, as seed 001's 11,555 / 40,805); the persons are those 74+ on 1 January
    pop_old = world.population_for(min(year + 1, YEARS[-1]))[:, :, 75:].sum(axis=(1, 2))
    if oslo.any():  # Oslo's districts vary around seed 001's Oslo level
        effect[oslo] /= (effect[oslo] * pop_old[oslo]).sum() / max(pop_old[oslo].sum(), 1.0)
    effect = np.where(oslo, effect, effect * NATIONAL_FACTOR)
    gradient = np.where(old, AGE_GRADIENT ** np.maximum(np.arange(N_AGES) - 74, 0), 0.0)
    weighted = pop * gradient[None, None, :]
    share_of_old = weighted / np.maximum(weighted.sum(axis=(1, 2)), 1e-9)[:, None, None]
    out = np.zeros((len(GROUPS),) + pop.shape)
    for r in load_params("iplos_rates"):
        g = GROUPS.index(r["group"])
        rate = np.zeros(N_AGES)
        rate[int(r["age_from"]): int(r["age_to"]) + 1] = float(r["per_1000"]) / 1000.0
        if g == 0:
            out[g] += pop * rate[None, None, :] * effect[:, None, None]
        else:  # frail: the unit's 75+ times the rate, spread over ages by the gradient
            out[g] += share_of_old * (pop_old * rate[74] * effect)[:, None, None]
    return out * scale


def _dates(rng: np.random.Generator, year: int, service: np.ndarray, rows: list[dict[str, str]]
           ) -> tuple[np.ndarray, np.ndarray]:
    """Decision start and end (day numbers from 1 January of ``year``; end -1 = still in force)."""
    n = service.size
    last = int((np.datetime64(f"{year + 1}-01-01", "D") - np.datetime64(f"{year}-01-01", "D")).astype(np.int64)) - 1
    before = rng.random(n) < np.array([float(r["in_force_before_year"]) for r in rows])[service]
    lo = np.array([int(r["days_min"]) for r in rows])[service]
    hi = np.array([int(r["days_max"]) for r in rows])[service]
    limited = hi > 0
    length = lo + (rng.random(n) * (hi - lo + 1)).astype(np.int64)
    start = np.where(before, -1 - np.minimum(rng.exponential(700.0, n).astype(np.int64), 7000),
                     (rng.random(n) * (last + 1)).astype(np.int64))
    # a time-limited stay begun last year still runs on 1 January
    start = np.where(limited & before, -1 - (rng.random(n) * np.maximum(length - 1, 1)).astype(np.int64), start)
    open_end = np.maximum(start, 0) + (rng.random(n) * (last + 1 - np.maximum(start, 0))).astype(np.int64)
    ends = rng.random(n) < np.array([END_SHARE.get(r["service_code"], END_SHARE_DEFAULT) for r in rows])[service]
    end = np.where(limited, np.maximum(start + length, 0), np.where(ends, open_end, -1))
    return start, np.where(end > last, -1, end)


def generate_iplos_services(world: World, seed: int, year: int, scale: float) -> pa.Table:
    """IPLOS service decisions in force in ``year`` (contracts/iplos_services.yml)."""
    rng = source_rng(seed, year, SOURCE)
    targets = group_targets(world, seed, year, scale)
    total = targets.sum(axis=0)
    people = linked_people(world, rng, year, total, npr_som_patients(world, seed, year, scale), LINK_SHARE)
    n = len(people)
    # group of each person from the cell's mix of groups
    cells = cell_index(world, people)
    mix = targets.reshape(len(GROUPS), -1)[:, cells].T
    cum = np.cumsum(mix, axis=1) / np.maximum(mix.sum(axis=1, keepdims=True), 1e-12)
    group = np.minimum((rng.random(n)[:, None] > cum).sum(axis=1), len(GROUPS) - 1)
    younger = np.searchsorted(np.cumsum(YOUNGER_LEVELS), rng.random(n), side="right") + 1
    level = np.where(group > 0, group + 1, np.where(people.age >= 74, 1, np.minimum(younger, 5)))
    frail = group > 0

    rows = services()
    shares = np.array([[float(r["frail_share"]) for r in rows], [float(r["other_share"]) for r in rows]])
    q = np.stack([service_probabilities(s) for s in shares])[np.where(frail, 0, 1)]
    has = rng.random(q.shape) < q
    for _ in range(100):  # at least one service each: draw again for persons without any
        empty = np.flatnonzero(~has.any(axis=1))
        if empty.size == 0:
            break
        has[empty] = rng.random((empty.size, q.shape[1])) < q[empty]
    has[~has.any(axis=1), 0] = True
    person, service = np.nonzero(has)  # by person, then service in seed 001's order
    start, end = _dates(rng, year, service, rows)
    m = person.size
    kom_values, kom, byd_values, byd = residence(world, rng, year, people)
    epoch = int(np.datetime64(f"{year}-01-01").astype(np.int64))
    cols = {
        "iplos_id": serial_ids(f"I{year}", m, 8),
        "lopenr": person_id_text(people, person),
        "kjonn": pa.array(people.sex[person].astype(np.int64) + 1),
        "fodselsar": pa.array(people.birth_year[person].astype(np.int64)),
        "alder": pa.array((year - people.birth_year[person]).astype(np.int64)),
        "komnrhjem": small_take(kom_values, kom[person]),
        "bydelhjem": small_take(byd_values, byd[person]),
        "aar": pa.array(np.full(m, year, dtype=np.int64)),
        "tjeneste": small_take(np.array([r["service_code"] for r in rows]), service),
        "funksjonsniva": pa.array(level[person].astype(np.int64)),
        "vedtak_start": pa.array((start + epoch).astype(np.int32)).view(pa.date32()),
        "vedtak_slutt": pa.array((end + epoch).astype(np.int32), mask=end < 0).view(pa.date32()),
    }
    return contract_table(SOURCE, cols)


GENERATORS = {SOURCE: generate_iplos_services}

__all__ = ["COLUMNS", "COLUMN_DOCS", "SOURCE_COLUMNS", "SOURCE_COLUMN_DOCS", "GENERATORS", "AVAILABLE_YEARS",
           "generate_iplos_services", "group_targets", "service_probabilities", "services"]
