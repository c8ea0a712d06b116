-- Complementary suppression (README "Privacy: suppression"), checked as an outsider would:
-- for every published parent cell of fct_utilisation_rates (Norway, RHF, HF) the parent's
-- events minus the events of its published child areas is the total of what the children
-- do not publish (suppressed children, plus for Norway unknown residence, which is never
-- published, so nothing is subtracted for it). That total must be 0 or at least
-- var('min_cell_count'); 1 to min - 1 would give a small count away. And a parent
-- suppressed as complementary must keep at least one child suppressed, or its children
-- would add up to it. The count measures that are exactly additive over areas are checked
-- (patients are not additive: a person who moved counts in both areas; NOK is protected
-- through its codes; bed days are protected in days, fct_utilisation_rates).
with rates as (
    select
        sample_id,
        measure,
        provider_option,
        year,
        period,
        area_level,
        area_code,
        events,
        is_suppressed,
        suppression_reason
    from {{ ref('fct_utilisation_rates') }}
    where measure in ('contacts', 'procedures', 'bed_days', 'codes', 'invoices', 'referrals')
),

areas as (
    select
        area_level,
        area_code,
        parent_area_level,
        parent_area_code
    from {{ ref('dim_areas') }}
),

children as (
    select
        rates.sample_id,
        rates.measure,
        rates.provider_option,
        rates.year,
        rates.period,
        areas.parent_area_level,
        areas.parent_area_code,
        sum(case when not rates.is_suppressed then rates.events else 0 end)
            as published_events,
        sum(case when rates.is_suppressed then 1 else 0 end) as n_suppressed
    from rates
    inner join areas
        on
            rates.area_level = areas.area_level
            and rates.area_code = areas.area_code
    group by
        rates.sample_id,
        rates.measure,
        rates.provider_option,
        rates.year,
        rates.period,
        areas.parent_area_level,
        areas.parent_area_code
)

select
    parents.sample_id,
    parents.measure,
    parents.provider_option,
    parents.year,
    parents.period,
    parents.area_level,
    parents.area_code,
    children.n_suppressed,
    parents.suppression_reason,
    parents.events - children.published_events as unpublished_events
from rates as parents
inner join children
    on
        parents.sample_id = children.sample_id
        and parents.measure = children.measure
        and parents.provider_option = children.provider_option
        and parents.year = children.year
        and parents.period = children.period
        and parents.area_level = children.parent_area_level
        and parents.area_code = children.parent_area_code
where
    (
        not parents.is_suppressed
        and parents.events - children.published_events > 0.5
        and parents.events - children.published_events < {{ var('min_cell_count') }} - 0.5
    )
    or (parents.suppression_reason = 'complementary' and children.n_suppressed = 0)
