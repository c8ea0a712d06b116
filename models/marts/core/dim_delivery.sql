{#
    The delivery the marts are built from: one row saying whether it is synthetic and which
    fraction of the population its events stand for (int_rate_population_fraction, read from
    the loader's ledger). Every rate and population of the marts uses that fraction of the
    SSB population; the dashboard shows a banner on every page when is_synthetic.
#}
select
    is_synthetic,
    population_fraction
from {{ ref('int_rate_population_fraction') }}
