"""Shared fixtures: small generated deliveries, made once per test session."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from clinical_dashboard.config import DEFAULT_SEEDS_DIR, GeneratorConfig
from clinical_dashboard.generate import run

os.environ.setdefault("DBT_SEND_ANONYMOUS_USAGE_STATS", "false")

#: The scale the generator tests run at: every source and year, a few thousand rows each.
TEST_SCALE = 0.002


@pytest.fixture(scope="session")
def seeds_dir() -> Path:
    return DEFAULT_SEEDS_DIR


@pytest.fixture(scope="session")
def small_delivery(tmp_path_factory: pytest.TempPathFactory) -> tuple[GeneratorConfig, dict]:
    """Every source and year at TEST_SCALE with the default dirty rate."""
    out = tmp_path_factory.mktemp("raw_small")
    config = GeneratorConfig(scale=TEST_SCALE, seed=7, out_dir=out, dirty_rate=0.005, show_progress=False)
    return config, run(config)
