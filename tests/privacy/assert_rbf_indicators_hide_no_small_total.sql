-- Complementary suppression in fct_rbf_indicators (README "Privacy: suppression"), checked
-- as an outsider would: an RHF's numerator minus those of its published HF areas (the
-- areas of dim_areas; units without an HF area are never published) must be 0 or at
-- least var('min_cell_count'), and an RHF suppressed as complementary must keep an HF area
-- suppressed. The same for the complement (denominator - numerator: the denominators are
-- published, so a published numerator gives it): `measure` says which. And the NKI
-- indicator must not publish a numerator that fct_nki_indicators (sector `all`, same year
-- and area) hides. The subtraction: macros/privacy/subtraction_findings.sql (its `area`
-- relation; the RBF marts publish HF areas and RHFs, so the wholes are the RHFs).
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
        is_suppressed,
        suppression_reason
    from {{ ref('fct_rbf_indicators') }}
),

{{ subtraction_findings(
    'findings', 'published',
    ['rbf_year', 'calculation', 'indicator_id', 'data_year', 'period']
) }},

nki as (
    select
        year,
        area_level,
        area_code,
        is_suppressed
    from {{ ref('fct_nki_indicators') }}
    where sector = 'all'
)

select
    'rhf vs hf areas' as check_name,
    measure,
    rbf_year,
    calculation,
    indicator_id,
    data_year,
    period,
    area_code
from findings
union all
select
    'published here, hidden in fct_nki_indicators' as check_name,
    'numerator' as measure,
    published.rbf_year,
    published.calculation,
    published.indicator_id,
    published.data_year,
    published.period,
    published.area_code
from published
inner join nki
    on
        published.data_year = nki.year
        and published.area_level = nki.area_level
        and published.area_code = nki.area_code
where
    published.data_source = 'nki'
    and nki.is_suppressed
    and not published.is_suppressed
