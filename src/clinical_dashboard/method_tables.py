"""Numerical tables the SQL rate engine needs: the gamma quantiles of the Fay-Feuer interval.

The Fay-Feuer (1997) 95% interval of a directly standardised rate needs the 2.5% and 97.5%
quantiles of a gamma distribution with a non-integer shape (``qgamma`` in R). No database the
project targets (DuckDB, PostgreSQL, Spark SQL) has an inverse incomplete gamma function, so
the engine interpolates in a table written here once, from SciPy's ``gammaincinv``:

- grid: ``log_shape = ln(shape)`` from ``GRID_START`` to ``GRID_END`` in steps of ``GRID_STEP``
  (shape 0.995 ... 8.9 million);
- stored: the quantile divided by the shape, ``ratio = q_p(shape) / shape``, at that grid point
  and at the next one (so the engine needs one equi-join, no self-join);
- the engine computes ``index = floor(ln(shape) / GRID_STEP)``, interpolates the ratio linearly in
  ``ln(shape)`` and multiplies by the shape. Relative error below 2.1e-7 everywhere on the grid
  (measured by ``max_interpolation_error`` and asserted in the pytest suite);
- above the grid, the engine uses the Wilson-Hilferty approximation, whose relative error is
  below 6e-13 there.

The shape of a Fay-Feuer limit is at least 1 whenever the events are whole numbers (Cauchy-
Schwarz), so the grid starts just below 1 to absorb rounding. Rebuild with
``clinical-dashboard build-method-tables`` (the CSV is committed).
"""

from __future__ import annotations

import csv
import math
from pathlib import Path

import numpy as np
from scipy.special import gammaincinv
from scipy.stats import norm

GRID_STEP = 0.0005
GRID_START_INDEX = -10  # ln(shape) = -0.005: shape 0.995
GRID_END = 16.0  # ln(shape) = 16: shape 8.886e6
LOWER_P = 0.025
UPPER_P = 0.975
TABLE_NAME = "ref_gamma_quantiles"


def _indices() -> np.ndarray:
    return np.arange(GRID_START_INDEX, int(round(GRID_END / GRID_STEP)) + 1)


def quantile_ratio(p: float, shape: np.ndarray) -> np.ndarray:
    """q_p(shape) / shape for a gamma distribution of scale 1."""
    return gammaincinv(shape, p) / shape


def wilson_hilferty_ratio(p: float, shape: np.ndarray) -> np.ndarray:
    """Wilson-Hilferty approximation of q_p(shape) / shape (what the engine uses above the grid)."""
    z = norm.ppf(p)
    return (1.0 - 1.0 / (9.0 * shape) + z / (3.0 * np.sqrt(shape))) ** 3


def table_rows() -> list[list[object]]:
    index = _indices()
    shape = np.exp(index * GRID_STEP)
    next_shape = np.exp((index + 1) * GRID_STEP)
    lower, lower_next = quantile_ratio(LOWER_P, shape), quantile_ratio(LOWER_P, next_shape)
    upper, upper_next = quantile_ratio(UPPER_P, shape), quantile_ratio(UPPER_P, next_shape)
    return [[int(i), repr(float(l)), repr(float(ln)), repr(float(u)), repr(float(un))]
            for i, l, ln, u, un in zip(index, lower, lower_next, upper, upper_next)]


