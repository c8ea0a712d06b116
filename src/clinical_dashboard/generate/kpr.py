"""KPR contacts: GP, emergency-room and municipal emergency-bed contacts (seed 001; KUHR claims).

One row per contact with the patient (NPR's person id), residence, date, the tertial delivery,
the service (``fastlege``, ``legevakt``, ``kad``) and an ICPC-2 main diagnosis from the real
Norwegian code list (``ref_icpc2_codes``).

Per year:

1. persons with any contact: residents times the share with a contact by sex and age
   (``kpr_profiles.csv``) and a fixed area factor, linked to the NPR-SOM patients of the year
   (``municipal.linked_people``: most elderly hospital patients see a GP too);
2. contacts per person and service: Poisson with the mean of the person's sex and age
   (``kpr_profiles.csv``) times a gamma frailty shared by the three services (a person who sees
   the GP often also uses the emergency room more), times the year trend and the delivered
   share of the year (2026: January-August, tertials 1 and 2); a person drawn with no contact
   gets one GP contact;
3. dates by the month weights, with few GP contacts at weekends and more emergency-room
   contacts; the ICPC-2 code from ``kpr_icpc2_weights.csv`` by service and age (75+ weighs
   chronic and frailty diagnoses up), the rest of the weight spread over the whole list.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from ..contracts import column_docs, source_columns
from .helfo import (birthday, date_array, day_probabilities, lookup_table, residence, small_take,
                    source_rng, volume_factor)
from .municipal import linked_people, npr_som_patients, person_id_text, serial_ids, unit_factor
from .world import N_AGES, World, categorical_by_group, load_params
from .writer import contract_table

SOURCE = "kpr_contacts"
#: Share of contacts whose claim could not be linked to a person (blank lopenr).
UNLINKABLE_SHARE = 0.005
#: Share of the persons wanted in a cell taken from the cell's NPR-SOM patients.
LINK_SHARE = 0.92
CONTACT_TYPES = ("fastlege", "legevakt", "kad")
#: (saturday, sunday) weight of a day relative to a weekday, per contact type.
WEEKEND = {"fastlege": (0.03, 0.01), "legevakt": (1.5, 1.6), "kad": (1.0, 1.0)}
#: Share of each contact type's diagnoses spread evenly over the whole ICPC-2 list.
TAIL_SHARE = {"fastlege": 0.20, "legevakt": 0.15, "kad": 0.10}
#: Shape of the gamma frailty of contacts per person (mean 1).
FRAILTY_SHAPE = 1.5

COLUMNS = source_columns(SOURCE)
COLUMN_DOCS = column_docs(SOURCE)
SOURCE_COLUMNS: dict[str, tuple[str, ...]] = {SOURCE: COLUMNS}
SOURCE_COLUMN_DOCS: dict[str, dict[str, tuple[str, str, str]]] = {SOURCE: COLUMN_DOCS}
_MEANS = ("gp_contacts", "legevakt_contacts", "kad_stays")


def profiles() -> dict[str, np.ndarray]:
    """Columns of ``kpr_profiles.csv`` as [sex, single-year age] arrays."""
    names = ("any_contact_share",) + _MEANS
    out = {name: np.zeros((2, N_AGES)) for name in names}
    for r in load_params("kpr_profiles"):
        s = 0 if r["sex"] == "male" else 1
        for name in names:
            out[name][s, int(r["age_from"]): int(r["age_to"]) + 1] = float(r[name])
    return out


def diagnosis_probabilities(world: World) -> tuple[np.ndarray, np.ndarray]:
    """The ICPC-2 codes and, per group ``2 * contact type + (age >= 75)``, their probabilities."""
    codes = world.icpc2_codes
    rows = load_params("kpr_icpc2_weights")
    index = np.searchsorted(codes, [r["icpc2_code"] for r in rows])
    if not np.array_equal(codes[np.minimum(index, codes.size - 1)], [r["icpc2_code"] for r in rows]):
        raise ValueError("kpr_icpc2_weights.csv names a code that is not in ref_icpc2_codes")
    probs = np.zeros((2 * len(CONTACT_TYPES), codes.size))
    for t, kind in enumerate(CONTACT_TYPES):
        for elderly in (0, 1):
            w = np.zeros(codes.size)
            w[index] = [float(r[kind]) * (float(r["elderly_factor"]) if elderly else 1.0) for r in rows]
            w *= (1.0 - TAIL_SHARE[kind]) / w.sum()
            probs[2 * t + elderly] = w + TAIL_SHARE[kind] / codes.size
    return codes, probs


def generate_kpr_contacts(world: World, seed: int, year: int, scale: float) -> pa.Table:
    """KPR contacts of ``year`` (contracts/kpr_contacts.yml)."""
    rng = source_rng(seed, year, SOURCE)
    prof = profiles()
    factor = unit_factor(world, seed, SOURCE, 0.06, 0.04)
    target = world.population_for(year) * prof["any_contact_share"][None] * factor[:, None, None] * scale
    people = linked_people(world, rng, year, target, npr_som_patients(world, seed, year, scale), LINK_SHARE)
    n = len(people)
    frailty = rng.gamma(FRAILTY_SHAPE, 1.0 / FRAILTY_SHAPE, n)
    counts = [rng.poisson(prof[m][people.sex, people.age] * frailty * volume_factor(year)) for m in _MEANS]
    counts[0][(counts[0] + counts[1] + counts[2]) == 0] = 1
    person = np.concatenate([np.repeat(np.arange(n), c) for c in counts])
    kind = np.concatenate([np.full(int(c.sum()), t, dtype=np.int64) for t, c in enumerate(counts)])
    day = np.empty(person.size, dtype=np.int64)
    for t, name in enumerate(CONTACT_TYPES):
        sel = kind == t
        table = lookup_table(day_probabilities(year, *WEEKEND[name]), 16)
        day[sel] = table[rng.integers(0, 1 << 16, size=int(sel.sum()))]
    order = np.argsort(day, kind="stable")
    person, kind, day = person[order], kind[order], day[order]
    m = person.size

    age = people.age[person] + (day >= birthday(people)[person])
    codes, probs = diagnosis_probabilities(world)
    diagnosis = categorical_by_group(rng, 2 * kind + (age >= 75), probs)
    kom_values, kom, byd_values, byd = residence(world, rng, year, people)
    month = (np.datetime64(f"{year}-01-01") + day.astype("timedelta64[D]")).astype("datetime64[M]")
    tertial = (month.astype(np.int64) % 12) // 4 + 1
    cols = {
        "kontakt_id": serial_ids(f"K{year}", m, 9),
        "lopenr": person_id_text(people, person, rng.random(m) >= UNLINKABLE_SHARE),
        "kjonn": pa.array(people.sex[person].astype(np.int64) + 1),
        "fodselsar": pa.array(people.birth_year[person].astype(np.int64)),
        "alder": pa.array(age.astype(np.int64)),
        "komnrhjem": small_take(kom_values, kom[person]),
        "bydelhjem": small_take(byd_values, byd[person]),
        "kontaktdato": date_array(year, day),
        "tertial": pa.array(tertial.astype(np.int64)),
        "kontakttype": small_take(np.array(CONTACT_TYPES), kind),
        "hoveddiagnose": small_take(codes, diagnosis),
    }
    return contract_table(SOURCE, cols)


GENERATORS = {SOURCE: generate_kpr_contacts}

__all__ = ["COLUMNS", "COLUMN_DOCS", "SOURCE_COLUMNS", "SOURCE_COLUMN_DOCS", "GENERATORS",
           "diagnosis_probabilities", "generate_kpr_contacts", "profiles"]
