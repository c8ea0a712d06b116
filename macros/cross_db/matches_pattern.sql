{#
    matches_pattern(expression, pattern): true when the whole text matches the regular
    expression; NULL for NULL text. Keep patterns to the common subset of RE2 (DuckDB), POSIX
    (PostgreSQL) and Java (Spark) syntax: character classes, ?, +, *, {m,n}, |, groups, and no
    backslashes (so that the pattern reads the same in every dialect's string literals).
#}
{% macro matches_pattern(expression, pattern) -%}
    {{ return(adapter.dispatch('matches_pattern', 'clinical_dashboard')(expression, pattern)) }}
{%- endmacro %}

{% macro default__matches_pattern(expression, pattern) -%}
    regexp_like({{ expression }}, '^({{ pattern }})$')
{%- endmacro %}

{% macro duckdb__matches_pattern(expression, pattern) -%}
    regexp_full_match({{ expression }}, '{{ pattern }}')
{%- endmacro %}

{% macro postgres__matches_pattern(expression, pattern) -%}
    ({{ expression }} ~ '^({{ pattern }})$')
{%- endmacro %}

{% macro spark__matches_pattern(expression, pattern) -%}
    ({{ expression }} rlike '^({{ pattern }})$')
{%- endmacro %}
