-- The engine (int_standardised_rates) sums over the strata with events only and takes the
-- population and w_M per scope and area; aggregating the full stratum grid (int_rate_strata,
-- SPEC section 6 written out) must give the same events, population, rate and w_M-driven
-- upper limit. Checked for the newest year's T1 cells (the grid is large; one year and
-- period keeps the test quick while covering every sample, measure, option and area). The
-- year is a scalar subquery, not a join, so that the engines push it into the grid view.
{%- set newest_year -%}
    (select max(year) from {{ ref('int_standardised_rates') }})
{%- endset %}
with grid as (
    select
        strata.sample_id,
        strata.measure,
        strata.provider_option,
        strata.year,
        strata.period,
        strata.area_level,
        strata.area_code,
        sum(strata.events) as events,
        sum(strata.population) as population,
        sum(
            case
                when strata.population > 0
                    then strata.reference_weight * strata.events / strata.population
            end
        ) * {{ rate_per() }} as std_rate
    from {{ ref('int_rate_strata') }} as strata
    where strata.year = {{ newest_year }} and strata.period = 'T1'
    group by 1, 2, 3, 4, 5, 6, 7
),

engine as (
    select rates.*
    from {{ ref('int_standardised_rates') }} as rates
    where rates.year = {{ newest_year }} and rates.period = 'T1'
)

select
    engine.std_rate as engine_std_rate,
    grid.std_rate as grid_std_rate,
    coalesce(engine.sample_id, grid.sample_id) as sample_id,
    coalesce(engine.measure, grid.measure) as measure,
    coalesce(engine.area_code, grid.area_code) as area_code
from engine
full outer join grid
    on
        engine.sample_id = grid.sample_id
        and engine.measure = grid.measure
        and engine.provider_option = grid.provider_option
        and engine.year = grid.year
        and engine.period = grid.period
        and engine.area_level = grid.area_level
        and engine.area_code = grid.area_code
where
    engine.sample_id is null
    or grid.sample_id is null
    or abs(engine.events - grid.events) > 0.001
    or abs(engine.population - grid.population) > 0.001
    or abs(engine.std_rate - coalesce(grid.std_rate, 0)) > 0.001
