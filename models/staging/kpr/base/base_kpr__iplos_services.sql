{#- IPLOS service decisions: every raw row typed and checked, with its outcome (staged,
    quarantined, deduplicated); see macros/staging/quarantine.sql. The year (aar) must be one
    of the data years (var data_years), and a decision that ended must not end before it
    started (reason discharge_before_admission, the catalogue's end-before-start reason). -#}
{%- set checks = [
        quarantine_check('missing_record_id', 'iplos_id is null', 'iplos_id'),
        quarantine_check('conflicting_record_id', 'n_id_rows > n_copies', 'iplos_id'),
    ] + missing_value_checks(['aar', 'vedtak_start'])
    + unparseable_checks([
        'aar', 'vedtak_start', 'vedtak_slutt', 'funksjonsniva', 'fodselsar', 'alder'
    ]) + [
        data_year_check('service_year', 'aar'),
        quarantine_check(
            'discharge_before_admission', 'decision_end < decision_start', 'vedtak_slutt'),
        quarantine_check(
            'impossible_age',
            impossible_age_condition('age', 'birth_year', 'service_year'),
            'alder'),
    ] -%}

with

{{ deduplication_ctes('iplos_services', ref('base_kpr__iplos_repeated_ids')) }},

typed as (
    select
        numbered.*,
        numbered.aar as service_year,
        numbered.vedtak_start as decision_start,
        numbered.vedtak_slutt as decision_end,
        numbered.fodselsar as birth_year,
        numbered.alder as age,
        {{ trimmed_text('komnrhjem') }} as municipality_code_reported,
        {{ trimmed_text('bydelhjem') }} as district_code_reported
    from numbered
),

{{ residence_lookup_ctes() }},

enriched as (
    select
        typed.*,
        {{ residence_columns() }}
    from typed
    {{ residence_joins(
        'typed', 'municipality_code_reported', 'district_code_reported', 'service_year'
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
    {{ trimmed_text('iplos_id') }} as iplos_id,
    'iplos_services' as source,  -- noqa: RF04
    {{ person_residence_columns() }},
    service_year,
    lower(trim(tjeneste)) as service_code,
    funksjonsniva as functional_level,
    decision_start,
    decision_end,
    _file as source_file,
    _line as source_line,
    _delivery_hash as delivery_hash,
    iplos_id as record_id,
    first_copy_file,
    first_copy_line,
    {{ quarantine_outcome_columns(checks) }}
from checked
