{#
    Numerator and denominator of every RBF indicator per area, RBF year and calculation: the
    treating units of int_rbf__indicator_units summed to
    - `hf`: the HF area in the catchment numbering (hf_area_code of the treating HF; a
      private non-commercial hospital counts in the HF area of its name, e.g. Haraldsplass
      in Bergen); units without an HF area (Sunnaas, the "Resterende" units) have no HF row;
    - `rhf`: the RHF of the treating HF, every unit. Every RHF of ref_rbf_distribution_keys
      gets a row for every indicator of a calculable calculation, with 0 / 0 when it has no
      activity (it then earns no points but is still in the distribution).
#}
with units as (
    select
        rbf_year,
        calculation,
        indicator_id,
        data_year,
        period,
        treating_rhf_code,
        hf_area_code,
        numerator,
        denominator
    from {{ ref('int_rbf__indicator_units') }}
),

calculations as (
    select distinct
        rbf_year,
        calculation,
        indicator_id,
        data_year,
        period
    from {{ ref('int_rbf__calculation_periods') }}
    where is_calculable
),

regions as (
    select
        rbf_year,
        rhf_code
    from {{ ref('ref_rbf_distribution_keys') }}
),

rhf_sums as (
    select
        rbf_year,
        calculation,
        indicator_id,
        treating_rhf_code,
        sum(numerator) as numerator,
        sum(denominator) as denominator
    from units
    group by
        rbf_year,
        calculation,
        indicator_id,
        treating_rhf_code
),

rhf_areas as (
    select
        calculations.rbf_year,
        calculations.calculation,
        calculations.indicator_id,
        calculations.data_year,
        calculations.period,
        'rhf' as area_level,
        regions.rhf_code as area_code,
        coalesce(rhf_sums.numerator, 0) as numerator,
        coalesce(rhf_sums.denominator, 0) as denominator
    from calculations
    inner join regions
        on calculations.rbf_year = regions.rbf_year
    left join rhf_sums
        on
            calculations.rbf_year = rhf_sums.rbf_year
            and calculations.calculation = rhf_sums.calculation
            and calculations.indicator_id = rhf_sums.indicator_id
            and regions.rhf_code = rhf_sums.treating_rhf_code
),

hf_areas as (
    select
        rbf_year,
        calculation,
        indicator_id,
        data_year,
        period,
        'hf' as area_level,
        hf_area_code as area_code,
        sum(numerator) as numerator,
        sum(denominator) as denominator
    from units
    where hf_area_code is not null
    group by
        rbf_year,
        calculation,
        indicator_id,
        data_year,
        period,
        hf_area_code
)

select
    rbf_year,
    calculation,
    indicator_id,
    data_year,
    period,
    area_level,
    area_code,
    cast(numerator as {{ dbt.type_bigint() }}) as numerator,
    cast(denominator as {{ dbt.type_bigint() }}) as denominator
from rhf_areas
union all
select
    rbf_year,
    calculation,
    indicator_id,
    data_year,
    period,
    area_level,
    area_code,
    cast(numerator as {{ dbt.type_bigint() }}) as numerator,
    cast(denominator as {{ dbt.type_bigint() }}) as denominator
from hf_areas
