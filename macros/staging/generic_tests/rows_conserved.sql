{#
    Row conservation of a staging model, per delivered file (issue 3): every raw row is
    staged, quarantined or a removed exact duplicate, and nothing else is:

        raw rows = staged rows + quarantined rows + removed duplicates

    model       the staging model (column source_file)
    raw         the raw table it comes from (source('raw', ...); column _file)
    quarantine  the quarantine model of its folder (columns source, file, outcome)
    source_name the value of `source` that marks this raw table's rows in quarantine

    Returns one row per file where the counts disagree (or a file appears on one side only).
#}
{% test rows_conserved(model, raw, quarantine, source_name) %}

with raw_rows as (
    select
        _file as file,
        count(*) as raw_rows
    from {{ raw }}
    group by _file
),

staged_rows as (
    select
        source_file as file,
        count(*) as staged_rows
    from {{ model }}
    group by source_file
),

rejected_rows as (
    select
        file,
        sum(case when outcome = 'quarantined' then 1 else 0 end) as quarantined_rows,
        sum(case when outcome = 'deduplicated' then 1 else 0 end) as duplicate_rows,
        sum(case when outcome not in ('quarantined', 'deduplicated') then 1 else 0 end)
            as other_rows
    from {{ quarantine }}
    where source = '{{ source_name }}'
    group by file
),

files as (
    select file from raw_rows
    union
    select file from staged_rows
    union
    select file from rejected_rows
),

balance as (
    select
        files.file,
        coalesce(raw_rows.raw_rows, 0) as raw_rows,
        coalesce(staged_rows.staged_rows, 0) as staged_rows,
        coalesce(rejected_rows.quarantined_rows, 0) as quarantined_rows,
        coalesce(rejected_rows.duplicate_rows, 0) as duplicate_rows,
        coalesce(rejected_rows.other_rows, 0) as other_rows
    from files
    left join raw_rows on files.file = raw_rows.file
    left join staged_rows on files.file = staged_rows.file
    left join rejected_rows on files.file = rejected_rows.file
)

select *
from balance
where
    raw_rows <> staged_rows + quarantined_rows + duplicate_rows
    or other_rows <> 0

{% endtest %}
