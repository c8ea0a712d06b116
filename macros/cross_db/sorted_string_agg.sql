{#
    sorted_string_agg(expression, delimiter): an aggregate, the group's values of the text
    `expression` in ascending order joined by `delimiter` (a set written as one text, e.g. the
    samples of a code profile: 'a|b|c'). DuckDB and PostgreSQL order inside string_agg; Spark
    has no ordered string_agg, so it sorts the collected list.
#}
{% macro sorted_string_agg(expression, delimiter) -%}
    {{ return(adapter.dispatch('sorted_string_agg', 'clinical_dashboard')(expression, delimiter)) }}
{%- endmacro %}

{% macro default__sorted_string_agg(expression, delimiter) -%}
    string_agg({{ expression }}, '{{ delimiter }}' order by {{ expression }})
{%- endmacro %}

{% macro spark__sorted_string_agg(expression, delimiter) -%}
    array_join(array_sort(collect_list({{ expression }})), '{{ delimiter }}')
{%- endmacro %}
