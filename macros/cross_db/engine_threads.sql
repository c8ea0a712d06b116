{#
    engine_threads(): on-run-start hook (dbt_project.yml). With CLINICAL_DASHBOARD_DUCKDB_THREADS
    set, DuckDB runs every statement of the command on that many threads; unset, on DuckDB's
    default (one per core). `make test` sets it to 1: its steps run side by side on every core
    already, and splitting each small statement over threads as well only adds scheduling work
    (docs/testing.md). The loader reads the same variable (clinical_dashboard.load). A DuckDB
    setting of the whole database, so one statement serves every thread of the run. PostgreSQL
    and Spark plan their own parallelism: the hook is empty there.
#}
{% macro engine_threads() -%}
    {{ return(adapter.dispatch('engine_threads', 'clinical_dashboard')()) }}
{%- endmacro %}

{% macro default__engine_threads() -%}
{%- endmacro %}

{% macro duckdb__engine_threads() -%}
    {%- set threads = env_var('CLINICAL_DASHBOARD_DUCKDB_THREADS', '') | trim -%}
    {%- if threads -%}
        {%- if not (threads is string and threads.isdigit() and threads | int > 0) -%}
            {{ exceptions.raise_compiler_error(
                'CLINICAL_DASHBOARD_DUCKDB_THREADS must be a whole number above 0, not "'
                ~ threads ~ '"') }}
        {%- endif -%}
        set threads = {{ threads | int }}
    {%- endif -%}
{%- endmacro %}
