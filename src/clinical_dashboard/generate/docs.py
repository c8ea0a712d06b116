"""The README section "Extract formats", generated from the column documentation in code.

``clinical-dashboard extract-formats`` prints it; a test fails when the README differs, so the
README always describes what the generator writes (and what a real delivery must be mapped to).
"""

from __future__ import annotations

from importlib import import_module

#: source -> (module, columns attribute, docs attribute, what the file is)
SOURCE_DOCS: dict[str, tuple[str, str, str, str]] = {
    "npr_som": ("activity", "COLUMNS", "COLUMN_DOCS",
                "NPR-SOM: somatic hospitals (public HFs, private non-commercial and publicly funded "
                "private hospitals); one row per stay/contact."),
    "npr_avtalesom": ("activity", "COLUMNS", "COLUMN_DOCS",
                      "NPR-AvtaleSOM: contracted specialists in somatic fields; outpatient contacts only."),
    "npr_phv": ("activity", "COLUMNS", "COLUMN_DOCS",
                "NPR-PHV: adult mental health care (VOP), 18 years and older."),
    "npr_avtalephv": ("activity", "COLUMNS", "COLUMN_DOCS",
                      "NPR-AvtalePHV: contracted psychiatrists and psychologists; outpatient contacts."),
    "npr_phbu": ("activity", "COLUMNS", "COLUMN_DOCS",
                 "NPR-PHBU: mental health care for children and adolescents, 0-17 years."),
    "npr_tsb": ("activity", "COLUMNS", "COLUMN_DOCS",
                "NPR-TSB: interdisciplinary specialised substance-use treatment, 18 years and older."),
    "npr_phbu_referrals": ("referrals", "SOURCE_COLUMNS", "SOURCE_COLUMN_DOCS",
                           "NPR-PHBU referrals with the assessment outcome (accepted or rejected)."),
    "helfo_lab": ("helfo", "SOURCE_COLUMNS", "SOURCE_COLUMN_DOCS",
                  "HELFO laboratory invoices: one row per invoice (sample) with its NLK codes."),
    "helfo_imaging": ("helfo", "SOURCE_COLUMNS", "SOURCE_COLUMN_DOCS",
                      "HELFO imaging invoices: one row per invoice with its NCRP codes."),
    "fhi_waiting_lists": ("aggregates", "SOURCE_COLUMNS", "SOURCE_COLUMN_DOCS",
                          "FHI annual waiting-list statistics (aggregated; no file for the partial year)."),
    "nki_discharge_summaries": ("aggregates", "SOURCE_COLUMNS", "SOURCE_COLUMN_DOCS",
                                "NKI: discharge summaries sent within 1 day, per treating HF (aggregated)."),
    "cancer_survival": ("aggregates", "SOURCE_COLUMNS", "SOURCE_COLUMN_DOCS",
                        "Cancer Registry: 5-year relative survival per area and cancer site (aggregated)."),
}


def _attr(source: str, index: int):
    module, *attrs = SOURCE_DOCS[source][:3]
    value = getattr(import_module(f"clinical_dashboard.generate.{module}"), attrs[index - 1])
    # a module with several sources may key its lists by source name
    return value[source] if isinstance(value, dict) and source in value else value


def source_columns(source: str) -> tuple[str, ...]:
    return tuple(_attr(source, 1))


def column_docs(source: str) -> dict[str, tuple[str, str, str]]:
    return dict(_attr(source, 2))


def extract_formats_markdown() -> str:
    lines = [
        "All extracts are `;`-separated UTF-8 text with one header row, one file per source and year:",
        "`data/raw/<source>/<year>.csv` (2026 holds January-August). Empty fields are missing values,",
        "dates are `YYYY-MM-DD`, decimals use `.`. Beside them: `_defect_ledger.csv` (every injected",
        "dirty row: file, line, record id, defect, column, original and injected value, expected",
        "handling in staging) and `_manifest.json` (settings, files, row counts).",
        "",
    ]
    done: set[str] = set()
    for source, (module, cols, docs, text) in SOURCE_DOCS.items():
        lines += [f"### `{source}`", "", text, ""]
        key = f"{module}.{cols}"
        if key in done:
            lines += ["Columns: as `npr_som` above.", ""]
            continue
        done.add(key)
        lines += ["| column | type | meaning | allowed values |", "|---|---|---|---|"]
        documentation = column_docs(source)
        for column in source_columns(source):
            kind, meaning, allowed = documentation[column]
            lines.append(f"| `{column}` | {kind} | {meaning} | {allowed} |")
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


BEGIN = "<!-- BEGIN extract-formats"
END = "<!-- END extract-formats -->"


def readme_with_formats(readme: str) -> str:
    """``readme`` with the text between the extract-formats markers regenerated."""
    start = readme.index(BEGIN)
    start = readme.index("\n", start) + 1
    end = readme.index(END)
    return readme[:start] + "\n" + extract_formats_markdown() + "\n" + readme[end:]
