-- Complementary suppression in fct_nki_indicators (README "Privacy: suppression"), checked
-- as an outsider would on its two relations: a parent area's numerator (Norway, RHF; the
-- areas of dim_areas) minus those of its published child areas, and sector `all` minus the
-- published sectors of the same area, must be 0 or at least var('min_cell_count'); a total
-- suppressed as complementary must keep a part suppressed. The same for the complement
-- (denominator - numerator, the summaries not sent within 1 day: the denominators are
-- published, so a published numerator gives it): `measure` says which. The unpublished
-- rest (unknown treating HFs in Norway, Sunnaas in its RHF) is never published: nothing
-- is subtracted for it. The check: macros/privacy/subtraction_findings.sql.
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

{{ subtraction_findings('findings', 'published', ['year', 'sector'], [['sector', 'all']]) }}

select
    relation,
    measure,
    year,
    sector,
    area_level,
    area_code,
    n_suppressed,
    suppression_reason,
    unpublished_value
from findings
