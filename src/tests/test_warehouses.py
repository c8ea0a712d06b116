"""The parse the pytest processes share (warehouses.py, ``_parse_file``): its name changes with
everything dbt's parse reads, and with nothing else, so that a process never reads a parse
of another tree."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from warehouses import REPO, WAREHOUSE_NAME, _parse_file


@pytest.fixture()
def tree(tmp_path: Path) -> Path:
    """A project tree with a file in each of the folders and the two files the parse reads."""
    for folder in ("models/marts", "macros", "seeds", "tests", "snapshots", "analyses"):
        (tmp_path / folder).mkdir(parents=True)
        (tmp_path / folder / "a.sql").write_text(f"select 1 -- {folder}\n", "utf-8")
    for name in ("dbt_project.yml", "profiles.yml"):
        shutil.copy(REPO / name, tmp_path / name)
    return tmp_path


def test_the_name_follows_every_input_of_the_parse(tree: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CLINICAL_DASHBOARD_PG_THREADS", raising=False)
    first = _parse_file(WAREHOUSE_NAME, tree)
    assert first == _parse_file(WAREHOUSE_NAME, tree)  # the same tree, the same name
    assert first.parent == REPO / "target" / "pytest-parses" and first.name.startswith(f"{WAREHOUSE_NAME}-")
    assert _parse_file("other.duckdb", tree) != first  # the database name is in the manifest
    names = {first}
    for changed in ("models/marts/a.sql", "macros/a.sql", "seeds/a.sql", "tests/a.sql", "snapshots/a.sql",
                    "analyses/a.sql", "dbt_project.yml", "profiles.yml"):
        before = (tree / changed).read_bytes()
        (tree / changed).write_bytes(before + b" ")
        names.add(_parse_file(WAREHOUSE_NAME, tree))
        (tree / changed).write_bytes(before)
    (tree / "models/marts/b.sql").write_text("select 2\n", "utf-8")  # a new file
    names.add(_parse_file(WAREHOUSE_NAME, tree))
    (tree / "models/marts/b.sql").rename(tree / "models/b.sql")  # a file moved
    names.add(_parse_file(WAREHOUSE_NAME, tree))
    (tree / "models/b.sql").unlink()
    assert _parse_file(WAREHOUSE_NAME, tree) == first
    monkeypatch.setenv("CLINICAL_DASHBOARD_PG_THREADS", "3")  # the profile reads it
    names.add(_parse_file(WAREHOUSE_NAME, tree))
    assert len(names) == 12, "every change gives a name of its own"


def test_the_duckdb_path_and_other_variables_do_not_change_the_name(tree: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    first = _parse_file(WAREHOUSE_NAME, tree)
    monkeypatch.setenv("CLINICAL_DASHBOARD_DUCKDB", "/somewhere/else/warehouse.duckdb")  # set per command
    monkeypatch.setenv("SOME_OTHER_VARIABLE", "x")
    (tree / "README.md").write_text("not read by the parse\n", "utf-8")
    assert _parse_file(WAREHOUSE_NAME, tree) == first
