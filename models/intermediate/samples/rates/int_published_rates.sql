{#
    The utilisation rates as published (SPEC sections 6, 7 and 12): the engine's cells
    (int_standardised_rates) with small-count suppression, without area names. The public mart
    fct_utilisation_rates adds the names; the marts that must hide what it hides
    (fct_patient_flows, fct_area_variation) read the cells here.

    Suppression: a cell whose count of the suppression-basis measure (rate_measures() in
    macros/rates/rate_method.sql: bed days go with their patients, NOK with its laboratory
    codes, every other measure with itself) is 1 to var('min_cell_count') - 1, or whose own
    count is (a count measure: 3 bed days of 5 patients), has events and every figure derived
    from them (crude rate, standardised rate, interval) set to null and is_suppressed true.
    Zero stays zero (no one to identify). Population is not derived from events and is always
    shown.

    Complementary suppression (macros/privacy/complementary_suppression.sql, docs/methods.md,
    "Suppression"): a parent area's count is the sum of its children's (plus, for Norway,
    unknown residence), so a lone suppressed child could be recovered by subtraction. Within
    every sample, measure, provider option, year and period, top-down over Norway > RHF > HF >
    hospital area, the smallest published siblings are suppressed too until the suppressed
    children (with the unpublished rest of the parent) hold at least var('min_cell_count')
    events of the suppression basis. suppression_reason says which rule hid the cell.
    Patients are not exactly additive over areas (a person who moved counts in both), but
    nearly so: the rule treats them like the other measures, and bed days follow them.
#}
with rates as (
    select * from {{ ref('int_standardised_rates') }}
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

-- cell_id numbers the cells (sample, measure, provider option, year, period): the
-- suppression's passes partition and join on it instead of five text columns.
flagged as (
    select
        rates.*,
        coalesce(suppression_basis.events, rates.events) as suppression_basis_events,
        dense_rank() over (
            order by rates.sample_id, rates.measure, rates.provider_option, rates.year, rates.period
        ) as cell_id
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

suppression_input as (
    select
        flagged.cell_id,
        flagged.area_level,
        flagged.area_code,
        parents.parent_area_code as parent_code,
        -- complementary suppression protects a count in its own units (bed days as days);
        -- NOK, not a count, is protected through its codes
        case
            when {{ measure_is_count('flagged.measure') }} then flagged.events
            else flagged.suppression_basis_events
        end as events,
        coalesce(
            flagged.suppression_basis_events > 0
            and flagged.suppression_basis_events < {{ var('min_cell_count') }},
            false
        )
        or coalesce(
            {{ measure_is_count('flagged.measure') }}
            and flagged.events > 0
            and flagged.events < {{ var('min_cell_count') }},
            false
        ) as is_primary
    from flagged
    left join {{ ref('dim_areas') }} as parents
        on
            flagged.area_level = parents.area_level
            and flagged.area_code = parents.area_code
),

{{ complementary_suppression(
    'suppression',
    'suppression_input',
    ['cell_id'],
    [['norway', 'rhf'], ['rhf', 'hf'], ['hf', 'hospital']]
) }},

suppressed as (
    select
        flagged.*,
        suppression.is_suppressed,
        suppression.suppression_reason
    from flagged
    inner join suppression
        on
            flagged.cell_id = suppression.cell_id
            and flagged.area_level = suppression.area_level
            and flagged.area_code = suppression.area_code
)

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
    suppression_reason,
    case when not is_suppressed then events end as events,
    case when not is_suppressed then crude_rate end as crude_rate,
    case when not is_suppressed then std_rate end as std_rate,
    case when not is_suppressed then std_rate_lower end as std_rate_lower,
    case when not is_suppressed then std_rate_upper end as std_rate_upper
from suppressed
