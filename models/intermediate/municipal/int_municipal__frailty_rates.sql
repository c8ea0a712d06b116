{#
    Frail elderly per 1,000 inhabitants aged 75+ (seed 001 "Skrøpelige eldre - per 1000
    innbygger over 75 år"), one row per IPLOS year, area (int_municipal__areas) and functional
    level group: `all` (level 2-5), `2-3` and `4-5` (int_municipal__iplos_persons). Before
    suppression (the mart applies it).

    - frail_persons: IPLOS recipients 75+ of the group (each person once per year, in the
      area of the newest decision).
    - population: inhabitants 75+ (int_municipal__population, the delivery's share).
    - crude_rate = 1,000 x frail_persons / population; std_rate: directly standardised by sex
      and age group (75-79, 80-84, 85-89, 90+) to Norway's 75+ population (SPEC section 6),
      per 1,000, with the 95% Fay-Feuer gamma interval of the rate engine
      (macros/rates/fay_feuer.sql; w_M over every stratum of the area, also those without
      frail persons).
    - Persons in a stratum without inhabitants (events_without_population; not published):
      IPLOS counts a person at the end of the year, SSB on 1 January after it, so a frail
      person who died or moved in the year can be the only one of their sex and age group in
      a small municipality or district. They count in frail_persons and the crude rate, so
      that an area's persons add up over its parts (a part's missing person would otherwise
      be its parent's count minus its children's: a count of 1-4 revealed). The standardised
      rate and its interval leave them out: a stratum rate over no inhabitants is undefined,
      and leaving the rate out instead would show that such a person exists.
    Years: the years IPLOS delivered. Aggregated before the join to the population grid.
#}
{%- set per = 1000 %}
with persons as (
    select
        year,
        residence_key,
        sex,
        age_group,
        functional_level_group,
        count(*) as frail_persons
    from {{ ref('int_municipal__iplos_persons') }}
    where is_frail
    group by 1, 2, 3, 4, 5
),

grouped as (
    select * from persons
    union all
    select
        year,
        residence_key,
        sex,
        age_group,
        'all' as functional_level_group,
        sum(frail_persons) as frail_persons
    from persons
    group by 1, 2, 3, 4
),

stratum_events as (
    select
        grouped.year,
        areas.area_level,
        areas.area_code,
        grouped.functional_level_group,
        grouped.sex,
        grouped.age_group,
        sum(grouped.frail_persons) as frail_persons
    from grouped
    inner join {{ ref('int_municipal__areas') }} as areas
        on grouped.residence_key = areas.residence_key
    group by 1, 2, 3, 4, 5, 6
),

years as (
    select distinct service_year as year
    from {{ ref('stg_kpr__iplos_services') }}
),

level_groups as (
    select 'all' as functional_level_group
    union all
    select '2-3' as functional_level_group
    union all
    select '4-5' as functional_level_group
),

population as (
    select population.*
    from {{ ref('int_municipal__population') }} as population
    inner join years
        on population.year = years.year
),

grid as (
    select
        population.year,
        population.area_level,
        population.area_code,
        level_groups.functional_level_group,
        population.population,
        population.reference_weight,
        cast(coalesce(stratum_events.frail_persons, 0) as {{ type_double() }}) as events
    from population
    cross join level_groups
    left join stratum_events
        on
            population.year = stratum_events.year
            and population.area_level = stratum_events.area_level
            and population.area_code = stratum_events.area_code
            and level_groups.functional_level_group = stratum_events.functional_level_group
            and population.sex = stratum_events.sex
            and population.age_group = stratum_events.age_group
),

-- Every frail person of an area, and those in a stratum without inhabitants (no population
-- row, or a population of 0).
area_persons as (
    select
        stratum_events.year,
        stratum_events.area_level,
        stratum_events.area_code,
        stratum_events.functional_level_group,
        sum(stratum_events.frail_persons) as frail_persons,
        sum(
            case when population.population > 0 then 0 else stratum_events.frail_persons end
        ) as events_without_population
    from stratum_events
    left join population
        on
            stratum_events.year = population.year
            and stratum_events.area_level = population.area_level
            and stratum_events.area_code = population.area_code
            and stratum_events.sex = population.sex
            and stratum_events.age_group = population.age_group
    group by 1, 2, 3, 4
),

sums as (
    select
        year,
        area_level,
        area_code,
        functional_level_group,
        sum(events) as events,
        sum(population) as population,
        {{ per }} * sum(
            case when population > 0 then reference_weight * events / population end
        ) as std_rate,
        {{ per }} * {{ per }} * sum(
            case
                when population > 0
                    then reference_weight * reference_weight * events / (population * population)
            end
        ) as std_rate_variance,
        {{ per }} * max(case when population > 0 then reference_weight / population end)
            as max_weight_per_person
    from grid
    group by 1, 2, 3, 4
),

shapes as (
    select
        *,
        {{ fay_feuer_lower_shape('std_rate', 'std_rate_variance', 'events') }} as lower_shape,
        {{ fay_feuer_upper_shape('std_rate', 'std_rate_variance', 'max_weight_per_person') }}
            as upper_shape
    from sums
),

intervals as (
    select
        shapes.*,
        {{ fay_feuer_lower(
            'shapes.std_rate', 'shapes.std_rate_variance', 'shapes.events',
            'shapes.lower_shape', 'lower_grid'
        ) }} as std_rate_lower,
        {{ fay_feuer_upper(
            'shapes.std_rate', 'shapes.std_rate_variance', 'shapes.max_weight_per_person',
            'shapes.upper_shape', 'upper_grid'
        ) }} as std_rate_upper
    from shapes
    left join {{ ref('ref_gamma_quantiles') }} as lower_grid
        on {{ gamma_quantile_grid_index('shapes.lower_shape') }} = lower_grid.grid_index
    left join {{ ref('ref_gamma_quantiles') }} as upper_grid
        on {{ gamma_quantile_grid_index('shapes.upper_shape') }} = upper_grid.grid_index
)

select
    intervals.year,
    intervals.area_level,
    intervals.area_code,
    intervals.functional_level_group,
    cast(coalesce(area_persons.frail_persons, 0) as {{ dbt.type_int() }}) as frail_persons,
    {{ round_to('intervals.population', rate_decimals()) }} as population,
    {{ round_to(
        per ~ ' * coalesce(area_persons.frail_persons, 0) / nullif(intervals.population, 0)',
        rate_decimals()
    ) }} as crude_rate,
    {{ round_to('intervals.std_rate', rate_decimals()) }} as std_rate,
    {{ round_to('intervals.std_rate_lower', rate_decimals()) }} as std_rate_lower,
    {{ round_to('intervals.std_rate_upper', rate_decimals()) }} as std_rate_upper,
    cast(coalesce(area_persons.events_without_population, 0) as {{ dbt.type_int() }})
        as events_without_population
from intervals
left join area_persons
    on
        intervals.year = area_persons.year
        and intervals.area_level = area_persons.area_level
        and intervals.area_code = area_persons.area_code
        and intervals.functional_level_group = area_persons.functional_level_group
