-- Periods are cumulative from January, so on every row (cell and stratum) T1 <= T2 <= year,
-- for every measure (patients too: a person counted by April is counted by August). A
-- tolerance for the sums of NOK in floating point.
select
    sample_id,
    measure,
    provider_option,
    year,
    area_level,
    area_code,
    sex,
    age_group,
    events_t1,
    events_t2,
    events_year
from {{ ref('int_sample_stratum_events') }}
where events_t1 > events_t2 + 0.001 or events_t2 > events_year + 0.001
