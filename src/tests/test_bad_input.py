"""Bad input: every kind of malformed delivery, tried on the loader through its command (issue 9).

Each case is a raw dir holding one damaged delivery (next to a good ``helfo_imaging/2023.csv``
that must still load) and is run through ``clinical-dashboard load --strict``. The outcome is
one of the two the README ("Loading and validation") documents:

- **rejected**: exit code 1, a message ``<file> line L column C: expected ..., found ...`` on
  stderr, in the report and in ``raw._deliveries``, and nothing of the file in ``raw``;
- **loaded and flagged**: every data row is in ``raw`` (row count = lines - 1, nothing lost),
  the report flags the damaged lines, and dbt staging puts them in quarantine with the right
  reason (``test_row_level_damage_ends_in_quarantine`` builds ``base_npr__tsb`` on the loaded
  rows, as test_staging.py does for the whole delivery).

Never a traceback: the in-process cases would fail on any exception, and one subprocess run
loads every damaged file at once and reads the real stderr.
"""

from __future__ import annotations

import csv
import gzip
import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Callable

import duckdb
import pytest

from clinical_dashboard import load as load_module
from clinical_dashboard.cli import main
from clinical_dashboard.config import GeneratorConfig
from clinical_dashboard.generate import LEDGER_NAME, run
from clinical_dashboard.validate import MAX_LINE_SIZE, compile_checks, load_suite

REPO = Path(__file__).resolve().parents[2]
VICTIM = "npr_tsb/2023.csv"
GOOD = "helfo_imaging/2023.csv"
COLUMNS = load_suite("npr_tsb").column_names
#: The loader's clock in these tests: the day the suite was written.
TODAY = date(2026, 11, 23)


def col(name: str) -> int:
    """1-based column number of an npr_tsb column."""
    return COLUMNS.index(name) + 1


# ---------------------------------------------------------------------------- the delivery
@pytest.fixture(scope="module")
def delivery(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("raw")
    run(GeneratorConfig(scale=0.001, seed=5, years=(2023,), sources=("npr_tsb", "helfo_imaging"), out_dir=out,
                        show_progress=False))
    return out


@pytest.fixture(scope="module")
def clean_lines(delivery: Path) -> list[int]:
    """Data lines of the victim that carry no injected defect (damage goes there)."""
    with (delivery / LEDGER_NAME).open(encoding="utf-8", newline="") as handle:
        dirty = {int(d["line_number"]) for d in csv.DictReader(handle, delimiter=";") if d["file"] == VICTIM}
        handle.seek(0)
        dirty |= {int(d["original_value"].removeprefix("copy of line ")) for d in csv.DictReader(handle, delimiter=";")
                  if d["file"] == VICTIM and d["defect"] == "exact_duplicate"}
    n = len(_lines(delivery / VICTIM))
    return [line for line in range(2, n + 1) if line not in dirty]


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch) -> None:
    monkeypatch.setattr(load_module, "_today", lambda: TODAY)


def _lines(path: Path) -> list[str]:
    return path.read_bytes().decode("utf-8").splitlines()


def _text(lines: list[str], end: str = "\n") -> bytes:
    return (end.join(lines) + end).encode("utf-8")


def _set(lines: list[str], line: int, column: str, value: str) -> list[str]:
    fields = lines[line - 1].split(";")
    fields[col(column) - 1] = value
    return lines[:line - 1] + [";".join(fields)] + lines[line:]


def _map_columns(lines: list[str], change: Callable[[list[str]], list[str]]) -> list[str]:
    return [";".join(change(line.split(";"))) for line in lines]


def _swap(fields: list[str], a: str, b: str) -> list[str]:
    fields = list(fields)
    fields[col(a) - 1], fields[col(b) - 1] = fields[col(b) - 1], fields[col(a) - 1]
    return fields


# ---------------------------------------------------------------------------- the cases
@dataclass(frozen=True)
class Rejected:
    """The file is refused: ``line``/``column`` (negative line: from the end), words in the message."""

    line: int
    column: int
    words: tuple[str, ...]


