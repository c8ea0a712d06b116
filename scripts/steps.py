#!/usr/bin/env python3
"""Run `make` targets as timed steps and print a table of what each cost (issue 29).

    scripts/steps.py [--finally COMMAND] [--table FILE] [--unniced TARGET] TARGET[&] | wait:TARGET ...

The TARGETs run one after the other (`make --no-print-directory TARGET`), output streamed as
usual. A TARGET written with a trailing `&` starts at its place in the sequence and runs
beside the steps after it, its output kept in target/steps/<target>.log and printed whole
when it ends (so outputs do not interleave); `wait:TARGET` waits there until that step has
ended (a step that needs its result), and the run waits for all before the table. A step
beside the others runs niced (BACKGROUND_NICE), so that the steps in sequence, which the
rest waits for, get the cores first; --unniced TARGET (repeatable) keeps a step beside the
others at their priority: one that starts late and would otherwise end last, alone on one core
while the other cores idle. The
first failing step stops the sequence (a step already running beside is still waited for,
so its output and verdict are shown too); --finally runs in every case (e.g. stopping the
test database server).

At the end, also on failure, a table: step, when it started (seconds into the run), wall
seconds, CPU seconds (user + system of the step's processes; on a shared machine CPU says more
than wall), result; and the total. The same rows go to --table as tab-separated values, so a
slow step is seen the day it appears.

Processes a step leaves behind count too. A process whose parent ends without waiting for it
(a daemon such as the PostgreSQL test server, or the browser's renderers when the browser
closes) is handed to the nearest "subreaper" ancestor, else to init, and its CPU would be
counted nowhere. This script makes itself that subreaper (Linux prctl), collects those
processes when the steps and --finally have ended, and adds a row per command name ("left
behind: chromium") with their CPU seconds, which the total includes.
Standard library only: it runs before the virtual environment exists.
"""

from __future__ import annotations

import argparse
import os
import resource
import shlex
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

LOG_DIR = Path("target/steps")
#: The niceness of a step that runs beside the others (the steps in sequence keep 0).
BACKGROUND_NICE = 10
#: prctl option: this process adopts its descendants' orphans (linux/prctl.h)
PR_SET_CHILD_SUBREAPER = 36
#: Seconds to wait at the end for the processes the steps left behind to end.
LEFT_BEHIND_WAIT = 5.0


@dataclass
class Step:
    target: str
    background: bool = False
    #: a step beside the others that is not niced (--unniced)
    unniced: bool = False
    process: subprocess.Popen | None = None
    started: float = 0.0
    wall: float = 0.0
    cpu: float = 0.0
    status: str = "not run"
    log: Path | None = None

    def offset(self, origin: float) -> float | None:
        """When the step started, in seconds after ``origin``; None when it did not run."""
        return None if self.status == "not run" else self.started - origin


def _start(step: Step) -> None:
    command = ["make", "--no-print-directory", step.target]
    step.started = time.monotonic()
    if step.background:
        LOG_DIR.mkdir(parents=True, exist_ok=True)
        step.log = LOG_DIR / f"{step.target}.log"
        with step.log.open("wb") as out:
            # a step beside the others runs at a lower priority (nice): the steps in sequence
            # are the chain everything waits for, and the cores go to them first
            nice = [] if step.unniced else ["nice", "-n", str(BACKGROUND_NICE)]
            step.process = subprocess.Popen([*nice, *command], stdout=out, stderr=subprocess.STDOUT)
        print(f"==> {step.target}: started beside the other steps (output: {step.log})", flush=True)
    else:
        print(f"==> {step.target}", flush=True)
        step.process = subprocess.Popen(command)


def _wait(step: Step) -> bool:
    assert step.process is not None
    # wait4: the exit status and the resources of this child and the descendants it waited for
    _, status, usage = os.wait4(step.process.pid, 0)
    step.process.returncode = os.waitstatus_to_exitcode(status)
    step.wall = time.monotonic() - step.started
    step.cpu = usage.ru_utime + usage.ru_stime
    step.status = "ok" if step.process.returncode == 0 else f"FAILED (exit {step.process.returncode})"
    if step.background and step.log is not None:
        print(f"==> {step.target} (ran beside the other steps): {step.status}, output:", flush=True)
        sys.stdout.write(step.log.read_text("utf-8", "replace"))
        sys.stdout.flush()
    return step.process.returncode == 0


def _become_subreaper() -> bool:
    """Whether this process now adopts the orphaned processes of its descendants (Linux
    PR_SET_CHILD_SUBREAPER) instead of init."""
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        return libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) == 0
    except (OSError, AttributeError):
        return False


