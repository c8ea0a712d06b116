{#
    Test column_checks(model, not_null=[], unique=[], accepted_values={}, accepted_range={},
    unique_keys=[]): the column and key checks of a model (or seed) in one test node, instead
    of one node and one query per column, check and key (every node has a fixed cost in dbt,
    whatever it reads, on every engine: docs/testing.md).

    - not_null: column names; fails on NULL.
    - unique: column names; fails on a non-null value present more than once (NULLs are
      ignored, as in dbt's unique); failing_rows is count(column) - count(distinct column),
      the rows beyond the first of each duplicated value.
    - accepted_values: column -> list of values, or column -> {values: [...], quote: false};
      fails on a non-null value not in the list (NULL passes, as in dbt's accepted_values).
      Values are string literals unless quote is false (then rendered as they are).
    - accepted_range: column -> {min_value: .., max_value: .., inclusive: true}; either bound
      may be left out, inclusive=false makes both bounds exclusive; fails on a non-null value
      outside the range.
    - unique_keys: a list of keys, each a list of columns ([[a, b]]: (a, b) is unique); fails
      on a combination present more than once, NULL counting as a value (they group together,
      as a natural key with an optional part such as (municipality_code, district_code) needs);
      failing_rows is count(*) - the number of distinct combinations (a subquery over the
      key's columns, in the same query).

    Fails with one row per failing (column, check): column_name (a key's columns joined by
    ', '), check_name (not_null, unique, accepted_values, accepted_range, unique_key),
    failing_rows. Checks that need a config of their own (severity, where) go in a second
    column_checks test of the model with that config, or in dbt's own column-level not_null /
    unique / accepted_values test.
#}
{% test column_checks(
    model, not_null=[], unique=[], accepted_values={}, accepted_range={}, unique_keys=[]
) -%}
    {#- (column, check, failing row condition) of every check, in argument order; unique and
        unique_key have none: their failing rows are counted apart (below) -#}
    {%- set checks = [] -%}
    {%- for column in not_null -%}
        {%- do checks.append((column, 'not_null', column ~ ' is null')) -%}
    {%- endfor -%}
    {%- for column in unique -%}
        {%- do checks.append((column, 'unique', none)) -%}
    {%- endfor -%}
    {%- for column, spec in accepted_values.items() -%}
        {%- set values = spec['values'] if spec is mapping else spec -%}
        {%- set quote = spec.get('quote', true) if spec is mapping else true -%}
        {%- set literals = [] -%}
        {%- for value in values -%}
            {%- do literals.append(
                "'" ~ (value | string | replace("'", "''")) ~ "'" if quote else value | string) -%}
        {%- endfor -%}
        {%- do checks.append((column, 'accepted_values',
            column ~ ' is not null and ' ~ column ~ ' not in (' ~ literals | join(', ') ~ ')')) -%}
    {%- endfor -%}
    {%- for column, spec in accepted_range.items() -%}
        {%- set comparison = '>=' if spec.get('inclusive', true) else '>' -%}
        {%- set bounds = [] -%}
        {%- if spec.get('min_value') is not none -%}
            {%- do bounds.append(column ~ ' ' ~ comparison ~ ' ' ~ spec['min_value']) -%}
        {%- endif -%}
        {%- if spec.get('max_value') is not none -%}
            {%- do bounds.append(spec['max_value'] ~ ' ' ~ comparison ~ ' ' ~ column) -%}
        {%- endif -%}
        {%- do checks.append((column, 'accepted_range', column ~ ' is not null and not ('
            ~ (bounds | join(' and ') if bounds else '1 = 1') ~ ')')) -%}
    {%- endfor -%}
    {%- for key in unique_keys -%}
        {%- if key is string -%}
            {{ exceptions.raise_compiler_error(
                'column_checks: unique_keys is a list of keys, each a list of columns: [['
                ~ key ~ ']]') }}
        {%- endif -%}
        {%- do checks.append((key | join(', '), 'unique_key', none)) -%}
    {%- endfor %}

with counts as (
    select
    {%- for column, check, condition in checks %}
        {#- failing rows: of a condition; of a unique column; of a key, the rows beyond the
            number of its distinct combinations (NULLs alike) #}
        {%- set failing = 'sum(case when ' ~ condition ~ ' then 1 else 0 end)'
            if condition is not none
            else 'count(' ~ column ~ ') - count(distinct ' ~ column ~ ')' if check == 'unique'
            else 'count(*) - (select count(*) from (select distinct ' ~ column ~ ' from '
                ~ model ~ ') as combinations)' %}
        {{ failing }} as failing_{{ loop.index }},
    {%- endfor %}
        count(*) as n_rows
    from {{ model }}
)

{% for column, check, condition in checks -%}
select
    '{{ column }}' as column_name,
    '{{ check }}' as check_name,
    failing_{{ loop.index }} as failing_rows
from counts
where failing_{{ loop.index }} > 0
{% if not loop.last %}union all
{% endif -%}
{%- else -%}
select
    'none' as column_name,
    'none' as check_name,
    n_rows as failing_rows
from counts
where 1 = 0
{% endfor %}
{% endtest %}
