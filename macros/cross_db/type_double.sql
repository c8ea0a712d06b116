{#
    type_double(): the 64-bit floating-point type. dbt.type_float() is not it: it renders
    `float`, which is 32 bits on DuckDB and Spark (7 significant digits) and 64 bits on
    PostgreSQL, so rates computed through it would differ between the targets.
#}
{% macro type_double() -%}
    {{ return(adapter.dispatch('type_double', 'clinical_dashboard')()) }}
{%- endmacro %}

{% macro default__type_double() -%}double precision{%- endmacro %}

{% macro spark__type_double() -%}double{%- endmacro %}

{#
    type_exact_amount(): decimal(38, 12), the same type on every target, for an amount that is
    summed over rows: a sum of decimals is exact, so it gives the same bits in any order,
    where a sum of doubles depends on the order of its additions (the order a parallel
    aggregate finishes in) in its last bits. Twelve decimals keep a shared-out NOK amount to
    1e-12 NOK; 26 digits before the point bound any total.
#}
{% macro type_exact_amount() -%}decimal(38, 12){%- endmacro %}
