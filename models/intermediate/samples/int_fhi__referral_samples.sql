{#
    Sample membership of FHI's waiting-list rows: one row per row of int_fhi__referrals and
    referral sample (ref_samples with event_type 'fhi_waiting_list'), by the generic mechanism
    macros/samples/sample_membership.sql. Code field `specialty_or_sector`: the somatic
    specialty code or the sector VOP / PHBU / TSB. Age scope by age group: a sample for ages
    0-19 takes the groups 0-9 and 10-19.
#}
with events as (
    select
        referral_row_id as event_id,
        source,
        'outpatient' as care_type,
        cast(null as {{ dbt.type_string() }}) as provider_type,
        cast(null as {{ dbt.type_string() }}) as sex,
        age_lower,
        age_upper
    from {{ ref('int_fhi__referrals') }}
),

event_codes as (
    select
        referral_row_id as event_id,
        source,
        'outpatient' as care_type,
        'specialty_or_sector' as code_field,
        specialty_or_sector_code as code
    from {{ ref('int_fhi__referrals') }}
),

{{ sample_code_membership('fhi_waiting_list', 'events', 'event_codes') }},

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

{{ sample_scope_membership('fhi_waiting_list', 'candidates') }}

select
    event_id as referral_row_id,
    sample_id,
    provider_option
from membership
