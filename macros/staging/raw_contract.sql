{#
    A raw table's contract as the dbt sources carry it (models/staging/_raw__sources.yml,
    generated from contracts/<source>.yml): its record key and its delivered columns. Macros
    that return data sit in files apart from their callers: sqlfluff's jinja templater passes a
    `return` value on only between macros of different files.
#}

{#- The record id of a raw table's rows as a SQL expression: the contract's key (the dbt
    sources' meta.record_key), one column or its columns as one text (key_text). -#}
{% macro raw_record_key(source_name) -%}
    {%- set key = raw_source_node(source_name).config.meta.get('record_key', []) -%}
    {%- if key | length == 1 -%}
        {{ return(key[0]) }}
    {%- endif -%}
    {{ return(key_text(key)) }}
{%- endmacro %}

{#- The delivered columns of a raw table, in file order (with `_unparsed`): its columns in the
    dbt sources, generated from the source's contract, without the loader's _file, _line and
    _delivery_hash. Exact copies are equal in all of them. -#}
{% macro raw_extract_columns(source_name) -%}
    {%- set columns = [] -%}
    {%- for column in raw_source_node(source_name).columns -%}
        {%- if column not in ('_file', '_line', '_delivery_hash') -%}
            {%- do columns.append(column) -%}
        {%- endif -%}
    {%- endfor -%}
    {{ return(columns) }}
{%- endmacro %}
