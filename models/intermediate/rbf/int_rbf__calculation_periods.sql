{#
    Which data each RBF calculation reads: one row per RBF year, calculation and indicator,
    with the indicator's data year and period and whether that period is complete in the
    data (int_rbf__source_periods).

    RBF year Y (seed 003 sections 1.2 and 4.1.2; SPEC section 10): the `preliminary`
    calculation (state budget, October of Y-1) reads T1 of Y-1 for the NPR indicators and
    the whole year Y-2 for the NKI indicator; the `final` calculation (revised national
    budget, May of Y) reads the whole year Y-1 for the NPR indicators, while the NKI result
    "ligger fast for året" (stands for the year): Y-2 again. The offsets and periods are
    columns of ref_rbf_indicators, so another RBF year can change them.

    is_calculable: every indicator of the RBF year and calculation has its complete period.
    Only calculable calculations are scored (an RBF calculation with an indicator missing
    would hand its points to the others).
#}
with indicators as (
    select
        rbf_year,
        indicator_id,
        data_source,
        sector,
        counting_unit,
        preliminary_data_year_offset,
        preliminary_period,
        final_data_year_offset,
        final_period
    from {{ ref('ref_rbf_indicators') }}
),

indicator_calculations as (
    select
        rbf_year,
        indicator_id,
        data_source,
        sector,
        counting_unit,
        'preliminary' as calculation,
        rbf_year + preliminary_data_year_offset as data_year,
        preliminary_period as period
    from indicators
    union all
    select
        rbf_year,
        indicator_id,
        data_source,
        sector,
        counting_unit,
        'final' as calculation,
        rbf_year + final_data_year_offset as data_year,
        final_period as period
    from indicators
),

periods as (
    {{ rate_periods_relation() }}
),

source_periods as (
    select
        data_source,
        year,
        period
    from {{ ref('int_rbf__source_periods') }}
),

located as (
    select
        indicator_calculations.rbf_year,
        indicator_calculations.calculation,
        indicator_calculations.indicator_id,
        indicator_calculations.data_source,
        indicator_calculations.sector,
        indicator_calculations.counting_unit,
        indicator_calculations.data_year,
        indicator_calculations.period,
        periods.first_month,
        periods.last_month,
        source_periods.year is not null as is_period_complete
    from indicator_calculations
    inner join periods
        on indicator_calculations.period = periods.period
    left join source_periods
        on
            indicator_calculations.data_source = source_periods.data_source
            and indicator_calculations.data_year = source_periods.year
            and indicator_calculations.period = source_periods.period
),

calculations as (
    select
        rbf_year,
        calculation,
        min(case when is_period_complete then 1 else 0 end) = 1 as is_calculable
    from located
    group by
        rbf_year,
        calculation
)

select
    located.rbf_year,
    located.calculation,
    located.indicator_id,
    located.data_source,
    located.sector,
    located.counting_unit,
    located.data_year,
    located.period,
    located.first_month,
    located.last_month,
    located.is_period_complete,
    calculations.is_calculable
from located
inner join calculations
    on
        located.rbf_year = calculations.rbf_year
        and located.calculation = calculations.calculation
