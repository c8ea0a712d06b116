"""PostgreSQL: the read-only role reads the public marts and nothing else (issue 9, item 4).

Runs against the warehouse that ``make test`` builds on its throwaway server (PGHOST/PGPORT;
``dbt build --target postgres`` must have run: the on-run-start hook creates the NOLOGIN role
``dashboard_reader`` (env DASHBOARD_READER_ROLE) with USAGE on ``<schema>_marts``, and dbt
grants give it SELECT on every mart; macros/grants/dashboard_reader.sql). The test adds a
temporary LOGIN member of that role, connects as it, and checks: every table of the marts
schema is readable; SELECT on raw, staging, intermediate and seed tables is refused; the role
can neither write a mart nor create a table. Skipped when no server or no built warehouse.
"""

from __future__ import annotations

import os
import secrets
import socket

import pytest

from clinical_dashboard.load import postgres_settings

ROLE = os.environ.get("DASHBOARD_READER_ROLE", "dashboard_reader")
SCHEMA = os.environ.get("CLINICAL_DASHBOARD_PG_SCHEMA", "public")
MARTS_SCHEMA = f"{SCHEMA}_marts"
LOGIN = "dashboard_reader_pytest"
#: one relation per layer the role must not read (schema, table)
FORBIDDEN = [("raw", "npr_som"), (SCHEMA, "stg_npr__som"), (SCHEMA, "int_npr__contacts"),
             (f"{SCHEMA}_reference", "ref_population")]


def _unavailable() -> str | None:
    settings = postgres_settings()
    try:
        socket.create_connection((settings["host"], settings["port"]), timeout=1).close()
    except OSError as error:
        return f"no PostgreSQL server at {settings['host']}:{settings['port']} ({error})"
    return None


@pytest.fixture(scope="module")
def admin():
    reason = _unavailable()
    if reason:
        pytest.skip(reason)
    import psycopg2

    connection = psycopg2.connect(**postgres_settings())
    connection.autocommit = True
    with connection.cursor() as cur:
        cur.execute("select 1 from pg_roles where rolname = %s", [ROLE])
        has_role = cur.fetchone() is not None
        cur.execute("select count(*) from information_schema.tables where table_schema = %s", [MARTS_SCHEMA])
        n_marts = cur.fetchone()[0]
    if not has_role or not n_marts:
        connection.close()
        pytest.skip(f"no dbt build on this server (role {ROLE}: {has_role}, tables in {MARTS_SCHEMA}: {n_marts})")
    yield connection
    connection.close()


@pytest.fixture(scope="module")
def reader(admin):
    """A connection as a temporary LOGIN member of the read-only role."""
    import psycopg2
    from psycopg2 import sql

    password = secrets.token_hex(16)
    with admin.cursor() as cur:
        cur.execute(sql.SQL("drop role if exists {}").format(sql.Identifier(LOGIN)))
        cur.execute(sql.SQL("create role {} login password {} in role {}").format(
            sql.Identifier(LOGIN), sql.Literal(password), sql.Identifier(ROLE)))
    connection = psycopg2.connect(**{**postgres_settings(), "user": LOGIN, "password": password})
    connection.autocommit = True
    yield connection
    connection.close()
    with admin.cursor() as cur:
        cur.execute(sql.SQL("drop role if exists {}").format(sql.Identifier(LOGIN)))


def _tables(admin, where: str, params: list) -> list[tuple[str, str]]:
    with admin.cursor() as cur:
        cur.execute("select table_schema, table_name from information_schema.tables "
                    f"where {where} order by 1, 2", params)
        return cur.fetchall()


def test_reader_reads_every_public_mart(admin, reader) -> None:
    marts = _tables(admin, "table_schema = %s", [MARTS_SCHEMA])
    assert {"fct_utilisation_rates", "dim_areas"} <= {t for _, t in marts}
    with reader.cursor() as cur:
        for schema, table in marts:
            cur.execute(f'select count(*) from "{schema}"."{table}"')
            assert cur.fetchone()[0] >= 0


def test_reader_is_refused_everything_else(admin, reader) -> None:
    import psycopg2

    for schema, table in FORBIDDEN:
        with reader.cursor() as cur, pytest.raises(psycopg2.errors.InsufficientPrivilege):
            cur.execute(f'select count(*) from "{schema}"."{table}"')
    # and no other table, view or materialised view of the database (privileges as
    # PostgreSQL sees them; by oid, so that a schema without USAGE raises nothing)
    with admin.cursor() as cur:
        cur.execute("select count(*) from pg_class join pg_namespace on pg_namespace.oid = relnamespace "
                    "where relkind in ('r', 'v', 'm', 'p', 'f') and nspname <> %s "
                    "and nspname not in ('pg_catalog', 'information_schema')", [MARTS_SCHEMA])
        assert cur.fetchone()[0] > 50
    with reader.cursor() as cur:
        cur.execute("select nspname || '.' || relname from pg_class "
                    "join pg_namespace on pg_namespace.oid = relnamespace "
                    "where relkind in ('r', 'v', 'm', 'p', 'f') and nspname <> %s "
                    "and nspname not in ('pg_catalog', 'information_schema') "
                    "and has_table_privilege(pg_class.oid, 'select') order by 1", [MARTS_SCHEMA])
        readable = [name for name, in cur.fetchall()]
    assert not readable, f"the read-only role can read: {readable}"


def test_reader_cannot_write(reader) -> None:
    import psycopg2

    with reader.cursor() as cur, pytest.raises(psycopg2.errors.InsufficientPrivilege):
        cur.execute(f'delete from "{MARTS_SCHEMA}".dim_areas')
    with reader.cursor() as cur, pytest.raises(psycopg2.errors.InsufficientPrivilege):
        cur.execute(f'create table "{MARTS_SCHEMA}".scratch (x integer)')
    with reader.cursor() as cur, pytest.raises(psycopg2.errors.InsufficientPrivilege):
        cur.execute(f'create table "{SCHEMA}".scratch (x integer)')
