"""The typed columns of the landing zone: how the loader types a delivery once, at ingestion.

A contract column with ``landing: <type>`` (contracts/<source>.yml) lands typed; every other column
lands as the delivered text (an empty field is NULL). The rules are those of the dbt macro
``checked_cast`` (macros/cross_db/checked_cast.sql), which staging used to apply in every build:
the text, blanks around it trimmed, must have exactly the form of its type, else the typed value is
NULL and the delivered text is kept in the row's ``_unparsed`` column, a JSON object
``{"<column>": "<text>", ...}`` of the columns that did not parse (NULL when all did). Staging
sends such a row to quarantine with reason ``unparseable_value`` and that text, so nothing is lost
(``unparsed_value`` in macros/cross_db/unparsed_value.sql reads it on every engine).

    bigint   [+-] then 1-18 digits
    integer  [+-] then 1-9 digits
    numeric  [+-] then digits with at most one '.', at most 15 digits before it, as numeric(28, 6)
    date     YYYY-MM-DD, a real calendar day

``src/tests/test_landing_types.py`` pins the accepted forms and checks that the patterns here are
the macro's.
"""

from __future__ import annotations

from .contracts import Column
from .validate import _lit, _q

#: landing type -> (the whole-text pattern, the DuckDB type, the PostgreSQL type, the Spark type)
LANDING_TYPES: dict[str, tuple[str, str, str, str]] = {
    "integer": ("[+-]?[0-9]{1,9}", "integer", "integer", "int"),
    "bigint": ("[+-]?[0-9]{1,18}", "bigint", "bigint", "bigint"),
    "numeric": ("[+-]?([0-9]{1,15}([.][0-9]*)?|[.][0-9]+)", "decimal(28, 6)", "numeric(28, 6)", "decimal(28,6)"),
    "date": ("[0-9]{4}-[0-9]{2}-[0-9]{2}", "date", "date", "date"),
}
#: The column after the contract's and the loader's columns: the text of values that did not parse.
UNPARSED = "_unparsed"
_ENGINE = {"duckdb": 1, "postgres": 2, "spark": 3}


def column_type(column: Column, engine: str) -> str:
    """The SQL type of ``column`` in the landing zone of ``engine`` (duckdb, postgres, spark)."""
    if column.landing is None:
        return "string" if engine == "spark" else ("text" if engine == "postgres" else "varchar")
    return LANDING_TYPES[column.landing][_ENGINE[engine]]


def _typed(column: Column) -> str:
    pattern, duckdb_type = LANDING_TYPES[column.landing][:2]  # type: ignore[index]
    trimmed = f"trim({_q(column.name)})"
    return f"case when regexp_full_match({trimmed}, {_lit(pattern)}) then try_cast({trimmed} as {duckdb_type}) end"


def typed_select(columns: tuple[Column, ...], relation: str, loader_columns: str) -> str:
    """DuckDB SQL: the rows of ``relation`` (the delivered text columns) with every contract column
    typed as the landing zone holds it, in contract order, then ``loader_columns`` (SQL of
    ``_file, _line, _delivery_hash`` over ``relation``), then ``_unparsed``."""
    typed = [c for c in columns if c.landing is not None]
    inner = ", ".join(f"{_typed(c)} as {_q('__typed_' + c.name)}" for c in typed)
    failed = {c.name: f"({_q(c.name)} is not null and {_q('__typed_' + c.name)} is null)" for c in typed}
    select = [_q("__typed_" + c.name) + f" as {_q(c.name)}" if c.landing else _q(c.name) for c in columns]
    if typed:
        pairs = ", ".join(f"{_lit(name)}, case when {cond} then {_q(name)} end" for name, cond in failed.items())
        unparsed = (f"case when {' or '.join(failed.values())} then cast(json_object({pairs}) as varchar) end")
    else:
        unparsed = "cast(null as varchar)"
    body = f"select *, {inner} from {relation}" if inner else f"select * from {relation}"
    return (f"select {', '.join(select)}, {loader_columns}, {unparsed} as {UNPARSED} "
            f"from ({body}) as delivered")


def delivered_text(columns: tuple[Column, ...]) -> str:
    """DuckDB select list: every contract column as text again, from a landed row: the delivered
    text of a text column or of a value that did not parse, a typed value as text (a decimal
    without trailing zeros: 48.69, 110). For checks written against the delivered text (the
    loader's suite)."""
    def text(c: Column) -> str:
        if c.landing is None:
            return f"{_q(c.name)}"
        value = f"cast({_q(c.name)} as varchar)"
        if c.landing == "numeric":
            value = f"regexp_replace({value}, '([.][0-9]*[1-9])0+$|[.]0+$', '\\1')"
        return f"coalesce({value}, json_extract_string({UNPARSED}, {_lit('$.' + c.name)})) as {_q(c.name)}"
    return ", ".join(text(c) for c in columns)
