-- The standard population (Norway, year var reference_population_year) is the population on
-- 1 January of the following year (SKDE's convention, SPEC section 3). It must be complete:
-- two sexes by single-year ages 0-105.
select count(*) as n_rows
from {{ ref('ref_population_norway') }}
where year_jan1 = {{ var('reference_population_year') }} + 1
having count(*) <> 2 * 106
