{#
    Every incremental base model's outcome agrees with the plausibility bounds configured now
    (vars data_years, max_length_of_stay_days): no staged row breaks a bound, and every row
    quarantined for a bound does break it. The six NPR activity base models build
    incrementally by delivery file, so rows judged under other vars keep their outcome; this
    test says so instead of letting a stale 2031 row stay staged (or a newly configured year
    stay quarantined). The fix: `dbt build --full-refresh --select staging+`. The other base
    models are views, judged with the vars of the build that reads them. Not a construction
    test (dbt_project.yml): the production build runs it, since it is the state of the tables
    that can be wrong, not the SQL.
    One row per problem: model, file, line and what is wrong.
#}
{%- set years = data_years() -%}
{%- set sources = [
    'npr_som', 'npr_avtalesom', 'npr_phv', 'npr_avtalephv', 'npr_phbu', 'npr_tsb',
] -%}
{%- set stay_reasons = "('admission_long_before_period', 'stay_longer_than_bound')" -%}

with problems as (
    {%- for source_name in sources %}
        {%- set bound = max_length_of_stay_days(source_name) %}
        {%- set stay_days = days_between('admission_date', 'discharge_date') %}
        select
            '{{ "base_npr__" ~ source_name[4:] }}' as model_name,
            source_file,
            source_line,
            case
                when
                    outcome = 'staged'
                    and contact_year not between {{ years.first }} and {{ years.last }}
                    then 'staged, but its year is outside var data_years'
                when
                    reason_code = 'outside_data_years'
                    and contact_year between {{ years.first }} and {{ years.last }}
                    then 'quarantined as outside_data_years, but its year is in var data_years'
                when outcome = 'staged' and {{ stay_days }} > {{ bound }}
                    then 'staged, but the stay is longer than var max_length_of_stay_days'
                when reason_code in {{ stay_reasons }} and {{ stay_days }} <= {{ bound }}
                    then 'quarantined for its stay, but it is within var max_length_of_stay_days'
            end as problem
        from {{ ref('base_npr__' ~ source_name[4:]) }}
        {% if not loop.last %}union all{% endif %}
    {%- endfor %}
)

select
    model_name,
    source_file,
    source_line,
    problem
from problems
where problem is not null
