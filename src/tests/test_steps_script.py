"""scripts/steps.py, the timed steps of `make test` and `make demo` (issue 29): each step's CPU
seconds, and the CPU of the processes a step leaves behind (orphans, which the script adopts as
a Linux subreaper) in rows of their own and in the total."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]

#: A process that burns about 0.6 CPU seconds (then touches the file it is given). Started in
#: the background by the recipe's shell, which ends at once: an orphan, as the browser's
#: renderers or the test database server are.
BURN = ("import pathlib, sys, time\nend = time.process_time() + 0.6\nwhile time.process_time() < end:\n    pass\n"
        "if sys.argv[1:]:\n    pathlib.Path(sys.argv[1]).touch()\n")

MAKEFILE = f"""\
leave:
\t{sys.executable} burn.py burnt &
own:
\t{sys.executable} burn.py
later:
\twhile [ ! -f burnt ]; do sleep 0.1; done
fail:
\texit 3
niced full:
\t{sys.executable} -c "import os; print(os.nice(0))" > $@.nice
"""


def _steps(tmp_path: Path, *targets: str, options: tuple[str, ...] = ()) -> tuple[subprocess.CompletedProcess,
                                                                                  list[list[str]]]:
    (tmp_path / "Makefile").write_text(MAKEFILE)
    (tmp_path / "burn.py").write_text(BURN)
    table = tmp_path / "steps.tsv"
    done = subprocess.run([sys.executable, str(REPO / "scripts" / "steps.py"), "--table", str(table), *options,
                           *targets],
                          cwd=tmp_path, capture_output=True, text=True, timeout=60)
    rows = [line.split("\t") for line in table.read_text("utf-8").splitlines()[1:]]
    return done, rows


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="a subreaper is Linux's (prctl)")
def test_a_process_left_behind_is_counted_in_a_row_of_its_own(tmp_path: Path) -> None:
    done, rows = _steps(tmp_path, "leave", "later")
    assert done.returncode == 0, done.stdout + done.stderr
    by_step = {row[0]: row for row in rows}
    # the step itself ended at once; its orphan's CPU is not the step's ...
    assert float(by_step["leave"][4]) < 0.3, rows
    # ... but a row of its own, named after its command, and part of the total
    left = [row for row in rows if row[0].startswith("left behind: python")]
    assert left and float(left[0][4]) >= 0.5, rows
    total = [line for line in done.stdout.splitlines() if line.startswith("total")]
    assert total and float(total[0].split()[-1]) >= 0.5, done.stdout
    assert "left behind: python" in done.stdout


def test_a_step_counts_the_processes_it_waits_for_and_a_failure_stops_the_run(tmp_path: Path) -> None:
    done, rows = _steps(tmp_path, "own", "fail", "later")
    assert done.returncode == 1
    by_step = {row[0]: row for row in rows}
    assert float(by_step["own"][4]) >= 0.5 and by_step["own"][5] == "ok", rows
    assert by_step["fail"][5] == "FAILED (exit 2)", rows  # make's exit status for a failed recipe
    assert by_step["later"][5] == "not run", rows
    assert not [row for row in rows if row[0].startswith("left behind")], rows


def test_a_step_beside_the_others_runs_niced_unless_unniced(tmp_path: Path) -> None:
    import os

    done, _ = _steps(tmp_path, "niced&", "full&", options=("--unniced", "full"))
    assert done.returncode == 0, done.stdout + done.stderr
    ours = os.nice(0)  # pytest may itself run niced (a step of `make test`)
    assert int((tmp_path / "full.nice").read_text()) == ours
    assert int((tmp_path / "niced.nice").read_text()) == min(ours + 10, 19)
    done, _ = _steps(tmp_path, "niced&", options=("--unniced", "full"))
    assert done.returncode == 2 and "--unniced full: no step full&" in done.stderr
