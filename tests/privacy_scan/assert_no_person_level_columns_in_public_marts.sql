{#
    Privacy scan, person-level data (issue 9, item 4): no public mart (every model under
    models/marts, from the graph; columns as built, from the database) has
    - a column whose name marks person-level data: pseudonymous or record ids (person_id,
      lopenr, pasient/patient ids, contact, invoice, referral, record or episode ids; not
      n_*/share_* counts of them), birth data (fodsel*, birth*, fnr), or a per-person date
      (any *_date/date_*/*dato/*_at column: contact, admission, discharge, service dates);
    - a column of a date or timestamp type (the marts publish years and periods only);
    - a text value of 11 or more digits (a fodselsnummer has 11, the pseudonymous ids of
      the extracts 12), or an integer of 10 digits or more (no count, year or code reaches
      that; a numeric person id would).
    One row per finding: mart, column and what was found.
#}
{%- set name_pattern = [
    '(^|_)(person_id|person_key|personnummer|lopenr|pasient|patient_id|fnr|fodsel|birth)',
    '^(?!n_|share_)(.*_)?(contact|invoice|referral|record|episode)_id$',
    '(^|_)date(_|$)|dato|_at$',
] | join('|') -%}
{#- run after every declared mart (the small-cell scan fails on an undeclared one) -#}
{%- for mart in var('public_mart_count_columns') -%}
    {%- set _ = ref(mart) -%}
{%- endfor -%}
{%- set findings = [] -%}
{%- set value_checks = [] -%}
{%- if execute -%}
    {%- for node in public_mart_nodes() -%}
        {%- set relation = api.Relation.create(
            database=node.database, schema=node.schema, identifier=node.alias) -%}
        {%- for column in adapter.get_columns_in_relation(relation) -%}
            {%- set name = column.name | lower -%}
            {%- set data_type = column.data_type | lower -%}
            {%- if modules.re.search(name_pattern, name) -%}
                {%- do findings.append((node.name, name, 'person-level column name')) -%}
            {%- endif -%}
            {%- if 'date' in data_type or 'time' in data_type -%}
                {%- do findings.append((node.name, name, 'date or timestamp column: ' ~ data_type)) -%}
            {%- endif -%}
            {%- if column.is_string() -%}
                {%- do value_checks.append(
                    "select '" ~ node.name ~ "' as mart, '" ~ name ~ "' as column_name,"
                    ~ " 'values of 11 or more digits' as finding, count(*) as n_values"
                    ~ " from " ~ relation
                    ~ " where " ~ matches_pattern(adapter.quote(column.name), '[0-9]{11,}')
                ) -%}
            {%- elif column.is_integer() -%}
                {%- do value_checks.append(
                    "select '" ~ node.name ~ "' as mart, '" ~ name ~ "' as column_name,"
                    ~ " 'integers of 10 or more digits' as finding, count(*) as n_values"
                    ~ " from " ~ relation
                    ~ " where abs(" ~ adapter.quote(column.name) ~ ") >= 1000000000"
                ) -%}
            {%- endif -%}
        {%- endfor -%}
    {%- endfor -%}
{%- endif -%}
{%- for mart, name, finding in findings -%}
    {%- do value_checks.append(
        "select '" ~ mart ~ "' as mart, '" ~ name ~ "' as column_name, '"
        ~ finding ~ "' as finding, 1 as n_values"
    ) -%}
{%- endfor -%}
{%- if not value_checks -%}
    {%- do value_checks.append(
        "select 'none' as mart, 'none' as column_name, 'none' as finding, 0 as n_values"
    ) -%}
{%- endif -%}

with checks as (
    {{ value_checks | join('\n    union all\n    ') }}
)

select
    mart,
    column_name,
    finding,
    n_values
from checks
where n_values > 0
