{#
    Steps 2 and 3 of the cost ranking: each contact of the newest procedure_ranking_years().cost
    (2) complete years gets the medians of its procedure codes (int_procedure_code_isf_medians);
    the highest of them is kept ("max median") and indexed by the ISF unit price of the
    contact's year (ref_isf_unit_prices, sector somatic: NPR-SOM and NPR-AvtaleSOM are somatic
    care) to a cost in NOK. One row per contact with at least one procedure code.
    Person-level (contact ids).
#}
with contact_codes as (
    select
        contact_id,
        year,
        complete_year_rank,
        procedure_code
    from {{ ref('int_procedure_contact_codes') }}
    where complete_year_rank <= {{ procedure_ranking_years().cost }}
),

medians as (
    select
        procedure_code,
        median_isf_points
    from {{ ref('int_procedure_code_isf_medians') }}
),

unit_prices as (
    select
        year,
        unit_price_nok
    from {{ ref('ref_isf_unit_prices') }}
    where sector = 'somatic'
),

contact_medians as (
    select
        contact_codes.contact_id,
        contact_codes.year,
        contact_codes.complete_year_rank,
        max(medians.median_isf_points) as max_median_isf_points
    from contact_codes
    left join medians
        on contact_codes.procedure_code = medians.procedure_code
    group by
        contact_codes.contact_id,
        contact_codes.year,
        contact_codes.complete_year_rank
)

select
    contact_medians.contact_id,
    contact_medians.year,
    contact_medians.complete_year_rank,
    contact_medians.max_median_isf_points,
    unit_prices.unit_price_nok,
    contact_medians.max_median_isf_points * unit_prices.unit_price_nok as cost_nok
from contact_medians
left join unit_prices
    on contact_medians.year = unit_prices.year
