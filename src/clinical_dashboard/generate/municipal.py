"""Persons of the municipal registers (KPR contacts, IPLOS services) and their link to NPR.

Seed 001: NPR and KPR (with IPLOS) share one patient id, so that a health community can follow
a person across care levels (contacts before an admission, follow-up after a discharge, the
specialist care of frail elderly). Every source draws its persons per year with
``World.sample_people``, whose ids depend on the person only; two independent draws at scale
``s`` would share only a fraction ``s`` of their persons. So the municipal sources draw their
persons of a year in two steps (:func:`linked_people`):

1. about ``link_share`` of the persons wanted of a sex and age are taken from the NPR-SOM
   patients of that year, sex and age (:func:`npr_som_patients`: the persons the NPR-SOM
   generator draws, without building its contacts), as far as there are enough;
2. the rest are drawn from the residents as every other source draws, as many per unit, sex
   and 5-year age band as it still lacks.

So most elderly NPR-SOM patients also have GP contacts and many are IPLOS recipients, at any
scale; their NPR and KPR dates are drawn independently (docs/generator.md).
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from . import activity
from .helfo import static_rng
from .world import N_AGES, People, World

_PATIENTS: dict[tuple, People | None] = {}


class _PatientsOnly(activity.ActivityGenerator):
    """The NPR-SOM generator up to its persons: the same random stream, so the same persons as
    the NPR-SOM extract of the year, but no contacts are built."""

    people: People | None = None

    def _contacts(self, rng, year, people, person, care, private_contacts, id_offset):  # noqa: ANN001
        self.people = people
        return pa.table({"unused": pa.array([], type=pa.int8())})


def npr_som_patients(world: World, seed: int, year: int, scale: float) -> People | None:
    """The persons of the NPR-SOM extract of ``year`` at ``scale`` (``None`` when there are none)."""
    key = (id(world), seed, year, scale)
    if key not in _PATIENTS:
        if len(_PATIENTS) > 8:
            _PATIENTS.clear()
        generator = _PatientsOnly(world, activity.SOURCES["npr_som"], seed)
        generator.generate(year, scale)
        _PATIENTS[key] = generator.people
    return _PATIENTS[key]


def cell_index(world: World, people: People) -> np.ndarray:
    """Flat index of each person's [unit, sex, age] cell of ``World.population_for``."""
    return (people.unit.astype(np.int64) * 2 + people.sex) * N_AGES + people.age


def _concat(parts: list[People]) -> People:
    return People(*(np.concatenate([getattr(p, f) for p in parts]) for f in
                    ("unit", "sex", "age", "birth_year", "person_id")))


def linked_people(world: World, rng: np.random.Generator, year: int, target: np.ndarray,
                  candidates: People | None, link_share: float) -> People:
    """About ``target[unit, sex, age]`` persons per cell (expected counts at the run's scale),
    every person once.

    A candidate (an NPR patient) is taken with probability ``link_share`` times the persons
    wanted per candidate of its sex and age nationally (at most 1): at small scales a cell holds
    a person or two, and the wanted and the drawn persons rarely meet in the same cell. The
    rest are drawn from the residents: per unit, sex and 5-year age band, as many as the band
    still lacks, in its cells that are short of their target (so every unit keeps its total)."""
    wanted = target.sum(axis=0).ravel()  # [sex * age]
    parts = []
    taken = np.zeros(target.shape)
    if candidates is not None and len(candidates):
        group = candidates.sex.astype(np.int64) * N_AGES + candidates.age
        per_group = np.bincount(group, minlength=wanted.size)
        p = np.minimum(link_share * wanted[group] / np.maximum(per_group[group], 1), 1.0)
        chosen = np.flatnonzero(rng.random(len(candidates)) < p)
        parts.append(candidates.take(chosen))
        np.add.at(taken, (candidates.unit[chosen], candidates.sex[chosen], candidates.age[chosen]), 1.0)
    short = np.maximum(target - taken, 0.0)
    band = np.arange(N_AGES) // 5

    def by_band(a: np.ndarray) -> np.ndarray:
        out = np.zeros(a.shape[:2] + (band[-1] + 1,))
        np.add.at(out, (slice(None), slice(None), band), a)
        return out

    rest = np.maximum(by_band(target) - by_band(taken), 0.0)
    fill = short * (rest / np.maximum(by_band(short), 1e-12))[:, :, band]
    n_fill = int(round(fill.sum()))
    if n_fill:
        parts.append(world.sample_people(rng, year, n_fill, fill))
    if not parts:
        return People(*(np.zeros(0, dtype=np.int64) for _ in range(4)), np.zeros(0, dtype=np.uint64))
    people = _concat(parts)
    # a resident drawn in the second step may be a linked patient again: keep the first
    _, first = np.unique(people.person_id, return_index=True)
    return people.take(np.sort(first))


def unit_factor(world: World, seed: int, source: str, hf_sd: float, unit_sd: float) -> np.ndarray:
    """A fixed relative rate per residence unit (HF-area effect times unit effect), the same in
    every year."""
    rng = static_rng(seed, source)
    hf = np.exp(rng.normal(0.0, hf_sd, world.hf_codes.shape[0]))
    return hf[world.unit_hf_index] * np.exp(rng.normal(0.0, unit_sd, world.n_units()))


def serial_ids(prefix: str, n: int, width: int) -> pa.Array:
    """``prefix`` followed by the running numbers 1..n, zero-padded to ``width`` digits."""
    numbers = pa.array(np.arange(1, n + 1, dtype=np.int64)).cast(pa.string())
    return pc.binary_join_element_wise(prefix, pc.utf8_lpad(numbers, width, "0"), "")


def person_id_text(people: People, index: np.ndarray, keep: np.ndarray | None = None) -> pa.Array:
    """The 12-digit person ids of ``people[index]`` as text ('' where not ``keep``)."""
    from .helfo import id_digits, strings_from_bytes

    return strings_from_bytes(id_digits(people.person_id).view("V12").ravel()[index], keep)
