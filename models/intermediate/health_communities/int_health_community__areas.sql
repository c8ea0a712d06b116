{#
    The areas of the health-community marts (seed 001; SPEC section 11): for each district
    (bydel) of the municipalities in var('health_community_municipalities') (default Oslo,
    0301), the three areas its residents count in: the district itself, the hospital catchment
    area it belongs to (ref_catchment_areas of var('catchment_mapping_version')) and the
    municipality as a whole. Seed 001's hospital rows ("Akershus LO", "Oslo
    universitetssykehus LO") are the municipality's part of a hospital area: the sum of its
    districts, not the hospital's whole catchment area, and so are these. The unknown district
    (`xx99`, "Uoppgitt bydel") is a district of its own, in the hospital area the mapping gives
    it.
#}
with districts as (
    select
        municipality_code,
        municipality_name,
        district_code,
        district_name,
        hospital_code,
        hospital_name
    from {{ ref('ref_catchment_areas') }}
    where
        mapping_version = '{{ var("catchment_mapping_version") }}'
        and municipality_code in (
            {%- for municipality_code in var("health_community_municipalities") %}
                '{{ municipality_code }}'{% if not loop.last %},{% endif %}
            {%- endfor %}
        )
        and district_code is not null
)

select
    district_code,
    municipality_code,
    'municipality' as area_level,
    municipality_code as area_code,
    municipality_name as area_name,
    cast(null as {{ dbt.type_string() }}) as hospital_code
from districts
union all
select
    district_code,
    municipality_code,
    'hospital' as area_level,
    hospital_code as area_code,
    hospital_name as area_name,
    hospital_code
from districts
union all
select
    district_code,
    municipality_code,
    'district' as area_level,
    district_code as area_code,
    district_name as area_name,
    hospital_code
from districts
