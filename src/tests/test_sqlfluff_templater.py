"""The lint-only templater ``jinja_cached`` (clinical_dashboard.sqlfluff_templater) renders
exactly what sqlfluff's own jinja templater renders, compiles each macro file once per
process, and still lets the rules find violations."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from sqlfluff.core import FluffConfig, Linter

from clinical_dashboard import sqlfluff_templater

REPO = Path(__file__).resolve().parents[2]
#: macro-heavy files: the suppression passes, the year-by-year rebuild, a dispatching macro
FILES = ("models/marts/quality/fct_nki_indicators.sql", "models/intermediate/rbf/int_rbf__indicator_units.sql",
         "models/staging/npr/base/base_npr__som.sql", "tests/privacy/assert_rbf_indicators_hide_no_small_total.sql")


@pytest.fixture(scope="module")
def projects(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The repository's SQL twice: as configured (jinja_cached) and with sqlfluff's jinja."""
    plain = tmp_path_factory.mktemp("plain_jinja")
    for folder in ("models", "tests", "macros", "sqlfluff_libs"):
        shutil.copytree(REPO / folder, plain / folder, ignore=shutil.ignore_patterns("__pycache__"))
    config = (REPO / ".sqlfluff").read_text("utf-8")
    assert "templater = jinja_cached\n" in config
    (plain / ".sqlfluff").write_text(
        config.replace("templater = jinja_cached", "templater = jinja").replace(
            "[sqlfluff:templater:jinja_cached", "[sqlfluff:templater:jinja"), "utf-8")
    return REPO, plain


def _render(root: Path, file: str) -> tuple[str, str]:
    config = FluffConfig.from_path(str(root))
    rendered = Linter(config=config).render_file(str(root / file), config)
    return config.get("templater"), rendered.templated_variants[0].templated_str


def test_the_cached_templater_renders_what_sqlfluffs_jinja_renders(projects) -> None:
    cached, plain = projects
    for file in FILES:
        name, ours = _render(cached, file)
        other, theirs = _render(plain, file)
        assert (name, other) == ("jinja_cached", "jinja")
        assert ours == theirs, file
        assert len(ours) > 1000, file  # really rendered, macros expanded


def test_macro_files_are_compiled_once_per_process(projects) -> None:
    cached, _ = projects
    _render(cached, FILES[0])
    compiled = len(sqlfluff_templater._COMPILED)
    assert compiled > 50  # every macro file of macros/ and the config's stand-ins
    for file in FILES[1:]:
        _render(cached, file)
    assert len(sqlfluff_templater._COMPILED) == compiled


def test_rules_still_find_violations() -> None:
    config = FluffConfig.from_path(str(REPO))
    source = "select\n    A.x,b AS Y\nfrom {{ ref('dim_areas') }} a\n"
    result = Linter(config=config).lint_string(source, fname=str(REPO / "models/lint_probe.sql"))
    codes = {violation.rule_code() for violation in result.get_violations()}
    assert {"CP01", "LT01"} <= codes, codes
