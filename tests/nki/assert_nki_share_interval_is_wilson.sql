-- The published 95% interval of every NKI share (share_lower, share_upper) is there exactly
-- where the share is, holds the share (that it stays within [0, 1] is the columns'
-- accepted_range tests), and equals the Wilson score interval recomputed here in its textbook
-- form from the published numerator and denominator,
-- (p + z^2/2n -+ z sqrt(p(1-p)/n + z^2/4n^2)) / (1 + z^2/n): a different arrangement of the
-- formula than macros/rates/wilson_interval.sql, to 1e-9 (the mart rounds to 10 decimals).
with nki as (
    select
        year,
        sector,
        area_level,
        area_code,
        numerator,
        denominator,
        share,
        share_lower,
        share_upper,
        -- no denominator (0): no share, and PostgreSQL refuses the division
        cast(numerator as {{ type_double() }})
        / nullif(cast(denominator as {{ type_double() }}), 0) as p,
        nullif(cast(denominator as {{ type_double() }}), 0) as n
    from {{ ref('fct_nki_indicators') }}
),

textbook as (
    select
        *,
        (
            p + power({{ wilson_z() }}, 2) / (2 * n)
            - {{ wilson_z() }}
            * sqrt(p * (1 - p) / n + power({{ wilson_z() }}, 2) / (4 * n * n))
        ) / (1 + power({{ wilson_z() }}, 2) / n) as expected_lower,
        (
            p + power({{ wilson_z() }}, 2) / (2 * n)
            + {{ wilson_z() }}
            * sqrt(p * (1 - p) / n + power({{ wilson_z() }}, 2) / (4 * n * n))
        ) / (1 + power({{ wilson_z() }}, 2) / n) as expected_upper
    from nki
),

checked as (
    select
        year,
        sector,
        area_level,
        area_code,
        share,
        share_lower,
        share_upper,
        case
            when
                (share is null) <> (share_lower is null)
                or (share is null) <> (share_upper is null)
                then 'interval not null exactly where the share is'
            when share_lower > share or share_upper < share
                then 'interval does not hold the share'
            when
                abs(share_lower - expected_lower) > 1e-9
                or abs(share_upper - expected_upper) > 1e-9
                then 'interval differs from the textbook Wilson interval'
        end as problem
    from textbook
)

select * from checked
where problem is not null
