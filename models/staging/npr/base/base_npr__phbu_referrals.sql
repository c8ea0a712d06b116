{#- NPR-PHBU referrals: every raw row typed and checked, with its outcome (staged,
    quarantined, deduplicated); see macros/staging/quarantine.sql. The year a referral counts
    in (received_year) must be one of the data years (var data_years), and it must be
    assessed on or after, and not more than var max_referral_assessment_days after, the day
    it was received. -#}
{%- set checks = [
        quarantine_check('missing_record_id', 'henvisning_id is null', 'henvisning_id'),
        quarantine_check('conflicting_record_id', 'n_id_rows > n_copies', 'henvisning_id'),
    ] + missing_value_checks(['mottatt_dato'])
    + unparseable_checks(['mottatt_dato', 'vurdering_dato', 'fodselsar', 'alder']) + [
        data_year_check('received_year', 'mottatt_dato'),
        quarantine_check(
            'assessed_before_received', 'assessed_date < received_date', 'vurdering_dato'),
        quarantine_check(
            'assessed_long_after_received',
            days_between('received_date', 'assessed_date')
            ~ ' > ' ~ max_referral_assessment_days(),
            'vurdering_dato'),
        quarantine_check(
            'impossible_age',
            impossible_age_condition('age', 'birth_year', 'received_year'),
            'alder'),
    ] -%}

with

{{ deduplication_ctes(
    'npr_phbu_referrals', ref('base_npr__phbu_referral_repeated_ids')
) }},

typed as (
    select
        numbered.*,
        numbered.mottatt_dato as received_date,
        numbered.vurdering_dato as assessed_date,
        numbered.fodselsar as birth_year,
        numbered.alder as age,
        {{ trimmed_text('komnrhjem') }} as municipality_code_reported,
        {{ trimmed_text('bydelhjem') }} as district_code_reported
    from numbered
),

dated as (
    select
        typed.*,
        cast(extract(year from typed.received_date) as integer) as received_year
    from typed
),

{{ residence_lookup_ctes() }},

enriched as (
    select
        dated.*,
        {{ residence_columns() }}
    from dated
    {{ residence_joins(
        'dated', 'municipality_code_reported', 'district_code_reported', 'received_year'
    ) }}
    {{ optimisation_fence() }}
),

checked as (
    select
        enriched.*,
        {{ quarantine_check_number(checks) }} as check_number
    from enriched
)

select
    {{ trimmed_text('henvisning_id') }} as referral_id,
    'npr_phbu_referrals' as source,  -- noqa: RF04
    {{ person_residence_columns() }},
    {{ trimmed_text('orgnr') }} as provider_id,
    received_date,
    assessed_date,
    received_year,
    case lower(trim(vurdering))
        when 'rettighet' then 'accepted_with_right'
        when 'behov_uten_rettighet' then 'accepted_without_right'
        when 'avvist' then 'rejected'
        else lower(trim(vurdering))
    end as assessment_outcome,
    {{ trimmed_text('fagomrade') }} as specialty_code,
    _file as source_file,
    _line as source_line,
    _delivery_hash as delivery_hash,
    henvisning_id as record_id,
    first_copy_file,
    first_copy_line,
    {{ quarantine_outcome_columns(checks) }}
from checked
