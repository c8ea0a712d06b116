{#
    The complete periods of the RBF data sources, one row per data source (`npr`, `nki`),
    year and period (rate_periods(): T1 = months 1-4, T2 = 1-8, year = 1-12). RBF uses
    complete periods only (SPEC section 5).

    - npr: a period is complete when every NPR source the indicators count
      (rbf_npr_sources(): NPR-SOM, PHV, PHBU, TSB) delivered every month of it, read from the
      months of the discharge dates of the staged contacts (int_npr__contacts).
    - nki: the NKI extract is annual, without months, and its newest year is partial like
      NPR's (docs/extract-formats.md: 2026 holds January-August). An NKI year counts when
      NKI delivered it and the NPR deliveries of that year are complete (period `year`
      above): the registries deliver the same months.
#}
{%- set npr_sources = rbf_npr_sources() %}
with source_months as (
    select distinct
        source,
        year,
        event_month
    from {{ ref('int_npr__contacts') }}
    where source in {{ text_list(npr_sources) }}
),

periods as (
    {{ rate_periods_relation() }}
),

-- Per source, year and period: how many of the period's months were delivered.
source_periods as (
    select
        source_months.source,
        source_months.year,
        periods.period,
        periods.first_month,
        periods.last_month
    from source_months
    inner join periods
        on source_months.event_month between periods.first_month and periods.last_month
    group by
        source_months.source,
        source_months.year,
        periods.period,
        periods.first_month,
        periods.last_month
    having count(distinct source_months.event_month) = periods.last_month - periods.first_month + 1
),

npr_periods as (
    select
        'npr' as data_source,
        year,
        period,
        first_month,
        last_month
    from source_periods
    group by
        year,
        period,
        first_month,
        last_month
    having count(distinct source) = {{ npr_sources | length }}
),

nki_years as (
    select distinct discharge_year as year
    from {{ ref('stg_nki__discharge_summaries') }}
)

select
    data_source,
    year,
    period,
    first_month,
    last_month
from npr_periods
union all
select
    'nki' as data_source,
    nki_years.year,
    npr_periods.period,
    npr_periods.first_month,
    npr_periods.last_month
from nki_years
inner join npr_periods
    on
        nki_years.year = npr_periods.year
        and npr_periods.period = 'year'
