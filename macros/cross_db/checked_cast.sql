{#
    checked_cast(expression, data_type): the text `expression` as `data_type`, or NULL when it does
    not parse. The loader types the raw columns by the same rules once, at ingestion
    (src/clinical_dashboard/landing_types.py holds these patterns too; a test checks they are
    the same), and staging sends a row whose value did not parse to quarantine (reason
    `unparseable_value`), so nothing is lost silently; models that type text themselves use
    this macro. (Named checked_cast, not safe_cast: a project macro called safe_cast would replace
    dbt's own, which dbt's unit-test fixtures call with SQL type names.)

    data_type is one of the logical types of the extract formats; the text (blanks around it
    trimmed) must have exactly this form:
      integer  [+-] then 1-9 digits                         -> dbt.type_int()
      bigint   [+-] then 1-18 digits                        -> dbt.type_bigint()
      numeric  [+-] then digits with at most one '.', at least one digit, at most 15 digits
               before the point                             -> dbt.type_numeric()
      date     YYYY-MM-DD, a real calendar day              -> date

    The form is checked by one regular expression per type (checked_cast_is_well_formed, through
    the dispatch macro matches_pattern), so a row is accepted or rejected alike on DuckDB,
    PostgreSQL and Spark: DuckDB's try_cast alone would also take '12.5' (as 13), '1e3',
    '0x1F' or '1_000' for an integer and a timestamp for a date. (A regex-free guard with
    translate() was slower on DuckDB: benchmarks/README.md.) The dialect difference is the
    cast itself: PostgreSQL has no try_cast, so its
    variant casts only well-formed text and checks a date's day against its month (and leap
    years) first, since cast('2023-02-30' as date) raises.
    tests/staging/assert_checked_cast_parses_alike_everywhere.sql pins the accepted forms.
#}
{% macro checked_cast(expression, data_type) -%}
    {{ return(adapter.dispatch('checked_cast', 'clinical_dashboard')(expression, data_type)) }}
{%- endmacro %}

{% macro checked_cast_sql_type(data_type) -%}
    {%- set sql_types = {
        'integer': dbt.type_int(),
        'bigint': dbt.type_bigint(),
        'numeric': dbt.type_numeric(),
        'date': 'date',
    } -%}
    {%- if data_type not in sql_types -%}
        {{ exceptions.raise_compiler_error(
            "checked_cast: unknown data_type '" ~ data_type ~ "'; use one of "
            ~ (sql_types.keys() | list | join(', '))) }}
    {%- endif -%}
    {{ return(sql_types[data_type]) }}
{%- endmacro %}

{#- True when the (trimmed) text has the form of data_type; NULL for NULL text. -#}
{% macro checked_cast_is_well_formed(text, data_type) -%}
    {%- set patterns = {
        'integer': '[+-]?[0-9]{1,9}',
        'bigint': '[+-]?[0-9]{1,18}',
        'numeric': '[+-]?([0-9]{1,15}([.][0-9]*)?|[.][0-9]+)',
        'date': '[0-9]{4}-[0-9]{2}-[0-9]{2}',
    } -%}
    {%- if data_type not in patterns -%}
        {{ exceptions.raise_compiler_error("checked_cast: unknown data_type '" ~ data_type ~ "'") }}
    {%- endif -%}
    {{ matches_pattern(text, patterns[data_type]) }}
{%- endmacro %}

{% macro default__checked_cast(expression, data_type) -%}
    {%- set trimmed = 'trim(' ~ expression ~ ')' -%}
    case
        when {{ checked_cast_is_well_formed(trimmed, data_type) }}
            then try_cast({{ trimmed }} as {{ checked_cast_sql_type(data_type) }})
    end
{%- endmacro %}

{% macro postgres__checked_cast(expression, data_type) -%}
    {%- set trimmed = 'trim(' ~ expression ~ ')' -%}
    {%- if data_type == 'date' -%}
        {%- set year = 'cast(substr(' ~ trimmed ~ ', 1, 4) as integer)' -%}
        {%- set month = 'cast(substr(' ~ trimmed ~ ', 6, 2) as integer)' -%}
        {%- set day = 'cast(substr(' ~ trimmed ~ ', 9, 2) as integer)' -%}
    case
        when {{ checked_cast_is_well_formed(trimmed, data_type) }}
            then
                case
                    when {{ year }} >= 1
                        and {{ day }} between 1 and (
                            case
                                when {{ month }} in (1, 3, 5, 7, 8, 10, 12) then 31
                                when {{ month }} in (4, 6, 9, 11) then 30
                                when {{ month }} = 2
                                    and (
                                        ({{ year }} % 4 = 0 and {{ year }} % 100 <> 0)
                                        or {{ year }} % 400 = 0
                                    )
                                    then 29
                                when {{ month }} = 2 then 28
                                else 0
                            end
                        )
                        then cast({{ trimmed }} as date)
                end
    end
    {%- else -%}
    case
        when {{ checked_cast_is_well_formed(trimmed, data_type) }}
            then cast({{ trimmed }} as {{ checked_cast_sql_type(data_type) }})
    end
    {%- endif -%}
{%- endmacro %}
