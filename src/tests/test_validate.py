"""Validation: the suites against the generator, the defect ledger and Great Expectations.

One delivery of every source for 2023 (scale 0.001) is generated and loaded once per module.
"""

from __future__ import annotations

import csv
import io
import json
from collections import defaultdict
from pathlib import Path

import duckdb
import pytest

from clinical_dashboard.config import SOURCES, GeneratorConfig
from clinical_dashboard.generate import LEDGER_NAME, run
from clinical_dashboard.landing_types import delivered_text
from clinical_dashboard.load import LoadConfig, run_load
from clinical_dashboard.validate import (DeliveryError, ValidationSettings, _verify_numbering, compile_checks,
                                         count_unexpected, ge_frame, load_suite, scan_file, stage, validate_frame)

#: ledger defect -> the check (by column) that must flag exactly those lines
FORMAT_DEFECTS = ("lower_case_code", "code_with_dot", "code_with_space")


@pytest.fixture(scope="module")
def everything(tmp_path_factory: pytest.TempPathFactory):
    raw = tmp_path_factory.mktemp("raw_all")
    manifest = run(GeneratorConfig(scale=0.001, seed=3, years=(2023,), out_dir=raw, show_progress=False))
    tmp = tmp_path_factory.mktemp("loaded_all")
    result = run_load(LoadConfig(raw_dir=raw, duckdb_path=tmp / "w.duckdb", report_dir=tmp / "v",
                                 show_progress=False), out=io.StringIO())
    with (raw / LEDGER_NAME).open(encoding="utf-8", newline="") as handle:
        ledger = list(csv.DictReader(handle, delimiter=";"))
    return raw, manifest, result, tmp / "w.duckdb", ledger


def test_the_error_reads_like_a_sentence() -> None:
    error = DeliveryError("npr_som/2023.csv", 1, 31, "header 'debitor'", "'ekstra'")
    assert str(error) == "npr_som/2023.csv line 1 column 31: expected header 'debitor', found 'ekstra'"
    assert (error.file, error.line, error.column) == ("npr_som/2023.csv", 1, 31)


def test_every_source_has_a_suite_with_the_generators_columns(everything) -> None:
    _, manifest, result, _, _ = everything
    written = {f["source"]: tuple(f["columns"]) for f in manifest["files"]}
    assert set(written) == set(SOURCES)
    for source in SOURCES:
        suite = load_suite(source)
        assert suite is not None and suite.basis == f"contracts/{source}.yml", source
        assert suite.column_names == written[source], source
    assert {r.status for r in result.results} == {"loaded"}


def test_documented_types_are_checked(everything) -> None:
    """Columns the generator documents as integer, decimal or date have that type in the suite."""
    from clinical_dashboard.contracts import column_docs

    checked = 0
    for source in SOURCES:
        try:
            docs = column_docs(source)
            kinds = {c: d[0].split()[0].lower() for c, d in docs.items()}
        except Exception:  # noqa: BLE001 - the generator's docs of this source are not readable
            continue
        for column in load_suite(source).columns:
            if kinds.get(column.name) in ("integer", "decimal", "date"):
                assert column.type == kinds[column.name], (source, column.name)
                checked += 1
    assert checked > 20


def test_flagged_rows_are_exactly_the_injected_defects(everything) -> None:
    """No clean row is flagged, and every format-detectable defect of the ledger is."""
    raw, _, result, db, ledger = everything
    by_file: dict[str, list[dict]] = defaultdict(list)
    for entry in ledger:
        by_file[entry["file"]].append(entry)
    checked = 0
    with duckdb.connect(str(db), read_only=True) as con:
        for file_result in result.results:
            suite = load_suite(file_result.source)
            entries = by_file.get(file_result.file, [])
            defect_lines = {int(e["line_number"]) for e in entries}
            originals = {int(e["original_value"].removeprefix("copy of line ")) for e in entries
                         if e["defect"] == "exact_duplicate"}
            for check in compile_checks(suite, 2023):
                if check.kind == "table":
                    continue
                if check.kind == "unique":
                    sql = (f"select _line from raw.{file_result.source} where _file = ? and {check.column} in "
                           f"(select {check.column} from raw.{file_result.source} where _file = ? group by 1 "
                           f"having count(*) > 1)")
                    flagged = {r[0] for r in con.execute(sql, [file_result.file] * 2).fetchall()}
                    dups = {int(e["line_number"]) for e in entries if e["defect"] == "exact_duplicate"}
                    assert flagged == dups | originals, (file_result.file, check.id)
                    continue
                # the suite's checks are written against the delivered text: the landed rows as text
                delivered = f"(select _file, _line, {delivered_text(suite.columns)} from raw.{file_result.source})"
                flagged = {r[0] for r in con.execute(
                    f"select _line from {delivered} as t where _file = ? and {check.unexpected_sql}",
                    [file_result.file]).fetchall()}
                # a flagged line is an injected defect (or the original of a duplicated one)
                assert flagged <= defect_lines | originals, (file_result.file, check.id, flagged - defect_lines)
                expected = {int(e["line_number"]) for e in entries if e["column_name"] == check.column and (
                    (e["defect"] in FORMAT_DEFECTS and check.expectation == "ExpectColumnValuesToMatchRegex"
                     and check.id.split(":")[1] not in ("integer", "decimal", "in_year"))
                    or (e["defect"] == "impossible_age" and check.id.endswith(":values"))
                    or (e["defect"] == "missing_main_diagnosis" and check.id.endswith(":not_null")))}
                if check.id in ("utdato>=inndato", "vurdering_dato>=mottatt_dato", "vedtak_slutt>=vedtak_start"):
                    expected = {int(e["line_number"]) for e in entries if e["defect"] == "discharge_before_admission"}
                dup_of_expected = {int(e["line_number"]) for e in entries if e["defect"] == "exact_duplicate"
                                   and int(e["original_value"].removeprefix("copy of line ")) in expected}
                # an unknown code may also break the format (e.g. an NCSP-shaped code among NCRP codes)
                unknown = {int(e["line_number"]) for e in entries
                           if e["defect"] == "unknown_code" and e["column_name"] == check.column}
                assert expected <= flagged and flagged - expected <= dup_of_expected | originals | unknown, \
                    (file_result.file, check.id, sorted(expected ^ flagged))
                checked += len(expected)
    assert checked > 50


