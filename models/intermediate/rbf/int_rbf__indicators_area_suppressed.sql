{#
    The RBF indicator scores (int_rbf__indicator_scores) with the suppression of their areas
    (SPEC section 12; docs/methods.md "Suppression"), before fct_rbf_indicators adds what the
    RBF points give away: is_primary when the numerator or the complement (denominator -
    numerator) is 1 to var('min_cell_count') - 1; is_suppressed adds complementary suppression
    within each RHF over its HF areas, for the numerator and the complement, and what
    fct_nki_indicators hides for the NKI indicator. A table of its own so that the points
    search of fct_rbf_indicators reads rows, not this chain of passes again for every
    combination it tries.
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

-- NKI's published suppression: the NKI indicator's numerators are int_nki__indicators'
-- sector `all` numerators (published as fct_nki_indicators), so what NKI hides is hidden
-- here too.
nki_suppressed as (
    select
        year,
        area_level,
        area_code,
        is_suppressed
    from {{ ref('int_nki__indicators') }}
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
) }}

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
