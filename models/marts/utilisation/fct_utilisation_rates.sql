{#
    Public mart of the utilisation rates (SPEC sections 6, 7 and 12): the cells of
    int_published_rates (the engine's rates with small-count suppression; the method in its
    header), published with their area names (dim_areas).
#}
select
    rates.sample_id,
    rates.measure,
    rates.provider_option,
    rates.year,
    rates.period,
    rates.area_level,
    rates.area_code,
    areas.area_name,
    rates.events,
    rates.population,
    rates.crude_rate,
    rates.std_rate,
    rates.std_rate_lower,
    rates.std_rate_upper,
    rates.standardisation,
    rates.is_suppressed,
    rates.suppression_reason
from {{ ref('int_published_rates') }} as rates
left join {{ ref('dim_areas') }} as areas
    on
        rates.area_level = areas.area_level
        and rates.area_code = areas.area_code
