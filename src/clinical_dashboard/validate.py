"""Validation of registry deliveries before they are loaded (SPEC sections 2 and 4).

A delivery file ``<source>/<year>.csv`` meets two kinds of checks, handled differently:

**The contract** (schema drift = hard stop). ``;``-separated UTF-8 text, one header row with
exactly the suite's columns in the suite's order, then at least one record, one record per line,
each with exactly that many fields. A breach raises :class:`DeliveryError` naming file, line,
column, what was expected and what was found, and nothing of the file is loaded. Covered:
empty file, header only, missing / unknown (extra) / renamed / reordered / duplicated column,
wrong delimiter, a line with too few or too many fields (e.g. a truncated last line), an empty
line, a quoted value running over several lines, a line longer than ``MAX_LINE_SIZE``, bytes
that are not UTF-8 (with a hint for Windows-1252 and UTF-16 files), NUL bytes, a carriage
return (CR) that does not end a CRLF line break (old Mac line breaks), **mixed line breaks**
(one CRLF line in an LF file, or the reverse), a byte order mark after the start of the file
or the header row again in the middle (two files concatenated), and a file that is not text at
all, recognised by its first bytes (gzip, zip / Excel, parquet, PDF, an HTML page such as a
failed download's error page, UTF-16 with or without a byte order mark ...).

*Line-break decision*: a file whose line breaks are not all the header's (LF, or CRLF) is
**refused**, naming the first line that differs. A registry's export program writes one kind;
a mix means the file was edited or pieced together after the export (one line saved by a
Windows editor), so it is not the file the registry sent. DuckDB's strict reader takes one kind
per file, and reading CRLF as LF would keep the CR in the last field (a silently wrong code);
reading it right would need a rewritten copy of a 1-2 GB file. ``sed -i 's/\\r$//'`` (or
``dos2unix``) fixes it knowingly.

*Period* (:func:`check_period`): the file name's year is the delivery's period; the suite's
period column (its ``in_year`` date, or its ``delivery_year`` integer) gives each row's year.
A file where fewer than ``ValidationSettings.period_min_share`` (default
:data:`PERIOD_MIN_SHARE`, one half) of the rows fall in that year is refused: it is another
year's delivery under this name. Rows of neighbouring years in a real delivery stay row-level
flags.

*Encoding decision*: a file that is not valid UTF-8 (e.g. latin-1) is **refused**, with the
line, column and byte offset of the first offending byte and its latin-1 reading. Guessing an
encoding (latin-1 and Windows-1252 differ in exactly the characters Norwegian text uses, and a
pure-ASCII prefix proves nothing) would risk silently wrong names; the registry re-delivers, or
an engineer converts knowingly with ``iconv -f ISO-8859-1 -t UTF-8``.

**Row-level expectations** (bad rows = flagged). Per source an expectation suite, built from its
contract ``contracts/<source>.yml`` (formats in ``contracts/formats.yml``; see
:mod:`clinical_dashboard.contracts`): types parseable as
documented (integers, ``YYYY-MM-DD`` dates, decimals), code formats by regex (ICD-10,
NCSP/NCMP/NCRP, NLK, municipality, district, organisation number ...), value sets and integer
ranges, not-null and unique keys, dates in the delivery year, discharge not before admission,
and a plausible row count (a per-source band at national volume when ``_manifest.json`` does not
list the file; a count that differs from the manifest's is a contract breach, refused by the
loader). A failing row is loaded and flagged in the report: per expectation and column the
unexpected count and a few example lines. A column's code list (contract key ``code_list``: a seed
and its column, :mod:`clinical_dashboard.code_lists`) gives the check ``<column>:code_list``, a
*warning*: its count (codes the seed does not list, after staging's normalisation) is recorded like
every other, but it never fails the file's expectations.

How the work is split, and why (national scale: 1-2 GB, ~8 M rows per file):

1. :func:`scan_file`, one streaming pass in Python over 16 MB blocks: sha256 of the bytes,
   size, physical line count, strict UTF-8 decoding, the header, empty lines, and a checkpoint
   line (number and bytes) per block. ~3-6 s per GB on 2 cores.
2. :func:`stage`: DuckDB ``read_csv`` (all varchar, strict mode, rejects table) into a
   temporary table in file order (``preserve_insertion_order``), so ``_line = rowid + 2``.
   Lines with the wrong number of fields come back from the rejects table with their line
   number. The numbering is then *proved*: every record is one line (records + 1 == physical
   lines, and no empty lines) and every checkpoint line equals the staged row of that number.
3. :func:`count_unexpected`: every row-level expectation is translated to a SQL predicate and
   counted over **every row** in DuckDB: a check of one column once per distinct value of the
   column weighted by its rows (one grouping per column, which also finds repeated keys), checks
   of two columns per row, and one query per failed expectation for its first example lines;
   these are the counts in the report.
4. :func:`run_great_expectations`: Great Expectations 1.x runs the same suite (built from the
   same contract) on a pandas dataframe: the whole file when it has at most
   ``ValidationSettings.ge_full_max_rows`` rows (default 25,000), otherwise a deterministic
   systematic sample of about ``ge_sample_rows`` rows (default 20,000: every k-th line, so the
   sample spans the whole year, which the files are sorted by). Why not GE on everything: GE on
   pandas over a 1.5 GB file needs ~15 GB of memory and minutes, and its SQL data source does
   not work on DuckDB (TOOLCHAIN.md); GE's cost is mostly per expectation (~0.4 s for 1,000
   rows, ~0.8 s for 20,000, ~1.8 s for 100,000 with the 52 NPR expectations), so a sample keeps
   it at about a second a file. Where GE saw the whole file its unexpected counts must equal
   DuckDB's (the report marks any disagreement; a test checks it), which keeps the SQL
   translation of the suite honest.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import json
import os
import re
import warnings
from dataclasses import dataclass, field, fields
from functools import lru_cache
from itertools import chain
from pathlib import Path
from typing import Any, Callable, Iterable

import duckdb
import numpy as np

from .code_lists import CodeList, listed, unknown_sql, when_condition
from .contracts import Column, Contract, contract, contracts
from .contracts import formats as contract_formats

DELIMITER = ";"
BLOCK_SIZE = 16 << 20
#: Longest line DuckDB accepts (a longer line is a contract breach, not a crash).
MAX_LINE_SIZE = 8 << 20
#: A found value longer than this is cut in an error message (a 50 MB field stays out of the log).
MAX_FOUND_CHARS = 200
#: Examples of unexpected values kept per expectation.
N_EXAMPLES = 5
_OTHER_DELIMITERS = (",", "\t", "|", ":")
#: A delivery is refused when fewer than this share of its data rows have their period column
#: (:attr:`Suite.period_column`) in the year of the file name: it is another year's file under
#: this name (e.g. a 2023 file saved as 2022.csv). Generated extracts have every row in their
#: year; real NPR files hold a few rows of neighbouring years, and the running year's T1/T2 file
#: is a partial year of that year's rows, so one half is far from both. (Stragglers of other years
#: in a good file stay row-level flags, the ``in_year`` expectation.)
PERIOD_MIN_SHARE = 0.5
# Python's csv module refuses fields over 128 KiB; a line DuckDB accepts may hold one field of
# almost MAX_LINE_SIZE (only raises the process-wide limit).
csv.field_size_limit(max(csv.field_size_limit(), MAX_LINE_SIZE + 2))


# ------------------------------------------------------------------------------------------
# the one error of a delivery that breaks its contract
# ------------------------------------------------------------------------------------------
class DeliveryError(Exception):
    """A delivery file breaks its contract; nothing of it may be loaded.

    ``str(error)`` reads like ``npr_som/2023.csv line 1 column 31: expected header 'debitor',
    found 'ekstra'`` (``line`` is 1-based with the header as line 1, ``column`` is 1-based).
    """

    def __init__(self, file: str, line: int, column: int, expected: str, found: str, hint: str = ""):
        if len(found) > MAX_FOUND_CHARS:
            found = f"{found[:MAX_FOUND_CHARS]}... ({len(found):,} characters)"
        self.file, self.line, self.column = file, line, column
        self.expected, self.found, self.hint = expected, found, hint
        super().__init__(self.message)

    @property
    def message(self) -> str:
        text = f"{self.file} line {self.line} column {self.column}: expected {self.expected}, found {self.found}"
        return f"{text} ({self.hint})" if self.hint else text

    def as_dict(self) -> dict:
        return {"file": self.file, "line": self.line, "column": self.column, "expected": self.expected,
                "found": self.found, "hint": self.hint, "message": self.message}


# ------------------------------------------------------------------------------------------
# expectation suites (built from the source contracts, contracts/<source>.yml)
# ------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Suite:
    name: str
    source: str
    columns: tuple[Column, ...]  # the contract's columns (checks and docs)
    pairs: tuple[tuple[str, str, str], ...] = ()  # (a, b, label): a >= b where both present
    row_count_band: tuple[int, int] | None = None
    basis: str = ""

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)

    @property
    def period_column(self) -> str | None:
        """The column that gives a row's year (its period): the ``in_year`` date (NPR's discharge
        date, HELFO's service date ...) or the ``delivery_year`` integer of aggregated sources."""
        return next((c.name for c in self.columns if c.in_year or c.format == "delivery_year"), None)



