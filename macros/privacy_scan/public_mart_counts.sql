{#
    public_mart_count_expressions(mart, entries): the counts a reader sees or computes in one
    public mart, from its entries in var('public_mart_count_columns') (dbt_project.yml), as
    (label, SQL expression) pairs for the privacy scan's small-cell test
    (tests/privacy_scan/assert_no_small_cells_in_public_marts.sql):
      a column name             the published count itself;
      product: [count, share]   count x share rounded to a whole number (a share of a
                                published number is a count: fct_patient_flows);
      difference: [a, b]        a - b (a complement: fct_nki_indicators' denominator minus
                                numerator, the summaries not sent within 1 day).
    same_cells entries are not counts (tests/privacy_scan/assert_public_marts_hide_the_same_
    cells.sql reads them); anything else is an error naming the mart and the entry.
#}
{% macro public_mart_count_expressions(mart, entries) -%}
    {%- set expressions = [] -%}
    {%- for entry in entries -%}
        {%- if entry is string -%}
            {%- do expressions.append((entry, entry)) -%}
        {%- elif entry is mapping and 'product' in entry -%}
            {%- do expressions.append((
                entry.product[0] ~ ' x ' ~ entry.product[1],
                round_to(entry.product[0] ~ ' * ' ~ entry.product[1], 0))) -%}
        {%- elif entry is mapping and 'difference' in entry -%}
            {%- do expressions.append((
                entry.difference[0] ~ ' - ' ~ entry.difference[1],
                entry.difference[0] ~ ' - ' ~ entry.difference[1])) -%}
        {%- elif not (entry is mapping and 'same_cells' in entry) -%}
            {{ exceptions.raise_compiler_error(
                "dbt_project.yml, var public_mart_count_columns, mart " ~ mart
                ~ ": an entry must be a column name, product: [count, share], difference:"
                ~ " [a, b] or same_cells: {...}; got " ~ entry) }}
        {%- endif -%}
    {%- endfor -%}
    {{ return(expressions) }}
{%- endmacro %}
