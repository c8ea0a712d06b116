{#
    Variation between the areas of one level (SPEC section 11), per sample, measure, provider
    option, year, period and area level (rhf, hf, hospital). The cells are those of
    fct_utilisation_rates, read where they are suppressed (int_published_rates; complete
    periods only). Statistics, with k the number of areas used:

    From the published standardised rates (std_rate) of the areas that are not suppressed:
      extremal_quotient     max / min                           (null when k < 2)
      extremal_quotient_2   2nd highest / 2nd lowest            (null when k < 4)
      extremal_quotient_3   3rd highest / 3rd lowest            (null when k < 6)
        null as well when the divisor is 0 (an area without events).
      coefficient_of_variation            s / mean, s the SAMPLE standard deviation
                                          (divisor k - 1)       (null when k < 2)
      weighted_coefficient_of_variation   s_w / mean_w with the area populations w as weights:
            mean_w = sum(w x) / sum(w),
            s_w^2  = sum(w (x - mean_w)^2) / (((k - 1) / k) sum(w))
        the weighted form of the sample variance (NIST Dataplot's weighted standard
        deviation): with equal weights it is the unweighted sample s, so the two CVs agree
        when the areas are equally large.                       (null when k < 2)
      Suppressed areas (std_rate null) are left out: k counts the published rates only.

    Systematic component of variation (McPherson et al. 1982), from the observed and expected
    counts per area of int_rate_area_expected:
      SCV = 100 * (1/k) * sum_i [ (O_i - E_i)^2 / E_i^2 - 1 / E_i ]
      O_i = events of area i, E_i = sum over strata s of rate_s * population_i,s, where rate_s
      is the rate of stratum s among all residents of the level's areas (sum of the areas'
      events / sum of their population). That is the national stratum rate without the
      events of unknown residence, which belong to no area: so sum_i E_i = sum_i O_i, and a
      share of unknown residence does not show up as variation. k counts the areas with
      E_i > 0; null when k < 2. The stratum counts are the unsuppressed ones: the mart
      publishes only the aggregate, never an area's count. SCV assumes Poisson counts; it is
      null for measures that are not counts (measure_is_count in macros/rates/rate_method.sql:
      NOK). For bed days (counts, but clustered in stays) it overstates the systematic part.

    Published statistics are rounded to 8 decimals; their sums over the areas add in area
    order (ordered_sum), so that every build gives the same bits.
#}
{%- set variation_decimals = 8 -%}
{%- set published_population = 'case when std_rate is not null then population end' -%}

with rates as (
    select
        sample_id,
        measure,
        provider_option,
        year,
        period,
        area_level,
        area_code,
        cast(population as {{ type_double() }}) as population,
        -- the published rate: null where the area is suppressed
        case when not is_suppressed then cast(std_rate as {{ type_double() }}) end as std_rate,
        -- the cell's number: the groupings and windows below run on it
        dense_rank() over (
            order by sample_id, measure, provider_option, year, period, area_level
        ) as cell_id
    from {{ ref('int_published_rates') }}
    where area_level in ('rhf', 'hf', 'hospital')
),

-- Per cell: the areas, and the count, mean and population-weighted mean of the published
-- rates.
cells as (
    select
        cell_id,
        sample_id,
        measure,
        provider_option,
        year,
        period,
        area_level,
        count(*) as n_areas,
        count(std_rate) as n_areas_with_rate,
        {{ ordered_sum('std_rate', 'area_code') }} / nullif(count(std_rate), 0) as mean_std_rate,
        {{ ordered_sum('std_rate * population', 'area_code') }}
        / nullif({{ ordered_sum(published_population, 'area_code') }}, 0)
            as weighted_mean_std_rate,
        {{ ordered_sum(published_population, 'area_code') }} as sum_of_weights
    from rates
    group by cell_id, sample_id, measure, provider_option, year, period, area_level
),

-- Published rates, ranked from both ends.
published_rates as (
    select
        *,
        row_number() over (
            partition by cell_id order by std_rate asc, area_code asc
        ) as rank_from_lowest,
        row_number() over (
            partition by cell_id order by std_rate desc, area_code desc
        ) as rank_from_highest
    from rates
    where std_rate is not null
),

