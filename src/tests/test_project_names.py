"""Names dbt turns into relations fit every target: PostgreSQL cuts identifiers at 63 bytes
and dbt refuses a longer relation name, so a long model or unit-test name breaks only the
PostgreSQL build (a unit test runs as a relation of its own name)."""

from __future__ import annotations

from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[2]
#: PostgreSQL's NAMEDATALEN - 1
MAX_IDENTIFIER = 63


def _names() -> dict[str, str]:
    names = {path.stem: str(path.relative_to(REPO)) for folder in ("models", "seeds", "snapshots")
             for path in (REPO / folder).rglob("*") if path.suffix in (".sql", ".csv")}
    for path in (REPO / "models").rglob("*.yml"):
        for test in (yaml.safe_load(path.read_text("utf-8")) or {}).get("unit_tests") or []:
            names[test["name"]] = str(path.relative_to(REPO))
    return names


def test_every_relation_name_fits_postgres() -> None:
    names = _names()
    assert len(names) > 100  # the models, seeds and unit tests were found
    too_long = {name: where for name, where in names.items() if len(name.encode("utf-8")) > MAX_IDENTIFIER}
    assert not too_long, f"names longer than {MAX_IDENTIFIER} bytes (PostgreSQL): {too_long}"
