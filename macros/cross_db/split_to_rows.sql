{#
    split_to_rows(relation, columns, list_column, delimiter, value_name, position_name):
    one row per item of the delimited text `list_column` of `relation` (a CTE or relation
    name), with the listed `columns`, the item as `value_name` and its 1-based place in the
    list as `position_name`. A NULL list gives no rows; an empty item ('a||b') gives a row
    with an empty value. Renders a whole select statement (use it as a CTE body).

    DuckDB and PostgreSQL share standard SQL (lateral unnest ... with ordinality; DuckDB
    knows PostgreSQL's string_to_array); Spark explodes with posexplode (0-based).
#}
{% macro split_to_rows(relation, columns, list_column, delimiter, value_name, position_name) -%}
    {{ return(adapter.dispatch('split_to_rows', 'clinical_dashboard')(
        relation, columns, list_column, delimiter, value_name, position_name)) }}
{%- endmacro %}

{% macro default__split_to_rows(
    relation, columns, list_column, delimiter, value_name, position_name
) -%}
    select
    {%- for column in columns %}
        {{ relation }}.{{ column }},
    {%- endfor %}
        split_items.item_value as {{ value_name }},
        split_items.item_position as {{ position_name }}
    from {{ relation }}
    cross join lateral unnest(
        string_to_array({{ relation }}.{{ list_column }}, '{{ delimiter }}')
    ) with ordinality as split_items (item_value, item_position)
{%- endmacro %}

{% macro spark__split_to_rows(
    relation, columns, list_column, delimiter, value_name, position_name
) -%}
    select
    {%- for column in columns %}
        {{ relation }}.{{ column }},
    {%- endfor %}
        split_items.item_value as {{ value_name }},
        cast(split_items.item_index + 1 as bigint) as {{ position_name }}
    from {{ relation }}
    lateral view posexplode(
        split({{ relation }}.{{ list_column }}, '[{{ delimiter }}]')
    ) split_items as item_index, item_value
{%- endmacro %}
