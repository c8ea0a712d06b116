-- Complementary suppression in fct_patient_flows (README "Privacy: suppression"), checked
-- as an outsider would: an RHF's number is the sum of its HF areas' numbers, so for every
-- published RHF cell the RHF's number minus the numbers of its published HF areas (the
-- total of its suppressed HF areas) must be 0 or at least var('min_cell_count'); and an
-- RHF suppressed as complementary must keep at least one HF area suppressed.
with flows as (
    select
        sample_id,
        year,
        period,
        area_level,
        area_code,
        rhf_code,
        number,
        is_suppressed,
        suppression_reason
    from {{ ref('fct_patient_flows') }}
),

children as (
    select
        sample_id,
        year,
        period,
        rhf_code,
        sum(case when not is_suppressed then number else 0 end) as published_number,
        sum(case when is_suppressed then 1 else 0 end) as n_suppressed
    from flows
    where area_level = 'hf'
    group by sample_id, year, period, rhf_code
)

select
    parents.sample_id,
    parents.year,
    parents.period,
    parents.area_code,
    children.n_suppressed,
    parents.suppression_reason,
    parents.number - children.published_number as unpublished_number
from flows as parents
inner join children
    on
        parents.sample_id = children.sample_id
        and parents.year = children.year
        and parents.period = children.period
        and parents.area_code = children.rhf_code
where
    parents.area_level = 'rhf'
    and (
        (
            not parents.is_suppressed
            and parents.number - children.published_number > 0
            and parents.number - children.published_number < {{ var('min_cell_count') }}
        )
        or (parents.suppression_reason = 'complementary' and children.n_suppressed = 0)
    )
