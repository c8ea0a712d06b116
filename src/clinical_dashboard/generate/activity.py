"""NPR activity extracts: NPR-SOM, NPR-AvtaleSOM, NPR-PHV, NPR-AvtalePHV, NPR-PHBU, NPR-TSB.

One engine serves all six (they share one shape, SPEC section 4). Per source and year:

1. targets: patients and contacts per care type and residence region (NPR-SOM: seed 002
   tables 1-3 for 2022/2023 and a trend for other years; the others: ``source_volumes.csv``);
2. residents drawn from the SSB population by age/sex propensity (``utilisation_profiles``)
   and an HF-area factor (real variation between catchment areas);
3. care-type membership with exact patient counts, contacts per patient with exact totals;
4. per contact a clinical profile (``activity_catalogue`` / ``mental_health_catalogue``)
   chosen by care type, sex, single-year age and HF area, which gives specialty, diagnoses,
   procedures, DRG and ISF points; a treating institution; dates; contact form; STG codes.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from ..config import NEWEST_YEAR, NEWEST_YEAR_LAST_MONTH
from .world import (N_AGES, People, World, categorical_by_group, load_params, systematic_counts,
                    weighted_sample_without_replacement)
from .writer import contract_table

CARE_TYPES = ("outpatient", "day", "planned", "emergency")
OUTPATIENT, DAY, PLANNED, EMERGENCY, RETURNED = 0, 1, 2, 3, 4
N_PROCEDURE_SLOTS = 5
N_SECONDARY_SLOTS = 3

@dataclass(frozen=True)
class ActivitySource:
    name: str
    catalogue: str  # params file
    catalogue_sources: tuple[str, ...]  # values of the catalogue's ``sources`` column ('' = all)
    patient_profile: str
    age_min: int
    age_max: int
    sector: str  # institution pool
    contracted: bool  # delivered by contracted specialists (Avtale*) rather than institutions
    los_mean: tuple[float, float]  # mean length of stay (planned, emergency) in days
    stg_rates: tuple[tuple[str, float], ...]  # outpatient STG codes and the share of contacts
    video_column: str  # column of year_trend with the remote-consultation share


SOURCES: dict[str, ActivitySource] = {
    "npr_som": ActivitySource(
        "npr_som", "activity_catalogue", (), "som_patient", 0, 105, "somatic", False, (3.2, 4.6),
        (("XS08", 0.010), ("XS09", 0.005), ("CS11", 0.002), ("ES11", 0.004), ("HS11", 0.002),
         ("JS11", 0.001), ("XS11", 0.006)), "video_share_somatic"),
    "npr_avtalesom": ActivitySource(
        "npr_avtalesom", "activity_catalogue", (), "avtalesom_patient", 0, 105, "somatic", True,
        (1, 1), (), "video_share_somatic"),
    "npr_phv": ActivitySource(
        "npr_phv", "mental_health_catalogue", ("phv",), "phv_patient", 18, 105, "adult_mental",
        False, (24.0, 14.0), (("TS08A", 0.06), ("TS08B", 0.05), ("TS01", 0.02)), "video_share_mental"),
    "npr_avtalephv": ActivitySource(
        "npr_avtalephv", "mental_health_catalogue", ("phv",), "avtalephv_patient", 18, 105,
        "adult_mental", True, (1, 1), (), "video_share_mental"),
    "npr_phbu": ActivitySource(
        "npr_phbu", "mental_health_catalogue", ("phbu",), "phbu_patient", 0, 17, "child_mental",
        False, (20.0, 9.0), (("TS08A", 0.05), ("TS08B", 0.05)), "video_share_mental"),
    "npr_tsb": ActivitySource(
        "npr_tsb", "mental_health_catalogue", ("tsb",), "tsb_patient", 18, 105, "substance", False,
        (28.0, 10.0), (("TS08A", 0.05), ("TS08B", 0.04), ("TS01", 0.015)), "video_share_mental"),
}


# ---------------------------------------------------------------------------- parameters
class Catalogue:
    """Clinical profiles as arrays (one row per profile)."""

    def __init__(self, world: World, name: str, sources: tuple[str, ...], contracted_only: bool):
        rows = load_params(name)
        if sources:
            rows = [r for r in rows if r.get("sources", "") in sources]
        if contracted_only:
            rows = [r for r in rows if r["contracted"] == "1"]
        self.rows = rows
        self.n = len(rows)
        self.profile_id = np.array([r["profile_id"] for r in rows])
        self.kind = np.array([r["kind"] for r in rows])
        self.specialty = np.array([r["specialty"] for r in rows])
        self.drg = np.array([r["drg"] for r in rows])
        self.drg_type = np.array([r["drg_type"] for r in rows])
        self.isf_points = np.array([float(r["isf_points"]) for r in rows])
        self.private_share = np.array([float(r["private_share"]) for r in rows])
        self.hf_sd = np.array([float(r["hf_sd"]) for r in rows])
        self.care_weight = np.array([[float(r["w_" + c]) for c in CARE_TYPES] for r in rows])
        if contracted_only:  # contracted specialists only see outpatients
            self.care_weight[:, 1:] = 0.0
        ages = np.arange(N_AGES)
        self.age_weight = np.zeros((self.n, 2, N_AGES))
        for i, r in enumerate(rows):
            lo, hi = int(r["age_from"]), int(r["age_to"])
            bell = np.exp(-(((ages - float(r["age_peak"])) / float(r["age_spread"])) ** 2)) + 0.05
            bell[(ages < lo) | (ages > hi)] = 0.0
            for s, sex in enumerate(("male", "female")):
                if r["sex"] in ("all", sex):
                    self.age_weight[i, s] = bell
        self.diagnoses = [self._expand(world.icd10_codes, r["diagnoses"].split("|")) for r in rows]
        self.procedures: list[tuple[np.ndarray, np.ndarray]] = []
        for r in rows:
            codes, weights = [], []
            for part in filter(None, r["procedures"].split("|")):
                code, weight = part.split(":")
                if code not in set(world.procedure_codes[np.searchsorted(world.procedure_codes, code):][:1]):
                    raise ValueError(f"{name}: procedure code {code} of {r['profile_id']} is not in "
                                     "seeds/reference/ref_procedure_codes.csv")
                codes.append(code)
                weights.append(float(weight))
            w = np.array(weights)
            self.procedures.append((np.array(codes, dtype=str), w / w.sum() if w.size else w))
        self.kind_index = np.array([KINDS.index(k) for k in self.kind])
        self.diag_size = np.array([d.size for d in self.diagnoses])
        self.diag_offset = np.concatenate(([0], np.cumsum(self.diag_size)[:-1]))
        self.diag_vocab = np.concatenate(self.diagnoses)
        self.specialty_vocab, self.specialty_index = np.unique(self.specialty, return_inverse=True)
        self.drg_vocab, self.drg_index = np.unique(self.drg, return_inverse=True)
        self.drg_type_vocab, self.drg_type_index = np.unique(self.drg_type, return_inverse=True)
        self.has_procedures = np.array([c.size > 0 for c, _ in self.procedures])
        self.fallback = {c: int(np.argmax(self.care_weight[:, c] * self.age_weight[:, :, :].sum(axis=(1, 2))
                                          * (self.kind != "procedure")))
                         for c in range(len(CARE_TYPES))}

    @staticmethod
    def _expand(codes: np.ndarray, prefixes: list[str]) -> np.ndarray:
        found = []
        for p in prefixes:
            lo = np.searchsorted(codes, p, side="left")
            hi = np.searchsorted(codes, p + "\U0010ffff", side="left")
            # prefer the short (3-4 character) codes clinicians use most
            block = codes[lo:hi]
            short = block[np.char.str_len(block) <= 4]
            found.append(short if short.size else block)
        out = np.concatenate(found)
        if out.size == 0:
            raise ValueError(f"no ICD-10 codes for prefixes {prefixes}")
        return out


def utilisation_profile(name: str) -> np.ndarray:
    """Relative rate by [sex, single-year age] from ``utilisation_profiles.csv``."""
    out = np.zeros((2, N_AGES))
    found = False
    for r in load_params("utilisation_profiles"):
        if r["profile"] != name:
            continue
        found = True
        s = 0 if r["sex"] == "male" else 1
        out[s, int(r["age_from"]): int(r["age_to"]) + 1] = float(r["relative_rate"])
    if not found:
        raise ValueError(f"utilisation profile {name!r} missing from utilisation_profiles.csv")
    return out


def year_trend(year: int) -> dict[str, float]:
    for r in load_params("year_trend"):
        if int(r["year"]) == year:
            return {k: float(v) for k, v in r.items() if k not in ("year", "basis")}
    raise ValueError(f"no trend for {year}")


def month_weights(year: int) -> np.ndarray:
    rows = load_params("month_weights")
    w = np.array([float(r["weight_2020" if year == 2020 else "weight"]) for r in rows])
    if year == NEWEST_YEAR:
        w[NEWEST_YEAR_LAST_MONTH:] = 0.0
    return w


def delivered_share(year: int) -> float:
    """Share of a full year's volume in the delivery (the newest year is January-August)."""
    full = np.array([float(r["weight"]) for r in load_params("month_weights")])
    return float(month_weights(year).sum() / full.sum()) if year == NEWEST_YEAR else 1.0