@dataclass(frozen=True)
class Flagged:
    """The file loads whole; check id -> the lines the report must flag for it."""

    checks: dict[str, tuple[int, ...]] = field(default_factory=dict)


@dataclass(frozen=True)
class Case:
    #: (lines of the good file, its bytes, clean lines) -> {rel: bytes} of the damaged delivery
    damage: Callable[[list[str], bytes, list[int]], dict[str, bytes]]
    outcome: Rejected | Flagged
    #: the file the outcome is about
    rel: str = VICTIM
    #: the good helfo_imaging file is part of the delivery
    with_good_file: bool = True


def _huge_field(ls: list[str], *_) -> dict[str, bytes]:
    return {VICTIM: _text(_set(ls, 2, "hovedtilstand", "X" * (50 << 20)))}


def _truncated(ls: list[str], *_) -> dict[str, bytes]:
    cut = ls[-1][:ls[-1].index(";2023-") + 4]  # the last line breaks off inside 'inndato'
    return {VICTIM: ("\n".join(ls[:-1] + [cut])).encode()}


def _open_quote_at_the_end(ls: list[str], *_) -> dict[str, bytes]:
    fields = ls[-1].split(";")
    return {VICTIM: ("\n".join(ls[:-1] + [";".join(fields[:26] + ['"poliklin'])])).encode()}


def _non_numeric(ls: list[str], _: bytes, clean: list[int]) -> dict[str, bytes]:
    ls = _set(ls, clean[3], "alder", "abc")
    ls = _set(ls, clean[4], "korrvekt", "1,5")  # decimal comma
    ls = _set(ls, clean[5], "fodselsar", "19x0")
    return {VICTIM: _text(ls)}


def _other_date_format(ls: list[str], _: bytes, clean: list[int]) -> dict[str, bytes]:
    ls = _set(ls, clean[6], "inndato", "08.01.2023")
    ls = _set(ls, clean[7], "utdato", "2023/01/08")
    ls = _set(ls, clean[8], "utdato", "20230108")
    return {VICTIM: _text(ls)}


def _current_year(ls: list[str], raw: bytes, clean: list[int]) -> dict[str, bytes]:
    # The running year is a valid delivery (T1/T2): it loads; its 2023 discharge dates are
    # flagged as outside the delivery year.
    return {"npr_tsb/2026.csv": _text(ls)}


