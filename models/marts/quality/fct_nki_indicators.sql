{#
    Public mart of the NKI quality indicator 'discharge summary sent within 1 day'
    (epikrisetid): int_nki__indicators as computed and suppressed there (the method in its
    header), published unchanged.
#}
select
    year,
    sector,
    area_level,
    area_code,
    area_name,
    is_suppressed,
    suppression_reason,
    denominator,
    numerator,
    share,
    share_lower,
    share_upper
from {{ ref('int_nki__indicators') }}
