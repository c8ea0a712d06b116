"""Documents generated from the source contracts (``contracts/<source>.yml``).

* the page ``docs/extract-formats.md``: ``clinical-dashboard extract-formats`` prints it,
  ``--write`` writes it, ``--check`` exits 1 when the committed page is stale;
* the dbt sources ``models/staging/_raw__sources.yml`` and the macro ``raw_contract``
  (``macros/staging/raw_contracts.sql``: each raw table's record key and delivered columns):
  ``clinical-dashboard contracts dbt-sources`` writes both.

``src/tests/test_docs.py`` and ``src/tests/test_contracts.py`` fail when the committed files
differ from what the contracts give, so the documentation and the dbt sources always describe
what the generator writes and the loader checks.
"""

from __future__ import annotations

import textwrap

from .config import REPO_ROOT
from .contracts import Contract, contracts

# ------------------------------------------------------------------------------------------
# docs/extract-formats.md
# ------------------------------------------------------------------------------------------
EXTRACT_FORMATS_PATH = REPO_ROOT / "docs" / "extract-formats.md"

_EXTRACT_FORMATS_HEADER = """\
# Extract formats

<!-- GENERATED from the source contracts (contracts/<source>.yml) by
`clinical-dashboard extract-formats --write`: do not edit; change the contract and rerun
(src/tests/test_docs.py fails when this page is stale). -->

The delivery format of every source: what the synthetic generator writes, what the loader
checks ([operations: loading a delivery](operations.md#loading-a-delivery)) and what a real
delivery must look like.
Each source's contract is `contracts/<source>.yml`.

"""


def _allowed(column) -> str:
    """The allowed values in words, then the code list the loader counts against, if any."""
    if not column.code_list:
        return column.allowed
    return f"{column.allowed.rstrip('.')}; {column.code_list_note}"


def _column_rows(contract: Contract) -> list[str]:
    return [f"| `{c.name}` | {c.shown_type} | {c.description} | {c.allowed} |" for c in contract.columns]


def _code_list_lines(contract: Contract) -> list[str]:
    """The source's code lists, one bullet per column (sources of a shared format may differ)."""
    found = [f"- `{c.name}`: {c.code_list_note}" for c in contract.columns if c.code_list]
    return ["Code lists (unknown codes counted by the loader, a warning):", "", *found, ""] if found else []


def extract_formats_markdown() -> str:
    """The sections of the page: the common rules, then one section per source."""
    lines = [
        "All extracts are `;`-separated UTF-8 text with one header row, one file per source and year:",
        "`data/raw/<source>/<year>.csv` (2026 holds January-August). Empty fields are missing values,",
        "dates are `YYYY-MM-DD`, decimals use `.`. Beside them: `_defect_ledger.csv` (every injected",
        "dirty row: file, line, record id, defect, column, original and injected value, expected",
        "handling in staging) and `_manifest.json` (settings, files, row counts; `\"synthetic\": true` and",
        "`\"population_fraction\"`, the scale: the fraction of the residents whose events the delivery",
        "holds, recorded by the loader and used in every rate's population; a real delivery without",
        "them has fraction 1).",
        "",
        "A column with a code list (\"code list <seed>.<column>\" under its table: the seed file and its column that",
        "list the codes, and how staging normalises the value before it looks it up) has its unknown codes",
        "counted by the loader once per delivery, as a warning: the rows are loaded and staged with the code",
        "as delivered (ledger check `<column>:code_list`, published in the mart `fct_delivery_checks`).",
        "",
    ]
    shown: dict[tuple[str, ...], str] = {}  # column table -> the first source that showed it
    for source, contract in contracts().items():
        lines += [f"## `{source}`", "", contract.description, ""]
        rows = tuple(_column_rows(contract))
        if rows in shown:
            same = _code_list_lines(contract) == _code_list_lines(contracts()[shown[rows]])
            lines += [f"Columns: as `{shown[rows]}` above.", "",
                      *([f"Code lists: as `{shown[rows]}` above.", ""] if same else _code_list_lines(contract))]
            continue
        shown[rows] = source
        lines += ["| column | type | meaning | allowed values |", "|---|---|---|---|", *rows, "",
                  *_code_list_lines(contract)]
    return "\n".join(lines).rstrip() + "\n"