# ---------------------------------------------------------------------------- targets
@dataclass
class Targets:
    """Per residence region (RHF code): patients and contacts by care type."""

    regions: list[str]
    patients_total: np.ndarray
    patients: np.ndarray  # [region, care type]; PLANNED/EMERGENCY also give 'inpatient' below
    patients_inpatient: np.ndarray
    contacts: np.ndarray  # [region, care type]
    returned: np.ndarray
    private_contacts: np.ndarray  # national, [care type]; day and outpatient and inpatient


def som_targets(year: int, scale: float) -> Targets:
    """NPR-SOM targets from seed 002 (2022, 2023) and the trend (other years)."""
    table: dict[tuple[int, str, str], float] = {}
    for r in load_params("npr_som_calibration"):
        table[(int(r["year"]), r["region_code"], r["figure"])] = float(r["value"])
    base_year = year if year in (2022, 2023) else 2023
    trend = year_trend(year)
    factor = (1.0 if year in (2022, 2023) else trend["volume_factor"]) * delivered_share(year) * scale
    regions = ["1", "2", "3", "4"]

    def nat(fig: str) -> float:
        return table[(base_year, "norway", fig)] * factor

    contacts = np.zeros((4, 4))
    for i, reg in enumerate(regions):
        inpatient = table[(base_year, reg, "inpatient_stays")] * factor
        contacts[i, OUTPATIENT] = table[(base_year, reg, "outpatient_contacts")] * factor
        contacts[i, DAY] = table[(base_year, reg, "day_treatments")] * factor
        stays_p, stays_e, stays_r = nat("stays_planned"), nat("stays_emergency"), nat("stays_returned")
        share = inpatient / (stays_p + stays_e + stays_r)
        contacts[i, PLANNED] = stays_p * share
        contacts[i, EMERGENCY] = stays_e * share
    returned = nat("stays_returned") * contacts[:, PLANNED] / contacts[:, PLANNED].sum()
    # patients per region in proportion to the region's share of contacts of that type
    patients = np.zeros((4, 4))
    for c, fig in ((OUTPATIENT, "patients_outpatient"), (DAY, "patients_day"),
                   (PLANNED, "patients_planned"), (EMERGENCY, "patients_emergency")):
        patients[:, c] = nat(fig) * contacts[:, c] / contacts[:, c].sum()
    inpatient_share = (contacts[:, PLANNED] + contacts[:, EMERGENCY]) / (contacts[:, PLANNED] + contacts[:, EMERGENCY]).sum()
    patients_inpatient = nat("patients_inpatient") * inpatient_share
    memberships = patients[:, OUTPATIENT] + patients[:, DAY] + patients_inpatient
    patients_total = nat("patients_total") * memberships / memberships.sum()
    private_year = 2022 if year <= 2022 else 2023
    pf = trend["private_factor"] * delivered_share(year) * scale * (
        1.0 if year in (2022, 2023) else trend["volume_factor"])
    private = np.array([
        table[(private_year, "norway", "private_outpatient_contacts")] * pf,
        table[(private_year, "norway", "private_day_treatments")] * pf,
        table[(private_year, "norway", "private_inpatient_stays")] * pf * 0.3,
        table[(private_year, "norway", "private_inpatient_stays")] * pf * 0.7,
    ])
    return Targets(regions, patients_total, patients, patients_inpatient, contacts, returned, private)


