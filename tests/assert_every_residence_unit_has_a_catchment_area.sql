-- Every residence unit of the population (a municipality, or a district of the four cities,
-- including the derived unknown district xx99) must have a catchment area in every mapping
-- version: a unit without one would drop out of the rate denominators.
with residence_units as (
    select distinct
        municipality_code,
        district_code
    from {{ ref('int_population') }}
),

mapping_versions as (
    select distinct mapping_version
    from {{ ref('ref_catchment_areas') }}
),

catchment_areas as (
    select
        mapping_version,
        municipality_code,
        district_code
    from {{ ref('ref_catchment_areas') }}
)

select
    mapping_versions.mapping_version,
    residence_units.municipality_code,
    residence_units.district_code
from residence_units
cross join mapping_versions
left join catchment_areas
    on
        mapping_versions.mapping_version = catchment_areas.mapping_version
        and residence_units.municipality_code = catchment_areas.municipality_code
        and coalesce(residence_units.district_code, '')
        = coalesce(catchment_areas.district_code, '')
where catchment_areas.mapping_version is null
