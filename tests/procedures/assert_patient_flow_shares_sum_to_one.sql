-- The five patient-flow shares of every published cell (number > 0, not suppressed) sum to
-- 1 (SPEC section 9: "Shares sum to 100%"), and a cell without a number has no shares.
select
    sample_id,
    year,
    period,
    area_level,
    area_code,
    number,
    share_own_hf + share_contracted_specialist + share_private + share_own_rhf
    + share_other_rhf as share_sum
from {{ ref('fct_patient_flows') }}
where
    (
        number > 0
        and (
            share_own_hf is null
            or abs(
                share_own_hf + share_contracted_specialist + share_private + share_own_rhf
                + share_other_rhf - 1
            ) > 1e-9
        )
    )
    or (coalesce(number, 0) = 0 and share_own_hf is not null)
