{#
    The six NPR activity extracts (npr_som, npr_avtalesom, npr_phv, npr_avtalephv, npr_phbu,
    npr_tsb) share one format (docs/extract-formats.md), so their base models share this
    macro: base_npr__<table> = npr_activity_base('<source>').

    A base model holds every raw row once, typed and checked, with its outcome (staged,
    quarantined, deduplicated; macros/staging/quarantine.sql). stg_npr__<table> selects the
    staged rows, stg_npr__quarantine the others.
#}

{#- Care type by the overnight rule (seed 002, "Definisjoner"): an admission (care level 1
    inpatient or 2 day) is an inpatient stay when the discharge date is after the admission
    date, else day treatment; outpatient care levels (3, and 8 outpatient radiotherapy of an
    admitted patient) are outpatient. An unknown care level falls back on the dates alone. -#}
{% macro npr_care_type(care_level, admission_date, discharge_date) -%}
    case
        when {{ care_level }} in ('1', '2') and {{ discharge_date }} > {{ admission_date }}
            then 'inpatient'
        when {{ care_level }} in ('1', '2') then 'day_treatment'
        when {{ care_level }} in ('3', '8') then 'outpatient'
        when {{ discharge_date }} > {{ admission_date }} then 'inpatient'
    end
{%- endmacro %}

{#- Checks in priority order (macros/staging/quarantine.sql). The dates: the discharge year
    (contact_year, the year the row counts in) must be one of the data years (var
    data_years); a stay must not end before it starts, nor be longer than the source's
    longest plausible stay (var max_length_of_stay_days: a stay is counted whole in its
    discharge year, so one stay admitted 1990-01-01 and discharged 2023-06-01 would add
    12,204 bed days to 2023). An admission more than that bound before 1 January of the
    discharge year gets a reason of its own (admission_long_before_period: the admission
    date is most likely wrong); a longer stay that began closer to the period is
    stay_longer_than_bound. -#}
{% macro npr_activity_base(source_name) -%}
{%- set diagnosis_columns = [
    ('hovedtilstand', 'main_diagnosis_code'),
    ('bitilstand_1', 'secondary_diagnosis_code_1'),
    ('bitilstand_2', 'secondary_diagnosis_code_2'),
    ('bitilstand_3', 'secondary_diagnosis_code_3'),
] -%}
{%- set procedure_columns = [
    ('prosedyre_1', 'procedure_code_1'),
    ('prosedyre_2', 'procedure_code_2'),
    ('prosedyre_3', 'procedure_code_3'),
    ('prosedyre_4', 'procedure_code_4'),
    ('prosedyre_5', 'procedure_code_5'),
] -%}
    {%- set max_stay = max_length_of_stay_days(source_name) -%}
{%- set checks = [
        quarantine_check('missing_record_id', 'kontakt_id is null', 'kontakt_id'),
    ] + unparseable_checks(['kontakt_id']) + [
        quarantine_check('conflicting_record_id', 'n_id_rows > n_copies', 'kontakt_id'),
    ] + missing_value_checks(['inndato', 'utdato'])
    + unparseable_checks(['inndato', 'utdato', 'fodselsar', 'alder', 'korrvekt']) + [
        data_year_check('contact_year', 'utdato'),
        quarantine_check(
            'discharge_before_admission', 'discharge_date < admission_date', 'inndato'),
        quarantine_check(
            'admission_long_before_period',
            days_between('admission_date', dbt.date_trunc('year', 'discharge_date'))
            ~ ' > ' ~ max_stay,
            'inndato'),
        quarantine_check(
            'stay_longer_than_bound',
            days_between('admission_date', 'discharge_date') ~ ' > ' ~ max_stay,
            'inndato',
            dbt.concat([
                'cast(inndato as ' ~ dbt.type_string() ~ ')', "' .. '",
                'cast(utdato as ' ~ dbt.type_string() ~ ')'])),
        quarantine_check(
            'impossible_age',
            impossible_age_condition('age', 'birth_year', 'contact_year'),
            'alder'),
    ] -%}
with

{{ deduplication_ctes(
    source_name, ref('base_npr__' ~ source_name[4:] ~ '_repeated_ids')
) }},

typed as (
    select
        numbered.*,
        numbered.kontakt_id as contact_id,
        numbered.fodselsar as birth_year,
        numbered.alder as age,
        numbered.inndato as admission_date,
        numbered.utdato as discharge_date,
        numbered.korrvekt as isf_points,
        {{ trimmed_text('komnrhjem') }} as municipality_code_reported,
        {{ trimmed_text('bydelhjem') }} as district_code_reported,
    {%- for raw_column, code_column in diagnosis_columns + procedure_columns %}
        {{ normalise_code(raw_column) }} as {{ code_column }}{{ ',' if not loop.last }}
    {%- endfor %}
    from numbered
),

dated as (
    select
        typed.*,
        cast(extract(year from typed.discharge_date) as integer) as contact_year
    from typed
),

{{ residence_lookup_ctes() }},

enriched as (
    select
        dated.*,
        {{ residence_columns() }},
        dated.main_diagnosis_code is null as is_missing_main_diagnosis
    from dated
    {{ residence_joins(
        'dated', 'municipality_code_reported', 'district_code_reported', 'contact_year'
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
    contact_id,
    '{{ source_name }}' as source,
    {{ person_residence_columns() }},
    {{ trimmed_text('orgnr') }} as provider_id,
    {{ trimmed_text('omsorgsniva') }} as care_level_code,
    {{ npr_care_type(trimmed_text('omsorgsniva'), 'admission_date', 'discharge_date') }} as care_type,
    {{ trimmed_text('innmatehast') }} as urgency_code,
    admission_date,
    discharge_date,
    contact_year,
    main_diagnosis_code,
    secondary_diagnosis_code_1,
    secondary_diagnosis_code_2,
    secondary_diagnosis_code_3,
    is_missing_main_diagnosis,
    procedure_code_1,
    procedure_code_2,
    procedure_code_3,
    procedure_code_4,
    procedure_code_5,
    {{ trimmed_text('fagomrade') }} as specialty_code,
    {{ normalise_code('drg') }} as drg_code,
    upper({{ trimmed_text('drg_type') }}) as drg_type,
    isf_points,
    case trim(isf_tellende)
        when '1' then true
        when '0' then false
    end as is_isf_counting,
    lower({{ trimmed_text('drg_tjenestetype') }}) as drg_service_type,
    {{ trimmed_text('aktivitetskategori') }} as activity_category,
    {{ trimmed_text('kontaktform') }} as contact_form_code,
    {{ normalise_code('stg') }} as stg_code,
    {{ trimmed_text('debitor') }} as payer_code,
    _file as source_file,
    _line as source_line,
    _delivery_hash as delivery_hash,
    cast(kontakt_id as {{ dbt.type_string() }}) as record_id,
    first_copy_file,
    first_copy_line,
    {{ quarantine_outcome_columns(checks) }}
from checked
{%- endmacro %}
