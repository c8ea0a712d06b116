{#
    materialized_cte(): the keyword that makes a CTE an optimisation fence, where the dialect
    needs one. PostgreSQL (12+) inlines a CTE that is read once, and then evaluates its
    expressions again wherever the outer query uses them: a base model's typed, normalised
    and looked-up columns (regular expressions, joins to the code lists) were re-evaluated in
    every check and every output column, 25 times slower than with the fence (15,000 NPR-PHBU
    rows: 10 s against 0.4 s). DuckDB evaluates each expression once either way; Spark has no
    such keyword. Use: `enriched as {{ materialized_cte() }} (`.
#}
{% macro materialized_cte() -%}
    {{ return(adapter.dispatch('materialized_cte', 'clinical_dashboard')()) }}
{%- endmacro %}

{% macro default__materialized_cte() -%}
{%- endmacro %}

{% macro postgres__materialized_cte() -%}
    materialized
{%- endmacro %}
