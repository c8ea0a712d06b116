-- Complementary suppression in fct_waiting_times (README "Privacy: suppression"), checked
-- as an outsider would: for every published parent cell (Norway, RHF) the parent's new
-- referrals minus those of its published child areas (the suppressed children, plus for
-- Norway the referrals without an HF area, never published) must be 0 or at least
-- var('min_cell_count'); and a parent suppressed as complementary must keep at least one
-- child suppressed, or its children would add up to it.
with rates as (
    select
        sample_id,
        year,
        area_level,
        area_code,
        new_referrals as events,
        is_suppressed,
        suppression_reason
    from {{ ref('fct_waiting_times') }}
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
        rates.year,
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
        rates.year,
        areas.parent_area_level,
        areas.parent_area_code
)

select
    parents.sample_id,
    parents.year,
    parents.area_level,
    parents.area_code,
    children.n_suppressed,
    parents.suppression_reason,
    parents.events - children.published_events as unpublished_events
from rates as parents
inner join children
    on
        parents.sample_id = children.sample_id
        and parents.year = children.year
        and parents.area_level = children.parent_area_level
        and parents.area_code = children.parent_area_code
where
    (
        not parents.is_suppressed
        and parents.events - children.published_events > 0.5
        and parents.events - children.published_events < {{ var('min_cell_count') }} - 0.5
    )
    or (parents.suppression_reason = 'complementary' and children.n_suppressed = 0)
