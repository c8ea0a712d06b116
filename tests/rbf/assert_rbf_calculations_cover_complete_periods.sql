-- Every calculable RBF calculation (int_rbf__calculation_periods: all its indicators'
-- periods complete) is in the marts with every RHF and, per RHF, every indicator of the
-- year; no other calculation is.
with calculable as (
    select
        rbf_year,
        calculation,
        count(*) as n_indicators
    from {{ ref('int_rbf__calculation_periods') }}
    where is_calculable
    group by
        rbf_year,
        calculation
),

rhfs as (
    select
        rbf_year,
        count(*) as n_rhfs
    from {{ ref('ref_rbf_distribution_keys') }}
    group by rbf_year
),

points as (
    select
        rbf_year,
        calculation,
        count(*) as n_rows
    from {{ ref('fct_rbf_points') }}
    group by
        rbf_year,
        calculation
),

indicator_rows as (
    select
        rbf_year,
        calculation,
        count(*) as n_rows
    from {{ ref('fct_rbf_indicators') }}
    where area_level = 'rhf'
    group by
        rbf_year,
        calculation
),

expected as (
    select
        calculable.rbf_year,
        calculable.calculation,
        rhfs.n_rhfs,
        calculable.n_indicators * rhfs.n_rhfs as n_indicator_rows
    from calculable
    inner join rhfs
        on calculable.rbf_year = rhfs.rbf_year
)

select
    expected.n_rhfs,
    points.n_rows as n_points_rows,
    expected.n_indicator_rows,
    indicator_rows.n_rows as n_indicator_rows_found,
    coalesce(expected.rbf_year, points.rbf_year, indicator_rows.rbf_year) as rbf_year,
    coalesce(expected.calculation, points.calculation, indicator_rows.calculation) as calculation
from expected
full outer join points
    on
        expected.rbf_year = points.rbf_year
        and expected.calculation = points.calculation
full outer join indicator_rows
    on
        coalesce(expected.rbf_year, points.rbf_year) = indicator_rows.rbf_year
        and coalesce(expected.calculation, points.calculation) = indicator_rows.calculation
where
    expected.rbf_year is null
    or points.rbf_year is null
    or indicator_rows.rbf_year is null
    or points.n_rows <> expected.n_rhfs
    or indicator_rows.n_rows <> expected.n_indicator_rows
