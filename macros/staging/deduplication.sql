{#
    deduplication_ctes(source_name, repeated_ids): CTEs that end in `numbered`, the rows of the
    raw table source('raw', source_name) with columns that find exact duplicates and
    conflicting record ids over the delivered columns (NULLs compare equal in a partition, as
    they should here):
      copy_number      1 for the first copy of an exact row (by file, then line), 2, 3 ...
      first_copy_file  file and line of that first copy
      first_copy_line
      n_copies         how many exact copies the row has
      n_id_rows        how many rows carry the row's record id (n_id_rows > n_copies: the id
                       is shared with a different row)
    A base model is a view over the raw table; repeated_ids is the table of its source's
    repeated ids (a model of repeated_record_ids below), so the windows run once per build
    there, not in every query that reads the view. The raw key (_file, _line) joins it back;
    a row without an entry there is the only row of its record id.
#}
{% macro deduplication_ctes(source_name, repeated_ids) -%}
numbered as (
    select
        raw_rows.*,
        coalesce(dedup_windows.copy_number, 1) as copy_number,
        coalesce(dedup_windows.first_copy_file, raw_rows._file) as first_copy_file,
        coalesce(dedup_windows.first_copy_line, raw_rows._line) as first_copy_line,
        coalesce(dedup_windows.n_copies, 1) as n_copies,
        coalesce(dedup_windows.n_id_rows, 1) as n_id_rows
    from {{ source('raw', source_name) }} as raw_rows
    left join {{ repeated_ids }} as dedup_windows
        on
            raw_rows._file = dedup_windows.dedup_file
            and raw_rows._line = dedup_windows.dedup_line
)
{%- endmacro %}

{#
    repeated_record_ids(source_name): the model of a source's repeated ids, one row per raw row
    of source('raw', source_name) whose record id occurs more than once or is NULL
    (dedup_file, dedup_line and the window columns of deduplication_ctes). A table, small by
    construction: the candidates of duplicates and conflicts. The record id is the source
    contract's key (a column, or key_text(...) of a composite key) and the delivered columns
    are the contract's (raw_contract_columns.sql); they include `_unparsed`: two rows whose
    values did not parse differ by their delivered text. Exact copies share their record id,
    so only rows whose id occurs more than once (or is NULL) go through the window over all
    columns: a window partitioned by some thirty text columns costs several times the rest of
    a base model on every row, and the candidates are a fraction of a percent of a delivery.
#}
{% macro repeated_record_ids(source_name) -%}
    {%- set raw_rows = source('raw', source_name) -%}
    {%- set record_id = raw_record_key(source_name) -%}
    {%- set all_columns = raw_extract_columns(source_name) | join(', ') -%}
with

dedup_shared_ids as (
    select {{ record_id }} as shared_id
    from {{ raw_rows }}
    group by {{ record_id }}
    having count(*) > 1
),

dedup_candidates as (
    -- a join, not `in (subquery)`: PostgreSQL plans that as a linear search per row when
    -- it expects the subquery not to fit in work_mem (quadratic at 1 million rows)
    select raw_rows.*
    from {{ raw_rows }} as raw_rows
    left join dedup_shared_ids
        on {{ record_id }} = dedup_shared_ids.shared_id
    where
        dedup_shared_ids.shared_id is not null
        or {{ record_id }} is null
)

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
{%- endmacro %}
