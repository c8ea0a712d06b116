{#
    Observed and expected events per area of every count cell (sample_id, measure,
    provider_option, year, period, area_level rhf / hf / hospital): the inputs of the
    systematic component of variation in fct_area_variation (SPEC section 11).

      observed_i = sum_s d_i,s               (events of area i in stratum s)
      expected_i = sum_s n_i,s * r_s,  r_s = sum_i d_i,s / sum_i n_i,s over the level's areas

    n_i,s is the population times the period factor, as in the stratum grid (int_rate_strata),
    and only strata and areas of the grid count: the population scope of the sample, and
    hospitals only for sex x age standardisation. The grid itself is not built: a stratum
    without events has r_s = 0 and adds nothing to any area's expected count, so r_s is
    computed for the strata with events only and spread over the level's areas by their
    population (the same sums as grouping the grid, without its strata that have no events).
    Not counts (NOK) have no Poisson expectation and are left out (measure_is_count). An area
    has a row where it has a population row in a stratum with events; its expected count can
    be 0 (no residents there) or null (the level has none either): the mart uses expected > 0.
#}
{#- The events of the complete count cells (cells below, by number) in the strata of the grid:
    a population row of the sample's scope. Inlined where used rather than a CTE read twice,
    which PostgreSQL would materialise without statistics. A stratum of a level (scope, year,
    level, sex, age group) is numbered once, in the population (stratum_id), and the large
    joins and groupings below run on that number. -#}
{%- set population_stratum_key = rate_stratum_key(
    'population.scope_id', 'population.year', 'population.area_level', 'population.sex',
    'population.age_group') -%}
{#- The strata of the grid with events (all periods on one row), each with its stratum id. -#}
{%- set strata -%}
    select
        stratum_events.sample_id,
        stratum_events.measure,
        stratum_events.provider_option,
        stratum_events.year,
        stratum_events.events_t1,
        stratum_events.events_t2,
        stratum_events.events_year,
        population.area_id,
        population.stratum_id
    from {{ ref('int_sample_stratum_events') }} as stratum_events
    inner join (
        select
            sample_id,
            stratification,
            {{ rate_scope_id('stratification', 'sex_scope', 'age_from', 'age_to') }} as scope_id
        from {{ ref('int_samples') }}
    ) as samples
        on stratum_events.sample_id = samples.sample_id
    inner join population
        on
            samples.scope_id = population.scope_id
            and stratum_events.year = population.year
            and stratum_events.area_level = population.area_level
            and stratum_events.area_code = population.area_code
            and stratum_events.sex = population.sex
            and stratum_events.age_group = population.age_group
    where
        stratum_events.area_level in ('rhf', 'hf', 'hospital')
        and (samples.stratification = 'sex_age' or stratum_events.area_level <> 'hospital')
{%- endset %}
{%- set cell_events -%}
    select
        cells.cell_id,
        cells.period_factor,
        period_events.area_id,
        period_events.stratum_id,
        period_events.events
    from (
        {{ period_event_rows(
            '(' ~ strata ~ ')', ['sample_id', 'measure', 'provider_option', 'year', 'area_id',
            'stratum_id']) | indent(8) }}
    ) as period_events
    inner join cells
        on
            period_events.sample_id = cells.sample_id
            and period_events.measure = cells.measure
            and period_events.provider_option = cells.provider_option
            and period_events.year = cells.year
            and period_events.period = cells.period
{%- endset %}

-- Numbered once: the areas (area_id) and the strata of a level (stratum_id, in the order of
-- their text key, rate_stratum_key: the order in which the expected counts add).
with population as (
    select
        population.scope_id,
        population.year,
        population.area_level,
        population.area_code,
        population.sex,
        population.age_group,
        population.population,
        dense_rank() over (order by population.area_level, population.area_code) as area_id,
        dense_rank() over (order by {{ population_stratum_key }}) as stratum_id
    from {{ ref('int_rate_population') }} as population
    where population.area_level in ('rhf', 'hf', 'hospital')
),

-- The complete periods (int_sample_periods) of the count measures, numbered: the large
-- groupings below run on (cell_id, area) rather than on six text columns.
cells as (
    select
        sample_id,
        measure,
        provider_option,
        year,
        period,
        {{ period_population_factor('period') }} as period_factor,
        row_number() over (
            order by sample_id, measure, provider_option, year, period
        ) as cell_id
    from {{ ref('int_sample_periods') }}
    where {{ measure_is_count('measure') }}
),

observed as (
    select
        cell_id,
        area_id,
        sum(events) as observed
    from ({{ cell_events }}) as cell_events
    group by cell_id, area_id
),

-- Events per stratum over all the level's areas.
stratum_totals as (
    select
        cell_id,
        stratum_id,
        max(period_factor) as period_factor,
        sum(events) as events
    from ({{ cell_events }}) as cell_events
    group by cell_id, stratum_id
),

-- The sums of doubles (the populations times the delivery's fraction, the expected counts)
-- are added in a fixed order (ordered_sum), so that every build gives the same bits; the
-- event counts are whole numbers, whose sums are exact in any order. The expected counts add
-- in the order of the stratum id.
level_population as (
    select
        stratum_id,
        {{ ordered_sum('population', 'area_code') }} as population
    from population
    group by stratum_id
),

stratum_rates as (
    select
        stratum_totals.cell_id,
        stratum_totals.stratum_id,
        stratum_totals.period_factor,
        stratum_totals.events
        / nullif(level_population.population * stratum_totals.period_factor, 0) as stratum_rate
    from stratum_totals
    inner join level_population
        on stratum_totals.stratum_id = level_population.stratum_id
),

expected as (
    select
        stratum_rates.cell_id,
        population.area_id,
        {{ ordered_sum(
            'population.population * stratum_rates.period_factor * stratum_rates.stratum_rate',
            'stratum_rates.stratum_id'
        ) }} as expected
    from stratum_rates
    inner join population
        on stratum_rates.stratum_id = population.stratum_id
    group by stratum_rates.cell_id, population.area_id
),

areas as (
    select distinct
        area_id,
        area_level,
        area_code
    from population
)

select
    cells.sample_id,
    cells.measure,
    cells.provider_option,
    cells.year,
    cells.period,
    areas.area_level,
    areas.area_code,
    expected.expected,
    coalesce(observed.observed, 0) as observed
from expected
inner join cells
    on expected.cell_id = cells.cell_id
inner join areas
    on expected.area_id = areas.area_id
left join observed
    on
        expected.cell_id = observed.cell_id
        and expected.area_id = observed.area_id
