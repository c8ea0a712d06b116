-- The NKI figures add up (denominators, which are never suppressed):
-- 1. sector `all` = the sum of the delivered sectors, per year and area;
-- 2. the RHFs together hold at most Norway (Norway also counts unknown treating HFs), and
--    an RHF at least its HF areas;
-- 3. the RBF indicator 9 of an RHF is the NKI `all` figure of its data year.
with nki as (
    select * from {{ ref('fct_nki_indicators') }}
),

sector_sums as (
    select
        year,
        area_level,
        area_code,
        sum(case when sector <> 'all' then denominator else 0 end) as sectors_denominator,
        sum(case when sector = 'all' then denominator else 0 end) as all_denominator
    from nki
    group by
        year,
        area_level,
        area_code
),

level_sums as (
    select
        year,
        sector,
        sum(case when area_level = 'norway' then denominator else 0 end) as norway_denominator,
        sum(case when area_level = 'rhf' then denominator else 0 end) as rhf_denominator,
        sum(case when area_level = 'hf' then denominator else 0 end) as hf_denominator
    from nki
    group by
        year,
        sector
),

rbf as (
    select
        data_year,
        area_code,
        denominator
    from {{ ref('fct_rbf_indicators') }}
    where indicator_id = 'discharge_summary_within_1_day' and area_level = 'rhf'
)

select
    'sector all vs sectors' as check_name,
    year,
    area_code
from sector_sums
where sectors_denominator <> all_denominator
union all
select
    'levels' as check_name,
    year,
    sector as area_code
from level_sums
where rhf_denominator > norway_denominator or hf_denominator > rhf_denominator
union all
select
    'rbf vs nki' as check_name,
    rbf.data_year as year,
    rbf.area_code
from rbf
left join nki
    on
        rbf.data_year = nki.year
        and rbf.area_code = nki.area_code
        and nki.area_level = 'rhf'
        and nki.sector = 'all'
where rbf.denominator <> coalesce(nki.denominator, 0)
