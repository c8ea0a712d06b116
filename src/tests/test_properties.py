"""Property-based tests (hypothesis) of code normalisation and the loader's row reader (issue 9).

- ``normalise_code`` is the SQL macro every staging model uses for codes (there is no Python
  twin); it is rendered from macros/staging/normalise_code.sql with Jinja and run in DuckDB.
- The row reader is the loader's own path: :func:`scan_file` (the streaming pass) and
  :func:`stage` (DuckDB ``read_csv`` with proved line numbers). Any rows of field values
  written by the csv rules of the contract (``;``, ``"`` quoting, LF or CRLF, optional BOM and
  final line break) come back field for field, an empty field as NULL, each at its line.
  The block size of the streaming pass is varied so that block borders, carried partial lines
  and checkpoints fall anywhere.
"""

from __future__ import annotations

import csv
import io
import os
from pathlib import Path

import duckdb
import jinja2
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from clinical_dashboard import validate
from clinical_dashboard.validate import scan_file, stage

REPO = Path(__file__).resolve().parents[2]
#: derandomize: the examples are drawn from a seed fixed per test, so `make test` (and CI) is
#: reproducible; HYPOTHESIS_EXPLORE=1 draws fresh examples to search further (a find becomes a case).
SETTINGS = settings(max_examples=150, deadline=None, derandomize=not os.environ.get("HYPOTHESIS_EXPLORE"),
                    database=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


# ---------------------------------------------------------------------------- normalise_code
def _normalise_sql(expression: str) -> str:
    source = (REPO / "macros/staging/normalise_code.sql").read_text("utf-8")
    return jinja2.Environment().from_string(source + "{{ normalise_code(%r) }}" % expression).render().strip()


@pytest.fixture(scope="module")
def normalise():
    con = duckdb.connect()
    sql = _normalise_sql("value")
    twice = _normalise_sql(_normalise_sql("value"))

    def run(value: str | None) -> tuple[str | None, str | None]:
        return con.execute(f"select {sql}, {twice} from (select ?::varchar as value)", [value]).fetchone()

    yield run
    con.close()


#: Code-like text: letters of either case, digits, dots, blanks, '|' (code lists), some non-ASCII.
CODE_TEXT = st.text(alphabet=st.sampled_from("abcxyzABCXYZ0123456789.. ||-æøåÆØÅ"), max_size=20)
#: Well-formed ICD-10 / NCSP-like codes as the code lists store them.
CLEAN_CODES = st.from_regex(r"\A[A-Z][0-9]{2}[0-9A-Z]{0,2}\Z|\A[A-Z]{3}[0-9]{2}\Z")


def test_the_rendered_macro_is_the_documented_expression() -> None:
    assert _normalise_sql("x") == "nullif(upper(replace(replace(x, '.', ''), ' ', '')), '')"


@SETTINGS
@given(value=CODE_TEXT)
def test_normalised_codes_are_upper_case_without_dots_or_blanks_and_idempotent(value: str, normalise) -> None:
    once, twice = normalise(value)
    assert once == twice  # idempotent
    stripped = value.replace(".", "").replace(" ", "")
    if not stripped:
        assert once is None  # nothing left: NULL, never ''
        return
    assert once == stripped.upper()  # the Python twin of the macro (test_staging's _normalised)
    assert "." not in once and " " not in once and once == once.upper()
    assert once.count("|") == value.count("|")  # a code list keeps its separators


@SETTINGS
@given(code=CLEAN_CODES, data=st.data())
def test_a_clean_code_survives_any_dots_blanks_and_case(code: str, data, normalise) -> None:
    """'k35.8', 'K35 8' and 'k358' all become 'K358': every decoration of a clean code maps back."""
    decorated = ""
    for char in code:
        char = data.draw(st.sampled_from([char, char.lower()]))
        decorated += char + data.draw(st.sampled_from(["", "", ".", " ", ". "]))
    decorated = data.draw(st.sampled_from(["", " "])) + decorated
    assert normalise(decorated)[0] == code
    assert normalise(None) == (None, None)


# ---------------------------------------------------------------------------- the row reader
COLUMNS = ("a", "b", "c", "d")
#: Field text: anything but line breaks, NUL and U+FEFF (the contract forbids them in values: a byte
#: order mark is allowed only at the start of the file), with the delimiter, quotes and blanks well
#: represented.
FIELD = st.one_of(
    st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\n\r\x00\ufeff"),
            max_size=12),
    st.text(alphabet=st.sampled_from(';" ,.\tabcø1'), max_size=8),
)
ROWS = st.lists(st.tuples(*[FIELD] * len(COLUMNS)), min_size=1, max_size=40)


def _csv_bytes(rows: list[tuple[str, ...]], crlf: bool, bom: bool, final_newline: bool) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", quotechar='"', doublequote=True, quoting=csv.QUOTE_MINIMAL,
                        lineterminator="\r\n" if crlf else "\n")
    writer.writerow(COLUMNS)
    writer.writerows(rows)
    text = buffer.getvalue()
    if not final_newline:
        text = text.removesuffix("\r\n" if crlf else "\n")
    return ("\ufeff" if bom else "").encode() + text.encode("utf-8")


