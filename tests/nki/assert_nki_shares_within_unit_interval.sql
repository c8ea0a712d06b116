-- NKI shares are fractions: numerator <= denominator and share within [0, 1].
select
    year,
    sector,
    area_level,
    area_code,
    numerator,
    denominator,
    share
from {{ ref('fct_nki_indicators') }}
where
    numerator < 0
    or numerator > denominator
    or share < 0
    or share > 1
