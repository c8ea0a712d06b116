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
