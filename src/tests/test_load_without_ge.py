"""`clinical-dashboard load --no-great-expectations` (issue 29: `make test` loads the same
extracts into DuckDB and PostgreSQL and runs Great Expectations on the first load only): the
loader's own counts and the loaded rows are those of a load with GE; only GE's part of the
report (its per-check column and the Data Docs page) is left out."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest

from clinical_dashboard.cli import main
from clinical_dashboard.generate import GeneratorConfig, run

FILES = ("npr_tsb/2023.csv", "helfo_lab/2023.csv")


@pytest.fixture(scope="module")
def raw(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("raw")
    run(GeneratorConfig(scale=0.001, seed=5, years=(2023,), sources=("npr_tsb", "helfo_lab"), out_dir=out,
                        show_progress=False))
    return out


def _load(raw: Path, work: Path, *options: str) -> tuple[dict, list[tuple]]:
    """Load ``raw`` into a fresh DuckDB file under ``work``; the report's files and the ledger."""
    assert main(["load", "--raw-dir", str(raw), "--duckdb-path", str(work / "w.duckdb"), "--report-dir",
                 str(work / "v"), "--no-progress", *options]) == 0
    report = {f["file"]: f for f in json.loads((work / "v/report.json").read_text("utf-8"))["files"]}
    with duckdb.connect(str(work / "w.duckdb"), read_only=True) as con:
        ledger = con.execute("select file, delivery_hash, rows, status, failed_expectations, check_counts "
                             "from raw._deliveries order by file").fetchall()
    return report, ledger


def test_the_flag_leaves_out_great_expectations_and_nothing_else(raw: Path, tmp_path: Path) -> None:
    with_ge, ledger_ge = _load(raw, tmp_path / "ge")
    without, ledger = _load(raw, tmp_path / "no_ge", "--no-great-expectations")
    assert set(with_ge) == set(without) == set(FILES)
    assert ledger == ledger_ge and len(ledger) == len(FILES)
    for rel in FILES:
        assert with_ge[rel]["ge"] and with_ge[rel]["ge"]["data_docs"]
        assert (tmp_path / "ge/v/files" / rel).with_suffix(".html").is_file()
        assert without[rel]["ge"] is None
        assert not (tmp_path / "no_ge/v/files" / rel).with_suffix(".html").exists()
        counts = {c["id"]: c["unexpected_count"] for c in with_ge[rel]["checks"]}
        assert counts == {c["id"]: c["unexpected_count"] for c in without[rel]["checks"]}
        assert all(c["ge"] is None for c in without[rel]["checks"])
        assert any(c["ge"] for c in with_ge[rel]["checks"])