CASES: dict[str, Case] = {
    "empty_file": Case(lambda ls, raw, c: {VICTIM: b""}, Rejected(1, 1, ("empty file (0 bytes)",))),
    "header_only": Case(lambda ls, raw, c: {VICTIM: _text(ls[:1])}, Rejected(2, 1, ("header only",))),
    "whitespace_only": Case(lambda ls, raw, c: {VICTIM: b"  \n"}, Rejected(1, 1, ("a header row", "an empty line"))),
    "truncated_last_line": Case(_truncated, Rejected(-1, col("inndato") + 1, (
        f"expected {len(COLUMNS)} fields", "found 11 fields", "truncated file?"))),
    "truncated_inside_a_quoted_value": Case(_open_quote_at_the_end, Rejected(-1, col("drg_tjenestetype"), (
        "closing '\"'", "'drg_tjenestetype'", "truncated file?"))),
    "wrong_delimiter_comma": Case(lambda ls, raw, c: {VICTIM: _text([x.replace(";", ",") for x in ls])},
                                  Rejected(1, 1, ("',' looks like the delimiter",))),
    "wrong_delimiter_tab": Case(lambda ls, raw, c: {VICTIM: _text([x.replace(";", "\t") for x in ls])},
                                Rejected(1, 1, ("'\\t' looks like the delimiter",))),
    "latin1_instead_of_utf8": Case(lambda ls, raw, c: {VICTIM: _text(_set(ls, 5, "drg_tjenestetype", "Tromsø"))
                                                       .replace("ø".encode(), "ø".encode("latin-1"))},
                                   Rejected(5, col("drg_tjenestetype"), ("UTF-8 text", "0xF8", "'ø'", "iconv"))),
    "utf16": Case(lambda ls, raw, c: {VICTIM: "\n".join(ls).encode("utf-16")},
                  Rejected(1, 1, ("UTF-8 text", "UTF-16", "iconv -f UTF-16"))),
    "gzip_compressed": Case(lambda ls, raw, c: {VICTIM: gzip.compress(raw)}, Rejected(1, 1, ("gzip", "gunzip"))),
    "nul_byte": Case(lambda ls, raw, c: {VICTIM: _text(_set(ls, 7, "orgnr", "9740\x0012345"))},
                     Rejected(7, col("orgnr"), ("without NUL bytes", "0x00"))),
    "old_mac_line_breaks": Case(lambda ls, raw, c: {VICTIM: _text(ls, "\r")},
                                Rejected(1, len(COLUMNS), ("LF or CRLF", "0x0D", "carriage return"))),
    "missing_column": Case(lambda ls, raw, c: {VICTIM: _text(_map_columns(ls, lambda f: f[:4] + f[5:]))},
                           Rejected(1, col("alder"), ("expected header 'alder'", "missing column 'alder'"))),
    "extra_column": Case(lambda ls, raw, c: {VICTIM: _text([ls[0] + ";ekstra"] + [x + ";1" for x in ls[1:]])},
                         Rejected(1, len(COLUMNS) + 1, ("end of header", "extra column 'ekstra'"))),
    "renamed_column": Case(lambda ls, raw, c: {VICTIM: _text([ls[0].replace("kjonn", "kjønn")] + ls[1:])},
                           Rejected(1, col("kjonn"), ("found 'kjønn'", "renamed to 'kjønn'"))),
    "reordered_columns": Case(lambda ls, raw, c: {VICTIM: _text(_map_columns(ls, lambda f: _swap(f, "inndato",
                                                                                                  "utdato")))},
                              Rejected(1, col("inndato"), ("expected header 'inndato'", "found 'utdato'",
                                                           "another order"))),
    "header_in_upper_case": Case(lambda ls, raw, c: {VICTIM: _text([ls[0].upper()] + ls[1:])},
                                 Rejected(1, 1, ("expected header 'kontakt_id'", "found 'KONTAKT_ID'"))),
    "too_many_fields_on_a_line": Case(lambda ls, raw, c: {VICTIM: _text(ls[:40] + [ls[40] + ";x"] + ls[41:])},
                                      Rejected(41, len(COLUMNS) + 1, ("found 32 fields", "extra value 'x'"))),
    "trailing_empty_field": Case(lambda ls, raw, c: {VICTIM: _text(ls[:29] + [ls[29] + ";"] + ls[30:])},
                                 Rejected(30, len(COLUMNS) + 1, ("found 32 fields", "extra empty value"))),
    "trailing_empty_field_on_the_last_line": Case(lambda ls, raw, c: {VICTIM: _text(ls[:-1] + [ls[-1] + ";;"])},
                                                  Rejected(-1, len(COLUMNS) + 1, ("found 33 fields",))),
    "blank_line": Case(lambda ls, raw, c: {VICTIM: _text(ls[:20] + [""] + ls[20:])}, Rejected(21, 1, ("empty line",))),
    "line_break_in_a_value": Case(lambda ls, raw, c: {VICTIM: _text(_set(ls, 8, "drg_tjenestetype", '"dog\nn"'))},
                                  Rejected(8, col("drg_tjenestetype"), ("one record per line", "lines 8-9"))),
    "huge_single_line": Case(_huge_field, Rejected(2, col("hovedtilstand"), (
        f"a line of at most {MAX_LINE_SIZE:,} bytes", "'hovedtilstand' runs past"))),
    "future_year": Case(lambda ls, raw, c: {"npr_tsb/2027.csv": raw},
                        Rejected(1, 1, ("a delivery year up to 2026 (today is 2026-11-23)", "found 2027",
                                        "has not happened")), rel="npr_tsb/2027.csv"),
    "not_a_year_file_name": Case(lambda ls, raw, c: {"npr_tsb/2023_v2.csv": raw},
                                 Rejected(1, 1, ("a file named <year>.csv", "'2023_v2.csv'")),
                                 rel="npr_tsb/2023_v2.csv"),
    "unknown_source_folder": Case(lambda ls, raw, c: {"npr_xyz/2023.csv": raw},
                                  Rejected(1, 1, ("unknown source",)), rel="npr_xyz/2023.csv"),
    "other_source_in_the_wrong_folder": Case(lambda ls, raw, c: {GOOD: raw}, Rejected(1, 1, (
        "expected header 'fakturanr', found 'kontakt_id'", "header of", "npr_tsb", "wrong folder")),
        rel=GOOD, with_good_file=False),
    "copy_under_another_year": Case(lambda ls, raw, c: {"npr_tsb/2022.csv": raw, VICTIM: raw}, Rejected(1, 1, (
        "the same bytes", "as the loaded npr_tsb/2022.csv", "count twice"))),
    # row-level damage: loaded whole, flagged; staging quarantines (test below)
    "non_numeric_numbers": Case(_non_numeric, Flagged({"alder:values": (3,), "korrvekt:non_negative_decimal": (4,),
                                                       "fodselsar:values": (5,)})),
    "dates_in_another_format": Case(_other_date_format, Flagged({"inndato:date": (6,), "utdato:date": (7, 8)})),
    "current_year": Case(_current_year, Flagged(), rel="npr_tsb/2026.csv"),
}
#: Flagged: the numbers are indexes into clean_lines (resolved per test).
ROW_LEVEL = ("non_numeric_numbers", "dates_in_another_format")