def _command_name(pid: int) -> str:
    """The command name of a (zombie) process, from /proc."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text("utf-8", "replace")
        return stat[stat.index("(") + 1:stat.rindex(")")]
    except (OSError, ValueError):
        return "?"


def _reap_left_behind(timeout: float) -> dict[str, float]:
    """Waits up to ``timeout`` seconds for the processes the steps left behind (adopted by
    this subreaper) and reaps them: CPU seconds per command name (each with the processes it
    waited for itself, e.g. a server's workers)."""
    left: dict[str, float] = {}
    deadline = time.monotonic() + timeout
    while True:
        try:
            # the next ended child, not yet reaped (WNOWAIT): its name is still in /proc
            ended = os.waitid(os.P_ALL, 0, os.WEXITED | os.WNOHANG | os.WNOWAIT)
        except ChildProcessError:
            return left  # no child left at all
        if ended is None:  # only running children: wait a little for them
            if time.monotonic() >= deadline:
                return left
            time.sleep(0.1)
            continue
        name = _command_name(ended.si_pid)
        _, _, usage = os.wait4(ended.si_pid, 0)
        left[name] = left.get(name, 0.0) + usage.ru_utime + usage.ru_stime


def _table(steps: list[Step], origin: float, wall: float, cpu: float, left: dict[str, float]) -> str:
    width = max(len("step"), *(len(s.target) + (13 if s.background else 0) for s in steps),
                *(len(f"left behind: {name}") for name in left))
    lines = [f"{'step':<{width}}  {'start s':>8}  {'wall s':>8}  {'CPU s':>8}  result",
             f"{'-' * width}  {'-' * 8}  {'-' * 8}  {'-' * 8}  ------"]
    for s in steps:
        name = s.target + (" (background)" if s.background else "")
        ran = s.status != "not run"
        offset = s.offset(origin)
        start = f"{'':>8}" if offset is None else f"{offset:>8.1f}"
        lines.append(f"{name:<{width}}  {start}  {s.wall if ran else 0:>8.1f}  {s.cpu if ran else 0:>8.1f}  {s.status}")
    for name, seconds in left.items():
        lines.append(f"{'left behind: ' + name:<{width}}  {'':>8}  {'':>8}  {seconds:>8.1f}")
    lines.append(f"{'total':<{width}}  {'':>8}  {wall:>8.1f}  {cpu:>8.1f}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("targets", nargs="+", metavar="TARGET[&]")
    parser.add_argument("--finally", dest="final", metavar="COMMAND")
    parser.add_argument("--table", type=Path, metavar="FILE")
    parser.add_argument("--unniced", action="append", default=[], metavar="TARGET",
                        help="a step beside the others that runs at their priority, not niced")
    args = parser.parse_args(argv)

    started = time.monotonic()
    adopts = _become_subreaper()
    cpu_before = resource.getrusage(resource.RUSAGE_CHILDREN)
    # the targets in order, each with its step (None for a `wait:`)
    plan = [(t, None if t.startswith("wait:") else Step(t.removesuffix("&"), background=t.endswith("&")))
            for t in args.targets]
    steps = [step for _, step in plan if step is not None]
    for name in args.unniced:
        found = [s for s in steps if s.target == name and s.background]
        if not found:
            parser.error(f"--unniced {name}: no step {name}& to run unniced")
        found[0].unniced = True
    waiters: dict[str, threading.Thread] = {}
    for token in args.targets:
        name = token.removeprefix("wait:")
        if token.startswith("wait:") and not any(s.background and s.target == name for s in steps):
            parser.error(f"{token}: no step {name}& before it")
    ok = True
    try:
        for token, step in plan:
            if step is None:
                waiters[token.removeprefix("wait:")].join()
                if any(s.target == token.removeprefix("wait:") and s.status != "ok" for s in steps):
                    ok = False
                    break
                continue
            _start(step)
            if step.background:
                waiters[step.target] = threading.Thread(target=_wait, args=(step,), daemon=True)
                waiters[step.target].start()
            elif not _wait(step):
                ok = False
                break
        for waiter in waiters.values():
            waiter.join()
        ok = ok and all(s.status == "ok" for s in steps if s.background)
    except KeyboardInterrupt:
        ok = False
        for step in steps:
            if step.process is not None and step.process.poll() is None:
                step.process.terminate()
    finally:
        if args.final:
            subprocess.run(shlex.split(args.final), check=False)
    # every step and --finally have ended: what they left behind ends soon (or never, a
    # process that outlives the run: not counted)
    reaped = _reap_left_behind(LEFT_BEHIND_WAIT) if adopts else {}
    # the table's rows and the TSV's, most CPU first
    left = {name: seconds for name, seconds in sorted(reaped.items(), key=lambda item: -item[1])
            if seconds >= 0.05}
    cpu_after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (cpu_after.ru_utime - cpu_before.ru_utime) + (cpu_after.ru_stime - cpu_before.ru_stime)
    table = _table(steps, started, time.monotonic() - started, cpu, left)
    print(f"\n{table}\n", flush=True)
    if args.table is not None:
        args.table.parent.mkdir(parents=True, exist_ok=True)
        args.table.write_text(
            "step\tbackground\tstart_s\twall_s\tcpu_s\tresult\n"
            + "".join(f"{s.target}\t{str(s.background).lower()}\t{s.offset(started) or 0.0:.1f}\t"
                      f"{s.wall:.1f}\t{s.cpu:.1f}\t{s.status}\n" for s in steps)
            + "".join(f"left behind: {name}\t\t\t\t{seconds:.1f}\t\n" for name, seconds in left.items()),
            "utf-8")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
