-- Every RBF year has all its parameters: indicators, codes, step model, distribution keys and
-- budget cover the same years, and the years have no gap (a year the data can feed must not
-- silently score zero points).
with

years as (
    select distinct
        'indicators' as parameter_seed,
        rbf_year
    from {{ ref('ref_rbf_indicators') }}
    union all
    select distinct
        'indicator_codes' as parameter_seed,
        rbf_year
    from {{ ref('ref_rbf_indicator_codes') }}
    union all
    select distinct
        'step_model' as parameter_seed,
        rbf_year
    from {{ ref('ref_rbf_step_model') }}
    union all
    select distinct
        'distribution_keys' as parameter_seed,
        rbf_year
    from {{ ref('ref_rbf_distribution_keys') }}
    union all
    select
        'budget' as parameter_seed,
        rbf_year
    from {{ ref('ref_rbf_budget') }}
),

bounds as (
    select
        min(rbf_year) as first_year,
        max(rbf_year) as last_year
    from years
)

select
    years.parameter_seed,
    count(*) as n_years,
    min(bounds.last_year - bounds.first_year + 1) as n_years_expected
from years
cross join bounds
group by years.parameter_seed
having count(*) <> min(bounds.last_year - bounds.first_year + 1)
