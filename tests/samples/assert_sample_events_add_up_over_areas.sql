-- For the additive measures (every measure but patients) an RHF area's events are the sum of
-- its HF areas' events, an HF area's at least the sum of its hospital areas' (equal where the
-- mapping gives every residence a hospital area), and Norway's at least the RHFs' (Norway
-- also holds unknown residence), per sample, measure, option, year and stratum, in every
-- period (the columns events_t1 ..: each pair of parent and child sums per period).
with events as (
    select * from {{ ref('int_sample_stratum_events') }}
    where measure <> 'patients'
),

hierarchy as (
    select distinct
        rhf_code,
        hf_code,
        hospital_code
    from {{ ref('int_residence_areas') }}
),

hf_parents as (
    select distinct
        rhf_code,
        hf_code
    from hierarchy
),

hospital_parents as (
    select distinct
        hf_code,
        hospital_code
    from hierarchy
    where hospital_code is not null
),

cell_events as (
    select
        events.sample_id,
        events.measure,
        events.provider_option,
        events.year,
        events.sex,
        events.age_group,
        events.area_level,
        events.events_t1,
        events.events_t2,
        events.events_year,
        case events.area_level
            when 'rhf' then events.area_code
            when 'hf' then hf_parents.rhf_code
        end as rhf_code,
        case events.area_level
            when 'hf' then events.area_code
            when 'hospital' then hospital_parents.hf_code
        end as hf_code
    from events
    left join hf_parents
        on events.area_level = 'hf' and events.area_code = hf_parents.hf_code
    left join hospital_parents
        on events.area_level = 'hospital' and events.area_code = hospital_parents.hospital_code
),

rhf_check as (
    select
        sample_id,
        measure,
        provider_option,
        year,
        sex,
        age_group,
        rhf_code as area_code,
        'rhf = sum of hf' as rule_name,
        sum(case when area_level = 'rhf' then events_t1 else 0 end) as parent_t1,
        sum(case when area_level = 'hf' then events_t1 else 0 end) as child_t1,
        sum(case when area_level = 'rhf' then events_t2 else 0 end) as parent_t2,
        sum(case when area_level = 'hf' then events_t2 else 0 end) as child_t2,
        sum(case when area_level = 'rhf' then events_year else 0 end) as parent_year,
        sum(case when area_level = 'hf' then events_year else 0 end) as child_year
    from cell_events
    where area_level in ('rhf', 'hf')
    group by sample_id, measure, provider_option, year, sex, age_group, rhf_code
),

hf_check as (
    select
        sample_id,
        measure,
        provider_option,
        year,
        sex,
        age_group,
        hf_code as area_code,
        'hf >= sum of hospital' as rule_name,
        sum(case when area_level = 'hf' then events_t1 else 0 end) as parent_t1,
        sum(case when area_level = 'hospital' then events_t1 else 0 end) as child_t1,
        sum(case when area_level = 'hf' then events_t2 else 0 end) as parent_t2,
        sum(case when area_level = 'hospital' then events_t2 else 0 end) as child_t2,
        sum(case when area_level = 'hf' then events_year else 0 end) as parent_year,
        sum(case when area_level = 'hospital' then events_year else 0 end) as child_year
    from cell_events
    where area_level in ('hf', 'hospital')
    group by sample_id, measure, provider_option, year, sex, age_group, hf_code
),

norway_check as (
    select
        sample_id,
        measure,
        provider_option,
        year,
        sex,
        age_group,
        'norway' as area_code,
        'norway >= sum of rhf' as rule_name,
        sum(case when area_level = 'norway' then events_t1 else 0 end) as parent_t1,
        sum(case when area_level = 'rhf' then events_t1 else 0 end) as child_t1,
        sum(case when area_level = 'norway' then events_t2 else 0 end) as parent_t2,
        sum(case when area_level = 'rhf' then events_t2 else 0 end) as child_t2,
        sum(case when area_level = 'norway' then events_year else 0 end) as parent_year,
        sum(case when area_level = 'rhf' then events_year else 0 end) as child_year
    from cell_events
    where area_level in ('norway', 'rhf')
    group by sample_id, measure, provider_option, year, sex, age_group
)

select * from rhf_check
where
    abs(parent_t1 - child_t1) > 0.001
    or abs(parent_t2 - child_t2) > 0.001
    or abs(parent_year - child_year) > 0.001
union all
select * from hf_check
where
    child_t1 > parent_t1 + 0.001
    or child_t2 > parent_t2 + 0.001
    or child_year > parent_year + 0.001
union all
select * from norway_check
where
    child_t1 > parent_t1 + 0.001
    or child_t2 > parent_t2 + 0.001
    or child_year > parent_year + 0.001
