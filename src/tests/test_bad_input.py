"""Bad input: every kind of malformed delivery, tried on the loader through its command (issue 9).

Each case is a raw dir holding one damaged delivery (next to a good ``helfo_imaging/2023.csv``
that must still load) and is run through ``clinical-dashboard load --strict``. The outcome is
one of the two docs/operations.md ("Loading a delivery") documents:

- **rejected**: exit code 1, a message ``<file> line L column C: expected ..., found ...`` on
  stderr, in the report and in ``raw._deliveries``, and nothing of the file in ``raw``;
- **loaded and flagged**: every data row is in ``raw`` (row count = lines - 1, nothing lost),
  the report flags the damaged lines, and dbt staging puts them in quarantine with the right
  reason (``test_row_level_damage_ends_in_quarantine`` builds ``base_npr__tsb`` on the loaded
  rows, as test_staging.py does for the whole delivery).

Never a traceback: the in-process cases would fail on any exception, and one subprocess run
loads every damaged file at once and reads the real stderr.

Issue 26 added the hostile deliveries a registry data engineer expects: a file cut at a line
break or longer than its manifest says (the manifest's count is the contract), a missing or
unknown manifest entry (WARNINGs), another year's file under this year's name, mixed line
breaks, byte order marks, Windows-1252, files that are not CSV at all (zip, Excel, parquet,
PDF, an HTML error page), and symbolic links (outside or inside the raw dir, dangling, loops,
directories, a linked source folder). A delivery's value in ``damage`` may be a :class:`Link`,
and a ``_manifest.json`` beside the files. The cases that do not fit one load of one raw dir
(an unreadable manifest refuses the run, a withdrawn delivery, an unexpected error inside the
loader, a file that changes while it loads, the previous delivery that must survive) are test
functions of their own below the cases.
"""

from __future__ import annotations

import contextlib
import csv
import gzip
import io
import json
import os
import re
import shutil
import subprocess
import sys
import zipfile
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
from clinical_dashboard.landing_types import delivered_text
from clinical_dashboard.load import LoadConfig, run_load
from clinical_dashboard.validate import (MAX_LINE_SIZE, PERIOD_MIN_SHARE, ValidationSettings, compile_checks,
                                         load_suite)
from warehouses import WAREHOUSE_NAME, build

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


#: The command in this process (``_cli``, the tests below that call ``main``, the quarantine
#: fixture) runs with --no-great-expectations: GE's judgement only adds to the report (a failure
#: of GE too: it is reported, it never rejects a file or changes the exit code), and no test here
#: reads it; what they read (exit code, stderr, report, raw rows, the ledger, the loader's own
#: check counts) is the same without it. The one real process,
#: test_the_command_survives_every_case_at_once, runs the command as a user does, Great
#: Expectations included, on the damaged npr_tsb files of the cases.
NO_GE = "--no-great-expectations"


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


def _shift_years(data: bytes, delta: int) -> bytes:
    """Every ``YYYY-MM-DD`` date of ``data`` moved by ``delta`` years (the file of another year;
    the 2023 extract has no 29 February)."""
    return re.sub(rb"(?<![0-9])(20[0-9]{2})(-[01][0-9]-[0-3][0-9])(?![0-9])",
                  lambda m: str(int(m.group(1)) + delta).encode() + m.group(2), data)


def _manifest(rows: dict[str, int]) -> bytes:
    """A delivery manifest as the generator writes it (only what the loader reads)."""
    return json.dumps({"files": [{"file": rel, "rows": n} for rel, n in rows.items()]}).encode()


@dataclass(frozen=True)
class Link:
    """A symbolic link in the raw dir: to ``to`` (as written in the link), or to what ``outside``
    holds, written outside the raw dir (bytes: a file; a dict: a folder of files)."""

    to: str = ""
    outside: bytes | dict[str, bytes] | None = None


# ---------------------------------------------------------------------------- the cases
@dataclass(frozen=True)
class Rejected:
    """The file is refused: ``line``/``column`` (0: the line after the last; negative: from the
    end), words in the message."""

    line: int
    column: int
    words: tuple[str, ...]


@dataclass(frozen=True)
class Flagged:
    """The file loads whole; check id -> the lines the report must flag for it."""

    checks: dict[str, tuple[int, ...]] = field(default_factory=dict)


@dataclass(frozen=True)
class Case:
    #: (lines of the good file, its bytes, clean lines) -> {rel: bytes or Link} of the damaged
    #: delivery, with its ``_manifest.json`` when it has one
    damage: Callable[[list[str], bytes, list[int]], dict[str, bytes | Link]]
    outcome: Rejected | Flagged
    #: the file the outcome is about
    rel: str = VICTIM
    #: the good helfo_imaging file is part of the delivery (and of its manifest, when there is one)
    with_good_file: bool = True
    #: words of WARNING lines on stderr (each also in report.json's warnings)
    warnings: tuple[str, ...] = ()


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


def _implausible_dates(ls: list[str], _: bytes, clean: list[int]) -> dict[str, bytes]:
    # issue 26 items 2 and 7: a stay admitted in 1990 (12,204 bed days in 2023), a stay longer
    # than the TSB bound (var max_length_of_stay_days) that began less than the bound before
    # the year, and a row dated 2031 (which once made the year-by-year models compute 2031)
    ls = _set(_set(ls, clean[11], "inndato", "1990-01-01"), clean[11], "utdato", "2023-06-01")
    ls = _set(_set(ls, clean[12], "inndato", "2020-01-05"), clean[12], "utdato", "2023-03-01")
    ls = _set(_set(ls, clean[13], "inndato", "2031-03-01"), clean[13], "utdato", "2031-03-02")
    return {VICTIM: _text(ls)}


def _other_date_format(ls: list[str], _: bytes, clean: list[int]) -> dict[str, bytes]:
    ls = _set(ls, clean[6], "inndato", "08.01.2023")
    ls = _set(ls, clean[7], "utdato", "2023/01/08")
    ls = _set(ls, clean[8], "utdato", "20230108")
    return {VICTIM: _text(ls)}


