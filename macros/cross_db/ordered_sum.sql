{#
    ordered_sum(expression, order_by): the sum of `expression` over the group, added in the
    order of `order_by` (a list of expressions, or one, unique within the group: e.g. the
    area code, or a stratum's sex and age group). A sum of doubles depends on the order of
    its additions in the last bits, and a parallel aggregate adds in the order its threads
    finish, which changes from build to build: a figure rounded for publication then flips
    where it lies at a rounding boundary (fct_area_variation's systematic component,
    13977.15302259 in one build and 13977.1530226 in the next from the same deliveries). In a
    fixed order the bits are the same in every build. NULLs are left out; no value gives
    NULL, as sum does.

    DuckDB and PostgreSQL: an ordered aggregate, sum(x order by k). Spark has none: the
    values are collected, sorted by the key and added in that order.
#}
{% macro ordered_sum(expression, order_by) -%}
    {{ return(adapter.dispatch('ordered_sum', 'clinical_dashboard')(expression, order_by)) }}
{%- endmacro %}

{% macro default__ordered_sum(expression, order_by) -%}
    {%- set keys = [order_by] if order_by is string else order_by -%}
    sum({{ expression }} order by {{ keys | join(', ') }})
{%- endmacro %}

{% macro spark__ordered_sum(expression, order_by) -%}
    {%- set keys = [order_by] if order_by is string else order_by -%}
    {%- set fields = [] -%}
    {%- for key in keys -%}
        {%- do fields.append("'k" ~ loop.index ~ "', " ~ key) -%}
    {%- endfor -%}
    aggregate(
        array_sort(collect_list(named_struct({{ fields | join(', ') }}, 'v', {{ expression }}))),
        cast(null as double),
        (total, item) -> case
            when item.v is null then total
            else coalesce(total, cast(0 as double)) + item.v
        end
    )
{%- endmacro %}
