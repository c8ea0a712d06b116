-- The population weights of one original municipality (or district) number must sum to 1:
-- a split hands out the whole population, and the largest weight picks the successor.
select
    geo_level,
    valid_year,
    original_code,
    sum(population_weight) as total_weight
from {{ ref('ref_municipality_renumbering') }}
group by geo_level, valid_year, original_code
having abs(sum(population_weight) - 1) > 0.000001
