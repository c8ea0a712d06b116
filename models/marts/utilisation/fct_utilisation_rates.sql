{#
    Public mart of the utilisation rates (SPEC sections 6, 7 and 12): the engine's cells
    (int_standardised_rates) with area names and small-count suppression.

    Suppression: a cell whose count of the suppression-basis measure (rate_measures() in
    macros/rates/rate_method.sql: bed days go with their patients, NOK with its laboratory
    codes, every other measure with itself) is 1 to var('min_cell_count') - 1 has events and
    every figure derived from them (crude rate, standardised rate, interval) set to null and
    is_suppressed true. Zero stays zero (no one to identify). Population is not derived from
    events and is always shown.
#}
with rates as (
    select * from {{ ref('int_standardised_rates') }}
),

areas as (
    select
        area_level,
        area_code,
        area_name
    from {{ ref('dim_areas') }}
),

suppression_basis as (
    select
        sample_id,
        measure,
        provider_option,
        year,
        period,
        area_level,
        area_code,
        events
    from rates
),

flagged as (
    select
        rates.*,
        coalesce(suppression_basis.events, rates.events) as suppression_basis_events
    from rates
    left join suppression_basis
        on
            rates.sample_id = suppression_basis.sample_id
            and {{ suppression_basis_measure('rates.measure') }} = suppression_basis.measure
            and rates.provider_option = suppression_basis.provider_option
            and rates.year = suppression_basis.year
            and rates.period = suppression_basis.period
            and rates.area_level = suppression_basis.area_level
            and rates.area_code = suppression_basis.area_code
),

suppressed as (
    select
        *,
        coalesce(
            suppression_basis_events > 0
            and suppression_basis_events < {{ var('min_cell_count') }},
            false
        ) as is_suppressed
    from flagged
),

published as (
    select
        sample_id,
        measure,
        provider_option,
        year,
        period,
        area_level,
        area_code,
        population,
        standardisation,
        is_suppressed,
        case when not is_suppressed then events end as events,
        case when not is_suppressed then crude_rate end as crude_rate,
        case when not is_suppressed then std_rate end as std_rate,
        case when not is_suppressed then std_rate_lower end as std_rate_lower,
        case when not is_suppressed then std_rate_upper end as std_rate_upper
    from suppressed
)

select
    published.sample_id,
    published.measure,
    published.provider_option,
    published.year,
    published.period,
    published.area_level,
    published.area_code,
    areas.area_name,
    published.events,
    published.population,
    published.crude_rate,
    published.std_rate,
    published.std_rate_lower,
    published.std_rate_upper,
    published.standardisation,
    published.is_suppressed
from published
left join areas
    on
        published.area_level = areas.area_level
        and published.area_code = areas.area_code
