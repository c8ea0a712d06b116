{#
    Step 1 of the sample membership for NPR contacts: the samples (ref_samples with event_type
    'npr_contact') each code profile belongs to by its source, care type and codes, decided by
    the codebook seeds through the generic mechanism macros/samples/sample_membership.sql.
    One row per profile and sample. The person and provider scope (age, sex, provider option)
    is step 2, per contact, in int_npr__contact_samples.
#}
with events as (
    select
        code_profile_id as event_id,
        source,
        care_type
    from {{ ref('int_npr__code_profiles') }}
),

event_codes as (
    select
        code_profile_id as event_id,
        source,
        care_type,
        code_field,
        code
    from {{ ref('int_npr__code_profile_codes') }}
),

{{ sample_code_membership('npr_contact', 'events', 'event_codes') }}

select
    event_id as code_profile_id,
    sample_id
from code_membership
