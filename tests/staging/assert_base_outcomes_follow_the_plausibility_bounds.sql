{#
    Every base model's outcome agrees with the plausibility bounds configured now (vars
    data_years, max_length_of_stay_days, max_referral_assessment_days): no staged row breaks a
    bound, and every row quarantined for a bound does break it. The base models build
    incrementally by delivery file, so rows judged under other vars keep their outcome; this
    test says so instead of letting a stale 2031 row stay staged (or a newly configured year
    stay quarantined). The fix: `dbt build --full-refresh --select staging+`.
    One row per problem: model, file, line and what is wrong.
#}
{%- set years = data_years() -%}
{%- set year_columns = [
    ('base_npr__som', 'contact_year'),
    ('base_npr__avtalesom', 'contact_year'),
    ('base_npr__phv', 'contact_year'),
    ('base_npr__avtalephv', 'contact_year'),
    ('base_npr__phbu', 'contact_year'),
    ('base_npr__tsb', 'contact_year'),
    ('base_npr__phbu_referrals', 'received_year'),
    ('base_helfo__lab_invoices', 'service_year'),
    ('base_helfo__imaging_invoices', 'service_year'),
    ('base_fhi__waiting_lists', 'referral_year'),
    ('base_nki__discharge_summaries', 'discharge_year'),
    ('base_kreftregisteret__cancer_survival', 'publication_year'),
    ('base_kpr__contacts', 'contact_year'),
    ('base_kpr__iplos_services', 'service_year'),
] -%}
{%- set stay_reasons = "('admission_long_before_period', 'stay_longer_than_bound')" -%}

with problems as (
    {%- for model, year_column in year_columns %}
        select
            '{{ model }}' as model_name,
            source_file,
            source_line,
            case
                when
                    outcome = 'staged'
                    and {{ year_column }} not between {{ years.first }} and {{ years.last }}
                    then 'staged, but its year is outside var data_years'
                when
                    reason_code = 'outside_data_years'
                    and {{ year_column }} between {{ years.first }} and {{ years.last }}
                    then 'quarantined as outside_data_years, but its year is in var data_years'
            end as problem
        from {{ ref(model) }}
        union all
    {%- endfor %}
    {%- for source_name in [
        'npr_som', 'npr_avtalesom', 'npr_phv', 'npr_avtalephv', 'npr_phbu', 'npr_tsb'
    ] %}
        {%- set bound = max_length_of_stay_days(source_name) %}
        select
            '{{ "base_npr__" ~ source_name[4:] }}' as model_name,
            source_file,
            source_line,
            case
                when
                    outcome = 'staged'
                    and {{ days_between('admission_date', 'discharge_date') }} > {{ bound }}
                    then 'staged, but the stay is longer than var max_length_of_stay_days'
                when
                    reason_code in {{ stay_reasons }}
                    and {{ days_between('admission_date', 'discharge_date') }} <= {{ bound }}
                    then 'quarantined for its stay, but it is within var max_length_of_stay_days'
            end as problem
        from {{ ref('base_npr__' ~ source_name[4:]) }}
        union all
    {%- endfor %}
    select
        'base_npr__phbu_referrals' as model_name,
        source_file,
        source_line,
        case
            when
                outcome = 'staged'
                and {{ days_between('received_date', 'assessed_date') }}
                > {{ max_referral_assessment_days() }}
                then 'staged, but assessed later than var max_referral_assessment_days'
            when
                reason_code = 'assessed_long_after_received'
                and {{ days_between('received_date', 'assessed_date') }}
                <= {{ max_referral_assessment_days() }}
                then 'quarantined as assessed_long_after_received, but within the bound'
        end as problem
    from {{ ref('base_npr__phbu_referrals') }}
)

select
    model_name,
    source_file,
    source_line,
    problem
from problems
where problem is not null
