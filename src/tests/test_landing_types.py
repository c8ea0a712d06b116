"""The loader types a column once, at ingestion, by the rules staging used to apply in every build
(the dbt macro checked_cast): the same forms are accepted and refused, and a refused value keeps its
text in ``_unparsed``."""

from __future__ import annotations

import json
import re
from datetime import date
from decimal import Decimal

import duckdb
import pytest

from clinical_dashboard.config import REPO_ROOT
from clinical_dashboard.contracts import Column, contracts
from clinical_dashboard.landing_types import LANDING_TYPES, column_type, delivered_text, typed_select

CHECKED_CAST = REPO_ROOT / "macros" / "cross_db" / "checked_cast.sql"

# (landing type, delivered text, the landed value or None when it does not parse)
CASES = [
    ("integer", "12", 12), ("integer", " 12 ", 12), ("integer", "+7", 7), ("integer", "-3", -3),
    ("integer", "007", 7), ("integer", "123456789", 123456789), ("integer", "1234567890", None),
    ("integer", "12.5", None), ("integer", "1e3", None), ("integer", "0x1F", None), ("integer", "1_000", None),
    ("integer", "1 000", None), ("integer", "", None), ("integer", "  ", None), ("integer", "-", None),
    ("bigint", "12019000000276", 12019000000276), ("bigint", "123456789012345678", 123456789012345678),
    ("bigint", "1234567890123456789", None), ("bigint", "12019000000276x", None),
    ("numeric", "1.5", Decimal("1.5")), ("numeric", ".5", Decimal("0.5")), ("numeric", "5.", Decimal("5")),
    ("numeric", "-0.125", Decimal("-0.125")), ("numeric", "123456789012345", Decimal("123456789012345")),
    ("numeric", "1234567890123456", None), ("numeric", "1e3", None), ("numeric", "1,5", None),
    ("numeric", "1.2.3", None), ("numeric", ".", None), ("numeric", "NaN", None), ("numeric", "inf", None),
    ("date", "2023-02-28", date(2023, 2, 28)), ("date", " 2024-02-29 ", date(2024, 2, 29)),
    ("date", "2023-02-29", None), ("date", "2023-02-30", None), ("date", "2023-13-01", None),
    ("date", "2023-2-1", None), ("date", "2023-01-01 00:00:00", None), ("date", "20230101", None),
    ("date", "01.02.2023", None),
]


def _macro_patterns() -> dict[str, str]:
    text = CHECKED_CAST.read_text("utf-8")
    block = re.search(r"set patterns = \{(.*?)\} -%\}", text, re.S)
    assert block, "checked_cast.sql has no patterns block"
    return dict(re.findall(r"'(\w+)': '([^']*)'", block.group(1)))


def test_the_patterns_are_checked_casts() -> None:
    assert {name: spec[0] for name, spec in LANDING_TYPES.items()} == _macro_patterns()


@pytest.mark.parametrize("landing", sorted(LANDING_TYPES))
def test_the_loader_accepts_exactly_checked_casts_forms(landing: str) -> None:
    cases = [(text, expected) for kind, text, expected in CASES if kind == landing]
    column = Column(name="v", type="text", description="d", allowed="a", landing=landing)
    con = duckdb.connect()
    con.execute("create table delivered (v varchar, n integer)")
    con.executemany("insert into delivered values (?, ?)", [(text, i) for i, (text, _) in enumerate(cases)])
    query = typed_select((column,), "delivered", "n as _line")
    got = con.execute(f"{query} order by _line").fetchall()
    for (text, expected), (value, _, unparsed) in zip(cases, got, strict=True):
        assert value == expected, (landing, text, value)
        if expected is None:  # '' too: a CSV's empty field is NULL, so '' was delivered text
            assert json.loads(unparsed) == {"v": text}, (landing, text, unparsed)
        else:
            assert unparsed is None, (landing, text, unparsed)


def test_a_row_keeps_the_text_of_every_column_that_did_not_parse() -> None:
    columns = (Column(name="a", type="integer", description="d", allowed="a", landing="integer"),
               Column(name="b", type="text", description="d", allowed="a"),
               Column(name="c", type="date", description="d", allowed="a", landing="date"))
    con = duckdb.connect()
    con.execute("create table delivered as select * from (values ('x', 'kept', '2023-02-30', 2), "
                "('1', 'kept', '2023-02-28', 3), (null, null, null, 4)) as t(a, b, c, _line)")
    got = con.execute(typed_select(columns, "delivered", "_line") + " order by _line").fetchall()
    assert [(a, b, c, json.loads(u) if u else None) for a, b, c, _, u in got] == [
        (None, "kept", None, {"a": "x", "c": "2023-02-30"}),
        (1, "kept", date(2023, 2, 28), None),
        (None, None, None, None)]


def test_every_typed_column_of_the_contracts_has_a_type_on_every_engine() -> None:
    typed = [c for found in contracts().values() for c in found.columns if c.landing]
    assert typed, "no contract column lands typed"
    for c in typed:
        assert [column_type(c, engine) for engine in ("duckdb", "postgres", "spark")] == list(
            LANDING_TYPES[c.landing][1:])


def test_delivered_text_gives_a_landed_row_back_as_text() -> None:
    columns = (Column(name="n", type="decimal", description="d", allowed="a", landing="numeric"),
               Column(name="d", type="date", description="d", allowed="a", landing="date"),
               Column(name="t", type="text", description="d", allowed="a"))
    con = duckdb.connect()
    con.execute("create table delivered as select * from (values ('48.69', '2023-01-31', ' x'), "
                "('110', '2023-02-30', null), ('0.000', null, 'y'), ('1e3', '2024-02-29', 'z'), "
                "('-3.100', '2023-01-01', '')) as t(n, d, t)")
    con.execute(f"create table landed as {typed_select(columns, '(select *, rowid as _line from delivered)', '_line')}")
    assert con.execute(f"select {delivered_text(columns)} from landed order by _line").fetchall() == [
        ("48.69", "2023-01-31", " x"), ("110", "2023-02-30", None), ("0", None, "y"), ("1e3", "2024-02-29", "z"),
        ("-3.1", "2023-01-01", "")]
