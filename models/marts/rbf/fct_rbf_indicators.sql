{#
    The nine RBF indicators per RBF year, calculation and area (treating HF area and RHF;
    seed 003, SPEC section 10): numerator, denominator, share, target, weight, attainment,
    payout share and points, from int_rbf__indicator_scores, with the indicator's and the
    area's names.

    Suppression (SPEC section 12): an area whose numerator, or whose complement (denominator
    - numerator: the denominator is published, so the numerator would give it away), is 1
    to var('min_cell_count') - 1 has numerator, share, attainment, payout share and points
    null and is_suppressed true; the denominator (like a population) stays. Zero stays zero.
    Complementary suppression (docs/methods.md "Suppression") within each RHF over its HF
    areas, for the numerator and the complement, on top of what fct_nki_indicators hides
    for the NKI indicator. fct_rbf_points is computed from the unsuppressed scores, so the
    money does not depend on what is published here; but its raw_points less the points
    published here is the points of the RHF's hidden rows, and through the step model that
    can pin a count of 1-4: where it does, one or two more NPR indicators of that RHF (RHF
    row and largest HF area) are hidden as complementary (macros/privacy/
    rbf_points_complementary.sql; docs/methods.md "Suppression", RBF points).
#}
{%- set min_count = var('min_cell_count') %}
{#- rounds of the two passes (numerator, complement): the complement's pass can hide a
    cell (or an RHF) that the numerator's relation then needs to protect, so the passes
    repeat; tests/privacy/assert_rbf_indicators_hide_no_small_total.sql checks the result -#}
{%- set rbf_rounds = 2 %}
{%- set keys = ['rbf_year', 'calculation', 'indicator_id', 'data_year', 'period'] %}
with scores as (
    select
        rbf_year,
        calculation,
        indicator_id,
        data_year,
        period,
        area_level,
        area_code,
        numerator,
        denominator,
        weight,
        target,
        share,
        attainment,
        payout_share,
        points,
        denominator - numerator as complement,
        coalesce(numerator > 0 and numerator < {{ min_count }}, false)
        or coalesce(
            denominator - numerator > 0 and denominator - numerator < {{ min_count }}, false
        ) as is_primary
    from {{ ref('int_rbf__indicator_scores') }}
),

-- NKI's published suppression: the NKI indicator's numerators are fct_nki_indicators'
-- sector `all` numerators, so what that mart hides is hidden here too.
nki_suppressed as (
    select
        year,
        area_level,
        area_code,
        is_suppressed
    from {{ ref('fct_nki_indicators') }}
    where sector = 'all'
),

-- Complementary suppression (macros/privacy/complementary_suppression_passes.sql,
-- docs/methods.md "Suppression"): an RHF's numerator is the sum of its HF areas' (+ units without
-- one), and so is its complement. A pass per measure and round, each reading the previous
-- one's hidden cells (a cell hidden for another cell's sake keeps that status: as a total
-- it needs its own protection).
pass_0 as (
    select
        scores.rbf_year,
        scores.calculation,
        scores.indicator_id,
        scores.data_year,
        scores.period,
        scores.area_level,
        scores.area_code,
        parents.parent_area_code as area_parent_code,
        scores.numerator,
        scores.complement,
        scores.is_primary or coalesce(nki_suppressed.is_suppressed, false) as is_suppressed
    from scores
    left join {{ ref('dim_areas') }} as parents
        on
            scores.area_level = parents.area_level
            and scores.area_code = parents.area_code
    left join {{ ref('ref_rbf_indicators') }} as sources
        on
            scores.rbf_year = sources.rbf_year
            and scores.indicator_id = sources.indicator_id
    left join nki_suppressed
        on
            sources.data_source = 'nki'
            and scores.data_year = nki_suppressed.year
            and scores.area_level = nki_suppressed.area_level
            and scores.area_code = nki_suppressed.area_code
),

{{ complementary_suppression_passes(
    'pass', 'pass_0', keys + ['area_level', 'area_code'],
    [{'name': 'HF areas in their RHF', 'hierarchy': [['rhf', 'hf']]}],
    rounds=rbf_rounds, min_count=min_count
) }},

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

area_suppressed as (
    select
        scores.*,
        suppression.is_suppressed
    from scores
    inner join pass as suppression
        on
            scores.rbf_year = suppression.rbf_year
            and scores.calculation = suppression.calculation
            and scores.indicator_id = suppression.indicator_id
            and scores.data_year = suppression.data_year
            and scores.period = suppression.period
            and scores.area_level = suppression.area_level
            and scores.area_code = suppression.area_code
),

-- The mart as published so far, and the raw points fct_rbf_points publishes: their
-- difference gives the hidden RHF rows' points away (docs/methods.md "Suppression", RBF
-- points); macros/privacy/rbf_points_complementary.sql hides one or two more indicators of
-- an RHF where that reveals a count of 1-4.
published_so_far as (
    select
        area_suppressed.rbf_year,
        area_suppressed.calculation,
        area_suppressed.indicator_id,
        indicators.indicator_number,
        indicators.data_source,
        area_suppressed.data_year,
        area_suppressed.period,
        area_suppressed.area_level,
        area_suppressed.area_code,
        area_suppressed.denominator,
        area_suppressed.target,
        area_suppressed.weight,
        area_suppressed.is_suppressed,
        case when not area_suppressed.is_suppressed then area_suppressed.numerator end
            as numerator,
        case when not area_suppressed.is_suppressed then area_suppressed.points end
            as points
    from area_suppressed
    inner join indicators
        on
            area_suppressed.rbf_year = indicators.rbf_year
            and area_suppressed.indicator_id = indicators.indicator_id
),

rhf_raw_points as (
    select
        rbf_year,
        calculation,
        area_code as rhf_code,
        sum(points) as raw_points
    from scores
    where area_level = 'rhf'
    group by rbf_year, calculation, area_code
),

{{ rbf_points_complementary('points_partners', 'published_so_far', 'rhf_raw_points') }},

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