def other_targets(source: str, year: int, scale: float, region_weight: dict[str, float]) -> Targets:
    """Targets of the non-SOM activity sources: national volumes split by expected region share."""
    vol = {r["figure"]: float(r["value_2023"]) for r in load_params("source_volumes") if r["source"] == source}
    factor = year_trend(year)["volume_factor"] * delivered_share(year) * scale
    regions = sorted(region_weight)
    share = np.array([region_weight[r] for r in regions])
    share = share / share.sum()
    emergency_share = vol.get("emergency_share", 0.5)
    stays = vol.get("inpatient_stays", 0.0) * factor
    contacts = np.zeros((len(regions), 4))
    contacts[:, OUTPATIENT] = vol.get("outpatient_contacts", 0.0) * factor * share
    contacts[:, DAY] = vol.get("day_treatments", 0.0) * factor * share
    contacts[:, PLANNED] = stays * (1 - emergency_share) * share
    contacts[:, EMERGENCY] = stays * emergency_share * share
    inpatient_patients = vol.get("patients_inpatient", 0.0) * factor * share
    patients = np.zeros((len(regions), 4))
    patients[:, DAY] = vol.get("patients_day", 0.0) * factor * share
    patients[:, PLANNED] = inpatient_patients * (1 - emergency_share) * 1.1
    patients[:, EMERGENCY] = inpatient_patients * emergency_share * 1.1
    total = vol["patients_total"] * factor * share
    patients[:, OUTPATIENT] = total * 0.97
    return Targets(regions, total, patients, inpatient_patients, contacts, np.zeros(len(regions)),
                   np.zeros(4))


# ---------------------------------------------------------------------------- the engine
def _counts(rng: np.random.Generator, n_people: int, total: float, intensity: np.ndarray) -> np.ndarray:
    """Contacts per person: at least one each, the extra ones spread by a gamma frailty."""
    total = int(round(total))
    if n_people == 0:
        return np.zeros(0, dtype=np.int64)
    extra = max(total - n_people, 0)
    frailty = rng.gamma(0.6, 1.0, n_people) * intensity
    p = frailty / frailty.sum()
    return 1 + rng.multinomial(extra, p)


