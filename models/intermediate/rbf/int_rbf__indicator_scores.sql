{#
    The score of every RBF indicator per area, RBF year and calculation (seed 003 chapter 4;
    SPEC section 10), from int_rbf__indicator_areas and the parameters of the RBF year:
    - share = numerator / denominator (a fraction; null when the denominator is 0);
    - attainment = share rounded to rbf_share_decimals() (0.01 percentage points, the
      precision of seed 003 table 4), divided by the indicator's target (ref_rbf_indicators),
      rounded to rbf_attainment_decimals() against floating-point noise;
    - the step of ref_rbf_step_model with attainment_from <= attainment < attainment_to (the
      top step open): payout_multiple (0, 1, 2, 4, 5 = x of table 4) and payout_share (0,
      0.2, 0.4, 0.8, 1 of full points). For a 15 % target: below 3 % 0; 3 % x; 6 % 2x;
      9 % 4x; 12 % and above 5x. No share (no activity) pays 0;
    - full_points = total points of the year (ref_rbf_budget, 100,000) x weight;
      points = full_points x payout_share, rounded to rbf_points_decimals().
#}
with areas as (
    select
        rbf_year,
        calculation,
        indicator_id,
        data_year,
        period,
        area_level,
        area_code,
        numerator,
        denominator
    from {{ ref('int_rbf__indicator_areas') }}
),

indicators as (
    select
        rbf_year,
        indicator_id,
        weight,
        target
    from {{ ref('ref_rbf_indicators') }}
),

budget as (
    select
        rbf_year,
        total_points
    from {{ ref('ref_rbf_budget') }}
),

steps as (
    select
        rbf_year,
        attainment_from,
        attainment_to,
        payout_multiple,
        payout_share
    from {{ ref('ref_rbf_step_model') }}
),

shares as (
    select
        areas.rbf_year,
        areas.calculation,
        areas.indicator_id,
        areas.data_year,
        areas.period,
        areas.area_level,
        areas.area_code,
        areas.numerator,
        areas.denominator,
        indicators.weight,
        indicators.target,
        budget.total_points,
        case
            when areas.denominator > 0
                then
                    cast(areas.numerator as {{ type_double() }})
                    / cast(areas.denominator as {{ type_double() }})
        end as share  -- noqa: RF04
    from areas
    inner join indicators
        on
            areas.rbf_year = indicators.rbf_year
            and areas.indicator_id = indicators.indicator_id
    inner join budget
        on areas.rbf_year = budget.rbf_year
),

attained as (
    select
        *,
        {{ round_to(
            round_to('share', rbf_share_decimals()) ~ ' / target',
            rbf_attainment_decimals()
        ) }} as attainment
    from shares
)

select
    attained.rbf_year,
    attained.calculation,
    attained.indicator_id,
    attained.data_year,
    attained.period,
    attained.area_level,
    attained.area_code,
    attained.numerator,
    attained.denominator,
    attained.weight,
    attained.target,
    {{ round_to('attained.share', 10) }} as share,  -- noqa: RF04
    attained.attainment,
    coalesce(steps.payout_multiple, 0) as payout_multiple,
    coalesce(steps.payout_share, 0) as payout_share,
    {{ round_to('attained.total_points * attained.weight', rbf_points_decimals()) }}
        as full_points,
    {{ round_to(
        'attained.total_points * attained.weight * coalesce(steps.payout_share, 0)',
        rbf_points_decimals()
    ) }} as points
from attained
left join steps
    on
        attained.rbf_year = steps.rbf_year
        and attained.attainment >= steps.attainment_from
        and (attained.attainment < steps.attainment_to or steps.attainment_to is null)
