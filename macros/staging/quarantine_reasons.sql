{#
    The catalogue of quarantine reason codes and their texts: the only place where a reason is
    named (macros/staging/quarantine.sql explains how rows reach quarantine). A base model's
    checks use these codes (quarantine_check refuses any other); the quarantine models show
    the text in their column `reason`.
#}
{% macro quarantine_reasons() -%}
    {{ return({
        'exact_duplicate':
            'Exact copy of an earlier row of the delivery (all extract columns equal); the first copy is staged.',
        'missing_record_id':
            'The record id is empty: the row can be neither traced nor deduplicated.',
        'conflicting_record_id':
            'The record id is also used by a different row of the delivery: which one is right cannot be decided.',
        'missing_required_value':
            'A required field is empty (the date a record is counted by, or a key or count of an aggregated table).',
        'unparseable_value':
            'A value does not parse as the type the extract format documents (integer, decimal with a point, date YYYY-MM-DD).',
        'outside_data_years':
            'The year the row counts in (NPR activity: discharge date; referrals: date received; HELFO: service date; KPR: contact date; FHI, NKI, Cancer Registry, IPLOS: aar) is not one of the data years the warehouse computes (var data_years).',
        'discharge_before_admission':
            'The discharge date (utdato) is before the admission date (inndato); for an IPLOS service decision, its end (vedtak_slutt) is before its start (vedtak_start).',
        'admission_long_before_period':
            'The admission date (inndato) lies more than the longest plausible stay of the source (var max_length_of_stay_days) before 1 January of the discharge year: most likely a wrong date.',
        'stay_longer_than_bound':
            'The stay (utdato - inndato) is longer than the longest plausible stay of the source (var max_length_of_stay_days); it would be counted whole in its discharge year.',
        'assessed_before_received':
            'The assessment date (vurdering_dato) is before the date the referral was received (mottatt_dato).',
        'assessed_long_after_received':
            'The assessment date (vurdering_dato) lies more than var max_referral_assessment_days after the date the referral was received (mottatt_dato).',
        'impossible_age':
            'Age outside 0-110 years, or more than 1 year away from the age implied by birth year and event year.',
        'numerator_above_denominator':
            'The numerator is larger than the denominator.',
    }) }}
{%- endmacro %}