def _hf_factors(world: World, rng: np.random.Generator, sd: float) -> np.ndarray:
    return np.exp(rng.normal(0.0, sd, world.hf_codes.shape[0]))


class ActivityGenerator:
    """Generates one NPR activity source for one year as a pyarrow table."""

    def __init__(self, world: World, spec: ActivitySource, seed: int):
        self.world = world
        self.spec = spec
        self.seed = seed
        self.catalogue = Catalogue(world, spec.catalogue, spec.catalogue_sources, spec.contracted)
        # area variation fixed per source (not per year): same seed, same geography
        rng = np.random.default_rng([seed, 101, _source_index(spec.name)])
        self.hf_patient_factor = _hf_factors(world, rng, 0.10)
        self.hf_profile_factor = np.exp(rng.normal(0.0, 1.0, (self.catalogue.n, world.hf_codes.shape[0]))
                                        * self.catalogue.hf_sd[:, None])
        self.hf_remote_factor = _hf_factors(world, rng, 0.25)
        self.hf_stg_factor = _hf_factors(world, rng, 0.35)
        self.hf_private_factor = _hf_factors(world, rng, 0.5)
        self.profile = utilisation_profile(spec.patient_profile)
        # code vocabularies: every text column is written as a dictionary array
        self.proc_vocab = world.procedure_codes
        self.proc_probs = np.zeros((self.catalogue.n, self.proc_vocab.size))
        for p, (codes, w) in enumerate(self.catalogue.procedures):
            if codes.size:
                self.proc_probs[p, np.searchsorted(self.proc_vocab, codes)] = w
            else:
                self.proc_probs[p, 0] = 1.0  # never used: the profile has no procedures
        inst = world.institutions
        self.org_vocab = np.unique(np.concatenate((inst["org_number"], world.contracted_specialists["practice_id"])))
        private_orgs = inst["org_number"][inst["institution_type"] == "private"]
        self.org_is_private = np.isin(self.org_vocab, private_orgs)
        if not spec.contracted:
            raw = world.institution_pool(spec.sector)
            self.pool = {"per_hf": [np.searchsorted(self.org_vocab, o) for o in raw["per_hf"]],
                         "private_org": np.searchsorted(self.org_vocab, raw["private_org"]),
                         "private_rhf": raw["private_rhf"]}
        self.scope = np.zeros((2, N_AGES), dtype=bool)
        self.scope[:, spec.age_min: spec.age_max + 1] = True

    # -- residents ---------------------------------------------------------------------------
    def _cell_weight(self, year: int) -> np.ndarray:
        pop = self.world.population_for(year)
        unit_factor = self.hf_patient_factor[self.world.unit_hf_index]
        return pop * (self.profile * self.scope)[None, :, :] * unit_factor[:, None, None]

    def region_weights(self, year: int) -> dict[str, float]:
        w = self._cell_weight(year).sum(axis=(1, 2))
        return {r: float(w[self.world.unit_rhf == r].sum()) for r in ("1", "2", "3", "4")}

    def generate(self, year: int, scale: float) -> pa.Table:
        world, spec, cat = self.world, self.spec, self.catalogue
        rng = np.random.default_rng([self.seed, year, _source_index(spec.name)])
        if spec.name == "npr_som":
            targets = som_targets(year, scale)
        else:
            targets = other_targets(spec.name, year, scale, self.region_weights(year))
        cell_weight = self._cell_weight(year)
        person_parts, type_parts, count_parts = [], [], []
        offset = 0
        people_all: list[People] = []
        type_profiles = {
            EMERGENCY: utilisation_profile("som_emergency") if spec.name == "npr_som" else self.profile,
            PLANNED: utilisation_profile("som_inpatient") if spec.name == "npr_som" else self.profile,
            DAY: utilisation_profile("som_day") if spec.name == "npr_som" else self.profile,
        }
        region_rows: list[int] = []
        for i, region in enumerate(targets.regions):
            first_part = len(count_parts)
            mask = (world.unit_rhf == region)[:, None, None]
            n_total = int(round(targets.patients_total[i]))
            people = world.sample_people(rng, year, n_total, cell_weight * mask)
            n = len(people)
            base = np.maximum(self.profile[people.sex, people.age], 1e-9)
            rel = {c: type_profiles[c][people.sex, people.age] / base for c in type_profiles}
            in_n = int(round(targets.patients_inpatient[i]))
            inpatient = weighted_sample_without_replacement(rng, rel[PLANNED] + rel[EMERGENCY], in_n)
            em_n = int(round(targets.patients[i, EMERGENCY]))
            pl_n = int(round(targets.patients[i, PLANNED]))
            em_local = weighted_sample_without_replacement(rng, rel[EMERGENCY][inpatient], min(em_n, inpatient.size))
            emergency = inpatient[em_local]
            not_em = np.setdiff1d(inpatient, emergency)
            extra_pl = weighted_sample_without_replacement(
                rng, np.ones(emergency.size), max(pl_n - not_em.size, 0))
            planned = np.concatenate((not_em, emergency[extra_pl]))
            day = weighted_sample_without_replacement(rng, rel[DAY], int(round(targets.patients[i, DAY])))
            covered = np.zeros(n, dtype=bool)
            covered[inpatient] = True
            covered[day] = True
            must = np.flatnonzero(~covered)
            out_n = int(round(targets.patients[i, OUTPATIENT]))
            rest = np.flatnonzero(covered)
            fill = rest[weighted_sample_without_replacement(rng, np.ones(rest.size), max(out_n - must.size, 0))]
            outpatient = np.concatenate((must, fill))
            intensity = 0.6 + people.age / 60.0
            for care, members, total in (
                (OUTPATIENT, outpatient, targets.contacts[i, OUTPATIENT]),
                (DAY, day, targets.contacts[i, DAY]),
                (PLANNED, planned, targets.contacts[i, PLANNED]),
                (EMERGENCY, emergency, targets.contacts[i, EMERGENCY]),
            ):
                counts = _counts(rng, members.size, total, intensity[members])
                person_parts.append(members + offset)
                type_parts.append(np.full(members.size, care))
                count_parts.append(counts)
            n_returned = int(round(targets.returned[i]))
            if n_returned and inpatient.size:
                who = inpatient[rng.integers(0, inpatient.size, n_returned)]
                person_parts.append(who + offset)
                type_parts.append(np.full(n_returned, RETURNED))
                count_parts.append(np.ones(n_returned, dtype=np.int64))
            people_all.append(people)
            region_rows.append(int(sum(c.sum() for c in count_parts[first_part:])))
            offset += n
        people = _concat_people(people_all)
        members = np.concatenate(person_parts)
        care = np.concatenate(type_parts)
        counts = np.concatenate(count_parts)
        person = np.repeat(members, counts)
        care = np.repeat(care, counts)
        # contacts are built region by region (people are in region order): the temporaries of
        # one region at a time keep the peak memory of a national year in check
        ends = np.cumsum(region_rows)
        starts = np.concatenate(([0], ends[:-1]))
        care_group = np.where(care == RETURNED, PLANNED, care)
        totals = np.bincount(care_group, minlength=4).astype(float)
        chunks = []
        for start, end in zip(starts, ends):
            if end <= start:
                continue
            share = np.bincount(care_group[start:end], minlength=4) / np.maximum(totals, 1.0)
            chunks.append(self._contacts(rng, year, people, person[start:end], care[start:end],
                                         targets.private_contacts * share, id_offset=int(start)))
        return pa.concat_tables(chunks)

    # -- contacts ------------------------------------------------------------------------------
    def _contacts(self, rng: np.random.Generator, year: int, people: People, person: np.ndarray,
                  care: np.ndarray, private_contacts: np.ndarray, id_offset: int) -> pa.Table:
        """One row per contact; every text column is built as a dictionary (code index) array."""
        world, spec, cat = self.world, self.spec, self.catalogue
        n = person.shape[0]
        sex = people.sex[person]
        unit = people.unit[person]
        hf = world.unit_hf_index[unit]
        n_hf = world.hf_codes.shape[0]
        # dates: the discharge (or contact) day within the delivered months
        mw = month_weights(year)
        month = rng.choice(12, size=n, p=mw / mw.sum())
        month_start = np.array([np.datetime64(f"{year}-{m + 1:02d}-01") for m in range(12)])
        month_days = np.array([
            (np.datetime64(f"{year + (m == 11)}-{(m + 1) % 12 + 1:02d}-01") - month_start[m]).astype(int)
            for m in range(12)])
        day = (rng.random(n) * month_days[month]).astype(np.int64)
        discharge = month_start[month] + day.astype("timedelta64[D]")
        # age at the contact: each person's birthday (fixed by the id) passed or not
        birthday = (people.person_id[person] % np.uint64(365)).astype(np.int64)
        day_of_year = (discharge - np.datetime64(f"{year}-01-01")).astype(np.int64)
        age = people.age[person] + (day_of_year >= birthday)
        care_group = np.where(care == RETURNED, PLANNED, care)
        # clinical profile by (care type, sex, single-year age, HF area)
        age_idx = np.minimum(age, N_AGES - 1)
        group = ((care_group * 2 + sex) * N_AGES + age_idx) * n_hf + hf
        probs = (cat.care_weight.T[:, None, None, None, :]
                 * np.transpose(cat.age_weight, (1, 2, 0))[None, :, :, None, :]
                 * self.hf_profile_factor.T[None, None, None, :, :])
        for c, f in cat.fallback.items():
            probs[c, :, :, :, f] += 1e-9
        profile = categorical_by_group(rng, group, probs.reshape(-1, cat.n))
        # a patient's repeated contacts of one care type mostly share a profile
        key = person.astype(np.int64) * 8 + care
        _, first_index, inverse = np.unique(key, return_index=True, return_inverse=True)
        profile = np.where(rng.random(n) < 0.7, profile[first_index][inverse], profile)

        # length of stay (overnight rule: an inpatient stay has at least one night)
        inpatient = care >= PLANNED
        los = np.zeros(n, dtype=np.int64)
        mean = np.where(care == EMERGENCY, spec.los_mean[1], spec.los_mean[0])
        los[inpatient] = rng.geometric(1.0 / np.maximum(mean[inpatient], 1.01))
        los = np.minimum(los, 365)
        admission = discharge - los.astype("timedelta64[D]")

        org = self._institutions(rng, care, profile, hf, unit, private_contacts)

        kind = cat.kind_index[profile]
        surgical = cat.drg_type[profile] == "K"
        urgency = np.full(n, 4)
        urgency = np.where(care == EMERGENCY, rng.choice([1, 2, 3], size=n, p=[0.8, 0.12, 0.08]), urgency)
        urgency = np.where(care == RETURNED, 5, urgency)
        urgency = np.where((care == OUTPATIENT) & (rng.random(n) < 0.04), 1, urgency)
        k = KIND_INDEX
        activity = np.select(
            [inpatient & (kind == k["rehabilitation"]), inpatient & (los > 1), inpatient,
             (care == DAY) & (kind == k["dialysis"]), (care == DAY) & surgical, care == DAY,
             kind == k["rehabilitation"], kind == k["chemotherapy"], kind == k["radiotherapy"]],
            [0, 1, 2, 9, 4, 3, 6, 7, 8], default=5)
        service = np.select(
            [inpatient, (care == DAY) & surgical, care == DAY, kind == k["consultation"]],
            [SERVICE.index("dogn"), SERVICE.index("dagkirurgi"), SERVICE.index("dagmedisin"),
             SERVICE.index("poliklinisk_konsultasjon")],
            default=SERVICE.index("poliklinisk_prosedyre"))
        consultation = service == SERVICE.index("poliklinisk_konsultasjon")
        # remote consultations (2 video, 3 telephone): RBF indicator 1
        share = year_trend(year)[spec.video_column] * self.hf_remote_factor[hf]
        remote = consultation & (rng.random(n) < share)
        contact_form = np.where(remote, np.where(rng.random(n) < 0.55, 2, 3), 1)
        # STG groups on outpatient contacts (RBF indicators 2-5 and 8)
        stg = np.zeros(n, dtype=np.int64)  # 0 = none
        u = rng.random(n)
        acc = np.zeros(n)
        for code, rate in spec.stg_rates:
            if code.endswith("11") and year < 2021:
                continue  # digital home follow-up with medical equipment is new
            r = rate * self.hf_stg_factor[hf]
            hit = (care == OUTPATIENT) & (stg == 0) & (u >= acc) & (u < acc + r)
            stg[hit] = STG_VOCAB.index(code)
            acc = acc + r
        has_stg = stg > 0
        service = np.where(has_stg, SERVICE.index("saertjenestegruppe"), service)
        contact_form = np.where(has_stg, np.where(rng.random(n) < 0.5, 1, 3), contact_form)

        # codes
        main = cat.diag_offset[profile] + (rng.random(n) * cat.diag_size[profile]).astype(np.int64)
        secondary = self._secondary(rng, n, age)
        procedures = self._procedures(rng, n, profile, consultation, year)
        points = cat.isf_points[profile] * np.exp(rng.normal(0, 0.18, n))
        points = np.where(inpatient, points * (0.75 + 0.08 * np.minimum(los, 20)), points)
        points = np.where(has_stg, 0.03, points)
        counting = np.where(rng.random(n) < 0.985, 1, 0)
        if spec.contracted:
            payer = np.full(n, 50)
        else:
            private = self.org_is_private[org]
            payer = np.where(private, rng.choice([40, 47, 80], size=n, p=[0.3, 0.5, 0.2]), 1)
        odd = rng.random(n) < 0.006
        payer = np.where(odd, rng.choice([11, 12, 30, 60], size=n), payer)
        counting = np.where(np.isin(payer, [12, 30, 60]), 0, counting)

        # residence as numbered in the contact year; a few residents have no fixed address
        muni, district, muni_vocab, district_vocab = world.residence_code_index(rng, year, unit)
        no_address = rng.random(n) < 0.0015
        unlinkable = rng.random(n) < 0.002

        # rows by discharge day (a stable radix sort on a small integer is cheap)
        order = np.argsort(day_of_year.astype(np.int16), kind="stable")
        ids = (np.int64(_source_index(spec.name) + 1) * np.int64(10**13) + np.int64(year) * np.int64(10**9)
               + np.arange(id_offset + 1, id_offset + n + 1, dtype=np.int64))
        blank = np.zeros(n, dtype=bool)
        o = order
        columns = {
            "kontakt_id": pa.array(ids),
            "lopenr": pa.array(people.person_id[person][o], mask=unlinkable[o]),
            "kjonn": pa.array((sex + 1)[o].astype(np.int8)),
            "fodselsar": pa.array(people.birth_year[person][o].astype(np.int16)),
            "alder": pa.array(age[o].astype(np.int16)),
            "komnrhjem": _dict(muni[o], muni_vocab, no_address[o]),
            "bydelhjem": _dict(district[o], district_vocab, no_address[o]),
            "orgnr": _dict(org[o], self.org_vocab, blank),
            "omsorgsniva": pa.array(np.where(inpatient, 1, np.where(care == DAY, 2, 3))[o].astype(np.int8)),
            "innmatehast": pa.array(urgency[o].astype(np.int8)),
            "inndato": pa.array(admission[o], type=pa.date32()),
            "utdato": pa.array(discharge[o], type=pa.date32()),
            "hovedtilstand": _dict(main[o], cat.diag_vocab, blank),
            **{f"bitilstand_{i + 1}": _dict(secondary[i][o], SECONDARY_POOL, secondary[i][o] < 0)
               for i in range(N_SECONDARY_SLOTS)},
            **{f"prosedyre_{i + 1}": _dict(procedures[i][o], self.proc_vocab, procedures[i][o] < 0)
               for i in range(N_PROCEDURE_SLOTS)},
            "fagomrade": _dict(cat.specialty_index[profile][o], cat.specialty_vocab, blank),
            "drg": _dict(cat.drg_index[profile][o], cat.drg_vocab, has_stg[o]),
            "drg_type": _dict(cat.drg_type_index[profile][o], cat.drg_type_vocab, has_stg[o]),
            "korrvekt": pa.array(np.round(points, 3)[o]),
            "isf_tellende": pa.array(counting[o].astype(np.int8)),
            "drg_tjenestetype": _dict(service[o], np.array(SERVICE), blank),
            "aktivitetskategori": pa.array(activity[o].astype(np.int8)),
            "kontaktform": pa.array(contact_form[o].astype(np.int8)),
            "stg": _dict(stg[o], np.array(STG_VOCAB), stg[o] == 0),
            "debitor": pa.array(payer[o].astype(np.int16)),
        }
        return contract_table(self.spec.name, columns)

    def _secondary(self, rng: np.random.Generator, n: int, age: np.ndarray) -> list[np.ndarray]:
        n_sec = rng.poisson(np.clip(age / 40.0, 0.1, 2.5))
        return [np.where(n_sec > s, rng.integers(0, SECONDARY_POOL.size, n), -1)
                for s in range(N_SECONDARY_SLOTS)]

    def _procedures(self, rng: np.random.Generator, n: int, profile: np.ndarray, consultation: np.ndarray,
                    year: int) -> list[np.ndarray]:
        cat = self.catalogue
        slots = [np.full(n, -1, dtype=np.int64) for _ in range(N_PROCEDURE_SLOTS)]
        with_codes = np.flatnonzero(cat.has_procedures[profile])
        first = categorical_by_group(rng, profile[with_codes], self.proc_probs)
        slots[0][with_codes] = first
        # a second, different code of the same group on some contacts (bilateral, combined)
        second = categorical_by_group(rng, profile[with_codes], self.proc_probs)
        add = (rng.random(with_codes.size) < 0.12) & (second != first)
        slots[1][with_codes[add]] = second[add]
        # digital follow-up (WMGA28) and completed online programmes (IEAB20): RBF 6 and 7
        if year >= 2020:
            u = rng.random(n)
            free = np.where(slots[0] < 0, 0, np.where(slots[1] < 0, 1, 2))
            for code, lo, hi in (("WMGA28", 0.0, 0.012), ("IEAB20", 0.012, 0.019)):
                hit = consultation & (u >= lo) & (u < hi)
                code_index = int(np.searchsorted(self.proc_vocab, code))
                for s in range(3):
                    slots[s] = np.where(hit & (free == s), code_index, slots[s])
        return slots

    def _institutions(self, rng: np.random.Generator, care: np.ndarray, profile: np.ndarray,
                      hf: np.ndarray, unit: np.ndarray, private_contacts: np.ndarray) -> np.ndarray:
        """Index into ``org_vocab`` of the treating institution (or contracted practice)."""
        world, spec, cat = self.world, self.spec, self.catalogue
        n = care.shape[0]
        if spec.contracted:
            return self._contracted(rng, profile, unit)
        pool = self.pool
        org = np.full(n, -1, dtype=np.int64)
        # where patients go: own HF area 90%, another HF in the own RHF 7.5%, another RHF 2.5%
        u = rng.random(n)
        n_hf = world.hf_codes.shape[0]
        target_hf = hf.copy()
        same_rhf = (u >= 0.90) & (u < 0.975)
        other_rhf = u >= 0.975
        pick = rng.random(n)
        for h in range(n_hf):
            rhf = world.hf_rhf
            for sel_mask, candidates in (
                (same_rhf, np.flatnonzero((rhf == rhf[h]) & (np.arange(n_hf) != h))),
                (other_rhf, np.flatnonzero(rhf != rhf[h])),
            ):
                sel = sel_mask & (hf == h)
                if candidates.size and sel.any():
                    target_hf[sel] = candidates[(pick[sel] * candidates.size).astype(np.int64)]
        for h in range(n_hf):
            sel = np.flatnonzero(target_hf == h)
            options = pool["per_hf"][h]
            if sel.size and options.size:
                # the first institutions listed for an HF are its main hospitals
                w = 1.0 / (1.0 + np.arange(options.size))
                org[sel] = options[rng.choice(options.size, size=sel.size, p=w / w.sum())]
        if (org < 0).any():
            raise ValueError(f"{spec.name}: no institution for {(org < 0).sum()} contacts")
        # private hospitals with an agreement with the patient's RHF (seed 002 table 3 for SOM)
        private_orgs, private_rhf = pool["private_org"], pool["private_rhf"]
        if private_orgs.size:
            for c in range(4):
                in_type = np.flatnonzero(np.where(care == RETURNED, PLANNED, care) == c)
                if in_type.size == 0:
                    continue
                w = cat.private_share[profile[in_type]] * self.hf_private_factor[hf[in_type]]
                if spec.name == "npr_som":
                    k = int(np.floor(private_contacts[c]) + (rng.random() < private_contacts[c] % 1))
                else:
                    k = int(round(float(w.sum())))
                chosen = in_type[weighted_sample_without_replacement(rng, w, min(k, int((w > 0).sum())))]
                rhf = world.hf_rhf[hf[chosen]]
                for r in np.unique(rhf):
                    sel = chosen[rhf == r]
                    options = private_orgs[private_rhf == r]
                    if options.size == 0:
                        options = private_orgs
                    org[sel] = options[rng.integers(0, options.size, sel.size)]
        return org

    def _contracted(self, rng: np.random.Generator, profile: np.ndarray, unit: np.ndarray) -> np.ndarray:
        world, cat = self.world, self.catalogue
        reg = world.contracted_specialists
        sector = "somatic" if self.spec.sector == "somatic" else "mental_health"
        keep = reg["sector"] == sector
        ids = np.searchsorted(self.org_vocab, reg["practice_id"][keep])
        spec_codes, rhf = reg["specialty_code"][keep], reg["agreement_rhf_code"][keep]
        org = np.full(profile.shape[0], -1, dtype=np.int64)
        contact_rhf = world.unit_rhf[unit]
        specialty = cat.specialty[profile] if sector == "somatic" else np.full(profile.shape[0], "320")
        u = rng.random(profile.shape[0])
        for s in np.unique(specialty):
            for r in np.unique(contact_rhf):
                sel = np.flatnonzero((specialty == s) & (contact_rhf == r))
                if sel.size == 0:
                    continue
                options = ids[(spec_codes == s) & (rhf == r)]
                if options.size == 0:
                    options = ids[spec_codes == s]
                if options.size == 0:
                    options = ids[rhf == r]
                org[sel] = options[(u[sel] * options.size).astype(np.int64)]
        return org


