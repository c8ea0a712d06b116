-- The RBF points must not give away what fct_rbf_indicators hides (docs/methods.md
-- "Suppression", RBF points). fct_rbf_points publishes each RHF's raw_points (and NOK from
-- them), the sum over its indicators' points; minus the points fct_rbf_indicators publishes
-- it is the hidden indicators' points (one hidden: its points; two or more: their sum).
-- With the step model, target, weight and the published denominator (and the RHF's
-- published HF areas as bounds), each hidden RHF row's consistent numerators follow
-- (macros/privacy/rbf_points_findings.sql). A row is a finding when all its consistent
-- numerators (less the published HF areas' numerators), or all its consistent complements,
-- are 1 to var('min_cell_count') - 1, or when no combination of steps adds up.
with published as (
    select
        rbf_year,
        calculation,
        indicator_id,
        data_source,
        data_year,
        period,
        area_level,
        area_code,
        numerator,
        denominator,
        target,
        weight,
        points,
        is_suppressed
    from {{ ref('fct_rbf_indicators') }}
),

raw_points as (
    select
        rbf_year,
        calculation,
        rhf_code,
        raw_points
    from {{ ref('fct_rbf_points') }}
),

{{ rbf_points_bounds('bounds', 'published') }},

{{ rbf_points_findings('findings', 'bounds', 'raw_points') }}

select
    measure,
    rbf_year,
    calculation,
    rhf_code,
    indicator_id,
    data_year,
    period,
    n_hidden,
    lower_bound,
    upper_bound
from findings
