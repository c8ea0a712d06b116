-- Shares are fractions: numerator <= denominator, share and payout share within [0, 1],
-- attainment >= 0, and points within [0, full points], in the unsuppressed scores and in
-- the published mart.
select
    'int_rbf__indicator_scores' as relation,
    rbf_year,
    calculation,
    indicator_id,
    area_level,
    area_code
from {{ ref('int_rbf__indicator_scores') }}
where
    numerator < 0
    or numerator > denominator
    or share < 0
    or share > 1
    or attainment < 0
    or payout_share < 0
    or payout_share > 1
    or points < 0
    or points > full_points
union all
select
    'fct_rbf_indicators' as relation,
    rbf_year,
    calculation,
    indicator_id,
    area_level,
    area_code
from {{ ref('fct_rbf_indicators') }}
where
    numerator > denominator
    or share < 0
    or share > 1
    or payout_share < 0
    or payout_share > 1
    or points < 0
    or points > 100000 * weight
