{#
    Planner hooks (dbt_project.yml), for the one engine that needs them. PostgreSQL plans from
    statistics, and a table created by CREATE TABLE AS or filled by a seed has none until
    autovacuum gets to it: the membership models then estimated one row for joins of thousands
    and chose nested loops (benchmarks/README.md), and so did the tests of the view
    int_rbf__npr_contacts over the unanalysed base tables and ref_treating_institutions (a
    nested loop of every contact by every institution). DuckDB and Spark need neither.

    analytic_query_settings(): pre-hook of the models below staging: within the model's
        transaction, hash joins and hash aggregates where PostgreSQL would otherwise choose
        nested loops, merge joins or sort-and-group (cost penalties, not bans: lateral unnest
        and window functions still run), and the memory for them. Its estimates of joins on
        several columns are often one row for hundreds of thousands, and on such an estimate
        int_rate_area_expected sorted 6.6 million rows to group them and merge-joined the
        stratum events twice.
    refresh_statistics(relation): post-hook of every model and seed: `analyze` the new table,
        so that the next models and the tests plan with statistics.
#}
{% macro analytic_query_settings() -%}
    {{ return(adapter.dispatch('analytic_query_settings', 'clinical_dashboard')()) }}
{%- endmacro %}

{% macro default__analytic_query_settings() -%}
{%- endmacro %}

{% macro postgres__analytic_query_settings() -%}
    set local enable_nestloop = off;
    set local enable_mergejoin = off;
    set local enable_sort = off;
    set local work_mem = '256MB'
{%- endmacro %}

{% macro refresh_statistics(relation) -%}
    {{ return(adapter.dispatch('refresh_statistics', 'clinical_dashboard')(relation)) }}
{%- endmacro %}

{% macro default__refresh_statistics(relation) -%}
{%- endmacro %}

{% macro postgres__refresh_statistics(relation) -%}
    {#- views have no statistics of their own (PostgreSQL would warn and skip them) -#}
    {%- if config.get('materialized') != 'view' -%}
        analyze {{ relation }}
    {%- endif -%}
{%- endmacro %}
