{#
    rate_periods_relation(): the periods of rate_periods() (macros/rates/rate_method.sql) as
    the body of a CTE: period, first_month, last_month, one row each ('T1' 1-4, 'T2' 1-8,
    'year' 1-12).

    period_sums(columns, month_column): one `sum(case when <month> between first and last
    then <column> end) as <column>_<period>` per column and period, joined by commas (for a
    select list): the cumulative sums of every period in one pass over the events.

    area_code_of_level(level_column, relation): the area code of a row of `relation` at the
    level in level_column: 'norway', or the row's rhf_code / hf_code / hospital_code.
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
                ~ " then " ~ column ~ " end) as " ~ column ~ "_" ~ (period | lower)) -%}
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
