"""The population fraction of a delivery (issue 30, item 5): the generator states it in the
manifest, the loader reads it (no manifest or no keys: a real delivery, fraction 1), records it
with every file and refuses a warehouse of two fractions. The warehouse side (every population
times the fraction) is tested by dbt unit tests of int_rate_population and
int_rate_population_fraction (models/intermediate/_intermediate__models.yml).

The loads run without the Great Expectations pass (``NO_GE``): it only adds to the report, which
these tests do not read.
"""

from __future__ import annotations

import io
import json
import shutil
import socket
from pathlib import Path

import duckdb
import pytest

from clinical_dashboard.config import GeneratorConfig
from clinical_dashboard.delivery_scale import REAL, DeliveryScale, scale_from_manifest
from clinical_dashboard.generate import MANIFEST_NAME, run
from clinical_dashboard.load import LoadConfig, LoaderError, postgres_settings, run_load
from clinical_dashboard.validate import ValidationSettings

SOURCES = ("npr_tsb", "npr_phbu_referrals")
NO_GE = ValidationSettings(use_great_expectations=False)


@pytest.fixture(scope="module")
def delivery(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("raw")
    run(GeneratorConfig(scale=0.001, seed=5, years=(2023,), sources=SOURCES, out_dir=out, show_progress=False))
    return out


def _load(raw: Path, db: Path, **options):
    config = LoadConfig(raw_dir=raw, duckdb_path=db, report_dir=db.parent / "validation", show_progress=False,
                        validation=NO_GE, **options)
    return run_load(config, out=io.StringIO())


def _ledger(db: Path) -> list[tuple]:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute("select file, status, population_fraction, synthetic from raw._deliveries "
                           "order by attempted_at, file").fetchall()


def _manifest(raw: Path, **keys) -> None:
    """Rewrite the manifest with ``keys`` set (None: removed)."""
    data = json.loads((raw / MANIFEST_NAME).read_text("utf-8"))
    for key, value in keys.items():
        if value is None:
            data.pop(key, None)
        else:
            data[key] = value
    (raw / MANIFEST_NAME).write_text(json.dumps(data), "utf-8")


def test_the_generator_states_synthetic_and_its_scale(delivery: Path) -> None:
    manifest = json.loads((delivery / MANIFEST_NAME).read_text("utf-8"))
    assert manifest["synthetic"] is True and manifest["population_fraction"] == 0.001
    assert scale_from_manifest(manifest) == DeliveryScale(0.001, True)


@pytest.mark.parametrize("data, expected", [
    (None, REAL),  # no manifest: a real delivery
    ({"files": []}, REAL),  # a registry's manifest of row counts only
    ({"files": [], "population_fraction": 0.5}, DeliveryScale(0.5, False)),
    # a manifest of the generator before it wrote the keys
    ({"generator_version": "1", "settings": {"scale": 0.05}, "files": []}, DeliveryScale(0.05, True)),
    ({"generator_version": "1", "synthetic": True, "population_fraction": 0.05, "settings": {"scale": 0.05}},
     DeliveryScale(0.05, True)),
])
def test_the_scale_a_manifest_states(data, expected) -> None:
    assert scale_from_manifest(data) == expected


@pytest.mark.parametrize("data, message", [
    ({"population_fraction": 0}, "expected a positive number"),
    ({"population_fraction": "0.05"}, "expected a positive number"),
    ({"population_fraction": True}, "expected a positive number"),
    ({"population_fraction": 0.05, "synthetic": "yes"}, "expected true or false"),
    ({"generator_version": "1", "population_fraction": 0.05, "settings": {"scale": 0.2}}, "conflicting fractions"),
])
def test_an_unusable_fraction_is_refused(data, message) -> None:
    with pytest.raises(ValueError, match=message):
        scale_from_manifest(data)


def test_the_loader_records_the_fraction_with_every_file(delivery: Path, tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    _load(delivery, db)
    assert {(f, s, p, y) for f, s, p, y in _ledger(db)} == {
        (f"{source}/2023.csv", "loaded", 0.001, True) for source in SOURCES}
    # unchanged bytes, same fraction: nothing loaded again
    assert {r.status for r in _load(delivery, db).results} == {"unchanged"}


def test_a_delivery_without_a_manifest_is_real_with_fraction_1(delivery: Path, tmp_path: Path) -> None:
    raw = shutil.copytree(delivery, tmp_path / "raw")
    (raw / MANIFEST_NAME).unlink()
    db = tmp_path / "w.duckdb"
    _load(raw, db)
    assert {(p, y) for _, _, p, y in _ledger(db)} == {(1.0, False)}


def test_a_load_of_another_fraction_is_refused_and_loads_nothing(delivery: Path, tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    first = shutil.copytree(delivery, tmp_path / "first", ignore=shutil.ignore_patterns("npr_phbu_referrals"))
    _load(first, db)
    before = _ledger(db)
    second = shutil.copytree(delivery, tmp_path / "second", ignore=shutil.ignore_patterns("npr_tsb"))
    _manifest(second, population_fraction=0.002, settings={"scale": 0.002})
    with pytest.raises(LoaderError, match=r"population fraction 0\.002 \(as its _manifest\.json states\).*1 file\(s\) "
                                          r"of a synthetic delivery of population fraction 0\.001 \(npr_tsb/2023\.csv\)"):
        _load(second, db)
    assert _ledger(db) == before
    # a real delivery beside a synthetic one: refused as well
    _manifest(second, population_fraction=None, synthetic=None, generator_version=None)
    with pytest.raises(LoaderError, match="a real delivery"):
        _load(second, db)
    assert _ledger(db) == before
    # the same fraction: loaded beside it
    _manifest(second, population_fraction=0.001, synthetic=True, settings={"scale": 0.001}, generator_version="1")
    assert {r.status for r in _load(second, db).results} == {"loaded"}


def test_the_same_bytes_with_another_fraction_are_loaded_again(delivery: Path, tmp_path: Path) -> None:
    raw = shutil.copytree(delivery, tmp_path / "raw")
    db = tmp_path / "w.duckdb"
    _load(raw, db)
    with duckdb.connect(str(db)) as con:  # a ledger written before the loader recorded the fraction
        con.execute("update raw._deliveries set population_fraction = null, synthetic = null")
    assert {r.status for r in _load(raw, db).results} == {"loaded"}
    assert [(p, y) for _, _, p, y in _ledger(db)][-len(SOURCES):] == [(0.001, True)] * len(SOURCES)
    # a withdrawal alone (no files delivered) states no fraction and is not refused
    empty = tmp_path / "empty"
    empty.mkdir()
    (raw / "npr_tsb/2023.csv").unlink()
    _load(empty, db, withdraw=("npr_tsb/2023.csv",))
    assert _ledger(db)[-1][:2] == ("npr_tsb/2023.csv", "withdrawn")


def _postgres() -> dict | None:
    """Settings of a scratch database on the PG* server; None when no server answers."""
    settings = postgres_settings()
    try:
        socket.create_connection((settings["host"], settings["port"]), timeout=1).close()
    except OSError:
        return None
    return {**settings, "dbname": "clinical_dashboard_pytest_scale"}


@pytest.mark.skipif(_postgres() is None, reason="no PostgreSQL server at PGHOST/PGPORT")
def test_postgres_records_the_fraction_and_refuses_another(delivery: Path, tmp_path: Path) -> None:
    import psycopg2

    settings = _postgres()
    admin = psycopg2.connect(**{**settings, "dbname": "postgres"})
    admin.autocommit = True
    with admin.cursor() as cur:
        cur.execute("drop database if exists clinical_dashboard_pytest_scale")
        cur.execute("create database clinical_dashboard_pytest_scale")
    try:
        config = LoadConfig(raw_dir=delivery, target="postgres", report_dir=tmp_path / "v", show_progress=False,
                            postgres=settings, validation=NO_GE)
        run_load(config, out=io.StringIO())
        con = psycopg2.connect(**settings)
        with con.cursor() as cur:
            cur.execute("select distinct population_fraction, synthetic from raw._deliveries")
            recorded = cur.fetchall()
        con.close()
        assert recorded == [(0.001, True)]
        other = shutil.copytree(delivery, tmp_path / "other", ignore=shutil.ignore_patterns("npr_tsb"))
        _manifest(other, population_fraction=0.5, settings={"scale": 0.5})
        with pytest.raises(LoaderError, match=r"of a synthetic delivery of population fraction 0\.001 \(npr_tsb"):
            run_load(LoadConfig(raw_dir=other, target="postgres", report_dir=tmp_path / "v", show_progress=False,
                                postgres=settings, validation=NO_GE), out=io.StringIO())
    finally:
        with admin.cursor() as cur:
            cur.execute("drop database if exists clinical_dashboard_pytest_scale")
        admin.close()
