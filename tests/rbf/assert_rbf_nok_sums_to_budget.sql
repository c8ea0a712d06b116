-- The NOK of all RHFs of an RBF year and calculation sum exactly to the year's budget
-- (ref_rbf_budget.budget_nok; whole kroner by largest remainder), and every RHF of the
-- distribution keys has a row. Calculations where no RHF earned a point (NOK null) are
-- skipped.
with rhfs as (
    select
        rbf_year,
        count(*) as n_rhfs
    from {{ ref('ref_rbf_distribution_keys') }}
    group by rbf_year
),

sums as (
    select
        rbf_year,
        calculation,
        sum(nok) as nok,
        count(nok) as n_with_nok,
        count(*) as n_rows
    from {{ ref('fct_rbf_points') }}
    group by
        rbf_year,
        calculation
)

select
    sums.rbf_year,
    sums.calculation,
    sums.nok,
    budget.budget_nok,
    sums.n_rows,
    rhfs.n_rhfs
from sums
inner join {{ ref('ref_rbf_budget') }} as budget
    on sums.rbf_year = budget.rbf_year
inner join rhfs
    on sums.rbf_year = rhfs.rbf_year
where
    sums.n_with_nok > 0
    and (
        sums.n_with_nok < sums.n_rows
        or sums.nok <> budget.budget_nok
        or sums.n_rows <> rhfs.n_rhfs
    )