@pytest.fixture(scope="module")
def reader_con():
    """One in-memory DuckDB connection for every example of the reader's properties (a new
    connection costs some 20 CPU milliseconds, more than the read): ``stage`` drops and creates
    its tables itself, and each example drops them again when it is done."""
    con = duckdb.connect()
    yield con
    con.close()


def _drop_staged(con) -> None:
    for name in ("staged", "staged_rejects", "staged_rejects_scan"):
        con.execute(f"drop table if exists {name}")


def _read(tmp_path: Path, data: bytes, block_size: int, monkeypatch) -> tuple:
    path = tmp_path / "rows.csv"
    path.write_bytes(data)
    monkeypatch.setattr(validate, "BLOCK_SIZE", block_size)
    scan = scan_file(path, "src/2023.csv", COLUMNS)
    return scan, path


@SETTINGS
@given(rows=ROWS, crlf=st.booleans(), bom=st.booleans(), final_newline=st.booleans(),
       block_size=st.sampled_from([1, 7, 64, 1 << 20]))
def test_any_rows_written_by_the_csv_rules_round_trip_with_their_line_numbers(
        rows, crlf: bool, bom: bool, final_newline: bool, block_size: int, tmp_path: Path, monkeypatch,
        reader_con) -> None:
    # a value starting with a quote that csv.writer leaves unquoted cannot occur (it quotes it);
    # a row of one empty value would be an empty line, which the contract refuses - not here (4 columns)
    data = _csv_bytes(rows, crlf, bom, final_newline)
    scan, path = _read(tmp_path, data, block_size, monkeypatch)
    assert scan.error is None, scan.error
    assert scan.lines == len(rows) + 1 and scan.data_lines == len(rows)
    assert all(2 <= n <= len(rows) + 1 for n, _ in scan.checkpoints)
    try:
        assert stage(reader_con, scan, COLUMNS, "staged") == len(rows)  # also proves every checkpoint line
        staged = reader_con.execute("select rowid + 2, a, b, c, d from staged order by rowid").fetchall()
    finally:
        _drop_staged(reader_con)
    assert staged == [(i + 2, *[v if v != "" else None for v in row]) for i, row in enumerate(rows)]


@SETTINGS
@given(rows=ROWS, data=st.data(), block_size=st.sampled_from([1, 7, 64, 1 << 20]),
       bad_byte=st.sampled_from([b"\xf8", "\ufeff".encode()]))
def test_a_bad_byte_is_reported_at_its_line_and_offset(rows, data, block_size: int, bad_byte: bytes,
                                                       tmp_path: Path, monkeypatch) -> None:
    """A latin-1 'ø' or a byte order mark put anywhere after the header: refused at exactly its
    line and byte offset."""
    good = _csv_bytes(rows, crlf=False, bom=data.draw(st.booleans()), final_newline=True)
    header_end = good.index(b"\n") + 1
    offset = data.draw(st.integers(header_end, len(good) - 1))
    assume(good[offset:offset + 1] != b"\n" and (good[offset] & 0xC0) != 0x80)  # not inside a character
    bad = good[:offset] + bad_byte + good[offset:]
    scan, _ = _read(tmp_path, bad, block_size, monkeypatch)
    assert scan.error is not None
    assert scan.error.line == bad.count(b"\n", 0, offset) + 1
    assert f"byte 0x{bad_byte.hex().upper()} at byte offset {offset:,}" in scan.error.message
    assert scan.error.message.startswith(f"src/2023.csv line {scan.error.line} column ")


@SETTINGS
@given(rows=ROWS, data=st.data())
def test_a_line_with_the_wrong_number_of_fields_is_refused_at_that_line(rows, data, tmp_path: Path,
                                                                         monkeypatch, reader_con) -> None:
    index = data.draw(st.integers(0, len(rows) - 1))
    extra = data.draw(st.booleans())
    extra_value = data.draw(st.sampled_from(["x", ""]))  # '': DuckDB alone would drop it silently
    text = _csv_bytes(rows, crlf=False, bom=False, final_newline=True).decode("utf-8")
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=";", lineterminator="\n").writerow(
        list(rows[index]) + [extra_value] if extra else list(rows[index])[:-1])
    lines = text.split("\n")
    lines[index + 1] = buffer.getvalue().removesuffix("\n")
    assume(lines[index + 1] != "")  # a row cut to nothing is the (also refused) empty line
    scan, _ = _read(tmp_path, "\n".join(lines).encode("utf-8"), data.draw(st.sampled_from([7, 1 << 20])), monkeypatch)
    error = scan.error  # found by the streaming pass (extra empty fields) or by DuckDB's reader
    if error is None:
        try:
            with pytest.raises(validate.DeliveryError) as caught:
                stage(reader_con, scan, COLUMNS, "staged")
        finally:
            _drop_staged(reader_con)
        error = caught.value
    assert error.line == index + 2, error.message
    if extra:
        assert error.column == len(COLUMNS) + 1 and f"found {len(COLUMNS) + 1} fields" in error.message
    else:
        assert error.column == len(COLUMNS) and f"found {len(COLUMNS) - 1} fields" in error.message, error.message