def _write(case: Case, delivery: Path, raw: Path, clean: list[int]) -> dict[str, bytes]:
    files = case.damage(_lines(delivery / VICTIM), (delivery / VICTIM).read_bytes(), clean)
    if case.with_good_file:
        files = {GOOD: (delivery / GOOD).read_bytes(), **files}
    for rel, data in files.items():
        (raw / rel).parent.mkdir(parents=True, exist_ok=True)
        (raw / rel).write_bytes(data)
    return files


def _query(db: Path, sql: str, params: list | None = None) -> list[tuple]:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(sql, params or []).fetchall()


def _raw_rows(db: Path, rel: str) -> int:
    source = rel.split("/")[0]
    tables = {t for t, in _query(db, "select table_name from information_schema.tables where table_schema = 'raw'")}
    return _query(db, f"select count(*) from raw.{source} where _file = ?", [rel])[0][0] if source in tables else 0


def _cli(raw: Path, tmp: Path, capsys) -> tuple[int, str, str]:
    code = main(["load", "--raw-dir", str(raw), "--duckdb-path", str(tmp / "w.duckdb"), "--report-dir",
                 str(tmp / "v"), "--strict", "--no-progress"])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


# ---------------------------------------------------------------------------- every case
@pytest.mark.parametrize("name", list(CASES))
def test_a_malformed_delivery_is_rejected_or_flagged_never_lost(name: str, delivery: Path, clean_lines: list[int],
                                                               tmp_path: Path, capsys) -> None:
    case = CASES[name]
    raw = tmp_path / "raw"
    files = _write(case, delivery, raw, clean_lines)
    code, out, err = _cli(raw, tmp_path, capsys)
    assert "Traceback" not in out + err
    db = tmp_path / "w.duckdb"
    report = {f["file"]: f for f in json.loads((tmp_path / "v/report.json").read_text("utf-8"))["files"]}
    result = report[case.rel]
    # every other file of the delivery: loaded whole, or (a copy case) rejected - never half
    for rel, data in files.items():
        lines = data.count(b"\n") + (not data.endswith(b"\n"))
        status = report[rel]["status"]
        assert status in ("loaded", "rejected"), (rel, status)
        assert _raw_rows(db, rel) == (lines - 1 if status == "loaded" else 0), rel
    if case.with_good_file:
        assert report[GOOD]["status"] == "loaded"
    if isinstance(case.outcome, Rejected):
        expected = case.outcome
        n_lines = files[case.rel].count(b"\n") + (not files[case.rel].endswith(b"\n"))
        line = expected.line if expected.line > 0 else n_lines + 1 + expected.line
        assert code == 1
        assert result["status"] == "rejected", result
        message = result["error"]["message"]
        assert message.startswith(f"{case.rel} line {line} column {expected.column}: expected "), message
        assert ", found " in message
        for word in expected.words:
            assert word in message, (word, message)
        assert f"REJECTED {message}" in err
        assert len(message) < 1000  # a 50 MB field does not end up in the log
        assert _raw_rows(db, case.rel) == 0
        assert _query(db, "select status, error from raw._deliveries where file = ? order by attempted_at desc "
                          "limit 1", [case.rel]) == [("rejected", message)]
        assert message in (tmp_path / "v/report.md").read_text("utf-8")
    else:
        assert code == 0 and result["status"] == "loaded", result
        n_lines = files[case.rel].count(b"\n")
        assert result["rows"] == n_lines - 1 == _raw_rows(db, case.rel)
        counted = {c["id"]: c["unexpected_count"] for c in result["checks"]}
        checks = {c.id: c for c in compile_checks(load_suite("npr_tsb"), result["year"])}
        for check_id, positions in case.outcome.checks.items():
            # the damaged (formerly clean) lines are flagged, and the report counts every flagged row
            check = checks[check_id]
            flagged = {n for n, in _query(db, f"select _line from raw.npr_tsb where _file = ? and "
                                              f"{check.unexpected_sql}", [case.rel])}
            assert {clean_lines[i] for i in positions} <= flagged, (check_id, sorted(flagged))
            assert counted[check_id] == len(flagged), check_id


