-- The five patient-flow shares of every published cell (number > 0, not suppressed) sum to
-- 1 (SPEC section 9: "Shares sum to 100%"), and a cell without a number has no shares. A
-- cell with shares hidden for privacy (share_suppression_reason) hides at least two, and
-- its published ones sum to at most 1.
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
        and share_suppression_reason is null
        and (
            share_own_hf is null
            or abs(
                share_own_hf + share_contracted_specialist + share_private + share_own_rhf
                + share_other_rhf - 1
            ) > 1e-9
        )
    )
    or (coalesce(number, 0) = 0 and share_own_hf is not null)
    or (
        number > 0
        and share_suppression_reason is not null
        and (
            case when share_own_hf is null then 1 else 0 end
            + case when share_contracted_specialist is null then 1 else 0 end
            + case when share_private is null then 1 else 0 end
            + case when share_own_rhf is null then 1 else 0 end
            + case when share_other_rhf is null then 1 else 0 end < 2
            or coalesce(share_own_hf, 0) + coalesce(share_contracted_specialist, 0)
            + coalesce(share_private, 0) + coalesce(share_own_rhf, 0)
            + coalesce(share_other_rhf, 0) > 1 + 1e-9
        )
    )
