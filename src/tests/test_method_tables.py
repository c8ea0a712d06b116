"""The gamma-quantile table of the Fay-Feuer interval and the golden fixtures of the rate engine."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import numpy as np
import pytest
from scipy.special import gammaincinv

from clinical_dashboard import method_tables as mt

REPO = Path(__file__).resolve().parents[2]
SEED = REPO / "seeds" / "method" / f"{mt.TABLE_NAME}.csv"
FIXTURES = REPO / "tests" / "fixtures"
GOLDEN = REPO.parent / "shared" / "reference" / "golden"


def _committed_table() -> list[list[str]]:
    with SEED.open(newline="", encoding="utf-8") as handle:
        return list(csv.reader(handle))[1:]


def test_committed_table_is_what_the_builder_writes():
    committed = _committed_table()
    rebuilt = mt.table_rows()
    assert len(committed) == len(rebuilt)
    assert [int(row[0]) for row in committed] == [row[0] for row in rebuilt]
    # 1e-12, not exact: NumPy's exp and SciPy's gammaincinv differ by a few ulp between CPUs
    # (their SIMD paths; 2.2e-15 relative seen on one machine). Any change to the builder's
    # grid or probabilities moves the values by far more; the interpolation itself is good to
    # 2e-7 (next test), so 1e-12 cannot show in a published figure.
    np.testing.assert_allclose(np.array(committed, dtype=float)[:, 1:],
                               np.array([row[1:] for row in rebuilt], dtype=float), rtol=1e-12)


def test_interpolated_quantiles_are_within_2e7_of_scipy():
    assert mt.max_interpolation_error(_committed_table()) < 2.1e-7


@pytest.mark.parametrize("shape", [1.0, 1.5, 7.71, 82.5, 217.0, 12345.6, 8.8e6])
def test_interpolation_at_known_shapes(shape):
    lower, upper = mt.interpolate(_committed_table(), np.array([shape]))
    assert lower[0] == pytest.approx(gammaincinv(shape, 0.025), rel=2.1e-7)
    assert upper[0] == pytest.approx(gammaincinv(shape, 0.975), rel=2.1e-7)


def test_wilson_hilferty_is_exact_enough_above_the_grid():
    shape = np.exp(np.linspace(mt.GRID_END, mt.GRID_END + 5, 50))
    for p in (mt.LOWER_P, mt.UPPER_P):
        error = np.abs(mt.wilson_hilferty_ratio(p, shape) * shape / gammaincinv(shape, p) - 1)
        assert error.max() < 6e-13


def test_sql_macro_uses_the_table_constants():
    """macros/rates/fay_feuer.sql must use the grid step, end and normal quantiles of the table."""
    macro = (REPO / "macros" / "rates" / "fay_feuer.sql").read_text("utf-8")
    constants = mt.grid_constants()
    step = re.search(r"macro gamma_quantile_grid_step\(\) -%\}([0-9.]+)\{", macro).group(1)
    end = re.search(r"macro gamma_quantile_grid_max_log_shape\(\) -%\}([0-9.]+)\{", macro).group(1)
    assert float(step) == constants["step"] and float(end) == constants["end"]
    assert f"{constants['z_upper']:.15f}" in macro


@pytest.mark.skipif(not GOLDEN.is_dir(), reason="../shared/reference/golden is not beside the repository")
def test_golden_fixtures_are_in_sync_with_the_golden_files():
    for name, rows in mt.golden_fixtures(GOLDEN, _committed_table()).items():
        with (FIXTURES / f"{name}.csv").open(newline="", encoding="utf-8") as handle:
            committed = list(csv.reader(handle))
        assert committed == [[str(value) for value in row] for row in rows], name


def test_expected_golden_values_are_the_golden_files_own_numbers():
    """The expected rates of the dbt unit test are the golden outputs, not our own results."""
    with (FIXTURES / "golden_standardised_rates.csv").open(newline="", encoding="utf-8") as handle:
        expected = {(row["sample_id"], row["area_code"]): row for row in csv.DictReader(handle)}
    assert expected[("golden_fleiss", "1")]["std_rate_lower"] == "80.442"  # Fay & Feuer 1997, table 1
    assert expected[("golden_phe", "testdata_tiny")]["std_rate_upper"] == "201.511"
    assert len(expected) == 8
