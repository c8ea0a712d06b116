{#
    The delivery files whose rows are in raw: one row per file whose newest 'loaded' or
    'withdrawn' ledger row (raw._deliveries) is 'loaded', as the loader's current_files
    (src/clinical_dashboard/load.py) decides it. The one place this rule is written in SQL: the
    rate engine's population fraction (int_rate_population_fraction) and the published
    per-check counts (fct_delivery_checks) read the same files.
#}
with ledger as (
    select
        file,
        source,
        year,
        delivery_hash,
        rows as n_rows,
        status,
        population_fraction,
        synthetic,
        check_counts,
        row_number() over (partition by file order by attempted_at desc) as newest
    from {{ source('loader', '_deliveries') }}
    where status in ('loaded', 'withdrawn')
)

select
    file,
    source,
    year,
    delivery_hash,
    n_rows,
    population_fraction,
    synthetic as is_synthetic,
    check_counts
from ledger
where newest = 1 and status = 'loaded'
