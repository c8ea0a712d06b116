"""The synthetic world the registries describe: residents, areas, institutions, code lists.

Everything here is read from the committed seeds (``seeds/reference``) and the generator's
own parameter tables (``generate/params``); nothing is hard-coded per area or per sample.

Residence units are the finest level the catchment mapping uses: a municipality (2024
numbering), or a district (bydel) of Oslo, Bergen, Stavanger and Trondheim, including the
derived unknown district ``xx99``.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import numpy as np
import pyarrow.csv as pacsv

from ..config import YEARS

PARAMS_DIR = Path(__file__).resolve().parent / "params"
N_AGES = 106  # 0..105, where 105 means 105 and older
SEXES = ("male", "female")  # index 0 = male (NPR kjonn 1), 1 = female (NPR kjonn 2)
AGE_GROUPS_5Y = np.minimum(np.arange(N_AGES) // 5, 18)  # 0-4 ... 85-89, 90+


def read_csv(path: Path, delimiter: str = ",") -> dict[str, np.ndarray]:
    """Read a small CSV into a dict of numpy arrays, every column as text."""
    opts = pacsv.ConvertOptions(strings_can_be_null=False, quoted_strings_can_be_null=False)
    with path.open("rb") as handle:
        header = handle.readline().decode("utf-8-sig").strip().split(delimiter)
    opts.column_types = {name: "string" for name in header}
    table = pacsv.read_csv(path, parse_options=pacsv.ParseOptions(delimiter=delimiter),
                           convert_options=opts)
    return {name: table[name].to_numpy(zero_copy_only=False).astype(str) for name in table.column_names}


def read_rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def splitmix64(x: np.ndarray) -> np.ndarray:
    """Vectorised SplitMix64 finaliser: a well-mixed 64-bit hash of each element."""
    z = x.astype(np.uint64) + np.uint64(0x9E3779B97F4A7C15)
    z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return z ^ (z >> np.uint64(31))


def systematic_counts(rng: np.random.Generator, expected: np.ndarray, total: int) -> np.ndarray:
    """Integer counts with the given total, each within 1 of ``expected * total / sum``."""
    expected = np.asarray(expected, dtype=float)
    if total <= 0 or expected.sum() <= 0:
        return np.zeros(expected.shape, dtype=np.int64)
    cum = np.cumsum(expected) * (total / expected.sum())
    marks = np.floor(cum + rng.random())
    counts = np.diff(np.concatenate(([0.0], marks))).astype(np.int64)
    # floating error can leave the last mark one off the total
    counts[-1] += total - counts.sum()
    return np.maximum(counts, 0)


def categorical_by_group(rng: np.random.Generator, group: np.ndarray, probs: np.ndarray) -> np.ndarray:
    """Draw one category per element, with probabilities ``probs[group[i]]`` (rows sum to 1)."""
    out = np.empty(group.shape[0], dtype=np.int64)
    if group.shape[0] == 0:
        return out
    order = np.argsort(group, kind="stable")
    sorted_groups = group[order]
    bounds = np.flatnonzero(np.diff(sorted_groups)) + 1
    starts = np.concatenate(([0], bounds))
    ends = np.concatenate((bounds, [group.shape[0]]))
    u = rng.random(group.shape[0])
    for start, end in zip(starts, ends):
        g = sorted_groups[start]
        cum = np.cumsum(probs[g])
        cum /= cum[-1]
        idx = order[start:end]
        out[idx] = np.minimum(np.searchsorted(cum, u[idx], side="right"), probs.shape[1] - 1)
    return out


def weighted_sample_without_replacement(rng: np.random.Generator, weights: np.ndarray, k: int) -> np.ndarray:
    """Indices of ``k`` distinct elements drawn with probability proportional to weight."""
    n = weights.shape[0]
    k = int(min(max(k, 0), n))
    if k == 0:
        return np.empty(0, dtype=np.int64)
    keys = rng.exponential(size=n) / np.maximum(weights, 1e-12)
    return np.argpartition(keys, k - 1)[:k] if k < n else np.arange(n)


@dataclass
class People:
    """A set of drawn residents (one element per person)."""

    unit: np.ndarray  # residence unit index
    sex: np.ndarray  # 0 male, 1 female
    age: np.ndarray  # age on 1 January of the year
    birth_year: np.ndarray
    person_id: np.ndarray  # uint64 pseudonymous id

    def __len__(self) -> int:
        return self.unit.shape[0]

    def take(self, index: np.ndarray) -> "People":
        return People(self.unit[index], self.sex[index], self.age[index], self.birth_year[index],
                      self.person_id[index])


class World:
    """Reference data shaped for vectorised generation."""

    def __init__(self, seeds_dir: Path, seed: int, mapping_version: str = "2026-04"):
        self.seeds_dir = seeds_dir
        self.ref = seeds_dir / "reference"
        self.seed = seed
        self.mapping_version = mapping_version
        self._load_population_and_areas()

    # ------------------------------------------------------------------ areas and residents
    def _load_population_and_areas(self) -> None:
        # one row per year, unit and sex; population_by_age: the residents of ages 0..105
        pop = read_csv(self.ref / "ref_population.csv")
        unit_key = np.char.add(np.char.add(pop["municipality_code"], "|"), pop["district_code"])
        keys, unit_index = np.unique(unit_key, return_inverse=True)
        self.unit_municipality = np.array([k.split("|")[0] for k in keys])
        self.unit_district = np.array([k.split("|")[1] for k in keys])
        year_index = pop["year_jan1"].astype(int) - YEARS[0]
        sex_index = (pop["sex"] == "female").astype(int)
        by_age = np.array([row.split("|") for row in pop["population_by_age"]], dtype=float)
        if by_age.shape[1:] != (N_AGES,):
            raise ValueError(f"ref_population.csv: population_by_age must list {N_AGES} ages")
        self.population = np.zeros((len(YEARS), keys.shape[0], 2, N_AGES), dtype=np.float64)
        np.add.at(self.population, (year_index, unit_index, sex_index), by_age)

        catchment = read_csv(self.ref / "ref_catchment_areas.csv")
        chosen = catchment["mapping_version"] == self.mapping_version
        if not chosen.any():
            raise ValueError(f"catchment mapping version {self.mapping_version!r} not in the seed")
        lookup = {}
        for i in np.flatnonzero(chosen):
            lookup[(catchment["municipality_code"][i], catchment["district_code"][i])] = i
        rows = []
        for muni, district in zip(self.unit_municipality, self.unit_district):
            i = lookup.get((muni, district))
            if i is None:
                raise ValueError(f"residence unit {muni}/{district} missing from catchment mapping "
                                 f"{self.mapping_version}")
            rows.append(i)
        rows = np.array(rows)
        self.unit_rhf = catchment["rhf_code"][rows]
        self.unit_hf = catchment["hf_code"][rows]
        self.unit_hospital = catchment["hospital_code"][rows]
        self.hf_codes = np.unique(self.unit_hf)
        self.unit_hf_index = np.searchsorted(self.hf_codes, self.unit_hf)
        self.hf_rhf = np.array([self.unit_rhf[self.unit_hf == hf][0] for hf in self.hf_codes])
        self.hf_names = {catchment["hf_code"][i]: catchment["hf_name"][i] for i in rows}
        self.rhf_codes = np.unique(self.unit_rhf)
        self.rhf_names = {catchment["rhf_code"][i]: catchment["rhf_name"][i] for i in rows}

    def n_units(self) -> int:
        return self.unit_municipality.shape[0]

    def population_for(self, year: int) -> np.ndarray:
        """Residents on 1 January ``year`` as [unit, sex, age]."""
        return self.population[year - YEARS[0]]

    def person_ids(self, unit: np.ndarray, sex: np.ndarray, birth_year: np.ndarray, k: np.ndarray) -> np.ndarray:
        key = (((unit.astype(np.uint64) * np.uint64(2) + sex.astype(np.uint64)) * np.uint64(256)
                + (birth_year - 1880).astype(np.uint64)) << np.uint64(24)) + k.astype(np.uint64)
        salted = splitmix64(key ^ splitmix64(np.full(1, self.seed, dtype=np.uint64)))
        return np.uint64(10**11) + salted % np.uint64(9 * 10**11)

    def sample_people(self, rng: np.random.Generator, year: int, n: int, cell_weight: np.ndarray) -> People:
        """Draw ``n`` distinct residents; ``cell_weight`` is [unit, sex, age] propensity x population."""
        pop = self.population_for(year)
        weight = np.where(pop > 0, cell_weight, 0.0)
        # never ask a cell for more people than live there
        expected = weight.ravel() * (n / max(weight.sum(), 1e-12))
        cap = pop.ravel() * 0.95
        over = expected > cap
        if over.any():
            expected = np.where(over, cap, expected)
        counts = systematic_counts(rng, expected, n)
        counts = np.minimum(counts, pop.ravel().astype(np.int64))
        cells = np.repeat(np.arange(counts.shape[0]), counts)
        unit, sex, age = np.unravel_index(cells, pop.shape)
        # consecutive indices from a random start within each cell: distinct people per cell
        start = (rng.random(counts.shape[0]) * pop.ravel()).astype(np.int64)
        first = np.repeat(np.cumsum(counts) - counts, counts)
        offset = np.arange(cells.shape[0]) - first
        k = (start[cells] + offset) % np.maximum(pop.ravel()[cells].astype(np.int64), 1)
        birth_year = year - 1 - age
        return People(unit, sex, age, birth_year, self.person_ids(unit, sex, birth_year, k))

    def residence_codes(self, rng: np.random.Generator, year: int, unit: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Municipality and district numbers (text) valid in ``year`` for residents of ``unit``."""
        muni, district, muni_vocab, district_vocab = self.residence_code_index(rng, year, unit)
        return muni_vocab[muni], district_vocab[district]

    def residence_code_index(self, rng: np.random.Generator, year: int, unit: np.ndarray
                             ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """As :meth:`residence_codes`, as indices into two vocabularies (fast for big tables)."""
        table_m, table_d, vocab_m, vocab_d = self._residence_tables(year)
        slot = (rng.random(unit.shape[0]) * table_m.shape[1]).astype(np.int64)
        return table_m[unit, slot], table_d[unit, slot], vocab_m, vocab_d

    def _residence_tables(self, year: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        cache = self.__dict__.setdefault("_residence_cache", {})
        if year in cache:
            return cache[year]
        slots = 100
        valid_year = min(max(year, 2019), 2023)
        reverse: dict[tuple[str, str], list[tuple[str, float]]] = {}
        if year < 2024:
            for r in read_rows(self.ref / "ref_municipality_renumbering.csv"):
                if int(r["valid_year"]) == valid_year:
                    reverse.setdefault((r["geo_level"], r["code_2024"]), []).append(
                        (r["original_code"], float(r["population_weight"])))
        table_m = np.empty((self.n_units(), slots), dtype=object)
        table_d = np.empty((self.n_units(), slots), dtype=object)
        for u, (muni, district) in enumerate(zip(self.unit_municipality, self.unit_district)):
            options = reverse.get(("municipality", muni), [(muni, 1.0)])
            # Old municipalities' populations are not in the reference data: predecessors share
            # the residents evenly (split ones by their FHI population weight); a municipality
            # that kept its number while absorbing others keeps half of them.
            weights = np.array([w for _, w in options])
            survivor = np.array([code == muni for code, _ in options])
            if survivor.any() and len(options) > 1:
                weights[survivor] = weights[~survivor].sum()
            counts = np.floor(np.cumsum(weights) / weights.sum() * slots + 0.5).astype(int)
            codes = np.repeat([c for c, _ in options], np.diff(np.concatenate(([0], counts))))
            table_m[u] = codes[:slots] if codes.shape[0] >= slots else np.resize(codes, slots)
            # a district keeps the number its city had that year (Bergen 1201xx before 2020)
            table_d[u] = reverse.get(("district", district), [(district, 1.0)])[0][0] if district else ""
        vocab_m, index_m = np.unique(table_m.astype(str), return_inverse=True)
        vocab_d, index_d = np.unique(table_d.astype(str), return_inverse=True)
        cache[year] = (index_m.reshape(table_m.shape), index_d.reshape(table_d.shape), vocab_m, vocab_d)
        return cache[year]

    # ------------------------------------------------------------------ institutions
    @cached_property
    def institutions(self) -> dict[str, np.ndarray]:
        return read_csv(self.ref / "ref_treating_institutions.csv")

    @cached_property
    def contracted_specialists(self) -> dict[str, np.ndarray]:
        return read_csv(self.ref / "ref_contracted_specialists.csv")

    _MENTAL = re.compile(r"psyk|dps|bup|rus|tsb|avhengighet|barne- og ungdom", re.I)
    _CHILD = re.compile(r"bup|barne|ungdom|barn unge|barn og unge", re.I)
    _SUBSTANCE = re.compile(r"rus|avhengighet|tsb|lar\b", re.I)

    def institution_pool(self, sector: str) -> dict[str, np.ndarray]:
        """Public (incl. private non-commercial) institutions per HF area index, and private ones.

        ``sector`` is ``somatic``, ``adult_mental``, ``child_mental`` or ``substance``; names pick
        the institutions of that sector where an HF has any, otherwise the HF's others serve.
        """
        cache = self.__dict__.setdefault("_pool_cache", {})
        if sector in cache:
            return cache[sector]
        inst = self.institutions
        names = inst["institution_name"]
        mental = np.array([bool(self._MENTAL.search(n)) for n in names])
        child = np.array([bool(self._CHILD.search(n)) for n in names])
        substance = np.array([bool(self._SUBSTANCE.search(n)) for n in names])
        fits = {"somatic": ~mental, "adult_mental": mental & ~child & ~substance,
                "child_mental": mental & child, "substance": substance}[sector]
        public = inst["institution_type"] != "private"
        per_hf = []
        for hf in self.hf_codes:
            in_hf = public & (inst["hf_area_code"] == hf)
            chosen = np.flatnonzero(in_hf & fits)
            if chosen.shape[0] == 0:
                chosen = np.flatnonzero(in_hf)
            per_hf.append(inst["org_number"][chosen])
        private = inst["institution_type"] == "private"
        private_fit = private & fits if (private & fits).any() else private
        pool = {"per_hf": per_hf,
                "private_org": inst["org_number"][private_fit],
                "private_rhf": inst["agreement_rhf_code"][private_fit]}
        cache[sector] = pool
        return pool

    # ------------------------------------------------------------------ code lists
    @cached_property
    def icd10_codes(self) -> np.ndarray:
        return np.sort(read_csv(self.ref / "ref_icd10_codes.csv")["icd10_code"])

    @cached_property
    def icpc2_codes(self) -> np.ndarray:
        return np.sort(read_csv(self.ref / "ref_icpc2_codes.csv")["icpc2_code"])

    @cached_property
    def procedure_codes(self) -> np.ndarray:
        return np.sort(read_csv(self.ref / "ref_procedure_codes.csv")["procedure_code"])

    @cached_property
    def lab_codes(self) -> dict[str, np.ndarray]:
        return read_csv(self.ref / "ref_nlk_lab_codes.csv")


def load_params(name: str) -> list[dict[str, str]]:
    """A generator parameter table from ``generate/params`` (documented in its header rows)."""
    return read_rows(PARAMS_DIR / f"{name}.csv")
