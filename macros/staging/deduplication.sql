{#
    deduplication_ctes(relation, extract_columns, record_id): CTEs that end in `numbered`,
    the rows of `relation` (the raw table, source('raw', ...)) with columns that find exact
    duplicates and conflicting record ids over the raw columns (NULLs compare equal in a
    partition, as they should here):
      copy_number      1 for the first copy of an exact row (by file, then line), 2, 3 ...
      first_copy_file  file and line of that first copy
      first_copy_line
      n_copies         how many exact copies the row has
      n_id_rows        how many rows carry the row's record id (n_id_rows > n_copies: the id
                       is shared with a different row)
    record_id is a SQL expression over the raw columns (a column, or key_text(...) for a
    composite key). Exact copies share their record id, so only rows whose id occurs more
    than once (or is NULL) go through the window over all columns: a window partitioned by
    some thirty text columns costs several times the rest of the model on every row, and
    the candidates are a fraction of a percent of a delivery. The raw key (_file, _line)
    joins the result back. The raw table is read directly, not through a CTE: DuckDB would
    materialise a CTE that is read three times (all columns of every row in memory).
#}
{% macro deduplication_ctes(relation, extract_columns, record_id) -%}
    {%- set all_columns = extract_columns | join(', ') -%}
dedup_shared_ids as (
    select {{ record_id }} as shared_id
    from {{ relation }}
    group by {{ record_id }}
    having count(*) > 1
),

dedup_candidates as (
    -- a join, not `in (subquery)`: PostgreSQL plans that as a linear search per row when
    -- it expects the subquery not to fit in work_mem (quadratic at 1 million rows)
    select raw_rows.*
    from {{ relation }} as raw_rows
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
),

numbered as (
    select
        raw_rows.*,
        coalesce(dedup_windows.copy_number, 1) as copy_number,
        coalesce(dedup_windows.first_copy_file, raw_rows._file) as first_copy_file,
        coalesce(dedup_windows.first_copy_line, raw_rows._line) as first_copy_line,
        coalesce(dedup_windows.n_copies, 1) as n_copies,
        coalesce(dedup_windows.n_id_rows, 1) as n_id_rows
    from {{ relation }} as raw_rows
    left join dedup_windows
        on
            raw_rows._file = dedup_windows.dedup_file
            and raw_rows._line = dedup_windows.dedup_line
)
{%- endmacro %}
