{#- Cancer Registry survival: every raw row typed and checked, with its outcome (staged,
    quarantined, deduplicated); see macros/staging/quarantine.sql. The publication year
    (aar) must be one of the data years (var data_years). -#}
{%- set key_columns = raw_contract('cancer_survival')['key'] -%}
{%- set checks = missing_value_checks(key_columns)
    + unparseable_checks(['aar']) + [
        data_year_check('publication_year', 'aar'),
        quarantine_check(
            'conflicting_record_id', 'n_id_rows > n_copies', 'aar', key_text(key_columns)),
    ] + unparseable_checks([
        'diagnoseperiode_fra', 'diagnoseperiode_til', 'antall_pasienter',
        'relativ_overlevelse', 'nedre_ki', 'ovre_ki',
    ]) -%}

with

{{ deduplication_ctes(
    'cancer_survival', ref('base_kreftregisteret__cancer_survival_repeated_ids')
) }},

typed as (
    select
        numbered.*,
        numbered.aar as publication_year,
        numbered.diagnoseperiode_fra as diagnosis_year_from,
        numbered.diagnoseperiode_til as diagnosis_year_to,
        numbered.antall_pasienter as n_patients,
        numbered.relativ_overlevelse as relative_survival_pct,
        numbered.nedre_ki as relative_survival_lower_pct,
        numbered.ovre_ki as relative_survival_upper_pct
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
    publication_year,
    diagnosis_year_from,
    diagnosis_year_to,
    case lower(trim(omradeniva))
        when 'norge' then 'norway'
        else lower(trim(omradeniva))
    end as area_level,
    {{ trimmed_text('omrade') }} as area_code,
    {{ trimmed_text('omrade_navn') }} as area_name,
    lower({{ trimmed_text('kreftsted') }}) as cancer_site,
    n_patients,
    relative_survival_pct,
    relative_survival_lower_pct,
    relative_survival_upper_pct,
    'cancer_survival' as source,  -- noqa: RF04
    _file as source_file,
    _line as source_line,
    _delivery_hash as delivery_hash,
    {{ key_text(key_columns) }} as record_id,
    first_copy_file,
    first_copy_line,
    {{ quarantine_outcome_columns(checks) }}
from checked
