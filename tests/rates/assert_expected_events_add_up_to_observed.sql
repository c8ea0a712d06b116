-- The expected counts of int_rate_area_expected spread each stratum's events over the level's
-- areas by population, so per cell they add up to the observed events (sum_i E_i = sum_i O_i,
-- the identity SCV relies on). It fails when a stratum's rate is applied to other areas than
-- those it was computed from, or events are lost between the two sums. A stratum with events
-- but no population would break it; the rate engine reports those (events_without_population).
with cells as (
    select
        sample_id,
        measure,
        provider_option,
        year,
        period,
        area_level,
        sum(observed) as observed,
        sum(expected) as expected
    from {{ ref('int_rate_area_expected') }}
    group by sample_id, measure, provider_option, year, period, area_level
)

select *
from cells
where
    expected is null
    or abs(expected - observed) > 1e-6 * (1 + observed)
