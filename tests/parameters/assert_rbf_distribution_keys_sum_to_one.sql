-- Every RBF year has a distribution key for each of the four RHFs, and the keys sum to 1
-- (seed 003 table 7: 0.1423 + 0.1229 + 0.5431 + 0.1917).
select
    rbf_year,
    count(*) as n_rhfs,
    sum(distribution_key) as total_key
from {{ ref('ref_rbf_distribution_keys') }}
group by rbf_year
having count(*) <> 4 or abs(sum(distribution_key) - 1) > 0.000001
