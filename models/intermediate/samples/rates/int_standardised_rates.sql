{#
    The rate engine: one row per cell (sample_id, measure, provider_option, year, period,
    area_level, area_code) with events, population, the crude rate and the directly
    standardised rate per 100,000 with its 95% Fay-Feuer gamma interval (formulas in
    macros/rates/fay_feuer.sql), rounded to rate_decimals() decimals; the public mart hides
    small counts.

    It computes exactly what aggregating the full stratum grid (int_rate_strata) would, without
    that grid (some thirty times more rows than cells): strata without events add nothing to
    the rate or its variance, so the sums run over the strata with events only, and the two
    terms that need every stratum (the population and w_M = max w_i / n_i) depend only on the
    population scope, year and area: computed once per scope, year and area, shared by every
    sample, measure and provider option. The period factor f (4/12, 8/12, 1) scales the
    population: n_i f, so w_i d_i / (n_i f) and w_M / f.

    Events in a stratum without population (possible only in a tiny area, or from events
    outside the scope) cannot carry a rate: they are left out of the rate and its interval and
    reported in events_without_population (a data test requires 0). Sums of doubles add in a
    fixed order (ordered_sum, by the rank of sex and age group): the same bits in every build.
#}
with samples as (
    select
        sample_id,
        stratification,
        {{ rate_scope_id('stratification', 'sex_scope', 'age_from', 'age_to') }} as scope_id
    from {{ ref('int_samples') }}
),

-- stratum_order: the rank of (sex, age_group), the order in which the sums of doubles below
-- add (ordered_sum): the same order as the two text columns, compared as one number.
population as (
    select
        population.*,
        dense_rank() over (order by population.sex, population.age_group) as stratum_order
    from {{ ref('int_rate_population') }} as population
),

gamma_quantiles as (
    select * from {{ ref('ref_gamma_quantiles') }}
),

scope_areas as (
    select
        scope_id,
        year,
        area_level,
        area_code,
        {{ ordered_sum('population', 'stratum_order') }} as population,
        max(
            case when population > 0 then reference_weight / population end
        ) as max_weight_per_person
    from population
    group by 1, 2, 3, 4
),

cells as (
    select
        sample_periods.sample_id,
        sample_periods.measure,
        sample_periods.provider_option,
        sample_periods.year,
        sample_periods.period,
        samples.scope_id,
        case
            when samples.stratification = 'sex_age' then 'age_sex' else 'age'
        end as standardisation,
        {{ period_population_factor('sample_periods.period') }} as period_factor,
        row_number() over (
            order by
                sample_periods.sample_id, sample_periods.measure,
                sample_periods.provider_option, sample_periods.year, sample_periods.period
        ) as cell_id
    from {{ ref('int_sample_periods') }} as sample_periods
    inner join samples
        on sample_periods.sample_id = samples.sample_id
),

cell_areas as (
    select
        cells.*,
        scope_areas.area_level,
        scope_areas.area_code,
        scope_areas.population * cells.period_factor as population,
        {{ rate_per() }} * scope_areas.max_weight_per_person / cells.period_factor
            as max_weight_per_person
    from cells
    inner join scope_areas
        on
            cells.scope_id = scope_areas.scope_id
            and cells.year = scope_areas.year
            and (cells.standardisation = 'age_sex' or scope_areas.area_level <> 'hospital')
),

-- Each stratum's population joined once, to the row of all its periods, before the periods
-- become rows; to its sample by sample_id alone (with the five cell keys PostgreSQL expects
-- one row and picks a nested loop over millions).
stratum_populations as (
    select
        stratum_events.sample_id,
        stratum_events.measure,
        stratum_events.provider_option,
        stratum_events.year,
        stratum_events.area_level,
        stratum_events.area_code,
        stratum_events.events_t1,
        stratum_events.events_t2,
        stratum_events.events_year,
        population.reference_weight,
        population.stratum_order,
        population.population as annual_population
    from {{ ref('int_sample_stratum_events') }} as stratum_events
    inner join samples
        on stratum_events.sample_id = samples.sample_id
    left join population
        on
            samples.scope_id = population.scope_id
            and stratum_events.year = population.year
            and stratum_events.area_level = population.area_level
            and stratum_events.area_code = population.area_code
            and stratum_events.sex = population.sex
            and stratum_events.age_group = population.age_group
),

-- The periods as rows, each with the number of its cell (cells.cell_id): the events of
-- incomplete periods drop out here, and the sums below group on the number.
stratum_events as (
    select
        cells.cell_id,
        period_events.area_level,
        period_events.area_code,
        period_events.events,
        period_events.reference_weight,
        period_events.stratum_order,
        period_events.annual_population * cells.period_factor as population
    from (
        {{ period_event_rows('stratum_populations', [
            'sample_id', 'measure', 'provider_option', 'year', 'area_level', 'area_code',
            'reference_weight', 'stratum_order', 'annual_population']) | indent(8) }}
    ) as period_events
    inner join cells
        on
            period_events.sample_id = cells.sample_id
            and period_events.measure = cells.measure
            and period_events.provider_option = cells.provider_option
            and period_events.year = cells.year
            and period_events.period = cells.period
),

event_sums as (
    select
        cell_id,
        area_level,
        area_code,
        {{ ordered_sum('events', 'stratum_order') }} as events,
        {{ ordered_sum(
            'case when population > 0 then reference_weight * events / population end',
            'stratum_order'
        ) }} * {{ rate_per() }} as std_rate,
        {{ ordered_sum(
            'case when population > 0 then reference_weight * reference_weight * events'
            ~ ' / (population * population) end',
            'stratum_order'
        ) }} * {{ rate_per() }} * {{ rate_per() }} as std_rate_variance,
        sum(case when population > 0 then 0 else events end) as events_without_population
    from stratum_events
    group by 1, 2, 3
),

sums as (
    select
        cell_areas.sample_id,
        cell_areas.measure,
        cell_areas.provider_option,
        cell_areas.year,
        cell_areas.period,
        cell_areas.area_level,
        cell_areas.area_code,
        cell_areas.standardisation,
        cell_areas.population,
        cell_areas.max_weight_per_person,
        coalesce(event_sums.events, 0) as events,
        coalesce(event_sums.std_rate, 0) as std_rate,
        coalesce(event_sums.std_rate_variance, 0) as std_rate_variance,
        coalesce(event_sums.events_without_population, 0) as events_without_population
    from cell_areas
    left join event_sums
        on
            cell_areas.cell_id = event_sums.cell_id
            and cell_areas.area_level = event_sums.area_level
            and cell_areas.area_code = event_sums.area_code
),

shapes as (
    select
        *,
        case
            when {{ measure_is_count('measure') }}
                then {{ fay_feuer_lower_shape('std_rate', 'std_rate_variance', 'events') }}
        end as lower_shape,
        case
            when {{ measure_is_count('measure') }}
                then {{ fay_feuer_upper_shape(
                    'std_rate', 'std_rate_variance', 'max_weight_per_person'
                ) }}
        end as upper_shape
    from sums
),

intervals as (
    select
        shapes.*,
        case
            when {{ measure_is_count('shapes.measure') }}
                then {{ fay_feuer_lower(
                    'shapes.std_rate', 'shapes.std_rate_variance', 'shapes.events',
                    'shapes.lower_shape', 'lower_grid'
                ) }}
        end as std_rate_lower,
        {{ fay_feuer_upper(
            'shapes.std_rate', 'shapes.std_rate_variance', 'shapes.max_weight_per_person',
            'shapes.upper_shape', 'upper_grid'
        ) }} as std_rate_upper
    from shapes
    left join gamma_quantiles as lower_grid
        on {{ gamma_quantile_grid_index('shapes.lower_shape') }} = lower_grid.grid_index
    left join gamma_quantiles as upper_grid
        on {{ gamma_quantile_grid_index('shapes.upper_shape') }} = upper_grid.grid_index
)

select
    sample_id,
    measure,
    provider_option,
    year,
    period,
    area_level,
    area_code,
    standardisation,
    events_without_population,
    {{ round_to('events', rate_decimals()) }} as events,
    {{ round_to('population', rate_decimals()) }} as population,
    {{ round_to(rate_per() ~ ' * events / nullif(population, 0)', rate_decimals()) }}
        as crude_rate,
    {{ round_to('std_rate', rate_decimals()) }} as std_rate,
    {{ round_to('std_rate_lower', rate_decimals()) }} as std_rate_lower,
    {{ round_to('std_rate_upper', rate_decimals()) }} as std_rate_upper
from intervals