def extract_formats_page() -> str:
    """The whole of ``docs/extract-formats.md``."""
    return _EXTRACT_FORMATS_HEADER + extract_formats_markdown()


# ------------------------------------------------------------------------------------------
# models/staging/_raw__sources.yml
# ------------------------------------------------------------------------------------------
DBT_SOURCES_PATH = REPO_ROOT / "models" / "staging" / "_raw__sources.yml"
_WIDTH = 98  # longest line, in characters

_HEADER = """\
version: 2

# GENERATED from the source contracts (contracts/<source>.yml) by
# `clinical-dashboard contracts dbt-sources`: do not edit; change the contract and rerun
# (src/tests/test_contracts.py fails when this file is stale).
#
# The raw layer (SPEC section 2): one table per source extract, written by the loader
# (`clinical-dashboard load`), every extract column in file order (an empty field is NULL), as
# text or, for a column with `landing: <type>` in its contract, typed once by the loader
# (`_unparsed` keeps the text of a value that did not parse), plus four loader columns. Each
# table is read by its base model (models/staging/<system>/base/), which checks and
# deduplicates it, and by the model of its repeated record ids
# (macros/staging/deduplication.sql); both take the contract's key and columns from the macro
# raw_contract (macros/staging/raw_contracts.sql, generated with this file).

sources:
  - name: raw
    description: >
      Registry extracts as delivered into schema `raw` (DuckDB and Spark: views over the
      landing zone's parquet files; PostgreSQL: tables): one table per source, every extract
      column as delivered text or typed by the loader (contract key `landing`), plus `_file`,
      `_line`, `_delivery_hash` and `_unparsed`. Never read outside the staging base folders
      (models/staging/<system>/base/).
    schema: raw
    tables:
"""

#: The loader's columns after the extract's (load.EXTRA_COLUMNS), with their descriptions.
LOADER_COLUMNS: tuple[tuple[str, str], ...] = (
    ("_file", "Delivered file, relative to the raw folder, e.g. `{source}/2023.csv` (loader metadata)."),
    ("_line", "Line of the row in that file, 1-based with the header as line 1 (loader metadata)."),
    ("_delivery_hash", "Hash of the delivered file the row came from (loader metadata)."),
    ("_unparsed", "The delivered text of the row's typed values that did not parse, as a JSON object "
                  "column -> text; NULL when all parsed (loader metadata)."),
)


def _folded(text: str, indent: int) -> list[str]:
    pad = " " * indent
    return [pad + line for line in textwrap.wrap(text, width=_WIDTH - indent, break_long_words=False,
                                                 break_on_hyphens=False)]


def column_description(contract: Contract, name: str) -> str:
    """The dbt description of an extract column: meaning, then type and allowed values."""
    c = contract.column(name)
    meaning = c.description if c.description.endswith(".") else c.description + "."
    allowed = _allowed(c)
    allowed = allowed if allowed.endswith(".") else allowed + "."
    landed = f" Landed as {c.landing} (NULL and the text in _unparsed when it does not parse)." \
        if c.landing else ""
    return f"{meaning} Format: {c.shown_type}; values: {allowed}{landed}"


def table_description(contract: Contract) -> str:
    typed = [c.name for c in contract.columns if c.landing]
    how = f"typed by the loader: {', '.join(typed)}; the other columns as text." if typed else "every column as text."
    return f"{contract.description} Loaded from data/raw/{contract.file}: one row per line, {how}"


