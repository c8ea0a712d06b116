-- The weights of one RBF year share out all points (seed 003 table 2: 24 + 20 + 7 + 7.5 + 3
-- + 4 + 7.5 + 3 + 24 = 100 %), so they sum to 1.
select
    rbf_year,
    sum(weight) as total_weight
from {{ ref('ref_rbf_indicators') }}
group by rbf_year
having abs(sum(weight) - 1) > 0.000001
