#!/usr/bin/env python3
"""Lint the project's SQL with sqlfluff in several processes of its own (issue 29).

    scripts/lint.py [--processes N] [--sqlfluff PATH] DIR ...

Every `.sql` file under the DIRs, sorted, dealt out to N `sqlfluff lint` processes in turn (file
1 to the first, 2 to the second, ...), which run side by side; each one's output is printed
whole when it ends, in order, and the exit status is the worst of theirs. sqlfluff's own
`--processes` starts a new linter and builds its rules again for every file in the workers
(sqlfluff/core/linter/runner.py), about 30% more CPU on this project than one process; a
process per share builds them once (benchmarks/README.md, "Measurements behind design choices").
Standard library only.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path


def shares(files: list[str], processes: int) -> list[list[str]]:
    """The files dealt out in turn to ``processes`` shares (no empty share)."""
    return [share for share in (files[i::processes] for i in range(processes)) if share]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--processes", type=int, default=2)
    parser.add_argument("--sqlfluff", default="sqlfluff")
    parser.add_argument("dirs", nargs="+")
    args = parser.parse_args(argv)
    files = sorted(str(path) for folder in args.dirs for path in Path(folder).rglob("*.sql"))
    if not files:
        print("lint: no .sql files", file=sys.stderr)
        return 1
    running = []
    for share in shares(files, max(1, args.processes)):
        output = tempfile.TemporaryFile()
        running.append((subprocess.Popen([args.sqlfluff, "lint", *share], stdout=output,
                                         stderr=subprocess.STDOUT), output))
    status = 0
    for process, output in running:
        code = process.wait()
        status = max(status, code if code >= 0 else 1)  # a process killed by a signal fails too
        output.seek(0)
        sys.stdout.buffer.write(output.read())
        output.close()
    sys.stdout.flush()
    return status


if __name__ == "__main__":
    sys.exit(main())
