"""scripts/lint.py, the linter in processes of its own (issue 29): every file linted once, in
shares dealt out in turn, and the run fails when any process fails."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "scripts"))

from lint import shares  # noqa: E402


def test_files_are_dealt_out_in_turn_once_each() -> None:
    files = [f"f{i}.sql" for i in range(7)]
    assert shares(files, 2) == [["f0.sql", "f2.sql", "f4.sql", "f6.sql"], ["f1.sql", "f3.sql", "f5.sql"]]
    assert shares(files[:1], 3) == [["f0.sql"]]
    assert sorted(sum(shares(files, 3), [])) == files


def _run(tmp_path: Path, command: str) -> subprocess.CompletedProcess:
    for name in ("a", "b", "c"):
        (tmp_path / f"{name}.sql").write_text("select 1\n")
    return subprocess.run([sys.executable, str(REPO / "scripts" / "lint.py"), "--processes", "2",
                           "--sqlfluff", command, str(tmp_path)], capture_output=True, text=True)


def test_the_run_fails_when_a_process_fails(tmp_path: Path) -> None:
    assert _run(tmp_path, "true").returncode == 0
    assert _run(tmp_path, "false").returncode == 1


def test_each_process_gets_its_share_of_the_files(tmp_path: Path) -> None:
    result = _run(tmp_path, "echo")  # echo prints `lint` and the files it was given
    lines = result.stdout.splitlines()
    assert lines == [f"lint {tmp_path}/a.sql {tmp_path}/c.sql", f"lint {tmp_path}/b.sql"], lines