-- Per cell with published rates: the extremes, the sample standard deviation from the
-- deviations from the mean (two passes) and the weighted sum of squares, added in area order.
rate_statistics as (
    select
        means.cell_id,
        min(ranked.std_rate) as min_std_rate,
        max(ranked.std_rate) as max_std_rate,
        sqrt({{ ordered_sum(
            '(ranked.std_rate - means.mean_std_rate) * (ranked.std_rate - means.mean_std_rate)',
            'ranked.area_code'
        ) }} / nullif(count(*) - 1, 0)) as sd_std_rate,
        max(case when ranked.rank_from_lowest = 2 then ranked.std_rate end)
            as second_lowest_std_rate,
        max(case when ranked.rank_from_highest = 2 then ranked.std_rate end)
            as second_highest_std_rate,
        max(case when ranked.rank_from_lowest = 3 then ranked.std_rate end)
            as third_lowest_std_rate,
        max(case when ranked.rank_from_highest = 3 then ranked.std_rate end)
            as third_highest_std_rate,
        {{ ordered_sum(
            'ranked.population * (ranked.std_rate - means.weighted_mean_std_rate)'
            ~ ' * (ranked.std_rate - means.weighted_mean_std_rate)',
            'ranked.area_code'
        ) }} as weighted_sum_of_squares
    from cells as means
    inner join published_rates as ranked
        on means.cell_id = ranked.cell_id
    group by means.cell_id
),

systematic_variation as (
    select
        sample_id,
        measure,
        provider_option,
        year,
        period,
        area_level,
        count(*) as n_areas_expected,
        100 * {{ ordered_sum(
            '(observed - expected) * (observed - expected) / (expected * expected) - 1 / expected',
            'area_code'
        ) }} / count(*) as systematic_component_of_variation
    from {{ ref('int_rate_area_expected') }}
    where expected > 0
    group by sample_id, measure, provider_option, year, period, area_level
),

final as (
    select
        cells.sample_id,
        cells.measure,
        cells.provider_option,
        cells.year,
        cells.period,
        cells.area_level,
        cells.n_areas,
        rate_statistics.min_std_rate,
        rate_statistics.max_std_rate,
        cells.mean_std_rate,
        rate_statistics.sd_std_rate,
        cells.n_areas_with_rate,
        case
            when cells.n_areas_with_rate >= 2
                then rate_statistics.max_std_rate / nullif(rate_statistics.min_std_rate, 0)
        end as extremal_quotient,
        case
            when cells.n_areas_with_rate >= 4
                then
                    rate_statistics.second_highest_std_rate
                    / nullif(rate_statistics.second_lowest_std_rate, 0)
        end as extremal_quotient_2,
        case
            when cells.n_areas_with_rate >= 6
                then
                    rate_statistics.third_highest_std_rate
                    / nullif(rate_statistics.third_lowest_std_rate, 0)
        end as extremal_quotient_3,
        case
            when cells.n_areas_with_rate >= 2
                then rate_statistics.sd_std_rate / nullif(cells.mean_std_rate, 0)
        end as coefficient_of_variation,
        case
            when cells.n_areas_with_rate >= 2
                then sqrt(
                    cells.n_areas_with_rate * rate_statistics.weighted_sum_of_squares
                    / nullif(
                        (cells.n_areas_with_rate - 1) * cells.sum_of_weights,
                        0
                    )
                ) / nullif(cells.weighted_mean_std_rate, 0)
        end as weighted_coefficient_of_variation,
        case
            when systematic_variation.n_areas_expected >= 2
                then systematic_variation.systematic_component_of_variation
        end as systematic_component_of_variation
    from cells
    left join rate_statistics
        on cells.cell_id = rate_statistics.cell_id
    left join systematic_variation
        on
            cells.sample_id = systematic_variation.sample_id
            and cells.measure = systematic_variation.measure
            and cells.provider_option = systematic_variation.provider_option
            and cells.year = systematic_variation.year
            and cells.period = systematic_variation.period
            and cells.area_level = systematic_variation.area_level
)

select
    sample_id,
    measure,
    provider_option,
    year,
    period,
    area_level,
    cast(n_areas as {{ dbt.type_int() }}) as n_areas,
    cast(n_areas_with_rate as {{ dbt.type_int() }}) as n_areas_with_rate,
    cast(min_std_rate as {{ type_double() }}) as min_std_rate,
    cast(max_std_rate as {{ type_double() }}) as max_std_rate,
    {{ round_to('mean_std_rate', variation_decimals) }} as mean_std_rate,
    {{ round_to('sd_std_rate', variation_decimals) }} as sd_std_rate,
    {{ round_to('extremal_quotient', variation_decimals) }} as extremal_quotient,
    {{ round_to('extremal_quotient_2', variation_decimals) }} as extremal_quotient_2,
    {{ round_to('extremal_quotient_3', variation_decimals) }} as extremal_quotient_3,
    {{ round_to('coefficient_of_variation', variation_decimals) }} as coefficient_of_variation,
    {{ round_to('weighted_coefficient_of_variation', variation_decimals) }}
        as weighted_coefficient_of_variation,
    {{ round_to('systematic_component_of_variation', variation_decimals) }}
        as systematic_component_of_variation
from final
