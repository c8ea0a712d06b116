{#
    Population denominators and standard-population weights of the rate engine, per
    population scope (SPEC sections 5 and 6).

    A scope is the set of strata a sample is standardised within: its stratification
    ('sex_age': sex x 5-year age groups; 'age_waiting_list': the FHI waiting-list age groups,
    both sexes together), its sex scope and its age range. Restricted samples (women only,
    ages 0-17, 18+) restrict the population and the standard population to the same ages and
    sex, so a group such as '15-19' holds ages 15-17 for a 0-17 sample.

    - population: residents of the area in the stratum, annual, times the population fraction
      of the loaded delivery (int_rate_population_fraction: 1 for a real delivery, s for a
      synthetic one at scale s, whose events are those of a fraction s of the residents), so
      that every rate and every published population downstream is that of the delivery. The
      population of statistics year X is SSB's population on 1 January X+1 (SKDE's
      convention); the newest year, whose next 1 January is not published yet, uses the newest
      population available (population_year_jan1 says which was used).
    - areas: Norway, RHF, HF and hospital areas of the catchment mapping
      var('catchment_mapping_version'), applied to every year; hospital rows only where the
      mapping has a hospital area.
    - reference_weight: the stratum's share of Norway's population of
      var('reference_population_year') (again 1 January of the following year) within the
      scope; the weights of a scope sum to 1.
#}
with samples as (
    select * from {{ ref('int_samples') }}
),

population as (
    select * from {{ ref('int_population') }}
),

delivery as (
    select population_fraction from {{ ref('int_rate_population_fraction') }}
),

catchment_areas as (
    select * from {{ ref('ref_catchment_areas') }}
    where mapping_version = '{{ var("catchment_mapping_version") }}'
),

reference_population as (
    select * from {{ ref('ref_population_norway') }}
    where year_jan1 = {{ var('reference_population_year') }} + 1
),

scopes as (
    select distinct
        stratification,
        sex_scope,
        age_from,
        age_to,
        {{ rate_scope_id('stratification', 'sex_scope', 'age_from', 'age_to') }} as scope_id
    from samples
),

newest_population as (
    select max(year_jan1) as year_jan1
    from population
),

statistics_years as (
    select distinct
        population.year_jan1 - 1 as statistics_year,
        population.year_jan1
    from population
    union all
    select
        year_jan1 as statistics_year,
        year_jan1
    from newest_population
),

-- Residents per hospital area (with its HF and RHF), sex and age: summed over the
-- municipalities and districts before the fan-out to the four area levels below.
unit_population as (
    select
        statistics_years.statistics_year,
        statistics_years.year_jan1,
        catchment_areas.rhf_code,
        catchment_areas.hf_code,
        catchment_areas.hospital_code,
        population.sex,
        population.age,
        sum(population.population) as population
    from population
    inner join statistics_years
        on population.year_jan1 = statistics_years.year_jan1
    inner join catchment_areas
        on
            population.municipality_code = catchment_areas.municipality_code
            and coalesce(population.district_code, '')
            = coalesce(catchment_areas.district_code, '')
    group by 1, 2, 3, 4, 5, 6, 7
),

area_levels as (
    select 'norway' as area_level
    union all
    select 'rhf' as area_level
    union all
    select 'hf' as area_level
    union all
    select 'hospital' as area_level
),

area_population as (
    select
        unit_population.statistics_year,
        unit_population.year_jan1,
        area_levels.area_level,
        unit_population.sex,
        unit_population.age,
        case area_levels.area_level
            when 'norway' then 'norway'
            when 'rhf' then unit_population.rhf_code
            when 'hf' then unit_population.hf_code
            else unit_population.hospital_code
        end as area_code,
        sum(unit_population.population) as population
    from unit_population
    cross join area_levels
    where area_levels.area_level <> 'hospital' or unit_population.hospital_code is not null
    group by 1, 2, 3, 4, 5, 6
),

scoped_population as (
    select
        scopes.scope_id,
        area_population.statistics_year as year,
        area_population.year_jan1 as population_year_jan1,
        area_population.area_level,
        area_population.area_code,
        case
            when scopes.stratification = 'sex_age' then area_population.sex else 'all'
        end as sex,
        case
            when scopes.stratification = 'sex_age'
                then {{ age_group_5y('area_population.age') }}
            else {{ age_group_waiting_list('area_population.age') }}
        end as age_group,
        sum(area_population.population) as population
    from area_population
    inner join scopes
        on
            area_population.age between scopes.age_from and scopes.age_to
            and (scopes.sex_scope = 'all' or area_population.sex = scopes.sex_scope)
    group by 1, 2, 3, 4, 5, 6, 7
),

scoped_reference as (
    select
        scopes.scope_id,
        case
            when scopes.stratification = 'sex_age' then reference_population.sex else 'all'
        end as sex,
        case
            when scopes.stratification = 'sex_age'
                then {{ age_group_5y('reference_population.age') }}
            else {{ age_group_waiting_list('reference_population.age') }}
        end as age_group,
        sum(reference_population.population) as reference_population
    from reference_population
    inner join scopes
        on
            reference_population.age between scopes.age_from and scopes.age_to
            and (scopes.sex_scope = 'all' or reference_population.sex = scopes.sex_scope)
    group by 1, 2, 3
),

reference_weights as (
    select
        scope_id,
        sex,
        age_group,
        reference_population,
        cast(reference_population as {{ type_double() }})
        / sum(reference_population) over (partition by scope_id) as reference_weight
    from scoped_reference
)

select
    scoped_population.scope_id,
    scoped_population.year,
    scoped_population.population_year_jan1,
    scoped_population.area_level,
    scoped_population.area_code,
    scoped_population.sex,
    scoped_population.age_group,
    reference_weights.reference_population,
    reference_weights.reference_weight,
    -- the fraction this table was built with: a test compares it with the loaded delivery's
    -- (an incremental build after a new fraction must not keep the old populations)
    delivery.population_fraction,
    -- the delivery's share of the residents (1 for a real delivery)
    scoped_population.population * delivery.population_fraction as population
from scoped_population
inner join reference_weights
    on
        scoped_population.scope_id = reference_weights.scope_id
        and scoped_population.sex = reference_weights.sex
        and scoped_population.age_group = reference_weights.age_group
cross join delivery
