-- Recomputes every estimated ISF unit price from the published ones (SPEC section 8):
-- geometric interpolation between the published years around it, and before the first or
-- after the last published year extrapolation with the growth of the nearest published pair:
--   price(y) = price(a) * (price(b) / price(a)) ^ ((y - a) / (b - a)),
-- rounded to whole NOK. Also fails when a sector has fewer than two published prices or
-- its years have a gap.
with

prices as (
    select
        year,
        sector,
        unit_price_nok,
        is_estimated
    from {{ ref('ref_isf_unit_prices') }}
),

published as (
    select
        year,
        sector,
        unit_price_nok,
        row_number() over (partition by sector order by year) as published_number,
        count(*) over (partition by sector) as n_published
    from prices
    where not is_estimated
),

-- consecutive published years (a, b), flagged when they are the first or the last pair
published_pairs as (
    select
        price_a.sector,
        price_a.year as year_a,
        price_b.year as year_b,
        price_a.unit_price_nok as price_a,
        price_b.unit_price_nok as price_b,
        price_a.published_number = 1 as is_first_pair,
        price_b.published_number = price_b.n_published as is_last_pair
    from published as price_a
    inner join published as price_b
        on
            price_a.sector = price_b.sector
            and price_a.published_number + 1 = price_b.published_number
),

estimates as (
    select
        prices.year,
        prices.sector,
        prices.unit_price_nok,
        published_pairs.price_a * power(
            published_pairs.price_b / published_pairs.price_a,
            cast(prices.year - published_pairs.year_a as {{ type_double() }})
            / (published_pairs.year_b - published_pairs.year_a)
        ) as expected_price_nok
    from prices
    left join published_pairs
        on
            prices.sector = published_pairs.sector
            and (
                (prices.year > published_pairs.year_a and prices.year < published_pairs.year_b)
                or (prices.year < published_pairs.year_a and published_pairs.is_first_pair)
                or (prices.year > published_pairs.year_b and published_pairs.is_last_pair)
            )
    where prices.is_estimated
),

wrong_estimates as (
    select
        year,
        sector,
        unit_price_nok,
        expected_price_nok
    from estimates
    where
        expected_price_nok is null
        or abs(unit_price_nok - expected_price_nok) > 0.5
),

year_gaps as (
    select
        cast(null as integer) as year,
        sector,
        cast(null as {{ type_double() }}) as unit_price_nok,
        cast(null as {{ type_double() }}) as expected_price_nok
    from prices
    group by sector
    having count(*) <> max(year) - min(year) + 1
)

select * from wrong_estimates
union all
select * from year_gaps
