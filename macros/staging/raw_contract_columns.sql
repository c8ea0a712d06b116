{#
    A raw table's contract as SQL: its record key and its delivered columns, from raw_contract
    (raw_contracts.sql, generated from contracts/<source>.yml). Macros that return data sit in
    files apart from their callers: sqlfluff's jinja templater passes a `return` value on only
    between macros of different files.
#}

{#- The record id of a raw table's rows as a SQL expression: the contract's key, one column
    or its columns as one text (key_text). -#}
{% macro raw_record_key(source_name) -%}
    {%- set key = raw_contract(source_name)['key'] -%}
    {%- if key | length == 1 -%}
        {{ return(key[0]) }}
    {%- endif -%}
    {{ return(key_text(key)) }}
{%- endmacro %}

{#- The delivered columns of a raw table, in file order, and `_unparsed` (the text of the values
    that did not parse): exact copies are equal in all of them. -#}
{% macro raw_extract_columns(source_name) -%}
    {{ return(raw_contract(source_name)['columns'] + ['_unparsed']) }}
{%- endmacro %}
