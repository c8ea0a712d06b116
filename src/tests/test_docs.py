"""The README describes exactly the columns the generator writes."""

from __future__ import annotations

from clinical_dashboard.config import REPO_ROOT, SOURCES
from clinical_dashboard.generate.docs import SOURCE_DOCS, column_docs, readme_with_formats, source_columns


def test_every_column_of_every_source_is_documented() -> None:
    assert set(SOURCE_DOCS) == set(SOURCES)
    for source in SOURCES:
        docs = column_docs(source)
        for column in source_columns(source):
            kind, meaning, allowed = docs[column]
            assert kind and meaning and allowed, (source, column)


def test_readme_extract_formats_are_current() -> None:
    readme = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
    assert readme == readme_with_formats(readme), (
        "README 'Extract formats' is stale: run `.venv/bin/clinical-dashboard extract-formats "
        "--update-readme README.md`")
