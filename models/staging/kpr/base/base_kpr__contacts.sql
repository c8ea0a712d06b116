{#- KPR contacts (GP, emergency room, municipal emergency bed): every raw row typed and
    checked, with its outcome (staged, quarantined, deduplicated); see
    macros/staging/quarantine.sql. The year a contact counts in (contact_year, from
    kontaktdato) must be one of the data years (var data_years). A claim without a person id
    is staged (person_id NULL), so that completeness can count it. -#}
{%- set checks = [
        quarantine_check('missing_record_id', 'kontakt_id is null', 'kontakt_id'),
        quarantine_check('conflicting_record_id', 'n_id_rows > n_copies', 'kontakt_id'),
    ] + missing_value_checks(['kontaktdato'])
    + unparseable_checks(['kontaktdato', 'tertial', 'fodselsar', 'alder']) + [
        data_year_check('contact_year', 'kontaktdato'),
        quarantine_check(
            'impossible_age',
            impossible_age_condition('age', 'birth_year', 'contact_year'),
            'alder'),
    ] -%}

with

{{ deduplication_ctes('kpr_contacts', ref('base_kpr__contact_repeated_ids')) }},

typed as (
    select
        numbered.*,
        numbered.kontaktdato as contact_date,
        numbered.fodselsar as birth_year,
        numbered.alder as age,
        {{ normalise_code('hoveddiagnose') }} as main_diagnosis_code,
        {{ trimmed_text('komnrhjem') }} as municipality_code_reported,
        {{ trimmed_text('bydelhjem') }} as district_code_reported
    from numbered
),

dated as (
    select
        typed.*,
        cast(extract(year from typed.contact_date) as integer) as contact_year
    from typed
),

{{ residence_lookup_ctes() }},

enriched as (
    select
        dated.*,
        {{ residence_columns() }},
        dated.main_diagnosis_code is null as is_missing_main_diagnosis,
        (
            dated.main_diagnosis_code is not null
            and diagnosis_known.icpc2_code is null
        ) as has_unknown_diagnosis_code
    from dated
    {{ residence_joins(
        'dated', 'municipality_code_reported', 'district_code_reported', 'contact_year'
    ) }}
    left join {{ ref('ref_icpc2_codes') }} as diagnosis_known
        on dated.main_diagnosis_code = diagnosis_known.icpc2_code
    {{ optimisation_fence() }}
),

checked as (
    select
        enriched.*,
        {{ quarantine_check_number(checks) }} as check_number
    from enriched
)

select
    {{ trimmed_text('kontakt_id') }} as contact_id,
    'kpr_contacts' as source,  -- noqa: RF04
    {{ person_residence_columns() }},
    contact_date,
    contact_year,
    tertial,
    case lower(trim(kontakttype))
        when 'fastlege' then 'gp'
        when 'legevakt' then 'emergency_room'
        when 'kad' then 'municipal_emergency_bed'
        else lower(trim(kontakttype))
    end as contact_type,
    main_diagnosis_code,
    is_missing_main_diagnosis,
    has_unknown_diagnosis_code,
    _file as source_file,
    _line as source_line,
    _delivery_hash as delivery_hash,
    kontakt_id as record_id,
    first_copy_file,
    first_copy_line,
    {{ quarantine_outcome_columns(checks) }}
from checked
