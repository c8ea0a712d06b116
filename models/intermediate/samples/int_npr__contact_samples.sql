{#
    Sample membership of the NPR contacts: one row per contact, sample and provider option
    (ref_samples with event_type 'npr_contact'), with the contact's attributes the rate strata
    need. Step 1 (codes, source, care type) comes per code profile from
    int_npr__code_profile_samples; step 2 (age, sex, provider option) is applied per contact,
    both by the generic mechanism macros/samples/sample_membership.sql, through
    macros/samples/npr_contact_membership.sql (which int_sample_stratum_events also calls
    for its patient samples alone). A view (about three rows per contact, 360 million at
    national volume: too many to write).
    Person-level.
#}
with

{{ npr_contact_membership_ctes() }}

{{ npr_contact_sample_select() }}