SERVICE = ("dogn", "dagkirurgi", "dagmedisin", "poliklinisk_konsultasjon", "poliklinisk_prosedyre",
           "saertjenestegruppe")
KINDS = ("consultation", "procedure", "medical_admission", "dialysis", "chemotherapy", "radiotherapy",
         "rehabilitation")
KIND_INDEX = {k: i for i, k in enumerate(KINDS)}
STG_VOCAB = ("", "TS08A", "TS08B", "TS01", "XS08", "XS09", "CS11", "ES11", "HS11", "JS11", "XS11")
#: Common secondary diagnoses (comorbidity), drawn more often with age.
SECONDARY_POOL = np.array(["I10", "E119", "J449", "I489", "E039", "E669", "F329", "M179", "N183",
                           "Z921", "E785", "J459", "K219", "G473", "D649", "Z880"])


def _dict(indices: np.ndarray, vocab: np.ndarray, null: np.ndarray) -> pa.DictionaryArray:
    """A dictionary-encoded text column: ``vocab[indices]``, null (empty field) where ``null``."""
    idx = np.where(null, 0, indices).astype(np.int32)
    return pa.DictionaryArray.from_arrays(pa.array(idx, mask=null), pa.array(np.asarray(vocab, dtype=str)))


def _concat_people(parts: list[People]) -> People:
    return People(*(np.concatenate([getattr(p, f) for p in parts])
                    for f in ("unit", "sex", "age", "birth_year", "person_id")))


def _source_index(name: str) -> int:
    from ..config import SOURCES as ALL

    return ALL.index(name)
