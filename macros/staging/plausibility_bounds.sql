{#
    The configured bounds of staging's plausibility checks (dbt_project.yml vars, documented
    there): the data years a build computes, the longest plausible stay per NPR activity
    source and the longest plausible wait from a referral's receipt to its assessment. Each
    macro checks its var and fails compilation with a message naming the var when the setting
    is unusable, so a typo cannot silently switch a check off. Data macros in a file of their
    own (sqlfluff's jinja templater passes a `return` value on only between macros of
    different files; macros/staging/quarantine.sql).
#}

{#- The data years a build computes, {'first': int, 'last': int} (var data_years). Rows
    whose year (NPR activity: discharge date; referrals: date received; HELFO: service
    date; FHI, NKI, Cancer Registry: aar) is outside them are quarantined as
    `outside_data_years`, and the year-by-year models compute no other year
    (macros/incremental/year_rebuild_plan.sql). -#}
{% macro data_years() -%}
    {%- set setting = var('data_years', none) -%}
    {%- set ok = setting is mapping
        and setting.get('first') is number and setting.get('last') is number
        and setting.get('first') is not boolean and setting.get('last') is not boolean
        and setting.get('first') | int == setting.get('first')
        and setting.get('last') | int == setting.get('last')
        and setting.get('first') <= setting.get('last') -%}
    {%- if not ok -%}
        {{ exceptions.raise_compiler_error(
            "var data_years (dbt_project.yml) must be {first: <year>, last: <year>} with "
            ~ "first <= last (whole years), got " ~ tojson(setting)) }}
    {%- endif -%}
    {{ return({'first': setting['first'] | int, 'last': setting['last'] | int}) }}
{%- endmacro %}

{#- The longest plausible stay in days (discharge date - admission date) of an NPR activity
    source (var max_length_of_stay_days, one bound per source). -#}
{% macro max_length_of_stay_days(source_name) -%}
    {%- set setting = var('max_length_of_stay_days', none) -%}
    {%- set bound = setting.get(source_name) if setting is mapping else none -%}
    {%- if bound is boolean or bound is not number or bound | int != bound or bound < 0 -%}
        {{ exceptions.raise_compiler_error(
            "var max_length_of_stay_days (dbt_project.yml) must give a whole number of days "
            ~ ">= 0 for " ~ source_name ~ ", got " ~ tojson(setting)) }}
    {%- endif -%}
    {{ return(bound | int) }}
{%- endmacro %}

{#- The longest plausible wait in days from a referral's receipt to its assessment
    (var max_referral_assessment_days). -#}
{% macro max_referral_assessment_days() -%}
    {%- set bound = var('max_referral_assessment_days', none) -%}
    {%- if bound is boolean or bound is not number or bound | int != bound or bound < 0 -%}
        {{ exceptions.raise_compiler_error(
            "var max_referral_assessment_days (dbt_project.yml) must be a whole number of "
            ~ "days >= 0, got " ~ tojson(bound)) }}
    {%- endif -%}
    {{ return(bound | int) }}
{%- endmacro %}
