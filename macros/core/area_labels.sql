{#
    The labels of dim_areas (models/marts/core) beyond SKDE's Norwegian names:
    area_label_columns(areas) renders the columns area_name_en (Norway in English, the RHFs'
    own English names; other areas keep their names), short_label (without " RHF", or a
    short label where the name is too long for a chart axis) and short_label_en, from the
    relation `areas` (area_level, area_code, mapping_name).
#}
{% macro area_label_columns(areas) -%}
    {#- The RHFs' own English names and short English labels, by rhf_code. #}
    {%- set rhf_names_en = {
        '1': ('Northern Norway RHF', 'Northern Norway'),
        '2': ('Central Norway RHF', 'Central Norway'),
        '3': ('Western Norway RHF', 'Western Norway'),
        '4': ('South-Eastern Norway RHF', 'South-Eastern Norway'),
    } %}
    {#- Short labels where the name is too long for a chart axis, by (area_level, area_code). #}
    {%- set short_labels = {('hospital', '161'): 'OUS'} %}
    {#- the `when` branches of the three columns -#}
    {%- set names_en, labels, labels_en = [], [], [] %}
    {%- for code, names in rhf_names_en.items() %}
        {%- set condition = areas ~ ".area_level = 'rhf' and " ~ areas ~ ".area_code = '"
            ~ code ~ "'" %}
        {%- do names_en.append('when ' ~ condition ~ " then '" ~ names[0] ~ "'") %}
        {%- do labels_en.append('when ' ~ condition ~ " then '" ~ names[1] ~ "'") %}
    {%- endfor %}
    {%- for key, label in short_labels.items() %}
        {%- set condition = areas ~ ".area_level = '" ~ key[0] ~ "' and " ~ areas ~ ".area_code = '"
            ~ key[1] ~ "'" %}
        {%- do labels.append('when ' ~ condition ~ " then '" ~ label ~ "'") %}
        {%- do labels_en.append('when ' ~ condition ~ " then '" ~ label ~ "'") %}
    {%- endfor %}
    case
        when {{ areas }}.area_level = 'norway' then 'Norway'
        {{ names_en | join('\n        ') }}
        else {{ areas }}.mapping_name
    end as area_name_en,
    case
        {{ labels | join('\n        ') }}
        when {{ areas }}.area_level = 'rhf' then replace({{ areas }}.mapping_name, ' RHF', '')
        else {{ areas }}.mapping_name
    end as short_label,
    case
        when {{ areas }}.area_level = 'norway' then 'Norway'
        {{ labels_en | join('\n        ') }}
        when {{ areas }}.area_level = 'rhf' then replace({{ areas }}.mapping_name, ' RHF', '')
        else {{ areas }}.mapping_name
    end as short_label_en
{%- endmacro %}
