{#
    Sample membership of the grouped HELFO laboratory codes (int_helfo__lab_code_groups): one
    row per group, sample and provider option (ref_samples with event_type 'helfo_lab_code'),
    by the generic mechanism macros/samples/sample_membership.sql (both steps). Code field `lab_field`:
    the NLK field of expertise, upper case. HELFO laboratory services are outpatient services
    (care type `outpatient`).
#}
with groups as (
    select * from {{ ref('int_helfo__lab_code_groups') }}
),

events as (
    select
        lab_group_id as event_id,
        source,
        'outpatient' as care_type,
        provider_type,
        sex,
        age as age_lower,
        age as age_upper
    from groups
),

event_codes as (
    select
        lab_group_id as event_id,
        source,
        'outpatient' as care_type,
        'lab_field' as code_field,
        lab_field as code
    from groups
    where lab_field is not null
),

{{ sample_code_membership('helfo_lab_code', 'events', 'event_codes') }},

candidates as (
    select
        code_membership.event_id,
        code_membership.sample_id,
        events.provider_type,
        events.sex,
        events.age_lower,
        events.age_upper
    from code_membership
    inner join events
        on code_membership.event_id = events.event_id
),

{{ sample_scope_membership('helfo_lab_code', 'candidates') }}

select
    event_id as lab_group_id,
    sample_id,
    provider_option
from membership
