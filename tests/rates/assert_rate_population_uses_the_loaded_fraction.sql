-- The rate populations (int_rate_population) were built with the population fraction of the
-- loaded delivery (int_rate_population_fraction). They differ only after a delivery of another
-- fraction replaced every file and an incremental build (clinical-dashboard build --sources ...,
-- which always rebuilds int_rate_population_fraction) left the populations of the old one:
-- build in full (clinical-dashboard build without --sources). One row per stale fraction.
with built as (
    select distinct population_fraction
    from {{ ref('int_rate_population') }}
)

select
    built.population_fraction as built_with,
    loaded.population_fraction as loaded_delivery
from built
cross join {{ ref('int_rate_population_fraction') }} as loaded
where built.population_fraction <> loaded.population_fraction
