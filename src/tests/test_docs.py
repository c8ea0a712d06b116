"""The README describes exactly the columns of the source contracts (which the generator writes)."""

from __future__ import annotations

from clinical_dashboard.config import REPO_ROOT, SOURCES
from clinical_dashboard.contract_docs import extract_formats_markdown, readme_with_formats
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
    sections = text.split("### `")[1:]
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


def test_readme_extract_formats_are_current() -> None:
    readme = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
    assert readme == readme_with_formats(readme), (
        "README 'Extract formats' is stale: run `.venv/bin/clinical-dashboard extract-formats "
        "--update-readme README.md`")
