{#
    Age groups of the rate strata (SPEC section 5), as CASE expressions that run alike on DuckDB,
    PostgreSQL and Spark.

    age_group_5y(age):            '00-04', '05-09', ..., '85-89', '90+' (19 groups; sex x age
                                  strata of the age- and sex-standardised rates).
    age_group_waiting_list(age):  '0-9', '10-19', '20-39', '40-59', '60-69', '70-79', '80+'
                                  (the groups of FHI's waiting-list files; new-referral rates
                                  are standardised by age only, in these groups).
    A NULL or negative age gives NULL.
#}
{% macro age_group_5y(age) -%}
    {%- set branches = [] -%}
    {%- for lower in range(0, 90, 5) -%}
        {%- do branches.append(
            "when " ~ age ~ " < " ~ (lower + 5) ~ " then '"
            ~ ("%02d" % lower) ~ "-" ~ ("%02d" % (lower + 4)) ~ "'") -%}
    {%- endfor -%}
    case
        when {{ age }} is null or {{ age }} < 0 then null
        when {{ age }} >= 90 then '90+'
        {{ branches | join('\n        ') }}
    end
{%- endmacro %}

{% macro waiting_list_age_groups() -%}
    {{ return([(0, 9), (10, 19), (20, 39), (40, 59), (60, 69), (70, 79)]) }}
{%- endmacro %}

{% macro age_group_waiting_list(age) -%}
    {%- set branches = [] -%}
    {%- for lower, upper in waiting_list_age_groups() -%}
        {%- do branches.append(
            "when " ~ age ~ " <= " ~ upper ~ " then '" ~ lower ~ "-" ~ upper ~ "'") -%}
    {%- endfor -%}
    case
        when {{ age }} is null or {{ age }} < 0 then null
        {{ branches | join('\n        ') }}
        else '80+'
    end
{%- endmacro %}
