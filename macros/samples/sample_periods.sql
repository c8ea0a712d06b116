{#
    rate_periods_relation(): the periods of rate_periods() (macros/rates/rate_method.sql) as
    the body of a CTE: period, first_month, last_month, one row each ('T1' 1-4, 'T2' 1-8,
    'year' 1-12).

    period_sums(columns, month_column): one `sum(case when <month> between first and last
    then <column> end) as <column>_<period>` per column and period, joined by commas (for a
    select list): the cumulative sums of every period in one pass over the events.

    period_month(month_column): the last month of the first period that holds the month
    (4 for months 1-4, 8 for 5-8, 12 for 9-12). The periods all run from January, so an event
    of month m is in exactly the periods that hold period_month(m): grouping events by it
    instead of by month gives the same cumulative sums with at most one row per period.

    area_code_of_level(level_column, relation): the area code of a row of `relation` at the
    level in level_column: 'norway', or the row's rhf_code / hf_code / hospital_code.

    period_event_column(period): the name of int_sample_stratum_events' column of a period's
    events, events_<period> ('events_t1', 'events_t2', 'events_year'). period_column(column,
    period): <column>_<period>, the one place such names are made (period_sums names its sums
    with it). period_event_columns(): all of them, in the order of rate_periods().

    period_event_rows(relation, columns): a select of `relation` (a relation or a subquery in
    parentheses, with the columns of period_event_columns()) with one row per row and period:
    `columns`, period, and the period's events (a double) as `events`. A period without
    events (0) gives no row, as int_sample_stratum_events holds no stratum without events.
#}
{% macro rate_periods_relation() -%}
    {%- set selects = [] -%}
    {%- for period, months in rate_periods().items() -%}
        {%- do selects.append(
            "select '" ~ period ~ "' as period, " ~ months[0] ~ " as first_month, "
            ~ months[1] ~ " as last_month") -%}
    {%- endfor -%}
    {{ selects | join('\n    union all\n    ') }}
{%- endmacro %}

{% macro period_sums(columns, month_column, indent=8) -%}
    {%- set sums = [] -%}
    {%- for column in columns -%}
        {%- for period, months in rate_periods().items() -%}
            {%- do sums.append(
                "sum(case when " ~ month_column ~ " between " ~ months[0] ~ " and " ~ months[1]
                ~ " then " ~ column ~ " end) as " ~ period_column(column, period)) -%}
        {%- endfor -%}
    {%- endfor -%}
    {{ sums | join(',\n' ~ (' ' * indent)) }}
{%- endmacro %}

{% macro area_code_of_level(level_column, relation) -%}
    case {{ level_column }}
        when 'norway' then 'norway'
        when 'rhf' then {{ relation }}.rhf_code
        when 'hf' then {{ relation }}.hf_code
        when 'hospital' then {{ relation }}.hospital_code
    end
{%- endmacro %}

{% macro period_month(month_column) -%}
    {%- set ends = [] -%}
    {%- for period, months in rate_periods().items() -%}
        {%- if months[0] != 1 -%}
            {%- set message = 'period_month: period ' ~ period ~ ' starts in month ' ~ months[0]
                ~ '; grouping by period month needs every period to run from January' -%}
            {%- do exceptions.raise_compiler_error(message) -%}
        {%- endif -%}
        {%- do ends.append(months[1]) -%}
    {%- endfor -%}
    {%- set branches = [] -%}
    {%- for last in ends | unique | sort -%}
        {%- do branches.append('when ' ~ month_column ~ ' <= ' ~ last ~ ' then ' ~ last) -%}
    {%- endfor -%}
    case {{ branches | join(' ') }} end
{%- endmacro %}

{% macro period_column(column, period) -%}
    {{ column }}_{{ period | lower }}
{%- endmacro %}

{% macro period_event_column(period) -%}
    {{ period_column('events', period) }}
{%- endmacro %}

{% macro period_event_columns() -%}
    {%- set columns = [] -%}
    {%- for period in rate_periods() -%}
        {%- do columns.append(period_event_column(period) | string) -%}
    {%- endfor -%}
    {{ return(columns) }}
{%- endmacro %}

{% macro period_event_rows(relation, columns) -%}
    {%- set branches = [] -%}
    {%- for period in rate_periods() -%}
        {%- do branches.append("when '" ~ period ~ "' then wide_events."
            ~ period_event_column(period)) -%}
    {%- endfor -%}
    {%- set period_events = 'case periods.period ' ~ branches | join(' ') ~ ' end' -%}
    {%- set selected = [] -%}
    {%- for column in columns -%}
        {%- do selected.append('wide_events.' ~ column) -%}
    {%- endfor -%}
    select
        {{ selected | join(',\n        ') }},
        periods.period,
        cast({{ period_events }} as {{ type_double() }}) as events
    from {{ relation }} as wide_events
    cross join ({{ rate_periods_relation() }}) as periods
    where {{ period_events }} > 0
{%- endmacro %}
