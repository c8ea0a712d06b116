{#
    Privacy scan, small cells (issue 9, item 4): no public mart publishes a count of events or
    persons from 1 to var('min_cell_count') - 1. The count columns of each mart are data:
    var('public_mart_count_columns') in dbt_project.yml. A model under models/marts that is
    not declared there fails this test too (so a new mart must declare its count columns, []
    when it has none). One row per (mart, column) with small cells, or per undeclared mart.
#}
{%- set declared = var('public_mart_count_columns') -%}
{%- set checks = [] -%}
{%- for mart in declared | sort -%}
    {%- set relation = ref(mart) -%}
    {%- for column in declared[mart] -%}
        {%- do checks.append(
            "select '" ~ mart ~ "' as mart, '" ~ column ~ "' as column_name, count(*) as n_cells"
            ~ " from " ~ relation
            ~ " where " ~ column ~ " >= 1 and " ~ column ~ " < " ~ var('min_cell_count')
        ) -%}
    {%- endfor -%}
{%- endfor -%}
{%- if execute -%}
    {%- for node in public_mart_nodes() if node.name not in declared -%}
        {%- do checks.append(
            "select '" ~ node.name ~ "' as mart,"
            ~ " 'not declared in var public_mart_count_columns' as column_name, 1 as n_cells"
        ) -%}
    {%- endfor -%}
{%- endif -%}

with checks as (
    {{ checks | join('\n    union all\n    ') }}
)

select
    mart,
    column_name,
    n_cells
from checks
where n_cells > 0