def test_great_expectations_and_duckdb_agree_on_whole_files(everything) -> None:
    _, _, result, _, _ = everything
    compared = 0
    for file_result in result.results:
        assert file_result.ge and file_result.ge["mode"] == "full", file_result.file
        for check in file_result.checks:
            assert check.ge is not None and check.ge["error"] is None, (file_result.file, check.id, check.ge)
            assert check.ge["success"] == check.success, (file_result.file, check.id)
            if check.column is not None:
                assert check.ge["unexpected_count"] == check.unexpected_count, (file_result.file, check.id)
                compared += 1
    assert compared > 200


def test_great_expectations_writes_data_docs_beside_the_report(everything) -> None:
    _, _, result, db, _ = everything
    report_dir = db.parent / "v"
    report = (report_dir / "report.md").read_text("utf-8")
    for file_result in result.results:
        page = report_dir / "files" / file_result.source / f"{file_result.year}.html"
        assert file_result.ge["data_docs"] == page.name, file_result.file
        assert page.is_file() and "<html" in page.read_text("utf-8")[:2000].lower()
        assert f"[Data Docs](files/{file_result.source}/{page.name})" in report


def _tricky_file(raw: Path, tmp: Path) -> tuple[Path, int]:
    """npr_tsb/2023.csv with awkward values in some lines; returns (path, data rows)."""
    from clinical_dashboard.contracts import source_columns

    columns = list(load_suite("npr_tsb").column_names)
    lines = (raw / "npr_tsb/2023.csv").read_text("utf-8").splitlines()
    tricky = {
        "inndato": ["2023-1-5", " 2023-01-05", "2023-02-30", "2023-13-01", "20230105", "2023-01-05T", "Ø"],
        "utdato": ["2022-12-31", "2023-1-05", "2023-01-05 "],
        "alder": ["007", "-0", "+5", "1e2", "106", "107", "0"],
        "hovedtilstand": ["k358", "K35.8", "K35 8", "K358 ", "K3", "Å358"],
        "korrvekt": ["1,5", ".5", "1.", "1e3", "-0.1", "0.000"],
        "kjonn": ["1.0", " 1", "0"],
        "drg_type": ["k", "KM"],
        "kontakt_id": ["1202300000001", "x"],
    }
    n = 1
    for column, values in tricky.items():
        for value in values:
            fields = lines[n].split(";")
            fields[columns.index(column)] = value
            lines[n] = ";".join(fields)
            n += 1
    path = tmp / "npr_tsb" / "2023.csv"
    path.parent.mkdir(parents=True)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert list(source_columns("npr_tsb")) == columns
    return path, len(lines) - 1


def test_great_expectations_and_duckdb_agree_on_awkward_values(everything, tmp_path: Path) -> None:
    raw = everything[0]
    path, rows = _tricky_file(raw, tmp_path)
    suite = load_suite("npr_tsb")
    scan = scan_file(path, "npr_tsb/2023.csv", suite.column_names)
    assert scan.error is None
    con = duckdb.connect()
    assert stage(con, scan, suite.column_names, "staged") == rows
    checks = compile_checks(suite, 2023, manifest_rows=rows)
    ours = count_unexpected(con, "staged", checks, rows)
    frame, info = ge_frame(con, "staged", suite.column_names, rows, ValidationSettings())
    docs = tmp_path / "docs" / "tricky.html"
    judged = validate_frame(frame, info, "tricky", checks, suite.column_names, docs)
    theirs = judged["checks"]
    # GE's Data Docs page shows the same judgement: every failing column, the failure marks
    html = docs.read_text("utf-8")
    assert judged["data_docs"] == "tricky.html" and "tricky" in html
    failing = {r.column for r in ours if r.column is not None and not r.success}
    assert {"inndato", "alder", "hovedtilstand", "korrvekt"} <= failing
    assert all(part.strip() in html for column in failing for part in column.split(","))  # pairs: "a, b"
    assert html.count("Unexpected") >= len(failing)
    flagged = 0
    for result in ours:
        if result.column is None:
            continue
        assert theirs[result.id]["error"] is None, result.id
        assert theirs[result.id]["unexpected_count"] == result.unexpected_count, (result.id, result.examples)
        flagged += result.unexpected_count
    assert flagged >= 25


