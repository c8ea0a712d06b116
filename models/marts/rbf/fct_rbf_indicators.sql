{#
    The nine RBF indicators per RBF year, calculation and area (treating HF area and RHF;
    seed 003, SPEC section 10): numerator, denominator, share, target, weight, attainment,
    payout share and points, from int_rbf__indicator_scores, with the indicator's and the
    area's names.

    Suppression (SPEC section 12): the areas' primary and complementary suppression come
    from int_rbf__indicators_area_suppressed: a hidden row has numerator, share,
    attainment, payout share and points null and is_suppressed true; the denominator (like
    a population) stays. Zero stays zero. fct_rbf_points is computed from the unsuppressed
    scores, so the money does not depend on what is published here; but its raw_points less
    the points published here is the points of the RHF's hidden rows, and through the step
    model that can pin a count of 1-4: where it does, one or two more NPR indicators of that
    RHF (RHF row and largest HF area) are hidden as complementary (macros/privacy/
    rbf_points_complementary.sql; docs/methods.md "Suppression", RBF points).
#}
with area_suppressed as (
    select *
    from {{ ref('int_rbf__indicators_area_suppressed') }}
),

indicators as (
    select
        rbf_year,
        indicator_id,
        indicator_number,
        name_nb,
        name_en,
        data_source,
        is_assumed
    from {{ ref('ref_rbf_indicators') }}
),

-- The raw points fct_rbf_points publishes: less the points published here, they give the
-- hidden RHF rows' points away (docs/methods.md "Suppression", RBF points);
-- macros/privacy/rbf_points_complementary.sql hides one or two more indicators of an RHF
-- where that reveals a count of 1-4, trying the scenarios of int_rbf__points_scenarios.
rhf_raw_points as (
    select
        rbf_year,
        calculation,
        area_code as rhf_code,
        sum(points) as raw_points
    from area_suppressed
    where area_level = 'rhf'
    group by rbf_year, calculation, area_code
),

{{ rbf_points_complementary(
    'points_partners', ref('int_rbf__points_scenarios'), 'rhf_raw_points'
) }},

suppressed_scores as (
    select
        area_suppressed.*,
        case
            when area_suppressed.is_primary then 'primary'
            when area_suppressed.is_suppressed or partners.area_code is not null
                then 'complementary'
        end as suppression_reason,
        area_suppressed.is_suppressed or partners.area_code is not null as is_hidden
    from area_suppressed
    left join points_partners as partners
        on
            area_suppressed.rbf_year = partners.rbf_year
            and area_suppressed.calculation = partners.calculation
            and area_suppressed.indicator_id = partners.indicator_id
            and area_suppressed.area_level = partners.area_level
            and area_suppressed.area_code = partners.area_code
),

areas as (
    select
        area_level,
        area_code,
        area_name
    from {{ ref('dim_areas') }}
)

select
    scores.rbf_year,
    scores.calculation,
    scores.indicator_id,
    indicators.indicator_number,
    indicators.name_nb as indicator_name_nb,
    indicators.name_en as indicator_name_en,
    indicators.data_source,
    scores.data_year,
    scores.period,
    scores.area_level,
    scores.area_code,
    areas.area_name,
    scores.denominator,
    scores.target,
    scores.weight,
    scores.is_hidden as is_suppressed,
    scores.suppression_reason,
    indicators.is_assumed,
    case when not scores.is_hidden then scores.numerator end as numerator,
    case when not scores.is_hidden then scores.share end as share,  -- noqa: RF04
    case when not scores.is_hidden then scores.attainment end as attainment,
    case when not scores.is_hidden then scores.payout_share end as payout_share,
    case when not scores.is_hidden then scores.points end as points
from suppressed_scores as scores
inner join indicators
    on
        scores.rbf_year = indicators.rbf_year
        and scores.indicator_id = indicators.indicator_id
left join areas
    on
        scores.area_level = areas.area_level
        and scores.area_code = areas.area_code
