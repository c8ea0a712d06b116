-- engine_threads (macros/cross_db/engine_threads.sql, an on-run-start hook): with
-- CLINICAL_DASHBOARD_DUCKDB_THREADS set (`make test` sets 1), the statements of the run, this
-- one among them, run on that many DuckDB threads. A row when DuckDB's setting is another;
-- without the variable DuckDB keeps its own default, one thread per core, which nothing here
-- knows. DuckDB only (tests/cross_db/_cross_db__tests.yml): the other engines have no such
-- setting.
{%- set asked = env_var('CLINICAL_DASHBOARD_DUCKDB_THREADS', '') | trim %}
select current_setting('threads') as threads_used
where
    {% if asked -%}
        current_setting('threads') <> {{ asked | int }}
    {%- else -%}
        false
    {%- endif %}
