{#
    The read-only role of the public marts (issue 9; docs/operations.md, "PostgreSQL: schemas
    and the read-only role"). An on-run-start hook (dbt_project.yml) creates the NOLOGIN group role
    (env DASHBOARD_READER_ROLE, default dashboard_reader: an env var, not a dbt var, because
    the +grants config in dbt_project.yml cannot read vars) when it is missing and gives it USAGE on the marts schema
    (<target schema>_marts, +schema of models/marts); the SELECT grants on the marts themselves
    are dbt grants (+grants of models/marts), re-applied whenever a mart is rebuilt. Members
    (LOGIN users) are added by the database administrator: `grant dashboard_reader to <user>`.
    Nothing else is granted, so the role reads no raw, staging, intermediate or seed table.
    Only PostgreSQL has roles: on DuckDB (one file, no access control) the hook is empty.
#}
{% macro dashboard_reader_role() -%}
    {{ return(adapter.dispatch('dashboard_reader_role', 'clinical_dashboard')()) }}
{%- endmacro %}

{% macro default__dashboard_reader_role() -%}
{%- endmacro %}

{% macro postgres__dashboard_reader_role() -%}
    {%- set role = env_var('DASHBOARD_READER_ROLE', 'dashboard_reader') -%}
    {%- set marts_schema = generate_schema_name('marts', none) -%}
    do $$
    begin
        if not exists (select 1 from pg_catalog.pg_roles where rolname = '{{ role }}') then
            create role "{{ role }}" nologin;
        end if;
    end
    $$;
    create schema if not exists "{{ marts_schema }}";
    grant usage on schema "{{ marts_schema }}" to "{{ role }}"
{%- endmacro %}