def test_the_cases_cover_the_issue() -> None:
    """The kinds of malformed delivery issue 9 lists are all here (plus more)."""
    listed = {"empty_file", "header_only", "truncated_last_line", "wrong_delimiter_comma", "latin1_instead_of_utf8",
              "missing_column", "extra_column", "renamed_column", "reordered_columns", "non_numeric_numbers",
              "dates_in_another_format", "future_year", "other_source_in_the_wrong_folder", "huge_single_line"}
    assert listed <= set(CASES) and len(CASES) >= 15
    # 'the same delivery twice' is test_the_same_delivery_twice_changes_nothing


def test_the_same_delivery_twice_changes_nothing(delivery: Path, tmp_path: Path, capsys) -> None:
    raw = tmp_path / "raw"
    for rel in (VICTIM, GOOD):
        (raw / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(delivery / rel, raw / rel)
    assert _cli(raw, tmp_path, capsys)[0] == 0
    db = tmp_path / "w.duckdb"
    before = _query(db, "select count(*), sum(hash(_file || _line || _delivery_hash)) from raw.npr_tsb")
    log = _query(db, "select * from raw._deliveries order by file")
    code, out, err = _cli(raw, tmp_path, capsys)
    assert code == 0 and "Traceback" not in err
    assert f"unchanged {VICTIM}" in out and "0 loaded (0 rows), 2 unchanged, 0 rejected" in out
    assert _query(db, "select count(*), sum(hash(_file || _line || _delivery_hash)) from raw.npr_tsb") == before
    assert before[0][0] == len(_lines(delivery / VICTIM)) - 1
    assert _query(db, "select * from raw._deliveries order by file") == log


def test_files_the_loader_does_not_read_are_named(delivery: Path, tmp_path: Path, capsys) -> None:
    """A delivery under a name the loader skips is reported, not silently dropped."""
    raw = tmp_path / "raw"
    (raw / "npr_tsb").mkdir(parents=True)
    shutil.copy(delivery / GOOD, raw / "2023.csv")  # no source folder
    (raw / "npr_tsb/2023.csv.gz").write_bytes(gzip.compress((delivery / VICTIM).read_bytes()))
    (raw / "npr_tsb/2024.CSV").write_bytes((delivery / VICTIM).read_bytes())
    (raw / "npr_tsb/2025.csv").mkdir()  # a folder named like a file
    (raw / "npr_tsb/_old.csv").write_bytes(b"ignored on purpose")
    code, out, err = _cli(raw, tmp_path, capsys)
    assert code == 0 and "Traceback" not in err
    for entry in ("2023.csv: not in a source folder", "npr_tsb/2023.csv.gz: not a file named <year>.csv",
                  "npr_tsb/2024.CSV: not a file", "npr_tsb/2025.csv: not a file"):
        assert f"IGNORED  {entry}" in err, err
    assert "_old.csv" not in err
    report = json.loads((tmp_path / "v/report.json").read_text("utf-8"))
    assert len(report["ignored"]) == 4 and report["files"] == []
    assert "**ignored**" in (tmp_path / "v/report.md").read_text("utf-8")


def test_a_new_good_version_replaces_a_rejected_one(delivery: Path, tmp_path: Path, capsys) -> None:
    """After a rejection the corrected file loads whole (the rejection kept nothing half-loaded)."""
    raw = tmp_path / "raw"
    (raw / "npr_tsb").mkdir(parents=True)
    (raw / VICTIM).write_bytes(CASES["truncated_last_line"].damage(_lines(delivery / VICTIM), b"", [])[VICTIM])
    assert _cli(raw, tmp_path, capsys)[0] == 1
    shutil.copy(delivery / VICTIM, raw / VICTIM)
    assert _cli(raw, tmp_path, capsys)[0] == 0
    assert _raw_rows(tmp_path / "w.duckdb", VICTIM) == len(_lines(delivery / VICTIM)) - 1


def test_the_command_survives_every_case_at_once(delivery: Path, clean_lines: list[int], tmp_path: Path) -> None:
    """All damaged files in one raw dir (as npr_tsb/<year>.csv), one real process: exit 1 with
    --strict, one REJECTED line per broken file, the rest loaded, no traceback."""
    raw = tmp_path / "raw"
    expected: dict[str, str] = {}
    year = 2000
    for name, case in CASES.items():
        if case.rel != VICTIM or not case.with_good_file or name == "copy_under_another_year":
            continue
        data = case.damage(_lines(delivery / VICTIM), (delivery / VICTIM).read_bytes(), clean_lines)[VICTIM]
        rel = f"npr_tsb/{year}.csv"
        (raw / rel).parent.mkdir(parents=True, exist_ok=True)
        (raw / rel).write_bytes(data)
        expected[rel] = "rejected" if isinstance(case.outcome, Rejected) else "loaded"
        year += 1
    (raw / "npr_tsb/2099.csv").write_bytes((delivery / VICTIM).read_bytes())  # a future year too
    expected["npr_tsb/2099.csv"] = "rejected"
    (raw / "helfo_imaging").mkdir()
    shutil.copy(delivery / GOOD, raw / GOOD)
    expected[GOOD] = "loaded"
    command = [sys.executable, "-m", "clinical_dashboard.cli", "load", "--raw-dir", str(raw), "--duckdb-path",
               str(tmp_path / "w.duckdb"), "--report-dir", str(tmp_path / "v"), "--strict", "--no-progress"]
    done = subprocess.run(command, capture_output=True, text=True, cwd=REPO, timeout=900,
                          env={**os.environ, "GX_ANALYTICS_ENABLED": "false"})
    assert "Traceback" not in done.stdout + done.stderr, done.stderr[-3000:]
    assert done.returncode == 1, done.stderr[-3000:]
    report = {f["file"]: f for f in json.loads((tmp_path / "v/report.json").read_text("utf-8"))["files"]}
    assert {rel: f["status"] for rel, f in report.items()} == expected
    rejected = [f for f in report.values() if f["status"] == "rejected"]
    assert done.stderr.count("REJECTED ") == len(rejected) >= 18
    for f in rejected:
        assert f"REJECTED {f['error']['message']}" in done.stderr
        assert _raw_rows(tmp_path / "w.duckdb", f["file"]) == 0
    for rel, f in report.items():
        if f["status"] == "loaded":
            assert _raw_rows(tmp_path / "w.duckdb", rel) == f["rows"] == (raw / rel).read_bytes().count(b"\n") - 1


# ---------------------------------------------------------------------------- staging: quarantine
def _dbt(args: list[str], work: Path) -> None:
    from dbt.cli.main import dbtRunner

    result = dbtRunner().invoke([*args, "--project-dir", str(REPO), "--profiles-dir", str(REPO), "--target", "duckdb",
                                 "--target-path", str(work / "target"), "--log-path", str(work / "logs")])
    assert result.success, f"dbt {' '.join(args)} failed: {result.exception or ''}"


@pytest.fixture(scope="module")
def quarantine(delivery: Path, clean_lines: list[int], tmp_path_factory: pytest.TempPathFactory):
    """The row-level cases in one npr_tsb file, loaded, and base_npr__tsb built on it by dbt."""
    work = tmp_path_factory.mktemp("bad_input_staging")
    raw = work / "raw"
    ls = _lines(delivery / VICTIM)
    for name in ROW_LEVEL:  # the damage of both cases, one after the other, on different lines
        ls = _lines_of(CASES[name].damage(ls, b"", clean_lines)[VICTIM])
    (raw / "npr_tsb").mkdir(parents=True)
    (raw / VICTIM).write_bytes(_text(ls))
    database = work / "w.duckdb"
    command = [sys.executable, "-m", "clinical_dashboard.cli", "load", "--raw-dir", str(raw), "--duckdb-path",
               str(database), "--report-dir", str(work / "v"), "--strict", "--no-progress"]
    done = subprocess.run(command, capture_output=True, text=True, cwd=REPO)
    assert done.returncode == 0, done.stderr[-3000:]
    previous = os.environ.get("CLINICAL_DASHBOARD_DUCKDB")
    os.environ["CLINICAL_DASHBOARD_DUCKDB"] = str(database)
    try:
        _dbt(["seed", "--select", "ref_icd10_codes ref_procedure_codes ref_municipality_renumbering "
                                  "ref_catchment_areas"], work)
        _dbt(["run", "--select", "base_npr__tsb"], work)
    finally:
        if previous is None:
            os.environ.pop("CLINICAL_DASHBOARD_DUCKDB", None)
        else:
            os.environ["CLINICAL_DASHBOARD_DUCKDB"] = previous
        shutil.rmtree(work / "logs", ignore_errors=True)
    with duckdb.connect(str(database)) as con:
        rows = con.execute("select source_line, outcome, reason_code, reason_column, reason_value "
                           "from main.base_npr__tsb").fetchall()
        raw_rows = con.execute("select count(*) from raw.npr_tsb").fetchone()[0]
    return {r[0]: r[1:] for r in rows}, len(rows), raw_rows, len(ls) - 1


def _lines_of(data: bytes) -> list[str]:
    return data.decode("utf-8").splitlines()


@pytest.mark.parametrize("name, damaged", [
    ("non_numeric_numbers", {3: ("alder", "abc"), 4: ("korrvekt", "1,5"), 5: ("fodselsar", "19x0")}),
    ("dates_in_another_format", {6: ("inndato", "08.01.2023"), 7: ("utdato", "2023/01/08"),
                                 8: ("utdato", "20230108")}),
])
def test_row_level_damage_ends_in_quarantine(name: str, damaged: dict, quarantine, clean_lines: list[int]) -> None:
    """The flagged rows reach staging's quarantine as unparseable values, and no row is lost."""
    base, n_base, n_raw, n_file = quarantine
    assert n_base == n_raw == n_file  # rows conserved: file = raw = staged + quarantined + deduplicated
    for index, (column, value) in damaged.items():
        line = clean_lines[index]
        assert base[line] == ("quarantined", "unparseable_value", column, value), (name, line)
    # the undamaged clean lines around them are staged
    assert all(base[clean_lines[i]][0] == "staged" for i in (0, 1, 2, 9, 10))
