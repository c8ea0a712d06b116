{#
    npr_code_profile_columns(): the columns of int_npr__contacts that make up a contact's code
    profile (int_npr__code_profiles): the sample membership depends on these only.

    npr_code_profile_key(relation): the profile as one text key: the columns, NULL as '',
    joined by '|' (codes never contain '|' and are never empty: staging makes them NULL). A
    contact joins its profile on this one key: a join on the twelve columns themselves makes
    PostgreSQL multiply twelve selectivities, estimate one row and plan nested loops (15
    minutes instead of seconds at test scale).
#}
{% macro npr_code_profile_columns() -%}
    {{ return([
        'source', 'care_type', 'specialty_code', 'activity_category', 'urgency_code', 'drg_type',
        'main_diagnosis_code', 'procedure_code_1', 'procedure_code_2', 'procedure_code_3',
        'procedure_code_4', 'procedure_code_5',
    ]) }}
{%- endmacro %}

{% macro npr_code_profile_key(relation) -%}
    {%- set parts = [] -%}
    {%- for column in npr_code_profile_columns() -%}
        {%- if not loop.first -%}
            {%- do parts.append("'|'") -%}
        {%- endif -%}
        {%- do parts.append("coalesce(" ~ relation ~ "." ~ column ~ ", '')") -%}
    {%- endfor -%}
    {{ dbt.concat(parts) }}
{%- endmacro %}
