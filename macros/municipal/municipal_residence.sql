{#
    municipal_residence_key(municipality_code, district_code): the residence unit of a row in
    the municipal marts (models/intermediate/municipal/): the district where staging gives
    one (the four cities with districts; `xx99` = unknown district), else the municipality,
    else 'unknown' (unknown residence: counts in Norway only). District codes start with
    their municipality's four digits and have six, so one key names a unit of either kind.
    int_municipal__areas maps every key to the areas it counts in.
#}
{% macro municipal_residence_key(municipality_code, district_code) -%}
    coalesce({{ district_code }}, {{ municipality_code }}, 'unknown')
{%- endmacro %}

{#
    municipal_area_relation(): how the areas of int_municipal__areas add up, as a relation of
    complementary_suppression_passes(): Norway = its municipalities, a municipality = its
    parts in each hospital area = its districts. Every municipal mart hides cells over it.
#}
{% macro municipal_area_relation() -%}
    {{ return({
        'name': 'areas',
        'hierarchy': [['norway', 'municipality'], ['municipality', 'hospital'], ['hospital', 'district']]
    }) }}
{%- endmacro %}