def _current_year(ls: list[str], raw: bytes, clean: list[int]) -> dict[str, bytes]:
    # The running year is a valid delivery (T1/T2): its rows (dates of the running year) load.
    return {"npr_tsb/2026.csv": _shift_years(raw, 2026 - 2023)}


def _cut_at_a_line_break(ls: list[str], *_) -> dict[str, bytes]:
    # issue 26: the first half of the rows, ending in a complete line; the manifest has them all
    return {VICTIM: _text(ls[:1 + (len(ls) - 1) // 2]), "_manifest.json": _manifest({VICTIM: len(ls) - 1})}


def _neighbouring_years(ls: list[str], _: bytes, clean: list[int]) -> dict[str, bytes]:
    # a real delivery holds a few stays discharged in a neighbouring year: flagged, not refused
    for i, value in zip((10, 11, 12), ("2024-01-02", "2024-01-03", "2022-12-31")):
        ls = _set(ls, clean[i], "utdato", value)
    return {VICTIM: _text(ls)}


def _one_line_break(ls: list[str], line: int, end: str, other: str) -> bytes:
    """All lines end in ``end`` but line ``line`` (1-based), which ends in ``other``."""
    return "".join(x + (other if n == line else end) for n, x in enumerate(ls, start=1)).encode()


def _windows_1252(ls: list[str], *_) -> dict[str, bytes]:
    return {VICTIM: _text(_set(ls, 6, "drg_tjenestetype", "\u201cdogn\u201d")).replace(
        "\u201c".encode(), "\u201c".encode("cp1252")).replace("\u201d".encode(), "\u201d".encode("cp1252"))}


def _zip(ls: list[str], raw: bytes, _) -> dict[str, bytes]:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("2023.csv", raw)
    return {VICTIM: buffer.getvalue()}


def _xlsx(*_) -> dict[str, bytes]:
    """The skeleton of an Excel workbook (an .xlsx is a zip of XML parts)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>')
        archive.writestr("xl/workbook.xml", '<?xml version="1.0"?><workbook/>')
        archive.writestr("xl/worksheets/sheet1.xml", '<?xml version="1.0"?><worksheet/>')
    return {VICTIM: buffer.getvalue()}


def _parquet(ls: list[str], *_) -> dict[str, bytes]:
    import pyarrow as pa
    import pyarrow.parquet as pq

    rows = [line.split(";") for line in ls[1:]]
    table = pa.table({name: [r[i] for r in rows] for i, name in enumerate(COLUMNS)})
    buffer = io.BytesIO()
    pq.write_table(table, buffer)
    return {VICTIM: buffer.getvalue()}


HTML_ERROR_PAGE = (b"<!DOCTYPE html>\n<html><head><title>502 Bad Gateway</title></head>\n"
                   b"<body><h1>502 Bad Gateway</h1><p>nginx</p></body></html>\n")


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
    # issue 26: a copy under another year is another year's file under this name (the period
    # check refuses it before it could replace anything; the real file loads)
    "copy_under_another_year": Case(lambda ls, raw, c: {"npr_tsb/2022.csv": raw, VICTIM: raw}, Rejected(
        2, col("utdato"), ("with 'utdato' in 2022", "found 0 of", "another year's delivery")),
        rel="npr_tsb/2022.csv"),
    # the same bytes in another folder of the same suite: the one loaded second is refused
    "copy_in_another_source_folder": Case(lambda ls, raw, c: {"npr_phbu/2023.csv": raw, VICTIM: raw}, Rejected(
        1, 1, ("the same bytes", "as the loaded npr_phbu/2023.csv", "count twice"))),
    # row-level damage: loaded whole, flagged; staging quarantines (test below)
    "non_numeric_numbers": Case(_non_numeric, Flagged({"alder:values": (3,), "korrvekt:non_negative_decimal": (4,),
                                                       "fodselsar:values": (5,)})),
    "dates_in_another_format": Case(_other_date_format, Flagged({"inndato:date": (6,), "utdato:date": (7, 8)})),
    "implausible_dates": Case(_implausible_dates, Flagged({"utdato:in_year": (13,)})),
    "current_year": Case(_current_year, Flagged(), rel="npr_tsb/2026.csv"),
    # ---- issue 26: the manifest's row count is the contract
    "cut_exactly_at_a_line_break": Case(_cut_at_a_line_break, Rejected(0, 1, (
        "data rows, as _manifest.json says", "rows missing", "cut short in transfer"))),
    "more_rows_than_the_manifest_says": Case(
        lambda ls, raw, c: {VICTIM: raw, "_manifest.json": _manifest({VICTIM: len(ls) - 2})},
        Rejected(-1, 1, ("data rows, as _manifest.json says", "1 rows more than the manifest says"))),
    "no_manifest": Case(lambda ls, raw, c: {VICTIM: raw}, Flagged(), warnings=(
        "no _manifest.json in", "only compared with its source's plausible band")),
    "a_file_the_manifest_does_not_list": Case(
        lambda ls, raw, c: {VICTIM: raw, "_manifest.json": _manifest({})}, Flagged(), warnings=(
            f"{VICTIM} is not listed in _manifest.json",)),
    "a_listed_file_is_not_delivered": Case(
        lambda ls, raw, c: {VICTIM: raw, "_manifest.json": _manifest({VICTIM: len(ls) - 1, "npr_tsb/2022.csv": 7})},
        Flagged(), warnings=("npr_tsb/2022.csv is listed in _manifest.json (7 rows) but is not in",
                             "lost in transfer")),
    # ---- issue 26: the period (the year of the file name)
    "a_2023_file_saved_as_2022": Case(lambda ls, raw, c: {"npr_tsb/2022.csv": raw}, Rejected(2, col("utdato"), (
        f"at least {PERIOD_MIN_SHARE:.0%} of the data rows with 'utdato' in 2022 (the year in the file name)",
        "found 0 of", "rows in 2022; the others in 2023 (",
        "another year's delivery under the name 2022")), rel="npr_tsb/2022.csv"),
    "a_2023_file_saved_as_the_current_year": Case(lambda ls, raw, c: {"npr_tsb/2026.csv": raw}, Rejected(
        2, col("utdato"), ("'utdato' in 2026", "found 0 of", "the others in 2023 (")), rel="npr_tsb/2026.csv"),
    "a_few_rows_of_neighbouring_years": Case(_neighbouring_years, Flagged({"utdato:in_year": (10, 11, 12)})),
    # ---- issue 26: line breaks and encodings
    "one_crlf_line_in_an_lf_file": Case(lambda ls, raw, c: {VICTIM: _one_line_break(ls, 101, "\n", "\r\n")},
                                        Rejected(101, len(COLUMNS), ("the header's line break (LF)",
                                                                     "found a CRLF line break", "mixed line breaks"))),
    "one_lf_line_in_a_crlf_file": Case(lambda ls, raw, c: {VICTIM: _one_line_break(ls, 57, "\r\n", "\n")},
                                       Rejected(57, len(COLUMNS), ("the header's line break (CRLF)",
                                                                   "found an LF line break", "mixed line breaks"))),
    "crlf_line_breaks": Case(lambda ls, raw, c: {VICTIM: _text(ls, "\r\n")}, Flagged()),
    "utf8_with_a_byte_order_mark": Case(lambda ls, raw, c: {VICTIM: b"\xef\xbb\xbf" + raw}, Flagged()),
    "utf8_with_a_byte_order_mark_and_crlf": Case(lambda ls, raw, c: {VICTIM: b"\xef\xbb\xbf" + _text(ls, "\r\n")},
                                                 Flagged()),
    "a_byte_order_mark_in_the_middle": Case(lambda ls, raw, c: {VICTIM: _text(ls[:49] + ["\ufeff" + ls[49]] + ls[50:])},
                                            Rejected(50, 1, ("no byte order mark (U+FEFF)", "0xEFBBBF",
                                                             "two files concatenated"))),
    # (a short file of 99 rows, then the whole file with its header)
    "two_files_concatenated": Case(lambda ls, raw, c: {VICTIM: _text(ls[:100]) + raw}, Rejected(
        101, 1, ("found the header row again", "two files concatenated"))),
    "windows_1252_smart_quotes": Case(_windows_1252, Rejected(6, col("drg_tjenestetype"), (
        "UTF-8 text in 'drg_tjenestetype'", "byte 0x93", "if read as Windows-1252", "iconv -f WINDOWS-1252"))),
    "utf16_without_a_byte_order_mark": Case(lambda ls, raw, c: {VICTIM: _text(ls).decode().encode("utf-16-le")},
                                            Rejected(1, 1, ("UTF-16LE text without a byte order mark",
                                                            "iconv -f UTF-16LE -t UTF-8"))),
    # more than MAX_LINE_SIZE without one LF: refused in the scan, never held in memory whole
    "old_mac_line_breaks_in_a_big_file": Case(lambda ls, raw, c: {
        VICTIM: _text(ls + ls[1:] * (MAX_LINE_SIZE // len(raw) + 2), "\r")},
                                              Rejected(1, len(COLUMNS), ("LF or CRLF", "0x0D", "carriage return"))),
    # ---- issue 26: not what the name says
    "a_zip_archive_named_csv": Case(_zip, Rejected(1, 1, ("a ';'-separated UTF-8 text file", "a zip archive",
                                                          "first bytes 50 4B 03 04"))),
    "an_excel_workbook_named_csv": Case(_xlsx, Rejected(1, 1, ("Excel workbook",))),
    "an_old_excel_workbook_named_csv": Case(
        lambda ls, raw, c: {VICTIM: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(range(256)) * 4},
        Rejected(1, 1, ("an Office document (an old Excel workbook .xls?)",))),
    "a_parquet_file_named_csv": Case(_parquet, Rejected(1, 1, ("a parquet file", "first bytes 50 41 52 31"))),
    "an_html_error_page_named_csv": Case(lambda ls, raw, c: {VICTIM: HTML_ERROR_PAGE}, Rejected(1, 1, (
        "found an HTML page", "a failed download", "download the delivery again"))),
    "a_pdf_named_csv": Case(lambda ls, raw, c: {VICTIM: b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n"},
                            Rejected(1, 1, ("a PDF document",))),
    "json_named_csv": Case(lambda ls, raw, c: {VICTIM: _manifest({VICTIM: 1})}, Rejected(1, 1, ("found JSON",))),
    # ---- issue 26: symbolic links (refused unread; the good file still loads)
    "a_link_to_a_file_outside_the_raw_dir": Case(lambda ls, raw, c: {VICTIM: Link(outside=raw)}, Rejected(1, 1, (
        "a delivery file (a regular file), found a symbolic link to a file outside the raw dir", "cp -L"))),
    "a_link_to_a_file_inside_the_raw_dir": Case(
        lambda ls, raw, c: {"npr_tsb/_2023_original.csv": raw, VICTIM: Link("_2023_original.csv")},
        Rejected(1, 1, ("a symbolic link to a file inside the raw dir ('_2023_original.csv')",))),
    "a_dangling_link": Case(lambda ls, raw, c: {VICTIM: Link("2023_gone.csv")}, Rejected(1, 1, (
        "a symbolic link to '2023_gone.csv', which does not exist (a dangling link)",))),
    "a_link_loop": Case(lambda ls, raw, c: {VICTIM: Link("2023.csv")}, Rejected(1, 1, ("symbolic link", "loop"))),
    "a_link_to_a_directory": Case(lambda ls, raw, c: {VICTIM: Link(".")}, Rejected(1, 1, (
        "a symbolic link to a directory inside the raw dir",))),
    "a_source_folder_that_is_a_link": Case(lambda ls, raw, c: {"npr_tsb": Link(outside={"2023.csv": raw})},
                                           Rejected(1, 1, ("a source folder that is a real folder of the raw dir",
                                                           "the folder npr_tsb: a symbolic link to a directory "
                                                           "outside the raw dir"))),
    "a_dangling_source_folder_link": Case(lambda ls, raw, c: {"npr_tsb": Link("../gone")}, Rejected(1, 1, (
        "the folder npr_tsb: a symbolic link to '../gone', which does not exist",)), rel="npr_tsb"),
    "a_source_folder_link_loop": Case(lambda ls, raw, c: {"npr_tsb": Link("npr_tsb")}, Rejected(1, 1, (
        "the folder npr_tsb: a symbolic link", "loop")), rel="npr_tsb"),
}
#: Flagged: the numbers are indexes into clean_lines (resolved per test).
ROW_LEVEL = ("non_numeric_numbers", "dates_in_another_format", "implausible_dates")


def _place(raw: Path, rel: str, data: bytes | Link) -> None:
    """Write ``data`` as ``raw/rel`` (a :class:`Link`: the link, and what it points at)."""
    path = raw / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    if not isinstance(data, Link):
        path.write_bytes(data)
        return
    to: str | Path = data.to
    if data.outside is not None:
        to = raw.parent / "elsewhere" / rel
        if isinstance(data.outside, dict):
            to.mkdir(parents=True)
            for name, content in data.outside.items():
                (to / name).write_bytes(content)
        else:
            to.parent.mkdir(parents=True, exist_ok=True)
            to.write_bytes(data.outside)
    os.symlink(to, path)


def _write(case: Case, delivery: Path, raw: Path, clean: list[int]) -> dict[str, bytes | Link]:
    files = case.damage(_lines(delivery / VICTIM), (delivery / VICTIM).read_bytes(), clean)
    if case.with_good_file:
        files = {GOOD: (delivery / GOOD).read_bytes(), **files}
        if "_manifest.json" in files:  # the good file is in the manifest too
            manifest = json.loads(files["_manifest.json"])
            manifest["files"].append({"file": GOOD, "rows": len(_lines(delivery / GOOD)) - 1})
            files["_manifest.json"] = json.dumps(manifest).encode()
    for rel, data in files.items():
        _place(raw, rel, data)
    return files


def _deliveries(files: dict[str, bytes | Link]) -> dict[str, bytes]:
    """The delivery files (not the manifest, not files the loader ignores, not links) of a case."""
    return {rel: data for rel, data in files.items()
            if isinstance(data, bytes) and not rel.startswith("_") and "/_" not in rel}


def _query(db: Path | duckdb.DuckDBPyConnection, sql: str, params: list | None = None) -> list[tuple]:
    """The rows of ``sql`` on the DuckDB file ``db`` (opened read only for it) or on an open
    connection (a test that reads the same file many times after its last load)."""
    if isinstance(db, duckdb.DuckDBPyConnection):
        return db.execute(sql, params or []).fetchall()
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(sql, params or []).fetchall()


def _raw_rows(db: Path | duckdb.DuckDBPyConnection, rel: str) -> int:
    source = rel.split("/")[0]
    tables = {t for t, in _query(db, "select table_name from information_schema.tables where table_schema = 'raw'")}
    return _query(db, f"select count(*) from raw.{source} where _file = ?", [rel])[0][0] if source in tables else 0


def _cli(raw: Path, tmp: Path, capsys) -> tuple[int, str, str]:
    code = main(["load", "--raw-dir", str(raw), "--duckdb-path", str(tmp / "w.duckdb"), "--report-dir",
                 str(tmp / "v"), "--strict", "--no-progress", NO_GE])
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
    # one read-only connection for the checks below (the load is done)
    with duckdb.connect(str(tmp_path / "w.duckdb"), read_only=True) as db:
        full_report = json.loads((tmp_path / "v/report.json").read_text("utf-8"))
        report = {f["file"]: f for f in full_report["files"]}
        result = report[case.rel]
        # every other file of the delivery: loaded whole, or (a copy case) rejected - never half
        for rel, data in _deliveries(files).items():
            lines = data.count(b"\n") + (not data.endswith(b"\n"))
            status = report[rel]["status"]
            assert status in ("loaded", "rejected"), (rel, status)
            assert _raw_rows(db, rel) == (lines - 1 if status == "loaded" else 0), rel
        if case.with_good_file:
            assert report[GOOD]["status"] == "loaded"
        # warnings are said out loud: on stderr and in the report
        if "_manifest.json" not in files:
            assert f"WARNING  no _manifest.json in {raw}" in err and full_report["manifest"]["status"] == "missing"
        for words in case.warnings:
            assert any(words in line for line in err.splitlines() if line.startswith("WARNING  ")), (words, err)
            assert any(words in w for w in full_report["warnings"]), (words, full_report["warnings"])
        if isinstance(case.outcome, Rejected):
            expected = case.outcome
            data = files[case.rel] if isinstance(files.get(case.rel), bytes) else b""
            n_lines = data.count(b"\n") + (not data.endswith(b"\n"))
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
                # the suite's checks are written against the delivered text: the landed row as text
                delivered = f"(select _file, _line, {delivered_text(load_suite('npr_tsb').columns)} from raw.npr_tsb)"
                flagged = {n for n, in _query(db, f"select _line from {delivered} as t where _file = ? and "
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
    # issue 26 (the loader's items 1, 3, 6 and the hostile families; item 4 is in test_load.py)
    issue_26 = {"cut_exactly_at_a_line_break", "more_rows_than_the_manifest_says", "no_manifest",
                "a_file_the_manifest_does_not_list", "a_listed_file_is_not_delivered", "a_2023_file_saved_as_2022",
                "a_few_rows_of_neighbouring_years", "one_crlf_line_in_an_lf_file", "utf8_with_a_byte_order_mark",
                "a_byte_order_mark_in_the_middle", "windows_1252_smart_quotes", "a_zip_archive_named_csv",
                "a_parquet_file_named_csv", "an_html_error_page_named_csv", "a_link_to_a_file_outside_the_raw_dir",
                "a_dangling_link", "a_link_loop", "a_source_folder_that_is_a_link"}
    assert issue_26 <= set(CASES)
    # and the test functions below: an unreadable manifest, a withdrawn delivery, an unexpected
    # error (outside and inside the transaction), a file changing while it loads, the previous
    # delivery surviving a cut file and another year's file, the period threshold


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


@pytest.mark.slow
def test_the_command_survives_every_case_at_once(delivery: Path, clean_lines: list[int], tmp_path: Path) -> None:
    """All damaged files in one raw dir (as npr_tsb/<year>.csv, each with its rows moved to that
    year), with one manifest for those that bring one, one real process: exit 1 with --strict,
    one REJECTED line per broken file, the rest loaded, no traceback."""
    raw = tmp_path / "raw"
    expected: dict[str, str] = {}
    manifest: dict[str, int] = {GOOD: len(_lines(delivery / GOOD)) - 1}
    year = 1950
    for name, case in CASES.items():
        if case.rel != VICTIM or not case.with_good_file or name.startswith("copy_"):
            continue
        files = case.damage(_lines(delivery / VICTIM), (delivery / VICTIM).read_bytes(), clean_lines)
        if VICTIM not in files:  # a linked source folder: one per raw dir
            continue
        data = files[VICTIM]
        rel = f"npr_tsb/{year}.csv"
        _place(raw, rel, _shift_years(data, year - 2023) if isinstance(data, bytes) else data)
        if "_manifest.json" in files:
            for entry in json.loads(files["_manifest.json"])["files"]:
                manifest[rel if entry["file"] == VICTIM else entry["file"]] = entry["rows"]
        expected[rel] = "rejected" if isinstance(case.outcome, Rejected) else "loaded"
        year += 1
    assert year < 2020  # every name a past year, whatever the clock says
    (raw / "npr_tsb/2099.csv").write_bytes((delivery / VICTIM).read_bytes())  # a future year too
    expected["npr_tsb/2099.csv"] = "rejected"
    (raw / "helfo_imaging").mkdir()
    shutil.copy(delivery / GOOD, raw / GOOD)
    expected[GOOD] = "loaded"
    (raw / "_manifest.json").write_bytes(_manifest(manifest))
    command = [sys.executable, "-m", "clinical_dashboard.cli", "load", "--raw-dir", str(raw), "--duckdb-path",
               str(tmp_path / "w.duckdb"), "--report-dir", str(tmp_path / "v"), "--strict", "--no-progress"]
    done = subprocess.run(command, capture_output=True, text=True, cwd=REPO, timeout=900,
                          env={**os.environ, "GX_ANALYTICS_ENABLED": "false"})
    assert "Traceback" not in done.stdout + done.stderr, done.stderr[-3000:]
    assert done.returncode == 1, done.stderr[-3000:]
    report = {f["file"]: f for f in json.loads((tmp_path / "v/report.json").read_text("utf-8"))["files"]}
    assert {rel: f["status"] for rel, f in report.items()} == expected
    rejected = [f for f in report.values() if f["status"] == "rejected"]
    assert done.stderr.count("REJECTED ") == len(rejected) >= 45
    with duckdb.connect(str(tmp_path / "w.duckdb"), read_only=True) as db:
        for f in rejected:
            assert f"REJECTED {f['error']['message']}" in done.stderr
            assert _raw_rows(db, f["file"]) == 0
        for rel, f in report.items():
            if f["status"] == "loaded":
                assert _raw_rows(db, rel) == f["rows"] == (raw / rel).read_bytes().count(b"\n") - 1
    # the manifest's warnings: files it does not list, a listed file not delivered
    assert "WARNING  npr_tsb/1950.csv is not listed in _manifest.json" in done.stderr
    assert "WARNING  npr_tsb/2022.csv is listed in _manifest.json (7 rows) but is not in" in done.stderr


# ---------------------------------------------------------------------------- issue 26: own tests
def _copy_in(delivery: Path, raw: Path, rels: tuple[str, ...] = (VICTIM, GOOD), manifest: bool = True) -> None:
    """A raw dir with ``rels`` of the delivery and (``manifest``) their manifest."""
    for rel in rels:
        (raw / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(delivery / rel, raw / rel)
    if manifest:
        (raw / "_manifest.json").write_bytes(_manifest({rel: len(_lines(delivery / rel)) - 1 for rel in rels}))


def _state(db: Path, rel: str = VICTIM) -> tuple:
    """What raw holds of ``rel``: rows, hash, and its delivery log."""
    return (_query(db, "select count(*), min(_delivery_hash), max(_delivery_hash) from raw.npr_tsb where _file = ?",
                   [rel])[0],
            _query(db, "select status, rows, delivery_hash from raw._deliveries where file = ? order by attempted_at",
                   [rel]))


def test_a_cut_delivery_does_not_replace_the_previous_one(delivery: Path, tmp_path: Path, capsys) -> None:
    """Issue 26 item 1: the 2023 TSB file holding its first half, the manifest all rows: refused
    with file, expected and found counts; the earlier complete delivery stays in raw."""
    raw, db = tmp_path / "raw", tmp_path / "w.duckdb"
    _copy_in(delivery, raw)
    assert _cli(raw, tmp_path, capsys)[0] == 0
    before = _state(db)
    lines = _lines(delivery / VICTIM)
    n, kept = len(lines) - 1, (len(lines) - 1) // 2
    (raw / VICTIM).write_bytes(_text(lines[:1 + kept]))
    code, _, err = _cli(raw, tmp_path, capsys)
    message = (f"{VICTIM} line {kept + 2} column 1: expected {n:,} data rows, as _manifest.json says, found "
               f"{kept:,} data rows (the file ends after line {kept + 1:,}) ({n - kept:,} rows missing: cut short in "
               "transfer")
    assert code == 1 and f"REJECTED {message}" in err and "Traceback" not in err
    rows, log = _state(db)
    assert rows == before[0] and rows[0] == n
    assert [s for s, _, _ in log] == ["loaded", "rejected"] and log[0] == before[1][0]
    # the complete file again: loaded (its newest state was the rejection), the same rows
    shutil.copy(delivery / VICTIM, raw / VICTIM)
    code, out, _ = _cli(raw, tmp_path, capsys)
    assert code == 0 and f"loaded   {VICTIM}: {n:,} rows" in out and _state(db)[0] == before[0]
    # a manifest that now disagrees with a file loaded earlier and unchanged: said out loud
    good = len(_lines(delivery / GOOD)) - 1
    (raw / "_manifest.json").write_bytes(_manifest({VICTIM: n, GOOD: good + 5}))
    code, _, err = _cli(raw, tmp_path, capsys)
    assert code == 0 and (f"WARNING  {GOOD} is unchanged since it was loaded with {good:,} rows, but _manifest.json "
                          f"now says {good + 5:,}: the loaded rows stay") in err


def test_a_delivery_of_another_year_does_not_replace_the_real_one(delivery: Path, tmp_path: Path, capsys) -> None:
    """Issue 26 item 3: a 2023 file saved as 2022.csv is refused before it replaces anything; the
    real 2022 rows stay."""
    raw, db = tmp_path / "raw", tmp_path / "w.duckdb"
    real_2022 = _shift_years((delivery / VICTIM).read_bytes(), -1)
    (raw / "npr_tsb").mkdir(parents=True)
    (raw / "npr_tsb/2022.csv").write_bytes(real_2022)
    assert _cli(raw, tmp_path, capsys)[0] == 0
    before = _state(db, "npr_tsb/2022.csv")
    n = len(_lines(delivery / VICTIM)) - 1
    assert before[0][0] == n
    shutil.copy(delivery / VICTIM, raw / "npr_tsb/2022.csv")
    code, _, err = _cli(raw, tmp_path, capsys)
    assert code == 1, err
    (line,) = [x for x in err.splitlines() if x.startswith("REJECTED ")]
    assert line.startswith(f"REJECTED npr_tsb/2022.csv line 2 column {col('utdato')}: expected at least 50% of the "
                           "data rows with 'utdato' in 2022 (the year in the file name), found 0 of "
                           f"{n:,} rows in 2022; the others in 2023 ("), line
    assert _state(db, "npr_tsb/2022.csv")[0] == before[0]


def test_the_period_threshold_is_a_setting(delivery: Path, tmp_path: Path) -> None:
    """Below the share of rows in the year the file is refused, at or above it loaded (the other
    rows flagged); ValidationSettings.period_min_share moves the bound."""
    lines = _lines(delivery / VICTIM)
    n = len(lines) - 1

    def load(share_elsewhere: float, settings: ValidationSettings, name: str) -> str:
        moved = lines[:1] + [_set([x], 1, "utdato", "2022-06-15")[0] if i < share_elsewhere * n else x
                             for i, x in enumerate(lines[1:])]
        raw = tmp_path / name
        (raw / "npr_tsb").mkdir(parents=True)
        (raw / VICTIM).write_bytes(_text(moved))
        config = LoadConfig(raw_dir=raw, duckdb_path=tmp_path / f"{name}.duckdb", report_dir=tmp_path / f"v_{name}",
                            show_progress=False, validation=settings)
        (result,) = run_load(config, out=io.StringIO()).results
        if result.status == "loaded":
            flagged = {c.id: c.unexpected_count for c in result.checks}["utdato:in_year"]
            assert flagged >= round(share_elsewhere * n) - 1
        return result.status

    default = ValidationSettings(use_great_expectations=False)
    assert default.period_min_share == PERIOD_MIN_SHARE == 0.5
    assert load(0.45, default, "a") == "loaded"
    assert load(0.55, default, "b") == "rejected"
    assert load(0.55, ValidationSettings(use_great_expectations=False, period_min_share=0.4), "c") == "loaded"
    assert load(0.05, ValidationSettings(use_great_expectations=False, period_min_share=1.0), "d") == "rejected"
    for wrong in (0, 1.5):
        with pytest.raises(ValueError, match="period_min_share"):
            ValidationSettings(period_min_share=wrong)


@pytest.mark.parametrize("name, content, words", [
    ("not_json", b"{not json", ("not JSON",)),
    ("cut_short", b'{"files": [{"file": "npr_tsb/2023.csv", "rows": 6', ("not JSON",)),
    ("no_files_list", b'{"rows": 5}', ('a JSON object with a list "files"',)),
    ("rows_as_text", b'{"files": [{"file": "npr_tsb/2023.csv", "rows": "6,361"}]}',
     ("files[0] (npr_tsb/2023.csv) has \"rows\" '6,361'", "a whole number of data rows")),
    ("negative_rows", b'{"files": [{"file": "npr_tsb/2023.csv", "rows": -1}]}', ('"rows" -1',)),
    ("no_file_name", b'{"files": [{"rows": 3}]}', ('files[0] has no "file" name',)),
    ("listed_twice", b'{"files": [{"file": "a/2023.csv", "rows": 3}, {"file": "a/2023.csv", "rows": 4}]}',
     ("a/2023.csv is listed twice, with 3 and 4 rows",)),
    ("not_utf8", b'{"files": [{"file": "npr_tsb/2023.csv", "rows": 1, "note": "Troms\xf8"}]}',
     ("not UTF-8: byte 0xF8",)),
    ("a_folder", None, ("IsADirectoryError",)),
])
def test_an_unreadable_manifest_refuses_the_run(name: str, content: bytes | None, words: tuple[str, ...],
                                                delivery: Path, tmp_path: Path, capsys) -> None:
    """Issue 26 item 1: a manifest that cannot be read is said out loud and refuses the run (exit
    2) before anything is opened: which files it vouches for is unknown."""
    raw, db = tmp_path / "raw", tmp_path / "w.duckdb"
    _copy_in(delivery, raw)
    assert _cli(raw, tmp_path, capsys)[0] == 0
    before = _state(db), _query(db, "select count(*) from raw._deliveries")
    lines = _lines(delivery / VICTIM)
    (raw / VICTIM).write_bytes(_text(lines[:-10]))  # a new version, which must not load
    (raw / "_manifest.json").unlink()
    if content is None:
        (raw / "_manifest.json").mkdir()
    else:
        (raw / "_manifest.json").write_bytes(content)
    code, out, err = _cli(raw, tmp_path, capsys)
    assert code == 2 and "Traceback" not in out + err
    assert f"clinical-dashboard load: error: the delivery manifest {raw / '_manifest.json'} cannot be read (" in err
    assert "so nothing was loaded" in err and "move it out of the way" in err
    for word in words:
        assert word in err, (word, err)
    assert (_state(db), _query(db, "select count(*) from raw._deliveries")) == before


def test_a_withdrawn_delivery_is_named_until_it_is_withdrawn(delivery: Path, tmp_path: Path, capsys) -> None:
    """A delivery removed from the raw dir keeps its rows and is a WARNING on every load; an
    explicit --withdraw removes its rows and logs it; a delivery again loads it again."""
    raw, db = tmp_path / "raw", tmp_path / "w.duckdb"
    _copy_in(delivery, raw, manifest=False)
    assert _cli(raw, tmp_path, capsys)[0] == 0
    n = len(_lines(delivery / VICTIM)) - 1
    (raw / VICTIM).unlink()
    code, out, err = _cli(raw, tmp_path, capsys)
    warning = (f"WARNING  {VICTIM} was loaded before but is no longer delivered (not in {raw}): its {n:,} rows stay "
               f"in raw.npr_tsb until you withdraw it with `clinical-dashboard load --withdraw {VICTIM}`")
    assert code == 0 and warning in err and "Traceback" not in err
    assert warning.removeprefix("WARNING  ") in json.loads((tmp_path / "v/report.json").read_text())["warnings"]
    assert _raw_rows(db, VICTIM) == n

    def load(*extra: str) -> tuple[int, str, str]:
        code = main(["load", "--raw-dir", str(raw), "--duckdb-path", str(db), "--report-dir", str(tmp_path / "v"),
                     "--no-progress", NO_GE, *extra])
        captured = capsys.readouterr()
        return code, captured.out, captured.err

    # refused: a file that is still delivered, a name that is not <source>/<year>.csv, a file without rows
    for args, words in ((["--withdraw", GOOD], f"--withdraw {GOOD}: the file is still in {raw}"),
                        (["--withdraw", "2023.csv"], "name the delivery as <source>/<year>.csv"),
                        (["--withdraw", VICTIM, "--withdraw", "npr_tsb/2019.csv"],
                         "--withdraw npr_tsb/2019.csv: no rows of it in raw")):
        code, _, err = load(*args)
        assert code == 2 and words in err and "nothing was changed" in err or "name the delivery" in err, err
        assert _raw_rows(db, VICTIM) == n
    code, out, err = load("--withdraw", VICTIM)
    assert code == 0 and f"withdrawn {VICTIM}: {n:,} rows removed from raw.npr_tsb" in out
    assert "no longer delivered" not in err
    assert _raw_rows(db, VICTIM) == 0 and _raw_rows(db, GOOD) == len(_lines(delivery / GOOD)) - 1
    assert _query(db, "select status, rows from raw._deliveries where file = ? order by attempted_at desc limit 1",
                  [VICTIM]) == [("withdrawn", n)]
    report = json.loads((tmp_path / "v/report.json").read_text())
    assert report["withdrawn"] == [{"file": VICTIM, "source": "npr_tsb", "rows": n}]
    code, _, err = load()
    assert code == 0 and "no longer delivered" not in err
    # delivered again (the same bytes): loaded again, not 'unchanged'
    shutil.copy(delivery / VICTIM, raw / VICTIM)
    code, out, _ = load()
    assert code == 0 and f"loaded   {VICTIM}: {n:,} rows" in out and _raw_rows(db, VICTIM) == n


def test_an_unexpected_error_rejects_only_that_file(delivery: Path, tmp_path: Path, capsys, monkeypatch) -> None:
    """Issue 26 item 6: any unexpected exception while handling one file rejects that file,
    naming it and the exception (the traceback goes to a file, not the terminal); the other
    files load."""
    raw, db = tmp_path / "raw", tmp_path / "w.duckdb"
    _copy_in(delivery, raw)
    original = load_module.stage

    def broken(con, scan, *args):
        if scan.file == VICTIM:
            raise RuntimeError("the reader fell over\nat some place")
        return original(con, scan, *args)

    monkeypatch.setattr(load_module, "stage", broken)
    code, out, err = _cli(raw, tmp_path, capsys)
    trace = tmp_path / "v/files/npr_tsb/2023.traceback.txt"
    message = (f"{VICTIM} line 1 column 1: expected a delivery the loader can read and load, found an unexpected "
               f"RuntimeError: the reader fell over (nothing of it was loaded (an earlier delivery of it, if any, "
               f"stays); the traceback is in {trace}; please report it with the file)")
    assert code == 1 and f"REJECTED {message}" in err and "Traceback" not in out + err
    assert "RuntimeError: the reader fell over" in trace.read_text()
    assert _raw_rows(db, VICTIM) == 0 and _raw_rows(db, GOOD) == len(_lines(delivery / GOOD)) - 1
    assert _query(db, "select status, error from raw._deliveries where file = ?", [VICTIM]) == [("rejected", message)]
    report = {f["file"]: f for f in json.loads((tmp_path / "v/report.json").read_text("utf-8"))["files"]}
    assert report[VICTIM]["status"] == "rejected" and report[VICTIM]["error"]["message"] == message
    assert message in (tmp_path / "v/report.md").read_text("utf-8")


def test_an_error_inside_the_transaction_keeps_the_previous_delivery(delivery: Path, tmp_path: Path, capsys,
                                                                     monkeypatch) -> None:
    """A failure after the old rows were deleted and the new ones inserted rolls the whole file
    back: the previous delivery stays, whole."""
    raw, db = tmp_path / "raw", tmp_path / "w.duckdb"
    _copy_in(delivery, raw, manifest=False)
    assert _cli(raw, tmp_path, capsys)[0] == 0
    before = _state(db)
    (raw / VICTIM).write_bytes(_text(_lines(delivery / VICTIM)[:-10]))
    record = load_module.DuckDBTarget.record

    def failing(self, row: dict) -> None:
        if row["status"] == "loaded":
            raise OSError("disk full")
        record(self, row)

    monkeypatch.setattr(load_module.DuckDBTarget, "record", failing)
    code, _, err = _cli(raw, tmp_path, capsys)
    assert code == 1 and f"REJECTED {VICTIM} line 1 column 1: expected a delivery the loader can read and load, " \
                         "found an unexpected OSError: disk full" in err
    rows, log = _state(db)
    assert rows == before[0] and [s for s, _, _ in log] == ["loaded", "rejected"]
    monkeypatch.setattr(load_module.DuckDBTarget, "record", record)
    assert _cli(raw, tmp_path, capsys)[0] == 0
    assert _state(db)[0][0] == before[0][0] - 10


def test_a_file_that_changes_while_it_loads_is_rejected(delivery: Path, tmp_path: Path, capsys,
                                                        monkeypatch) -> None:
    """A delivery still being written (an upload in progress) is refused, not loaded half."""
    raw, db = tmp_path / "raw", tmp_path / "w.duckdb"
    _copy_in(delivery, raw, manifest=False)
    original = load_module.stage
    lines = _lines(delivery / VICTIM)

    def growing(con, scan, *args):
        if scan.file == VICTIM:
            with (raw / VICTIM).open("ab") as handle:
                handle.write(_text(lines[1:3]))
        return original(con, scan, *args)

    monkeypatch.setattr(load_module, "stage", growing)
    code, _, err = _cli(raw, tmp_path, capsys)
    assert code == 1 and "Traceback" not in err
    assert f"REJECTED {VICTIM} line 1 column 1: expected a file that stays the same while it is loaded" in err
    assert "still being uploaded" in err
    assert _raw_rows(db, VICTIM) == 0 and _raw_rows(db, GOOD) > 0


# ---------------------------------------------------------------------------- staging: quarantine
@pytest.fixture(scope="module")
def quarantine(delivery: Path, clean_lines: list[int], tmp_path_factory: pytest.TempPathFactory):
    """The row-level cases in one npr_tsb file, loaded, and base_npr__tsb built on it by dbt."""
    work = tmp_path_factory.mktemp("bad_input_staging")
    raw = work / "raw"
    ls = _lines(delivery / VICTIM)
    for name in ROW_LEVEL:  # the damage of every case, one after the other, on different lines
        ls = _lines_of(CASES[name].damage(ls, b"", clean_lines)[VICTIM])
    (raw / "npr_tsb").mkdir(parents=True)
    (raw / VICTIM).write_bytes(_text(ls))
    database = work / WAREHOUSE_NAME
    # the command in this process (its imports paid once per session; a new process and its
    # Great Expectations import cost some 10 CPU seconds): --strict, so any rejection fails here
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(["load", "--raw-dir", str(raw), "--duckdb-path", str(database), "--report-dir", str(work / "v"),
                     "--strict", "--no-progress", NO_GE])
    assert code == 0 and "Traceback" not in out.getvalue() + err.getvalue(), err.getvalue()[-3000:]
    # in this process, on the session's parse of the project (warehouses.py)
    build(database, work, [["seed", "--select", "ref_icd10_codes ref_procedure_codes ref_municipality_renumbering "
                                                "ref_catchment_areas"],
                           ["run", "--select", "base_npr__tsb_repeated_ids base_npr__tsb"]])
    with duckdb.connect(str(database)) as con:
        rows = con.execute("select source_line, outcome, reason_code, reason_column, reason_value "
                           "from main.base_npr__tsb").fetchall()
        raw_rows = con.execute("select count(*) from raw.npr_tsb").fetchone()[0]
    return {r[0]: r[1:] for r in rows}, len(rows), raw_rows, len(ls) - 1


def _lines_of(data: bytes) -> list[str]:
    return data.decode("utf-8").splitlines()


@pytest.mark.slow
@pytest.mark.parametrize("name, damaged", [
    ("non_numeric_numbers", {3: ("unparseable_value", "alder", "abc"), 4: ("unparseable_value", "korrvekt", "1,5"),
                             5: ("unparseable_value", "fodselsar", "19x0")}),
    ("dates_in_another_format", {6: ("unparseable_value", "inndato", "08.01.2023"),
                                 7: ("unparseable_value", "utdato", "2023/01/08"),
                                 8: ("unparseable_value", "utdato", "20230108")}),
    ("implausible_dates", {11: ("admission_long_before_period", "inndato", "1990-01-01"),
                           12: ("stay_longer_than_bound", "inndato", "2020-01-05 .. 2023-03-01"),
                           13: ("outside_data_years", "utdato", "2031-03-02")}),
])
def test_row_level_damage_ends_in_quarantine(name: str, damaged: dict, quarantine, clean_lines: list[int]) -> None:
    """The flagged rows reach staging's quarantine with the right reason, and no row is lost."""
    base, n_base, n_raw, n_file = quarantine
    assert n_base == n_raw == n_file  # rows conserved: file = raw = staged + quarantined + deduplicated
    for index, (reason, column, value) in damaged.items():
        line = clean_lines[index]
        assert base[line] == ("quarantined", reason, column, value), (name, line)
    # the undamaged clean lines around them are staged
    assert all(base[clean_lines[i]][0] == "staged" for i in (0, 1, 2, 9, 10))
