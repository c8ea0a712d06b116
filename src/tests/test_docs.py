"""docs/extract-formats.md describes exactly the columns of the source contracts (which the generator writes)."""

from __future__ import annotations

from pathlib import Path

from clinical_dashboard.cli import main
from clinical_dashboard.config import REPO_ROOT, SOURCES
from clinical_dashboard.contract_docs import EXTRACT_FORMATS_PATH, extract_formats_markdown, extract_formats_page
from clinical_dashboard.contracts import column_docs, contracts, source_columns


def test_every_column_of_every_source_is_documented() -> None:
    assert list(contracts()) == list(SOURCES)
    for source in SOURCES:
        docs = column_docs(source)
        for column in source_columns(source):
            kind, meaning, allowed = docs[column]
            assert kind and meaning and allowed, (source, column)


def test_extract_formats_show_every_source_and_its_columns() -> None:
    """Each source has its section; its column table is shown, or that of an earlier source with
    exactly the same columns and documentation."""
    text = extract_formats_markdown()
    sections = text.split("\n## `")[1:]
    assert [s.split("`", 1)[0] for s in sections] == list(SOURCES)
    for section in sections:
        source = section.split("`", 1)[0]
        contract = contracts()[source]
        assert contract.description in section, source
        if "Columns: as `" in section:
            other = section.split("Columns: as `", 1)[1].split("`", 1)[0]
            assert SOURCES.index(other) < SOURCES.index(source), source
            assert contracts()[other].columns == contract.columns, (source, other)
            continue
        for column in contract.columns:
            assert f"| `{column.name}` | {column.shown_type} | {column.description} | {column.allowed} |" \
                in section, (source, column.name)


def test_extract_formats_page_is_current() -> None:
    assert EXTRACT_FORMATS_PATH == REPO_ROOT / "docs" / "extract-formats.md"
    assert EXTRACT_FORMATS_PATH.read_text(encoding="utf-8") == extract_formats_page(), (
        "docs/extract-formats.md is stale: run `.venv/bin/clinical-dashboard extract-formats --write`")


def test_extract_formats_command_writes_and_checks_the_page(tmp_path: Path, capsys) -> None:
    assert main(["extract-formats", "--check"]) == 0
    page = tmp_path / "formats.md"
    assert main(["extract-formats", "--check", "--out", str(page)]) == 1  # missing
    page.write_text(extract_formats_page().replace("| `kjonn` |", "| `sex` |"), "utf-8")
    assert main(["extract-formats", "--check", "--out", str(page)]) == 1  # stale
    assert "is stale" in capsys.readouterr().err
    assert main(["extract-formats", "--write", "--out", str(page)]) == 0
    assert page.read_text("utf-8") == extract_formats_page()
    assert main(["extract-formats", "--check", "--out", str(page)]) == 0
    capsys.readouterr()
    assert main(["extract-formats"]) == 0
    assert capsys.readouterr().out == extract_formats_page()
