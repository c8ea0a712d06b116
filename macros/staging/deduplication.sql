{#
    deduplication_ctes(source_name, repeated_ids=none): CTEs
    that end in `numbered`, the rows of the raw table source('raw', source_name) with columns
    that find exact duplicates and conflicting record ids over the delivered columns (NULLs
    compare equal in a partition, as they should here):
      copy_number      1 for the first copy of an exact row (by file, then line), 2, 3 ...
      first_copy_file  file and line of that first copy
      first_copy_line
      n_copies         how many exact copies the row has
      n_id_rows        how many rows carry the row's record id (n_id_rows > n_copies: the id
                       is shared with a different row)
    The record id is the source contract's key (a column, or key_text(...) of a composite key)
    and the delivered columns are the contract's. Exact copies share their record id, so only
    rows whose id occurs more than once (or is NULL) go through the window over all columns
    (repeated_record_ids below): a window partitioned by some thirty text columns costs
    several times the rest of the model on every row, and the candidates are a fraction of a
    percent of a delivery. The raw key (_file, _line) joins the result back.

    A base model that is a view over the raw table passes repeated_ids, the table of its
    source's repeated ids (a model of repeated_record_ids): the windows then run once per
    build there, not in every query that reads the view. An incremental base model (NPR
    activity) passes none and computes them inline, over the files it builds. Both take the
    key and the columns from the source's contract (raw_contract_columns.sql). The raw table
    is read directly, not through a CTE: DuckDB would materialise a CTE that is read three
    times (all columns of every row in memory).
#}
{% macro deduplication_ctes(source_name, repeated_ids=none) -%}
    {%- set relation = source('raw', source_name) -%}
    {%- set inline = repeated_ids is none -%}
    {%- set incremental = inline and is_incremental() -%}
    {%- set rows = 'dedup_scope_rows' if incremental else relation -%}
    {%- set id_rows = 'dedup_scope_id_rows' if incremental else relation -%}
    {%- set windows = 'dedup_windows' if inline else repeated_ids -%}
    {%- if incremental %}
        {{ incremental_delivery_scope_ctes(relation, raw_record_key(source_name)) }},
    {%- endif %}
    {%- if inline %}
        {{ repeated_record_id_ctes(
            id_rows, raw_extract_columns(source_name), raw_record_key(source_name)) }},
    {%- endif %}

numbered as (
    select
        raw_rows.*,
        coalesce(dedup_windows.copy_number, 1) as copy_number,
        coalesce(dedup_windows.first_copy_file, raw_rows._file) as first_copy_file,
        coalesce(dedup_windows.first_copy_line, raw_rows._line) as first_copy_line,
        coalesce(dedup_windows.n_copies, 1) as n_copies,
        coalesce(dedup_windows.n_id_rows, 1) as n_id_rows
    from {{ rows }} as raw_rows
    left join {{ windows }} as dedup_windows
        on
            raw_rows._file = dedup_windows.dedup_file
            and raw_rows._line = dedup_windows.dedup_line
)
{%- endmacro %}

