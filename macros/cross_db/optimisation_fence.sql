{#
    optimisation_fence(): written as the last line of a CTE's select, it stops the planner
    from merging the CTE into the query that reads it, where the dialect needs that.
    PostgreSQL (12+) inlines a CTE that is read once and then evaluates its expressions again
    wherever the outer query uses them: a base model's typed, normalised and looked-up
    columns (regular expressions, joins to the code lists) were re-evaluated in every check and
    every output column, many times over.
    `offset 0` is PostgreSQL's usual fence: unlike `as materialized` it streams instead of
    writing the CTE to a tuplestore (gigabytes of temporary files for NPR-SOM at the demo
    scale). DuckDB evaluates each expression once either way, and Spark needs no
    fence: both render nothing.
#}
{% macro optimisation_fence() -%}
    {{ return(adapter.dispatch('optimisation_fence', 'clinical_dashboard')()) }}
{%- endmacro %}

{% macro default__optimisation_fence() -%}
{%- endmacro %}

{% macro postgres__optimisation_fence() -%}
    offset 0
{%- endmacro %}
