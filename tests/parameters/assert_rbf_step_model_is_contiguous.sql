-- The steps of one RBF year cover attainment from 0 upwards without gap or overlap (each
-- step ends where the next begins, only the top step is open), the payout never falls from
-- one step to the next, and the top step pays the full points (seed 003 table 4).
with

steps as (
    select
        rbf_year,
        attainment_from,
        attainment_to,
        payout_share,
        row_number() over (
            partition by rbf_year order by attainment_from
        ) as step_number,
        count(*) over (partition by rbf_year) as n_steps,
        lead(attainment_from) over (
            partition by rbf_year order by attainment_from
        ) as next_from,
        lead(payout_share) over (
            partition by rbf_year order by attainment_from
        ) as next_payout_share
    from {{ ref('ref_rbf_step_model') }}
)

select
    rbf_year,
    step_number,
    attainment_from,
    attainment_to,
    payout_share
from steps
where
    (step_number = 1 and attainment_from <> 0)
    or (step_number < n_steps and (attainment_to is null or attainment_to <> next_from))
    or (attainment_to is not null and attainment_to <= attainment_from)
    or (step_number = n_steps and (attainment_to is not null or payout_share <> 1))
    or next_payout_share < payout_share
