-- Periods are cumulative from January, so in every cell and stratum T1 <= T2 <= year, for
-- every measure (patients too: a person counted by April is counted by August).
with events as (
    select * from {{ ref('int_sample_stratum_events') }}
),

pivoted as (
    select
        sample_id,
        measure,
        provider_option,
        year,
        area_level,
        area_code,
        sex,
        age_group,
        sum(case when period = 'T1' then events else 0 end) as events_t1,
        sum(case when period = 'T2' then events else 0 end) as events_t2,
        sum(case when period = 'year' then events else 0 end) as events_year
    from events
    group by sample_id, measure, provider_option, year, area_level, area_code, sex, age_group
)

select *
from pivoted
-- a tolerance for the sums of NOK in floating point
where events_t1 > events_t2 + 0.001 or events_t2 > events_year + 0.001