{#
    repeated_record_ids(source_name): the model of a source's repeated ids, one row per raw row
    of source('raw', source_name) whose record id occurs more than once or is NULL
    (dedup_file, dedup_line and the window columns of deduplication_ctes). A table, small by
    construction: the candidates of duplicates and conflicts.
#}
{% macro repeated_record_ids(source_name) -%}
with

{{ repeated_record_id_ctes(
    source('raw', source_name), raw_extract_columns(source_name), raw_record_key(source_name)) }}

select * from dedup_windows
{%- endmacro %}

{#- The windows over id_rows. extract_columns include `_unparsed`: two rows whose values did not
    parse differ by their delivered text. -#}
{% macro repeated_record_id_ctes(id_rows, extract_columns, record_id) -%}
    {%- set all_columns = extract_columns | join(', ') -%}
dedup_shared_ids as (
    select {{ record_id }} as shared_id
    from {{ id_rows }}
    group by {{ record_id }}
    having count(*) > 1
),

dedup_candidates as (
    -- a join, not `in (subquery)`: PostgreSQL plans that as a linear search per row when
    -- it expects the subquery not to fit in work_mem (quadratic at 1 million rows)
    select raw_rows.*
    from {{ id_rows }} as raw_rows
    left join dedup_shared_ids
        on {{ record_id }} = dedup_shared_ids.shared_id
    where
        dedup_shared_ids.shared_id is not null
        or {{ record_id }} is null
),

dedup_windows as (
    select
        _file as dedup_file,
        _line as dedup_line,
        row_number() over (
            partition by {{ all_columns }}
            order by _file asc, _line asc
        ) as copy_number,
        first_value(_file) over (
            partition by {{ all_columns }}
            order by _file asc, _line asc
        ) as first_copy_file,
        first_value(_line) over (
            partition by {{ all_columns }}
            order by _file asc, _line asc
        ) as first_copy_line,
        count(*) over (partition by {{ all_columns }}) as n_copies,
        count(*) over (partition by {{ record_id }}) as n_id_rows
    from dedup_candidates
)
{%- endmacro %}

{#
    incremental_delivery_scope_ctes(relation, record_id): on an incremental run of a base
    model, the raw rows to build again, by delivery file (the base models are
    `delete+insert` by source_file: dbt_project.yml, staging base folders).
      dedup_changed_files   files of the raw table whose (file, delivery hash) the model
                            does not hold yet: new deliveries and re-delivered (replaced)
                            files;
      dedup_changed_ids     the record ids in them, and in the model's rows of the replaced
                            versions (an id that left a file may free another file's row of
                            a conflict);
      dedup_touched_files   the changed files and every file holding one of those ids: the
                            outcome of a row there (exact duplicate, conflicting id) may
                            change with the new delivery;
      dedup_scope_rows      the raw rows of the touched files: the rows built again;
      dedup_scope_id_rows   every raw row sharing a record id with them, or without an id:
                            what the duplicate and conflict windows compare them with.
    A file the loader never saw again keeps its rows untouched: raw loads are append-only by
    delivery (a re-delivered file replaces its own rows only). Ids are compared as text: the
    model's record_id is text, the raw id may be typed (a bigint, which PostgreSQL does not
    compare with a text).
#}
{% macro incremental_delivery_scope_ctes(relation, record_id) -%}
dedup_current_files as (
    select distinct
        _file as current_file,
        _delivery_hash as current_hash
    from {{ relation }}
),

dedup_built_files as (
    select distinct
        source_file as built_file,
        delivery_hash as built_hash
    from {{ this }}
),

dedup_changed_files as (
    select dedup_current_files.current_file as changed_file
    from dedup_current_files
    left join dedup_built_files
        on
            dedup_current_files.current_file = dedup_built_files.built_file
            and dedup_current_files.current_hash = dedup_built_files.built_hash
    where dedup_built_files.built_file is null
),

dedup_changed_ids as (
    select cast({{ record_id }} as {{ dbt.type_string() }}) as changed_id
    from {{ relation }} as raw_rows
    inner join dedup_changed_files
        on raw_rows._file = dedup_changed_files.changed_file
    where {{ record_id }} is not null
    union
    select built_rows.record_id as changed_id
    from {{ this }} as built_rows
    inner join dedup_changed_files
        on built_rows.source_file = dedup_changed_files.changed_file
    where built_rows.record_id is not null
),

dedup_id_rows as (
    select raw_rows.*
    from {{ relation }} as raw_rows
    left join dedup_changed_ids
        on cast({{ record_id }} as {{ dbt.type_string() }}) = dedup_changed_ids.changed_id
    where dedup_changed_ids.changed_id is not null
),

dedup_touched_files as (
    select changed_file as touched_file
    from dedup_changed_files
    union
    select distinct _file as touched_file
    from dedup_id_rows
),

dedup_scope_rows as (
    select raw_rows.*
    from {{ relation }} as raw_rows
    inner join dedup_touched_files
        on raw_rows._file = dedup_touched_files.touched_file
),

dedup_scope_ids as (
    select distinct {{ record_id }} as scope_id
    from dedup_scope_rows
    where {{ record_id }} is not null
),

dedup_scope_id_rows as (
    select raw_rows.*
    from {{ relation }} as raw_rows
    left join dedup_scope_ids
        on {{ record_id }} = dedup_scope_ids.scope_id
    where
        dedup_scope_ids.scope_id is not null
        or {{ record_id }} is null
)
{%- endmacro %}
