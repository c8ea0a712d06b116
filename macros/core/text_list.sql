{#- A list of texts as a SQL list of literals, for `in`: ['npr_som', 'npr_phv'] ->
    ('npr_som', 'npr_phv'). The values are the project's own names (no quoting inside). -#}
{% macro text_list(values) -%}
    {%- set quoted = [] -%}
    {%- for value in values -%}
        {%- do quoted.append("'" ~ value ~ "'") -%}
    {%- endfor -%}
    ({{ quoted | join(', ') }})
{%- endmacro %}
