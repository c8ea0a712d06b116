{#- FHI waiting lists: every raw row typed and checked, with its outcome (staged,
    quarantined, deduplicated); see macros/staging/quarantine.sql. The referral year (aar)
    must be one of the data years (var data_years). -#}
{%- set key_columns = raw_contract('fhi_waiting_lists')['key'] -%}
{%- set checks = missing_value_checks(key_columns)
    + unparseable_checks(['aar']) + [
        data_year_check('referral_year', 'aar'),
        quarantine_check(
            'conflicting_record_id', 'n_id_rows > n_copies', 'aar', key_text(key_columns)),
    ] + unparseable_checks(['nyhenviste', 'ventetid_gjennomsnitt', 'ventetid_median']) -%}

with

{{ deduplication_ctes('fhi_waiting_lists', ref('base_fhi__waiting_list_repeated_ids')) }},

typed as (
    select
        numbered.*,
        numbered.aar as referral_year,
        numbered.nyhenviste as new_referrals,
        numbered.ventetid_gjennomsnitt as mean_waiting_days,
        numbered.ventetid_median as median_waiting_days
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
    referral_year,
    {{ trimmed_text('opptaksomrade') }} as hf_area_code,
    {{ trimmed_text('opptaksomrade_navn') }} as hf_area_name,
    upper({{ trimmed_text('fagomrade') }}) as specialty_or_sector_code,
    {{ trimmed_text('aldersgruppe') }} as age_group,
    new_referrals,
    mean_waiting_days,
    median_waiting_days,
    'fhi_waiting_lists' as source,  -- noqa: RF04
    _file as source_file,
    _line as source_line,
    _delivery_hash as delivery_hash,
    {{ key_text(key_columns) }} as record_id,
    first_copy_file,
    first_copy_line,
    {{ quarantine_outcome_columns(checks) }}
from checked
