-- Complementary suppression in fct_nki_indicators (README "Privacy: suppression"), checked
-- as an outsider would on its two relations: a parent area's numerator (Norway, RHF; the
-- areas of dim_areas) minus those of its published child areas, and sector `all` minus the
-- published sectors of the same area, must be 0 or at least var('min_cell_count'); a total
-- suppressed as complementary must keep a part suppressed. The same for the complement
-- (denominator - numerator, the summaries not sent within 1 day: the denominators are
-- published, so a published numerator gives it): `measure` says which. The unpublished
-- rest (unknown treating HFs in Norway, Sunnaas in its RHF) is never published: nothing
-- is subtracted for it.
with published as (
    select
        year,
        sector,
        area_level,
        area_code,
        numerator,
        denominator,
        is_suppressed,
        suppression_reason
    from {{ ref('fct_nki_indicators') }}
),

indicators as (
    select
        'numerator' as measure,
        year,
        sector,
        area_level,
        area_code,
        numerator as cell_count,
        is_suppressed,
        suppression_reason
    from published
    union all
    select
        'complement' as measure,
        year,
        sector,
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
        parent_area_level,
        parent_area_code
    from {{ ref('dim_areas') }}
),

relations as (
    select
        'area' as relation,
        indicators.measure,
        indicators.year,
        indicators.sector as whole_sector,
        areas.parent_area_level as whole_level,
        areas.parent_area_code as whole_code,
        case when not indicators.is_suppressed then indicators.cell_count else 0 end
            as published_value,
        case when indicators.is_suppressed then 1 else 0 end as is_hidden
    from indicators
    inner join areas
        on
            indicators.area_level = areas.area_level
            and indicators.area_code = areas.area_code
    union all
    select
        'sector' as relation,
        measure,
        year,
        'all' as whole_sector,
        area_level as whole_level,
        area_code as whole_code,
        case when not is_suppressed then cell_count else 0 end as published_value,
        case when is_suppressed then 1 else 0 end as is_hidden
    from indicators
    where sector <> 'all'
),

parts as (
    select
        relation,
        measure,
        year,
        whole_sector,
        whole_level,
        whole_code,
        sum(published_value) as published_value,
        sum(is_hidden) as n_suppressed
    from relations
    group by relation, measure, year, whole_sector, whole_level, whole_code
)

select
    parts.relation,
    parts.measure,
    wholes.year,
    wholes.sector,
    wholes.area_level,
    wholes.area_code,
    parts.n_suppressed,
    wholes.suppression_reason,
    wholes.cell_count - parts.published_value as unpublished_value
from indicators as wholes
inner join parts
    on
        wholes.measure = parts.measure
        and wholes.year = parts.year
        and wholes.sector = parts.whole_sector
        and wholes.area_level = parts.whole_level
        and wholes.area_code = parts.whole_code
where
    (
        not wholes.is_suppressed
        and wholes.cell_count - parts.published_value > 0
        and wholes.cell_count - parts.published_value < {{ var('min_cell_count') }}
    )
    or (wholes.suppression_reason = 'complementary' and parts.n_suppressed = 0)
