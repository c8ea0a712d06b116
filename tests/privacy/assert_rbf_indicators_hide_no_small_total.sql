-- Complementary suppression in fct_rbf_indicators (README "Privacy: suppression"), checked
-- as an outsider would: an RHF's numerator minus those of its published HF areas (the
-- areas of dim_areas; units without an HF area are never published) must be 0 or at
-- least var('min_cell_count'), and an RHF suppressed as complementary must keep an HF area
-- suppressed. The same for the complement (denominator - numerator: the denominators are
-- published, so a published numerator gives it): `measure` says which. And the NKI
-- indicator must not publish a numerator that fct_nki_indicators (sector `all`, same year
-- and area) hides.
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

indicators as (
    select
        'numerator' as measure,
        rbf_year,
        calculation,
        indicator_id,
        data_source,
        data_year,
        period,
        area_level,
        area_code,
        numerator as cell_count,
        is_suppressed,
        suppression_reason
    from published
    union all
    select
        'complement' as measure,
        rbf_year,
        calculation,
        indicator_id,
        data_source,
        data_year,
        period,
        area_level,
        area_code,
        denominator - numerator as cell_count,
        is_suppressed,
        suppression_reason
    from published
),

areas as (
    select
        area_level,
        area_code,
        parent_area_code
    from {{ ref('dim_areas') }}
),

children as (
    select
        indicators.measure,
        indicators.rbf_year,
        indicators.calculation,
        indicators.indicator_id,
        indicators.data_year,
        indicators.period,
        areas.parent_area_code,
        sum(case when not indicators.is_suppressed then indicators.cell_count else 0 end)
            as published_count,
        sum(case when indicators.is_suppressed then 1 else 0 end) as n_suppressed
    from indicators
    inner join areas
        on
            indicators.area_level = areas.area_level
            and indicators.area_code = areas.area_code
    where indicators.area_level = 'hf'
    group by
        indicators.measure,
        indicators.rbf_year,
        indicators.calculation,
        indicators.indicator_id,
        indicators.data_year,
        indicators.period,
        areas.parent_area_code
),

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
    parents.measure,
    parents.rbf_year,
    parents.calculation,
    parents.indicator_id,
    parents.data_year,
    parents.period,
    parents.area_code
from indicators as parents
inner join children
    on
        parents.measure = children.measure
        and parents.rbf_year = children.rbf_year
        and parents.calculation = children.calculation
        and parents.indicator_id = children.indicator_id
        and parents.data_year = children.data_year
        and parents.period = children.period
        and parents.area_code = children.parent_area_code
where
    parents.area_level = 'rhf'
    and (
        (
            not parents.is_suppressed
            and parents.cell_count - children.published_count > 0
            and parents.cell_count - children.published_count
            < {{ var('min_cell_count') }}
        )
        or (parents.suppression_reason = 'complementary' and children.n_suppressed = 0)
    )
union all
select
    'published here, hidden in fct_nki_indicators' as check_name,
    indicators.measure,
    indicators.rbf_year,
    indicators.calculation,
    indicators.indicator_id,
    indicators.data_year,
    indicators.period,
    indicators.area_code
from indicators
inner join nki
    on
        indicators.measure = 'numerator'
        and indicators.data_year = nki.year
        and indicators.area_level = nki.area_level
        and indicators.area_code = nki.area_code
where
    indicators.data_source = 'nki'
    and nki.is_suppressed
    and not indicators.is_suppressed
