{#
    Sample membership of the NPR contacts: one row per contact, sample and provider option
    (ref_samples with event_type 'npr_contact'), with the contact's attributes the rate strata
    need. Step 1 (codes, source, care type) comes per code profile from
    int_npr__code_profile_samples; step 2 (age, sex, provider option) is applied here per
    contact, both by the generic mechanism macros/intermediate/sample_membership.sql.
    A view (about three rows per contact): int_sample_stratum_events reads it twice per build
    (additive measures, and patients for the admission samples).
    Person-level.
#}
{%- set carry_columns = [
    'person_id', 'year', 'event_month', 'discharge_date', 'age', 'rhf_code', 'hf_code',
    'hospital_code', 'bed_days',
] %}
with candidates as (
    select
        contacts.contact_id as event_id,
        profile_samples.sample_id,
        contacts.provider_type,
        contacts.sex,
        contacts.age as age_lower,
        contacts.age as age_upper,
        contacts.person_id,
        contacts.year,
        contacts.event_month,
        contacts.discharge_date,
        contacts.age,
        contacts.rhf_code,
        contacts.hf_code,
        contacts.hospital_code,
        contacts.bed_days
    from {{ ref('int_npr__contacts') }} as contacts
    inner join {{ ref('int_npr__code_profiles') }} as profiles
        on {{ npr_code_profile_key('contacts') }} = profiles.code_profile_key
    inner join {{ ref('int_npr__code_profile_samples') }} as profile_samples
        on profiles.code_profile_id = profile_samples.code_profile_id
),

{{ sample_scope_membership('npr_contact', 'candidates', carry_columns + ['sex']) }}

select
    event_id as contact_id,
    sample_id,
    provider_option,
    person_id,
    year,
    event_month,
    discharge_date,
    age,
    sex,
    rhf_code,
    hf_code,
    hospital_code,
    bed_days
from membership
