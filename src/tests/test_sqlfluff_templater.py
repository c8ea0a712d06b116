"""The lint-only templater ``jinja_cached`` (clinical_dashboard.sqlfluff_templater) renders
exactly what sqlfluff's own jinja templater renders, compiles each macro file once per
process, and still lets the rules find violations.

sqlfluff runs in a child process: its templater imports sqlfluff_libs/dbt.py as the module
``dbt``, which would shadow dbt itself for the tests that run dbt in this process."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
#: macro-heavy files: the suppression passes, the year-by-year rebuild, a base model's quarantine and
#: residence macros (base_npr__som.sql is one macro call, a lint stand-in in .sqlfluff)
FILES = ("models/intermediate/rbf/int_nki__indicators.sql", "models/intermediate/rbf/int_rbf__indicator_units.sql",
         "models/staging/npr/base/base_npr__phbu_referrals.sql",
         "tests/privacy/assert_rbf_indicators_hide_no_small_total.sql")


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


#: Run in a child process with the project root as argv[1] and the files after it: per file the
#: templater's name, the rendered SQL and the number of compiled macro templates so far; then
#: the violations sqlfluff finds in a badly written probe (rule, line, position, description).
_CHILD = """
import json, sys
from pathlib import Path
from sqlfluff.core import FluffConfig, Linter
from clinical_dashboard import sqlfluff_templater
root = Path(sys.argv[1])
config = FluffConfig.from_path(str(root))
rendered = []
for file in sys.argv[2:]:
    variant = Linter(config=config).render_file(str(root / file), config).templated_variants[0]
    rendered.append([config.get("templater"), variant.templated_str, len(sqlfluff_templater._COMPILED)])
probe = ("select\\n    A.x,b AS Y,\\n      c  +  1 as z\\nfrom {{ ref('dim_areas') }} a where a.x = 1 and a.y = 2 "
         "and a.z = 3 and a.w = 4 and a.v = 5 and a.u = 6\\n")
linter = Linter(config=config)
# a clean file first: the probe's rules must not meet the first file's reflow sequence
assert not linter.lint_string("select 1 as a\\n", fname=str(root / "models/clean.sql")).get_violations()
result = linter.lint_string(probe, fname=str(root / "models/lint_probe.sql"))
found = sorted([v.rule_code(), v.line_no, v.line_pos, v.desc()] for v in result.get_violations())
print(json.dumps({"rendered": rendered, "violations": found}))
"""


def _sqlfluff(root: Path) -> dict:
    done = subprocess.run([sys.executable, "-c", _CHILD, str(root), *FILES], capture_output=True, text=True,
                          cwd=root, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout)


def test_the_cached_templater_renders_what_sqlfluffs_jinja_renders(projects) -> None:
    cached, plain = projects
    ours, theirs = _sqlfluff(cached), _sqlfluff(plain)
    for file, (name, sql, _), (other, plain_sql, _) in zip(FILES, ours["rendered"], theirs["rendered"]):
        assert (name, other) == ("jinja_cached", "jinja")
        assert sql == plain_sql, file
        assert len(sql) > 1000, file  # really rendered, macros expanded
    # macro files compiled once per process: the count stops growing after the first file
    counts = [count for _, _, count in ours["rendered"]]
    assert counts[0] > 50 and counts == [counts[0]] * len(FILES), counts
    # and the rules find the same violations, the layout rules among them (LT01, LT02, LT05 and
    # LT14 share one reflow sequence of the file under jinja_cached, each builds its own under jinja)
    codes = {code for code, *_ in ours["violations"]}
    assert {"CP01", "LT01", "LT02", "LT05", "LT14"} <= codes, ours["violations"]
    assert ours["violations"] == theirs["violations"]
