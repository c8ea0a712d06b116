{#- One check: `condition` is SQL over the columns of the CTE being checked; `column` names the
    raw (extract) column reported to quarantine and `value` the SQL of the value shown
    (default: that raw column). -#}
{% macro quarantine_check(reason_code, condition, column, value=none) -%}
    {%- if reason_code not in quarantine_reasons() -%}
        {{ exceptions.raise_compiler_error("unknown quarantine reason '" ~ reason_code ~ "'") }}
    {%- endif -%}
    {{ return({
        'reason_code': reason_code,
        'condition': condition,
        'column': column,
        'value': value if value is not none else column,
    }) }}
{%- endmacro %}
