{#
    The loader's per-check counts of the delivery files the marts are built from (SPEC section
    4): one row per current delivery file and row-level check of its contract, from the ledger
    raw._deliveries (check_counts, counted once per delivery when it was loaded:
    src/clinical_dashboard/validate.py). Code-list checks (`<column>:code_list`: a value not in
    the seed its contract names) are warnings: the rows are loaded and staged with the code; they
    used to be relationships tests on the staging models, evaluated again in every build.

    The current files: stg_loader__current_deliveries.
#}
with current_files as (
    select
        file,
        source,
        year,
        delivery_hash,
        n_rows,
        check_counts
    from {{ ref('stg_loader__current_deliveries') }}
    where check_counts is not null
),

entries as (
    {{ json_count_entries('current_files', 'check_counts') }}
)

select
    file,
    source,
    year,
    delivery_hash,
    n_rows,
    entry_key as check_id,
    -- '<column>:<check>' for a column's checks, 'rows:<check>' for the row count, 'a>=b' pairs
    case
        when entry_key like '%:%' and {{ dbt.split_part('entry_key', "':'", 1) }} <> 'rows'
            then {{ dbt.split_part('entry_key', "':'", 1) }}
    end as column_name,
    case
        when entry_key like '%:%' then {{ dbt.split_part('entry_key', "':'", 2) }}
        else 'pair'
    end as check_name,
    entry_key like '%:code_list' as is_warning,
    entry_count as n_flagged
from entries