def formats() -> dict[str, dict[str, str]]:
    """name -> {regex, label} of the value formats (``contracts/formats.yml``)."""
    return {name: {"regex": f.regex, "label": f.label} for name, f in contract_formats().items()}


def suite_of(contract: Contract) -> Suite:
    """The loader's suite of a source contract (the same checks, in the contract's column order)."""
    return Suite(name=contract.source, source=contract.source, columns=contract.columns,
                 pairs=tuple((p.a, p.b, p.label) for p in contract.pairs), row_count_band=contract.row_count,
                 basis=contract.path)


@lru_cache(maxsize=None)
def load_suite(source: str) -> Suite | None:
    """The expectation suite of ``source`` (from ``contracts/<source>.yml``), or ``None`` when there
    is no contract."""
    found = contract(source)
    return suite_of(found) if found is not None else None


# ------------------------------------------------------------------------------------------
# checks: one suite entry = one GE expectation = one SQL predicate
# ------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Check:
    """One row-level (or table-level) expectation of a file's suite."""

    id: str
    expectation: str  # the GE expectation class, e.g. ExpectColumnValuesToMatchRegex
    kwargs: dict
    column: str | None
    description: str
    #: SQL boolean expression over the staged table: true = this row is unexpected
    #: (``None`` for table-level checks).
    unexpected_sql: str | None = None
    #: SQL expression shown as the unexpected value in examples.
    value_sql: str | None = None
    kind: str = "row"  # row | unique | table
    #: counted per row, not per distinct value of ``column`` (the check reads another column too)
    per_row: bool = False
    #: a warning: counted and reported, never a failed expectation (code lists: the seeds may lag
    #: behind the registry; staging keeps the code and flags it)
    warning: bool = False
    #: the column's code list (check ``<column>:code_list``): GE's value set is made from it per frame
    code_list: CodeList | None = None


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _lit(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def compile_checks(suite: Suite, year: int, expected_rows: int | None = None,
                   manifest_rows: int | None = None) -> list[Check]:
    """The suite's expectations for one file (``year`` fills ``{year}`` in formats)."""
    checks: list[Check] = []
    fmts = formats()
    for col in suite.columns:
        c, qc = col.name, _q(col.name)
        present = f"{qc} is not null"

        def regex_check(pattern: str, label: str, tag: str) -> Check:
            pattern = pattern.replace("{year}", str(year))
            return Check(id=f"{c}:{tag}", expectation="ExpectColumnValuesToMatchRegex",
                         kwargs={"column": c, "regex": pattern}, column=c, description=label,
                         unexpected_sql=f"{present} and not regexp_matches({qc}, {_lit(pattern)})", value_sql=qc)

        if col.not_null:
            checks.append(Check(id=f"{c}:not_null", expectation="ExpectColumnValuesToNotBeNull",
                                kwargs={"column": c}, column=c, description="not empty",
                                unexpected_sql=f"{qc} is null", value_sql="''"))
        strict = col.format or col.values is not None or col.range is not None
        if col.type in ("integer", "decimal") and not strict:
            checks.append(regex_check(fmts[col.type]["regex"], f"parses as {fmts[col.type]['label']}", col.type))
        if col.type == "date":
            # Python's strptime semantics (what GE uses) in DuckDB: try_strptime, which also
            # accepts surrounding spaces, so spaces are ruled out separately.
            checks.append(Check(id=f"{c}:date", expectation="ExpectColumnValuesToMatchStrftimeFormat",
                                kwargs={"column": c, "strftime_format": "%Y-%m-%d"}, column=c,
                                description="a valid date YYYY-MM-DD",
                                unexpected_sql=f"{present} and (try_strptime({qc}, '%Y-%m-%d') is null "
                                               f"or regexp_matches({qc}, '\\s'))",
                                value_sql=qc))
        if col.in_year:
            checks.append(regex_check(f"^{year}-", f"a date in the delivery year {year}", "in_year"))
        if col.format:
            checks.append(regex_check(fmts[col.format]["regex"], fmts[col.format]["label"], col.format))
        if col.values is not None or col.range is not None:
            if col.values is not None:
                values, label = list(col.values), "one of " + ", ".join(col.values)
            else:
                lo, hi = col.range  # type: ignore[misc]
                values, label = [str(v) for v in range(lo, hi + 1)], f"an integer {lo}-{hi}"
            in_list = ", ".join(_lit(v) for v in values)
            checks.append(Check(id=f"{c}:values", expectation="ExpectColumnValuesToBeInSet",
                                kwargs={"column": c, "value_set": values}, column=c, description=label,
                                unexpected_sql=f"{present} and {qc} not in ({in_list})", value_sql=qc))
        if col.code_list is not None:
            checks.append(code_list_check(col))
        if col.unique:
            checks.append(Check(id=f"{c}:unique", expectation="ExpectColumnValuesToBeUnique",
                                kwargs={"column": c}, column=c, description="unique (every copy of a repeated "
                                "value counts)", kind="unique", value_sql=qc))
    for a, b, label in suite.pairs:
        qa, qb = _q(a), _q(b)
        checks.append(Check(id=f"{a}>={b}", expectation="ExpectColumnPairValuesAToBeGreaterThanB",
                            kwargs={"column_A": a, "column_B": b, "or_equal": True,
                                    "ignore_row_if": "either_value_is_missing"},
                            column=f"{a}, {b}", description=f"{label} ({a} >= {b})",
                            unexpected_sql=f"{qa} is not null and {qb} is not null and not ({qa} >= {qb})",
                            value_sql=f"{qa} || ' < ' || {qb}"))
    if manifest_rows is not None:
        checks.append(Check(id="rows:manifest", expectation="ExpectTableRowCountToEqual",
                            kwargs={"value": manifest_rows}, column=None, kind="table",
                            description=f"{manifest_rows:,} data rows, as the delivery manifest says"))
    elif suite.row_count_band:
        lo, hi = suite.row_count_band
        checks.append(Check(id="rows:band", expectation="ExpectTableRowCountToBeBetween",
                            kwargs={"min_value": lo, "max_value": hi}, column=None, kind="table",
                            description=f"a plausible number of data rows ({lo:,}-{hi:,} at national volume)"))
    return checks


def code_list_check(col: Column) -> Check:
    """``<column>:code_list``: a present value (normalised as staging does) that is not in the
    column's code list (:mod:`clinical_dashboard.code_lists`). Great Expectations runs it as
    ExpectColumnValuesToNotBeInSet: its value set is the delivered values in the frame that
    :func:`clinical_dashboard.code_lists.listed` (the normalisation in Python) does not find in
    the seed, made when the suite meets the frame (:func:`ge_suite`); a ``when`` becomes GE's
    row_condition. The unlisted values, not the listed ones: a frame of laboratory invoices holds
    some 20,000 listed lists of codes and a handful of unlisted ones, and GE copies an
    expectation's value set dozens of times while it validates (most of its time, measured);
    the rows flagged are the same."""
    code_list = col.code_list
    assert code_list is not None
    c = col.name
    when = None
    if code_list.when_column:
        when = (f"lower(trim({_q(code_list.when_column)})) in "
                f"({', '.join(_lit(v) for v in code_list.when_values)})")
    # mostly 0: a warning, as in DuckDB (GE still counts the unexpected rows); value_set: per frame
    kwargs: dict = {"column": c, "value_set": [], "mostly": 0.0}
    if code_list.when_column:
        kwargs.update(row_condition=when_condition(code_list), condition_parser="pandas")
    return Check(id=f"{c}:code_list", expectation="ExpectColumnValuesToNotBeInSet", kwargs=kwargs, column=c,
                 description=f"in the code list {code_list.label} (a warning: loaded and counted)",
                 unexpected_sql=unknown_sql(code_list, _q(c), when), value_sql=_q(c), per_row=when is not None,
                 warning=True, code_list=code_list)


# ------------------------------------------------------------------------------------------
# 1. the streaming pass
# ------------------------------------------------------------------------------------------
@dataclass
class ScanResult:
    file: str
    path: Path
    bytes: int = 0
    sha256: str = ""
    lines: int = 0  # physical lines, the header included
    ends_with_newline: bool = True
    header: list[str] = field(default_factory=list)
    #: (line number, the line's bytes without its line break), one per 16 MB block
    checkpoints: list[tuple[int, bytes]] = field(default_factory=list)
    error: DeliveryError | None = None

    @property
    def data_lines(self) -> int:
        return max(self.lines - 1, 0)


def _split_fields(line: str) -> list[str]:
    """The fields of one line by the csv rules of the contract; never raises (a broken line is
    split at every ';', for error messages)."""
    try:
        return next(csv.reader([line], delimiter=DELIMITER, quotechar='"', doublequote=True, strict=False), [])
    except csv.Error:  # a field longer than csv.field_size_limit(), or a line break in the line
        return line.split(DELIMITER)


def _check_header(rel: str, raw: str, expected: tuple[str, ...]) -> None:
    found = _split_fields(raw)
    if found == list(expected) or not expected:
        return
    n_exp = len(expected)
    if len(found) <= 1 < n_exp:
        for delim in _OTHER_DELIMITERS:
            if delim in raw:
                raise DeliveryError(rel, 1, 1, f"a ';'-separated header {';'.join(expected[:2])};...",
                                    f"{raw[:60]!r}", f"{delim!r} looks like the delimiter: the delivery must "
                                    "use ';' between fields")
    duplicates = sorted({c for c in found if found.count(c) > 1})
    missing = [c for c in expected if c not in found]
    unknown = [c for c in found if c not in expected]
    notes = []

    def names(columns: list[str]) -> str:
        shown = ", ".join(map(repr, columns[:8]))
        return shown + (f" and {len(columns) - 8:,} more" if len(columns) > 8 else "")

    if missing:
        notes.append("missing column" + "s" * (len(missing) > 1) + " " + names(missing))
    if unknown:
        notes.append("unknown column" + "s" * (len(unknown) > 1) + " " + names(unknown))
    if duplicates:
        notes.append("repeated column" + "s" * (len(duplicates) > 1) + " " + names(duplicates))
    if not missing and not unknown and not duplicates:
        notes.append("the same columns in another order")
    if len(missing) == 1 and len(unknown) == 1 and len(found) == n_exp \
            and found.index(unknown[0]) == expected.index(missing[0]):
        notes = [f"column {missing[0]!r} renamed to {unknown[0]!r}?"]
    elsewhere = _sources_with_header(found)
    if elsewhere:
        notes = [f"this is the header of {', '.join(elsewhere)}: a file of another source in the wrong folder?"]
    hint = "; ".join(notes)
    i = next((k for k in range(min(len(found), n_exp)) if found[k] != expected[k]), min(len(found), n_exp))
    if i < n_exp and i < len(found):
        raise DeliveryError(rel, 1, i + 1, f"header {expected[i]!r}", repr(found[i]), hint)
    if len(found) > n_exp:
        raise DeliveryError(rel, 1, i + 1, f"end of header after column {n_exp} {expected[-1]!r}",
                            f"extra column {found[i]!r}", hint)
    raise DeliveryError(rel, 1, i + 1, f"header {expected[i]!r}", "end of line", hint)


#: Files that are not a text extract at all, recognised by their first bytes: (magic, what it
#: is, hint). A delivery is a ';'-separated UTF-8 text file; these are refused at line 1 column 1.
_MAGIC_HINTS = (
    (b"\x1f\x8b", "gzip-compressed data", "the file is gzip-compressed: unpack it (gunzip) and deliver the .csv"),
    (b"PK\x03\x04", "a zip archive (an Excel workbook .xlsx is one)",
     "the file is a zip archive or an Excel workbook: deliver the ';'-separated .csv export"),
    (b"PK\x05\x06", "an empty zip archive", "deliver the ';'-separated .csv export"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an Office document (an old Excel workbook .xls?)",
     "deliver the ';'-separated .csv export, not the workbook"),
    (b"PAR1", "a parquet file", "deliver the ';'-separated .csv export, not parquet"),
    (b"%PDF-", "a PDF document", "a PDF is not an extract: deliver the ';'-separated .csv"),
    (b"\xfd7zXZ\x00", "xz-compressed data", "the file is xz-compressed: unpack it (unxz) and deliver the .csv"),
    (b"\x28\xb5\x2f\xfd", "zstd-compressed data",
     "the file is zstd-compressed: unpack it (unzstd) and deliver the .csv"),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive", "unpack it and deliver the .csv"),
    (b"\xff\xfe", "UTF-16 text (byte order mark FF FE)",
     "the file is UTF-16 (byte order mark FF FE): convert it with `iconv -f UTF-16 -t UTF-8`"),
    (b"\xfe\xff", "UTF-16 text (byte order mark FE FF)",
     "the file is UTF-16 (byte order mark FE FF): convert it with `iconv -f UTF-16 -t UTF-8`"),
)
#: Text that is not an extract, by how it starts (lower case, after a BOM and white space).
_TEXT_HINTS = (
    (("<!doctype html", "<html", "<head", "<body"), "an HTML page",
     "a web page saved under the delivery's name (the error or login page of a failed download?): "
     "download the delivery again"),
    (("<?xml",), "an XML document", "deliver the ';'-separated .csv export"),
    (("{", "["), "JSON", "deliver the ';'-separated .csv export"),
)
_BOM = b"\xef\xbb\xbf"
#: Bytes that valid UTF-8 may hold but the contract does not: (byte, expected, hint).
_BAD_BYTES = (
    (b"\x00", "text without NUL bytes", "a NUL byte is not text (a binary or broken export?); "
                                        "PostgreSQL cannot store it"),
    (b"\r", "lines ending in LF or CRLF", "a carriage return (CR) that is not part of a CRLF line break "
                                          "(old Mac line breaks?): convert them to LF"),
    (_BOM, "no byte order mark (U+FEFF) after the start of the file",
     "a byte order mark inside the file is where a second file starts (two files concatenated?) or an "
     "editor's artefact: deliver each file on its own"),
)


def sniff(head: bytes) -> tuple[str, str] | None:
    """(what the file is, hint) when its first bytes show it is not a text extract, else ``None``."""
    for magic, what, hint in _MAGIC_HINTS:
        if head.startswith(magic):
            return what, hint
    if head.startswith(b"BZh") and head[3:4].isdigit() and head[4:10] == b"1AY&SY":
        return "bzip2-compressed data", "the file is bzip2-compressed: unpack it (bunzip2) and deliver the .csv"
    sample = head[:64]
    if len(sample) >= 8 and sample.count(b"\x00") >= len(sample) // 2 - 2:
        order = "LE" if sample[1::2].count(0) > sample[0::2].count(0) else "BE"
        return (f"UTF-16{order} text without a byte order mark (every other byte is 0x00)",
                f"the file is UTF-16: convert it with `iconv -f UTF-16{order} -t UTF-8`")
    text = head[:256].removeprefix(_BOM).lstrip().lower()
    for starts, what, hint in _TEXT_HINTS:
        if text.startswith(tuple(s.encode() for s in starts)):
            return what, hint
    return None


def _sources_with_header(found: list[str]) -> list[str]:
    """The sources whose suite has exactly the columns ``found``, in that order."""
    try:
        return sorted(source for source, found_contract in contracts().items()
                      if [c.name for c in found_contract.columns] == found)
    except (OSError, ValueError, KeyError):  # a broken suite file is reported elsewhere
        return []


_LINE_ENDING_IN_DELIMITER = re.compile(rb";\r?\n")


def _bytes_before_line_breaks(buf: bytes):
    """The byte before each LF of ``buf`` (a numpy array; an LF at offset 0 has none): one pass
    that tells whether any line ends in ';' or is empty, where a search for the two-byte
    sequences would pass over the block once per sequence, many times slower."""
    data = np.frombuffer(buf, np.uint8)
    breaks = np.flatnonzero(data == 0x0A)
    return data[breaks[breaks > 0] - 1]


def _extra_empty_fields(buf: bytes, pos: int, n_expected: int, final: bool,
                        ends_in_delimiter: bool = True) -> tuple[int, int] | None:
    """(start, fields) of the first line from ``pos`` that ends in ';' and has more than
    ``n_expected`` fields: DuckDB's reader drops empty fields after the last column without a
    word, so these lines are counted here (only lines ending in ';' can be such lines;
    ``ends_in_delimiter`` False: the caller knows no line of ``buf`` ends in ';' before a line break)."""
    ends: Iterable[int] = (m.start() for m in _LINE_ENDING_IN_DELIMITER.finditer(buf, pos)) \
        if ends_in_delimiter else ()
    tail = buf.removesuffix(b"\r")
    if final and tail.endswith(b";") and not buf.endswith(b"\n"):
        ends = chain(ends, [len(tail) - 1])
    for end in ends:
        start = buf.rfind(b"\n", 0, end) + 1
        line = buf[start:end + 1]
        n = line.count(b";") + 1 if b'"' not in line else len(_split_fields(line.decode("utf-8")))
        if n > n_expected:
            return start, n
    return None


def _column_at(line: bytes, offset: int) -> int:
    """1-based field number of byte ``offset`` in ``line`` (delimiters inside quotes ignored)."""
    column, quoted = 1, False
    for byte in line[:offset]:
        if byte == 0x22:
            quoted = not quoted
        elif byte == 0x3B and not quoted:
            column += 1
    return column


def _open_quote_column(line: str) -> int | None:
    """1-based field number of a quote that ``line`` opens and never closes (``None``: none)."""
    column, quoted, opened = 1, False, None
    for char in line:
        if char == '"':
            quoted = not quoted
            opened = column if quoted else opened
        elif char == DELIMITER and not quoted:
            column += 1
    return opened if quoted else None


def _column_label(expected: tuple[str, ...], column: int) -> str:
    return f" {expected[column - 1]!r}" if 0 < column <= len(expected) else ""


def _find_line(buf: bytes, pos: int, line: bytes, final: bool) -> int:
    """Offset of the first line from ``pos`` (a line start) that is exactly ``line`` (LF or
    CRLF), or -1."""
    hits = [pos] if buf.startswith(line + b"\n", pos) or buf.startswith(line + b"\r\n", pos) else []
    hits += [k + 1 for k in (buf.find(b"\n" + line + b"\n", pos), buf.find(b"\n" + line + b"\r\n", pos)) if k >= 0]
    tail = len(buf) - len(line)
    if final and tail >= pos and buf.endswith(line) and (tail == pos or buf[tail - 1] == 0x0A):
        hits.append(tail)
    return min(hits) if hits else -1


def _runaway_line_error(rel: str, prefix: bytes, line: int, offset: int,
                        expected: tuple[str, ...]) -> DeliveryError:
    """A line already longer than MAX_LINE_SIZE before its line break (``prefix``: its bytes so
    far, from byte ``offset``). Found in the scan so that a file without line breaks is never
    held in memory whole: old Mac line breaks (CR only), NUL bytes, or one endless line."""
    for bad, expected_text, hint in _BAD_BYTES[:2]:
        at = prefix.find(bad)
        if at >= 0:
            return DeliveryError(rel, line, _column_at(prefix[:at + 1], at), expected_text,
                                 f"byte 0x{bad.hex().upper()} at byte offset {offset + at:,}", hint)
    at = MAX_LINE_SIZE
    column = prefix.count(b";", 0, at) + 1 if b'"' not in prefix[:at] else _column_at(prefix[:at + 1], at)
    return DeliveryError(rel, line, column, f"a line of at most {MAX_LINE_SIZE:,} bytes",
                         f"a line of more than {len(prefix):,} bytes without a line break",
                         f"column {column}{_column_label(expected, column)} runs past byte {MAX_LINE_SIZE:,} of "
                         "the line: no registry value is that long (a broken export?)")


def scan_file(path: Path, rel: str, expected: tuple[str, ...],
              progress: Callable[[int], Any] | None = None) -> ScanResult:
    """Stream the file once: hash, size, lines, UTF-8, header, empty lines, line breaks,
    checkpoints.

    Never raises for a broken delivery: the first contract breach is in ``result.error`` (the
    hash and size still cover the whole file, for the delivery log). Memory stays bounded: a
    line that runs past ``MAX_LINE_SIZE`` without a line break ends the checks.
    """
    result = ScanResult(file=rel, path=path)
    digest = hashlib.sha256()
    carry = b""  # an incomplete last line, carried to the next block
    base = 0  # byte offset of carry[0] in the file
    line_no = 0  # lines completed before carry
    error: DeliveryError | None = None
    decoder_check = codecs.getdecoder("utf-8")
    last: list = []  # [line number, bytes] of the last data line seen
    crlf: bool | None = None  # the header's line break: every line must end like it
    header_line = b""  # the header row's bytes (no BOM, no line break): seen again = a second file

    def process(buf: bytes, final: bool) -> None:
        """Check complete lines ``buf`` (ending with a newline unless ``final``)."""
        nonlocal line_no, error, crlf, header_line
        if error is not None or not buf:
            return
        try:
            decoder_check(buf, "strict")
        except UnicodeDecodeError as exc:
            start = buf.rfind(b"\n", 0, exc.start) + 1
            line = line_no + buf.count(b"\n", 0, exc.start) + 1
            column = _column_at(buf[start:exc.start + 1], exc.start - start)
            bad = buf[exc.start:exc.end]
            if 0x80 <= bad[0] <= 0x9F:  # C1 controls in latin-1: Windows-1252's quotes, dashes, euro
                reading = f"{bad[:1].decode('cp1252', 'replace')!r} if read as Windows-1252"
                hint = "the file is not UTF-8 (Windows-1252: bytes 0x80-0x9F are its smart quotes, dashes " \
                       "and euro sign): convert it with `iconv -f WINDOWS-1252 -t UTF-8` or ask for a UTF-8 delivery"
            else:
                reading = f"{bad.decode('latin-1')!r} if read as latin-1"
                hint = "the file is not UTF-8 (latin-1 or Windows-1252?): convert it with " \
                       "`iconv -f ISO-8859-1 -t UTF-8` or ask for a UTF-8 delivery"
            error = DeliveryError(
                rel, line, column, "UTF-8 text" + _column_label(expected, column).replace(" '", " in '"),
                f"byte 0x{bad.hex().upper()} at byte offset {base + exc.start:,} ({reading})", hint)
            return
        for bad, expected_text, hint in _BAD_BYTES:
            if bad[:1] not in buf or bad not in buf:  # one byte first: memchr, many times faster
                continue
            if bad == b"\r":
                if buf.count(b"\r") == buf.count(b"\r\n"):
                    continue  # CRLF line breaks are fine (whether they are the file's: below)
                at = re.search(rb"\r(?!\n)", buf).start()  # type: ignore[union-attr]
            elif bad == _BOM:
                at = buf.find(bad, len(_BOM) if base == 0 and buf.startswith(bad) else 0)
                if at < 0:
                    continue  # a byte order mark at the start of the file is fine
            else:
                at = buf.index(bad)
            start = buf.rfind(b"\n", 0, at) + 1
            column = _column_at(buf[start:at + 1], at - start)
            error = DeliveryError(rel, line_no + buf.count(b"\n", 0, at) + 1, column, expected_text,
                                  f"byte 0x{bad.hex().upper()} at byte offset {base + at:,}", hint)
            return
        if line_no == 0:
            end = buf.find(b"\n")
            crlf = end > 0 and buf[end - 1] == 0x0D
        has_cr = b"\r" in buf
        before = _bytes_before_line_breaks(buf)
        # mixed line breaks: every line ends like the header (LF, or CRLF)
        if crlf is not None:
            if crlf:
                bare = buf.startswith(b"\n") or bool((before != 0x0D).any())  # an LF without its CR
                found = re.search(rb"(?<!\r)\n", buf) if bare else None
                at = found.start() if found else -1
            else:
                at = buf.find(b"\r\n") if has_cr else -1
            if at >= 0:
                start = buf.rfind(b"\n", 0, at) + 1
                line_end = at if crlf else at + 1
                column = _column_at(buf[start:line_end], line_end - start - (0 if crlf else 1))
                error = DeliveryError(
                    rel, line_no + buf.count(b"\n", 0, at) + 1, column,
                    f"the header's line break ({'CRLF' if crlf else 'LF'}) at the end of every line",
                    f"{'an LF' if crlf else 'a CRLF'} line break at byte offset {base + at:,}",
                    "mixed line breaks: the file was edited or pieced together after the export (a line "
                    "saved by a Windows editor?); convert them all to LF (`sed -i 's/\\r$//' FILE` or "
                    "dos2unix) or ask the registry for the file again")
                return
        pos = 0
        if line_no == 0:  # the header
            end = buf.find(b"\n")
            end = len(buf) if end < 0 else end
            header = buf[:end].decode("utf-8").removeprefix("\ufeff").removesuffix("\r")
            if not header.strip():
                error = DeliveryError(rel, 1, 1, f"a header row ({';'.join(expected[:3])};...)", "an empty line")
                return
            result.header = _split_fields(header)
            try:
                _check_header(rel, header, expected)
            except DeliveryError as exc:
                error = exc
                return
            header_line = header.encode("utf-8")
            pos = end + 1
        # empty lines: a record per line, no blank lines
        first_line = line_no + (1 if pos else 0) + 1  # number of the line starting at pos
        if pos < len(buf) and (buf.startswith(b"\n", pos) or buf.startswith(b"\r\n", pos)):
            error = DeliveryError(rel, first_line, 1, f"a record of {len(expected)} fields", "an empty line")
            return
        patterns = ((b"\n\n",) if (before == 0x0A).any() else ()) + ((b"\n\r\n",) if has_cr else ())
        hits = [k for k in (buf.find(p, pos) for p in patterns) if k >= 0]
        if hits:
            line = line_no + buf.count(b"\n", 0, min(hits) + 1) + 1
            error = DeliveryError(rel, line, 1, f"a record of {len(expected)} fields", "an empty line")
            return
        # the header row again: a second file concatenated to this one
        if header_line and pos < len(buf):
            at = _find_line(buf, pos, header_line, final)
            if at >= 0:
                error = DeliveryError(rel, line_no + buf.count(b"\n", 0, at) + 1, 1,
                                      f"a record of {len(expected)} fields", "the header row again",
                                      "a second file's header: two files concatenated? deliver each "
                                      "source and year as one file with one header")
                return
        ends_in_delimiter = bool((before == 0x3B).any()) or (has_cr and b";\r\n" in buf)
        extra = _extra_empty_fields(buf, pos, len(expected), final, ends_in_delimiter)
        if extra is not None:
            start, n = extra
            line = line_no + buf.count(b"\n", 0, start) + 1
            error = DeliveryError(rel, line, len(expected) + 1, f"{len(expected)} fields separated by ';'",
                                  f"{n} fields", f"extra empty value after column {len(expected)}"
                                  f"{_column_label(expected, len(expected))}")
            return
        if pos < len(buf):
            # a checkpoint: the first data line starting in this block, and the last one
            end = buf.find(b"\n", pos)
            end = len(buf) if end < 0 else end
            result.checkpoints.append((first_line, buf[pos:end].removesuffix(b"\r")))
            body = buf[:-1] if buf.endswith(b"\n") else buf
            last_start = max(body.rfind(b"\n") + 1, pos)
            last[:] = [line_no + buf.count(b"\n", 0, last_start) + 1, body[last_start:].removesuffix(b"\r")]
        line_no += buf.count(b"\n") + (1 if final and not buf.endswith(b"\n") else 0)

    with path.open("rb") as handle:
        while True:
            block = handle.read(BLOCK_SIZE)
            if not block:
                break
            digest.update(block)
            if result.bytes == 0:
                what = sniff(block)
                if what is not None:
                    error = DeliveryError(rel, 1, 1, "a ';'-separated UTF-8 text file (the extract)",
                                          f"{what[0]} (first bytes {block[:8].hex(' ').upper()})", what[1])
            result.bytes += len(block)
            if progress:
                progress(len(block))
            if error is not None:
                continue  # keep hashing: the delivery log records the hash of a rejected file too
            data = carry + block
            cut = data.rfind(b"\n") + 1
            if cut:
                process(data[:cut], final=False)
                base += cut
            carry = data[cut:]
            if error is None and len(carry) > MAX_LINE_SIZE + 1:  # longer than any line DuckDB reads
                error = _runaway_line_error(rel, carry, line_no + 1, base, expected)
    if error is None:
        process(carry, final=True)
        if last:
            result.checkpoints.append((last[0], last[1]))
    result.sha256 = digest.hexdigest()
    result.lines = line_no
    result.ends_with_newline = not carry
    if error is None:
        if result.bytes == 0:
            error = DeliveryError(rel, 1, 1, f"a header row ({';'.join(expected[:3])};...)", "an empty file (0 bytes)")
        elif line_no <= 1:
            error = DeliveryError(rel, 2, 1, f"at least one data row of {len(expected)} fields",
                                  "the end of the file (header only)")
    result.checkpoints = [(n, b) for n, b in result.checkpoints if n >= 2]
    result.error = error
    return result


# ------------------------------------------------------------------------------------------
# 2. staging in DuckDB, with proved line numbers
# ------------------------------------------------------------------------------------------
def _read_line(path: Path, offset: int) -> bytes:
    """The line holding byte ``offset``. DuckDB's ``line_byte_position`` is not always the first
    byte of the line (with LF line breaks it is one byte into it; with CRLF it is the LF before
    it), so the line starts after the last LF before ``offset``."""
    with path.open("rb") as handle:
        back = min(offset, 1 << 16)
        handle.seek(offset - back)
        before = handle.read(back)
        start = offset - back + before.rfind(b"\n") + 1 if b"\n" in before else (0 if back == offset else offset)
        handle.seek(start)
        return handle.readline(MAX_LINE_SIZE + 2).rstrip(b"\n").removesuffix(b"\r")


def stage(con, scan: ScanResult, expected: tuple[str, ...], table: str) -> int:
    """Read the file into temporary table ``table`` (all varchar, file order); returns rows.

    Raises :class:`DeliveryError` for lines with the wrong number of fields and for records that
    are not exactly one line; ``_line`` of a staged row is ``rowid + 2``.
    """
    rel = scan.file
    columns = "{" + ", ".join(f"{_lit(c)}: 'VARCHAR'" for c in expected) + "}"
    rejects_table, rejects_scan = f"{table}_rejects", f"{table}_rejects_scan"
    for name in (table, rejects_table, rejects_scan):
        con.execute(f"drop table if exists {name}")
    try:
        con.execute(
            f"create temp table {table} as select * from read_csv(?, delim=';', quote='\"', escape='\"', "
            f"header=true, columns={columns}, auto_detect=false, strict_mode=true, null_padding=false, "
            f"store_rejects=true, rejects_table='{rejects_table}', rejects_scan='{rejects_scan}', "
            f"max_line_size={MAX_LINE_SIZE}, encoding='utf-8')", [str(scan.path)])
    except (duckdb.InvalidInputException, duckdb.ConversionException) as error:
        # the reader gave up on the file (the scan's checks should have named the reason first)
        for name in (table, rejects_table, rejects_scan):
            con.execute(f"drop table if exists {name}")
        first = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        line = re.search(r"\bline:? (\d+)", str(error), re.IGNORECASE)
        raise DeliveryError(rel, max(int(line.group(1)), 1) if line else 1, 1,
                            "a file DuckDB's strict CSV reader can read", repr(first),
                            "the reader stopped without naming the line; nothing of the file was loaded "
                            "(please report it with the file)") from None
    rejects = con.execute(
        f"select line, line_byte_position, column_idx, column_name, error_type, error_message, "
        f"count(distinct line) over () from {rejects_table} order by line limit 1").fetchone()
    con.execute(f"drop table if exists {rejects_table}; drop table if exists {rejects_scan}")
    if rejects:
        con.execute(f"drop table if exists {table}")
        line, offset, column_idx, column_name, error_type, message, n_bad = rejects
        raise _field_error(scan, expected, int(line), int(offset), error_type, message, column_idx, column_name,
                           int(n_bad))
    rows = con.execute(f"select count(*) from {table}").fetchone()[0]
    if rows != scan.data_lines:
        con.execute(f"drop table if exists {table}")
        raise _multiline_error(scan, expected, rows)
    try:
        _verify_numbering(con, scan, expected, table)
    except NumberingError as error:
        con.execute(f"drop table if exists {table}")
        raise DeliveryError(rel, error.line, 1, f"line {error.line} read by DuckDB as the same fields as by the "
                            "csv rules", "a difference", "the line numbering cannot be trusted, so nothing is "
                            "loaded (a loader bug: please report it with the file)") from None
    return rows


def _field_error(scan: ScanResult, expected: tuple[str, ...], line: int, offset: int, error_type: str,
                 message: str, column_idx, column_name, n_bad: int) -> DeliveryError:
    if "line size" in error_type.lower():
        return _long_line_error(scan, expected, line, offset, message)
    text = _read_line(scan.path, offset).decode("utf-8", "replace")
    fields = _split_fields(text)
    n, n_exp = len(fields), len(expected)
    others = f"{n_bad - 1:,} more line{'s' * (n_bad > 2)} with problems" if n_bad > 1 else ""
    last_line = line == scan.lines
    if error_type in ("MISSING COLUMNS", "TOO MANY COLUMNS") and n != n_exp:
        if n < n_exp:
            hint = f"the line ends after column {n}{_column_label(expected, n)}"
            if last_line and not scan.ends_with_newline:
                hint += "; it is the last line and has no line break: a truncated file?"
            hint += f"; {others}" if others else ""
            return DeliveryError(scan.file, line, n + 1, f"{n_exp} fields separated by ';' (column {n + 1}"
                                 f"{_column_label(expected, n + 1)})", f"{n} field{'s' * (n != 1)}", hint)
        hint = f"extra value {fields[n_exp]!r} after column {n_exp}{_column_label(expected, n_exp)}"
        hint += f"; {others}" if others else ""
        return DeliveryError(scan.file, line, n_exp + 1, f"{n_exp} fields separated by ';'", f"{n} fields", hint)
    column = int(column_idx) + 1 if column_idx is not None else 1
    opened = _open_quote_column(text) if "unquoted" in error_type.lower() else None
    if opened:  # (DuckDB's column index is one off for this error)
        hint = "a quoted value runs to the end of the line"
        if line == scan.lines and not scan.ends_with_newline:
            hint += "; it is the last line and has no line break: a truncated file?"
        hint += f"; {others}" if others else ""
        return DeliveryError(scan.file, line, opened, f"a closing '\"' for the value opened in column {opened}"
                             f"{_column_label(expected, opened)}", f"{repr(text[-40:])} at the end of the line", hint)
    return DeliveryError(scan.file, line, column, f"a well-formed ';'-separated record ({error_type.lower()})",
                         repr(text[:80]), "; ".join(x for x in (message, others) if x))


def _long_line_error(scan: ScanResult, expected: tuple[str, ...], line: int, offset: int,
                     message: str) -> DeliveryError:
    """A line longer than MAX_LINE_SIZE: its length and the column that runs past the limit."""
    prefix = _read_line(scan.path, offset)[:MAX_LINE_SIZE + 1]
    at = min(MAX_LINE_SIZE, len(prefix) - 1)
    column = prefix.count(b";", 0, at) + 1 if b'"' not in prefix else _column_at(prefix, at)
    size = re.search(r"Actual Size:\s*(\d+)", message or "")
    found = f"a line of {int(size.group(1)):,} bytes" if size else "a longer line"
    return DeliveryError(scan.file, line, column, f"a line of at most {MAX_LINE_SIZE:,} bytes", found,
                         f"column {column}{_column_label(expected, column)} runs past byte {MAX_LINE_SIZE:,} of "
                         "the line: no registry value is that long (a broken export?)")


def _multiline_error(scan: ScanResult, expected: tuple[str, ...], rows: int) -> DeliveryError:
    """Find the first record that is not exactly one line (a quoted line break)."""
    with scan.path.open(encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle, delimiter=DELIMITER, quotechar='"')
        previous = 0
        for record in reader:
            if reader.line_num - previous > 1:
                start = previous + 1
                column = next((i + 1 for i, value in enumerate(record) if "\n" in value or "\r" in value), 1)
                return DeliveryError(scan.file, start, column, "one record per line",
                                     f"a record over lines {start}-{reader.line_num}",
                                     "a quoted value contains a line break")
            previous = reader.line_num
    return DeliveryError(scan.file, scan.lines, 1, f"{scan.data_lines:,} records (one per line)",
                         f"{rows:,} records", "the reader and the line count disagree")


def _verify_numbering(con, scan: ScanResult, expected: tuple[str, ...], table: str) -> None:
    """Every checkpoint line of the scan must equal the staged row numbered like it."""
    if not scan.checkpoints:
        return
    wanted = sorted({n for n, _ in scan.checkpoints})
    cols = ", ".join(_q(c) for c in expected)
    staged = {row[0]: row[1:] for row in con.execute(
        f"select rowid + 2, {cols} from {table} where rowid + 2 in ({', '.join(map(str, wanted))})").fetchall()}
    for line, text in scan.checkpoints:
        fields = [f if f != "" else None for f in _split_fields(text.decode("utf-8"))]
        if tuple(fields) != staged.get(line):
            raise NumberingError(line, f"{scan.file}: line {line} in the file differs from staged row {line}; "
                                       "the line numbering cannot be trusted (a loader bug: please report it)")


def check_period(con, table: str, suite: Suite, rel: str, year: int, rows: int,
                 min_share: float = PERIOD_MIN_SHARE) -> None:
    """Refuse a staged delivery whose rows do not belong to its year (the file name's).

    Each row's year is the first four digits of the suite's period column (a ``YYYY-MM-DD``
    date or a ``YYYY`` year); fewer than ``min_share`` of the rows in ``year`` raises
    :class:`DeliveryError` at the first line outside the year, saying how many rows are in the
    year and which years the others fall in.
    """
    column = suite.period_column
    if column is None or rows == 0:
        return
    qc = _q(column)
    row_year = f"case when regexp_matches({qc}, '^[0-9]{{4}}(-|$)') then substr({qc}, 1, 4) end"
    counts = con.execute(f"select {row_year} as row_year, count(*) as n from {table} group by 1 "
                         "order by 2 desc, 1").fetchall()
    in_year = sum(n for y, n in counts if y == str(year))
    if in_year >= min_share * rows:
        return
    line = con.execute(f"select min(rowid) + 2 from {table} where ({row_year}) is distinct from "
                       f"{_lit(str(year))}").fetchone()[0]
    others = [(y, n) for y, n in counts if y != str(year)]
    shown = ", ".join(f"{y} ({n:,})" if y else f"no readable year ({n:,})" for y, n in others[:5])
    if len(others) > 5:
        shown += f" and {len(others) - 5} more years"
    raise DeliveryError(rel, int(line), suite.column_names.index(column) + 1,
                        f"at least {min_share:.0%} of the data rows with {column!r} in {year} (the year in the "
                        "file name)", f"{in_year:,} of {rows:,} rows in {year}; the others in {shown}",
                        f"another year's delivery under the name {year}? nothing of it is loaded and the "
                        f"loaded delivery of {rel}, if any, stays")


def check_row_count(rel: str, rows: int, expected: int, lines: int, manifest: str) -> None:
    """Refuse a staged delivery whose data rows differ from its manifest's count (``lines``:
    the file's physical lines, the header included)."""
    if rows == expected:
        return
    if rows < expected:
        raise DeliveryError(rel, lines + 1, 1, f"{expected:,} data rows, as {manifest} says",
                            f"{rows:,} data rows (the file ends after line {lines:,})",
                            f"{expected - rows:,} rows missing: cut short in transfer (a partial upload?) or "
                            f"another version than {manifest} describes; the loaded delivery of {rel}, if "
                            "any, stays")
    raise DeliveryError(rel, expected + 2, 1, f"{expected:,} data rows, as {manifest} says (the last on line "
                        f"{expected + 1:,})", f"{rows:,} data rows",
                        f"{rows - expected:,} rows more than the manifest says: rows appended, two files in one, "
                        f"or another version than {manifest} describes; the loaded delivery of {rel}, if any, "
                        "stays")


class NumberingError(RuntimeError):
    """A checkpoint line differs from the staged row of its number (:func:`stage` rejects the file)."""

    def __init__(self, line: int, message: str):
        self.line = line
        super().__init__(message)


# ------------------------------------------------------------------------------------------
# 3. row-level counts over every row (DuckDB)
# ------------------------------------------------------------------------------------------
@dataclass
class CheckResult:
    id: str
    expectation: str
    column: str | None
    description: str
    success: bool
    unexpected_count: int
    element_count: int
    examples: list[dict] = field(default_factory=list)  # [{"line": n, "value": text}]
    observed: Any = None
    ge: dict | None = None  # {"mode", "rows", "success", "unexpected_count"}
    #: a warning (code lists): success stays true when it counts rows; see :attr:`Check.warning`
    warning: bool = False

    @property
    def unexpected_percent(self) -> float:
        return 100.0 * self.unexpected_count / self.element_count if self.element_count else 0.0


def count_unexpected(con, table: str, checks: list[Check], rows: int) -> list[CheckResult]:
    """Every check counted over every row of the staged ``table`` (``_line = rowid + 2``).

    A check of one column is evaluated once per distinct value of that column and weighted by the
    value's rows: a column holds far fewer distinct values than rows (sex, codes, dates, ages), and
    a repeated value is unique-checked by the same grouping. Checks of two columns (pairs) are
    evaluated per row. Examples (the first lines) are looked up only for the checks that failed.
    """
    results: dict[str, CheckResult] = {}
    columns = {d[0] for d in con.execute(f"select * from {table} limit 0").description}
    per_value: dict[str, list[Check]] = {}
    per_row: list[Check] = []
    for c in checks:
        if c.kind in ("row", "unique") and c.column in columns and not c.per_row:
            per_value.setdefault(c.column, []).append(c)
        elif c.kind == "row":
            per_row.append(c)
    counts: dict[str, int] = {}
    for column, column_checks in per_value.items():
        qc = _q(column)
        unexpected = [f"{qc} is not null and n > 1" if c.kind == "unique" else c.unexpected_sql
                      for c in column_checks]
        found = con.execute(f"select {', '.join(f'coalesce(sum(n) filter (where {u}), 0)' for u in unexpected)} "
                            f"from (select {qc}, count(*) as n from {table} group by {qc})").fetchone()
        counts.update({c.id: int(n) for c, n in zip(column_checks, found)})
    if per_row:
        found = con.execute(f"select {', '.join(f'count_if({c.unexpected_sql})' for c in per_row)} "
                            f"from {table}").fetchone()
        counts.update({c.id: int(n) for c, n in zip(per_row, found)})
    for c in checks:
        if c.kind == "row":
            n = counts[c.id]
            examples = []
            if n:
                examples = con.execute(f"select rowid + 2, coalesce(({c.value_sql})::varchar, '') from {table} "
                                       f"where {c.unexpected_sql} order by rowid limit {N_EXAMPLES}").fetchall()
            results[c.id] = CheckResult(c.id, c.expectation, c.column, c.description, n == 0 or c.warning, n, rows,
                                        [{"line": int(line), "value": v} for line, v in examples],
                                        warning=c.warning)
        elif c.kind == "unique":
            qc = _q(c.column)  # type: ignore[arg-type]
            n = counts[c.id]
            examples = []
            if n:
                examples = con.execute(
                    f"select rowid + 2, {qc} from {table} where {qc} in (select {qc} from {table} "
                    f"where {qc} is not null group by {qc} having count(*) > 1) order by rowid limit {N_EXAMPLES}"
                ).fetchall()
            results[c.id] = CheckResult(c.id, c.expectation, c.column, c.description, n == 0, n, rows,
                                        [{"line": int(line), "value": v} for line, v in examples])
        elif c.kind == "table":
            if c.expectation == "ExpectTableRowCountToEqual":
                ok = rows == c.kwargs["value"]
            else:
                ok = c.kwargs["min_value"] <= rows <= c.kwargs["max_value"]
            results[c.id] = CheckResult(c.id, c.expectation, None, c.description, ok, 0 if ok else 1, 1,
                                        observed=rows)
    return [results[c.id] for c in checks]


# ------------------------------------------------------------------------------------------
# 4. Great Expectations on the whole file or a systematic sample
# ------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class ValidationSettings:
    #: Files with at most this many data rows are validated by GE in full.
    ge_full_max_rows: int = 25_000
    #: Larger files: GE sees about this many rows (every k-th line).
    ge_sample_rows: int = 20_000
    #: Run GE at all (the DuckDB counts are always computed).
    use_great_expectations: bool = True
    #: Refuse a file with fewer than this share of its rows in its year (:data:`PERIOD_MIN_SHARE`).
    period_min_share: float = PERIOD_MIN_SHARE

    def __post_init__(self) -> None:
        if not 0 < self.period_min_share <= 1:
            raise ValueError(f"period_min_share must be in (0, 1], got {self.period_min_share}")


_GE_CONTEXT: list = []


def ge_context():
    if not _GE_CONTEXT:
        os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
        import great_expectations as gx
        from great_expectations.data_context.types.base import ProgressBarsConfig

        context = gx.get_context(mode="ephemeral")
        context.variables.progress_bars = ProgressBarsConfig(globally=False, metric_calculations=False)
        _GE_CONTEXT.append((gx, context, context.data_sources.add_pandas("deliveries")))
    return _GE_CONTEXT[0]


def ge_suite(name: str, checks: list[Check], column_list: tuple[str, ...], full: bool, frame=None):
    """The GE ExpectationSuite of ``checks`` (table-level row counts only when ``full``); a code
    list's value set comes from ``frame`` (the delivered spellings that are not listed codes)."""
    gx, _, _ = ge_context()
    import great_expectations.expectations as gxe

    # one list handed to the constructor: add_expectation compares each new expectation with
    # every one before it (quadratic in the suite's size), and the checks are distinct already
    expectations = [gxe.ExpectTableColumnsToMatchOrderedList(column_list=list(column_list),
                                                             meta={"check_id": "columns"})]
    for c in checks:
        if c.kind == "table" and not full:
            continue
        kwargs = c.kwargs
        if c.code_list is not None:
            found = frame[c.column].dropna().unique() if frame is not None else []
            # the frame's values the seed does not list (e.g. 'k99.9'; 'k35.8' is K358, listed)
            kwargs = {**kwargs, "value_set": sorted(v for v in found if not listed(c.code_list, v)),
                      "description": f"code list {c.code_list.label}"}
        expectations.append(getattr(gxe, c.expectation)(**kwargs, meta={"check_id": c.id}))
    return gx.ExpectationSuite(name=name, expectations=expectations)


def ge_frame(con, table: str, columns: tuple[str, ...], rows: int, settings: ValidationSettings):
    """The rows GE validates: all of them, or every k-th line; returns (frame, mode info)."""
    full = rows <= settings.ge_full_max_rows
    step = 1 if full else -(-rows // settings.ge_sample_rows)
    cols = ", ".join(_q(c) for c in columns)
    where = "" if full else f" where rowid % {step} = 0"
    frame = con.execute(f"select rowid + 2 as _line, {cols} from {table}{where} order by rowid").df()
    frame = frame.set_index("_line")
    info = {"mode": "full" if full else "sample", "rows": len(frame), "step": step,
            "description": (f"all {rows:,} rows" if full else
                            f"a systematic sample of {len(frame):,} of {rows:,} rows (every {step}th line)")}
    return frame, info


def validate_frame(frame, info: dict, name: str, checks: list[Check], columns: tuple[str, ...],
                   data_docs: Path | None = None) -> dict:
    """Run the GE suite of ``checks`` on ``frame``; returns ``info`` plus per-check results.
    With ``data_docs``, GE's Data Docs page of the validation (HTML) is written there."""
    gx, context, datasource = ge_context()
    asset_name = name.replace("/", "__")
    try:
        asset = datasource.get_asset(asset_name)
    except LookupError:
        asset = datasource.add_dataframe_asset(asset_name)
    try:
        definition = asset.get_batch_definition("whole")
    except (KeyError, LookupError, ValueError):
        definition = asset.add_batch_definition_whole_dataframe("whole")
    batch = definition.get_batch(batch_parameters={"dataframe": frame})
    with warnings.catch_warnings():  # pandas' note on regex groups in str.contains
        warnings.filterwarnings("ignore", message="This pattern is interpreted as a regular expression")
        outcome = batch.validate(ge_suite(name, checks, columns, info["mode"] == "full", frame),
                                 result_format={"result_format": "BASIC"})
    per_check = {}
    for r in outcome.results:
        check_id = (r.expectation_config.meta or {}).get("check_id")
        raised = bool(r.exception_info and r.exception_info.get("raised_exception"))
        per_check[check_id] = {"success": bool(r.success), "unexpected_count": r.result.get("unexpected_count"),
                               "element_count": r.result.get("element_count"),
                               "observed": r.result.get("observed_value"),
                               "error": r.exception_info.get("exception_message") if raised else None}
    docs = {}
    if data_docs is not None:
        write_data_docs(outcome, data_docs)
        docs = {"data_docs": data_docs.name}
    return {**info, **docs, "success": bool(outcome.success), "checks": per_check}


def write_data_docs(outcome, path: Path) -> None:
    """GE's Data Docs page of one validation result (its own renderer and page view: a static
    HTML file; the styles come from a CDN, so offline it shows unstyled but complete)."""
    from great_expectations.render.renderer import ValidationResultsPageRenderer
    from great_expectations.render.view import DefaultJinjaPageView

    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(DefaultJinjaPageView().render(ValidationResultsPageRenderer().render(outcome)), "utf-8")
    os.replace(tmp, path)


def run_great_expectations(con, table: str, scan: ScanResult, suite: Suite, checks: list[Check], rows: int,
                           settings: ValidationSettings) -> dict:
    """Validate the staged rows (all, or every k-th line) with Great Expectations."""
    frame, info = ge_frame(con, table, suite.column_names, rows, settings)
    return validate_frame(frame, info, scan.file, checks, suite.column_names)


def attach_ge(result: FileResult, ge: dict) -> None:
    """Put GE's per-check results next to the DuckDB counts of ``result``."""
    for c in result.checks:
        c.ge = ge["checks"].get(c.id)
    result.ge = {k: v for k, v in ge.items() if k != "checks"}


# ------------------------------------------------------------------------------------------
# the per-file result and the report
# ------------------------------------------------------------------------------------------
@dataclass
class FileResult:
    file: str
    source: str
    year: int | None
    status: str  # loaded | rejected | unchanged
    delivery_hash: str = ""
    rows: int | None = None
    bytes: int = 0
    error: dict | None = None
    suite: str = ""
    suite_basis: str = ""
    checks: list[CheckResult] = field(default_factory=list)
    ge: dict | None = None
    seconds: float = 0.0
    note: str = ""
    validated_at: str = ""
    #: seconds per step: scan, read (DuckDB staging), check (counts, GE sample), load
    timings: dict = field(default_factory=dict)

    @property
    def failed_checks(self) -> list[CheckResult]:
        return [c for c in self.checks if not c.success]

    @property
    def flagged_rows(self) -> int:
        return sum(c.unexpected_count for c in self.checks if c.column is not None)

    def to_dict(self) -> dict:
        """The result as JSON-ready dicts: each check's fields plus its unexpected_percent (a
        shallow copy, as the report writes it at once; no deep copy of every example)."""
        data = {f.name: getattr(self, f.name) for f in fields(self)}
        data["checks"] = [{**{f.name: getattr(c, f.name) for f in fields(c)},
                           "unexpected_percent": round(c.unexpected_percent, 4)} for c in self.checks]
        return data

    @classmethod
    def from_dict(cls, data: dict) -> FileResult:
        data = dict(data)
        checks = []
        for raw in data.pop("checks", []):
            raw = {k: v for k, v in raw.items() if k != "unexpected_percent"}
            checks.append(CheckResult(**raw))
        return cls(checks=checks, **data)


def _md(text: Any) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def _examples_md(c: CheckResult) -> str:
    if c.observed is not None and c.column is None:
        return f"observed {c.observed:,}"
    return ", ".join(f"{e['line']}: `{_md(e['value'])[:40]}`" if e["value"] != "" else f"{e['line']}: (empty)"
                     for e in c.examples)


def _ge_md(c: CheckResult, ge: dict | None) -> str:
    if not ge or not c.ge:
        return "n/a"
    if c.ge.get("error"):
        return "error: " + _md(c.ge["error"])[:60]
    result = "pass" if c.ge["success"] else "fail"
    if c.ge.get("unexpected_count") is not None:
        result += f" ({c.ge['unexpected_count']:,})"
    if ge["mode"] == "full" and c.column is not None and c.ge.get("unexpected_count") is not None \
            and c.ge["unexpected_count"] != c.unexpected_count:
        result += " **DISAGREES**"
    return result


def render_markdown(results: list[FileResult], meta: dict) -> str:
    loaded = [r for r in results if r.status == "loaded"]
    rejected = [r for r in results if r.status == "rejected"]
    unchanged = [r for r in results if r.status == "unchanged"]
    lines = [
        "# Validation report", "",
        f"- raw dir: `{meta['raw_dir']}`", f"- target: {meta['target']}",
        f"- run: {meta['started_at']} ({meta['seconds']:.1f} s), loader {meta['version']}",
        f"- files: {len(results)}; loaded {len(loaded)}, unchanged (loaded earlier) {len(unchanged)}, "
        f"**rejected {len(rejected)}**",
        *([f"- **ignored** (not read, not a `<source>/<year>.csv` file): {'; '.join(meta['ignored'])}"]
          if meta.get("ignored") else []),
        *([f"- manifest: {_md(meta['manifest']['note'])}"] if meta.get("manifest") else []),
        *[f"- withdrawn: `{w['file']}` ({w['rows']:,} rows removed from raw.{w['source']})"
          for w in meta.get("withdrawn", [])],
        *[f"- **WARNING**: {_md(w)}" for w in meta.get("warnings", [])],
        "",
        "Contract breaches (columns, encoding, delimiter, line breaks, fields per line, a row count other than "
        "the manifest's, rows of another year than the file name's, a file that is not a CSV extract or is a "
        "symbolic link) reject the whole file: nothing of it is loaded. Row-level expectations flag rows; "
        "flagged rows are loaded, and staging decides what "
        "to do with them. Unexpected counts cover every row (DuckDB); the GE column is Great Expectations "
        "on the same suite (all rows, or a sample for large files, as stated per file). Code-list checks "
        "(a value not in its seed's list) are warnings: counted, never a failed expectation.",
        "", "| file | status | rows | failed expectations | flagged values |", "|---|---|---:|---:|---:|",
    ]
    for r in results:
        status = {"rejected": "**REJECTED**", "unchanged": "unchanged"}.get(r.status, r.status)
        lines.append(f"| [{r.file}](#{r.file.replace('/', '').replace('.', '').replace('_', '_')}) | {status} | "
                     f"{'' if r.rows is None else f'{r.rows:,}'} | {len(r.failed_checks)} | {r.flagged_rows:,} |")
    for r in results:
        lines += ["", f"## {r.file}", ""]
        if r.status == "rejected":
            lines += [f"**REJECTED**: {r.error['message'] if r.error else ''}", "",
                      "Nothing of this file was loaded (an earlier good delivery of it, if any, stays in raw).", "",
                      f"- bytes {r.bytes:,}; sha256 `{r.delivery_hash}`"]
            continue
        status = "loaded" if r.status == "loaded" else f"unchanged since it was loaded ({r.validated_at})"
        steps = ", ".join(f"{k} {v:.1f} s" for k, v in r.timings.items())
        lines += [f"- status: {status}; {len(r.failed_checks)} of {len(r.checks)} expectations failed",
                  f"- rows {r.rows:,}; bytes {r.bytes:,}; sha256 `{r.delivery_hash}`",
                  f"- suite: {r.suite} ({r.suite_basis})",
                  "- contract: header with the suite's columns in order, UTF-8, one record of "
                  "the right number of fields per line: pass",
                  f"- Great Expectations: {r.ge['description'] if r.ge else 'not run'}"
                  + (f" ([Data Docs](files/{r.source}/{r.ge['data_docs']}))" if r.ge and r.ge.get("data_docs") else "")]
        if steps:
            lines.append(f"- time: {steps}")
        if r.note:
            lines.append(f"- note: {r.note}")
        lines += ["", "| expectation | column | result | unexpected | % | example lines | GE |",
                  "|---|---|---|---:|---:|---|---|"]
        for c in r.checks:
            verdict = "**FAIL**" if not c.success else "warning" if c.warning and c.unexpected_count else "pass"
            lines.append(f"| {_md(c.description)} | {c.column or '(table)'} | {verdict} "
                         f"| {c.unexpected_count:,} | {c.unexpected_percent:.3f} | {_examples_md(c)} | "
                         f"{_ge_md(c, r.ge)} |")
    return "\n".join(lines) + "\n"


def write_report(report_dir: Path, results: list[FileResult], meta: dict) -> tuple[Path, Path]:
    report_dir.mkdir(parents=True, exist_ok=True)
    md, js = report_dir / "report.md", report_dir / "report.json"
    md.write_text(render_markdown(results, meta), "utf-8")
    summary = {"files": len(results), **{s: sum(r.status == s for r in results)
                                         for s in ("loaded", "unchanged", "rejected")}}
    # compact JSON (no indent): Python's C encoder writes it; an indented one is written in
    # Python, most of a small delivery's load time (report.md is the readable form)
    js.write_text(json.dumps({**meta, "summary": summary, "files": [r.to_dict() for r in results]},
                             default=str) + "\n", "utf-8")
    return md, js


def year_of(rel: str) -> int | None:
    match = re.fullmatch(r"[^/]+/(\d{4})\.csv", rel)
    return int(match.group(1)) if match else None
