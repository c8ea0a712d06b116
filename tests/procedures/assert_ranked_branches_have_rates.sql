-- Every ranked procedure branch is a sample with procedures per 100,000 in
-- fct_utilisation_rates (SPEC section 8: "Rates per 100,000 for the ranked branches") at
-- every area level of dim_areas and in every period of the ranking year, and Norway's events of the
-- ranking year are at most the ranking's volume (equal but for contacts of unknown sex or
-- age, which no stratum holds).
with ranked as (
    select distinct
        sample_id,
        year,
        volume
    from {{ ref('fct_procedure_rankings') }}
),

rates as (
    select
        sample_id,
        year,
        period,
        area_level,
        events
    from {{ ref('fct_utilisation_rates') }}
    where measure = 'procedures'
),

levels as (
    select count(distinct area_level) as n_levels
    from {{ ref('dim_areas') }}
),

coverage as (
    select
        ranked.sample_id,
        count(distinct rates.period) as n_periods,
        count(distinct rates.area_level) as n_levels,
        max(
            case when rates.period = 'year' and rates.area_level = 'norway' then rates.events end
        ) as norway_events,
        max(ranked.volume) as volume
    from ranked
    left join rates
        on
            ranked.sample_id = rates.sample_id
            and ranked.year = rates.year
    group by ranked.sample_id
)

select coverage.*
from coverage
cross join levels
where
    coverage.n_periods <> 3
    or coverage.n_levels <> levels.n_levels
    or coverage.norway_events > coverage.volume
