-- Every variation cell compares all areas of its level in dim_areas: a cell with fewer areas
-- than the level has would hide an area from EQ, CV and SCV (an area without events still
-- counts, with rate 0). Returns the cells whose n_areas differs from the level's size.
with level_sizes as (
    select
        area_level,
        count(*) as n_areas_in_level
    from {{ ref('dim_areas') }}
    group by area_level
)

select
    variation.sample_id,
    variation.measure,
    variation.provider_option,
    variation.year,
    variation.period,
    variation.area_level,
    variation.n_areas,
    level_sizes.n_areas_in_level
from {{ ref('fct_area_variation') }} as variation
left join level_sizes
    on variation.area_level = level_sizes.area_level
where level_sizes.n_areas_in_level is null or variation.n_areas <> level_sizes.n_areas_in_level
