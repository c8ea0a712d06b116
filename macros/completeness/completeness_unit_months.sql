{#
    completeness_unit_months(inputs): the select of one source family's part of
    int_completeness__unit_months (the rules are in its yml and in the part models' headers):
    every row of the given staging base models once, counted per source, year, month and
    reporting unit. `inputs`: dicts with
      model           a staging base model (models/staging/*/base: every delivered row with
                      its outcome and reason code)
      date            the date the row counts by (an expression over the model's columns;
                      `cast(null as date)` for a yearly delivery without a month)
      reporting_unit  the reporting unit (an expression; default provider_id)
      diagnosis       whether the model carries a main diagnosis to judge (NPR activity)
    A family per model, so that a delivery rebuilds its own family's counts only.
#}
{% macro completeness_unit_months(inputs) %}
{% set years = data_years() %}
{% set branches = [] %}
{% for input in inputs %}
{% set branch %}
select
    base.source,
    base.source_file,
    {{ input.get('reporting_unit', 'base.provider_id') }} as provider_id,
    {{ input.date }} as event_date,
    base.person_id,
    base.is_unknown_residence,
    base.outcome,
    base.reason_code,
    {{ 'icd10_codes.icd10_code is not null' if input.diagnosis else 'cast(null as boolean)' }}
        as has_valid_main_diagnosis
from {{ ref(input.model) }} as base
{% if input.diagnosis %}
    left join {{ ref('ref_icd10_codes') }} as icd10_codes
        on base.main_diagnosis_code = icd10_codes.icd10_code
{% endif %}
{% endset %}
{% do branches.append(branch) %}
{% endfor %}
{% set reason_counts = [] %}
{% for reason in quarantine_reasons() %}
{% do reason_counts.append(
    "count(case when outcome <> 'staged' and reason_code = '" ~ reason ~ "' then 1 end)"
    ~ " as n_quarantined_" ~ reason) %}
{% endfor %}

with delivered_rows as (
    {{ branches | join('union all') | indent(4) }}
),

dated_rows as (
    select
        delivered_rows.*,
        cast(extract(year from delivered_rows.event_date) as {{ dbt.type_int() }}) as event_year
    from delivered_rows
),

placed as (
    select
        source,
        provider_id as reporting_unit_id,
        outcome,
        reason_code,
        person_id,
        is_unknown_residence,
        has_valid_main_diagnosis,
        case
            when event_year between {{ years.first }} and {{ years.last }} then event_year
            else {{ checked_cast('substr(source_file, length(source) + 2, 4)', 'integer') }}
        end as year,
        case
            when event_year between {{ years.first }} and {{ years.last }}
                then cast(extract(month from event_date) as {{ dbt.type_int() }})
        end as month  -- noqa: RF04
    from dated_rows
)

select
    source,
    year,
    month,
    reporting_unit_id,
    count(*) as n_rows_delivered,
    count(case when outcome = 'staged' then 1 end) as n_rows_staged,
    count(case when outcome <> 'staged' then 1 end) as n_rows_quarantined,
    {{ reason_counts | join(',\n    ') }},
    count(case when outcome = 'staged' and person_id is not null then 1 end)
        as n_linkable_person,
    count(case when outcome = 'staged' and not is_unknown_residence then 1 end)
        as n_known_residence,
    case
        when max(case when has_valid_main_diagnosis is not null then 1 end) = 1
            then count(case when outcome = 'staged' and has_valid_main_diagnosis then 1 end)
    end as n_valid_main_diagnosis
from placed
group by
    source,
    year,
    month,
    reporting_unit_id
{% endmacro %}
