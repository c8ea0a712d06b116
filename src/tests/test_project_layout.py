"""The project's SQL stays readable (issue 28, item 6): no SQL file over 250 lines, and SQL
comments say what and why, never how fast something was (measurements live in
benchmarks/README.md)."""

from __future__ import annotations

import re
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
SQL_FOLDERS = ("models", "macros", "tests", "analyses", "snapshots")
MAX_LINES = 250

#: A jinja comment ({# ... #}) or an SQL line comment (-- ...).
COMMENT = re.compile(r"\{#.*?#\}|--[^\n]*", re.S)
#: A measured time: a number with a unit of time ("12 s", "3.5 CPU s", "40 seconds", "2 min",
#: "300 ms") or a speed-up ("3x faster", "twice as slow").
TIMING = re.compile(r"\b\d+(?:[.,]\d+)?(?:\s*(?:CPU\s*)?(?:ms|secs?|seconds?|mins?|minutes?)|\s+(?:CPU\s+)?s)\b"
                    r"|\b\d+(?:[.,]\d+)?\s*x\s+(?:faster|slower)\b|\b(?:twice|times)\s+as\s+(?:fast|slow)\b", re.I)


def _sql_files() -> list[Path]:
    files = sorted(p for folder in SQL_FOLDERS for p in (REPO / folder).rglob("*.sql"))
    assert len(files) > 100, files  # the project's SQL was found
    return files


def test_no_sql_file_is_longer_than_250_lines() -> None:
    long = {str(p.relative_to(REPO)): n for p in _sql_files()
            if (n := len(p.read_text("utf-8").splitlines())) > MAX_LINES}
    assert not long, f"SQL files over {MAX_LINES} lines (split them: a macro, a model of its own): {long}"


def test_sql_comments_carry_no_timings() -> None:
    found = {}
    for path in _sql_files():
        for comment in COMMENT.findall(path.read_text("utf-8")):
            if match := TIMING.search(comment):
                found.setdefault(str(path.relative_to(REPO)), []).append(match.group(0))
    assert not found, f"timings in SQL comments (they belong in benchmarks/README.md): {found}"


def test_the_timing_pattern_finds_timings_and_nothing_else() -> None:
    for text in ("-- took 12 s", "{# 3.5 CPU s on DuckDB #}", "-- 40 seconds nationally", "-- 2 min",
                 "-- 300 ms", "-- 3x faster", "-- twice as slow"):
        assert TIMING.search(COMMENT.findall(text)[0]), text
    for text in ("-- 30 days", "-- the 1990s", "-- 5 strata", "-- scale 0.05", "-- a stay of 365 days",
                 "-- T1 is months 1-4", "-- 100,000 inhabitants"):
        assert not TIMING.search(COMMENT.findall(text)[0]), text
