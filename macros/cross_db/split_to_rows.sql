{#
    split_to_rows(relation, columns, list_column, delimiter, value_name, position_name):
    one row per item of the delimited text `list_column` of `relation` (a CTE or relation
    name), with the listed `columns`, the item as `value_name` and its 1-based place in the
    list as `position_name`. A NULL list gives no rows; an empty item ('a||b') gives a row
    with an empty value. Renders a whole select statement (use it as a CTE body).

    PostgreSQL uses standard SQL (lateral unnest ... with ordinality). DuckDB unnests in the
    select list instead: it plans a lateral unnest as a dependent join that first collects
    the distinct lists in a hash table and joins the items back, which ran out of memory on
    the national laboratory extract (72 million invoices, 404 million codes); the select-list
    form streams. unnest and generate_subscripts in one select list
    advance in step, so the position belongs to its item. Spark explodes with posexplode
    (0-based).
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

{% macro duckdb__split_to_rows(
    relation, columns, list_column, delimiter, value_name, position_name
) -%}
    select
    {%- for column in columns %}
        {{ column }},
    {%- endfor %}
        unnest(string_to_array({{ list_column }}, '{{ delimiter }}')) as {{ value_name }},
        generate_subscripts(
            string_to_array({{ list_column }}, '{{ delimiter }}'), 1
        ) as {{ position_name }}
    from {{ relation }}
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
