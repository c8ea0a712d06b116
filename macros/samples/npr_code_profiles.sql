{#
    npr_code_profile_columns(): the columns of int_npr__contacts that make up a contact's code
    profile (int_npr__code_profiles): the sample membership depends on these only.

    npr_code_profile_key(relation): the profile as one text key: the columns, NULL as '',
    joined by '|' (codes never contain '|' and are never empty: staging makes them NULL).
    Stored in int_npr__code_profiles (code_profile_key) for people reading the profiles.

    npr_code_profile_join(contacts, profiles): the condition a contact joins its profile on,
    a dispatch macro. By default the contact's text key = the stored
    profiles.code_profile_key: one column with statistics, since a join on the twelve columns
    themselves makes PostgreSQL multiply twelve selectivities, estimate one row and plan
    nested loops, slow even at the test scale. On DuckDB a 64-bit hash of the
    twelve columns on both sides (npr_code_profile_join_key: hash(), NULLs and order
    included), because building the text key for every contact was the most expensive step of
    the sample membership at national volume, and the hash costs a fraction of it
    (benchmarks/README.md). A contact always finds its own profile (the
    profiles are the contacts' distinct combinations); it could also find another only if two
    profiles shared a key, which
    tests/samples/assert_npr_code_profile_join_keys_are_unique.sql fails on.

    npr_code_profile_join_key(relation): that key of one side (the text key by default).
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

{% macro npr_code_profile_join(contacts, profiles) -%}
    {{ return(
        adapter.dispatch('npr_code_profile_join', 'clinical_dashboard')(contacts, profiles)
    ) }}
{%- endmacro %}

{% macro default__npr_code_profile_join(contacts, profiles) -%}
    {{ npr_code_profile_key(contacts) }} = {{ profiles }}.code_profile_key
{%- endmacro %}

{% macro duckdb__npr_code_profile_join(contacts, profiles) -%}
    {{ npr_code_profile_join_key(contacts) }} = {{ npr_code_profile_join_key(profiles) }}
{%- endmacro %}

{% macro npr_code_profile_join_key(relation) -%}
    {{ return(adapter.dispatch('npr_code_profile_join_key', 'clinical_dashboard')(relation)) }}
{%- endmacro %}

{% macro default__npr_code_profile_join_key(relation) -%}
    {{ npr_code_profile_key(relation) }}
{%- endmacro %}

{% macro duckdb__npr_code_profile_join_key(relation) -%}
    {%- set columns = [] -%}
    {%- for column in npr_code_profile_columns() -%}
        {%- do columns.append(relation ~ '.' ~ column) -%}
    {%- endfor -%}
    hash({{ columns | join(', ') }})
{%- endmacro %}
