{#
    The full stratum grid of every published rate cell (SPEC section 6: start from the
    population grid and left-join the events, so strata without events count with 0).

    One row per cell (sample_id, measure, provider_option, year, period, area_level, area_code)
    and stratum (sex, age_group) of the sample's population scope. The cells are the complete
    periods of int_sample_periods; 'age_waiting_list' samples (new referrals, FHI data per HF
    area) have no hospital level. population is the annual population times the period factor
    (T1 x 4/12, T2 x 8/12). A view: the engine aggregates it once per build.
#}
with samples as (
    select
        sample_id,
        stratification,
        {{ rate_scope_id('stratification', 'sex_scope', 'age_from', 'age_to') }} as scope_id
    from {{ ref('int_samples') }}
),

cells as (
    select
        sample_periods.sample_id,
        sample_periods.measure,
        sample_periods.provider_option,
        sample_periods.year,
        sample_periods.period,
        samples.stratification,
        samples.scope_id
    from {{ ref('int_sample_periods') }} as sample_periods
    inner join samples
        on sample_periods.sample_id = samples.sample_id
),

population as (
    select * from {{ ref('int_rate_population') }}
),

events as (
    {{ period_event_rows(ref('int_sample_stratum_events'), [
        'sample_id', 'measure', 'provider_option', 'year', 'area_level', 'area_code', 'sex',
        'age_group']) | indent(4) }}
)

select
    cells.sample_id,
    cells.measure,
    cells.provider_option,
    cells.year,
    cells.period,
    population.area_level,
    population.area_code,
    case
        when cells.stratification = 'sex_age' then 'age_sex' else 'age'
    end as standardisation,
    population.sex,
    population.age_group,
    cast(coalesce(events.events, 0) as {{ type_double() }}) as events,
    population.population * {{ period_population_factor('cells.period') }} as population,
    population.reference_weight
from cells
inner join population
    on
        cells.scope_id = population.scope_id
        and cells.year = population.year
        and (cells.stratification = 'sex_age' or population.area_level <> 'hospital')
left join events
    on
        cells.sample_id = events.sample_id
        and cells.measure = events.measure
        and cells.provider_option = events.provider_option
        and cells.year = events.year
        and cells.period = events.period
        and population.area_level = events.area_level
        and population.area_code = events.area_code
        and population.sex = events.sex
        and population.age_group = events.age_group
