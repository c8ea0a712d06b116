{#
    cell_key(relation): one text key for a rate cell of `relation` (sample_id, measure,
    provider_option, year, period, area_level), '|'-separated. For joins of large relations
    on the whole cell: on six separate columns PostgreSQL multiplies the columns'
    selectivities and underestimates the join by orders of magnitude (see
    fct_area_variation).
#}
{% macro cell_key(relation) -%}
    {{ dbt.concat([
        relation ~ '.sample_id', "'|'",
        relation ~ '.measure', "'|'",
        relation ~ '.provider_option', "'|'",
        'cast(' ~ relation ~ '.year as ' ~ dbt.type_string() ~ ')', "'|'",
        relation ~ '.period', "'|'",
        relation ~ '.area_level'
    ]) }}
{%- endmacro %}
