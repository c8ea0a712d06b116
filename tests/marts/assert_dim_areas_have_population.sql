-- Every area of dim_areas below Norway has residents in the reference population year
-- (var reference_population_year): an area without population, such as SKDE's pseudo area
-- 24 abroad/Svalbard, cannot carry rates and must not be in the dimension.
with catchment_units as (
    select
        municipality_code,
        district_code,
        rhf_code,
        hf_code,
        hospital_code
    from {{ ref('ref_catchment_areas') }}
    where mapping_version = '{{ var("catchment_mapping_version") }}'
),

population as (
    select
        municipality_code,
        district_code,
        sum(population) as population
    from {{ ref('int_population') }}
    where year_jan1 = {{ var('reference_population_year') }} + 1
    group by municipality_code, district_code
),

unit_population as (
    select
        catchment_units.rhf_code,
        catchment_units.hf_code,
        catchment_units.hospital_code,
        population.population
    from catchment_units
    inner join population
        on
            catchment_units.municipality_code = population.municipality_code
            and coalesce(catchment_units.district_code, '-')
            = coalesce(population.district_code, '-')
),

area_population as (
    select
        'rhf' as area_level,
        rhf_code as area_code,
        sum(population) as population
    from unit_population
    group by rhf_code
    union all
    select
        'hf' as area_level,
        hf_code as area_code,
        sum(population) as population
    from unit_population
    group by hf_code
    union all
    select
        'hospital' as area_level,
        hospital_code as area_code,
        sum(population) as population
    from unit_population
    where hospital_code is not null
    group by hospital_code
)

select
    areas.area_level,
    areas.area_code,
    areas.area_name
from {{ ref('dim_areas') }} as areas
left join area_population
    on
        areas.area_level = area_population.area_level
        and areas.area_code = area_population.area_code
where
    areas.area_level <> 'norway'
    and coalesce(area_population.population, 0) = 0
