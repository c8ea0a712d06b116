{#
    Privacy scan, small cells (issue 9, item 4; issue 26, item 5): no public mart publishes
    a count of events or persons from 1 to var('min_cell_count') - 1, nor a figure from
    which a reader computes one. The counts of each mart are data: var
    ('public_mart_count_columns') in dbt_project.yml, per mart a list of column names,
    products (count x share) and differences (a - b, complements), read by
    public_mart_count_expressions (macros/privacy_scan/public_mart_counts.sql; same_cells
    entries are checked by assert_public_marts_hide_the_same_cells). A model
    under models/marts that is not declared there fails this test too (so a new mart must
    declare its counts, [] when it has none). One row per (mart, count) with small cells, or
    per undeclared mart.
#}
{%- set declared = var('public_mart_count_columns') -%}
{%- set min_count = var('min_cell_count') -%}
{%- set checks = [] -%}
{%- for mart in declared | sort -%}
    {%- set relation = ref(mart) -%}
    {%- for label, count in public_mart_count_expressions(mart, declared[mart]) -%}
        {%- do checks.append(
            "select '" ~ mart ~ "' as mart, '" ~ label ~ "' as column_name,"
            ~ " count(*) as n_cells from " ~ relation
            ~ " where " ~ count ~ " >= 1 and " ~ count ~ " < " ~ min_count
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
