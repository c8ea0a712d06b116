{#
    unparsed_value(column): the delivered text of `column` when it did not parse as its landing
    type, else NULL. The loader types a contract column with `landing: <type>` once, at
    ingestion (src/clinical_dashboard/landing_types.py: the rules of checked_cast), and keeps
    the text of every value that did not parse in the row's `_unparsed`, a JSON object
    {"<column>": "<text>", ...} (NULL when all parsed; a parsed column's entry is null). Reading
    JSON text is the dialect difference. For a column that lands as text the value is always
    NULL.
#}
{% macro unparsed_value(column) -%}
    case
        when _unparsed is not null
            then {{ adapter.dispatch('unparsed_value', 'clinical_dashboard')(column) }}
    end
{%- endmacro %}

{% macro default__unparsed_value(column) -%}
    json_extract_string(_unparsed, '$.{{ column }}')
{%- endmacro %}

{% macro postgres__unparsed_value(column) -%}
    (cast(_unparsed as json) ->> '{{ column }}')
{%- endmacro %}

{% macro spark__unparsed_value(column) -%}
    get_json_object(_unparsed, '$.{{ column }}')
{%- endmacro %}
