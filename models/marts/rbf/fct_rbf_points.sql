{#
    RBF points and money per RBF year, calculation and RHF (seed 003 section 4.2; SPEC
    section 10), from the unsuppressed RHF scores of int_rbf__indicator_scores:
    - raw_points: the RHF's points summed over the indicators;
    - weighted_points = raw_points x distribution_key (ref_rbf_distribution_keys);
    - normalisation_factor = total points (ref_rbf_budget, 100,000) / the sum of all RHFs'
      weighted points, so that points not earned are shared out: the normalised points of
      all RHFs sum to 100,000;
    - nok_per_point = budget_nok / total points (RBF 2025: 671,631,000 / 100,000 = 6,716.31);
      nok = normalised_points x nok_per_point in whole kroner, rounded by largest remainder
      (each RHF gets the whole kroner of its exact amount, the kroner left go one each to the
      largest fractions, ties by RHF code) so that the RHFs' NOK sum exactly to the budget.
    When no RHF earns a point, nothing can be normalised: factor, normalised points and NOK
    are null.
#}
with scores as (
    select
        rbf_year,
        calculation,
        area_code as rhf_code,
        points
    from {{ ref('int_rbf__indicator_scores') }}
    where area_level = 'rhf'
),

calculations as (
    select distinct
        rbf_year,
        calculation
    from scores
),

raw_points as (
    select
        rbf_year,
        calculation,
        rhf_code,
        sum(points) as raw_points
    from scores
    group by
        rbf_year,
        calculation,
        rhf_code
),

distribution_keys as (
    select
        rbf_year,
        rhf_code,
        rhf_name,
        distribution_key,
        is_assumed
    from {{ ref('ref_rbf_distribution_keys') }}
),

budget as (
    select
        rbf_year,
        total_points,
        budget_nok,
        is_assumed
    from {{ ref('ref_rbf_budget') }}
),

weighted as (
    select
        calculations.rbf_year,
        calculations.calculation,
        distribution_keys.rhf_code,
        distribution_keys.rhf_name,
        distribution_keys.distribution_key,
        budget.total_points,
        budget.budget_nok,
        coalesce(raw_points.raw_points, 0) as raw_points,
        coalesce(raw_points.raw_points, 0) * distribution_keys.distribution_key
            as weighted_points,
        distribution_keys.is_assumed or budget.is_assumed as is_assumed
    from calculations
    inner join distribution_keys
        on calculations.rbf_year = distribution_keys.rbf_year
    inner join budget
        on calculations.rbf_year = budget.rbf_year
    left join raw_points
        on
            calculations.rbf_year = raw_points.rbf_year
            and calculations.calculation = raw_points.calculation
            and distribution_keys.rhf_code = raw_points.rhf_code
),

totals as (
    select
        *,
        sum(weighted_points) over (partition by rbf_year, calculation) as total_weighted_points
    from weighted
),

normalised as (
    select
        *,
        case
            when total_weighted_points > 0 then total_points / total_weighted_points
        end as normalisation_factor,
        case
            when total_weighted_points > 0
                then weighted_points * total_points / total_weighted_points
        end as normalised_points,
        case
            when total_weighted_points > 0
                then weighted_points * budget_nok / total_weighted_points
        end as exact_nok
    from totals
),

-- Largest remainder: whole kroner first, then the kroner left over, one each, to the
-- largest fractions.
whole_kroner as (
    select
        *,
        floor(exact_nok) as floor_nok,
        exact_nok - floor(exact_nok) as fraction_nok
    from normalised
),

ranked as (
    select
        *,
        budget_nok - sum(floor_nok) over (partition by rbf_year, calculation) as kroner_left,
        row_number() over (
            partition by rbf_year, calculation
            order by fraction_nok desc nulls last, rhf_code asc
        ) as fraction_rank
    from whole_kroner
)

select
    rbf_year,
    calculation,
    rhf_code,
    rhf_name,
    is_assumed,
    {{ round_to('raw_points', rbf_points_decimals()) }} as raw_points,
    distribution_key,
    {{ round_to('weighted_points', rbf_points_decimals()) }} as weighted_points,
    {{ round_to('normalisation_factor', 10) }} as normalisation_factor,
    {{ round_to('normalised_points', rbf_points_decimals()) }} as normalised_points,
    {{ round_to('budget_nok / total_points', 6) }} as nok_per_point,
    cast(
        floor_nok + case when fraction_rank <= round(kroner_left) then 1 else 0 end
        as {{ dbt.type_bigint() }}
    ) as nok
from ranked
