{#
    The reporting periods (SPEC section 5, seed 000 "Rates for the 1st and 2nd quarter"): per
    year of the data, T1 = January-April, T2 = January-August (cumulative) and the whole year.
    The population of a period is the year's population times the share of the year it spans
    (4/12, 8/12, 1), so that period rates compare with annual rates. The dashboard's English
    text calls T1 and T2 "1st quarter" and "2nd quarter"; Norwegian labels say tertial.

    Years are those of NPR-SOM, the registry the dashboard is built around. A period is
    complete when NPR-SOM holds contacts (by discharge date) in every month from month_from to
    month_to of the year: a delivery that ends in August (2026) makes T1 and T2 complete and
    the year incomplete; a missing month in the middle makes every period that spans it
    incomplete. Statistics use complete periods only (SPEC section 5).
#}
{#- name_nb, name_en, label_nb, label_en per period of rate_periods() #}
{%- set period_labels = {
    'T1': ('1. tertial', '1st quarter', 'T1 (jan-apr)', 'Q1 (Jan-Apr)'),
    'T2': ('2. tertial', '2nd quarter', 'T2 (jan-aug)', 'Q2 (Jan-Aug)'),
    'year': ('Hele året', 'Entire year', 'Hele året', 'Entire year'),
} %}

-- The months NPR-SOM delivered staged contacts in, per year of the discharge date
-- (int_completeness__npr_unit_months: the delivered NPR rows per source, year and month; the
-- NPR family's table, so that only an NPR delivery changes the periods).
with months_with_data as (
    select distinct
        year,
        month as month_number
    from {{ ref('int_completeness__npr_unit_months') }}
    where
        source = 'npr_som'
        and n_rows_staged > 0
        and month is not null
),

years as (
    select
        year,
        max(month_number) as last_month_with_data
    from months_with_data
    group by year
),

-- The periods and their months come from rate_periods() (macros/rates/rate_method.sql), the
-- one place the rate engine takes them from too; the labels (period_labels) are the dashboard's.
periods as (
    {%- for period, months in rate_periods().items() %}
        {%- if period not in period_labels %}
    {{ exceptions.raise_compiler_error("dim_periods: no labels for period '" ~ period ~ "'") }}
    {%- endif %}
        {%- set labels = period_labels[period] %}
        select
            '{{ period }}' as period,
            {{ loop.index }} as period_sort_order,
            {{ months[0] }} as month_from,
            {{ months[1] }} as month_to,
            '{{ labels[0] }}' as period_name_nb,
            '{{ labels[1] }}' as period_name_en,
            '{{ labels[2] }}' as period_label_nb,
            '{{ labels[3] }}' as period_label_en
        {%- if not loop.last %}
            union all
        {%- endif %}
    {%- endfor %}
),

year_periods as (
    select
        years.year,
        years.last_month_with_data,
        periods.period,
        periods.period_sort_order,
        periods.month_from,
        periods.month_to,
        periods.period_name_nb,
        periods.period_name_en,
        periods.period_label_nb,
        periods.period_label_en
    from years
    cross join periods
),

period_months as (
    select
        year_periods.year,
        year_periods.period,
        count(months_with_data.month_number) as n_months_with_data
    from year_periods
    left join months_with_data
        on
            year_periods.year = months_with_data.year
            and months_with_data.month_number
            between year_periods.month_from and year_periods.month_to
    group by year_periods.year, year_periods.period
),

completeness as (
    select
        year_periods.*,
        period_months.n_months_with_data
        = year_periods.month_to - year_periods.month_from + 1 as is_complete
    from year_periods
    inner join period_months
        on
            year_periods.year = period_months.year
            and year_periods.period = period_months.period
),

newest_complete_year as (
    select max(year) as year
    from completeness
    where period = 'year' and is_complete
),

final as (
    select
        completeness.year,
        completeness.period,
        completeness.period_name_nb,
        completeness.period_name_en,
        completeness.period_label_nb,
        completeness.period_label_en,
        completeness.month_from,
        completeness.month_to,
        cast(completeness.month_to - completeness.month_from + 1 as {{ type_double() }})
        / 12 as population_factor,
        completeness.period_sort_order,
        cast(
            completeness.year * 10 + completeness.period_sort_order as {{ dbt.type_int() }}
        ) as sort_order,
        completeness.last_month_with_data,
        completeness.is_complete,
        coalesce(completeness.year = newest_complete_year.year, false)
            as is_newest_complete_year
    from completeness
    cross join newest_complete_year
)

select
    year,
    period,
    period_name_nb,
    period_name_en,
    period_label_nb,
    period_label_en,
    month_from,
    month_to,
    population_factor,
    period_sort_order,
    sort_order,
    last_month_with_data,
    is_complete,
    is_newest_complete_year
from final