def dbt_sources_yaml() -> str:
    """The text of ``models/staging/_raw__sources.yml`` that the contracts give."""
    lines = [_HEADER.rstrip("\n")]
    for source, contract in contracts().items():
        lines += [f"      - name: {source}", "        description: >", *_folded(table_description(contract), 10),
                  "        columns:"]
        for name in contract.column_names:
            lines += [f"          - name: {name}", "            description: >",
                      *_folded(column_description(contract, name), 14)]
        for name, text in LOADER_COLUMNS:
            lines += [f"          - name: {name}", f'            description: "{text.format(source=source)}"']
    return "\n".join(lines) + "\n"


# ------------------------------------------------------------------------------------------
# macros/staging/raw_contracts.sql
# ------------------------------------------------------------------------------------------
DBT_CONTRACT_MACRO_PATH = REPO_ROOT / "macros" / "staging" / "raw_contracts.sql"

_MACRO_HEADER = """\
{#
    GENERATED from the source contracts (contracts/<source>.yml) by
    `clinical-dashboard contracts dbt-sources`: do not edit; change the contract and rerun
    (src/tests/test_contracts.py fails when this file is stale).

    raw_contract(source_name): a raw table's record key (the contract's key columns), its
    delivered columns in file order and its data year (an expression over the landed year
    column: the year of a date, or the year itself), as {'key': [...], 'columns': [...],
    'year': '...'}. A macro rather than the dbt sources' graph: unit tests (dbt gives them no
    graph) and the linter read the same key and columns as a build (raw_contract_columns.sql
    turns them into SQL).
#}
{% macro raw_contract(source_name) -%}
    {%- set contracts = {
"""


def _quoted_list(names: list[str] | tuple[str, ...], indent: int) -> list[str]:
    text = ", ".join(f"'{n}'" for n in names) + ","
    return _folded(text, indent)


def _year_expression(contract: Contract) -> str:
    """The data year of a landed row of ``contract``: its year column is a date (``in_year``) or
    the year itself (an integer), typed by the loader either way."""
    column = next(c for c in contract.columns if c.name == contract.year_column)
    if column.landing not in ("date", "integer"):
        raise ValueError(f"{contract.source}: the year column {column.name} must land as a date or an integer")
    return f"extract(year from {column.name})" if column.landing == "date" else column.name


def dbt_contract_macro() -> str:
    """The text of ``macros/staging/raw_contracts.sql`` that the contracts give. Sources with the
    same columns (the six NPR activity extracts) share one list."""
    users: dict[tuple[str, ...], list[str]] = {}
    for source, contract in contracts().items():
        users.setdefault(tuple(contract.column_names), []).append(source)
    shared = {columns: f"{sources[0]}_columns" for columns, sources in users.items() if len(sources) > 1}
    lines = [_MACRO_HEADER.rstrip("\n").replace("    {%- set contracts = {", "").rstrip()]
    for columns, name in shared.items():
        lines += [f"    {{#- the columns of {', '.join(users[columns])} -#}}",
                  f"    {{%- set {name} = [", *_quoted_list(columns, 8), "    ] -%}"]
    lines.append("    {%- set contracts = {")
    for source, contract in contracts().items():
        columns = tuple(contract.column_names)
        lines += [f"        '{source}': {{", f"            'key': [{', '.join(repr(k) for k in contract.key)}],",
                  f"            'year': '{_year_expression(contract)}',"]
        if columns in shared:
            lines.append(f"            'columns': {shared[columns]},")
        else:
            lines += ["            'columns': [", *_quoted_list(columns, 16), "            ],"]
        lines.append("        },")
    lines += ["    } -%}",
              "    {%- if source_name not in contracts -%}",
              "        {{ exceptions.raise_compiler_error('no contract for a raw table named ' ~ source_name) }}",
              "    {%- endif -%}",
              "    {{ return(contracts[source_name]) }}",
              "{%- endmacro %}"]
    return "\n".join(lines) + "\n"
