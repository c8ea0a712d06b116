{#
    Inhabitants aged 75 and over per year, area of int_municipal__areas (Norway,
    municipality, and the health-community municipalities' hospital parts and districts), sex
    and 5-year age group (`75-79`, `80-84`, `85-89`, `90+`; age_group_5y), with the stratum's
    standard-population weight: the denominators of the municipal marts.

    The conventions of the rate engine (int_rate_population, SPEC sections 5 and 6), applied
    to these areas: the population of statistics year X is SSB's of 1 January X+1, the newest
    year the newest available (population_year_jan1 says which); times the population
    fraction of the loaded delivery (int_rate_population_fraction: s for a synthetic delivery
    at scale s, 1 for a real one); reference_weight = the stratum's share of Norway's
    inhabitants 75+ on 1 January after var('reference_population_year') (the weights sum to
    1). Aggregated by residence unit before the fan-out to the areas.
#}
with population as (
    select
        year_jan1,
        {{ municipal_residence_key('municipality_code', 'district_code') }} as residence_key,
        sex,
        {{ age_group_5y('age') }} as age_group,
        population
    from {{ ref('int_population') }}
    where age >= 75
),

delivery as (
    select population_fraction from {{ ref('int_rate_population_fraction') }}
),

newest_population as (
    select max(year_jan1) as year_jan1
    from population
),

statistics_years as (
    select distinct
        year_jan1 - 1 as statistics_year,
        year_jan1
    from population
    union all
    select
        year_jan1 as statistics_year,
        year_jan1
    from newest_population
),

unit_population as (
    select
        statistics_years.statistics_year,
        statistics_years.year_jan1,
        population.residence_key,
        population.sex,
        population.age_group,
        sum(population.population) as population
    from population
    inner join statistics_years
        on population.year_jan1 = statistics_years.year_jan1
    group by 1, 2, 3, 4, 5
),

area_population as (
    select
        unit_population.statistics_year,
        unit_population.year_jan1,
        areas.area_level,
        areas.area_code,
        unit_population.sex,
        unit_population.age_group,
        sum(unit_population.population) as population
    from unit_population
    inner join {{ ref('int_municipal__areas') }} as areas
        on unit_population.residence_key = areas.residence_key
    group by 1, 2, 3, 4, 5, 6
),

reference_population as (
    select
        sex,
        {{ age_group_5y('age') }} as age_group,
        sum(population) as reference_population
    from {{ ref('ref_population_norway') }}
    where year_jan1 = {{ var('reference_population_year') }} + 1 and age >= 75
    group by 1, 2
),

reference_weights as (
    select
        sex,
        age_group,
        cast(reference_population as {{ type_double() }})
        / sum(reference_population) over () as reference_weight
    from reference_population
)

select
    area_population.statistics_year as year,
    area_population.year_jan1 as population_year_jan1,
    area_population.area_level,
    area_population.area_code,
    area_population.sex,
    area_population.age_group,
    reference_weights.reference_weight,
    area_population.population * delivery.population_fraction as population
from area_population
inner join reference_weights
    on
        area_population.sex = reference_weights.sex
        and area_population.age_group = reference_weights.age_group
cross join delivery
