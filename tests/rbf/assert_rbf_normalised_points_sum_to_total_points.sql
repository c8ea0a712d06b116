-- The normalised points of all RHFs of an RBF year and calculation sum to the year's total
-- points (100,000; seed 003 section 4.2), up to the rounding of each to 6 decimals.
-- Calculations where no RHF earned a point have nothing to normalise (null) and are skipped.
select
    points.rbf_year,
    points.calculation,
    sum(points.normalised_points) as normalised_points,
    min(budget.total_points) as total_points
from {{ ref('fct_rbf_points') }} as points
inner join {{ ref('ref_rbf_budget') }} as budget
    on points.rbf_year = budget.rbf_year
group by
    points.rbf_year,
    points.calculation
having
    count(points.normalised_points) > 0
    and (
        count(points.normalised_points) < count(*)
        or abs(sum(points.normalised_points) - min(budget.total_points)) > 0.0001
    )