def interpolate(rows: list[list[object]], shape: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """What the SQL engine does, in NumPy: (q_0.025, q_0.975) for each shape on the grid."""
    by_index = {int(r[0]): [float(v) for v in r[1:]] for r in rows}
    position = np.log(shape) / GRID_STEP
    index = np.floor(position).astype(int)
    fraction = position - index
    table = np.array([by_index[i] for i in index])
    lower = table[:, 0] + fraction * (table[:, 1] - table[:, 0])
    upper = table[:, 2] + fraction * (table[:, 3] - table[:, 2])
    return lower * shape, upper * shape


def max_interpolation_error(rows: list[list[object]], samples: int = 200_000, seed: int = 1) -> float:
    """Largest relative error of the interpolated quantiles against SciPy at random shapes."""
    rng = np.random.default_rng(seed)
    shape = np.exp(rng.uniform(0.0, GRID_END - GRID_STEP, samples))
    lower, upper = interpolate(rows, shape)
    true_lower, true_upper = gammaincinv(shape, LOWER_P), gammaincinv(shape, UPPER_P)
    return float(max(np.max(np.abs(lower / true_lower - 1)), np.max(np.abs(upper / true_upper - 1))))


def build_method_tables(seeds_dir: Path, golden_dir: Path | None = None,
                        fixtures_dir: Path | None = None) -> dict[str, int]:
    """Write seeds/method/ref_gamma_quantiles.csv and, given the golden folder, the golden
    fixtures of the engine's unit test (tests/fixtures/golden_*.csv)."""
    out = seeds_dir / "method"
    out.mkdir(parents=True, exist_ok=True)
    rows = table_rows()
    with (out / f"{TABLE_NAME}.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["grid_index", "ratio_lower", "ratio_lower_next", "ratio_upper", "ratio_upper_next"])
        writer.writerows(rows)
    counts = {TABLE_NAME: len(rows)}
    if golden_dir is not None:
        counts.update(write_golden_fixtures(golden_dir, fixtures_dir or seeds_dir.parent / "tests" / "fixtures",
                                            rows))
    return counts


def grid_constants() -> dict[str, float]:
    """The constants the SQL macro must use (checked against macros/rates/*.sql by pytest)."""
    return {"step": GRID_STEP, "end": GRID_END, "z_lower": float(norm.ppf(LOWER_P)),
            "z_upper": float(norm.ppf(UPPER_P)), "max_shape": math.exp(GRID_END)}


# --- golden fixtures of the rate engine's dbt unit test ---------------------------------------
# The engine (models/intermediate/samples/rates/int_standardised_rates.sql) is unit-tested in dbt against
# every row of the golden files in ../shared/reference/golden/ (epitools / PHEindicatormethods
# results). These functions turn the golden inputs into mocked engine inputs (one sample per
# golden file, one area per golden row: ref_samples, int_sample_periods, int_rate_population,
# int_sample_stratum_events), pick the rows of ref_gamma_quantiles the engine will join, and
# write the golden outputs rounded to the engine's published precision (PUBLISHED_DECIMALS,
# = rate_decimals() in macros/rates/rate_method.sql).
PUBLISHED_DECIMALS = 3
GOLDEN_CASES = (
    # (sample_id, age_to (gives each case its own population scope), input file, cell column,
    #  stratum column, count, population, standard population, golden output file, its cell column)
    ("golden_fleiss", 105, "fleiss_input.csv", "birth_order", "age", "count", "pop", "stdpop",
     "fleiss_golden_all_methods_per100k.csv", "birth_order"),
    ("golden_phe", 104, "phe_testdata_multiarea_input.csv", "area", "ageband", "count", "pop", "esp2013",
     "phe_testdata_golden_all_methods_per100k.csv", "area"),
)
CELL = {"measure": "contacts", "provider_option": "all", "year": 2024, "period": "year", "area_level": "hf"}


def _read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def golden_fixtures(golden_dir: Path, table: list[list[object]]) -> dict[str, list[list[object]]]:
    """The fixture tables of the golden unit test, each as [header] + rows."""
    samples = [["sample_id", "stratification", "sex_scope", "age_from", "age_to"]]
    periods = [["sample_id", "measure", "provider_option", "year", "period"]]
    population_rows = [["scope_id", "year", "area_level", "area_code", "sex", "age_group", "population",
                        "reference_weight"]]
    # int_sample_stratum_events: a column of events per period; the golden cells are whole years
    events_rows = [["sample_id", "measure", "provider_option", "year", "area_level", "area_code", "sex",
                    "age_group", "events_t1", "events_t2", "events_year"]]
    expected = [["sample_id", "area_code", "events", "population", "crude_rate", "std_rate", "std_rate_lower",
                 "std_rate_upper"]]
    indices: set[int] = set()
    for (sample_id, age_to, input_file, cell, stratum, count, pop, std, golden_file, golden_cell) in GOLDEN_CASES:
        scope_id = f"sex_age:all:0-{age_to}"
        samples.append([sample_id, "sex_age", "all", 0, age_to])
        periods.append([sample_id] + [CELL[k] for k in ("measure", "provider_option", "year", "period")])
        rows = _read_csv(golden_dir / input_file)
        golden = {row[golden_cell]: row for row in _read_csv(golden_dir / golden_file)}
        for cell_value in dict.fromkeys(row[cell] for row in rows):
            cell_rows = [row for row in rows if row[cell] == cell_value]
            events = np.array([0.0 if row[count] == "NA" else float(row[count]) for row in cell_rows])
            population = np.array([float(row[pop]) for row in cell_rows])
            weights = np.array([float(row[std]) for row in cell_rows])
            weights = weights / weights.sum()
            for row, d, n, w in zip(cell_rows, events, population, weights):
                population_rows.append([scope_id, CELL["year"], CELL["area_level"], cell_value, "all", row[stratum],
                                        repr(float(n)), repr(float(w))])
                if d > 0:
                    events_rows.append([sample_id, CELL["measure"], CELL["provider_option"], CELL["year"],
                                        CELL["area_level"], cell_value, "all", row[stratum],
                                        repr(0.0), repr(0.0), repr(float(d))])
            rate = float((weights * events / population).sum()) * 1e5
            variance = float((weights ** 2 * events / population ** 2).sum()) * 1e10
            max_weight = float((weights / population).max()) * 1e5
            for shape in (rate ** 2 / variance, (rate + max_weight) ** 2 / (variance + max_weight ** 2)):
                indices.add(int(math.floor(math.log(shape) / GRID_STEP)))
            result = golden[cell_value]
            expected.append([sample_id, cell_value] + [
                repr(round(float(result[name]), PUBLISHED_DECIMALS))
                for name in ("events", "pop", "crude", "dsr", "gammaFF_lcl", "gammaFF_ucl")])
    gamma = [["grid_index", "ratio_lower", "ratio_lower_next", "ratio_upper", "ratio_upper_next"]] + [
        row for row in table if int(row[0]) in indices]
    return {"golden_samples": samples, "golden_sample_periods": periods, "golden_rate_population": population_rows,
            "golden_stratum_events": events_rows, "golden_gamma_quantiles": gamma,
            "golden_standardised_rates": expected}


def write_golden_fixtures(golden_dir: Path, fixtures_dir: Path, table: list[list[object]]) -> dict[str, int]:
    fixtures_dir.mkdir(parents=True, exist_ok=True)
    counts = {}
    for name, rows in golden_fixtures(golden_dir, table).items():
        with (fixtures_dir / f"{name}.csv").open("w", newline="", encoding="utf-8") as handle:
            csv.writer(handle, lineterminator="\n").writerows(rows)
        counts[name] = len(rows) - 1
    return counts
