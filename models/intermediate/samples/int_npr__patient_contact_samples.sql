{#
    The sample membership of int_npr__contact_samples for the samples that count patients
    (measure `patients` in ref_samples: the admission samples) only, the input of
    int_sample_stratum_events' patient counts. The same macro
    (macros/samples/npr_contact_membership.sql) with the profiles narrowed to those
    samples before the contacts are joined: at national volume 6 million inpatient contacts
    enter instead of the 400 million membership rows of every sample being filtered
    afterwards. A view. Person-level.
#}
with npr_samples as (
    select
        sample_id,
        measures
    from {{ ref('int_samples') }}
    where event_type = 'npr_contact'
),

sample_measures as (
    {{ split_to_rows(
        'npr_samples', ['sample_id'], 'measures', '|', 'measure', 'measure_position'
    ) }}
),

patient_samples as (
    select sample_id
    from sample_measures
    where measure = 'patients'
),

{{ npr_contact_membership_ctes('patient_samples') }}

{{ npr_contact_sample_select() }}
