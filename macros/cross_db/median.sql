{#
    median(expression): the median of `expression` over the group, as an aggregate (not a
    window function). The SQL-standard ordered-set aggregate `percentile_cont(0.5) within group
    (order by x)` works on DuckDB and PostgreSQL (PostgreSQL has no median()); Spark has
    median(x). With an even number of values all three return the mean of the middle two
    (continuous percentile); NULLs are ignored.
#}
{% macro median(expression) -%}
    {{ return(adapter.dispatch('median', 'clinical_dashboard')(expression)) }}
{%- endmacro %}

{% macro default__median(expression) -%}
    percentile_cont(0.5) within group (order by {{ expression }})
{%- endmacro %}

{% macro spark__median(expression) -%}
    median({{ expression }})
{%- endmacro %}
