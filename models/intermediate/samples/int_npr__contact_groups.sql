{#
    The NPR contacts that belong to a sample, grouped by everything the additive measures of
    int_sample_stratum_events use: the sample set of their code profile
    (int_npr__code_profile_sample_sets), provider type, sex, age, year, period month (the
    last month of the first rate period that holds the contact's month: 4, 8 or 12; the
    periods run from January, so this is all a period sum needs) and residence at three
    levels, with the number of contacts and their bed days. Contacts of
    one group are in the same samples and provider options (step 1 depends on the profile's
    set, step 2 on age, sex and provider type) and add to the same strata and areas, so the
    membership (int_npr__contact_group_samples) multiplies groups, not contacts: 33 million
    groups for 112 million contacts at national volume. No person id: the patients measure
    reads int_npr__patient_contact_samples. A table (read by the membership view and its
    tests).
#}
{%- set group_columns = [
    'profile_sets.sample_set_id', 'contacts.provider_type', 'contacts.sex', 'contacts.age',
    'contacts.year', 'contacts.period_month', 'contacts.rhf_code', 'contacts.hf_code',
    'contacts.hospital_code',
] %}
with contacts as (
    select
        *,
        {{ period_month('event_month') }} as period_month
    from {{ ref('int_npr__contacts') }}
),

profiles as (
    select * from {{ ref('int_npr__code_profiles') }}
)

select
    {{ group_columns | join(',\n    ') }},
    count(*) as n_contacts,
    cast(sum(contacts.bed_days) as {{ dbt.type_bigint() }}) as bed_days
from contacts
inner join profiles
    on {{ npr_code_profile_join('contacts', 'profiles') }}
inner join {{ ref('int_npr__code_profile_sample_sets') }} as profile_sets
    on profiles.code_profile_id = profile_sets.code_profile_id
group by
    {{ group_columns | join(',\n    ') }}
