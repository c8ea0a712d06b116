{#
    completeness_metrics(): the shares the completeness thresholds judge, as aggregate SQL over
    the rows of fct_data_completeness of one source and month (all reporting units together):
    metric -> (numerator, denominator). One place for the definitions the tests and var('completeness_thresholds') share.

    Test completeness_threshold(model, metric, level): fails (with the test's severity) for
    every source, year and month whose share is below var('completeness_thresholds')[metric]
    [level]. Declare it twice per metric, `level: warn` with `severity: warn` and
    `level: error` with `severity: error`, so a share between the two thresholds warns and one
    below both fails the build. Judged are the months of the source-years that delivered on
    average at least var('completeness_min_rows') rows per month (a share of a handful of
    rows says little, and a small source may have months without rows), including their
    months without any rows (all units missing: share 0). Only expected unit-months count: rows
    dated in a month no source delivered (a stray, quarantined date) are in the mart but not
    judged. Not judged: months where the
    metric has no denominator (e.g. a main diagnosis in the HELFO invoices), and rows whose
    month is unknown.
#}
{% macro completeness_metrics() -%}
    {{ return({
        'share_linkable_person': ('sum(n_linkable_person)', 'sum(n_rows_staged)'),
        'share_known_residence': ('sum(n_known_residence)', 'sum(n_rows_staged)'),
        'share_valid_main_diagnosis': (
            'sum(n_valid_main_diagnosis)',
            'sum(case when n_valid_main_diagnosis is not null then n_rows_staged end)'
        ),
        'share_staged': ('sum(n_rows_staged)', 'sum(n_rows_delivered)'),
        'share_units_delivered': (
            'count(case when is_expected and is_delivered then 1 end)',
            'count(case when is_expected then 1 end)'
        ),
    }) }}
{%- endmacro %}

{% macro completeness_metric(metric) -%}
    {%- set metrics = completeness_metrics() -%}
    {%- if metric not in metrics -%}
        {%- do exceptions.raise_compiler_error(
            "completeness_threshold: unknown metric '" ~ metric ~ "' (known: "
            ~ (metrics.keys() | list | join(', ')) ~ ")") -%}
    {%- endif -%}
    {{ return(metrics[metric]) }}
{%- endmacro %}

{% macro completeness_threshold_value(metric, level) -%}
    {%- set thresholds = var('completeness_thresholds') -%}
    {%- if metric not in thresholds or level not in thresholds[metric] -%}
        {%- do exceptions.raise_compiler_error(
            "completeness_threshold: no var completeness_thresholds." ~ metric ~ "." ~ level) -%}
    {%- endif -%}
    {{ return(thresholds[metric][level]) }}
{%- endmacro %}

{% test completeness_threshold(model, metric, level) %}
{% set numerator, denominator = completeness_metric(metric) %}
{% set threshold = completeness_threshold_value(metric, level) %}

with months as (
    select
        source,
        year,
        month,
        sum(n_rows_delivered) as n_rows_delivered,
        {{ numerator }} as numerator,
        {{ denominator }} as denominator
    from {{ model }}
    where month is not null and is_expected
    group by source, year, month
),

-- Source-years large enough to judge: mean rows per month of the year's months.
judged_years as (
    select
        source,
        year
    from months
    group by source, year
    having sum(n_rows_delivered) >= {{ var('completeness_min_rows') }} * count(*)
)

select
    months.source,
    months.year,
    months.month,
    months.n_rows_delivered,
    months.numerator,
    months.denominator,
    cast(months.numerator as {{ type_double() }}) / months.denominator as share,
    {{ threshold }} as threshold
from months
inner join judged_years
    on
        months.source = judged_years.source
        and months.year = judged_years.year
where
    months.denominator > 0
    and months.numerator < {{ threshold }} * months.denominator

{% endtest %}
