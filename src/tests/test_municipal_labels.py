"""The labels of the municipal marts (issue 32) agree with the IPLOS contract and the generator.

seeds/municipal/ref_iplos_services.csv names every service of contracts/iplos_services.yml
(column tjeneste), in the contract's order (seed 001's table), and carries seed 001's figures as
the generator's calibration table does: a service added to the contract without a label, or a
figure changed in one place only, fails here instead of as an empty row in the services mart.
"""

from __future__ import annotations

import csv
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[2]
SEED = REPO / "seeds" / "municipal" / "ref_iplos_services.csv"
CONTRACT = REPO / "contracts" / "iplos_services.yml"
GENERATOR_PARAMS = REPO / "src" / "clinical_dashboard" / "generate" / "params" / "iplos_services.csv"


def _seed_rows() -> list[dict[str, str]]:
    with SEED.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_every_contract_service_has_a_label_in_the_contract_order() -> None:
    contract = yaml.safe_load(CONTRACT.read_text("utf-8"))
    services = next(c for c in contract["columns"] if c["name"] == "tjeneste")["values"]
    rows = _seed_rows()
    assert [r["service_code"] for r in rows] == services
    assert [int(r["sort_order"]) for r in rows] == list(range(1, len(services) + 1))
    assert all(r["name_nb"].strip() and r["name_en"].strip() for r in rows)


def test_seed_figures_match_the_generator_calibration() -> None:
    with GENERATOR_PARAMS.open(encoding="utf-8", newline="") as handle:
        params = {r["service_code"]: r for r in csv.DictReader(handle)}
    for row in _seed_rows():
        param = params[row["service_code"]]
        assert row["name_nb"] == param["name_nb"], row["service_code"]
        assert int(row["seed_persons_2021"]) == int(param["frail_persons_2021"]), row["service_code"]
        assert abs(float(row["seed_share_2021"]) - int(row["seed_persons_2021"]) / 11555) < 0.00006, (
            f"{row['service_code']}: seed 001's share is persons / 11,555 frail elderly")
