{#
    npr_contact_membership_ctes(samples=none, extra_columns=[]): the CTEs of the NPR contacts'
    sample membership, ending in `membership`: one row per contact (event_id), sample and
    provider option, with the contact's person_id, year, event_month, discharge_date, age, sex,
    rhf_code, hf_code, hospital_code, bed_days and provider_type, and any extra_columns of
    int_npr__contacts a model needs (int_patient_flow_contacts: the provider's id, agreement
    RHF and HF area), carried from the one read of the contacts rather than joined back to
    them. Step 1 (codes, source, care type) per code profile from
    int_npr__code_profile_samples, step 2 (age, sex, provider option) per contact, both by the
    generic mechanism macros/samples/sample_membership.sql.

    int_npr__contact_samples is this membership for every sample; npr_contact_sample_select()
    is the select both membership models end in (contact_id and the carried columns). A model
    that needs a few samples only passes `samples`, a relation (CTE) with a sample_id column:
    the profiles are narrowed to those samples before the contacts are joined, so the
    contacts of other samples never enter the membership (int_npr__patient_contact_samples: 14 inpatient samples, 6 of
    113 million contacts at national volume, instead of filtering the 400 million rows of
    every sample afterwards).
#}
{% macro npr_contact_membership_ctes(samples=none, extra_columns=[]) -%}
{%- set carry_columns = [
    'person_id', 'year', 'event_month', 'discharge_date', 'age', 'rhf_code', 'hf_code',
    'hospital_code', 'bed_days', 'sex', 'provider_type',
] + extra_columns -%}
membership_profile_samples as (
    select
        profile_samples.code_profile_id,
        profile_samples.sample_id
    from {{ ref('int_npr__code_profile_samples') }} as profile_samples
    {%- if samples is not none %}
    inner join {{ samples }} as selected_samples
        on profile_samples.sample_id = selected_samples.sample_id
    {%- endif %}
),

candidates as (
    select
        contacts.contact_id as event_id,
        membership_profile_samples.sample_id,
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
        contacts.bed_days{% for column in extra_columns %},
        contacts.{{ column }}{% endfor %}
    from {{ ref('int_npr__contacts') }} as contacts
    inner join {{ ref('int_npr__code_profiles') }} as profiles
        on {{ npr_code_profile_join('contacts', 'profiles') }}
    inner join membership_profile_samples
        on profiles.code_profile_id = membership_profile_samples.code_profile_id
),

{{ sample_scope_membership('npr_contact', 'candidates', carry_columns) }}
{%- endmacro %}

{% macro npr_contact_sample_select() -%}
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
{%- endmacro %}
