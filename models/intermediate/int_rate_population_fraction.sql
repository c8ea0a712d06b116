{#
    The population fraction the loaded delivery stands for, and whether it is synthetic: one
    row. The one place the warehouse reads it; int_rate_population multiplies every population
    by it, so every rate (crude, standardised, intervals, expected counts) and every published
    population is that of the delivery's share of the residents.

    A synthetic delivery at scale s (clinical-dashboard generate --scale s) holds the events of
    a fraction s of the residents; its manifest says so and the loader records the fraction with
    every file it loads (raw._deliveries.population_fraction), over the files whose rows are in
    raw (stg_loader__current_deliveries). A file recorded without a fraction (a real delivery,
    or a ledger row written before the loader recorded it) counts as 1; no files at all: 1, not
    synthetic.
    The loader refuses a delivery whose fraction differs from that of the files it keeps;
    population_fractions or synthetic_flags > 1 (tests on this model) stop the build if a mix
    got in anyway (a rejected file's earlier version kept beside a new delivery).
#}
with current_files as (
    select
        coalesce(population_fraction, 1.0) as population_fraction,
        coalesce(is_synthetic, false) as is_synthetic
    from {{ ref('stg_loader__current_deliveries') }}
)

select
    cast(coalesce(max(population_fraction), 1.0) as {{ type_double() }}) as population_fraction,
    coalesce(max(case when is_synthetic then 1 else 0 end), 0) = 1 as is_synthetic,
    count(distinct population_fraction) as population_fractions,
    count(distinct is_synthetic) as synthetic_flags,
    count(*) as delivery_files
from current_files
