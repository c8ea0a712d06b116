{#
    The areas of the municipal marts (issue 32; seed 001): for every residence unit
    (municipal_residence_key: a district of the four cities, else a municipality, 2024
    numbering, ref_catchment_areas of var('catchment_mapping_version')), the areas its
    residents count in, with the parent of each area for complementary suppression:

    - `norway` (parent none): every unit, and the unknown residence ('unknown'), as SKDE's
      pseudo areas (24 abroad/Svalbard, 8888, 99), which count in Norway only;
    - `municipality` (parent norway): every municipality;
    - for the municipalities of var('health_community_municipalities') (default Oslo) also
      `hospital` (the municipality's part of the hospital catchment area of the district, as
      int_health_community__areas; parent the municipality) and `district` (parent its
      hospital part, or the municipality when the mapping gives it none).
#}
with units as (
    select
        catchment_areas.municipality_code,
        catchment_areas.municipality_name,
        catchment_areas.district_code,
        catchment_areas.district_name,
        catchment_areas.hospital_code,
        catchment_areas.hospital_name,
        catchment_areas.rhf_code not in ('24', '8888', '99') as is_area,
        catchment_areas.municipality_code in (
            {%- for municipality_code in var("health_community_municipalities") %}
                '{{ municipality_code }}'{% if not loop.last %},{% endif %}
            {%- endfor %}
        ) as is_health_community,
        {{ municipal_residence_key(
            'catchment_areas.municipality_code', 'catchment_areas.district_code'
        ) }} as residence_key
    from {{ ref('ref_catchment_areas') }} as catchment_areas
    where catchment_areas.mapping_version = '{{ var("catchment_mapping_version") }}'
),

-- One name per municipality: the four cities also have a row without a district in the
-- mapping, under another spelling of the name.
municipality_names as (
    select
        municipality_code,
        min(municipality_name) as municipality_name
    from units
    group by municipality_code
),

keys as (
    select residence_key
    from units
    union all
    select 'unknown' as residence_key
)

select
    residence_key,
    'norway' as area_level,
    'norway' as area_code,
    'Norge' as area_name,
    cast(null as {{ dbt.type_string() }}) as parent_area_code,
    cast(null as {{ dbt.type_string() }}) as municipality_code
from keys
union all
select
    units.residence_key,
    'municipality' as area_level,
    units.municipality_code as area_code,
    municipality_names.municipality_name as area_name,
    'norway' as parent_area_code,
    units.municipality_code
from units
inner join municipality_names
    on units.municipality_code = municipality_names.municipality_code
where units.is_area
union all
select
    residence_key,
    'hospital' as area_level,
    hospital_code as area_code,
    hospital_name as area_name,
    municipality_code as parent_area_code,
    municipality_code
from units
where is_area and is_health_community and district_code is not null and hospital_code is not null
union all
select
    residence_key,
    'district' as area_level,
    district_code as area_code,
    district_name as area_name,
    coalesce(hospital_code, municipality_code) as parent_area_code,
    municipality_code
from units
where is_area and is_health_community and district_code is not null
