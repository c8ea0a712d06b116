-- The code rows belong to an indicator of the same RBF year; every NPR indicator has at
-- least one numerator code, and the NKI indicator (delivered as counts) has none.
with

indicators as (
    select
        rbf_year,
        indicator_id,
        data_source
    from {{ ref('ref_rbf_indicators') }}
),

codes as (
    select
        rbf_year,
        indicator_id,
        count(*) as n_codes,
        sum(case when applies_to = 'numerator' then 1 else 0 end) as n_numerator_codes
    from {{ ref('ref_rbf_indicator_codes') }}
    group by rbf_year, indicator_id
)

select
    indicators.data_source,
    codes.n_numerator_codes,
    codes.n_codes,
    coalesce(indicators.rbf_year, codes.rbf_year) as rbf_year,
    coalesce(indicators.indicator_id, codes.indicator_id) as indicator_id
from indicators
full outer join codes
    on
        indicators.rbf_year = codes.rbf_year
        and indicators.indicator_id = codes.indicator_id
where
    indicators.indicator_id is null
    or (indicators.data_source = 'npr' and coalesce(codes.n_numerator_codes, 0) = 0)
    or (indicators.data_source = 'nki' and codes.n_codes > 0)
