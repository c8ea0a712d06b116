{#
    The scenarios of the RBF points' complementary suppression (macros/privacy/
    rbf_points_scenarios.sql; docs/methods.md "Suppression", RBF points): for each RHF, RBF
    year and calculation with a hidden RHF row in int_rbf__indicators_area_suppressed, every
    RHF row as it would be published with nothing more hidden (scenario `none`) or with one
    or two partner indicators hidden, with the bounds an outsider reads from the published
    HF areas. fct_rbf_indicators searches them all at once. A table, so that the search
    reads rows, not this model's joins again for every combination it tries.
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
        data_source
    from {{ ref('ref_rbf_indicators') }}
),

-- the mart as it would be published after the areas' suppression
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

{{ rbf_points_scenarios('scenarios', 'published_so_far') }}

select *
from scenarios
