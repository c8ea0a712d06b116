{#
    Quarantine: every raw row ends in exactly one of three places, recorded in the column
    `outcome` of the source's base model:
      staged       the row is in the staging model;
      deduplicated an exact copy of an earlier row (all extract columns equal; the first by
                   file and line is kept), reason `exact_duplicate`;
      quarantined  the row cannot be used; the first failing check names the reason.
    Row conservation per file (raw = staged + quarantined + deduplicated) is tested by the
    generic test `rows_conserved`.

    quarantine_reasons() (quarantine_reasons.sql) is the catalogue of reason codes and their
    texts: the only place where a reason is named. A base model lists its checks in priority
    order with quarantine_check() (quarantine_check.sql); the first that holds decides the
    reason of a row, so a row with several problems shows the most basic one (record id, then
    required and unparseable values, then the data year, date order and plausible spans, then
    age). The bounds of the plausibility checks are vars (plausibility_bounds.sql). The
    macros that return data rather than SQL sit in files of their own: sqlfluff's jinja
    templater passes a `return` value on only between macros of different files.
    The exact-duplicate and record-id window columns come from deduplication_ctes()
    (deduplication.sql).
#}

{#- Checks that every non-empty delivered value of a typed column parsed: [raw, ...], columns
    the loader types (contract key `landing`); the value shown is the delivered text
    (unparsed_value, macros/cross_db/unparsed_value.sql). -#}
{% macro unparseable_checks(raw_columns) -%}
    {%- set checks = [] -%}
    {%- for raw_column in raw_columns -%}
        {%- do checks.append(quarantine_check(
            'unparseable_value',
            '(' ~ unparsed_value(raw_column) ~ ' is not null)',
            raw_column,
            unparsed_value(raw_column))) -%}
    {%- endfor -%}
    {{ return(checks) }}
{%- endmacro %}

{#- Checks that required raw columns are not empty: [raw, ...]. A typed column is NULL also
    when its value did not parse; that is unparseable, not missing. -#}
{% macro missing_value_checks(raw_columns) -%}
    {%- set checks = [] -%}
    {%- for raw_column in raw_columns -%}
        {%- do checks.append(quarantine_check(
            'missing_required_value',
            '(' ~ raw_column ~ ' is null and ' ~ unparsed_value(raw_column) ~ ' is null)',
            raw_column)) -%}
    {%- endfor -%}
    {{ return(checks) }}
{%- endmacro %}

{#- The check that a row's year (year_column, derived from raw_column) is one of the data
    years the build computes (var data_years; macros/staging/plausibility_bounds.sql): a row
    dated 2031 must not make the year-by-year models compute 2031. -#}
{% macro data_year_check(year_column, raw_column) -%}
    {%- set years = data_years() -%}
    {{ return(quarantine_check(
        'outside_data_years',
        '(' ~ year_column ~ ' not between ' ~ years.first ~ ' and ' ~ years.last ~ ')',
        raw_column)) }}
{%- endmacro %}

{#- Whole days from first_date to second_date (second - first). -#}
{% macro days_between(first_date, second_date) -%}
    {{ dbt.datediff(first_date, second_date, 'day') }}
{%- endmacro %}

{#- Age outside 0-110, or inconsistent with the birth year by more than one year. -#}
{% macro impossible_age_condition(age, birth_year, event_year) -%}
    ({{ age }} not between 0 and 110
        or abs({{ event_year }} - {{ birth_year }} - {{ age }}) > 1)
{%- endmacro %}

{#- The number of the first failing check (0 = a later copy of an exact duplicate, NULL = the
    row passes). Needs the column copy_number of deduplication_ctes(). -#}
{% macro quarantine_check_number(checks) -%}
    case
        when copy_number > 1 then 0
    {%- for check in checks %}
        when {{ check.condition }} then {{ loop.index }}
    {%- endfor %}
    end
{%- endmacro %}

{#- reason_code, reason_column, reason_value and outcome from check_number. -#}
{% macro quarantine_outcome_columns(checks) -%}
    case check_number
        when 0 then 'exact_duplicate'
    {%- for check in checks %}
        when {{ loop.index }} then '{{ check.reason_code }}'
    {%- endfor %}
    end as reason_code,
    case check_number
    {%- for check in checks %}
        when {{ loop.index }} then '{{ check.column }}'
    {%- endfor %}
    end as reason_column,
    case check_number
    {%- for check in checks %}
        when {{ loop.index }} then cast({{ check.value }} as {{ dbt.type_string() }})
    {%- endfor %}
    end as reason_value,
    case
        when check_number is null then 'staged'
        when check_number = 0 then 'deduplicated'
        else 'quarantined'
    end as outcome
{%- endmacro %}

{#- The reason text of a reason code (SQL expression). -#}
{% macro quarantine_reason_text(reason_code) -%}
    case {{ reason_code }}
    {%- for code, text in quarantine_reasons().items() %}
        when '{{ code }}' then '{{ text | replace("'", "''") }}'
    {%- endfor %}
    end
{%- endmacro %}

{#- The rows of a base model that are not staged, in the columns every quarantine model has. -#}
{% macro quarantine_rows(base_model) -%}
    select
        source,
        source_file as file,
        source_line as line,
        record_id,
        outcome,
        reason_code,
        {{ quarantine_reason_text('reason_code') }} as reason,
        reason_column as column_name,
        reason_value as column_value,
        first_copy_file,
        first_copy_line,
        delivery_hash
    from {{ base_model }}
    where outcome <> 'staged'
{%- endmacro %}

{#- Quarantine rows of several base models, stacked. -#}
{% macro quarantine_union(base_models) -%}
    {%- for base_model in base_models %}
        {{ quarantine_rows(base_model) }}
        {%- if not loop.last %}

    union all
        {%- endif %}
    {%- endfor %}
{%- endmacro %}

{#- A composite key as one text (record_id of aggregated tables): parts joined by '|'. -#}
{% macro key_text(columns) -%}
    {%- for column in columns -%}
        coalesce(cast({{ column }} as {{ dbt.type_string() }}), '')
        {%- if not loop.last %} || '|' || {% endif -%}
    {%- endfor -%}
{%- endmacro %}
