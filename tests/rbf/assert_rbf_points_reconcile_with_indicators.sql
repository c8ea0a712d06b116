-- Every figure reconciles along the chain units -> areas -> scores -> points:
-- 1. an RHF's numerator and denominator are the sums over its treating units;
-- 2. an HF area's are the sums over the treating units in it;
-- 3. fct_rbf_points.raw_points is the sum of the RHF's indicator points;
-- 4. fct_rbf_indicators publishes the scores unchanged where not suppressed.
with units as (
    select
        rbf_year,
        calculation,
        indicator_id,
        treating_rhf_code,
        hf_area_code,
        numerator,
        denominator
    from {{ ref('int_rbf__indicator_units') }}
),

scores as (
    select * from {{ ref('int_rbf__indicator_scores') }}
),

unit_sums as (
    select
        rbf_year,
        calculation,
        indicator_id,
        'rhf' as area_level,
        treating_rhf_code as area_code,
        sum(numerator) as numerator,
        sum(denominator) as denominator
    from units
    group by
        rbf_year,
        calculation,
        indicator_id,
        treating_rhf_code
    union all
    select
        rbf_year,
        calculation,
        indicator_id,
        'hf' as area_level,
        hf_area_code as area_code,
        sum(numerator) as numerator,
        sum(denominator) as denominator
    from units
    where hf_area_code is not null
    group by
        rbf_year,
        calculation,
        indicator_id,
        hf_area_code
),

area_mismatches as (
    select
        'areas vs units' as check_name,
        scores.rbf_year,
        scores.calculation,
        scores.area_code
    from scores
    left join unit_sums
        on
            scores.rbf_year = unit_sums.rbf_year
            and scores.calculation = unit_sums.calculation
            and scores.indicator_id = unit_sums.indicator_id
            and scores.area_level = unit_sums.area_level
            and scores.area_code = unit_sums.area_code
    where
        scores.numerator <> coalesce(unit_sums.numerator, 0)
        or scores.denominator <> coalesce(unit_sums.denominator, 0)
),

rhf_points as (
    select
        rbf_year,
        calculation,
        area_code as rhf_code,
        sum(points) as points
    from scores
    where area_level = 'rhf'
    group by
        rbf_year,
        calculation,
        area_code
),

points_mismatches as (
    select
        'raw points vs indicator points' as check_name,
        points.rbf_year,
        points.calculation,
        points.rhf_code as area_code
    from {{ ref('fct_rbf_points') }} as points
    left join rhf_points
        on
            points.rbf_year = rhf_points.rbf_year
            and points.calculation = rhf_points.calculation
            and points.rhf_code = rhf_points.rhf_code
    where abs(points.raw_points - coalesce(rhf_points.points, 0)) > 0.000001
),

published_mismatches as (
    select
        'published vs scores' as check_name,
        scores.rbf_year,
        scores.calculation,
        scores.area_code
    from scores
    left join {{ ref('fct_rbf_indicators') }} as published
        on
            scores.rbf_year = published.rbf_year
            and scores.calculation = published.calculation
            and scores.indicator_id = published.indicator_id
            and scores.area_level = published.area_level
            and scores.area_code = published.area_code
    where
        published.rbf_year is null
        or (
            not published.is_suppressed
            and (
                published.numerator <> scores.numerator
                or published.points <> scores.points
                or published.payout_share <> scores.payout_share
            )
        )
)

select * from area_mismatches
union all
select * from points_mismatches
union all
select * from published_mismatches