def test_large_files_get_a_sample_but_counts_cover_every_row(everything, tmp_path: Path) -> None:
    raw, _, _, _, ledger = everything
    (raw_tmp := tmp_path / "raw").mkdir()
    (raw_tmp / "npr_som").mkdir()
    (raw_tmp / "npr_som/2023.csv").write_bytes((raw / "npr_som/2023.csv").read_bytes())
    config = LoadConfig(raw_dir=raw_tmp, duckdb_path=tmp_path / "w.duckdb", report_dir=tmp_path / "v",
                        show_progress=False, validation=ValidationSettings(ge_full_max_rows=1000, ge_sample_rows=500))
    (result,) = run_load(config, out=io.StringIO()).results
    assert result.ge["mode"] == "sample" and 400 <= result.ge["rows"] <= 600
    ages = {c.id: c for c in result.checks}["alder:values"]
    assert ages.unexpected_count == sum(e["defect"] == "impossible_age" and e["source"] == "npr_som" for e in ledger)
    assert ages.element_count == result.rows
    report = json.loads((tmp_path / "v/report.json").read_text("utf-8"))
    assert "systematic sample" in report["files"][0]["ge"]["description"]


# ---------------------------------------------------------------------------- the streaming pass
COLUMNS = ("a", "b", "c", "d")


def _scan(tmp_path: Path, data: bytes):
    path = tmp_path / "x.csv"
    path.write_bytes(data)
    return scan_file(path, "src/2023.csv", COLUMNS)


@pytest.mark.parametrize("header, column, words", [
    ("a;b;d", 3, ["expected header 'c', found 'd'", "missing column 'c'"]),
    ("a;b;c;d;e", 5, ["expected end of header after column 4 'd', found extra column 'e'"]),
    ("a;b;x;d", 3, ["renamed to 'x'"]),
    ("a;c;b;d", 2, ["another order"]),
    ("a;b;c;c", 4, ["found 'c'", "repeated column 'c'", "missing column 'd'"]),
    ("a,b,c,d", 1, ["',' looks like the delimiter"]),
    ("A;b;c;d", 1, ["expected header 'a', found 'A'"]),
])
def test_header_problems(tmp_path: Path, header: str, column: int, words: list[str]) -> None:
    error = _scan(tmp_path, f"{header}\n1;2;3;4\n".encode()).error
    assert error is not None and (error.line, error.column) == (1, column)
    for word in words:
        assert word in error.message, error.message


def test_crlf_and_a_byte_order_mark_are_fine(tmp_path: Path) -> None:
    scan = _scan(tmp_path, b"\xef\xbb\xbfa;b;c;d\r\n1;2;3;4\r\n5;;7;8\r\n")
    assert scan.error is None and scan.lines == 3
    con = duckdb.connect()
    assert stage(con, scan, COLUMNS, "t") == 2
    assert con.execute("select rowid + 2, a, b, d from t order by rowid").fetchall() == [(2, "1", "2", "4"),
                                                                                          (3, "5", None, "8")]


def test_a_last_line_without_a_line_break_is_fine(tmp_path: Path) -> None:
    scan = _scan(tmp_path, b"a;b;c;d\n1;2;3;4\n5;6;7;8")
    assert scan.error is None and scan.lines == 3 and not scan.ends_with_newline
    assert (3, b"5;6;7;8") in scan.checkpoints


def test_the_numbering_check_can_fail(tmp_path: Path) -> None:
    scan = _scan(tmp_path, b"a;b;c;d\n1;2;3;4\n5;6;7;8\n")
    con = duckdb.connect()
    stage(con, scan, COLUMNS, "t")
    scan.checkpoints = [(2, b"5;6;7;8")]  # line 2 is not '5;6;7;8'
    with pytest.raises(RuntimeError, match="line numbering"):
        _verify_numbering(con, scan, COLUMNS, "t")


def test_invalid_utf8_names_line_column_and_byte(tmp_path: Path) -> None:
    error = _scan(tmp_path, "a;b;c;d\n1;2;3;4\n1;Bod\u00f8;3;4\n".encode("latin-1")).error
    assert error is not None and (error.line, error.column) == (3, 2)
    assert "byte 0xF8 at byte offset 21" in error.message and "'ø'" in error.message


def test_quoted_delimiters_are_one_field(tmp_path: Path) -> None:
    scan = _scan(tmp_path, b'a;b;c;d\n1;"x;y";3;4\n')
    con = duckdb.connect()
    assert scan.error is None and stage(con, scan, COLUMNS, "t") == 1
    assert con.execute("select b from t").fetchall() == [("x;y",)]
