{#- NKI discharge summaries: every raw row typed and checked, with its outcome (staged,
    quarantined, deduplicated); see macros/staging/quarantine.sql. The discharge year (aar)
    must be one of the data years (var data_years). -#}
{%- set key_columns = raw_contract('nki_discharge_summaries')['key'] -%}
{%- set checks = missing_value_checks(key_columns)
    + unparseable_checks(['aar']) + [
        data_year_check('discharge_year', 'aar'),
        quarantine_check(
            'conflicting_record_id', 'n_id_rows > n_copies', 'aar', key_text(key_columns)),
    ] + missing_value_checks(['teller', 'nevner'])
    + unparseable_checks(['teller', 'nevner']) + [
        quarantine_check(
            'numerator_above_denominator', 'summaries_within_1_day > discharges', 'teller'),
    ] -%}

with

{{ deduplication_ctes(
    'nki_discharge_summaries', ref('base_nki__discharge_summary_repeated_ids')
) }},

typed as (
    select
        numbered.*,
        numbered.aar as discharge_year,
        numbered.teller as summaries_within_1_day,
        numbered.nevner as discharges
    from numbered
    {{ optimisation_fence() }}
),

checked as (
    select
        typed.*,
        {{ quarantine_check_number(checks) }} as check_number
    from typed
)

select
    discharge_year,
    {{ trimmed_text('behandlende_hf') }} as treating_hf_code,
    {{ trimmed_text('behandlende_hf_navn') }} as treating_hf_name,
    case lower(trim(sektor))
        when 'somatikk' then 'somatic'
        when 'psykisk_helsevern' then 'mental_health'
        when 'tsb' then 'substance_use'
        else lower(trim(sektor))
    end as sector,
    summaries_within_1_day,
    discharges,
    'nki_discharge_summaries' as source,  -- noqa: RF04
    _file as source_file,
    _line as source_line,
    _delivery_hash as delivery_hash,
    {{ key_text(key_columns) }} as record_id,
    first_copy_file,
    first_copy_line,
    {{ quarantine_outcome_columns(checks) }}
from checked
