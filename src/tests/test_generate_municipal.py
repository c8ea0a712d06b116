"""The municipal-register generators (KPR contacts, IPLOS services; issue 32 item 1): calibration
to seed 001, the real ICPC-2 list, and the link to NPR persons.

Seed 001 (Oslo health community, 2021): 11,555 frail elderly (75+ with reduced functional
level) among 40,805 residents 75+, about 168 per 1,000 with poor or very poor function; of the
frail, 69.48% had home health care, 40.85% practical help and 33.60% a long-term stay.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pytest

from clinical_dashboard.generate import iplos, kpr
from clinical_dashboard.generate.municipal import npr_som_patients
from clinical_dashboard.generate.world import World

SEED = 42
#: Large enough for Oslo's frail elderly (about 1,100 persons) to pin the shares to a few points.
SCALE = 0.1
YEAR = 2021


@pytest.fixture(scope="module")
def world(world_42: World) -> World:
    assert SEED == 42  # conftest's world_42: one World of seed 42 per session
    return world_42


@pytest.fixture(scope="module")
def services(world: World) -> dict[str, np.ndarray]:
    table = iplos.generate_iplos_services(world, SEED, YEAR, SCALE)
    return {c: table[c].to_numpy(zero_copy_only=False) for c in table.column_names}


@pytest.fixture(scope="module")
def contacts(world: World) -> pa.Table:
    return kpr.generate_kpr_contacts(world, SEED, YEAR, 0.01)


def _oslo_frail(services: dict[str, np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    frail = (services["komnrhjem"] == "0301") & (services["alder"] >= 75) & (services["funksjonsniva"] >= 2)
    return frail, np.unique(services["lopenr"][frail])


def _oslo_75_plus(world: World) -> float:
    """Oslo's residents 75+ in YEAR as seed 001 and SKDE count them: on 1 January of the next year."""
    return world.population_for(YEAR + 1)[world.unit_municipality == "0301"][:, :, 75:].sum()


def test_frail_elderly_per_1000_in_oslo(world: World, services: dict[str, np.ndarray]) -> None:
    frail, persons = _oslo_frail(services)
    per_1000 = persons.size / (_oslo_75_plus(world) * SCALE) * 1000
    assert 283 * 0.92 <= per_1000 <= 283 * 1.08, per_1000  # seed 001: 11,555 / 40,805
    levels = {p: lvl for p, lvl in zip(services["lopenr"][frail], services["funksjonsniva"][frail])}
    poorest = sum(1 for lvl in levels.values() if lvl >= 4) / (_oslo_75_plus(world) * SCALE) * 1000
    assert 168 * 0.9 <= poorest <= 168 * 1.1, poorest  # 'dårlig / svært dårlig funksjonsevne'


def test_services_of_the_frail_follow_seed_001(services: dict[str, np.ndarray]) -> None:
    frail, persons = _oslo_frail(services)
    for code, expected in (("helsetjenester_hjemmet", 0.6948), ("praktisk_bistand_daglige_gjoremal", 0.4085),
                           ("langtidsopphold_institusjon", 0.3360), ("dagaktivitetstilbud", 0.1531)):
        users = np.unique(services["lopenr"][frail & (services["tjeneste"] == code)]).size
        assert abs(users / persons.size - expected) < 0.05, (code, users / persons.size)


def test_frail_are_a_third_of_oslos_recipients(services: dict[str, np.ndarray]) -> None:
    oslo = services["komnrhjem"] == "0301"
    _, frail = _oslo_frail(services)
    share = frail.size / np.unique(services["lopenr"][oslo]).size
    assert 0.30 <= share <= 0.42, share  # seed 001: 11,555 of 31,990 (36%)


def test_decisions_are_in_force_in_the_year(services: dict[str, np.ndarray]) -> None:
    start = services["vedtak_start"].astype("datetime64[D]")
    end = services["vedtak_slutt"].astype("datetime64[D]")
    assert (start <= np.datetime64(f"{YEAR}-12-31")).all()
    ended = ~np.isnat(end)
    assert (end[ended] >= start[ended]).all() and (end[ended] >= np.datetime64(f"{YEAR}-01-01")).all()
    assert 0.1 < ended.mean() < 0.6, ended.mean()


def test_persons_link_to_npr_patients(world: World, services: dict[str, np.ndarray],
                                      contacts: pa.Table) -> None:
    """Most frail elderly are NPR-SOM patients of the same year, and nearly every elderly NPR-SOM
    patient has KPR contacts that year (independent draws at scale 0.01 would share 1%)."""
    npr = set(npr_som_patients(world, SEED, YEAR, SCALE).person_id.astype(str).tolist())
    frail = (services["alder"] >= 75) & (services["funksjonsniva"] >= 2)
    linked = np.mean([p in npr for p in np.unique(services["lopenr"][frail])])
    assert linked >= 0.5, linked
    patients = npr_som_patients(world, SEED, YEAR, 0.01)
    elderly = set(patients.person_id[patients.age >= 80].astype(str).tolist())
    kpr_persons = set(contacts["lopenr"].to_pylist())
    seen = np.mean([p in kpr_persons for p in elderly])
    assert seen >= 0.85, seen


def test_gp_contact_volumes(world: World, contacts: pa.Table) -> None:
    """National volumes of a year (assumed, KUHR order of magnitude): 15-20 million GP
    contacts, 1-2 million emergency-room contacts, 20,000-50,000 municipal emergency-bed stays."""
    per_type = dict(zip(*np.unique(contacts["kontakttype"].to_numpy(zero_copy_only=False), return_counts=True)))
    assert 15e6 <= per_type["fastlege"] / 0.01 <= 20e6, per_type
    assert 1e6 <= per_type["legevakt"] / 0.01 <= 2e6, per_type
    assert 2e4 <= per_type["kad"] / 0.01 <= 5e4, per_type
    unlinked = pc.sum(pc.equal(contacts["lopenr"], "")).as_py() / contacts.num_rows
    assert 0.002 < unlinked < 0.01, unlinked


def test_diagnoses_are_real_icpc2_codes(world: World, contacts: pa.Table) -> None:
    codes = contacts["hoveddiagnose"].to_numpy(zero_copy_only=False).astype(str)
    assert np.isin(codes, world.icpc2_codes).all()
    # the elderly get more chronic and frailty diagnoses (hypertension K86, dementia P70)
    age = contacts["alder"].to_numpy()
    assert np.mean(codes[age >= 75] == "K86") > 1.5 * np.mean(codes[age < 45] == "K86")
    assert np.mean(codes[age >= 75] == "P70") > 3 * np.mean(codes[age < 45] == "P70")


def test_tertial_is_the_tertial_of_the_date(contacts: pa.Table) -> None:
    month = contacts["kontaktdato"].to_numpy().astype("datetime64[M]").astype(np.int64) % 12 + 1
    assert ((month - 1) // 4 + 1 == contacts["tertial"].to_numpy()).all()


def test_no_iplos_file_for_the_partial_year() -> None:
    assert 2026 not in iplos.AVAILABLE_YEARS["iplos_services"]


def test_service_probabilities_give_the_shares_given_one_service() -> None:
    shares = np.array([float(r["frail_share"]) for r in iplos.services()])
    q = iplos.service_probabilities(shares)
    np.testing.assert_allclose(q / (1 - np.prod(1 - q)), shares, rtol=1e-6)
