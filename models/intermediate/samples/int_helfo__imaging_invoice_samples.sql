{#
    Sample membership of the HELFO imaging invoices: one row per invoice, sample and provider
    option (ref_samples with event_type 'helfo_imaging_invoice'), by the generic mechanism
    macros/samples/sample_membership.sql. An invoice belongs to a modality sample when at
    least one of its codes has that modality. HELFO imaging services are outpatient services
    (care type `outpatient`). Person-level (invoice ids).
#}
with events as (
    select
        invoice_id as event_id,
        source,
        'outpatient' as care_type,
        provider_type,
        sex,
        age as age_lower,
        age as age_upper
    from {{ ref('int_helfo__imaging_invoices') }}
),

event_codes as (
    select
        invoice_id as event_id,
        source,
        'outpatient' as care_type,
        code_field,
        code
    from {{ ref('int_helfo__imaging_invoice_codes') }}
),

{{ sample_code_membership('helfo_imaging_invoice', 'events', 'event_codes') }},

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

{{ sample_scope_membership('helfo_imaging_invoice', 'candidates') }}

select
    event_id as invoice_id,
    sample_id,
    provider_option
from membership
