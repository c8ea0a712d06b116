{#
    Sample membership of the NPR contact groups (int_npr__contact_groups): one row per group,
    sample and provider option, with the group's stratum, period month, residence, number of
    contacts and bed days; the input of int_sample_stratum_events' additive measures
    (contacts, procedures, bed days). Step 1 comes from the group's sample set (the samples of
    its code profiles, int_npr__code_profile_samples), step 2 (age, sex, provider option) is
    the generic mechanism of macros/samples/sample_membership.sql, as for single
    contacts in int_npr__contact_samples: the two agree contact for contact (a group's
    contacts share every column step 2 reads). A view.
#}
{%- set carry_columns = [
    'year', 'period_month', 'sex', 'age', 'rhf_code', 'hf_code', 'hospital_code', 'n_contacts',
    'bed_days',
] %}
with set_profiles as (
    select
        sample_set_id,
        min(code_profile_id) as code_profile_id
    from {{ ref('int_npr__code_profile_sample_sets') }}
    group by sample_set_id
),

-- the samples of each set: those of any one of its profiles
set_samples as (
    select
        set_profiles.sample_set_id,
        profile_samples.sample_id
    from set_profiles
    inner join {{ ref('int_npr__code_profile_samples') }} as profile_samples
        on set_profiles.code_profile_id = profile_samples.code_profile_id
),

candidates as (
    select
        contact_groups.sample_set_id as event_id,
        set_samples.sample_id,
        contact_groups.provider_type,
        contact_groups.sex,
        contact_groups.age as age_lower,
        contact_groups.age as age_upper,
        contact_groups.year,
        contact_groups.period_month,
        contact_groups.age,
        contact_groups.rhf_code,
        contact_groups.hf_code,
        contact_groups.hospital_code,
        contact_groups.n_contacts,
        contact_groups.bed_days
    from {{ ref('int_npr__contact_groups') }} as contact_groups
    inner join set_samples
        on contact_groups.sample_set_id = set_samples.sample_set_id
),

{{ sample_scope_membership('npr_contact', 'candidates', carry_columns) }}

select
    sample_id,
    provider_option,
    year,
    period_month,
    sex,
    age,
    rhf_code,
    hf_code,
    hospital_code,
    n_contacts,
    bed_days
from membership
