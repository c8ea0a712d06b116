{#
    Test not_null_columns(model, columns): fails with one row per listed column that holds
    NULLs (column_name, null_rows). The not-null checks of a model's columns in one test and
    one scan, instead of one test node (and one query) per column. A column's own `not_null`
    test stays where it has a config of its own (severity, where).
#}
{% macro not_null_column_counts(columns) -%}
    {%- set counts = [] -%}
    {%- for column in columns -%}
        {%- do counts.append(
            'sum(case when ' ~ column ~ ' is null then 1 else 0 end) as null_rows_' ~ loop.index) -%}
    {%- endfor -%}
    {{ return(counts) }}
{%- endmacro %}

{% macro not_null_column_findings(columns) -%}
    {%- set findings = [] -%}
    {%- for column in columns -%}
        {%- do findings.append(
            "select '" ~ column ~ "' as column_name, null_rows_" ~ loop.index
            ~ ' as null_rows from null_counts where null_rows_' ~ loop.index ~ ' > 0') -%}
    {%- endfor -%}
    {{ return(findings) }}
{%- endmacro %}

{% test not_null_columns(model, columns) %}

with null_counts as (
    select
        {{ not_null_column_counts(columns) | join(',\n        ') }}
    from {{ model }}
)

{{ not_null_column_findings(columns) | join('\nunion all\n') }}

{% endtest %}
