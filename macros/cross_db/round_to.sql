{#
    round_to(expression, digits): a double rounded to `digits` decimals, as a double.
    PostgreSQL has round(numeric, int) but no round(double precision, int), so it goes through
    numeric there; DuckDB and Spark round doubles directly. All three round halves away from
    zero. The public marts publish rates rounded this way, so that a figure does not change in
    its last bits with the order in which a parallel sum happened to add its terms.
#}
{% macro round_to(expression, digits) -%}
    {{ return(adapter.dispatch('round_to', 'clinical_dashboard')(expression, digits)) }}
{%- endmacro %}

{% macro default__round_to(expression, digits) -%}
    round({{ expression }}, {{ digits }})
{%- endmacro %}

{% macro postgres__round_to(expression, digits) -%}
    cast(round(cast({{ expression }} as numeric), {{ digits }}) as double precision)
{%- endmacro %}
